"""The run store: one folder per run under `results/`, written completely or not at all.

A run is written into a temporary folder beside its destination and renamed
into place at the end, so an interrupted or failed run leaves no half-written
folder and never damages an earlier run of the same name. Each folder holds
the result tables (CSV) and `run.json`: the run's name, time, status, the
resolved policy case, settings, input hash, versions, solver and timings. A
run that failed (an infeasible sweep point) keeps only `run.json`, with the reason.
"""
from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from decarb.errors import InputError, OutputError, Problem


RUN_FILE = "run.json"
RESULT_TABLES = ("investments", "emissions", "production", "energy", "costs")
# plant mode only; materials.csv: runs stored before it was written lack it; ets, levies
# and cbam: only runs with those instruments (outputs/carbon.py); so the tables of the
# support instruments (outputs/support.py)
OPTIONAL_TABLES = ("plant_investments", "plants", "materials", "ets", "levies", "cbam",
                   "public_costs", "hydrogen_contracts", "ccs", "companies")


def default_run_name(label: str) -> str:
    """`<case or dataset>-<date>-<time>`: names sort by time within a case."""
    return f"{label}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"


def run_record(name: str, status: str = "optimal", reason: str | None = None,
               case: dict | None = None) -> dict:
    """The head of run.json: what the run is and how it ended."""
    return {"run": {"name": name, "created": datetime.now().isoformat(timespec="seconds"),
                    "status": status, "reason": reason},
            "case": case}


def read_meta(folder: Path) -> dict:
    return json.loads((Path(folder) / RUN_FILE).read_text())


def find_runs(results: Path) -> list[Path]:
    """Every run folder under `results` (sweep points too), by name; staging folders
    (dot names) are skipped."""
    results = Path(results)
    return sorted(path.parent for path in results.rglob(RUN_FILE)
                  if not any(part.startswith(".") for part in
                             path.parent.relative_to(results).parts))


def write_run(destination: Path, tables: dict[str, pd.DataFrame], meta: dict) -> Path:
    """Write `tables` as CSV and `meta` as run.json into `destination`, atomically.

    An existing folder of that name is replaced only once the new one is complete.
    """
    destination = Path(destination).resolve()
    with staged(destination, folder=True) as staging:
        for name, table in tables.items():
            table.to_csv(staging / f"{name}.csv", index=False, float_format="%.10g")
        (staging / RUN_FILE).write_text(json.dumps(meta, indent=2, default=str) + "\n")
    return destination


@dataclass
class Run:
    folder: Path
    tables: dict[str, pd.DataFrame]      # keyed by run-folder table name; {} for a failed run
    meta: dict
    label: str = ""                      # how reports name it (default: the folder's name)

    def __post_init__(self) -> None:
        self.label = self.label or self.folder.name

    @property
    def name(self) -> str:
        return (self.meta.get("run") or {}).get("name") or self.folder.name

    @property
    def scenario(self) -> str:
        return (self.meta.get("case") or {}).get("name") or self.folder.name

    @property
    def status(self) -> str:
        # run.status in current run folders; earlier ones only have solver.status
        return ((self.meta.get("run") or {}).get("status")
                or (self.meta.get("solver") or {}).get("status") or "unknown")

    @property
    def ok(self) -> bool:
        return bool(self.tables)


def read_run(folder: Path, label: str = "", failed_too: bool = False,
             load_tables: bool = True) -> Run:
    """A run folder's result tables and run.json. InputError if it is no run folder,
    or if it failed (no tables) unless `failed_too`: then it comes back without tables.
    Without `load_tables` the tables are only checked to exist (DuckDB reads them)."""
    folder = Path(folder)
    meta_file = folder / RUN_FILE
    if not meta_file.is_file():
        raise InputError([Problem(str(folder), None, None, "", f"a run folder (one with "
                                  f"{RUN_FILE}, as `decarb run` writes)" if folder.exists()
                                  else f"an existing run folder (with {RUN_FILE})")])
    try:
        meta = read_meta(folder)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError([Problem(str(meta_file), None, None, str(error),
                                  "the JSON that `decarb run` writes")]) from None
    run = Run(folder, {}, meta, label)
    if run.status not in ("optimal", "unknown"):   # unknown: a folder without a record
        if failed_too:
            return run
        reason = (meta.get("run") or {}).get("reason")
        raise InputError([Problem(str(meta_file), None, "run.status", run.status,
                                  "a solved run ('optimal') with its tables; this run failed"
                                  + (f": {reason}" if reason else ""))])
    missing = [t for t in RESULT_TABLES if not (folder / f"{t}.csv").is_file()]
    if missing:
        raise InputError([Problem(str(folder / f"{t}.csv"), None, None, "",
                                  "a result table of the run (the file is missing)")
                          for t in missing])
    if not load_tables:
        return run
    # only a blank cell is missing; ids such as "NA" stay text
    run.tables = {t: pd.read_csv(folder / f"{t}.csv", keep_default_na=False, na_values=[""])
                  for t in RESULT_TABLES + OPTIONAL_TABLES if (folder / f"{t}.csv").is_file()}
    return run


def check_writable(target: Path, folder: bool = False) -> None:
    """Raise OutputError unless a file (with `folder`: a folder) can be written at `target`:
    nothing but folders on the way to it, none of the other kind in its place, and a
    parent that may be written. Commands check before they work, not after."""
    try:
        target = Path(target)
        for parent in target.parents:   # the nearest that exists decides
            if parent.exists():
                if not parent.is_dir():
                    raise OutputError(target, f"{parent} is a file, not a folder")
                if not os.access(parent, os.W_OK | os.X_OK):
                    raise OutputError(target, f"no permission to write in {parent}")
                break
        if target.exists() and target.is_dir() != folder:
            raise OutputError(target, "a folder is there, not a file" if target.is_dir()
                              else "a file is there, not a folder")
    except OSError as error:   # e.g. a name too long for the file system
        raise OutputError(target, error.strerror or str(error)) from None


@contextmanager
def staged(target: Path, folder: bool = False) -> Iterator[Path]:
    """A temporary file or folder beside `target`, moved onto it if the block succeeds.

    Staging names start with a dot, so a staging folder left by a killed process is
    never listed or read as a run (`find_runs`); it may be deleted."""
    check_writable(target, folder)
    # a fresh name rather than mkstemp/mkdtemp, whose private (0600/0700) modes
    # would stick to the export; this one gets the user's usual permissions
    staging = target.with_name(f".{target.name}.{uuid.uuid4().hex}{target.suffix}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if folder:
            staging.mkdir()
    except OSError as error:
        raise OutputError(target, error.strerror or str(error)) from None
    try:
        yield staging
        if folder and target.exists():       # os.replace cannot replace a full folder
            retired = target.with_name(f".{target.name}.{uuid.uuid4().hex}.old")
            os.replace(target, retired)
            os.replace(staging, target)
            shutil.rmtree(retired)
        else:
            os.replace(staging, target)
    except BaseException as error:
        if staging.is_dir():
            shutil.rmtree(staging, ignore_errors=True)
        else:
            staging.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(target, error.strerror or str(error)) from error
        raise
