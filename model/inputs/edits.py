"""Applying a policy case's edits to the raw input tables (see `cases` for the format).

Tables are the loader's text frames (stripped strings, indexed by data row), so
edited rows go through the same checks, interpolation and graph as the CSV files.
Problems that need the data (a row or technology matching nothing, a reference
to a key that does not exist) name the case file and key.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from decarb.inputs.cases import Case, Edit, cell_text, split_scale_row
from decarb.errors import Problem
from decarb.inputs.schema import TABLE_BY_NAME, Table
from decarb.inputs.validation import show


def apply_case(raw: Mapping[str, pd.DataFrame | None], case: Case, last_year: int
               ) -> tuple[dict[str, pd.DataFrame | None], list[Problem]]:
    """The raw text tables with the case's edits applied, and problems that need the data
    (a row or technology matching nothing, a reference to a missing key)."""
    tables = dict(raw)
    problems: list[Problem] = []
    for edit in case.edits:
        table = TABLE_BY_NAME[edit.table]
        frame = tables.get(edit.table)
        if frame is None:
            frame = pd.DataFrame(columns=[c.name for c in table.columns], dtype=object)
        frame, found = _APPLY[edit.op](table, frame, edit, last_year)
        tables[edit.table] = frame
        problems += [Problem(edit.file, None, edit.key, value, expected)
                     for value, expected in found]
    problems += _reference_problems(tables, case.edits)
    return tables, problems


def matches(table: Table, frame: pd.DataFrame, row: Mapping[str, Any]) -> pd.Series:
    """The rows of `frame` (text or typed) that `row` names: text columns compared as
    text, numeric ones as numbers (so "2030" and 2030.0 are one year)."""
    hit = pd.Series(True, index=frame.index)
    for column, value in row.items():
        text = frame[column] if column in frame else pd.Series("", index=frame.index)
        if table.column(column).dtype == "str":
            hit &= text.eq(str(value))
        else:
            hit &= pd.to_numeric(text, errors="coerce").eq(float(value))
    return hit


def _drop(table: Table, frame: pd.DataFrame, edit: Edit, _: int):
    if edit.value == "all":
        return frame.iloc[0:0], []
    hit = matches(table, frame, edit.value)
    if not hit.any():
        return frame, [(show(edit.value), f"a row of {table.file} to drop; none matches")]
    return frame.loc[~hit], []


def _set(table: Table, frame: pd.DataFrame, edit: Edit, _: int):
    row = edit.value
    frame = frame.copy()
    for column in row:
        if column not in frame:
            frame[column] = ""
    hit = matches(table, frame, {k: row[k] for k in table.key})
    if hit.any():
        for column, value in row.items():
            frame.loc[hit, column] = cell_text(value)
        return frame, []
    missing = [c.name for c in table.columns if c.required and c.name not in row]
    if missing:
        return frame, [(show(row), f"a row of {table.file} with this key to change, or a "
                        f"new row with every required column (missing: {', '.join(missing)})")]
    new = pd.DataFrame([{c: cell_text(row.get(c, "")) for c in frame.columns}],
                       index=[int(frame.index.max()) + 1 if len(frame) else 1], dtype=object)
    return pd.concat([frame, new]), []


def _scale(table: Table, frame: pd.DataFrame, edit: Edit, _: int):
    """Multiply numeric columns; a row of a list-form scale names the rows it applies to
    with its other columns (every row when it names none)."""
    factors, match = split_scale_row(table, edit.value)
    hit = matches(table, frame, match)
    if match and not hit.any():
        return frame, [(show(match), f"a row of {table.file} to scale; none matches")]
    frame = frame.copy()
    for column, factor in factors.items():
        if column not in frame:
            continue
        numbers = pd.to_numeric(frame[column], errors="coerce")
        scaled = (numbers * factor).map(lambda v: f"{v:.15g}")
        frame[column] = scaled.where(numbers.notna() & hit, frame[column])
    return frame, []


def _availability(table: Table, frame: pd.DataFrame, edit: Edit, last_year: int):
    entry = edit.value
    if "pathway" in entry:
        hit = frame["pathway"].eq(entry["pathway"])
        if not hit.any():
            return frame, [(entry["pathway"], "a pathway some technology belongs to")]
    else:
        unknown = [t for t in entry["technologies"] if t not in set(frame["technology"])]
        if unknown:
            return frame, [(", ".join(unknown), f"technologies of {table.file}")]
        hit = frame["technology"].isin(entry["technologies"])
    # Not before first_year; without one, not within the horizon at all.
    year = entry.get("first_year", last_year + 1)
    first = pd.to_numeric(frame["first_year"], errors="coerce")
    frame = frame.copy()
    frame.loc[hit, "first_year"] = first[hit].clip(lower=year).map(lambda v: f"{v:.0f}")
    return frame, []


_APPLY = {"drop": _drop, "set": _set, "scale": _scale, "availability": _availability}


def _reference_problems(tables: Mapping[str, pd.DataFrame | None],
                        edits: tuple[Edit, ...]) -> list[Problem]:
    """A value set by a case that names a missing key (e.g. an unknown technology)."""
    problems = []
    for edit in edits:
        if edit.op != "set":
            continue
        table = TABLE_BY_NAME[edit.table]
        for column, value in edit.value.items():
            spec = table.column(column)
            if spec.references is None or str(value) in spec.extra_values or value == "":
                continue
            target, target_column = spec.references.split(".")
            known = tables.get(target)
            if known is not None and str(value) not in set(known[target_column]):
                problems.append(Problem(edit.file, None, f"{edit.key}.{column}", str(value),
                                        f"a {target_column} of {TABLE_BY_NAME[target].file}"))
    return problems
