"""Model parameters derived from the validated dataset, in bulk with pandas.

Nothing here knows Pyomo: these are the sparse index sets and coefficient
tables the model components turn into variables and constraints.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from decarb.formulation import finance
from decarb.inputs.dataset import Dataset

MJPY_PER_BJPY = 1000.0


@dataclass(frozen=True)
class Parameters:
    years: list[int]
    step: int                      # calendar years each model year stands for
    horizon_end: int               # first calendar year after the model years
    plan_end: int                  # first calendar year after the plan (end_year)
    steady_years: int              # years after it in the steady state (settings)
    weights: dict[str, dict[int, float]]  # perspective -> model year -> PV weight
    rates: dict[str, float]        # perspective -> discount rate
    tech: pd.DataFrame             # one row per technology, emission coefficients added
    flows: pd.DataFrame            # technology, commodity, coef (+ made, - used) per unit
    builds: pd.DataFrame           # technology, year: where new capacity may be built
    vintages: pd.DataFrame         # technology, vintage, year: builds still alive
    residual: pd.DataFrame         # technology, year, capacity_m_per_yr
    exits: pd.DataFrame            # technology, year, capacity_m_per_yr: existing capacity
    #                                announced events take out in the year (aggregate mode)
    costs: pd.DataFrame            # technology, year, capex/fom/vom
    co2: str | None                # the captured-CO2 commodity


def discounting(ds: Dataset) -> tuple[dict[str, float], dict[str, dict[int, float]]]:
    """Per perspective: the discount rate, and each model year's PV weight of a flow."""
    s = ds.settings
    rates = {"private": s.discount_rate_private, "social": s.discount_rate_social}
    return rates, {p: finance.period_weights(r, s.years, s.year_step, s.steady_state_years)
                   for p, r in rates.items()}


def prepare(ds: Dataset) -> Parameters:
    s = ds.settings
    years = s.years
    step = s.year_step
    rates, weights = discounting(ds)
    co2 = ds.commodities.loc[ds.commodities["kind"] == "co2", "commodity"]
    co2_name = co2.iloc[0] if len(co2) else None

    tech = ds.technologies.set_index("technology")
    tech = tech.join(_emission_coefficients(ds, tech))
    flows = _net_flows(ds, tech, co2_name)

    year_frame = pd.DataFrame({"year": years})
    builds = tech[["first_year"]].reset_index().merge(year_frame, how="cross")
    builds = builds.loc[builds["year"] >= builds["first_year"], ["technology", "year"]]
    greenfield = builds.merge(ds.technology_costs[["technology", "year",
                                                   "capex_jpy_per_unit_yr"]], how="left")
    builds = builds.loc[greenfield["capex_jpy_per_unit_yr"].notna().to_numpy()]
    vintages = vintages_of(builds, years, tech["life_yr"])
    residual = ds.existing_capacity.loc[ds.existing_capacity["capacity_m_per_yr"] > 0,
                                        ["technology", "year", "capacity_m_per_yr"]]
    exits = residual.iloc[:0]   # technology, year, capacity_m_per_yr
    if s.mode == "plant":   # which takes the announced events plant by plant
        residual = _beyond_plants(residual, ds.plants, years[0])
    else:
        from decarb.formulation.plant.committed import exits as after   # it imports this
        residual, exits = after(ds, residual)
    return Parameters(years=years, step=step, horizon_end=years[-1] + step,
                      plan_end=s.end_year + step,
                      steady_years=s.steady_state_years, weights=weights,
                      rates=rates, tech=tech, flows=flows,
                      builds=builds.reset_index(drop=True),
                      vintages=vintages.reset_index(drop=True),
                      residual=residual.reset_index(drop=True), exits=exits,
                      costs=ds.technology_costs, co2=co2_name)


def vintages_of(builds: pd.DataFrame, years: list[int], life_yr: pd.Series
                ) -> pd.DataFrame:
    """technology, vintage, year: the model years a build of each (technology, year) of
    `builds` still stands in (vintage <= year < vintage + life)."""
    vintages = builds[["technology", "year"]].rename(columns={"year": "vintage"}).merge(
        pd.DataFrame({"year": years}), how="cross")
    life = vintages["technology"].map(life_yr)
    return vintages.loc[(vintages["vintage"] <= vintages["year"])
                        & (vintages["year"] < vintages["vintage"] + life)]


def _beyond_plants(residual: pd.DataFrame, plants: pd.DataFrame, first: int) -> pd.DataFrame:
    """Plant mode: the plants stand for the existing capacity of what they run; what
    they leave of a technology's first-year capacity stays aggregate and retires along
    the technology's profile (existing capacity x (1 - plants / first-year capacity))."""
    held = plants.groupby("technology")["capacity_m_per_yr"].sum()
    start = residual.loc[residual["year"] == first].set_index("technology")[
        "capacity_m_per_yr"]
    share = (1 - held / start.reindex(held.index)).clip(lower=0).fillna(0.0)
    left = residual["technology"].map(share).fillna(1.0)
    residual = residual.assign(capacity_m_per_yr=residual["capacity_m_per_yr"] * left)
    return residual.loc[residual["capacity_m_per_yr"] > 1e-9]


