"""Policy cases: small TOML files that name a base and override only what changes.

    purpose = "One line: the question the case answers."   # required
    inherits = "fy2024"        # optional: another case (a name in the same folder, or a path)
    dataset = ".."             # optional: the dataset folder, relative to this file
                               #   (default: the folder holding `cases/`)
    [settings]                 # any key of settings.toml
    tax_scheme = "seed2021"

    [tables.subsidies]         # edits of one input table, applied in this order:
    drop = [{programme = "gx_steel"}]   # rows matching every given column ("all": every row)
    set = [{programme = "gi_fund_h2", rate = 0.75}]
                               # rows matched on the table's key take the given columns;
                               # a key not in the table adds a row (all required columns)
    scale = {budget_bjpy_per_yr = 2.0}  # multiply a numeric column (blank stays blank);
                               # or rows: [{programme = "gx_steel", budget_bjpy_per_yr = 2.0}]

    [[availability]]           # when technologies may be built
    pathway = "ccus"           # or technologies = ["steel_bf_bof_ccus", ...]
    first_year = 2035          # not before this year; omitted: not in the horizon at all

Inherited edits apply first, so a case changes what its base left. Edits (applied by `edits`)
work on the raw tables before series are interpolated, so a new anchor year
of a path is interpolated like one in the CSV file. Every mistake (unknown
key, table, column, technology, a value out of range, a row matching nothing)
is reported with the case file and the key.
"""
from __future__ import annotations

import difflib
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w

from decarb.errors import InputError, Problem
from decarb.inputs.decoding import parse_toml
from decarb.inputs.schema import PATHWAYS, TABLE_BY_NAME, Table
from decarb.inputs.validation import show, typed_column

CASES_FOLDER = "cases"
# `uncertain`: ranges for `decarb uncertainty` (model/workflow/ranges.py); `scenario`: the
# scenarios of `decarb stochastic` (model/workflow/scenarios.py); a run ignores both
CASE_KEYS = ("purpose", "inherits", "dataset", "settings", "tables", "availability",
             "uncertain", "scenario")
EDIT_OPS = ("drop", "set", "scale")
AVAILABILITY_KEYS = ("pathway", "technologies", "first_year")


@dataclass(frozen=True)
class Edit:
    """One operation of a case file on an input table (or on availability)."""

    file: str
    key: str          # where it is in the file, e.g. "tables.subsidies.set[0]"
    table: str        # "technologies" for availability
    op: str           # drop | set | scale | availability
    value: Any


