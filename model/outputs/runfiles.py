"""Run folders read through their schema, the way inputs are read.

The result tables and run.json are described as data (result_schema.py) with `Column`
and `Table` (model/inputs/schema.py) and checked by its machinery (`typed_column`):
every required column present, numbers that are numbers (finite, in range), unique
keys, the total rows present (sector `all` of emissions.csv in every model year, with
every sector reported in each; the `total` rows of costs.csv) and run.json's fields of
the right types. A damaged run is an InputError naming its file, row and column;
nothing is guessed. The tables of many runs are read in one DuckDB scan as text (a
file DuckDB cannot parse is parsed alone to say where), so thousands of runs stay fast.
"""
from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from decarb.errors import InputError, Problem
from decarb.inputs.loading import parse_csv
from decarb.inputs.schema import SECTOR_ALL, Column, Table
from decarb.inputs.validation import typed_column
from decarb.outputs.result_schema import NUMERIC, RESULTS, RUN_JSON
from decarb.outputs.runstore import OPTIONAL_TABLES, RESULT_TABLES, RUN_FILE


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
        return status_of(self.meta)

    @property
    def ok(self) -> bool:
        return bool(self.tables)


def status_of(meta: dict) -> str:
    # run.status in current run folders; earlier ones only have solver.status
    return ((meta.get("run") or {}).get("status")
            or (meta.get("solver") or {}).get("status") or "optimal")


def find_runs(results: Path) -> list[Path]:
    """Every run folder under `results` (sweep points too), by name; staging folders
    (dot names) are skipped."""
    results = Path(results)
    return sorted(path.parent for path in results.rglob(RUN_FILE)
                  if not any(part.startswith(".") for part in
                             path.parent.relative_to(results).parts))


def read_meta(folder: Path) -> dict:
    """run.json of a run folder, checked; InputError naming the file and field."""
    file = Path(folder) / RUN_FILE
    if not file.is_file():
        raise InputError([Problem(str(folder), None, None, "", "a run folder (one with "
                                  f"{RUN_FILE}, as `decarb run` writes)" if Path(folder).exists()
                                  else f"an existing run folder (with {RUN_FILE})")])
    try:
        meta = json.loads(file.read_bytes().decode("utf-8"))
    except (ValueError, RecursionError) as error:   # JSON, UTF-8, nesting
        raise InputError([Problem(str(file), None, None, str(error)[:200],
                                  "the JSON that `decarb run` writes")]) from None
    problems = meta_problems(str(file), meta)
    if problems:
        raise InputError(problems)
    return meta


def meta_problems(file: str, meta: Any) -> list[Problem]:
    if not isinstance(meta, dict):
        return [Problem(file, None, None, type(meta).__name__, "a JSON object")]
    problems = []
    for column in RUN_JSON.columns:
        value = _field(meta, column.name)
        if column.dtype == "str" and value is not None and not isinstance(value, str):
            problems.append(Problem(file, None, column.name, json.dumps(value)[:80],
                                    "a string"))
            continue
        text = "" if value is None else value if isinstance(value, str) else json.dumps(value)
        problems += [replace(p, row=None) for p in typed_column(
            file, column, pd.Series([text], index=[1], dtype=object))[1]]
    if status_of(meta) == "optimal" and not isinstance(_field(meta, "settings.year_step"), int):
        problems.append(Problem(file, None, "settings.year_step", "",
                                "the run's year step (a whole number of years >= 1)"))
    return problems


def _field(meta: dict, dotted: str) -> Any:
    value: Any = meta
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def read_run(folder: Path, label: str = "", failed_too: bool = False,
             load_tables: bool = True) -> Run:
    """A run folder's result tables and run.json, checked. InputError if it is no run
    folder or a damaged one, or if it failed (no tables) unless `failed_too`: then it
    comes back without tables. Without `load_tables` only run.json is read."""
    folder = Path(folder)
    meta = read_meta(folder)
    run = Run(folder, {}, meta, label)
    if run.status != "optimal":
        if failed_too:
            return run
        reason = (meta.get("run") or {}).get("reason")
        raise InputError([Problem(str(folder / RUN_FILE), None, "run.status", run.status,
                                  "a solved run ('optimal') with its tables; this run failed"
                                  + (f": {reason}" if reason else ""))])
    missing = [t for t in RESULT_TABLES if not (folder / f"{t}.csv").is_file()]
    if missing:
        raise InputError([Problem(str(folder / f"{t}.csv"), None, None, "",
                                  "a result table of the run (the file is missing)")
                          for t in missing])
    if load_tables:
        run.tables = {t: read_tables([folder], t, ["run"]).drop(columns="run")
                      for t in RESULT_TABLES + OPTIONAL_TABLES
                      if (folder / f"{t}.csv").is_file()}
    return run


