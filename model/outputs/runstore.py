"""The run store: one folder per run under `results/`, written completely or not at all.

A run is written into a staging folder beside its destination and moved into place
at the end (`atomic.staged`), so an interrupted or failed run leaves no half-written
folder and never damages an earlier run of the same name. A run name is a plain name
(one folder of the store); a folder is replaced only when it is an earlier run and the
caller says `replace`, or when it is empty. Each folder holds
the result tables (CSV) and `run.json`: the run's name, time, status, the
resolved policy case, settings, input hash, versions, solver and timings. A
run that failed (an infeasible sweep point) keeps only `run.json`, with the reason.
"""
from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from decarb.errors import InputError, OutputError, Problem
from decarb.outputs.atomic import check_writable, staged


RUN_FILE = "run.json"
RESULT_TABLES = ("investments", "emissions", "production", "energy", "costs")
# plant mode only; materials.csv, levelised_costs.csv, mac_curve.csv, stranded.csv: runs
# stored before they were written lack them; ets, levies and cbam: only runs with those
# instruments (outputs/carbon.py), so the tables of the support instruments
# (outputs/support.py); attribution.csv: only runs made with --attribution
OPTIONAL_TABLES = ("plant_investments", "plants", "materials", "levelised_costs",
                   "mac_curve", "ets", "levies", "cbam", "stranded", "attribution",
                   "public_costs", "hydrogen_contracts", "ccs", "companies")


def default_run_name(label: str) -> str:
    """`<case or dataset>-<date>-<time>`: names sort by time within a case."""
    return f"{label}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"


class Kind(NamedTuple):
    """What decarb writes as a folder, told by the record file it holds."""

    name: str
    record: str


RUN = Kind("run", RUN_FILE)


def plain_name(name: str, option: str = "--name") -> str:
    """`name` when it names one entry of a folder; InputError otherwise: a separator,
    '.' or '..', a leading dot (staging names, never listed) or a control character
    could write outside the store or where nothing lists it."""
    bad = (not name or name in (".", "..") or name.startswith(".") or "/" in name
           or "\\" in name or len(name.encode()) > 255
           or any(unicodedata.category(c).startswith("C") for c in name))
    if bad:
        raise InputError([Problem(option, None, None, name, "a plain name: one folder of "
                                  "the store (no / or \\, not . or .., no leading dot, no "
                                  "control character, at most 255 bytes)")])
    return name


def check_destination(target: Path, kind: Kind, replace: bool = False) -> None:
    """OutputError unless a `kind` folder may be written at `target`: nothing is there,
    an empty folder is, or, with `replace`, an earlier `kind` is (a folder holding its
    record). Anything else (a folder of other files, a file) is never replaced."""
    target = Path(target)
    check_writable(target, folder=True)
    if not target.exists() or not any(target.iterdir()):
        return
    if not (target / kind.record).is_file():
        raise OutputError(target, f"it exists and is not a {kind.name} folder (it has no "
                          f"{kind.record}); decarb replaces only an earlier {kind.name} "
                          "or an empty folder: give another name")
    if not replace:
        raise OutputError(target, f"a {kind.name} of this name exists; give another name"
                          + (", or --replace to replace it" if kind == RUN else
                             " (the points of two sets are never mixed)"))


def run_record(name: str, status: str = "optimal", reason: str | None = None,
               case: dict | None = None, command: str | None = None) -> dict:
    """The head of run.json: what the run is, the command line that made it and how it
    ended."""
    return {"run": {"name": name, "created": datetime.now().isoformat(timespec="seconds"),
                    "status": status, "reason": reason, "command": command},
            "case": case}


def write_run(destination: Path, tables: dict[str, pd.DataFrame], meta: dict,
              replace: bool = False) -> Path:
    """Write `tables` as CSV and `meta` as run.json into `destination`, atomically.

    An earlier run of that name is replaced (with `replace`) only once the new one is
    complete; without it, or for a folder that is no run, OutputError.
    """
    destination = Path(destination).resolve()
    check_destination(destination, RUN, replace)
    with staged(destination, folder=True, replace=replace) as staging:
        for name, table in tables.items():
            table.to_csv(staging / f"{name}.csv", index=False, float_format="%.10g")
        (staging / RUN_FILE).write_text(json.dumps(meta, indent=2, default=str) + "\n")
    return destination
