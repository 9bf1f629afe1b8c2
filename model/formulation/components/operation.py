"""Operation: demand and commodity balances, heat bands, supply limits, running costs.

Formulation sections 3 and 6, per commodity c and year y (M unit/yr):
  sum_k flow[k,c] * act[k,y] + buy[c,y] + efficiency x heat from the next hotter band
      - heat passed to the next cooler band >= demand[c,y]
  captured CO2:  sum_k captured[k] * act[k,y] - sum_k use * act[k,y] = store[y]
  buy[c,y] <= supply_limit[c,y]   (store[y] <= injection limit for CO2, unless CCS hubs
                                   store it: ccs_hubs.py)
Heat of one sector's hotter band may serve its cooler bands, never the reverse,
so a technology serves every band up to the one it outputs; where heat_cascade.csv
says so a pass loses heat (a recovery step: furnace heat raises steam only
through a waste-heat boiler), and pays the step's equipment on the heat it delivers:
  heat_recovery = sum eff * down[h->c,y] * (capex * CRF(r, life) / (1 + r) + fixed_om)
                  * weight(y)                 (JPY per unit arriving; levelised.py's rule)
"""
from __future__ import annotations

import pandas as pd

from decarb.formulation.built import Built
from decarb.formulation.components import ccs_hubs
from decarb.formulation.finance import capital_recovery_factor
from decarb.inputs.dataset import Dataset
from decarb.formulation.linear import add_constraints, add_var, terms_of


def add(b: Built) -> None:
    ds, p, m = b.ds, b.p, b.m
    act = b.vars["act"]
    prices = ds.commodity_prices
    is_co2 = prices["commodity"] == p.co2
    buy = add_var(m, "buy", prices.loc[~is_co2, ["commodity", "year"]],
                  "Commodity bought (M unit/yr)")
    # With CCS hubs (ccs_hubs.py) storage is theirs in every year, at their costs and
    # capacities, instead of the co2 commodity's national price and limit.
    hubs = ccs_hubs.active(ds)
    stored = (pd.DataFrame({"commodity": p.co2, "year": p.years}) if hubs and p.co2
              else prices.loc[is_co2, ["commodity", "year"]])
    store = add_var(m, "store", stored,
                    "Captured CO2 sent to transport and storage (Mt-CO2/yr)")
    cascade = _heat_cascade(ds)
    down = add_var(m, "downgrade", cascade[["hotter", "cooler"]].merge(
        pd.DataFrame({"year": p.years}), how="cross"),
        "Heat passed from a band to the next cooler band of a sector (PJ/yr)").merge(
        cascade, on=["hotter", "cooler"])
    b.vars.update(buy=buy, store=store, downgrade=down)
    register_heat_recovery(b)

    flows = act.merge(p.flows, on="technology")
    balance_terms = pd.concat([
        terms_of(flows, "coef", commodity="commodity", year="year"),
        terms_of(buy, 1.0, commodity="commodity", year="year"),
        terms_of(store, -1.0, commodity="commodity", year="year"),
        terms_of(down, -1.0, commodity="hotter", year="year"),
        terms_of(down, "efficiency", commodity="cooler", year="year")], ignore_index=True)
    co2_rows = balance_terms["commodity"] == p.co2
    demand = ds.demand.rename(columns={"demand_m_per_yr": "rhs"})
    b.cons["balance_commodity"] = add_constraints(
        m, "balance_commodity", balance_terms.loc[~co2_rows], ["commodity", "year"], ">=",
        demand, "Made + bought + heat from hotter band - used >= demand (M unit/yr)")
    if co2_rows.any():
        b.cons["balance_captured_co2"] = add_constraints(
            m, "balance_captured_co2", balance_terms.loc[co2_rows], ["commodity", "year"],
            "==", 0.0, "Captured CO2 - CO2 used = CO2 stored (Mt-CO2/yr)")

    limits = ds.supply_limits.rename(columns={"max_m_per_yr": "rhs"})
    if hubs:
        limits = limits.loc[limits["commodity"] != p.co2]
    limited = pd.concat([buy, store]).merge(limits[["commodity", "year"]])
    if not limited.empty:
        b.cons["limit_supply"] = add_constraints(
            m, "limit_supply", terms_of(limited, 1.0, commodity="commodity", year="year"),
            ["commodity", "year"], "<=", limits,
            "Bought (or stored, for CO2) <= supply limit (M unit/yr)")

    _running_costs(b, act, buy, store)


