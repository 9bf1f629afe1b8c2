"""Read a dataset (a folder of CSV files, or tables in memory) into a frozen Dataset.

Both ways run the same checks: the run settings, the schema checks and domain
rules of `validation`, the interpolation of series tables over the model
years, and the commodity graph of `graph`. Every problem found is raised at
once in one InputError; warnings travel with the Dataset.
"""
from __future__ import annotations

import difflib
import hashlib
import io
import json
import math
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from decarb.inputs.cases import Case
from decarb.inputs.dataset import Dataset
from decarb.inputs.decoding import decode, line_of, parse_toml
from decarb.inputs.edits import apply_case
from decarb.errors import InputError, Problem
from decarb.inputs.graph import check_graph
from decarb.inputs.carbon_rules import check_carbon
from decarb.inputs.support_rules import check_support
from decarb.inputs.schema import TABLE_BY_NAME, TABLES, Table
from decarb.inputs.settings import SETTING_FIELDS, SETTINGS_FILE, Settings
from decarb.inputs.committed import check_awards, check_committed
from decarb.inputs.transitions import check_plants
from decarb.inputs.validation import (call_directly, check_domain, check_tables, range_text,
                                      show, unit_warnings)

DTYPES = {"str": object, "float": "float64", "int": "int64"}
_PY_TYPES = {"int": (int,), "float": (int, float), "str": (str,), "bool": (bool,)}
_TYPE_NAMES = {"int": "a whole number", "float": "a number", "str": "a string in quotes",
               "bool": "true or false"}


def read_dataset(folder: Path, case: Case | None = None) -> Dataset:
    """Read `settings.toml` (absent: all defaults) and the schema's CSV files in `folder`,
    with the settings and table edits of a policy `case` applied on top."""
    return Reader().read(folder, case)


class Reader:
    """Reads datasets as `read_dataset` does, keeping what it parsed and checked.

    A folder's files are read and parsed once; a table that a case leaves as it was
    (the same parsed frame) is not checked or interpolated again. A sweep worker
    reads each point's case through one Reader, so a point costs its edits and the
    checks across tables. Files changed on disk after the first read are not seen.
    The memo keeps the most recently used answers only (a read makes about four per
    table), so a long-lived Reader does not grow with every case it reads.
    """

    MEMO_SIZE = 8 * len(TABLES)   # the base dataset's answers and one case's new ones

    def __init__(self) -> None:
        self._folders: dict[Path, _Parsed] = {}
        self._seen: OrderedDict[tuple, tuple] = OrderedDict()

    def memo(self, func, *args):
        """func(*args), answered from a recent call with equal arguments and the
        very same frames (frames are never changed in place once parsed)."""
        key = (func, *((id(a),) if isinstance(a, pd.DataFrame) else a for a in args))
        if key in self._seen:
            self._seen.move_to_end(key)
        else:   # the entry keeps its frames, so their ids are not reused while cached
            self._seen[key] = (args, func(*args))
            if len(self._seen) > self.MEMO_SIZE:
                self._seen.popitem(last=False)
        return self._seen[key][1]

    def read(self, folder: Path, case: Case | None = None) -> Dataset:
        folder = Path(folder)
        return _with_case(self._parsed(folder), folder, case, self.memo)

    def case_tables(self, folder: Path, case: Case, last_year: int
                    ) -> dict[str, pd.DataFrame | None]:
        """The text tables of a valid dataset with `case`'s edits applied, before checks
        and interpolation: the anchor rows that further edits of the case work on."""
        return apply_case(self._parsed(Path(folder)).raw, case, last_year)[0]

    def _parsed(self, folder: Path) -> _Parsed:
        if not folder.is_dir():
            raise InputError([Problem(str(folder), None, None, "",
                                      "a folder holding the dataset")])
        if folder not in self._folders:
            self._folders[folder] = _parse_folder(folder)
        return self._folders[folder]


@dataclass(frozen=True)
class _Parsed:
    """A dataset folder's files as read and parsed, before any case."""

    contents: dict[str, bytes | None]
    raw_settings: dict[str, Any]
    settings_problems: list[Problem]
    raw: dict[str, pd.DataFrame | None]   # text tables
    problems: list[Problem]
    warnings: list[Problem]


def _parse_folder(folder: Path) -> _Parsed:
    contents, problems = _read_files(folder)
    raw_settings, settings_problems = _parse_toml(contents.get(SETTINGS_FILE))
    raw: dict[str, pd.DataFrame | None] = {}
    for table in TABLES:
        if table.file in contents:   # None: unreadable, already reported
            raw[table.name], found = parse_csv(table.file, contents[table.file])
            problems += found
    warnings = _unknown_names((p.name for p in folder.glob("*.csv")), suffix=".csv")
    return _Parsed(contents, raw_settings, settings_problems, raw, problems, warnings)


