"""Tidy result tables from a solved model, units in the column names.

Money is reported in BJPY (the model works in MJPY). Every figure of the
report is computed from these tables.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.formulation.built import Built
from decarb.formulation.components.capacity import installed_terms, plant_capacity
from decarb.outputs.costs import costs
from decarb.outputs.solved import BJPY_PER_MJPY, values
from decarb.outputs.stranded import stranded_assets
from decarb.inputs.schema import SECTOR_ALL
from decarb.outputs.levelised import levelised_costs
from decarb.outputs.mac_curve import mac_curve
from decarb.solving.solve import Solution


def result_tables(b: Built, sol: Solution) -> dict[str, pd.DataFrame]:
    """The run's tables, over every model year (`within_plan` keeps the plan's)."""
    made = production(b)
    levelised = levelised_costs(b.ds, b.p)
    return {"emissions": emissions(b, sol), "production": made,
            "investments": investments(b), "energy": energy(b), "materials": materials(b),
            "costs": costs(b), "levelised_costs": levelised,
            "mac_curve": mac_curve(b.ds, levelised, made),
            "stranded": stranded_assets(b, made)}


def within_plan(tables: dict[str, pd.DataFrame], end_year: int) -> dict[str, pd.DataFrame]:
    """The tables without the rows of the extension's years (after `end_year`)."""
    return {name: table.loc[table["year"] <= end_year].reset_index(drop=True)
            if "year" in table else table for name, table in tables.items()}


def emissions(b: Built, sol: Solution) -> pd.DataFrame:
    keys = ["sector", "year"]
    s1, s2, s3 = b.vars["scope1"], b.vars["scope2"], b.vars["embedded"]
    table = s1[keys].assign(scope1_mtco2=values(s1)).merge(
        s2[keys].assign(scope2_mtco2=values(s2)), on=keys).merge(
        s3[keys].assign(embedded_mtco2=values(s3)), on=keys)
    act = b.vars["act"]
    captured = act.assign(sector=act["technology"].map(b.p.tech["sector"]),
                          captured_mtco2=values(act) * act["technology"].map(
                              b.p.tech["captured_tco2_per_unit"]))
    table = table.merge(captured.groupby(keys, as_index=False)["captured_mtco2"].sum(),
                        on=keys, how="left").fillna({"captured_mtco2": 0.0})
    total = table.groupby("year", as_index=False)[
        ["scope1_mtco2", "scope2_mtco2", "embedded_mtco2", "captured_mtco2"]].sum() \
        .assign(sector=SECTOR_ALL)
    table = pd.concat([table, total], ignore_index=True)
    table["total_mtco2"] = table["scope1_mtco2"] + table["scope2_mtco2"]
    counted = "total_mtco2" if b.ds.settings.cap_scope == "scope1+2" else "scope1_mtco2"
    table["counted_mtco2"] = table[counted] + (table["embedded_mtco2"]
                                               if b.ds.settings.count_embedded_imports else 0.0)
    caps = b.ds.caps[keys + ["cap_mtco2"]]
    table = table.merge(caps, on=keys, how="left").merge(_mac(b, sol), on=keys, how="left")
    # Left merges keep the order: sectors as in sectors.csv, then the `all` rows.
    return table[["sector", "year", "scope1_mtco2", "scope2_mtco2", "embedded_mtco2",
                  "captured_mtco2", "total_mtco2", "counted_mtco2", "cap_mtco2",
                  "mac_jpy_per_tco2", "effective_mac_jpy_per_tco2"]]


