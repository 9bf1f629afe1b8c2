"""Schema-driven checks of the input tables, then the domain rules between them.

Tables arrive as text (stripped strings, "" for blank) indexed by their
1-based data row, so every Problem names the row it is about; the header is
row 0, used for problems with a column as a whole (missing or unknown). They
leave typed: float64 and str (object) columns, int columns still as float
(they may hold NaN where a value was invalid) until the loader finishes them.
"""
from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from decarb.errors import Problem
from decarb.inputs.schema import (COMMODITY_KINDS, COMMODITY_UNITS, FIRM_SIZES, TABLE_BY_NAME, TABLES, Column,
                     Table)
from decarb.inputs.settings import SETTINGS_FILE, Settings

_INT_LIMIT = 2.0**53   # beyond this a float no longer holds every whole number


@dataclass
class Checked:
    """Typed tables (index: data row; int columns still float, as they may hold NaN)."""

    tables: dict[str, pd.DataFrame]
    problems: list[Problem]
    broken: set[str]   # tables not fully checkable (file missing or unreadable, column missing)


def check_tables(raw: Mapping[str, pd.DataFrame | None], memo=None) -> Checked:
    """Header, cell, duplicate-key and reference checks of every table of the schema.
    `memo(func, frame, *args)` may answer a table already checked (see `loading.Reader`)."""
    memo = memo or call_directly
    checked = Checked({}, [], set())
    for table in TABLES:
        text = raw.get(table.name)
        if text is None:   # no file, or (None in raw) an unreadable one the loader reported
            absent = table.name not in raw
            if absent and table.required:
                checked.problems.append(Problem(table.file, None, None, "",
                                                "this file (a required table)"))
            if table.required or not absent:
                checked.broken.add(table.name)
            text = pd.DataFrame(columns=[c.name for c in table.columns], dtype=object)
        elif table.required and text.empty:   # a model without sectors, demand... is no model
            checked.problems.append(Problem(table.file, None, None, "",
                                            "at least one data row (a required table)"))
            checked.broken.add(table.name)
        frame, problems = memo(_check_table, table, text)
        if any(c.required and c.name not in text.columns for c in table.columns):
            checked.broken.add(table.name)
        checked.tables[table.name] = frame
        checked.problems += problems
    checked.problems += _reference_problems(checked, memo)
    return checked