def _with_case(parsed: _Parsed, folder: Path, case: Case | None, memo) -> Dataset:
    contents, raw_settings, raw = parsed.contents, parsed.raw_settings, dict(parsed.raw)
    settings, found = _settings_problems(raw_settings, SETTINGS_FILE)
    settings_problems = parsed.settings_problems + found
    problems, warnings = list(parsed.problems), list(parsed.warnings)
    input_hash = _digest(contents)
    if case is not None:
        for file, values in case.settings:   # each case file's keys, named in its file
            settings_problems += _settings_problems(values, file)[1]
        settings, found = _settings_problems({**raw_settings, **case.merged_settings()},
                                             SETTINGS_FILE)
        settings_problems += [p for p in found if p.column in ("start_year", "end_year")]
        raw, found = apply_case(raw, case, settings.years[-1])
        settings_problems += found   # named in the case file, so not prefixed with the folder
        input_hash = _digest({**contents, "case": json.dumps(case.resolved(), sort_keys=True,
                                                            default=str).encode()})
    return _build(raw, settings, settings_problems, problems, warnings, source=str(folder),
                  input_hash=input_hash, memo=memo)


def dataset_from_frames(frames: Mapping[str, pd.DataFrame], settings: Settings,
                        source: str = "<memory>") -> Dataset:
    """Validate in-memory tables (cells may be numbers, NaN or None) like files."""
    settings, settings_problems = _settings_problems(asdict(settings), SETTINGS_FILE)
    raw = {name: as_text(frame) for name, frame in frames.items() if name in TABLE_BY_NAME}
    return _build(raw, settings, settings_problems, [], _unknown_names(frames), source=source)


