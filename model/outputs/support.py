"""Result tables of the support in force from 2026: public cost by instrument and year
(public_costs.csv), hydrogen contracts (hydrogen_contracts.csv), CCS hubs (ccs.csv) and,
in plant mode, each company's investment, support and use of its tax caps
(companies.csv). Quantities in M unit/yr, money in BJPY per model year (its calendar
years), prices in JPY/unit.
"""
from __future__ import annotations

import pandas as pd

from decarb.formulation.built import Built
from decarb.formulation.components.ccs_hubs import hub_years
from decarb.outputs.results import BJPY_PER_MJPY, values
from decarb.solving.solve import Solution

FULL = 1 - 1e-6   # share of a limit used at which it counts as full


def support_tables(b: Built, sol: Solution) -> dict[str, pd.DataFrame]:
    """The tables of the instruments the run has, and public cost by instrument and year."""
    tables = {}
    public = public_costs(b)
    if not public.empty:
        tables["public_costs"] = public
    if "hydrogen_contracted" in b.vars:
        tables["hydrogen_contracts"] = contracts_table(b)
    if "ccs_stored" in b.vars:
        tables["ccs"] = ccs_table(b)
    if "plant_switch" in b.vars and not b.ds.companies.empty:
        tables["companies"] = companies_table(b)
    return tables


def public_costs(b: Built) -> pd.DataFrame:
    """Public cash per instrument, programme and model year (BJPY over the model year's
    calendar years; positive: the state pays, negative: it receives), from the same
    transfer registry as costs.csv."""
    transfers = b.transfer_table()
    cash = transfers["cash"].to_numpy(float) * values(transfers) * BJPY_PER_MJPY
    table = transfers[["instrument", "programme", "year"]].assign(public_cost_bjpy=cash)
    return table.groupby(["instrument", "programme", "year"], as_index=False)[
        "public_cost_bjpy"].sum()


