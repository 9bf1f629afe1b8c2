"""Uncertain inputs of a case file, and Latin hypercube draws of them.

A case file lists the inputs it is unsure of as `[[uncertain]]` entries, each a
distribution of a multiplier on one numeric column of the rows it matches:

    [[uncertain]]
    name = "h2_price"                      # short id: names the tornado's runs
    table = "commodity_prices"             # an input table (docs/data.md)
    column = "price_jpy_per_unit"          # a numeric column of it
    match = { commodity = "hydrogen" }     # the rows (text columns; a table with a
                                           #   technology or commodity column may also match
                                           #   that one's pathway or sector); {}: every row
    multiplier = "triangular(0.7, 1, 1.6)" # uniform(low, high) | triangular(low, mode, high)
                                           #   | normal(mean, sd), clipped at 0
    first_year = 2030                      # optional: only the anchor rows (as written, after
                                           #   the case's edits) of this year and later; years
                                           #   before the first such anchor are interpolated

An entry may instead name a range of the dataset's `ranges.csv`, where the low,
central and high values of disagreeing sources are kept:

    [[uncertain]]
    range = "h2_dri_capex"                 # its rows give table, column, the rows
    name = "h2_dri_capex"                  #   (technology / commodity), first_year and
                                           #   triangular(low/central, 1, high/central)

A drawn multiplier becomes a list-form `scale` edit of the matched rows (one per
technology or commodity where the match goes through pathway or sector), so each
draw is an ordinary case. Only the file's own entries count (not its bases').
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from decarb.errors import InputError, Problem
from decarb.inputs.cases import expected_name, scalable_columns
from decarb.inputs.dataset import Dataset
from decarb.inputs.decoding import parse_toml
from decarb.inputs import edits
from decarb.inputs.schema import TABLE_BY_NAME
from decarb.inputs.validation import show

ENTRY_KEYS = ("name", "table", "column", "match", "multiplier", "first_year")
RANGE_KEYS = ("name", "range")        # an entry that takes the rest from ranges.csv
PARAMETERS = {"uniform": ("low", "high"), "triangular": ("low", "mode", "high"),
              "normal": ("mean", "sd")}
# Tables whose rows a match may pick through an attribute of what they name.
THROUGH = {"technology": "technologies", "commodity": "commodities"}
CALL = re.compile(r"\s*([a-z]+)\s*\((.*)\)\s*")
NAME = re.compile(r"[a-z0-9_]+")


@dataclass(frozen=True)
class Uncertain:
    """One entry: a multiplier's distribution on `column` of the `match`ed rows of `table`."""

    name: str
    table: str
    column: str
    match: dict[str, str]
    distribution: str
    parameters: tuple[float, ...]
    text: str                            # the multiplier as written, for tables and charts
    first_year: int | None = None        # only anchor rows of this year and later
    range: str | None = None             # a range of the dataset's ranges.csv
    rows: tuple[dict[str, str], ...] = ()  # that range's rows, each a match

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """The multiplier at cumulative probability `u` (its inverse distribution)."""
        p, u = self.parameters, np.asarray(u, dtype=float)
        if self.distribution == "uniform":
            return p[0] + u * (p[1] - p[0])
        if self.distribution == "triangular":
            width = p[2] - p[0]
            shape = (p[1] - p[0]) / width if width else 0.5
            return stats.triang.ppf(u, shape, loc=p[0], scale=width)
        return np.clip(stats.norm.ppf(u, loc=p[0], scale=p[1]), 0.0, None)


def read_ranges(path: Path) -> list[Uncertain]:
    """The `[[uncertain]]` entries of a case file; InputError naming the file and key of
    every mistake, and one if there is none."""
    file = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InputError([Problem(file, None, None, str(error.strerror),
                                  "a readable case file")])
    parsed, problems = parse_toml(file, data)   # locates a syntax error as case files do
    if problems:
        raise InputError(problems)
    raw = parsed.get("uncertain")
    if not isinstance(raw, list) or not raw:
        raise InputError([Problem(file, None, "uncertain", show(raw) if raw else "",
                                  "[[uncertain]] entries: the inputs to draw (docs/cases.md)")])
    problems: list[Problem] = []
    entries = [entry for i, value in enumerate(raw)
               if (entry := _entry(file, f"uncertain[{i}]", value, problems))]
    names = [e.name for e in entries]
    problems += [Problem(file, None, "uncertain", name, "a name used by one entry only")
                 for name in sorted({n for n in names if names.count(n) > 1})]
    if problems:
        raise InputError(problems)
    return entries


