"""Seeded fuzzer of bad input: corrupt one file of a dataset (a table, settings.toml or a
policy case) at a time and check that the CLI rejects it clearly.

    python benchmarks/fuzz_inputs.py [--n 1000] [--seed 0] [--data data/japan] [--show 3]

Each corruption is one that must be rejected (kinds whose result could be legal data,
such as a missing optional table, a blank optional cell, an empty settings.toml or a
number changed within its range, are not generated). It runs through the CLI in process:
`decarb validate` for tables and settings, `decarb run --case FILE` for case files, with
the solve replaced by a stop so that a corruption that slips through is reported, not
solved. A corruption passes when the command exits 2 naming the corrupted file (with
the row and the column where the corruption has them) and prints no traceback. The
table printed is by kind: corruptions made, clear errors, and each way of failing.
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from decarb.cli import main  # noqa: E402
from decarb.inputs.schema import TABLE_BY_NAME, Column, Table  # noqa: E402
from decarb.inputs.settings import SETTING_FIELDS, SETTINGS_FILE  # noqa: E402

BASE_CASE, CHILD_CASE = "fuzz_base", "fuzz_child"
UNKNOWN = "zz_unknown"
OUTCOMES = ("clear", "accepted", "unnamed", "traceback", "other_exit")


@dataclass(frozen=True)
class Corruption:
    kind: str
    file: str                     # the file the message must name (path within the dataset)
    row: int | None               # data row (header: 0), or the TOML line; None: none
    column: str | None            # column, setting or case key; None: none
    changes: dict[str, bytes | None]   # file -> new bytes (None: delete it)
    command: tuple[str, ...] = ("validate",)


@dataclass
class Pristine:
    """The dataset to corrupt, as bytes and as parsed tables (header, data rows)."""

    folder: Path
    files: dict[str, bytes]
    tables: dict[str, tuple[list[str], list[list[str]]]] = field(default_factory=dict)
    start_year: int = 2025
    end_year: int = 2050

    @classmethod
    def of(cls, folder: Path) -> Pristine:
        files = {p.relative_to(folder).as_posix(): p.read_bytes()
                 for p in sorted(folder.rglob("*")) if p.is_file()}
        ds = cls(folder, files)
        for name in TABLE_BY_NAME:
            data = files.get(f"{name}.csv")
            if data is not None:
                rows = [r for r in csv.reader(io.StringIO(data.decode("utf-8-sig"))) if r]
                ds.tables[name] = ([c.strip() for c in rows[0]], rows[1:])
        from decarb.inputs.loading import read_dataset
        settings = read_dataset(folder).settings
        ds.start_year, ds.end_year = settings.start_year, settings.end_year
        return ds


def to_csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue().encode()


# --- Cell corruptions: one cell of one table --------------------------------------

def _cells(ds: Pristine, rng: random.Random, test: Callable[[Column], bool]
           ) -> tuple[Table, list[str], list[list[str]], int, str] | None:
    """A random table, data row and column (of the header) whose schema column passes."""
    choices = [(TABLE_BY_NAME[name], c) for name, (header, rows) in ds.tables.items() if rows
               for c in header if c in [col.name for col in TABLE_BY_NAME[name].columns]
               and test(TABLE_BY_NAME[name].column(c))]
    if not choices:
        return None
    table, column = rng.choice(choices)
    header, rows = ds.tables[table.name]
    return table, header, [list(r) for r in rows], rng.randrange(len(rows)), column


def _set_cell(kind: str, test: Callable[[Column], bool], value: Callable[[Column, str], str]
              ) -> Callable[[Pristine, random.Random], Corruption | None]:
    def make(ds: Pristine, rng: random.Random) -> Corruption | None:
        found = _cells(ds, rng, test)
        if found is None:
            return None
        table, header, rows, i, column = found
        j = header.index(column)
        rows[i] += [""] * (len(header) - len(rows[i]))
        rows[i][j] = value(table.column(column), rows[i][j])
        if not any(cell.strip() for cell in rows[i]):
            return None   # an all-blank row is skipped by design, not an error
        return Corruption(kind, table.file, i + 1, column, {table.file: to_csv(header, rows)})
    return make


def _numeric(c: Column) -> bool:
    return c.dtype in ("int", "float")


def _bounded_below(c: Column) -> bool:
    return _numeric(c) and c.min is not None and c.min >= 0


CELL_KINDS = {
    "text_in_number": _set_cell("text_in_number", _numeric, lambda c, v: "twelve"),
    "nan_in_number": _set_cell("nan_in_number", _numeric, lambda c, v: "NaN"),
    "inf_in_number": _set_cell("inf_in_number", _numeric, lambda c, v: "inf"),
    "negative_number": _set_cell("negative_number", _bounded_below,
                                 lambda c, v: str(-1 - int(abs(float(v or 0))))),
    "above_max": _set_cell("above_max", lambda c: _numeric(c) and c.max is not None,
                           lambda c, v: f"{c.max * 10 + 1:g}"),
    "fraction_in_whole_number": _set_cell("fraction_in_whole_number",
                                          lambda c: c.dtype == "int",
                                          lambda c, v: f"{float(v or 2030) + 0.5:g}"),
    "blank_required_cell": _set_cell("blank_required_cell", lambda c: c.required,
                                     lambda c, v: ""),
    "unknown_id": _set_cell("unknown_id", lambda c: c.references is not None,
                            lambda c, v: UNKNOWN),
    "unknown_choice": _set_cell("unknown_choice", lambda c: bool(c.choices),
                                lambda c, v: UNKNOWN),
}


# --- Table corruptions: rows, columns and whole files ----------------------------

def _table(ds: Pristine, rng: random.Random, test: Callable[[Table, list[str], list], bool]
           = lambda t, h, r: True) -> tuple[Table, list[str], list[list[str]]] | None:
    names = [n for n, (h, r) in ds.tables.items() if test(TABLE_BY_NAME[n], h, r)]
    if not names:
        return None
    name = rng.choice(names)
    header, rows = ds.tables[name]
    return TABLE_BY_NAME[name], list(header), [list(r) for r in rows]


def duplicate_key(ds, rng):
    found = _table(ds, rng, lambda t, h, r: bool(r))
    if found:
        table, header, rows = found
        rows.append(list(rng.choice(rows)))
        return Corruption("duplicate_key", table.file, len(rows), ", ".join(table.key),
                          {table.file: to_csv(header, rows)})


def missing_column(ds, rng):
    found = _table(ds, rng)
    if found:
        table, header, rows = found
        name = rng.choice([c.name for c in table.columns if c.required and c.name in header])
        j = header.index(name)
        cut = [r[:j] + r[j + 1:] for r in rows]
        return Corruption("missing_column", table.file, 0, name,
                          {table.file: to_csv(header[:j] + header[j + 1:], cut)})


def renamed_column(ds, rng):
    found = _table(ds, rng)
    if found:
        table, header, rows = found
        j = rng.randrange(len(header))
        header[j] = header[j][:-1] + "_" + header[j][-1]   # a typo: capex_jpy_per_unit_y_r
        return Corruption("renamed_column", table.file, 0, header[j],
                          {table.file: to_csv(header, rows)})


def duplicate_column(ds, rng):
    found = _table(ds, rng)
    if found:
        table, header, rows = found
        j = rng.randrange(len(header))
        grown = [r + [r[j] if j < len(r) else ""] for r in rows]
        return Corruption("duplicate_column", table.file, 0, header[j],
                          {table.file: to_csv(header + [header[j]], grown)})


def extra_cells(ds, rng):
    found = _table(ds, rng, lambda t, h, r: bool(r))
    if found:
        table, header, rows = found
        # the first row, or every row, too long: pandas alone would take it for an index
        i = rng.choice([0, rng.randrange(len(rows)), None])
        for j in range(len(rows)) if i is None else [i]:
            rows[j] = rows[j] + [""] * (len(header) - len(rows[j])) + ["stray"]
        return Corruption("extra_cells", table.file, (i or 0) + 1, None,
                          {table.file: to_csv(header, rows)})


def empty_file(ds, rng):
    found = _table(ds, rng)
    if found:
        return Corruption("empty_file", found[0].file, None, None, {found[0].file: b""})


def header_only(ds, rng):
    found = _table(ds, rng, lambda t, h, r: t.required)
    if found:
        table, header, _ = found
        return Corruption("header_only", table.file, None, None, {table.file: to_csv(header, [])})


def missing_file(ds, rng):
    found = _table(ds, rng, lambda t, h, r: t.required)
    if found:
        return Corruption("missing_file", found[0].file, None, None, {found[0].file: None})


def truncated_file(ds, rng):
    """Cut the file inside a data row, before the row's last required column."""
    found = _table(ds, rng, lambda t, h, r: bool(r))
    if not found:
        return None
    table, header, rows = found
    required = [j for j, name in enumerate(header) if name in
                [c.name for c in table.columns if c.required]]
    i, last = rng.randrange(len(rows)), required[-1]
    kept = rng.randrange(last)           # whole cells kept before the cut
    row = rows[i][:kept]
    partial = rows[i][kept] if kept < len(rows[i]) else ""
    if partial and not re.search(r'[",\n]', partial):
        row.append(partial[:rng.randrange(1, len(partial) + 1)])
    if not any(c.strip() for c in row):
        return None
    data = to_csv(header, rows[:i] + [row]).rstrip(b"\n")
    return Corruption("truncated_file", table.file, i + 1, header[last], {table.file: data})


