"""Result tables of carbon pricing from FY2026: the GX-ETS position of each participant
(ets.csv), the levies' revenue (levies.csv) and the CBAM exposure of EU exports
(cbam.csv). Quantities in Mt-CO2/yr, money in BJPY per model year, prices in JPY/t-CO2.

In plant mode a technology's output running in plants of the same coverage is shared
among them by running capacity (the model is indifferent between them), so a company's
emissions are its plants' share; the covered totals are the model's.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.formulation.built import Built
from decarb.formulation.carbon_parameters import (REST, allocation, companies,
                                                  levy_per_unit, plant_coverage, sector_shares)
from decarb.formulation.components.cbam import exposure_terms
from decarb.inputs.schema import SECTOR_ALL
from decarb.outputs.report import report_years
from decarb.outputs.results import BJPY_PER_MJPY, values
from decarb.solving.solve import Solution

ETS_COLUMNS = ["participant", "kind", "sector", "covered", "year", "emissions_mtco2",
               "covered_mtco2", "allocation_mtco2", "offsets_mtco2", "net_purchase_mtco2",
               "ceiling_mtco2", "price_jpy_per_tco2", "ets_cost_bjpy",
               "allocation_value_bjpy", "net_cost_bjpy"]
MARKET = "market"


def carbon_tables(b: Built, sol: Solution) -> dict[str, pd.DataFrame]:
    """The tables of the instruments the run has: ets, levies, cbam."""
    tables = {}
    price = None
    if "ets_covered" in b.vars:
        tables["ets"] = ets_table(b, sol)
        market = tables["ets"].loc[tables["ets"]["kind"] == MARKET]
        price = market.set_index("year")["price_jpy_per_tco2"]
    if b.ds.settings.charge_fuel_levies and not b.ds.fuel_levies.empty:
        tables["levies"] = levy_table(b)
    cbam = cbam_table(b, price)
    if not cbam.empty:
        tables["cbam"] = cbam
    return tables


def ets_prices(b: Built, sol: Solution) -> pd.Series:
    """The allowance price of each ETS year (JPY/t-CO2): the exogenous price, or the
    floor plus the market's dual in money of its year (capped by the ceiling's cost)."""
    covered = b.vars["ets_covered"]
    if "ets_surrender_allowances" not in b.cons:
        return covered.set_index("year")["price"]
    rows = b.cons["ets_surrender_allowances"]
    weight = rows["year"].map(b.p.weights[b.ds.settings.perspective]).to_numpy()
    dual = np.array([sol.duals.get(c, np.nan) for c in rows["con"]])
    scarcity = pd.Series(-dual / weight, index=rows["year"].to_numpy())
    return covered.set_index("year")["floor"] + scarcity.reindex(covered["year"]).fillna(0.0) \
        .to_numpy()


def ets_table(b: Built, sol: Solution) -> pd.DataFrame:
    """Each participant's position per year, and the market (participant `market`)."""
    covered = b.vars["ets_covered"]
    years = covered[["year", "offset_price"]].assign(
        covered_total=values(covered), offsets_total=values(b.vars["ets_offsets"]),
        allocation_total=values(b.vars["ets_allocation"]),
        ceiling_total=values(b.vars["ets_ceiling"]) if "ets_ceiling" in b.vars else 0.0,
        price=ets_prices(b, sol).to_numpy())
    table = _emissions(b).merge(years[["year"]])
    given = allocation(b.ds, b.p).groupby(["participant", "year"], as_index=False)[
        "allocation_mtco2"].sum()   # a company of two sectors is one participant
    table = table.merge(given, on=["participant", "year"], how="outer")
    table = table.fillna({"emissions_mtco2": 0.0, "covered_mtco2": 0.0,
                          "allocation_mtco2": 0.0})
    table = table.loc[table["year"].isin(years["year"])].merge(years, on="year")
    table["kind"] = table["kind"].fillna("sector")
    share = table["covered_mtco2"] / table["covered_total"].where(table["covered_total"] > 0)
    table["offsets_mtco2"] = table["offsets_total"] * share.fillna(0.0)
    table["net_purchase_mtco2"] = (table["covered_mtco2"] - table["offsets_mtco2"]
                                   - table["allocation_mtco2"])
    short = table["net_purchase_mtco2"].clip(lower=0.0)
    all_short = short.groupby(table["year"]).transform("sum")
    table["ceiling_mtco2"] = table["ceiling_total"] * (short / all_short.where(all_short > 0)) \
        .fillna(0.0)
    market = years.assign(participant=MARKET, kind=MARKET, sector=SECTOR_ALL, covered=True,
                          emissions_mtco2=_total_scope1(b, years),
                          covered_mtco2=years["covered_total"],
                          allocation_mtco2=years["allocation_total"],
                          offsets_mtco2=years["offsets_total"],
                          ceiling_mtco2=years["ceiling_total"])
    market["net_purchase_mtco2"] = (market["covered_mtco2"] - market["offsets_mtco2"]
                                    - market["allocation_mtco2"])
    table = pd.concat([table, market], ignore_index=True)
    to_bjpy = table["price"] * BJPY_PER_MJPY
    offsets_cost = table["offsets_mtco2"] * table["offset_price"] * BJPY_PER_MJPY
    table["price_jpy_per_tco2"] = table["price"]
    table["ets_cost_bjpy"] = (table["covered_mtco2"] - table["offsets_mtco2"]) * to_bjpy \
        + offsets_cost
    table["allocation_value_bjpy"] = table["allocation_mtco2"] * to_bjpy
    table["net_cost_bjpy"] = table["ets_cost_bjpy"] - table["allocation_value_bjpy"]
    table["covered"] = table["covered"].astype(bool)
    order = {MARKET: 0, "sector": 1, "company": 2, "rest": 3}
    table = table.sort_values(["year", "kind", "participant"],
                              key=lambda c: c.map(order) if c.name == "kind" else c)
    return table[ETS_COLUMNS].reset_index(drop=True)


