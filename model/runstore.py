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
import tempfile
from datetime import datetime
from pathlib import Path

import pandas as pd


RUN_FILE = "run.json"


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
    destination = destination.resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    try:
        for name, table in tables.items():
            table.to_csv(staging / f"{name}.csv", index=False, float_format="%.10g")
        (staging / RUN_FILE).write_text(json.dumps(meta, indent=2, default=str) + "\n")
        if destination.exists():
            retired = destination.with_name(f".{destination.name}.old")
            os.replace(destination, retired)
            os.replace(staging, destination)
            shutil.rmtree(retired)
        else:
            os.replace(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return destination
