"""A tiny one-sector case whose optimum can be worked out by hand.

Sector `steel` makes 1 Mt/yr of product `steel` (unit t) in every year.
- `old` (incumbent): 10 GJ coal per t; coal emits 0.1 t-CO2/GJ, so 1 t-CO2/t.
  Existing capacity 2 Mt/yr in every year; rebuilding one costs 50,000 JPY/(t/yr).
- `new` (electrification): 1 GJ electricity per t (scope 2 factor 0 unless a
  test sets one); capex 1,000 JPY/(t/yr), life 30 yr, first year 2025.
Coal costs 100 JPY/GJ, so `old` costs 1,000 JPY/t to run. Electricity costs
100 JPY/GJ, so `new` costs 100 JPY/t to run plus its capital charge.

Tests change one thing with `tiny_frames(**changes)` and derive the expected
answer by hand.
"""
from __future__ import annotations

import pandas as pd

from decarb.inputs.settings import Settings


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def tiny_frames(**changes: pd.DataFrame) -> dict[str, pd.DataFrame]:
    frames = {
        "sectors": frame([dict(sector="steel", corporate_tax_bjpy_per_yr=1000.0,
                               sme_share=0.0, certified_plans_per_yr=100.0,
                               statutory_life_yr=14)]),
        "commodities": frame([
            dict(commodity="steel", kind="product", unit="t", sector="steel"),
            dict(commodity="coal", kind="energy", unit="GJ", combustion_ef_tco2_per_unit=0.1),
            dict(commodity="electricity", kind="energy", unit="GJ"),
            dict(commodity="co2_captured", kind="co2", unit="t-CO2"),
        ]),
        "demand": frame([dict(commodity="steel", year=2025, demand_m_per_yr=1.0),
                         dict(commodity="steel", year=2050, demand_m_per_yr=1.0)]),
        "commodity_prices": frame([
            dict(commodity="coal", year=2025, price_jpy_per_unit=100.0),
            dict(commodity="coal", year=2050, price_jpy_per_unit=100.0),
            dict(commodity="electricity", year=2025, price_jpy_per_unit=100.0,
                 scope2_ef_tco2_per_unit=0.0),
            dict(commodity="electricity", year=2050, price_jpy_per_unit=100.0,
                 scope2_ef_tco2_per_unit=0.0),
        ]),
        "technologies": frame([
            dict(technology="old", sector="steel", pathway="incumbent", output="steel",
                 life_yr=40, first_year=2000),
            dict(technology="new", sector="steel", pathway="electrification", output="steel",
                 life_yr=30, first_year=2025),
        ]),
        "technology_costs": frame([
            dict(technology="old", year=2025, capex_jpy_per_unit_yr=50000.0),
            dict(technology="old", year=2050, capex_jpy_per_unit_yr=50000.0),
            dict(technology="new", year=2025, capex_jpy_per_unit_yr=1000.0),
            dict(technology="new", year=2050, capex_jpy_per_unit_yr=1000.0),
        ]),
        "technology_flows": frame([
            dict(technology="old", commodity="coal", direction="in", amount_per_unit=10.0),
            dict(technology="new", commodity="electricity", direction="in",
                 amount_per_unit=1.0),
        ]),
        "existing_capacity": frame([
            dict(technology="old", year=2025, capacity_m_per_yr=2.0),
            dict(technology="old", year=2050, capacity_m_per_yr=2.0),
        ]),
    }
    frames.update(changes)
    return frames


def tiny_settings(**changes) -> Settings:
    """Two model years five years apart keep hand arithmetic short."""
    base = dict(start_year=2025, end_year=2030, year_step=5, tax_scheme="none")
    base.update(changes)
    return Settings(**base)


def one_year(**changes) -> Settings:
    """A single model year: the horizon is 2025 alone, discounting drops out of
    running costs and capital is charged one annuity, paid at the year's end."""
    return tiny_settings(end_year=2025, year_step=1, **changes)


CRF_8PCT_30YR = 0.08 * 1.08 ** 30 / (1.08 ** 30 - 1)     # 0.0888274


def capital_per_year(capex_jpy: float) -> float:
    """One year's annuity of a 30-year, 8% build, in start-of-year money (JPY/(t/yr))."""
    return capex_jpy * CRF_8PCT_30YR / 1.08


def costs(technology: str, capex: float, fixed_om: float = 0.0,
          var_om: float = 0.0) -> list[dict]:
    return [dict(technology=technology, year=y, capex_jpy_per_unit_yr=capex,
                 fixed_om_jpy_per_unit_yr=fixed_om, var_om_jpy_per_unit=var_om)
            for y in (2025, 2050)]


def flat(**row) -> list[dict]:
    """The same row at both anchor years."""
    return [dict(row, year=2025), dict(row, year=2050)]


def solve_tiny(settings: Settings | None = None, **changes: pd.DataFrame):
    from decarb.inputs.loading import dataset_from_frames
    from decarb.workflow.run import run_case

    return run_case(dataset_from_frames(tiny_frames(**changes), settings or one_year()))


def write_case(folder, frames: dict[str, pd.DataFrame], settings: Settings):
    """Write a case as a dataset folder: one CSV per table and settings.toml."""
    from dataclasses import asdict

    folder.mkdir(parents=True, exist_ok=True)
    for name, table in frames.items():
        table.to_csv(folder / f"{name}.csv", index=False)
    lines = [f"{key} = {str(value).lower() if isinstance(value, bool) else repr(value)}"
             .replace("'", '"') for key, value in asdict(settings).items() if value is not None]
    (folder / "settings.toml").write_text("\n".join(lines) + "\n")
    return folder