def _total_scope1(b: Built, years: pd.DataFrame) -> np.ndarray:
    s1 = b.vars["scope1"]
    total = pd.Series(values(s1)).groupby(s1["year"].to_numpy()).sum()
    return total.reindex(years["year"]).to_numpy()


def _emissions(b: Built) -> pd.DataFrame:
    """Direct and covered emissions per participant and year: participant, kind, sector,
    covered (bool), year, emissions_mtco2, covered_mtco2."""
    s1 = b.vars["scope1"]
    sectors = s1[["sector", "year"]].assign(emissions_mtco2=values(s1))
    shares = sector_shares(b.ds)
    if b.ds.settings.mode != "plant" or "plant_output" not in b.vars:
        return sectors.assign(participant=sectors["sector"], kind="sector",
                              covered=sectors["sector"].map(shares) > 0,
                              covered_mtco2=sectors["emissions_mtco2"]
                              * sectors["sector"].map(shares))
    plants = _plant_emissions(b)
    named = plants.loc[~plants["participant"].str.startswith(REST)]
    firms = companies(b.ds, b.p).set_index("company")
    by_firm = named.groupby(["participant", "year"], as_index=False)[
        ["emissions_mtco2", "covered_mtco2"]].sum()
    by_firm = by_firm.assign(kind="company",
                             sector=by_firm["participant"].map(firms["sector"]),
                             covered=by_firm["participant"].map(firms["covered"]))
    in_firms = named.groupby(["sector", "year"], as_index=False)["emissions_mtco2"].sum()
    rest = sectors.merge(in_firms.rename(columns={"emissions_mtco2": "in_firms"}),
                         on=["sector", "year"], how="left").fillna({"in_firms": 0.0})
    rest["emissions_mtco2"] -= rest.pop("in_firms")
    rest = rest.assign(participant=REST + rest["sector"], kind="rest",
                       covered=rest["sector"].map(shares) > 0,
                       covered_mtco2=rest["emissions_mtco2"] * rest["sector"].map(shares))
    return pd.concat([by_firm, rest], ignore_index=True)


def _plant_emissions(b: Built) -> pd.DataFrame:
    """Each plant's direct and covered emissions, from its own output (plant_output)."""
    output = b.vars["plant_output"]
    coverage = plant_coverage(b.ds, b.p).set_index("plant")
    plants = output[["plant", "technology", "year"]].assign(
        cov=output["plant"].map(coverage["cov"]), made=values(output))
    emitted = plants["made"] * plants["technology"].map(b.p.tech["scope1_tco2_per_unit"])
    return plants.assign(participant=plants["plant"].map(coverage["participant"]),
                         sector=plants["plant"].map(coverage["sector"]),
                         emissions_mtco2=emitted, covered_mtco2=emitted * plants["cov"])


def levy_table(b: Built) -> pd.DataFrame:
    """Each levy's rate and revenue per year: on the fuels bought and passed through."""
    charges = levy_per_unit(b.ds, b.p)
    buy = b.vars["buy"]
    bought = buy[["commodity", "year"]].assign(bought=values(buy)).merge(
        charges, on=["commodity", "year"])
    bought["revenue_bjpy"] = bought["bought"] * bought["jpy_per_unit"] * BJPY_PER_MJPY
    revenue = bought.pivot_table(index=["levy", "year"], columns="passed",
                                 values="revenue_bjpy", aggfunc="sum").reindex(
        columns=[False, True], fill_value=0.0).fillna(0.0)
    revenue.columns = ["revenue_fuels_bjpy", "revenue_passed_through_bjpy"]
    rates = b.ds.fuel_levies[["levy", "year", "rate_jpy_per_tco2", "pass_through_share"]]
    table = rates.loc[rates["year"].isin(b.p.years)].merge(
        revenue.reset_index(), on=["levy", "year"], how="left").fillna(0.0)
    table["revenue_bjpy"] = table["revenue_fuels_bjpy"] + table["revenue_passed_through_bjpy"]
    return table.sort_values(["levy", "year"]).reset_index(drop=True)