def _entry(file: str, key: str, value: Any, problems: list[Problem]) -> Uncertain | None:
    def bad(where: str, shown: Any, expected: str) -> None:
        problems.append(Problem(file, None, f"{key}{where}", show(shown), expected))

    if not isinstance(value, dict):
        bad("", value, "a table with " + ", ".join(ENTRY_KEYS))
        return None
    before = len(problems)
    if "range" in value:
        return _range_entry(value, bad, problems, before)
    for k in value:
        if k not in ENTRY_KEYS:
            bad(f".{k}", "", expected_name("a key of an uncertain entry", k, ENTRY_KEYS))
    for k in ("name", "table", "column", "multiplier"):
        if not isinstance(value.get(k), str):
            bad(f".{k}", value.get(k, ""), "a string")
    name, table = value.get("name"), TABLE_BY_NAME.get(value.get("table"))
    if isinstance(name, str) and not NAME.fullmatch(name):
        bad(".name", name, "an id of lower-case letters, digits and _")
    if isinstance(value.get("table"), str) and table is None:
        bad(".table", value["table"], expected_name("a table of the schema", value["table"],
                                             TABLE_BY_NAME))
    if table is not None and isinstance(value.get("column"), str) \
            and value["column"] not in scalable_columns(table):
        bad(".column", value["column"], expected_name(f"a numeric column of {table.file}",
                                               value["column"], scalable_columns(table)))
    match = value.get("match", {})
    if not isinstance(match, dict) or not all(isinstance(v, str) for v in match.values()):
        bad(".match", match, "a table of column = text value, e.g. { technology = \"x\" }")
    elif table is not None:
        for column in match:
            if column not in matchable_columns(table.name):
                bad(f".match.{column}", "", expected_name(f"a text column of {table.file} (or of "
                                                   "what it names)", column,
                                                   matchable_columns(table.name)))
    first_year = value.get("first_year")
    if first_year is not None and (isinstance(first_year, bool) or not isinstance(
            first_year, int) or (table is not None and "year" not in table.key)):
        bad(".first_year", first_year, "a year (a whole number), on a table with a year "
            "column")
    parsed = _distribution(value.get("multiplier"))
    if isinstance(value.get("multiplier"), str) and isinstance(parsed, str):
        bad(".multiplier", value["multiplier"], parsed)
    if len(problems) > before:
        return None
    return Uncertain(name, table.name, value["column"], dict(match), parsed[0], parsed[1],
                     value["multiplier"].strip(), first_year)


def _range_entry(value: dict, bad, problems: list[Problem], before: int) -> Uncertain | None:
    """An entry naming a range of ranges.csv: the rest is filled from the dataset."""
    for k in value:
        if k not in RANGE_KEYS:
            bad(f".{k}", "", expected_name("a key of an entry with a range (the rest comes "
                                           "from ranges.csv)", k, RANGE_KEYS))
    for k in RANGE_KEYS:
        shown = value.get(k, value["range"])
        if not isinstance(shown, str) or not NAME.fullmatch(shown):
            bad(f".{k}", shown, "an id of lower-case letters, digits and _")
    if len(problems) > before:
        return None
    return Uncertain(value.get("name", value["range"]), "", "", {}, "", (), "",
                     range=value["range"])


def with_dataset(file: str, entries: list[Uncertain], ds: Dataset) -> list[Uncertain]:
    """Entries naming a range of `ds.ranges` completed from its rows: table, column,
    each row's technology / commodity as a match, first year and the multiplier's
    distribution. InputError naming an entry whose range the dataset lacks."""
    table = ds.ranges
    problems, done = [], []
    for i, entry in enumerate(entries):
        if entry.range is None:
            done.append(entry)
            continue
        rows = table.loc[table["range"] == entry.range]
        if rows.empty:
            problems.append(Problem(file, None, f"uncertain[{i}].range", entry.range,
                                    expected_name("a range of ranges.csv", entry.range,
                                                  sorted(set(table["range"])))))
            continue
        first = rows.iloc[0]
        low, high = first["low"] / first["central"], first["high"] / first["central"]
        kind, parameters = (("uniform", (low, high)) if first["distribution"] == "uniform"
                            else ("triangular", (low, 1.0, high)))
        text = f"{kind}({', '.join(f'{p:.3g}' for p in parameters)}) from ranges.csv"
        matches = tuple({c: row[c] for c in ("technology", "commodity") if row[c]}
                        for _, row in rows.iterrows())
        year = int(first["first_year"]) or None
        done.append(Uncertain(entry.name, first["table"], first["column"],
                              {"range": entry.range}, kind, parameters, text, year,
                              entry.range, tuple(dict(m) for m in dict.fromkeys(
                                  tuple(sorted(m.items())) for m in matches))))
    if problems:
        raise InputError(problems)
    return done


