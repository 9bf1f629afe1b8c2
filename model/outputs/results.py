"""Tidy result tables from a solved model, units in the column names.

Money is reported in BJPY (the model works in MJPY). Every figure of the
report is computed from these tables.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.formulation.built import Built
from decarb.inputs.schema import SECTOR_ALL
from decarb.outputs.levelised import levelised_costs
from decarb.outputs.mac_curve import mac_curve
from decarb.solving.solve import Solution

BJPY_PER_MJPY = 1e-3


def values(table: pd.DataFrame) -> np.ndarray:
    """Solved values of a variable table's `var` column."""
    return np.array([v.value or 0.0 for v in table["var"]], dtype=float)


def result_tables(b: Built, sol: Solution) -> dict[str, pd.DataFrame]:
    made = production(b)
    levelised = levelised_costs(b.ds, b.p)
    return {"emissions": emissions(b, sol), "production": made,
            "investments": investments(b), "energy": energy(b), "materials": materials(b),
            "costs": costs(b), "levelised_costs": levelised,
            "mac_curve": mac_curve(b.ds, levelised, made)}


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
                  "mac_jpy_per_tco2"]]


def _mac(b: Built, sol: Solution) -> pd.DataFrame:
    """Marginal abatement cost of each cap row: the cap's dual in money of its year.

    The dual is d(present-value cost)/d(cap) in MJPY per Mt = JPY/t; dividing by
    the year's present-value weight (perspective of the run) turns it into JPY
    per t-CO2 in that year.
    """
    weight = b.p.weights[b.ds.settings.perspective]
    parts = []
    for name in ("enforce_sector_cap", "enforce_total_cap"):
        if name in b.cons:
            rows = b.cons[name]
            dual = np.array([sol.duals.get(c, np.nan) for c in rows["con"]])
            parts.append(rows[["sector", "year"]].assign(
                mac_jpy_per_tco2=-dual / rows["year"].map(weight).to_numpy()))
    if not parts:
        return pd.DataFrame(columns=["sector", "year", "mac_jpy_per_tco2"])
    return pd.concat(parts, ignore_index=True)


def production(b: Built) -> pd.DataFrame:
    """Output, operating and stranded capacity per technology and year."""
    tech = b.p.tech
    act, cap = b.vars["act"], b.vars["cap"]
    keys = ["technology", "year"]
    table = act[keys].assign(output_m_per_yr=values(act)).merge(
        cap[keys].assign(operating_capacity_m_per_yr=values(cap)), on=keys)
    standing = b.p.vintages.merge(b.vars["new"].rename(columns={"year": "vintage"}),
                                  on=["technology", "vintage"])
    built = standing[keys].assign(built_m_per_yr=values(standing)) \
        .groupby(keys, as_index=False)["built_m_per_yr"].sum()
    existing = pd.concat([b.p.residual.rename(columns={"capacity_m_per_yr": "existing_m_per_yr"})]
                         + [s[keys].assign(existing_m_per_yr=s["coef"] * values(s))
                            for s in b.capacity_sources])   # plant mode: the plants
    existing = existing.groupby(keys, as_index=False)["existing_m_per_yr"].sum()
    table = table.merge(built, on=keys, how="left").merge(existing, on=keys, how="left") \
        .fillna(0.0)
    table["stranded_capacity_m_per_yr"] = (table["built_m_per_yr"] + table["existing_m_per_yr"]
                                           - table["operating_capacity_m_per_yr"]).clip(0)
    commodities = b.ds.commodities.set_index("commodity")
    output = table["technology"].map(tech["output"])
    table = table.assign(sector=table["technology"].map(tech["sector"]), product=output,
                         kind=output.map(commodities["kind"]),
                         unit=output.map(commodities["unit"]))
    return table[["sector", "product", "kind", "technology", "year", "unit", "output_m_per_yr",
                  "operating_capacity_m_per_yr", "stranded_capacity_m_per_yr"]] \
        .sort_values(["sector", "product", "technology", "year"]).reset_index(drop=True)


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


def costs(b: Built) -> pd.DataFrame:
    """Present value by cost component in both perspectives, and public cost by
    instrument (cash over the horizon and its social present value), BJPY."""
    registry = b.cost_table()
    x = values(registry)
    cost = registry[["component"]].assign(
        private_npv_bjpy=registry["private"].to_numpy() * x * BJPY_PER_MJPY,
        social_npv_bjpy=registry["social"].to_numpy() * x * BJPY_PER_MJPY)
    cost = cost.groupby("component", as_index=False, sort=False).sum().assign(kind="cost")
    transfers = b.transfer_table()
    y = values(transfers)
    public = transfers.assign(
        component=transfers["instrument"] + np.where(transfers["programme"] != "",
                                                     ":" + transfers["programme"], ""),
        public_cost_bjpy=transfers["cash"].to_numpy(float) * y * BJPY_PER_MJPY,
        public_cost_npv_bjpy=transfers["social"].to_numpy(float) * y * BJPY_PER_MJPY)
    public = public.groupby("component", as_index=False)[
        ["public_cost_bjpy", "public_cost_npv_bjpy"]].sum().assign(kind="public")
    total = pd.DataFrame([{"component": "total", "kind": "cost",
                           "private_npv_bjpy": cost["private_npv_bjpy"].sum(),
                           "social_npv_bjpy": cost["social_npv_bjpy"].sum()},
                          {"component": "total", "kind": "public",
                           "public_cost_bjpy": public["public_cost_bjpy"].sum(),
                           "public_cost_npv_bjpy": public["public_cost_npv_bjpy"].sum()}])
    table = pd.concat([cost, public, total], ignore_index=True)
    return table[["kind", "component", "private_npv_bjpy", "social_npv_bjpy",
                  "public_cost_bjpy", "public_cost_npv_bjpy"]]