def _mac(b: Built, sol: Solution) -> pd.DataFrame:
    """Marginal abatement cost of each cap row (the cap's dual in money of its year), and
    the effective marginal cost of a tonne of direct CO2 of each sector-year.

    A dual is d(present-value cost)/d(cap) in MJPY per Mt = JPY/t; dividing by the
    year's present-value weight (perspective of the run) turns it into JPY per t-CO2
    in that year. A tonne of a sector's direct CO2 costs its own cap's dual, the
    economy-wide cap's, the cumulative budget's (which counts each model year for
    `step` years) and, where the run's objective pays it, the carbon price.
    """
    s = b.ds.settings
    weight = pd.Series(b.p.weights[s.perspective])
    duals = {}
    for name in ("enforce_sector_cap", "enforce_total_cap", "enforce_cumulative_cap"):
        rows = b.cons.get(name)
        if rows is not None:
            dual = np.array([sol.duals.get(c, np.nan) for c in rows["con"]])
            duals[name] = rows[["sector", "year"]].assign(dual=-dual)
    grid = pd.concat([b.ds.sectors[["sector"]], pd.DataFrame({"sector": [SECTOR_ALL]})]) \
        .merge(pd.DataFrame({"year": b.p.years}), how="cross")
    per_t = grid["year"].map(weight).to_numpy()
    own = pd.concat([duals.get(n, pd.DataFrame(columns=["sector", "year", "dual"]))
                     for n in ("enforce_sector_cap", "enforce_total_cap")])
    table = grid.merge(own, on=["sector", "year"], how="left")
    table["mac_jpy_per_tco2"] = table.pop("dual").to_numpy(float) / per_t
    economy = duals.get("enforce_total_cap")
    economy = (dict(zip(economy["year"], economy["dual"])) if economy is not None else {})
    budget = duals.get("enforce_cumulative_cap")
    budget = float(budget["dual"].iloc[0]) * b.p.step if budget is not None else 0.0
    inside_budget = (table["year"] <= s.end_year).to_numpy()
    effective = (table["mac_jpy_per_tco2"].where(table["sector"] != SECTOR_ALL).fillna(0.0)
                 + (table["year"].map(economy).fillna(0.0).to_numpy()
                    + np.where(inside_budget, budget, 0.0)) / per_t)
    if s.perspective == "private":   # in the social view the price is a transfer
        price = b.ds.carbon_price.set_index("year")["price_jpy_per_tco2"]
        effective = effective + table["year"].map(price).fillna(0.0)
    return table.assign(effective_mac_jpy_per_tco2=effective.to_numpy())


def production(b: Built) -> pd.DataFrame:
    """Output and capacity per technology and year: installed (paying fixed O&M), idle
    (installed, not used: installed - output / availability) and retired early
    (standing within its life or the existing-capacity profile, not installed)."""
    tech = b.p.tech
    act = b.vars["act"]
    keys = ["technology", "year"]
    installed = installed_terms(b, 1.0)
    installed = installed[keys].assign(installed_capacity_m_per_yr=installed["coef"]
                                       * values(installed))
    table = act[keys].assign(output_m_per_yr=values(act)).merge(
        installed.groupby(keys, as_index=False).sum(), on=keys, how="left")
    table = table.merge(standing_capacity(b), on=keys, how="left").fillna(0.0)
    table["retired_capacity_m_per_yr"] = (table.pop("standing_m_per_yr")
                                          - table["installed_capacity_m_per_yr"]).clip(0)
    availability = table["technology"].map(tech["availability"])
    in_use = (table["output_m_per_yr"] / availability).where(availability > 0, 0.0)
    table["idle_capacity_m_per_yr"] = (table["installed_capacity_m_per_yr"] - in_use).clip(0)
    commodities = b.ds.commodities.set_index("commodity")
    output = table["technology"].map(tech["output"])
    table = table.assign(sector=table["technology"].map(tech["sector"]), product=output,
                         kind=output.map(commodities["kind"]),
                         unit=output.map(commodities["unit"]))
    return table[["sector", "product", "kind", "technology", "year", "unit", "output_m_per_yr",
                  "installed_capacity_m_per_yr", "idle_capacity_m_per_yr",
                  "retired_capacity_m_per_yr"]] \
        .sort_values(["sector", "product", "technology", "year"]).reset_index(drop=True)


def standing_capacity(b: Built) -> pd.DataFrame:
    """Capacity standing per technology and year whether installed or retired: builds
    within their life, the existing-capacity profile and (plant mode) the plants running
    it (technology, year, standing_m_per_yr)."""
    keys = ["technology", "year"]
    alive = b.p.vintages.merge(b.vars["new"].rename(columns={"year": "vintage"}),
                               on=["technology", "vintage"])
    plants = plant_capacity(b)
    parts = [alive[keys].assign(standing_m_per_yr=values(alive)),
             b.p.residual.rename(columns={"capacity_m_per_yr": "standing_m_per_yr"}),
             plants[keys].assign(standing_m_per_yr=plants["coef"] * values(plants))]
    return pd.concat(parts).groupby(keys, as_index=False)["standing_m_per_yr"].sum()


