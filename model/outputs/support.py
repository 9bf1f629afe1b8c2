"""Result tables of the support in force from 2026: hydrogen contracts
(hydrogen_contracts.csv), CCS hubs (ccs.csv), production credits (production_credits.csv)
and each company's investment, support and tax caps (companies.csv). Quantities in M
unit/yr, money in BJPY per model year (its calendar years), prices in JPY/unit.
"""
from __future__ import annotations

import pandas as pd

from decarb.formulation.built import Built
from decarb.formulation.components.ccs_hubs import hub_years
from decarb.outputs.results import BJPY_PER_MJPY, values
from decarb.solving.solve import Solution

FULL = 1 - 1e-6   # share of a limit used at which it counts as full


def support_tables(b: Built, sol: Solution) -> dict[str, pd.DataFrame]:
    """The tables of the instruments the run has."""
    tables = {}
    if "hydrogen_contracted" in b.vars:
        tables["hydrogen_contracts"] = contracts_table(b)
    if "ccs_stored" in b.vars:
        tables["ccs"] = ccs_table(b)
    return tables


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
