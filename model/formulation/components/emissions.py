"""Emissions, caps and the carbon price (formulation section 4), in Mt-CO2/yr.

  scope1[s,y] = sum_{k in s} act[k,y] * (process_ef[k] + sum_c input[k,c] * ef[c])
                                      * (1 - capture[k])
  scope2[s,y] = sum_{k in s} act[k,y] * sum_c net_use[k,c] * supply_ef[c,y]
  embedded[s,y] = sum_{k in s} act[k,y] * sum_c input[k,c] * embedded_ef[c]
  counted[s,y] = scope1 (+ scope2 when the caps count scope 1+2)
                 (+ embedded when count_embedded_imports)
  counted[s,y] <= cap[s,y];  sum_s counted[s,y] <= cap_all[y];
  sum_{y <= end_year} step * sum_s counted[s,y] <= cumulative budget
  cost: carbon_price[y] * (scope1 or scope1+2)[s,y]   (never on embedded CO2; a transfer
        to the state: the firms' cost, 0 in the social view, public revenue)
The cap duals are the marginal abatement costs. When diagnosing an infeasible
case every cap gets a slack, penalised per tonne, that names the shortfall.
"""
from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo

from decarb.formulation.built import Built
from decarb.inputs.dataset import Dataset
from decarb.formulation.linear import add_constraints, add_var, terms_of
from decarb.formulation.parameters import scope2_coefficients
from decarb.inputs.schema import SECTOR_ALL


def add(b: Built) -> None:
    ds, p, m = b.ds, b.p, b.m
    act = b.vars["act"].assign(sector=lambda t: t["technology"].map(p.tech["sector"]))
    sector_years = ds.sectors[["sector"]].merge(pd.DataFrame({"year": p.years}), how="cross")
    scope1 = add_var(m, "scope1", sector_years, "Direct emissions after capture (Mt-CO2/yr)")
    scope2 = add_var(m, "scope2", sector_years, "Indirect emissions of bought electricity "
                     "and hydrogen (Mt-CO2/yr)", domain=pyo.Reals)
    embedded = add_var(m, "embedded", sector_years, "Embedded CO2 of imported commodities "
                       "used (scope 3, Mt-CO2/yr)")
    b.vars.update(scope1=scope1, scope2=scope2, embedded=embedded)

    direct = act.assign(coef=-act["technology"].map(p.tech["scope1_tco2_per_unit"]))
    b.cons["account_scope1"] = add_constraints(
        m, "account_scope1", pd.concat([terms_of(scope1, 1.0, sector="sector", year="year"),
                                        terms_of(direct, "coef", sector="sector",
                                                 year="year")]),
        ["sector", "year"], "==", 0.0, "Scope 1 = activity x direct factor (Mt-CO2/yr)")
    indirect = act.merge(scope2_coefficients(ds, p.flows), on=["technology", "year"])
    b.cons["account_scope2"] = add_constraints(
        m, "account_scope2", pd.concat([terms_of(scope2, 1.0, sector="sector", year="year"),
                                        terms_of(indirect, -indirect["scope2_tco2_per_unit"],
                                                 sector="sector", year="year")]),
        ["sector", "year"], "==", 0.0, "Scope 2 = activity x supply factor (Mt-CO2/yr)")
    imported = act.assign(coef=-act["technology"].map(p.tech["embedded_tco2_per_unit"]))
    b.cons["account_embedded"] = add_constraints(
        m, "account_embedded", pd.concat([terms_of(embedded, 1.0, sector="sector", year="year"),
                                          terms_of(imported, "coef", sector="sector",
                                                   year="year")]),
        ["sector", "year"], "==", 0.0,
        "Embedded CO2 = activity x imported inputs x embedded factor (Mt-CO2/yr)")

    counted = _counted(scope1, scope2, ds.settings.cap_scope)
    _caps(b, pd.concat([counted, embedded]) if ds.settings.count_embedded_imports
          else counted)
    register_carbon_price(b)


def register_carbon_price(b: Built) -> None:
    """Cost: carbon price of the year (JPY/t-CO2) x priced emissions (Mt-CO2) = MJPY, paid
    to the state: a transfer, no social cost."""
    priced = _counted(b.vars["scope1"], b.vars["scope2"], b.ds.settings.carbon_price_scope) \
        .merge(b.ds.carbon_price, on="year")
    b.add_flow_cost("carbon_price", priced, "price_jpy_per_tco2", to_treasury=True)


def cap_limits(ds: Dataset, step: int) -> dict[str, pd.DataFrame]:
    """Right-hand sides (`sector`, `year`, `rhs` in Mt-CO2) of each family of caps."""
    caps = ds.caps.rename(columns={"cap_mtco2": "rhs"})[["sector", "year", "rhs"]]
    budget = ds.settings.cumulative_cap_mtco2
    return {"enforce_sector_cap": caps.loc[caps["sector"] != SECTOR_ALL],
            "enforce_total_cap": caps.loc[caps["sector"] == SECTOR_ALL],
            "enforce_cumulative_cap": pd.DataFrame(
                {"sector": ["budget"], "year": [0], "rhs": [budget]} if budget is not None
                else {"sector": [], "year": [], "rhs": []})}


def _counted(scope1: pd.DataFrame, scope2: pd.DataFrame, scope: str) -> pd.DataFrame:
    return pd.concat([scope1, scope2]) if scope == "scope1+2" else scope1


def _caps(b: Built, counted: pd.DataFrame) -> None:
    """One constraint family per kind of cap; a slack per cap row when diagnosing."""
    limits = cap_limits(b.ds, b.p.step)
    families = [
        ("enforce_sector_cap", counted.merge(limits["enforce_sector_cap"][["sector", "year"]]),
         "Sector emissions <= sector cap (Mt-CO2/yr)"),
        ("enforce_total_cap", counted.merge(limits["enforce_total_cap"][["year"]])
         .assign(sector=SECTOR_ALL), "Emissions of all sectors <= economy-wide cap (Mt-CO2/yr)"),
        # Each model year of the plan (not its extension) stands for `step` calendar years.
        ("enforce_cumulative_cap", counted.loc[counted["year"] <= b.ds.settings.end_year]
         .assign(sector="budget", year=0, coef=float(b.p.step)),
         "Emissions summed over the plan's calendar years <= budget (Mt-CO2)")]
    for name, rows, doc in families:
        rhs = limits[name]
        if rhs.empty:
            continue
        terms = terms_of(rows, rows["coef"] if "coef" in rows else 1.0, sector="sector",
                         year="year")
        if b.with_slack:
            slack = add_var(b.m, f"{name}_slack", rhs[["sector", "year"]],
                            f"Emissions above the cap of {name} (Mt-CO2)")
            b.vars[f"{name}_slack"] = slack
            penalty = b.ds.settings.slack_penalty_jpy_per_tco2
            b.add_cost("cap_slack_penalty", slack.assign(private=penalty, social=penalty))
            terms = pd.concat([terms, terms_of(slack, -1.0, sector="sector", year="year")])
        b.cons[name] = add_constraints(b.m, name, terms, ["sector", "year"], "<=", rhs, doc)