def _distribution(text: Any) -> tuple[str, tuple[float, ...]] | str:
    """(kind, parameters), or what was expected."""
    expected = ("uniform(low, high), triangular(low, mode, high) or normal(mean, sd): "
                "a multiplier's distribution")
    call = CALL.fullmatch(text) if isinstance(text, str) else None
    if call is None or call[1] not in PARAMETERS:
        return expected
    names = PARAMETERS[call[1]]
    try:
        values = tuple(float(v) for v in call[2].split(","))
    except ValueError:
        return f"{call[1]}({', '.join(names)}) with numbers"
    if len(values) != len(names) or not all(np.isfinite(values)):
        return f"{call[1]}({', '.join(names)}): {len(names)} finite numbers"
    if call[1] == "normal":
        return (call[1], values) if values[1] > 0 else "normal(mean, sd) with sd > 0"
    if values[0] < 0 or list(values) != sorted(values) or values[0] == values[-1]:
        return (f"{call[1]}({', '.join(names)}) with 0 <= "
                + " <= ".join(names) + " and low < high")
    return call[1], values


def matchable_columns(table: str) -> list[str]:
    """Text columns of `table`, and of the technologies or commodities it names."""
    columns = [c.name for c in TABLE_BY_NAME[table].columns if c.dtype == "str"
               and c.name != "source"]
    through = next((c for c in THROUGH if c in columns and THROUGH[c] != table), None)
    if through:
        columns += [c.name for c in TABLE_BY_NAME[THROUGH[through]].columns
                    if c.dtype == "str" and c.name not in columns + ["source", "name"]]
    return columns


def resolve(file: str, entries: list[Uncertain], ds: Dataset,
            tables: Mapping[str, pd.DataFrame | None]) -> dict[str, list[dict]]:
    """Entry name -> the match of each `scale` row it makes: the entry's own columns,
    one row per technology or commodity picked through an attribute (pathway, sector,
    ...) of `ds`, and per anchor year from `first_year` in the text `tables` the case's
    edits work on (Reader.case_tables). InputError naming an entry that picks no row."""
    found, problems = {}, []
    for i, entry in enumerate(entries):
        frame = tables.get(entry.table)
        frame = frame if frame is not None else pd.DataFrame(columns=matchable_columns(
            entry.table) + ["year"])
        picked = [_picked(entry, match, frame, ds) for match in entry.rows or (entry.match,)]
        if any(rows.empty for rows, _ in picked):
            problems.append(Problem(file, None, f"uncertain[{i}].match", show(entry.match),
                                    f"rows of {TABLE_BY_NAME[entry.table].file} to scale; "
                                    "none matches"))
        found[entry.name] = [m for _, matches in picked for m in matches]
    if problems:
        raise InputError(problems)
    return found


def _picked(entry: Uncertain, match: dict[str, str], frame: pd.DataFrame, ds: Dataset
            ) -> tuple[pd.DataFrame, list[dict]]:
    """The rows one match of `entry` picks, and the match of each scale row they need."""
    own = {c: v for c, v in match.items() if c in frame.columns}
    through = {c: v for c, v in match.items() if c not in own}
    rows = _rows(entry.table, frame, own)
    if through:
        column = next(c for c in THROUGH if c in frame.columns)
        named = _rows(THROUGH[column], getattr(ds, THROUGH[column]), through)[column]
        rows = rows.loc[rows[column].isin(set(named))]
        matches = [{column: name, **own} for name in dict.fromkeys(rows[column])]
    else:
        matches = [own]
    if entry.first_year is not None:
        years = pd.to_numeric(rows["year"], errors="coerce")
        rows = rows.loc[years >= entry.first_year]
        matches = [{**m, "year": int(y)} for m in matches
                   for y in sorted(set(pd.to_numeric(_rows(entry.table, rows, m)["year"])))]
    return rows, matches


def _rows(table: str, frame: pd.DataFrame, match: Mapping[str, Any]) -> pd.DataFrame:
    """The rows of `table` that a scale row with `match` hits (as the edit compares)."""
    return frame.loc[edits.matches(TABLE_BY_NAME[table], frame, match)]


def draw(entries: list[Uncertain], samples: int, seed: int) -> pd.DataFrame:
    """`samples` multipliers of every entry (columns by name, rows numbered from 1) by a
    centred Latin hypercube: each entry's values are its quantiles at (k + 0.5) / samples,
    k = 0..samples-1, paired at random by `seed`. So one entry's spread does not depend on
    the seed, and the same seed gives the same draw."""
    u = qmc.LatinHypercube(d=len(entries), scramble=False,
                           rng=np.random.default_rng(seed)).random(samples)
    return pd.DataFrame({e.name: e.quantile(u[:, j]) for j, e in enumerate(entries)},
                        index=pd.RangeIndex(1, samples + 1, name="sample"))


def fragment(entries: list[Uncertain], matches: dict[str, list[dict]],
             multipliers: Mapping[str, float]) -> dict[str, Any]:
    """The case edits that apply `multipliers` (entry name -> value): list-form scale rows."""
    tables: dict[str, dict[str, list]] = {}
    for entry in entries:
        rows = tables.setdefault(entry.table, {"scale": []})["scale"]
        rows += [{**match, entry.column: float(multipliers[entry.name])}
                 for match in matches[entry.name]]
    return {"tables": tables}