def invalid_utf8(ds, rng):
    found = _table(ds, rng, lambda t, h, r: bool(r))
    if found:
        table, header, rows = found
        i = rng.randrange(len(rows))
        j = rng.randrange(len(rows[i]))
        rows[i][j] = rows[i][j] + "\x00"
        data = to_csv(header, rows).replace(b"\x00", bytes([rng.choice([0xff, 0xc3, 0x80])]))
        return Corruption("invalid_utf8", table.file, i + 1, header[j], {table.file: data})


def year_outside_horizon(ds, rng):
    """Move a key's only anchor at or before the first model year beyond the horizon."""
    found = _table(ds, rng, lambda t, h, r: t.series and bool(r))
    if not found:
        return None
    table, header, rows = found
    y = header.index("year")
    group = [header.index(k) for k in table.key if k != "year"]
    keys: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        keys[tuple(r[j] for j in group)].append(i)
    movable = [(k, [i for i in members if int(rows[i][y]) <= ds.start_year])
               for k, members in keys.items()]
    movable = [(k, early[0]) for k, early in movable if len(early) == 1]
    if not movable:
        return None
    key, i = rng.choice(movable)
    taken = {int(rows[m][y]) for m in keys[key]}
    rows[i][y] = str(rng.choice([v for v in range(ds.end_year + 1, 2101) if v not in taken]))
    first = min(keys[key]) + 1   # the problem names the key's first row
    return Corruption("year_outside_horizon", table.file, first, "year",
                      {table.file: to_csv(header, rows)})


