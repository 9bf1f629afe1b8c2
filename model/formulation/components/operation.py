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
through a waste-heat boiler).
"""
from __future__ import annotations

import pandas as pd

from decarb.formulation.built import Built
from decarb.formulation.components import ccs_hubs
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


def _heat_cascade(ds: Dataset) -> pd.DataFrame:
    """Consecutive heat bands of each sector, hotter -> cooler, and the share of the heat
    that arrives (1 unless heat_cascade.csv gives a lossy recovery step)."""
    heat = ds.commodities.loc[ds.commodities["kind"] == "heat"] \
        .sort_values(["sector", "temperature_max_c"], ascending=[True, False])
    cooler = heat.groupby("sector")["commodity"].shift(-1)
    pairs = pd.DataFrame({"hotter": heat["commodity"], "cooler": cooler}).dropna()
    losses = ds.heat_cascade.set_index("hotter")["efficiency"]
    pairs["efficiency"] = pairs["hotter"].map(losses).fillna(1.0)
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
