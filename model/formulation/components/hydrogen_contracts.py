"""Hydrogen price-gap contracts (CfD), formulation 9.4; M unit/yr (PJ/yr), MJPY.

Contract k delivers commodity c for `term_yr` years from its start year, at most V_k
per year, only in years c's supply factor is within the low-carbon threshold. With
strike s_k, the reference price r_y (the price of the reference commodity) and the
market price p_y of c:
  contracted[k,y] <= V_k                                  (hydrogen_contract_volume)
  sum_{k of c} contracted[k,y] <= buy[c,y]                (hydrogen_contract_in_purchases)
  sum_{k,y} step * gap_k,y * contracted[k,y] <= budget    (hydrogen_contract_budget)
where gap = max(s - r, 0) is paid by the state. Contracted units are bought like the
rest (buy's market price is in `energy_and_materials`), so this component adds per
contracted unit (cost `hydrogen_contracts`):
  private: (s - gap) - p    (firms pay the reference price, at most the strike)
  social:   s - p           (the contract's supply costs the strike; the gap is a transfer)
and the public flow `hydrogen_cfd:<contract>` of gap per unit.
"""
from __future__ import annotations

import pandas as pd

from decarb.formulation.built import Built
from decarb.formulation.linear import add_constraints, add_var, terms_of
from decarb.formulation.parameters import MJPY_PER_BJPY
from decarb.formulation.public_flows import register_transfer
from decarb.inputs.dataset import Dataset

INSTRUMENT = "hydrogen_cfd"


def active(ds: Dataset) -> bool:
    return ds.settings.hydrogen_contracts and not ds.hydrogen_contracts.empty


def contract_years(ds: Dataset, years: list[int]) -> pd.DataFrame:
    """Each contract's delivery years among the model years, with its prices (JPY/unit):
    contract, commodity, year, volume_m_per_yr, strike, reference, market, gap."""
    contracts = ds.hydrogen_contracts.merge(pd.DataFrame({"year": years}), how="cross")
    contracts = contracts.loc[contracts["year"].between(
        contracts["start_year"], contracts["start_year"] + contracts["term_yr"] - 1)]
    prices = ds.commodity_prices.set_index(["commodity", "year"])
    market = prices.reindex(pd.MultiIndex.from_frame(contracts[["commodity", "year"]]))
    reference = prices.reindex(pd.MultiIndex.from_frame(
        contracts[["reference_commodity", "year"]]))["price_jpy_per_unit"].to_numpy()
    contracts = contracts.assign(
        market=market["price_jpy_per_unit"].to_numpy(), reference=reference,
        factor=market["scope2_ef_tco2_per_unit"].to_numpy(),
        strike=contracts["strike_jpy_per_unit"])
    contracts = contracts.loc[contracts["factor"] <= contracts["max_supply_tco2_per_unit"]
                              + 1e-12]
    contracts = contracts.assign(gap=(contracts["strike"] - contracts["reference"]).clip(0))
    return contracts[["contract", "commodity", "year", "volume_m_per_yr", "strike",
                      "reference", "market", "gap"]].reset_index(drop=True)


def add(b: Built) -> None:
    if not active(b.ds):
        return
    m, ds, p = b.m, b.ds, b.p
    years = contract_years(ds, p.years)
    if years.empty:
        return
    used = add_var(m, "hydrogen_contracted", years[["contract", "year"]],
                   "Bought under a price-gap contract (M unit/yr)").merge(
        years, on=["contract", "year"])
    b.vars["hydrogen_contracted"] = used
    b.cons["hydrogen_contract_volume"] = add_constraints(
        m, "hydrogen_contract_volume", terms_of(used, 1.0, contract="contract", year="year"),
        ["contract", "year"], "<=", used[["contract", "year"]].assign(
            rhs=used["volume_m_per_yr"]),
        "Bought under the contract <= its volume (M unit/yr)")
    buy = b.vars["buy"].merge(used[["commodity", "year"]].drop_duplicates())
    b.cons["hydrogen_contract_in_purchases"] = add_constraints(
        m, "hydrogen_contract_in_purchases",
        pd.concat([terms_of(used, 1.0, commodity="commodity", year="year"),
                   terms_of(buy, -1.0, commodity="commodity", year="year")]),
        ["commodity", "year"], "<=", 0.0,
        "Bought under contracts <= bought (M unit/yr)")
    budget = ds.settings.hydrogen_contract_budget_bjpy
    if budget is not None:
        b.cons["hydrogen_contract_budget"] = add_constraints(
            m, "hydrogen_contract_budget",
            terms_of(used, used["gap"] * p.step, budget="all"), ["budget"], "<=",
            budget * MJPY_PER_BJPY, "Price gap paid under all contracts <= budget (MJPY)")

    weights = p.weights
    b.add_cost("hydrogen_contracts", used.assign(
        sector="all",
        private=(used["strike"] - used["gap"] - used["market"])
        * used["year"].map(weights["private"]),
        social=(used["strike"] - used["market"]) * used["year"].map(weights["social"])))
    register_transfer(b, used, INSTRUMENT, used["contract"], used["gap"])