TABLE_KINDS = {f.__name__: f for f in (
    duplicate_key, missing_column, renamed_column, duplicate_column, extra_cells, empty_file,
    header_only, missing_file, truncated_file, invalid_utf8, year_outside_horizon)}


# --- settings.toml ----------------------------------------------------------------

def _settings_with(ds: Pristine, key: str, value: str) -> bytes:
    """settings.toml with `key = value` in place of the key's line (or appended)."""
    text = ds.files.get(SETTINGS_FILE, b"").decode()
    line = f"{key} = {value}"
    pattern = re.compile(rf"^{re.escape(key)}\s*=.*$", re.M)
    text = pattern.sub(line, text, count=1) if pattern.search(text) else text + "\n" + line
    return text.encode()


def _setting(kind: str, test: Callable[[str, dict, str], bool],
             value: Callable[[dict, random.Random], str], column: str | None = None):
    def make(ds: Pristine, rng: random.Random) -> Corruption | None:
        keys = [k for k, f in SETTING_FIELDS.items() if test(k, f.metadata, str(f.type))]
        if not keys:
            return None
        key = rng.choice(keys)
        meta = SETTING_FIELDS[key].metadata
        return Corruption(kind, SETTINGS_FILE, None, column or key,
                          {SETTINGS_FILE: _settings_with(ds, key, value(meta, rng))})
    return make