HEAT_RECOVERY = "heat_recovery"
RECOVERY_COSTS = [  # heat_cascade.csv's, per unit/yr arriving
    "capex_jpy_per_unit_yr", "fixed_om_jpy_per_unit_yr", "life_yr"]


def register_heat_recovery(b: Built) -> None:
    """The recovery steps' capital and fixed O&M, levelised on the heat they deliver (a
    waste-heat boiler serves only the furnace it sits on, so it is sized by that heat):
    per unit passed, efficiency x (capex x CRF(r, life) / (1 + r) + fixed O&M) JPY, in
    each perspective's weight of the year. Registered again when the rates change."""
    down = b.vars["downgrade"]
    steps = down.loc[down[RECOVERY_COSTS[:2]].gt(0).any(axis=1)]
    if steps.empty:
        return
    sector = steps["cooler"].map(b.ds.commodities.set_index("commodity")["sector"])
    lives = steps.loc[steps["capex_jpy_per_unit_yr"] > 0, "life_yr"].unique()
    views = {}
    for view, rate in b.p.rates.items():
        crf = steps["life_yr"].map({n: capital_recovery_factor(rate, int(n)) for n in lives})
        capital = steps["capex_jpy_per_unit_yr"] * crf.fillna(0.0) / (1 + rate)
        per_unit = steps["efficiency"] * (capital + steps["fixed_om_jpy_per_unit_yr"])
        views[view] = per_unit * steps["year"].map(b.p.weights[view])
    b.add_cost(HEAT_RECOVERY, steps[["var", "year"]].assign(sector=sector, **views))


def _heat_cascade(ds: Dataset) -> pd.DataFrame:
    """Consecutive heat bands of each sector, hotter -> cooler, the share of the heat
    that arrives (1 unless heat_cascade.csv gives a lossy recovery step) and the step's
    equipment costs (none where heat passes without one)."""
    heat = ds.commodities.loc[ds.commodities["kind"] == "heat"] \
        .sort_values(["sector", "temperature_max_c"], ascending=[True, False])
    cooler = heat.groupby("sector")["commodity"].shift(-1)
    pairs = pd.DataFrame({"hotter": heat["commodity"], "cooler": cooler}).dropna()
    steps = ds.heat_cascade.set_index("hotter")
    pairs["efficiency"] = pairs["hotter"].map(steps["efficiency"]).fillna(1.0)
    for column in RECOVERY_COSTS:   # none where heat passes without a step
        pairs[column] = pairs["hotter"].map(steps[column]).fillna(0.0)
    return pairs.reset_index(drop=True)


def _running_costs(b: Built, act: pd.DataFrame, buy: pd.DataFrame,
                   store: pd.DataFrame) -> None:
    p, prices = b.p, b.ds.commodity_prices[["commodity", "year", "price_jpy_per_unit"]]
    vom = act.merge(p.costs[["technology", "year", "var_om_jpy_per_unit"]],
                    on=["technology", "year"])
    b.add_flow_cost("variable_om", vom.assign(sector=vom["technology"].map(p.tech["sector"])),
                    "var_om_jpy_per_unit")
    # Commodities are bought nationally, so their cost is not split by sector.
    b.add_flow_cost("energy_and_materials",
                    buy.merge(prices, on=["commodity", "year"]).assign(sector="all"),
                    "price_jpy_per_unit")
    if not ccs_hubs.active(b.ds):
        b.add_flow_cost("co2_transport_storage",
                        store.merge(prices, on=["commodity", "year"]).assign(sector="all"),
                        "price_jpy_per_unit")