def cbam_table(b: Built, ets_price: pd.Series | None) -> pd.DataFrame:
    """CBAM exposure per exported product and year, at the solved ETS price."""
    products, shares = exposure_terms(b.ds, b.p, ets_price)
    if products.empty:
        return products
    act = b.vars["act"]
    made = shares.merge(act[["technology", "year"]].assign(act=values(act)),
                        on=["technology", "year"], how="left").fillna({"act": 0.0})
    made = made.assign(direct=made["alpha"] * made["ef"] * made["act"],
                       fuel=made["alpha"] * made["fuel"] * made["act"])
    sums = made.groupby(["product", "year"], as_index=False)[["direct", "fuel"]].sum()
    t = products.merge(sums, on=["product", "year"], how="left").fillna(
        {"direct": 0.0, "fuel": 0.0})
    intensity = t["direct"] / t["production"]
    declared = t["default_tco2_per_unit"].fillna(intensity)
    certificates = t["exports"] * (declared - t["eu_free_tco2_per_unit"]).clip(lower=0.0)
    gross = certificates * t["eu_price"] * BJPY_PER_MJPY
    paid = t["exports"] / t["production"] * (t["home_price"] * t["direct"]
                                             + t["levy"] * t["fuel"]) * BJPY_PER_MJPY
    deduction = np.minimum(gross, paid)
    return pd.DataFrame({
        "product": t["product"], "sector": t["sector"], "year": t["year"],
        "eu_exports_m_per_yr": t["exports"], "intensity_tco2_per_unit": intensity,
        "declared_tco2_per_unit": declared,
        "eu_free_tco2_per_unit": t["eu_free_tco2_per_unit"],
        "certificates_mtco2": certificates, "eu_price_jpy_per_tco2": t["eu_price"],
        "home_price_jpy_per_tco2": t["home_price"], "levy_jpy_per_tco2": t["levy"],
        "gross_bjpy": gross, "deduction_bjpy": deduction, "exposure_bjpy": gross - deduction,
    }).sort_values(["product", "year"]).reset_index(drop=True)


# --- summaries for the terminal and the HTML report -------------------------------

POSITION_YEAR = 2030   # the year whose positions the summaries list (the ETS's FY2030 step)


def carbon_summary(tables: dict[str, pd.DataFrame], years: list[int]
                   ) -> list[tuple[str, pd.DataFrame]]:
    """Titled tables of the report years: the GX-ETS market, the participants' positions
    in POSITION_YEAR (short first), the levies' revenue, the CBAM exposure."""
    shown = report_years(years)
    parts = []
    ets = tables.get("ets")
    if ets is not None:
        market = ets.loc[(ets["participant"] == MARKET) & ets["year"].isin(shown)]
        parts.append(("GX-ETS market (Mt-CO2/yr, JPY/t-CO2, BJPY/yr)", market[[
            "year", "price_jpy_per_tco2", "covered_mtco2", "allocation_mtco2",
            "offsets_mtco2", "ceiling_mtco2", "ets_cost_bjpy", "allocation_value_bjpy",
            "net_cost_bjpy"]]))
        year = POSITION_YEAR if POSITION_YEAR in set(ets["year"]) else int(ets["year"].min())
        members = ets.loc[(ets["participant"] != MARKET) & (ets["year"] == year)
                          & ets["covered"]].sort_values("net_purchase_mtco2", ascending=False)
        parts.append((f"GX-ETS positions in {year}: net purchase > 0 is short, < 0 long "
                      "(Mt-CO2/yr, BJPY/yr)", members[[
                          "participant", "sector", "covered_mtco2", "allocation_mtco2",
                          "net_purchase_mtco2", "ceiling_mtco2", "net_cost_bjpy"]]))
    levies = tables.get("levies")
    if levies is not None:
        parts.append(("Fuel levies (JPY/t-CO2, BJPY/yr)", levies.loc[levies["year"].isin(
            shown), ["levy", "year", "rate_jpy_per_tco2", "revenue_fuels_bjpy",
                     "revenue_passed_through_bjpy", "revenue_bjpy"]]))
    cbam = tables.get("cbam")
    if cbam is not None:
        parts.append(("CBAM exposure of EU exports (t-CO2/unit, JPY/t-CO2, BJPY/yr)",
                      cbam.loc[cbam["year"].isin(shown), [
                          "product", "year", "eu_exports_m_per_yr", "declared_tco2_per_unit",
                          "eu_free_tco2_per_unit", "eu_price_jpy_per_tco2",
                          "home_price_jpy_per_tco2", "gross_bjpy", "deduction_bjpy",
                          "exposure_bjpy"]]))
    return parts


def format_carbon(tables: dict[str, pd.DataFrame], years: list[int], listed: int = 8) -> str:
    """The carbon-pricing summary as text: at most `listed` rows of the positions each
    way (shortest and longest)."""
    lines = []
    for title, table in carbon_summary(tables, years):
        if title.startswith("GX-ETS positions") and len(table) > 2 * listed:
            table = pd.concat([table.head(listed), table.tail(listed)])
        lines += ["", title, table.to_string(index=False, float_format=lambda v: f"{v:,.2f}")]
    return "\n".join(lines)