def parse_settings(raw: Mapping[str, Any], file: str = SETTINGS_FILE) -> Settings:
    """Settings from a parsed TOML mapping; raises InputError with every problem."""
    settings, problems = _settings_problems(raw, file)
    if problems:
        raise InputError(problems)
    return settings


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as stripped strings ("" for blank, NaN or None), indexed by 1-based data row.

    Rows with every cell blank are dropped: spreadsheets leave rows of bare commas.
    """
    values = frame.to_numpy(object)
    # one pass over the cells in Python: a pandas string method per column cost 0.26 s
    # of the default run's 41 tables, this 0.02 s
    cells = [_cell_text(v) for v in values.ravel()]
    text = pd.DataFrame(np.array(cells, dtype=object).reshape(values.shape),
                        columns=[str(c).strip() for c in frame.columns],
                        index=pd.RangeIndex(1, len(frame) + 1),   # the header is row 0
                        dtype=object)
    return text[text.ne("").any(axis=1)]


def _cell_text(value: Any) -> str:
    if value is None or value is pd.NA or isinstance(value, float) and value != value:
        return ""
    return str(value).strip()


def _build(raw: Mapping[str, pd.DataFrame | None], settings: Settings,
           settings_problems: list[Problem], problems: list[Problem], warnings: list[Problem],
           *, source: str, input_hash: str = "", memo=None) -> Dataset:
    memo = memo or call_directly
    checked = check_tables(raw, memo)
    tables = dict(checked.tables)
    t = checked.tables
    plant_errors, plant_warnings = memo(check_plants, t["plants"], t["transitions"],
                                        t["technologies"], t["technology_flows"],
                                        t["commodities"], settings.mode,
                                        frozenset(checked.broken))
    # new lists: what memo returns is its cache's, and later reads get it again
    plant_errors = (plant_errors
                    + memo(check_committed, t["committed"], t["plants"], t["transitions"],
                           settings.start_year, frozenset(checked.broken))
                    + memo(check_awards, t["committed"], t["subsidy_budgets"],
                           settings.year_step, frozenset(checked.broken)))
    errors = (settings_problems + problems + checked.problems
              + check_domain(checked.tables, settings, checked.broken, memo) + plant_errors
              + check_carbon(checked.tables, settings, checked.broken)
              + check_support(checked.tables, settings, checked.broken))
    warnings = warnings + plant_warnings + unit_warnings(t, checked.broken)
    if not settings_problems:   # otherwise the model years are not known
        for table in TABLES:
            if table.series and table.name not in checked.broken:
                tables[table.name], missing = memo(expand_series, table, tables[table.name],
                                                   tuple(settings.years))
                errors += missing
    if not errors:   # the graph's conclusions rest on every table being right
        graph_errors, graph_warnings = memo(check_graph, t["commodities"], t["technologies"],
                                            t["technology_flows"], t["demand"],
                                            t["commodity_prices"])
        errors, warnings = graph_errors, warnings + graph_warnings
    if errors:
        raise InputError(_located(errors, source))
    return Dataset(settings=settings, input_hash=input_hash,
                   warnings=tuple(_located(warnings, source)),
                   **{t.name: memo(_typed_output, t, tables[t.name]) for t in TABLES})


def expand_series(table: Table, frame: pd.DataFrame, years: tuple[int, ...]
                  ) -> tuple[pd.DataFrame, list[Problem]]:
    """One row per key and model year, interpolated linearly between anchor years.

    Text columns (e.g. `source`) take the value of the anchor at or before the
    year. Model years after a key's last anchor hold its value; model years before
    its first anchor are reported as missing. In numpy on
    sorted (group, year) keys, since a sweep re-expands each point's edited table.
    """
    group = [k for k in table.key if k != "year"]
    anchors = frame.loc[frame["year"].notna().to_numpy()]
    year = anchors["year"].to_numpy().astype(np.int64)
    if group and len(anchors):   # codes in sorted order of the group's values: sorted
        code, groups = pd.factorize(pd.MultiIndex.from_frame(anchors[group]), sort=True)
        names = groups.to_frame(index=False, name=group)
    elif group:   # no rows (pandas before 3 cannot factorize an empty MultiIndex)
        code, names = np.zeros(0, dtype=np.int64), anchors[group].iloc[:0]
    else:
        code = np.zeros(len(anchors), dtype=np.int64)
        names = pd.DataFrame(index=range(min(len(anchors), 1)))   # one group, if any row
    order = np.lexsort((year, code))
    anchors, code, year = anchors.iloc[order], code[order], year[order]
    wanted = np.asarray(years, dtype=np.int64)
    low = min(year.min(initial=0), wanted.min(initial=0))
    width = max(year.max(initial=0), wanted.max(initial=0)) - low + 1
    key = code * width + (year - low)   # sorted: group, then year
    target_code = np.repeat(np.arange(len(names)), len(wanted))
    target_year = np.tile(wanted, len(names))
    target_key = target_code * width + (target_year - low)
    before = np.searchsorted(key, target_key, side="right") - 1   # anchor at or before
    after = np.searchsorted(key, target_key, side="left")         # anchor at or after
    code_at = np.append(code, -1)   # -1: past either end, no group's
    found = (code_at[before] == target_code) & (before >= 0)
    # After a key's last anchor the value is held (a steady state, not a trend).
    after = np.where(code_at[after] == target_code, after, before)
    before, after = before[found], after[found]
    span = year[after] - year[before]
    weight = np.divide(target_year[found] - year[before], span, out=np.zeros(len(span)),
                       where=span > 0)
    columns = {g: names[g].to_numpy()[target_code[found]] for g in group}
    columns["year"] = target_year[found]
    for column in table.columns:
        if column.name not in table.key:
            values = anchors[column.name].to_numpy(
                **({} if column.dtype == "str" else dict(dtype=float, na_value=np.nan)))
            columns[column.name] = (values[before] if column.dtype == "str" else
                                    values[before] + weight * (values[after] - values[before]))
    problems = [_missing_years(table, group, names.iloc[c], anchors.index[code == c],
                               year[code == c], target_year[~found & (target_code == c)])
                for c in np.unique(target_code[~found])]
    return pd.DataFrame(columns)[[c.name for c in table.columns]], problems


def _missing_years(table: Table, group: list[str], names: pd.Series, rows: pd.Index,
                   given: np.ndarray, lost: np.ndarray) -> Problem:
    label = " and ".join(f"{g} '{names[g]}'" for g in group)
    return Problem(table.file, int(rows.min()), "year", ", ".join(map(str, sorted(given))),
                   f"anchor years at or around every model year for {label or 'the table'} "
                   f"(missing: {', '.join(map(str, lost))})")


def _typed_output(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    # Int columns are required or defaulted in the schema, so valid data has no NaN in them.
    return (frame.astype({c.name: DTYPES[c.dtype] for c in table.columns})
            .reset_index(drop=True))


def _settings_problems(raw: Mapping[str, Any], file: str) -> tuple[Settings, list[Problem]]:
    """Settings built from the valid keys (defaults elsewhere), and a problem per bad key."""
    values, problems = {}, []
    for key, value in raw.items():
        spec = SETTING_FIELDS.get(key)
        expected = _unknown_key(key) if spec is None else _setting_error(spec.type,
                                                                         spec.metadata, value)
        if expected:
            problems.append(Problem(file, None, key, show(value), expected))
        elif isinstance(value, int) and spec.type.startswith("float"):
            values[key] = float(value)
        else:
            values[key] = value
    settings = Settings(**values)
    years_ok = not any(p.column in ("start_year", "end_year") for p in problems)
    if years_ok and settings.start_year > settings.end_year:
        problems.append(Problem(file, None, "end_year", str(settings.end_year),
                                f"a year at or after start_year ({settings.start_year})"))
    return settings, problems


def _unknown_key(key: str) -> str:
    close = difflib.get_close_matches(key, SETTING_FIELDS, n=1)
    return "a known setting" + (f" (did you mean '{close[0]}'?)" if close else
                                ": " + ", ".join(SETTING_FIELDS))


def _setting_error(type_text: str, meta: Mapping[str, Any], value: Any) -> str | None:
    """What a setting should be, or None when `value` is fine."""
    base, *rest = type_text.replace(" ", "").split("|")   # e.g. "float | None"
    if value is None and "None" in rest:
        return None
    # bool is an int to Python, but true is no year and 1 is no switch
    if isinstance(value, bool) != (base == "bool") or not isinstance(value, _PY_TYPES[base]):
        return _TYPE_NAMES[base]
    if base == "float" and not math.isfinite(value):   # TOML allows nan and inf
        return "a finite number"
    if meta["choices"] and value not in meta["choices"]:
        return "one of " + ", ".join(meta["choices"])
    outside = ((meta["min"] is not None and value < meta["min"])
               or (meta["max"] is not None and value > meta["max"]))
    return f"{_TYPE_NAMES[base]} {range_text(meta['min'], meta['max'])}" if outside else None


def _read_files(folder: Path) -> tuple[dict[str, bytes | None], list[Problem]]:
    """The bytes of each schema file present (None: unreadable, with a problem)."""
    contents: dict[str, bytes | None] = {}
    problems = []
    for name in [SETTINGS_FILE] + [t.file for t in TABLES]:
        path = folder / name
        if path.exists():
            try:
                contents[name] = path.read_bytes()
            except OSError as exc:
                contents[name] = None
                problems.append(Problem(name, None, None, str(exc.strerror), "a readable file"))
    return contents, problems


def _parse_toml(data: bytes | None) -> tuple[dict[str, Any], list[Problem]]:
    if data is None:
        return {}, []
    return parse_toml(SETTINGS_FILE, data, "valid TOML (lines of key = value)")


def parse_csv(file: str, data: bytes | None) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The table as text, or None and why it cannot be read as one.

    Read without a header so that a row with more cells than the header is an error
    (pandas would otherwise take the first cells as an index), and checked for a header
    naming each column once."""
    if data is None:
        return None, []
    text, problems = decode(file, data, table=True)
    if text is None:
        return None, problems
    try:
        cells = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        return None, [Problem(file, None, None, "", "a CSV file with a header row (it is empty)")]
    except ValueError as exc:   # pandas' parser errors are ValueErrors
        return None, [Problem(file, _row_of(exc), None, str(exc).strip(),
                              "a CSV file: a header row, as many fields in each row as in "
                              "the header, quotes closed")]
    header = [str(name).strip() for name in cells.iloc[0].fillna("")]
    problems = [Problem(file, 0, name, name, f"each column once (column "
                        f"{header.index(name) + 1} has this name too)") if name else
                Problem(file, 0, None, "", f"a name in the header for column {i + 1}")
                for i, name in enumerate(header) if not name or name in header[:i]]
    if problems:
        return None, problems
    return as_text(cells.iloc[1:].set_axis(header, axis=1)), []


def _row_of(exc: Exception) -> int | None:
    """The data row of a parser error: pandas says 'line N' (1-based, the header is line 1)
    or 'row N' (0-based: the header is row 0)."""
    line = line_of(exc)
    if line is not None:
        return line - 1
    match = re.search(r"row (\d+)", str(exc))
    return int(match.group(1)) if match else None


def _digest(contents: Mapping[str, bytes | None]) -> str:
    """sha256 over the names and bytes of the files read, in name order."""
    digest = hashlib.sha256()
    for name, data in sorted(contents.items()):
        if data is not None:
            digest.update(f"{name}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


def _unknown_names(names: Iterable[str], suffix: str = "") -> list[Problem]:
    """Warnings for tables the schema does not know: a misspelt name is otherwise ignored."""
    known = [t.name + suffix for t in TABLES]
    warnings = []
    for name in sorted(set(names) - set(known)):
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        warnings.append(Problem(name, None, None, "", f"a table of the schema{hint}; "
                                "it is ignored"))
    return warnings


def _located(problems: list[Problem], source: str) -> list[Problem]:
    """Problems naming their file within `source` (the dataset folder, or <memory>)."""
    return [replace(p, file=str(Path(source) / p.file)) for p in problems]