def _emission_coefficients(ds: Dataset, tech: pd.DataFrame) -> pd.DataFrame:
    """CO2 per unit of output: direct gross, emitted (scope 1) and captured, and the
    embedded CO2 of the imported commodities it consumes (scope 3), in t-CO2/unit."""
    inputs = ds.technology_flows.loc[ds.technology_flows["direction"] == "in"]
    factors = ds.commodities.set_index("commodity")

    def per_unit(factor: str) -> pd.Series:
        amounts = inputs["amount_per_unit"] * inputs["commodity"].map(factors[factor])
        return amounts.groupby(inputs["technology"]).sum().reindex(tech.index, fill_value=0.0)

    gross = tech["process_ef_tco2_per_unit"] + per_unit("combustion_ef_tco2_per_unit")
    return pd.DataFrame({"gross_tco2_per_unit": gross,
                         "scope1_tco2_per_unit": gross * (1 - tech["capture_rate"]),
                         "captured_tco2_per_unit": gross * tech["capture_rate"],
                         "embedded_tco2_per_unit": per_unit("embedded_ef_tco2_per_unit")})


def _net_flows(ds: Dataset, tech: pd.DataFrame, co2: str | None) -> pd.DataFrame:
    """Net commodity coefficient per unit of activity: +1 main output, +by-products,
    -inputs, + captured CO2 into the co2 commodity."""
    f = ds.technology_flows
    sign = np.where(f["direction"] == "out", 1.0, -1.0)
    parts = [pd.DataFrame({"technology": f["technology"], "commodity": f["commodity"],
                           "coef": sign * f["amount_per_unit"]}),
             pd.DataFrame({"technology": tech.index, "commodity": tech["output"].to_numpy(),
                           "coef": 1.0})]
    if co2 is not None:
        captured = tech.loc[tech["captured_tco2_per_unit"] > 0, "captured_tco2_per_unit"]
        parts.append(pd.DataFrame({"technology": captured.index, "commodity": co2,
                                   "coef": captured.to_numpy()}))
    net = pd.concat(parts, ignore_index=True)
    return net.groupby(["technology", "commodity"], as_index=False, sort=False)["coef"].sum()


def scope2_coefficients(ds: Dataset, flows: pd.DataFrame) -> pd.DataFrame:
    """Indirect CO2 per unit of activity by year: net use of bought commodities times
    their supply factor (t-CO2/unit). Columns: technology, year, scope2_tco2_per_unit."""
    factors = ds.commodity_prices.loc[ds.commodity_prices["scope2_ef_tco2_per_unit"] > 0,
                                      ["commodity", "year", "scope2_ef_tco2_per_unit"]]
    used = flows.merge(factors, on="commodity")
    used["scope2_tco2_per_unit"] = -used["coef"] * used["scope2_ef_tco2_per_unit"]
    return used.groupby(["technology", "year"], as_index=False)["scope2_tco2_per_unit"].sum()


def splits_by_firm_size(ds: Dataset) -> bool:
    """Whether builds are split into large firms and SMEs by `sme_share`: when the tax
    scheme in force has per-size tiers or a subsidy programme pays SMEs its own rate."""
    tiers = ds.tax_tiers.loc[ds.tax_tiers["scheme"] == ds.settings.tax_scheme, "firm_size"]
    return bool((len(tiers) and not (tiers == "all").any())
                or ds.subsidies["rate_sme"].notna().any())


def subsidy_offers(ds: Dataset, groups: pd.DataFrame,
                   keys: list[str] | None = None) -> pd.DataFrame:
    """Each programme open to a build of a firm group, at that group's rate (fraction):
    the technology's own rate in the programme where subsidy_rates.csv gives one, and
    for SMEs `rate_sme` where the programme gives one. The budget stays the
    programme's, shared by both sizes. Columns: the build's `keys` (default technology,
    year), group, programme, rate."""
    keys = (keys or ["technology", "year"]) + ["group"]
    offers = groups[keys] \
        .merge(ds.subsidy_eligibility[["programme", "technology"]]) \
        .merge(ds.subsidies[["programme", "rate", "rate_sme", "first_year", "last_year"]])
    offers = offers.loc[offers["year"].between(offers["first_year"], offers["last_year"])]
    # A technology's own rate in a programme (subsidy_rates.csv) replaces the programme's.
    own = offers.merge(ds.subsidy_rates[["programme", "technology", "rate"]],
                       on=["programme", "technology"], how="left")["rate_y"]
    own = own.to_numpy(dtype=float)
    offers = offers.assign(rate=np.where(np.isnan(own), offers["rate"], own))
    sme_rate = (offers["group"] == "sme") & offers["rate_sme"].notna()
    return offers.assign(rate=offers["rate_sme"].where(sme_rate, offers["rate"]))[
        keys + ["programme", "rate"]]
