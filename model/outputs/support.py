"""Result tables of the support in force from 2026: hydrogen contracts
(hydrogen_contracts.csv), CCS hubs (ccs.csv), production credits (production_credits.csv)
and each company's investment, support and tax caps (companies.csv). Quantities in M
unit/yr, money in BJPY per model year (its calendar years), prices in JPY/unit.
"""
from __future__ import annotations

import pandas as pd

from decarb.formulation.built import Built
from decarb.outputs.results import BJPY_PER_MJPY, values
from decarb.solving.solve import Solution

FULL = 1 - 1e-6   # share of a limit used at which it counts as full


def support_tables(b: Built, sol: Solution) -> dict[str, pd.DataFrame]:
    """The tables of the instruments the run has."""
    tables = {}
    if "hydrogen_contracted" in b.vars:
        tables["hydrogen_contracts"] = contracts_table(b)
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