def _settings_lines(ds: Pristine) -> list[str]:
    return ds.files.get(SETTINGS_FILE, b"").decode().splitlines()


def settings_bad_toml(ds, rng):
    lines = _settings_lines(ds)
    at = rng.randrange(len(lines) + 1)
    broken = rng.choice(['year_step = = 1', 'perspective = "private', 'mip_gap 0.1',
                         '[settings', 'tax_base = net'])
    lines.insert(at, broken)
    return Corruption("settings_bad_toml", SETTINGS_FILE, at + 1, None,
                      {SETTINGS_FILE: "\n".join(lines).encode()})


def settings_duplicate_key(ds, rng):
    lines = _settings_lines(ds)
    keyed = [i for i, line in enumerate(lines) if re.match(r"^\w+\s*=", line)]
    i = rng.choice(keyed)
    lines.append(lines[i])
    return Corruption("settings_duplicate_key", SETTINGS_FILE, len(lines), None,
                      {SETTINGS_FILE: "\n".join(lines).encode()})


def settings_invalid_utf8(ds, rng):
    lines = _settings_lines(ds)
    i = rng.randrange(len(lines))
    data = "\n".join(lines[:i] + [lines[i] + " # \x00"] + lines[i + 1:]).encode()
    return Corruption("settings_invalid_utf8", SETTINGS_FILE, i + 1, None,
                      {SETTINGS_FILE: data.replace(b"\x00", b"\xff")})


def _is(*bases: str) -> Callable[[str, dict, str], bool]:
    return lambda k, m, t: t.split("|")[0].strip() in bases


SETTINGS_KINDS = {
    "settings_bad_toml": settings_bad_toml,
    "settings_duplicate_key": settings_duplicate_key,
    "settings_invalid_utf8": settings_invalid_utf8,
    "settings_wrong_type": _setting("settings_wrong_type", _is("int", "float", "bool"),
                                    lambda m, rng: '"twelve"'),
    "settings_nonfinite": _setting("settings_nonfinite", _is("float"),
                                   lambda m, rng: rng.choice(["nan", "inf", "-inf"])),
    "settings_out_of_range": _setting(
        "settings_out_of_range", lambda k, m, t: m["min"] is not None or m["max"] is not None,
        lambda m, rng: str(m["min"] - 1 if m["min"] is not None else m["max"] + 1)),
    "settings_bad_choice": _setting("settings_bad_choice",
                                    lambda k, m, t: bool(m["choices"]) or k == "tax_scheme",
                                    lambda m, rng: f'"{UNKNOWN}"'),
    "settings_unknown_key": lambda ds, rng: Corruption(
        "settings_unknown_key", SETTINGS_FILE, None, "strat_year",
        {SETTINGS_FILE: _settings_with(ds, "strat_year", "2025")}),
    "settings_start_after_end": lambda ds, rng: Corruption(
        "settings_start_after_end", SETTINGS_FILE, None, "end_year",
        {SETTINGS_FILE: _settings_with(ds, "start_year", str(ds.end_year + 1))})
    if ds.end_year < 2100 else None,
}


# --- Policy cases -------------------------------------------------------------------

def toml(value: dict) -> str:
    """A small TOML writer: top-level keys, [tables], [[arrays of tables]]."""
    def inline(v) -> str:
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k} = {inline(x)}" for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(inline(x) for x in v) + "]"
        if isinstance(v, bool):
            return str(v).lower()
        return f'"{v}"' if isinstance(v, str) else repr(v)
    lines = [f"{k} = {inline(v)}" for k, v in value.items() if not isinstance(v, (dict, list))
             or (isinstance(v, list) and not all(isinstance(x, dict) for x in v))]
    for key, v in value.items():
        if isinstance(v, dict):
            nested = {k: x for k, x in v.items() if isinstance(x, dict)}
            flat = {k: x for k, x in v.items() if not isinstance(x, dict)}
            if flat or not nested:
                lines += [f"[{key}]"] + [f"{k} = {inline(x)}" for k, x in flat.items()]
            for name, ops in nested.items():
                lines += [f"[{key}.{name}]"] + [f"{k} = {inline(x)}" for k, x in ops.items()]
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for entry in v:
                lines += [f"[[{key}]]"] + [f"{k} = {inline(x)}" for k, x in entry.items()]
    return "\n".join(lines) + "\n"