def check_folders(run_dirs: Sequence[Path]) -> dict[int, list[Problem]]:
    """Every result table of solved runs checked: the problems of each damaged run, by
    its position in `run_dirs` (a command that reads a run reads it whole)."""
    folders = [Path(d).absolute() for d in run_dirs]
    at = {f: i for i, f in reversed(list(enumerate(folders)))}
    damaged: dict[int, list[Problem]] = {}
    for table in RESULT_TABLES + OPTIONAL_TABLES:
        given = [f for f in folders if table in RESULT_TABLES or (f / f"{table}.csv").is_file()]
        for problem in scan(given, table)[1] if given else []:
            damaged.setdefault(at[Path(problem.file).parent], []).append(problem)
    return damaged


def read_tables(run_dirs: Sequence[Path], table: str,
                labels: Sequence[str] | None = None) -> pd.DataFrame:
    """`table`.csv of every run, checked, with the run's label in a first column `run`
    (default labels: compare.run_labels). Columns are matched by name, so a column
    some runs lack (another run's subsidy programme) is blank for them. InputError
    naming every problem found."""
    frame, problems = scan(run_dirs, table)
    if problems:
        raise InputError(problems)
    if labels is None:
        from decarb.outputs.compare import run_labels
        labels = run_labels(run_dirs)
    return pd.DataFrame({"_run": range(len(run_dirs)), "run": list(labels)}).merge(
        frame, on="_run").drop(columns="_run")


def scan(run_dirs: Sequence[Path], table: str) -> tuple[pd.DataFrame, list[Problem]]:
    """`table`.csv of every run in one DuckDB scan, typed by the schema (column `_run`:
    the position of its folder in `run_dirs`), and the problems of the damaged ones
    (their rows are left out)."""
    schema = RESULTS[table]
    files = [(Path(d) / f"{table}.csv").absolute() for d in run_dirs]
    problems = [Problem(str(f), None, None, "", "a result table of the run (the file is "
                        "missing)") for f in dict.fromkeys(files) if not f.is_file()]
    present = [f for f in dict.fromkeys(files) if f.is_file()]
    shapes = {f: _shape(f) for f in present}
    for f, (header, _) in shapes.items():
        problems += _header_problems(str(f), schema, header)
    readable = {f: shapes[f] for f in present if not any(p.file == str(f) for p in problems)}
    text, found = _text(readable)
    problems += found
    text = text.loc[~text["filename"].isin({p.file for p in found})]
    frame, found = _typed(schema, text)
    problems += found
    if table in RULES and set(schema.key) <= set(frame.columns):
        problems += RULES[table](frame, {str(f): _years(f.parent) for f in readable
                                         if not any(p.file == str(f) for p in problems)})
    bad = {p.file for p in problems}
    frame = frame.loc[~frame["filename"].isin(bad)]
    # a merge, not a map: the same folder given twice is two runs of one file
    runs = pd.DataFrame({"filename": [str(f) for f in files], "_run": range(len(files))})
    return runs.merge(frame.astype({"filename": str}), on="filename") \
        .drop(columns=["filename", "_row"]), problems


def _shape(file: Path) -> tuple[list[str], int]:
    """The header's names and the number of data rows (lines that are not blank)."""
    lines = file.read_bytes().decode("utf-8-sig", "replace").splitlines()
    header = next(csv.reader(lines[:1]), [])
    return [name.strip() for name in header], sum(1 for line in lines[1:] if line.strip())


def _header_problems(file: str, schema: Table, header: list[str]) -> list[Problem]:
    problems = [Problem(file, 0, name, name, "each column once") for i, name in
                enumerate(header) if name in header[:i]]
    return problems + [Problem(file, 0, c.name, "", "this column in the header (it is "
                               "required)") for c in schema.columns
                       if c.required and c.name not in header]


def sql_path(path: Path) -> str:
    """A path as a DuckDB string literal that matches only itself: glob characters
    are bracketed ([*], [?], [[]) and quotes doubled."""
    escaped = re.sub(r"([*?\[])", r"[\1]", str(path))
    return "'" + escaped.replace("'", "''") + "'"


def _text(files: dict[Path, tuple[list[str], int]]) -> tuple[pd.DataFrame, list[Problem]]:
    """The files' cells as stripped text ('' for blank) with `filename` and the 1-based
    data row `_row`. DuckDB reads them together when it reads each file's header and
    every row of it; otherwise each file is read alone, and a file DuckDB cannot read
    so is parsed as input tables are, to say where it is wrong."""
    if not files:
        return pd.DataFrame(columns=["filename", "_row"]), []
    text = _scan_text(files)
    if text is not None:
        return text, []
    parts, problems = [], []
    for f, shape in files.items():
        text = _scan_text({f: shape})
        if text is None:
            table, found = parse_csv(str(f), f.read_bytes())
            if table is None:
                problems += found
                continue
            text = table.rename_axis("_row").reset_index().assign(filename=str(f))
        parts.append(text)
    return (pd.concat(parts, ignore_index=True) if parts
            else pd.DataFrame(columns=["filename", "_row"])), problems


