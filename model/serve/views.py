"""What the page draws, as JSON: chart series and the KPI table of one solution.

Chart data is shaped by the report's functions (`decarb.outputs.charts`), so the
page and `decarb report` sum the same way; units as in the run tables (Mt-CO2/yr,
BJPY, JPY/t-CO2, millions of each product's unit per year).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from decarb.inputs.schema import SECTOR_ALL
from decarb.outputs.charts import (capex_by_sector, mac_table, production_mix,
                                  sectors, support_by_instrument)
from decarb.outputs.compare_support import instrument_of
from decarb.outputs.report import report_years
from decarb.outputs.compare import (KPI_YEARS, cumulative_emissions, investment_money,
                                   public_cost_per_t_abated, public_costs)


@dataclass(frozen=True)
class Reference:
    """The counterfactual of public cost per tonne abated (as `compare`'s first run)."""

    name: str
    cumulative_mtco2: float
    public_cost_bjpy: float
    by_instrument: dict[str, float] = field(default_factory=dict)   # public cash, BJPY


RUN = ""   # a solution's tables as compare's tables of runs, with this one run


def _as_run(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: tables[name].assign(run=RUN) for name in ("emissions", "investments", "costs")}


def _cumulative(run: dict[str, pd.DataFrame], year_step: int) -> pd.Series:
    """Cumulative emissions by sector (Mt-CO2), as `compare` sums them."""
    return cumulative_emissions(run["emissions"], {RUN: year_step}) \
        .set_index("sector")["cumulative"]


def _public(run: dict[str, pd.DataFrame]) -> pd.Series:
    """Public cash by component (BJPY, the total first), as `compare` lists it."""
    return public_costs(run["costs"], [RUN]).set_index("component")["public_cost_bjpy"]


def cumulative_mtco2(tables: dict[str, pd.DataFrame], year_step: int) -> float:
    return float(_cumulative(_as_run(tables), year_step)[SECTOR_ALL])


def public_cost_bjpy(tables: dict[str, pd.DataFrame]) -> float:
    return float(_public(_as_run(tables))["total"])


def reference_of(name: str, tables: dict[str, pd.DataFrame], year_step: int) -> Reference:
    return Reference(name, cumulative_mtco2(tables, year_step), public_cost_bjpy(tables),
                     _by_instrument(_public(_as_run(tables))).to_dict())


def _by_instrument(public: pd.Series) -> pd.Series:
    """Public cash by instrument (the part of a component before its programme)."""
    paid = public.drop("total")
    return paid.groupby(instrument_of(paid.index.to_series())).sum()


def _number(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _series(table: pd.DataFrame, years: list[int]) -> dict:
    """A year-by-column table as {years, series: [{name, values}]} (blank: null)."""
    table = table.reindex(years)
    return {"years": years, "series": [
        {"name": str(c), "values": [_number(v) for v in table[c].tolist()]}
        for c in table.columns]}


def view(tables: dict[str, pd.DataFrame], years: list[int], year_step: int,
         reference: Reference | None) -> dict:
    """Charts and KPIs of a solution, JSON-ready."""
    em = tables["emissions"]
    names = sectors(em)
    emissions = [{"sector": sector, **_series(
        em.loc[em["sector"] == sector].set_index("year")[["counted_mtco2", "cap_mtco2"]]
        .rename(columns={"counted_mtco2": "emissions", "cap_mtco2": "cap"}), years)}
        for sector in [SECTOR_ALL, *names]]
    mix = [{"sector": sector, "panels": [
        {"unit": f"{unit}/yr", "products": table.columns.name, **_series(table, years)}
        for unit, table in production_mix(tables["production"], sector).items()]}
        for sector in names]
    investments = tables["investments"]
    return {
        "emissions": emissions,
        "mix": mix,
        "investment": _series(capex_by_sector(investments, names), years),
        "support": _series(support_by_instrument(investments), years),
        "mac": _series(mac_table(em), years),
        "curve": curve(tables.get("mac_curve"), years),
        "kpis": kpis(tables, years, year_step, reference),
    }


def curve(table: pd.DataFrame | None, years: list[int]) -> dict:
    """The MAC curve's measures per report year and sector, cheapest first."""
    shown = report_years(years)
    if table is None:
        return {"years": shown, "curves": []}
    table = table.loc[table["year"].isin(shown)]
    return {"years": shown, "curves": [
        {"year": int(year), "sector": sector, "measures": [
            {"measure": f"{r.from_technology} -> {r.to_technology}", "pathway": r.pathway,
             "cost": _number(r.cost_jpy_per_tco2), "abatement": _number(r.abatement_mtco2_per_yr),
             "cumulative": _number(r.cumulative_mtco2_per_yr)}
            for r in rows.itertuples()]}
        for (year, sector), rows in table.groupby(["year", "sector"], sort=False)]}


def kpis(tables: dict[str, pd.DataFrame], years: list[int], year_step: int,
         reference: Reference | None) -> dict:
    """The KPI table (a row per sector and for all) and the headline figures."""
    shown = [y for y in KPI_YEARS if y in years] or sorted({years[0], years[-1]})
    em = tables["emissions"]
    order = [*sectors(em), SECTOR_ALL]
    run = _as_run(tables)
    money = investment_money(run["investments"], run["emissions"]).set_index("sector")
    cumulative = _cumulative(run, year_step)
    columns = ([(f"emissions {y}", "Mt-CO2/yr") for y in shown]
               + [(f"cap {y}", "Mt-CO2/yr") for y in shown]
               + [("cumulative", "Mt-CO2"), ("capex", "BJPY"), ("support", "BJPY")]
               + [(f"MAC {y}", "JPY/t-CO2") for y in shown]
               + [(f"effective MAC {y}", "JPY/t-CO2") for y in shown])
    rows = []
    for sector in order:
        e = em.loc[em["sector"] == sector].set_index("year")
        cells = ([e.loc[y, "counted_mtco2"] for y in shown]
                 + [e.loc[y, "cap_mtco2"] for y in shown]
                 + [cumulative[sector], money.loc[sector, "capex_bjpy"],
                    money.loc[sector, "support_bjpy"]]
                 + [e.loc[y, "mac_jpy_per_tco2"] for y in shown]
                 + [e.loc[y, "effective_mac_jpy_per_tco2"] for y in shown])
        rows.append({"sector": sector, "values": [_number(float(v)) for v in cells]})
    costs = tables["costs"].set_index(["kind", "component"])
    public = _public(run)
    headline = [
        {"kpi": "private NPV", "unit": "BJPY",
         "value": _number(costs.loc[("cost", "total"), "private_npv_bjpy"])},
        {"kpi": "resource cost (social NPV, no transfers)", "unit": "BJPY",
         "value": _number(costs.loc[("cost", "total"), "social_npv_bjpy"])},
        *({"kpi": "public cost" + ("" if c == "total" else f": {c}"), "unit": "BJPY",
           "value": _number(v)} for c, v in public.items()),
    ]
    if ("fiscal", "net") in costs.index:   # subsidies + tax forgone - carbon revenue
        headline.append({"kpi": "net fiscal cost", "unit": "BJPY",
                         "value": _number(costs.loc[("fiscal", "net"), "public_cost_bjpy"])})
    headline += _carbon_headline(tables, shown)
    if reference is not None:
        per_t = public_cost_per_t_abated(
            pd.Series([reference.public_cost_bjpy, public["total"]]),
            pd.Series([reference.cumulative_mtco2, cumulative[SECTOR_ALL]]))
        headline.append({"kpi": f"public cost per t below {reference.name}",
                         "unit": "JPY/t-CO2", "value": _number(per_t["jpy_per_tco2"].iloc[1])})
    headline += _instrument_headline(public, cumulative[SECTOR_ALL], reference)
    return {"columns": [{"name": n, "unit": u} for n, u in columns], "rows": rows,
            "headline": headline}


def _carbon_headline(tables: dict[str, pd.DataFrame], shown: list[int]) -> list[dict]:
    """The GX-ETS price and the CBAM exposure of the KPI years, where the run has them."""
    found = []
    for table, kpi, unit, column in (("ets", "GX-ETS price", "JPY/t-CO2", "price_jpy_per_tco2"),
                                     ("cbam", "CBAM exposure", "BJPY/yr", "exposure_bjpy")):
        rows = tables.get(table)
        if rows is None:
            continue
        if table == "ets":
            rows = rows.loc[rows["participant"] == "market"]
        by_year = rows.groupby("year")[column].sum()
        found += [{"kpi": f"{kpi} {y}", "unit": unit, "value": _number(by_year.get(y, math.nan))}
                  for y in shown if y in by_year.index]
    return found


def _instrument_headline(public: pd.Series, cumulative: float,
                         reference: Reference | None) -> list[dict]:
    """Public cost by instrument and, against the reference, its extra cash per tonne
    of cumulative emissions abated (compare's figures)."""
    paid = _by_instrument(public)
    rows = [{"kpi": f"public cost by instrument: {i}", "unit": "BJPY", "value": _number(v)}
            for i, v in paid.items()]
    if reference is not None:
        names = sorted(set(paid.index) | set(reference.by_instrument))
        for name in names:
            per_t = public_cost_per_t_abated(
                pd.Series([reference.by_instrument.get(name, 0.0), paid.get(name, 0.0)]),
                pd.Series([reference.cumulative_mtco2, cumulative]))
            rows.append({"kpi": f"public cost per t abated: {name} (vs {reference.name})",
                         "unit": "JPY/t-CO2",
                         "value": _number(per_t["jpy_per_tco2"].iloc[1])})
    return rows

