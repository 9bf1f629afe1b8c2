"""The validated dataset: typed pandas tables, nothing Pyomo-specific.

Series tables hold exactly one row per key and model year (anchor years were
interpolated by the loader). Optional tables that were absent are empty frames
with their schema columns.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from decarb.inputs.settings import Settings


@dataclass(frozen=True)
class Dataset:
    settings: Settings
    sectors: pd.DataFrame
    commodities: pd.DataFrame
    demand: pd.DataFrame
    commodity_prices: pd.DataFrame
    supply_limits: pd.DataFrame
    technologies: pd.DataFrame
    technology_costs: pd.DataFrame
    technology_flows: pd.DataFrame
    heat_cascade: pd.DataFrame
    existing_capacity: pd.DataFrame
    caps: pd.DataFrame
    carbon_price: pd.DataFrame
    subsidies: pd.DataFrame
    subsidy_eligibility: pd.DataFrame
    tax_schemes: pd.DataFrame
    tax_tiers: pd.DataFrame
    ranges: pd.DataFrame
    plants: pd.DataFrame
    transitions: pd.DataFrame
    # carbon pricing in force from FY2026 (schema_carbon.py)
    companies: pd.DataFrame
    company_tax: pd.DataFrame
    ets_sectors: pd.DataFrame
    ets_allocation: pd.DataFrame
    ets_prices: pd.DataFrame
    fuel_levies: pd.DataFrame
    exports: pd.DataFrame
    cbam_prices: pd.DataFrame
    relining: pd.DataFrame
    min_load: pd.DataFrame
    committed: pd.DataFrame
    # support in force from 2026 (schema_support.py)
    subsidy_rates: pd.DataFrame
    subsidy_budgets: pd.DataFrame
    hydrogen_contracts: pd.DataFrame
    ccs_hubs: pd.DataFrame
    ccs_hub_paths: pd.DataFrame
    ccs_transport: pd.DataFrame
    sites: pd.DataFrame
    ccs_support: pd.DataFrame
    production_credits: pd.DataFrame
    production_credit_rates: pd.DataFrame
    investment_incentives: pd.DataFrame
    input_hash: str = ""
    warnings: tuple = ()     # Problems that do not stop a run (e.g. orphan commodities)

    @property
    def years(self) -> list[int]:
        return self.settings.years