def case_files(ds: Pristine) -> tuple[dict, dict]:
    """A valid base case and a child that inherits it and edits tables and availability."""
    header, rows = ds.tables["technologies"]
    tech = rows[0][header.index("technology")]
    base = {"purpose": "Fuzz base: a setting changed", "settings": {"mip_gap": 0.001}}
    child = {"purpose": "Fuzz child: edits of every kind", "inherits": BASE_CASE,
             "settings": {"discount_rate_social": 0.04},
             "tables": {"technologies": {"set": [{"technology": tech, "life_yr": 25}]},
                        "technology_costs": {"scale": {"capex_jpy_per_unit_yr": 1.1}}},
             "availability": [{"technologies": [tech], "first_year": 2030}]}
    return base, child


def _case_path(name: str) -> str:
    return f"cases/{name}.toml"


def _case(kind: str, edit: Callable[[dict, dict, Pristine, random.Random], str | None],
          row: int | None = None):
    """A corruption of the child case: `edit` changes the dicts and returns the key the
    message must name."""
    def make(ds: Pristine, rng: random.Random) -> Corruption | None:
        base, child = case_files(ds)
        key = edit(base, child, ds, rng)
        return Corruption(kind, _case_path(CHILD_CASE), row, key,
                          {_case_path(BASE_CASE): toml(base).encode(),
                           _case_path(CHILD_CASE): toml(child).encode()}, _run(CHILD_CASE))
    return make


def _run(name: str) -> tuple[str, ...]:
    return ("run", "--case", _case_path(name))


def _set_row(child: dict) -> dict:
    return child["tables"]["technologies"]["set"][0]


def _bad_value(base, child, ds, rng):
    column, value = rng.choice([("life_yr", "thirty"), ("life_yr", -5), ("life_yr", 2.5),
                                ("capture_rate", 1.5), ("pathway", UNKNOWN)])
    _set_row(child)[column] = value
    return f"tables.technologies.set[0].{column}"


def _bad_scale(base, child, ds, rng):
    factor = rng.choice([-1.0, "double", True])
    child["tables"]["technology_costs"]["scale"]["capex_jpy_per_unit_yr"] = factor
    return "tables.technology_costs.scale.capex_jpy_per_unit_yr"


def _bad_availability(base, child, ds, rng):
    entry = child["availability"][0]
    choice = rng.randrange(3)
    if choice == 0:
        entry["first_year"] = rng.choice([3000, 1800, "soon"])
        return "availability[0].first_year"
    if choice == 1:
        del entry["technologies"]
        entry["pathway"] = UNKNOWN
        return "availability[0].pathway"
    entry["technologies"] = [UNKNOWN]
    return "availability[0]"


def _bad_case_setting(base, child, ds, rng):
    key, value = rng.choice([("discount_rate_social", 2.0), ("perspective", UNKNOWN),
                             ("start_year", "2025"), ("integer_units", 1),
                             ("discount_rate_socal", 0.03)])
    child["settings"] = {key: value}
    return key


def _cycle(base, child, ds, rng):
    if rng.random() < 0.5:
        base["inherits"] = CHILD_CASE
    else:
        child["inherits"] = CHILD_CASE
    return "inherits"


def _raw_case(kind: str, corrupt: Callable[[list[str], random.Random], int]):
    """A corruption of the child case's text; `corrupt` returns the line to name."""
    def make(ds: Pristine, rng: random.Random) -> Corruption:
        base, child = case_files(ds)
        lines = toml(child).splitlines()
        line = corrupt(lines, rng)
        data = "\n".join(lines).encode().replace(b"\x00", b"\xff")
        return Corruption(kind, _case_path(CHILD_CASE), line, None,
                          {_case_path(BASE_CASE): toml(base).encode(),
                           _case_path(CHILD_CASE): data}, _run(CHILD_CASE))
    return make


