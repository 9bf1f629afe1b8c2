"""costs.csv: what the plan costs, to whom, and what passes between firms and the state.

Three views of the same registry (BJPY):
- `cost` rows: present value by component, private (the firms' cost at the private
  rate, net of support, carbon price paid) and social (the resource cost at the
  social rate: no transfer counts, neither support nor payments to the state);
- `public` rows: the state's payments by instrument (subsidies by programme, tax
  revenue forgone by incentive), cash over the plan's years and its social PV;
- `fiscal` rows: what the state receives (carbon price, levies: revenue as a
  negative public cost) and the net of all its flows.
The cost `total` is the plan's (start_year to end_year); `after_plan`, the
present value of the extension's years and the steady state, adds to it to make
the objective.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.formulation import finance
from decarb.formulation.built import Built
from decarb.formulation.components.investment import CAPITAL_AFTER_PLAN
from decarb.outputs.solved import BJPY_PER_MJPY, values

AFTER_PLAN = "after_plan"
COLUMNS = ["kind", "component", "private_npv_bjpy", "social_npv_bjpy", "public_cost_bjpy",
           "public_cost_npv_bjpy"]


def costs(b: Built) -> pd.DataFrame:
    registry = b.cost_table()
    x = values(registry)
    share = _plan_share(b, registry)
    cost = {}
    for perspective in ("private", "social"):
        pv = registry[perspective].to_numpy(float) * x * BJPY_PER_MJPY
        cost[perspective] = (pv * share[perspective], pv * (1 - share[perspective]))
    plan = pd.DataFrame({"component": registry["component"],
                         "private_npv_bjpy": cost["private"][0],
                         "social_npv_bjpy": cost["social"][0]})
    plan = plan.loc[registry["component"] != CAPITAL_AFTER_PLAN]
    plan = plan.groupby("component", as_index=False, sort=False).sum().assign(kind="cost")
    after = pd.DataFrame([{"component": AFTER_PLAN, "kind": "cost",
                           "private_npv_bjpy": cost["private"][1].sum(),
                           "social_npv_bjpy": cost["social"][1].sum()}])
    if not after[["private_npv_bjpy", "social_npv_bjpy"]].abs().gt(0).any(axis=None):
        after = after.iloc[:0]
    public = _public(b)
    fiscal = _revenues(b, registry, x)
    total = pd.DataFrame([
        {"component": "total", "kind": "cost",
         "private_npv_bjpy": plan["private_npv_bjpy"].sum(),
         "social_npv_bjpy": plan["social_npv_bjpy"].sum()},
        {"component": "total", "kind": "public",
         "public_cost_bjpy": public["public_cost_bjpy"].sum(),
         "public_cost_npv_bjpy": public["public_cost_npv_bjpy"].sum()},
        {"component": "net", "kind": "fiscal",
         "public_cost_bjpy": public["public_cost_bjpy"].sum() + fiscal["public_cost_bjpy"].sum(),
         "public_cost_npv_bjpy": public["public_cost_npv_bjpy"].sum()
         + fiscal["public_cost_npv_bjpy"].sum()}])
    table = pd.concat([plan, after, public, fiscal, total], ignore_index=True)
    return table.reindex(columns=COLUMNS)


def _plan_share(b: Built, registry: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per perspective and registry row, the share of its present value that falls within
    the plan: 0 after end_year and for the capital after it; for a flow in the last
    model year, the part of its weight that is not the steady state."""
    s, p = b.ds.settings, b.p
    year = registry["year"].to_numpy()
    inside = (year <= s.end_year) & (registry["component"] != CAPITAL_AFTER_PLAN).to_numpy()
    flow = registry["flow_mjpy"].notna().to_numpy()
    shares = {}
    for perspective, rate in p.rates.items():
        plan_weight = finance.period_weights(rate, p.years, p.step)
        ratio = {y: plan_weight[y] / w if w else 1.0 for y, w in p.weights[perspective].items()}
        shares[perspective] = np.where(inside, np.where(
            flow, registry["year"].map(ratio).fillna(1.0).to_numpy(float), 1.0), 0.0)
    return shares


def _public(b: Built) -> pd.DataFrame:
    """The state's payments by instrument over the plan's years: cash and social PV."""
    transfers = b.transfer_table()
    transfers = transfers.loc[transfers["year"] <= b.ds.settings.end_year]
    y = values(transfers)
    public = transfers.assign(
        component=transfers["instrument"] + np.where(transfers["programme"] != "",
                                                     ":" + transfers["programme"], ""),
        public_cost_bjpy=transfers["cash"].to_numpy(float) * y * BJPY_PER_MJPY,
        public_cost_npv_bjpy=transfers["social"].to_numpy(float) * y * BJPY_PER_MJPY)
    return public.groupby("component", as_index=False)[
        ["public_cost_bjpy", "public_cost_npv_bjpy"]].sum().assign(kind="public")


def _revenues(b: Built, registry: pd.DataFrame, x: np.ndarray) -> pd.DataFrame:
    """What the state receives by component (carbon price, levies) over the plan's years,
    as a negative public cost: cash (each model year stands for `step` calendar years)
    and its PV at the social rate."""
    s, p = b.ds.settings, b.p
    paid = registry["component"].isin(b.revenues).to_numpy() \
        & (registry["year"] <= s.end_year).to_numpy()
    rows = registry.loc[paid]
    flow = rows["flow_mjpy"].to_numpy(float) * x[paid] * BJPY_PER_MJPY
    social = finance.period_weights(p.rates["social"], p.years, p.step)
    revenue = pd.DataFrame({"component": rows["component"].to_numpy(),
                            "public_cost_bjpy": -flow * p.step,
                            "public_cost_npv_bjpy": -flow * rows["year"].map(social)
                            .to_numpy(float)})
    return revenue.groupby("component", as_index=False).sum().assign(kind="fiscal")