def _check_table(table: Table, text: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    problems = _header_problems(table, text)
    columns = {}
    for column in table.columns:
        if column.name in text.columns:
            columns[column.name], found = typed_column(table.file, column, text[column.name])
            problems += found
        else:   # reported by the header check if required; otherwise all blank
            columns[column.name] = typed_column(
                table.file, column, pd.Series("", index=text.index, dtype=object))[0]
    frame = pd.DataFrame(columns, index=text.index)
    return frame, problems + _duplicate_problems(table, frame, text)


def _header_problems(table: Table, text: pd.DataFrame) -> list[Problem]:
    known = [c.name for c in table.columns]
    problems = []
    for name in text.columns:
        if name not in known:   # most likely a typo: ignoring it would silently drop data
            close = difflib.get_close_matches(str(name), known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "one of " + ", ".join(known)
            problems.append(Problem(table.file, 0, str(name), str(name),
                                    f"a known column ({hint})"))
    problems += [Problem(table.file, 0, c.name, "", "this column in the header (it is required)")
                 for c in table.columns if c.required and c.name not in text.columns]
    return problems


def typed_column(file: str, column: Column, text: pd.Series) -> tuple[pd.Series, list[Problem]]:
    """Parse one column; blanks take the default, invalid values become NaN. In numpy:
    a sweep point checks the cells of each table its edits touch again."""
    rows, cells = text.index, text.to_numpy(dtype=object)
    blank = cells == ""

    def flagged(bad: np.ndarray, expected: str) -> list[Problem]:
        return [Problem(file, int(row), column.name, str(cell), expected)
                for row, cell in zip(rows[bad], cells[bad])]

    problems = flagged(blank, "a value (the column is required)") if column.required else []
    if column.dtype == "str":
        values = np.where(blank, column.default or "", cells).astype(object)
        if column.choices:
            problems += flagged(~blank & ~np.isin(values, list(column.choices)),
                                "one of " + ", ".join(column.choices))
        return pd.Series(values, index=rows, dtype=object), problems
    numbers = pd.to_numeric(cells, errors="coerce").astype("float64")   # blank: NaN
    with np.errstate(invalid="ignore"):
        invalid = ~blank & ~np.isfinite(numbers)
        if column.dtype == "int":
            invalid |= ~blank & ((numbers % 1 != 0) | (np.abs(numbers) > _INT_LIMIT))
        kind = "a whole number" if column.dtype == "int" else "a number"
        problems += flagged(invalid, kind)
        numbers[invalid] = np.nan
        if column.default is not None:
            numbers[blank] = float(column.default)
        outside = np.zeros(len(numbers), dtype=bool)
        if column.min is not None:
            outside |= numbers < column.min
        if column.max is not None:
            outside |= numbers > column.max
    problems += flagged(outside, f"{kind} {range_text(column.min, column.max)}")
    return pd.Series(numbers, index=rows), problems


def range_text(low: float | None, high: float | None) -> str:
    """'from 0 to 1', '>= 0', '<= 1' or '' (no bounds)."""
    if low is not None and high is not None:
        return f"from {low:g} to {high:g}"
    if low is not None:
        return f">= {low:g}"
    return "" if high is None else f"<= {high:g}"


def _duplicate_problems(table: Table, frame: pd.DataFrame, text: pd.DataFrame) -> list[Problem]:
    key = list(table.key)
    keyed = frame[key]
    complete = keyed.notna().all(axis=1) & keyed.ne("").all(axis=1)
    repeated = keyed[complete & keyed.duplicated(keep=False)]
    problems = []
    for _, group in repeated.groupby(key, sort=False):   # the failing rows only
        first, *others = group.index
        problems += [Problem(table.file, int(row), ", ".join(key),
                             ", ".join(text.loc[row, key]),
                             f"a unique ({', '.join(key)}); row {first} has the same")
                     for row in others]
    return problems


def _reference_problems(checked: Checked, memo) -> list[Problem]:
    problems = []
    for table in TABLES:
        for column in table.columns:
            if column.references is None:
                continue
            target = column.references.split(".")[0]
            if target in checked.broken:   # its own problem is reported; avoid a cascade
                continue
            problems += memo(_column_references, table, column, checked.tables[table.name],
                             checked.tables[target])
    return problems


def _column_references(table: Table, column: Column, frame: pd.DataFrame,
                       target: pd.DataFrame) -> list[Problem]:
    target_column = column.references.split(".")[1]
    allowed = set(target[target_column]) | set(column.extra_values)
    values = frame[column.name]
    unknown = values[values.ne("") & ~values.isin(allowed)]
    extra = "".join(f" or '{v}'" for v in column.extra_values)
    return _report(table.file, column.name, unknown,
                   f"a {target_column} of {TABLE_BY_NAME[column.references.split('.')[0]].file}"
                   f"{extra}")


# --- Domain rules: what the schema cannot say about one column -----------------

def check_domain(t: Mapping[str, pd.DataFrame], settings: Settings, broken: set[str],
                 memo=None) -> list[Problem]:
    """Rules across columns and tables; a rule reading a broken table is skipped.
    `memo` may answer a rule from the last time it saw these very tables."""
    memo = memo or call_directly
    problems = [p for rule, needs in _RULES if not broken & set(needs)
                for p in memo(_rule_on, rule, needs, *[t[n] for n in needs])]
    if not broken & {"tax_schemes", "tax_tiers"}:
        problems += _scheme_problems(t, settings.tax_scheme)
    return problems


def unit_warnings(t: Mapping[str, pd.DataFrame], broken: set[str]) -> list[Problem]:
    """A technology built in whole units under a growth limit, with a seed below one unit,
    no existing capacity and no plant able to switch into it, can never be built: its
    installed capacity may not reach a whole unit. Only a warning: the data may mean it."""
    if broken & {"technologies", "existing_capacity", "transitions"}:
        return []
    tech = t["technologies"]
    standing = t["existing_capacity"].loc[t["existing_capacity"]["capacity_m_per_yr"] > 0,
                                          "technology"]
    reached = t["transitions"]["to_technology"]
    stuck = (tech["unit_size_m_per_yr"].notna() & tech["max_growth_per_yr"].notna()
             & (tech["growth_seed_m_per_yr"].fillna(0.0) < tech["unit_size_m_per_yr"])
             & ~tech["technology"].isin(standing) & ~tech["technology"].isin(reached))
    return _flag("technologies", tech, stuck, "growth_seed_m_per_yr",
                 "a seed of at least one unit (unit_size_m_per_yr): with no capacity "
                 "standing, a whole unit exceeds the growth limit and is never built")


def run_rules(rules, t: Mapping[str, pd.DataFrame], broken: set[str], *args) -> list[Problem]:
    """The problems of each (rule, tables it reads) whose tables are not broken; a rule
    is called with the tables and `args`."""
    return [p for rule, needs in rules if not broken & set(needs) for p in rule(t, *args)]


def call_directly(func, *args):
    """The memo of a one-off read: none."""
    return func(*args)


def _rule_on(rule, needs: tuple[str, ...], *frames: pd.DataFrame) -> list[Problem]:
    return rule(dict(zip(needs, frames)))


def _commodity_rules(t: Mapping[str, pd.DataFrame]) -> list[Problem]:
    c, tech = t["commodities"], t["technologies"]
    problems = _flag("commodities", c, c["kind"].isin(["product", "heat"]) & c["sector"].eq(""),
                     "sector", "a sector (every product and heat band belongs to one)")
    problems += _flag("commodities", c, c["kind"].eq("heat") & c["temperature_max_c"].isna(),
                      "temperature_max_c", "the band's upper temperature (kind heat)")
    is_co2 = c["kind"].eq("co2")
    known = c["kind"].isin(COMMODITY_KINDS) & c["unit"].isin(COMMODITY_UNITS)
    expected = pd.Series(np.where(is_co2, "t-CO2 (the unit of kind co2)",
                                  "t or GJ (t-CO2 is for kind co2 only)"), index=c.index)
    problems += _flag("commodities", c, known & (is_co2 != c["unit"].eq("t-CO2")), "unit",
                      expected)
    co2_rows = c.index[is_co2]
    if len(co2_rows) > 1:
        problems += _flag("commodities", c, c.index.isin(co2_rows[1:]), "kind",
                          f"at most one commodity of kind co2 (row {co2_rows[0]} is one)")
    if len(co2_rows) == 0:
        problems += _flag("technologies", tech, tech["capture_rate"].gt(0), "capture_rate",
                          "0, as commodities.csv has no commodity of kind co2 to hold "
                          "captured CO2")
    return problems


def _demand_rules(t: Mapping[str, pd.DataFrame]) -> list[Problem]:
    d = t["demand"]
    kind = d["commodity"].map(_lookup(t["commodities"], "commodity", "kind"))
    wrong = kind.isin(COMMODITY_KINDS) & ~kind.isin(["product", "heat"])
    return _flag("demand", d, wrong, "commodity",
                 "a product or heat commodity; this one is of kind " + kind.astype(str))


def _technology_rules(t: Mapping[str, pd.DataFrame]) -> list[Problem]:
    tech, c = t["technologies"], t["commodities"]
    kind, sector, unit = (tech["output"].map(_lookup(c, "commodity", col))
                          for col in ("kind", "sector", "unit"))
    problems = _flag("technologies", tech, kind.eq("co2"), "output",
                     "a commodity not of kind co2 (captured CO2 comes from capture_rate)")
    foreign = kind.isin(["product", "heat"]) & sector.ne("") & sector.ne(tech["sector"])
    problems += _flag("technologies", tech, foreign, "output",
                      "a product or heat band of the technology's sector '" + tech["sector"]
                      + "'; this one belongs to '" + sector.astype(str) + "'")
    replaced = tech["replaces"]
    replaced_sector = replaced.map(_lookup(tech, "technology", "sector"))
    replaced_unit = (replaced.map(_lookup(tech, "technology", "output"))
                     .map(_lookup(c, "commodity", "unit")))
    mismatch = replaced_sector.notna() & (
        replaced_sector.ne(tech["sector"])
        | (replaced_unit.notna() & unit.notna() & replaced_unit.ne(unit)))
    problems += _flag("technologies", tech, mismatch, "replaces",
                      "a technology of the same sector '" + tech["sector"]
                      + "' whose output is in '" + unit.astype(str) + "' too")
    return problems


def _flow_rules(t: Mapping[str, pd.DataFrame]) -> list[Problem]:
    f = t["technology_flows"]
    kind = f["commodity"].map(_lookup(t["commodities"], "commodity", "kind"))
    output = f["technology"].map(_lookup(t["technologies"], "technology", "output"))
    problems = _flag("technology_flows", f, kind.eq("co2") & f["direction"].eq("out"),
                     "commodity", "not the co2 commodity as a by-product (captured CO2 comes "
                     "from the technology's capture_rate)")
    problems += _flag("technology_flows", f, f["direction"].eq("in") & f["commodity"].eq(output),
                      "commodity", "an input other than the technology's own output")
    return problems


def _year_order(t: Mapping[str, pd.DataFrame], name: str) -> list[Problem]:
    f = t[name]
    return _flag(name, f, f["first_year"] > f["last_year"], "last_year",
                 "a year at or after first_year " + f["first_year"].map(show).astype(object))


def _tier_rules(t: Mapping[str, pd.DataFrame]) -> list[Problem]:
    tiers = t["tax_tiers"][t["tax_tiers"]["firm_size"].isin(FIRM_SIZES)]
    sizes = tiers.groupby("scheme")["firm_size"].agg(lambda s: ", ".join(sorted(set(s))))
    first_row = tiers.index.to_series().groupby(tiers["scheme"]).min()
    return [Problem(TABLE_BY_NAME["tax_tiers"].file, int(first_row[scheme]), "firm_size", found,
                    f"tiers of scheme '{scheme}' either for firm size all only, or for both "
                    "large and sme")
            for scheme, found in sizes[~sizes.isin(["all", "large, sme"])].items()]


def _cost_rules(t: Mapping[str, pd.DataFrame]) -> list[Problem]:
    tech = t["technologies"]
    uncosted = tech["technology"].ne("") & ~tech["technology"].isin(
        t["technology_costs"]["technology"])
    return _flag("technologies", tech, uncosted, "technology",
                 "rows in technology_costs.csv for this technology")


def _range_rules(t: Mapping[str, pd.DataFrame]) -> list[Problem]:
    """Each range names a numeric column of a table its rows can pick, low <= central
    <= high (low < high), and its rows share table, column, distribution, first year
    and relative spread, so one multiplier draw serves them all."""
    r = t["ranges"]
    known = r["table"].isin(list(TABLE_BY_NAME))
    scalable = r.apply(lambda row: row["column"] in TABLE_BY_NAME[row["table"]].scalable
                       if row["table"] in TABLE_BY_NAME else True, axis=1).astype(bool)
    problems = _flag("ranges", r, known & ~scalable, "column", "a numeric column (not a key) "
                     "of the range's table: " + r["table"].map(
                         lambda n: ", ".join(TABLE_BY_NAME[n].scalable)
                         if n in TABLE_BY_NAME else ""))
    for name in ("technology", "commodity"):
        has = r["table"].map(lambda n: n in TABLE_BY_NAME and any(
            c.name == name for c in TABLE_BY_NAME[n].columns))
        problems += _flag("ranges", r, known & r[name].ne("") & ~has.astype(bool), name,
                          f"blank: the range's table has no {name} column")
    problems += _flag("ranges", r, r["table"].eq("technology_flows")
                      & (r["technology"].eq("") | r["commodity"].eq("")), "commodity",
                      "a technology and a commodity: the flow the range applies to")
    order = ~((r["low"] <= r["central"]) & (r["central"] <= r["high"]) & (r["low"] < r["high"])
              & (r["central"] > 0))
    problems += _flag("ranges", r, order, "central", "0 < central, low <= central <= high "
                      "and low < high")
    shared = r.assign(lo=(r["low"] / r["central"]).round(3), hi=(r["high"] / r["central"])
                      .round(3), first=r["first_year"])
    for column in ("table", "column", "distribution", "first", "lo", "hi"):
        differs = shared.groupby("range")[column].transform("nunique") > 1
        first_row = shared.groupby("range")[column].transform("first")
        shown = {"first": "first_year", "lo": "low", "hi": "high"}.get(column, column)
        problems += _flag("ranges", r, differs & shared[column].ne(first_row), shown,
                          "the same " + ("low/central and high/central" if column in ("lo",
                          "hi") else shown) + " as the range's first row (one multiplier "
                          "serves all its rows)")
    return problems


def _min_load_rules(t: Mapping[str, pd.DataFrame]) -> list[Problem]:
    floor = t["min_load"]
    availability = floor["technology"].map(_lookup(t["technologies"], "technology",
                                                   "availability"))
    return _flag("min_load", floor, floor["min_load"] > availability, "min_load",
                 "at most the technology's availability " + availability.map(show)
                 .astype(object) + " (an open plant could not run)")


def _scheme_problems(t: Mapping[str, pd.DataFrame], scheme: str) -> list[Problem]:
    schemes = t["tax_schemes"]["scheme"]
    if scheme == "none":
        return []
    if not schemes.eq(scheme).any():
        return [Problem(SETTINGS_FILE, None, "tax_scheme", scheme, "none or a scheme of "
                        f"tax_schemes.csv ({', '.join(schemes) or 'it has none'})")]
    if not t["tax_tiers"]["scheme"].eq(scheme).any():
        return [Problem(TABLE_BY_NAME["tax_tiers"].file, None, "scheme", scheme,
                        "tiers for the scheme chosen in settings.toml")]
    return []


def _cascade_rules(t: Mapping[str, pd.DataFrame]) -> list[Problem]:
    """A lossy pass joins a heat band to the next cooler band of its sector."""
    h, c = t["heat_cascade"], t["commodities"]
    heat = c.loc[c["kind"].eq("heat")].sort_values("temperature_max_c")
    below = heat.groupby("sector")["commodity"].shift(1)
    next_cooler = pd.Series(below.to_numpy(), index=heat["commodity"].to_numpy()).dropna()
    problems = _flag("heat_cascade", h, ~h["hotter"].isin(heat["commodity"]) & h["hotter"].isin(
        c["commodity"]), "hotter", "a heat band (commodity of kind heat)")
    expected = h["hotter"].map(next_cooler)
    wrong = h["hotter"].isin(next_cooler.index) & expected.ne(h["cooler"])
    problems += _flag("heat_cascade", h, wrong, "cooler",
                      "the next cooler band of the same sector: " + expected.astype(str))
    problems += _flag("heat_cascade", h, h["hotter"].isin(heat["commodity"])
                      & ~h["hotter"].isin(next_cooler.index), "hotter",
                      "a heat band with a cooler band in its sector")
    problems += _flag("heat_cascade", h, h["efficiency"].le(0), "efficiency",
                      "a share above 0 (heat that may not pass at all needs no band below)")
    problems += _flag("heat_cascade", h, h["capex_jpy_per_unit_yr"].gt(0) & h["life_yr"].lt(1),
                      "life_yr", "a life of at least 1 year for the step's capex")
    return problems


_RULES = (
    (_commodity_rules, ("commodities", "technologies")),
    (_cascade_rules, ("heat_cascade", "commodities")),
    (_demand_rules, ("demand", "commodities")),
    (_technology_rules, ("technologies", "commodities")),
    (_flow_rules, ("technology_flows", "commodities", "technologies")),
    (lambda t: _year_order(t, "subsidies"), ("subsidies",)),
    (lambda t: _year_order(t, "tax_schemes"), ("tax_schemes",)),
    (_tier_rules, ("tax_tiers",)),
    (_cost_rules, ("technologies", "technology_costs")),
    (_range_rules, ("ranges",)),
    (_min_load_rules, ("min_load", "technologies")),
)


def _flag(name: str, frame: pd.DataFrame, mask: pd.Series | np.ndarray, column: str,
          expected: str | pd.Series) -> list[Problem]:
    return _report(TABLE_BY_NAME[name].file, column, frame.loc[mask, column], expected)


def _lookup(frame: pd.DataFrame, key: str, column: str) -> pd.Series:
    """`column` by `key`, for Series.map (a repeated key is reported as a duplicate)."""
    return frame.drop_duplicates(key).set_index(key)[column]


# --- Helpers --------------------------------------------------------------------

def _report(file: str, column: str, values: pd.Series, expected: str | pd.Series
            ) -> list[Problem]:
    """One Problem per row of `values` (index: data row); `expected` may vary by row."""
    return [Problem(file, int(row), column, show(value),
                    expected if isinstance(expected, str) else expected.loc[row])
            for row, value in values.items()]


def show(value: object) -> str:
    """A typed cell for a message: 2025.0 as '2025', NaN as blank."""
    if isinstance(value, float):
        return "" if np.isnan(value) else f"{value:.15g}"
    return str(value)