def _broken_line(lines: list[str], rng: random.Random) -> int:
    at = rng.randrange(len(lines) + 1)
    lines.insert(at, rng.choice(['purpose = = "x"', 'inherits = "fuzz_base', '[tables',
                                 'first_year 2030']))
    return at + 1


def _bad_byte(lines: list[str], rng: random.Random) -> int:
    i = rng.randrange(len(lines))
    lines[i] += " # \x00"
    return i + 1


CASE_KINDS = {
    "case_bad_toml": _raw_case("case_bad_toml", _broken_line),
    "case_invalid_utf8": _raw_case("case_invalid_utf8", _bad_byte),
    "case_unknown_base": _case("case_unknown_base",
                               lambda b, c, ds, rng: c.update(inherits=UNKNOWN) or "inherits"),
    "case_inheritance_cycle": _case("case_inheritance_cycle", _cycle),
    "case_unknown_key": _case("case_unknown_key",
                              lambda b, c, ds, rng: c.update(purpse="typo") or "purpse"),
    "case_missing_purpose": _case("case_missing_purpose",
                                  lambda b, c, ds, rng: c.pop("purpose") and "purpose"),
    "case_unknown_table": _case("case_unknown_table", lambda b, c, ds, rng: c["tables"].update(
        technologys={"scale": {"life_yr": 2.0}}) or "tables.technologys"),
    "case_unknown_edit": _case("case_unknown_edit", lambda b, c, ds, rng: c["tables"][
        "technologies"].update(replace=[{"technology": "x"}]) or "tables.technologies.replace"),
    "case_unknown_column": _case("case_unknown_column", lambda b, c, ds, rng: _set_row(c).update(
        lifetime=25) or "tables.technologies.set[0].lifetime"),
    "case_bad_value": _case("case_bad_value", _bad_value),
    "case_bad_scale": _case("case_bad_scale", _bad_scale),
    "case_unknown_reference": _case("case_unknown_reference", lambda b, c, ds, rng: _set_row(
        c).update(sector=UNKNOWN) or "tables.technologies.set[0].sector"),
    "case_drop_matches_nothing": _case("case_drop_matches_nothing", lambda b, c, ds, rng: c[
        "tables"]["technologies"].update(drop=[{"technology": UNKNOWN}])
        or "tables.technologies.drop[0]"),
    "case_bad_availability": _case("case_bad_availability", _bad_availability),
    "case_bad_setting": _case("case_bad_setting", _bad_case_setting),
    "case_missing_file": lambda ds, rng: Corruption(
        "case_missing_file", _case_path(UNKNOWN), None, None, {}, _run(UNKNOWN)),
}

KINDS: dict[str, Callable[[Pristine, random.Random], Corruption | None]] = {
    **CELL_KINDS, **TABLE_KINDS, **SETTINGS_KINDS, **CASE_KINDS}


# --- Running and checking -------------------------------------------------------------

class _WouldSolve(Exception):
    """Raised in place of the solve: the corruption was accepted."""


def _stop_before_solving(*args, **kwargs):
    raise _WouldSolve


def make_corruption(ds: Pristine, kind: str, rng: random.Random, tries: int = 50
                    ) -> Corruption | None:
    for _ in range(tries):
        corruption = KINDS[kind](ds, rng)
        if corruption is not None:
            return corruption
    return None


def run_corruption(ds: Pristine, work: Path, corruption: Corruption) -> tuple[str, str]:
    """(outcome, output) of the CLI on `work` (a copy of the pristine dataset) with the
    corruption applied; `work` is restored afterwards."""
    for name, data in corruption.changes.items():
        path = work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if data is None:
            path.unlink()
        else:
            path.write_bytes(data)
    try:
        args = [corruption.command[0], "--data", str(work), *corruption.command[1:]]
        if args[0] == "run":
            args[args.index("--case") + 1] = str(work / args[args.index("--case") + 1])
            args += ["--out", str(work.parent / "never-written")]
        with mock.patch("decarb.workflow.commands.run_loaded", _stop_before_solving):
            result = CliRunner().invoke(main, args)
    finally:
        for name in corruption.changes:
            original = ds.files.get(name)
            if original is None:
                (work / name).unlink(missing_ok=True)
            else:
                (work / name).write_bytes(original)
    return classify(corruption, result.exit_code, result.output, result.exception), \
        result.output