def investments(b: Built) -> pd.DataFrame:
    """The investment schedule: builds, capex, support by instrument, net capex (BJPY)."""
    support = b.vars["support"]
    x = values(support)
    capex = x * support["capex_jpy_per_unit_yr"].to_numpy() * BJPY_PER_MJPY
    flows = support[["technology", "year", "programme", "incentive"]].assign(
        new_capacity_m_per_yr=x, capex_bjpy=capex,
        subsidy_bjpy=capex * support["subsidy_rate"].to_numpy(),
        tax_benefit_bjpy=capex * support["tax_benefit"].to_numpy())
    flows = flows.loc[flows["new_capacity_m_per_yr"] > 1e-9]
    keys = ["technology", "year"]
    table = flows.groupby(keys, as_index=False)[
        ["new_capacity_m_per_yr", "capex_bjpy", "tax_benefit_bjpy"]].sum()
    by_programme = flows.loc[flows["programme"] != ""].pivot_table(
        index=keys, columns="programme", values="subsidy_bjpy", aggfunc="sum")
    by_programme.columns = [f"subsidy_{p}_bjpy" for p in by_programme.columns]
    table = table.merge(by_programme.reset_index(), on=keys, how="left")
    subsidy_columns = list(by_programme.columns)
    table[subsidy_columns] = table[subsidy_columns].fillna(0.0)
    incentive = flows.loc[flows["incentive"] != "none"].groupby(keys)["incentive"] \
        .agg(lambda s: "+".join(sorted(set(s))))
    table["tax_incentive"] = pd.Series(table.set_index(keys).index.map(incentive),
                                       dtype=object).fillna("none").to_numpy()
    table["net_capex_bjpy"] = (table["capex_bjpy"] - table[subsidy_columns].sum(axis=1)
                               - table["tax_benefit_bjpy"])
    table.insert(1, "sector", table["technology"].map(b.p.tech["sector"]))
    columns = ["year", "sector", "technology", "new_capacity_m_per_yr", "capex_bjpy",
               *subsidy_columns, "tax_incentive", "tax_benefit_bjpy", "net_capex_bjpy"]
    return table[columns].sort_values(["year", "sector", "technology"]).reset_index(drop=True)


def energy(b: Built) -> pd.DataFrame:
    """Energy carriers used per sector (PJ/yr; inputs of the sector's technologies)."""
    return _used(b, "energy").rename(columns={"use": "use_pj_per_yr"})


def materials(b: Built) -> pd.DataFrame:
    """Materials used per sector (M unit/yr, e.g. Mt of primary aluminium ingot) and
    their embedded CO2 (Mt-CO2/yr; in the caps only with count_embedded_imports)."""
    used = _used(b, "material").rename(columns={"use": "use_m_per_yr"})
    factor = used["commodity"].map(
        b.ds.commodities.set_index("commodity")["embedded_ef_tco2_per_unit"])
    return used.assign(embedded_mtco2=used["use_m_per_yr"] * factor)


def _used(b: Built, kind: str) -> pd.DataFrame:
    """Inputs of one commodity kind per sector, commodity and year (column `use`)."""
    act = b.vars["act"]
    kinds = b.ds.commodities.set_index("commodity")["kind"]
    used = act[["technology", "year"]].assign(activity=values(act)).merge(
        b.p.flows.loc[b.p.flows["coef"] < 0], on="technology")
    used = used.loc[used["commodity"].map(kinds) == kind]
    used = used.assign(sector=used["technology"].map(b.p.tech["sector"]),
                       use=-used["coef"] * used["activity"])
    return used.groupby(["sector", "commodity", "year"], as_index=False)["use"] \
        .sum().sort_values(["sector", "commodity", "year"]).reset_index(drop=True)
