"""Recourse of a stochastic scenario: a shortfall priced instead of a plan refused.

A first stage held in every scenario (the hedged plan, or the expected-value
plan for EEV) can leave a scenario unable to meet its demand (too little
capacity built by the decision year for a higher demand), its caps, or the
limits of the support it was financed with (a budget or tax cap that a higher
capex overruns). With recourse the scenario may fall short, at a price:
  caps:    emissions above a cap, at `slack_penalty_jpy_per_tco2` per t-CO2 (the
           slack of `emissions`, also used to diagnose an infeasible run);
  demand:  unserved[p,y] >= 0 joins the demand row of product p in year y,
           made + bought + ... + unserved >= demand, at
           `unserved_penalty_jpy_per_unit` per unit and year (a flow cost,
           discounted like any other): `unserved_demand_penalty`;
  support: over[l] >= 0 joins each support limit row l (MJPY; subsidy budgets,
           tax-credit caps, eligible investment), support - over <= limit: the
           support above the limit is not paid, so the firm pays it itself, MJPY
           for MJPY discounted to the limit's year in the private view (a transfer:
           0 in the social view), plus SUPPORT_TIE_BREAK of it so that of two plans
           that cost the same the one within the limits is chosen:
           `support_over_limit`.
The first two are penalties, not market prices: high enough that a plan meets
demand and caps wherever it can. The outputs name every scenario that used them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.formulation.built import Built
from decarb.formulation.columns import codes
from decarb.formulation.components.investment import discount_by_year
from decarb.formulation.linear import add_var

DEMAND_ROWS = "balance_commodity"
UNSERVED = "unserved_demand"
SUPPORT_TIE_BREAK = 1e-4
SUPPORT_LIMITS = ("limit_subsidy_budget", "limit_tax_credit", "limit_eligible_investment")


def add_recourse(b: Built) -> None:
    """Unserved demand and support above its limits, both penalised (caps get their
    slack from `emissions` when the model is built `with_slack`)."""
    rows = b.cons[DEMAND_ROWS]
    unserved = _relax(b, DEMAND_ROWS, rows.loc[rows["rhs"] > 0], UNSERVED, 1.0,
                      "Demand left unserved, the scenario's recourse (M unit/yr)")
    sector = unserved["commodity"].map(b.ds.commodities.set_index("commodity")["sector"])
    b.add_flow_cost(f"{UNSERVED}_penalty", unserved.assign(
        sector=sector.fillna("all"), penalty=b.ds.settings.unserved_penalty_jpy_per_unit),
        "penalty")
    factor = discount_by_year(b.p, b.p.rates["private"])
    for name in SUPPORT_LIMITS:
        if name in b.cons:
            over = _relax(b, name, b.cons[name], f"{name}_over", -1.0,
                          "Support above the limit, not paid (MJPY)")
            year = over["year"] if "year" in over else pd.Series(b.p.years[0], over.index)
            b.add_cost("support_over_limit", over.assign(
                sector=over["sector"] if "sector" in over else "all", year=year,
                private=year.map(factor) * (1 + SUPPORT_TIE_BREAK), social=0.0))


def _relax(b: Built, family: str, rows: pd.DataFrame, name: str, coef: float,
           doc: str) -> pd.DataFrame:
    """A variable per row of `rows` (rows of b.cons[family]) entering it with `coef`."""
    keys = [c for c in rows.columns if c not in ("rhs", "con")]
    slack = add_var(b.m, name, rows[keys], doc)
    b.vars[name] = slack
    getattr(b.m, family).add_terms(rows.index.to_numpy(), codes(slack["var"], b.m),
                                   np.full(len(rows), coef))
    return slack