def classify(corruption: Corruption, exit_code: int, output: str,
             exception: BaseException | None) -> str:
    if exception is not None and not isinstance(exception, SystemExit):
        return "accepted" if isinstance(exception, _WouldSolve) else "traceback"
    if "Traceback" in output:
        return "traceback"
    if exit_code == 0:
        return "accepted"
    if exit_code != 2:
        return "other_exit"
    return "clear" if names(output, corruption) else "unnamed"


def names(output: str, corruption: Corruption) -> bool:
    """Whether one problem of the output names the file, and its row and column if any."""
    where = r"(^|[\s/\\])" + re.escape(Path(corruption.file).name)
    where += rf", row {corruption.row}" if corruption.row is not None else r"(, row \d+)?"
    where += (rf", column '{re.escape(corruption.column)}'" if corruption.column
              else r"(, column '[^']*')?")
    return re.search(where + ":", output, re.M) is not None


def prepare(data: Path, work: Path) -> Pristine:
    """A copy of the dataset at `work`, with a valid base case and child case added,
    checked to pass as it is (else every verdict would be meaningless)."""
    shutil.copytree(data, work)
    ds = Pristine.of(work)
    for name, case in zip((BASE_CASE, CHILD_CASE), case_files(ds)):
        ds.files[_case_path(name)] = toml(case).encode()
        (work / _case_path(name)).parent.mkdir(exist_ok=True)
        (work / _case_path(name)).write_bytes(ds.files[_case_path(name)])
    outcome, output = run_corruption(ds, work, Corruption("none", "", None, None, {},
                                                           _run(CHILD_CASE)))
    if outcome != "accepted":
        raise ValueError(f"the dataset and its cases must be valid to be corrupted:\n{output}")
    return ds


def fuzz(data: Path, n: int, seed: int, show: int = 0) -> dict[str, Counter]:
    """Make and run `n` corruptions, kinds in turn; the outcomes counted by kind."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "data"
        ds = prepare(data, work)
        kinds = [k for k in KINDS if make_corruption(ds, k, random.Random(seed)) is not None]
        table: dict[str, Counter] = {k: Counter() for k in kinds}
        shown: Counter = Counter()
        for i in range(n):
            kind = kinds[i % len(kinds)]
            corruption = make_corruption(ds, kind, rng)
            outcome, output = run_corruption(ds, work, corruption)
            table[kind][outcome] += 1
            if outcome != "clear" and shown[kind] < show:
                shown[kind] += 1
                print(f"--- {outcome}: {corruption.kind} {corruption.file} row "
                      f"{corruption.row} column {corruption.column}\n{output.strip()[:600]}\n",
                      file=sys.stderr)
    return table


def format_table(table: dict[str, Counter]) -> str:
    head = ("kind", "corruptions", *OUTCOMES)
    lines = ["| " + " | ".join(head) + " |", "| --- |" + " ---: |" * (len(head) - 1)]
    total: Counter = Counter()
    for kind, counts in table.items():
        total.update(counts)
        lines.append(f"| {kind} | {sum(counts.values())} | "
                     + " | ".join(str(counts[o]) for o in OUTCOMES) + " |")
    lines.append(f"| **all** | {sum(total.values())} | "
                 + " | ".join(str(total[o]) for o in OUTCOMES) + " |")
    return "\n".join(lines)


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="corruptions to make")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "japan")
    parser.add_argument("--show", type=int, default=0,
                        help="print the output of this many failures per kind")
    args = parser.parse_args()
    t0 = time.perf_counter()
    table = fuzz(args.data, args.n, args.seed, args.show)
    print(format_table(table))
    clear = sum(c["clear"] for c in table.values())
    print(f"\n{clear} / {sum(sum(c.values()) for c in table.values())} clear errors "
          f"({len(table)} kinds, seed {args.seed}, {time.perf_counter() - t0:.0f} s)")
    sys.exit(0 if clear == sum(sum(c.values()) for c in table.values()) else 1)


if __name__ == "__main__":
    cli()
