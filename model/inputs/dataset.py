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
    plants: pd.DataFrame
    transitions: pd.DataFrame
    input_hash: str = ""
    warnings: tuple = ()     # Problems that do not stop a run (e.g. orphan commodities)

    @property
    def years(self) -> list[int]:
        return self.settings.years