def by_instrument(public: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Public cash per instrument over the horizon and in each of `years` (BJPY)."""
    total = public.groupby("instrument")["public_cost_bjpy"].sum()
    table = public.loc[public["year"].isin(years)].groupby(["instrument", "year"])[
        "public_cost_bjpy"].sum().unstack("year").reindex(index=total.index,
                                                          columns=years).fillna(0.0)
    table.insert(0, "horizon", total)
    table.loc["total"] = table.sum()
    return table


def paid_by_year(public: pd.DataFrame) -> pd.DataFrame:
    """Cash per year (rows) of each instrument the state pays in every year (columns;
    the revenue of levies and the ETS is left out), BJPY: the report's stacked bars."""
    table = public.pivot_table(index="year", columns="instrument", values="public_cost_bjpy",
                               aggfunc="sum", fill_value=0.0)
    paid = table.loc[:, (table >= -1e-9).all() & (table.abs().sum() > 1e-9)]
    paid.columns = [str(c) for c in paid.columns]
    return paid


def format_public_costs(tables: dict[str, pd.DataFrame], years: list[int]) -> str:
    """Public cost by instrument, as printed after a run."""
    if "public_costs" not in tables or tables["public_costs"].empty:
        return ""
    table = by_instrument(tables["public_costs"], years)
    table.columns = ["horizon", *(str(y) for y in table.columns[1:])]
    return ("\nPublic cost by instrument (BJPY cash; + paid by the state, - received; "
            "per model year and over the horizon)\n"
            + table.to_string(float_format=lambda v: f"{v:,.1f}"))


def contracts_table(b: Built) -> pd.DataFrame:
    """Per contract and year: volume, bought, strike, reference, market price, the gap
    the state pays per unit, whether the volume is used up, and the public cost."""
    used = b.vars["hydrogen_contracted"]
    bought = values(used)
    return pd.DataFrame({
        "contract": used["contract"], "commodity": used["commodity"], "year": used["year"],
        "volume_m_per_yr": used["volume_m_per_yr"], "bought_m_per_yr": bought,
        "full": bought >= used["volume_m_per_yr"].to_numpy() * FULL,
        "strike_jpy_per_unit": used["strike"], "reference_jpy_per_unit": used["reference"],
        "market_jpy_per_unit": used["market"], "gap_jpy_per_unit": used["gap"],
        "public_cost_bjpy": bought * used["gap"].to_numpy() * b.p.step * BJPY_PER_MJPY})


def ccs_table(b: Built) -> pd.DataFrame:
    """Per hub and year: capacity, CO2 stored, whether full, storage and transport cost,
    CO2 under the cost-gap support, the gap per tonne and the support paid."""
    hubs = hub_years(b.ds, b.p)
    stored = b.vars["ccs_stored"]
    x = values(stored)
    money = b.p.step * BJPY_PER_MJPY
    flows = stored[["hub", "year"]].assign(
        stored_mtco2=x, storage_cost_bjpy=x * stored["storage"].to_numpy() * money,
        transport_cost_bjpy=x * stored["transport"].to_numpy() * money)
    table = hubs.merge(flows.groupby(["hub", "year"], as_index=False).sum(),
                       on=["hub", "year"], how="left")
    supported = b.vars.get("ccs_supported")
    if supported is not None:
        y = values(supported)
        table = table.merge(supported[["hub", "year", "gap"]].assign(
            supported_mtco2=y, support_bjpy=y * supported["gap"].to_numpy() * money),
            on=["hub", "year"], how="left")
    table = table.reindex(columns=[*table.columns, *(
        c for c in ("gap", "supported_mtco2", "support_bjpy") if c not in table)])
    table = table.fillna({c: 0.0 for c in ("stored_mtco2", "storage_cost_bjpy",
                                             "transport_cost_bjpy", "gap",
                                             "supported_mtco2", "support_bjpy")})
    table["full"] = (table["capacity"] > 0) & (table["stored_mtco2"]
                                               >= table["capacity"] * FULL)
    table = table.rename(columns={"capacity": "capacity_mtco2_per_yr",
                                  "storage": "storage_jpy_per_tco2",
                                  "gap": "support_jpy_per_tco2"})
    return table[["hub", "kind", "year", "capacity_mtco2_per_yr", "stored_mtco2", "full",
                  "storage_jpy_per_tco2", "storage_cost_bjpy", "transport_cost_bjpy",
                  "supported", "supported_mtco2", "support_jpy_per_tco2", "support_bjpy"]]


CAPS = {"limit_tax_credit": "cn_credit", "limit_investment_credit": "investment_credit",
        "production_credit_tax_cap": "production_credit"}


def cap_use(b: Built) -> pd.DataFrame:
    """Each tax cap's use per payer (company or sector) and year: payer, year, cap
    (its name), used_bjpy, cap_bjpy, binding."""
    parts = []
    for name, cap in CAPS.items():
        rows = b.cons.get(name)
        if rows is None:
            continue
        used = [con.body() for con in rows["con"]]
        frame = rows[["payer", "year"]].assign(cap=cap, used_bjpy=pd.Series(
            used, index=rows.index, dtype=float) * BJPY_PER_MJPY,
            cap_bjpy=rows["rhs"] * BJPY_PER_MJPY)
        parts.append(frame.groupby(["payer", "year", "cap"], as_index=False).sum())
    if not parts:
        return pd.DataFrame(columns=["payer", "year", "cap", "used_bjpy", "cap_bjpy",
                                     "binding"])
    table = pd.concat(parts, ignore_index=True)
    return table.assign(binding=(table["cap_bjpy"] > 0)
                        & (table["used_bjpy"] >= table["cap_bjpy"] * FULL))


def companies_table(b: Built) -> pd.DataFrame:
    """Plant mode, per company and year: capex of its plants' switches, support by
    instrument (subsidy per programme, each tax incentive, production credits), the tax
    benefit, its corporate tax and each cap's use where it is the payer (BJPY)."""
    company = b.ds.plants.set_index("plant")["company"]
    switch = b.vars["plant_switch"]
    x = values(switch)
    capex = x * switch["capex_jpy_per_unit_yr"].to_numpy() * BJPY_PER_MJPY
    flows = [pd.DataFrame({"plant": switch["plant"], "year": switch["year"],
                           "instrument": "capex", "bjpy": capex}),
             pd.DataFrame({"plant": switch["plant"], "year": switch["year"],
                           "instrument": "subsidy_" + switch["programme"],
                           "bjpy": capex * switch["subsidy_rate"].to_numpy()}),
             pd.DataFrame({"plant": switch["plant"], "year": switch["year"],
                           "instrument": switch["incentive"],
                           "bjpy": capex * switch["tax_benefit"].to_numpy()})]
    credit = b.vars["plant_credit"]
    flows.append(pd.DataFrame({"plant": credit["plant"], "year": credit["year"],
                               "instrument": credit["incentive"],
                               "bjpy": values(credit) * BJPY_PER_MJPY}))
    produced = b.vars.get("credit_output")
    if produced is not None and "plant" in produced:
        produced = produced.dropna(subset=["plant"])
        flows.append(pd.DataFrame({
            "plant": produced["plant"], "year": produced["year"],
            "instrument": "production_credit_" + produced["credit"],
            "bjpy": values(produced) * produced["rate"].to_numpy() * b.p.step
            * BJPY_PER_MJPY}))
    flows = pd.concat(flows, ignore_index=True)
    flows = flows.loc[(flows["bjpy"].abs() > 1e-9) & (flows["instrument"] != "none")
                      & (flows["instrument"] != "subsidy_")]
    flows = flows.assign(company=flows["plant"].map(company).replace("", "(none)"))
    wide = flows.pivot_table(index=["company", "year"], columns="instrument",
                             values="bjpy", aggfunc="sum", fill_value=0.0)
    wide.columns = [f"{c}_bjpy" for c in wide.columns]
    grid = pd.DataFrame({"company": sorted(set(company) - {""})}).merge(
        pd.DataFrame({"year": b.p.years}), how="cross")
    table = grid.merge(wide.reset_index(), on=["company", "year"], how="left").fillna(0.0)
    support = [c for c in table.columns if c.endswith("_bjpy") and c != "capex_bjpy"]
    tax = [c for c in support if not c.startswith("subsidy_")]
    table["support_bjpy"] = table[support].sum(axis=1)
    table["tax_benefit_bjpy"] = table[tax].sum(axis=1)
    table = table.merge(b.ds.company_tax[["company", "year", "corporate_tax_bjpy_per_yr"]],
                        on=["company", "year"], how="left")
    caps = cap_use(b)
    for cap, rows in caps.groupby("cap"):
        rows = rows.rename(columns={"payer": "company", "used_bjpy": f"{cap}_used_bjpy",
                                    "cap_bjpy": f"{cap}_cap_bjpy",
                                    "binding": f"{cap}_binding"}).drop(columns="cap")
        table = table.merge(rows, on=["company", "year"], how="left")
    return table