def _scan_text(files: dict[Path, tuple[list[str], int]]) -> pd.DataFrame | None:
    """One DuckDB scan of the files as text, or None when it fails or reads other
    columns or another number of rows than the files hold."""
    try:
        with duckdb.connect() as con:
            con.execute("SET enable_progress_bar = false")
            # the dialect is fixed (pandas' to_csv): naming it skips sniffing each file;
            # a sweep's folder `rate=0.5` is a run's name, not a hive partition column
            text = con.execute(
                f"SELECT * FROM read_csv([{', '.join(map(sql_path, files))}], "
                "filename = true, union_by_name = true, hive_partitioning = false, "
                "header = true, all_varchar = true, delim = ',', quote = '\"', "
                "escape = '\"')").df()
    except duckdb.Error:
        return None
    text["filename"] = text["filename"].astype(str)
    rows = text["filename"].value_counts()
    names = set().union(*(header for header, _ in files.values()))
    if set(text.columns) != names | {"filename"} or any(
            rows.get(str(f), 0) != count for f, (_, count) in files.items()):
        return None
    values = [c for c in text.columns if c != "filename"]
    text[values] = text[values].fillna("").astype(str).apply(lambda c: c.str.strip())
    text["_row"] = text.groupby("filename", sort=False).cumcount() + 1
    return text


def _typed(schema: Table, text: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """The columns typed by the schema (numbers by their unit suffix where the schema
    does not name them); problems located by file and row; duplicate keys."""
    text = text.reset_index(drop=True)
    files, rows = text["filename"].to_numpy(), text["_row"].to_numpy()
    known = {c.name: c for c in schema.columns}
    frame = {"filename": text["filename"], "_row": text["_row"]}
    problems = []
    for name in [c for c in text.columns if c not in ("filename", "_row")]:
        column = known.get(name) or (Column(name, "float", name, required=False)
                                     if NUMERIC.fullmatch(name) else None)
        if column is None:
            frame[name] = text[name]
            continue
        typed, found = typed_column("", column, text[name])
        problems += [replace(p, file=files[p.row], row=int(rows[p.row])) for p in found]
        frame[name] = typed
    frame = pd.DataFrame(frame)
    for column in schema.columns:   # whole numbers as integers, where every cell is one
        if column.dtype == "int" and column.name in frame and frame[column.name].notna().all():
            frame[column.name] = frame[column.name].astype(np.int64)
    key = [k for k in schema.key if k in frame]
    if key and len(key) == len(schema.key):
        repeated = frame.duplicated(["filename", *key], keep="first")
        problems += [Problem(f, int(r), ", ".join(key),
                             ", ".join(str(frame.at[i, k]) for k in key),
                             f"a unique ({', '.join(key)}): an earlier row has the same")
                     for i, f, r in zip(frame.index[repeated], frame.loc[repeated, "filename"],
                                        frame.loc[repeated, "_row"])]
    return frame, problems


def _years(folder: Path) -> list[int] | None:
    """The model years run.json gives (start, end, step), or None (earlier runs)."""
    try:
        settings = json.loads((folder / RUN_FILE).read_text()).get("settings") or {}
        return list(range(settings["start_year"], settings["end_year"] + 1,
                          settings["year_step"]))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _emission_rows(frame: pd.DataFrame, years: dict[str, list[int] | None]) -> list[Problem]:
    """Sector `all` in every model year, and every sector in the years `all` has."""
    problems = []
    for file, expected in years.items():   # a file without rows too
        rows = frame.loc[frame["filename"] == file]
        total = set(rows.loc[rows["sector"] == SECTOR_ALL, "year"])
        if expected is not None and total != set(expected):
            problems.append(Problem(file, None, "sector", "", "a row of sector 'all' "
                                    f"in each model year {expected[0]}-{expected[-1]} "
                                    f"(missing: {_listed(set(expected) - total)}; not a "
                                    f"model year: {_listed(total - set(expected))})"))
            continue
        for sector, own in rows.groupby("sector", sort=False):
            if set(own["year"]) != total:
                problems.append(Problem(file, int(own["_row"].min()), "year", sector,
                                        f"sector '{sector}' in every year of sector 'all' "
                                        f"(missing: {_listed(total - set(own['year']))})"))
    return problems


def _cost_totals(frame: pd.DataFrame, years: dict) -> list[Problem]:
    """The `total` rows: private and social NPV of costs, the public cost."""
    problems = []
    need = {"cost": ("private_npv_bjpy", "social_npv_bjpy"), "public": ("public_cost_bjpy",)}
    for file in years:
        rows = frame.loc[(frame["filename"] == file) & (frame["component"] == "total")]
        for kind, columns in need.items():
            row = rows.loc[rows["kind"] == kind]
            for column in columns:
                if row.empty or row[column].isna().any():
                    problems.append(Problem(file, int(row["_row"].iloc[0]) if len(row)
                                            else None, column, "", f"the {kind} total: a row "
                                            f"kind '{kind}', component 'total' with a number"))
    return problems


def _listed(years: set) -> str:
    return ", ".join(map(str, sorted(years))) or "none"


RULES = {"emissions": _emission_rows, "costs": _cost_totals}