@dataclass(frozen=True)
class Case:
    name: str
    purpose: str
    dataset: Path
    files: tuple[str, ...]                      # the inheritance chain, base first
    settings: tuple[tuple[str, dict], ...]      # (file, [settings]) in chain order
    edits: tuple[Edit, ...]                     # in the order they apply

    def merged_settings(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for _, values in self.settings:
            merged.update(values)
        return merged

    def resolved(self) -> dict[str, Any]:
        """The case after inheritance, as stored with each run."""
        return {"name": self.name, "purpose": self.purpose, "dataset": str(self.dataset),
                "files": list(self.files), "settings": self.merged_settings(),
                "edits": [{"file": e.file, "key": e.key, "op": e.op, "value": e.value}
                          for e in self.edits]}


def dataset_case(folder: Path) -> Case:
    """A dataset as it stands, as a case without edits (the base of a sweep without --case)."""
    folder = Path(folder).resolve()
    return Case(name=folder.name, purpose="the dataset as it stands", dataset=folder,
                files=(), settings=(), edits=())


def derive(case: Case, label: str, fragment: Mapping[str, Any]) -> Case:
    """`case` with more settings and table edits, written as in a case file; `label`
    names them in errors and in the resolved case (e.g. a sweep lever)."""
    problems: list[Problem] = []
    edits = _edits(label, fragment, problems)
    if problems:
        raise InputError(problems)
    return replace(case, files=case.files + (label,),
                   settings=case.settings + ((label, dict(fragment.get("settings", {}))),),
                   edits=case.edits + tuple(edits))


def find_case(spec: str, data_dir: Path) -> Path:
    """A case given as a file path, or by name in `<data_dir>/cases/`."""
    path = Path(spec)
    if path.suffix == ".toml" or path.exists():
        if path.is_file():
            return path
        raise InputError([Problem(str(path), None, None, "", "a case file (TOML)")])
    candidate = Path(data_dir) / CASES_FOLDER / f"{spec}.toml"
    if candidate.is_file():
        return candidate
    known = list_cases(Path(data_dir))
    close = difflib.get_close_matches(spec, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else (
        ": " + ", ".join(known) if known else "")
    raise InputError([Problem(str(candidate.parent), None, None, spec,
                              f"the name of a case file in this folder{hint}")])


def list_cases(data_dir: Path) -> dict[str, str]:
    """Case name -> purpose, for the cases shipped beside a dataset (unreadable ones say so)."""
    cases = {}
    for path in sorted((Path(data_dir) / CASES_FOLDER).glob("*.toml")):
        try:
            parsed, problems = parse_toml(str(path), path.read_bytes())
        except OSError as exc:
            parsed, problems = {}, [exc]
        cases[path.stem] = (f"(unreadable: {problems[0]})" if problems
                            else str(parsed.get("purpose", "")))
    return cases


def load_case(path: Path) -> Case:
    """Parse a case file and its bases; raise InputError with every problem found."""
    chain: list[tuple[Path, dict]] = []
    problems: list[Problem] = []
    path = Path(path).resolve()
    while path is not None:
        if path in [p for p, _ in chain]:
            cycle = " -> ".join(p.name for p, _ in chain) + f" -> {path.name}"
            raise InputError([Problem(str(path), None, "inherits", cycle,
                                      "a chain of bases without a cycle")])
        raw, found = _read(path)
        problems += found
        chain.append((path, raw))
        path = _base_of(path, raw, problems)
    if problems:
        raise InputError(problems)
    chain.reverse()   # base first: its edits apply first
    leaf_file, leaf = chain[-1]
    dataset = next((file.parent / raw["dataset"] for file, raw in reversed(chain)
                    if "dataset" in raw), None)
    if dataset is None:
        root = chain[0][0].parent
        dataset = root.parent if root.name == CASES_FOLDER else root
    edits = [e for file, raw in chain for e in _edits(str(file), raw, problems)]
    if problems:
        raise InputError(problems)
    return Case(name=leaf_file.stem, purpose=leaf.get("purpose", ""), dataset=dataset.resolve(),
                files=tuple(str(f) for f, _ in chain),
                settings=tuple((str(f), raw.get("settings", {})) for f, raw in chain),
                edits=tuple(edits))


def case_toml(purpose: str, inherits: str | None, fragment: Mapping[str, Any],
              comment: str = "") -> str:
    """The text of a case file that `load_case` reads back as `fragment`'s settings, table
    edits and availability on top of the case `inherits` names (a name or a path).
    Written by a TOML library, so any text (a control character in a purpose) is
    escaped as TOML requires; whole numbers stay integers, floats are written in full."""
    case: dict[str, Any] = {"purpose": purpose}
    if inherits:
        case["inherits"] = inherits
    for key in ("settings", "tables", "availability"):
        if fragment.get(key):
            case[key] = _plain(fragment[key])
    return (f"# {' '.join(comment.split())}\n" if comment else "") + tomli_w.dumps(case)


def _plain(value: Any) -> Any:
    """`value` with numpy's numbers as Python's (whole numbers as int), for the writer."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def _read(path: Path) -> tuple[dict, list[Problem]]:
    file = str(path)
    try:
        raw, problems = parse_toml(file, path.read_bytes())
    except OSError as exc:
        return {}, [Problem(file, None, None, str(exc.strerror), "a readable case file")]
    if problems:
        return {}, problems
    problems = [Problem(file, None, key, "", expected_name("a case key", key, CASE_KEYS))
                for key in raw if key not in CASE_KEYS]
    if not isinstance(raw.get("purpose"), str) or not raw.get("purpose", "").strip():
        problems.append(Problem(file, None, "purpose", show(raw.get("purpose", "")),
                                "a one-line purpose (a string)"))
    for key, kind in (("inherits", str), ("dataset", str), ("settings", dict),
                      ("tables", dict), ("availability", list)):
        if key in raw and not isinstance(raw[key], kind):
            problems.append(Problem(file, None, key, show(raw[key]),
                                    "a table" if kind is dict else
                                    "a list of [[availability]] tables" if kind is list
                                    else "a string"))
    return raw, problems


def _base_of(path: Path, raw: dict, problems: list[Problem]) -> Path | None:
    base = raw.get("inherits")
    if not isinstance(base, str):
        return None
    candidate = path.parent / (base if base.endswith(".toml") else f"{base}.toml")
    if candidate.is_file():
        return candidate.resolve()
    known = sorted(p.stem for p in path.parent.glob("*.toml"))
    problems.append(Problem(str(path), None, "inherits", base,
                            expected_name("a case in the same folder", base, known)))
    return None


def _edits(file: str, raw: dict, problems: list[Problem]) -> list[Edit]:
    edits = []
    tables = raw.get("tables", {}) if isinstance(raw.get("tables"), dict) else {}
    for name, ops in tables.items():
        table = TABLE_BY_NAME.get(name)
        if table is None:
            problems.append(Problem(file, None, f"tables.{name}", "",
                                    expected_name("a table of the schema", name, TABLE_BY_NAME)))
            continue
        if not isinstance(ops, dict):
            problems.append(Problem(file, None, f"tables.{name}", show(ops),
                                    "a table of edits (drop, set, scale)"))
            continue
        for op, value in ops.items():
            key = f"tables.{name}.{op}"
            if op not in EDIT_OPS:
                problems.append(Problem(file, None, key, "", expected_name("an edit", op, EDIT_OPS)))
            elif op == "drop" and value == "all":
                edits.append(Edit(file, key, name, op, value))
            elif op in ("drop", "set"):
                rows = value if isinstance(value, list) else [value]
                for i, row in enumerate(rows):
                    found = _row_problems(file, f"{key}[{i}]", table, row, op)
                    problems += found
                    if not found:
                        edits.append(Edit(file, f"{key}[{i}]", name, op, row))
            elif isinstance(value, list):     # scale = [{match..., column = factor}]
                for i, row in enumerate(value):
                    found = _scale_row_problems(file, f"{key}[{i}]", table, row)
                    problems += found
                    if not found:
                        edits.append(Edit(file, f"{key}[{i}]", name, op, row))
            else:
                found = _scale_problems(file, key, table, value)
                problems += found
                if not found:
                    edits.append(Edit(file, key, name, op, value))
    for i, entry in enumerate(raw.get("availability", []) if
                              isinstance(raw.get("availability"), list) else []):
        found = _availability_problems(file, f"availability[{i}]", entry)
        problems += found
        if not found:
            edits.append(Edit(file, f"availability[{i}]", "technologies", "availability", entry))
    return edits


def _row_problems(file: str, key: str, table: Table, row: Any, op: str) -> list[Problem]:
    if not isinstance(row, dict) or not row:
        return [Problem(file, None, key, show(row), "a table of column = value")]
    problems = []
    for column, value in row.items():
        if column not in [c.name for c in table.columns]:
            problems.append(Problem(file, None, f"{key}.{column}", "",
                                    expected_name(f"a column of {table.file}", column,
                                           [c.name for c in table.columns])))
        else:
            problems += _cell_problems(file, f"{key}.{column}", table, column, value)
    if op == "set" and not problems:
        missing = [k for k in table.key if k not in row]
        if missing:
            problems.append(Problem(file, None, key, "", "the key columns of "
                                    f"{table.file} ({', '.join(table.key)}); missing: "
                                    + ", ".join(missing)))
    return problems


def _cell_problems(file: str, key: str, table: Table, column: str, value: Any) -> list[Problem]:
    if isinstance(value, (dict, list)) or isinstance(value, bool):
        return [Problem(file, None, key, show(value), "a single number or string")]
    _, found = typed_column(file, table.column(column), pd.Series([cell_text(value)], index=[1]))
    return [Problem(file, None, key, p.value, p.expected) for p in found]


def _scale_problems(file: str, key: str, table: Table, value: Any) -> list[Problem]:
    if not isinstance(value, dict) or not value:
        return [Problem(file, None, key, show(value), "a table of column = factor")]
    numeric = scalable_columns(table)
    problems = []
    for column, factor in value.items():
        if column not in numeric:
            problems.append(Problem(file, None, f"{key}.{column}", "",
                                    expected_name(f"a numeric column of {table.file}", column,
                                           numeric)))
        elif isinstance(factor, bool) or not isinstance(factor, (int, float)) or factor < 0:
            problems.append(Problem(file, None, f"{key}.{column}", show(factor),
                                    "a factor >= 0"))
    return problems


def _scale_row_problems(file: str, key: str, table: Table, row: Any) -> list[Problem]:
    """A row of a list-form scale: its numeric columns are factors, the others (keys and
    text columns) select the rows to scale, as in `drop`."""
    if not isinstance(row, dict) or not row:
        return [Problem(file, None, key, show(row), "a table of column = value")]
    factors, match = split_scale_row(table, row)
    if not factors:
        return [Problem(file, None, key, show(row), "at least one numeric column of "
                        f"{table.file} to scale: " + ", ".join(scalable_columns(table)))]
    return (_scale_problems(file, key, table, factors)
            + (_row_problems(file, key, table, match, "drop") if match else []))


def scalable_columns(table: Table) -> list[str]:
    """The columns a `scale` edit may multiply: numeric and not part of the key."""
    return table.scalable


def split_scale_row(table: Table, row: Mapping[str, Any]
                    ) -> tuple[dict[str, Any], dict[str, Any]]:
    """A list-form scale row's factors (its scalable columns) and the match (the rest)."""
    scalable = scalable_columns(table)
    factors = {c: v for c, v in row.items() if c in scalable}
    return factors, {c: v for c, v in row.items() if c not in factors}


def _availability_problems(file: str, key: str, entry: Any) -> list[Problem]:
    if not isinstance(entry, dict):
        return [Problem(file, None, key, show(entry), "a table (pathway or technologies, "
                        "first_year)")]
    problems = [Problem(file, None, f"{key}.{k}", "", expected_name("a key", k, AVAILABILITY_KEYS))
                for k in entry if k not in AVAILABILITY_KEYS]
    if ("pathway" in entry) == ("technologies" in entry):
        problems.append(Problem(file, None, key, "", "either pathway or technologies"))
    if "pathway" in entry and entry["pathway"] not in PATHWAYS:
        problems.append(Problem(file, None, f"{key}.pathway", show(entry["pathway"]),
                                "one of " + ", ".join(PATHWAYS)))
    techs = entry.get("technologies", [])
    if not isinstance(techs, list) or not all(isinstance(t, str) for t in techs):
        problems.append(Problem(file, None, f"{key}.technologies", show(techs),
                                "a list of technology names"))
    year = entry.get("first_year", 2000)
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
        problems.append(Problem(file, None, f"{key}.first_year", show(year),
                                "a whole number from 1900 to 2100"))
    return problems


def cell_text(value: Any) -> str:
    """A TOML value as the CSV text the loader parses."""
    return f"{value:.15g}" if isinstance(value, float) else str(value)


def expected_name(what: str, name: str, known) -> str:
    """What was expected: `what`, with the closest known name or the list of them."""
    known = list(known)
    close = difflib.get_close_matches(str(name), known, n=1)
    return what + (f" (did you mean '{close[0]}'?)" if close else ": " + ", ".join(known))
