"""Run settings: the one small file (`settings.toml`) beside a dataset's tables.

Each field carries its description, unit and allowed values as metadata, so
the loader checks it and the data reference documents it from one place.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

SETTINGS_FILE = "settings.toml"


def _setting(default: Any, description: str, unit: str = "", choices: tuple = (),
             min: float | None = None, max: float | None = None) -> Any:
    return field(default=default, metadata=dict(description=description, unit=unit,
                                                choices=choices, min=min, max=max))


@dataclass(frozen=True)
class Settings:
    start_year: int = _setting(2025, "First model year.", "year", min=1990, max=2100)
    end_year: int = _setting(2050, "Last year of the plan: results cover start_year to "
                             "end_year.", "year", min=1990, max=2100)
    year_step: int = _setting(1, "Years between model years; each model year stands for "
                              "this many calendar years (the last one too).", "yr", min=1,
                              max=20)
    extension_years: int = _setting(0, "Years solved after end_year with every input held at "
                                    "its last value (caps, demand, prices, costs), not "
                                    "reported: decisions near end_year see that the world "
                                    "goes on (no end effect).", "yr", min=0, max=100)
    steady_state_years: int = _setting(0, "Calendar years after the last model year in "
                                       "which the plan stays as in that year, its inputs "
                                       "held (a steady state): the last year's running costs "
                                       "count for them too and capacity installed in it pays "
                                       "its annuities through them, renewed at the same "
                                       "cost. It removes the end effect of a horizon that "
                                       "stops while the caps go on. 0: the horizon simply "
                                       "ends.", "yr",
                                       min=0, max=200)
    support_in_use_years: int = _setting(3, "Years from its build year in which capacity "
                                         "built under a subsidy or tax incentive must be in "
                                         "use (output / availability): supported vintages "
                                         "of those years are at most the capacity in use. "
                                         "1: the build year only.", "yr", min=1, max=100)
    perspective: str = _setting("private", "Cost the optimiser minimises: private (firms' "
                                "cost net of subsidies and tax benefits, at the private rate) "
                                "or social (transfers excluded, at the social rate).",
                                choices=("private", "social"))
    discount_rate_private: float = _setting(0.08, "Private hurdle rate: annualises capital "
                                            "and discounts in the private view, and values "
                                            "special depreciation.", "1/yr", min=0, max=1)
    discount_rate_social: float = _setting(0.03, "Social discount rate.", "1/yr", min=0, max=1)
    cap_scope: str = _setting("scope1+2", "Emissions the caps count: direct only, or direct "
                              "plus indirect from bought electricity and hydrogen.",
                              choices=("scope1", "scope1+2"))
    carbon_price_scope: str = _setting("scope1", "Emissions the carbon price is paid on "
                                       "(GX-ETS prices direct emissions).",
                                       choices=("scope1", "scope1+2"))
    count_embedded_imports: bool = _setting(False, "Count the embedded CO2 of imported "
                                            "commodities (commodities.csv "
                                            "`embedded_ef_tco2_per_unit`) in the using "
                                            "sector's emissions and caps; the carbon price "
                                            "does not apply to it.")
    cumulative_cap_mtco2: float | None = _setting(None, "Optional budget on all sectors' "
                                                  "emissions summed over the horizon "
                                                  "(calendar years).", "Mt-CO2", min=0)
    tax_scheme: str = _setting("none", "Scheme of tax_schemes.csv in force, or none.")
    tax_base: str = _setting("net", "Base of the tax incentive: capex net of subsidy "
                             "(compressed booking) or gross.", choices=("net", "gross"))
    integer_units: bool = _setting(True, "Build technologies with a unit size in whole "
                                   "units (a MIP); false relaxes them to an LP.")
    slack_penalty_jpy_per_tco2: float = _setting(1.0e6, "Penalty on cap slack when an "
                                                 "infeasible case is diagnosed.", "JPY/t-CO2",
                                                 min=0)
    unserved_penalty_jpy_per_unit: float = _setting(
        1.0e7, "Penalty per unit of product demand a stochastic scenario leaves unserved "
        "(its recourse, beside cap slack at slack_penalty_jpy_per_tco2): above the cap "
        "slack times any product's emissions per unit, so a plan serves demand first and "
        "exceeds a cap before it leaves demand unserved.", "JPY/unit", min=0)
    lp_solver: str = _setting("auto", "HiGHS method for a linear run: simplex, ipm (interior "
                              "point with crossover), or auto: ipm from 200,000 nonzeros, "
                              "where it measured about twice as fast (benchmarks/).",
                              choices=("auto", "simplex", "ipm"))
    time_limit_s: float = _setting(600.0, "Solver time limit.", "s", min=0)
    mip_gap: float = _setting(1.0e-3, "Relative MIP gap at which the solve stops: the answer "
                              "costs at most this fraction more than the optimum. 0.1% is "
                              "two orders below the precision of the cost data (capex "
                              "+-10-30% or worse).", "fraction",
                              min=0, max=1)
    # Plant mode (formulation section 7)
    mode: str = _setting("aggregate", "aggregate: capacity per technology (an LP, or a small "
                         "MIP with unit sizes); plant: the plants of plants.csv switch along "
                         "transitions.csv, one binary per plant, technology and year.",
                         choices=("aggregate", "plant"))
    relining_windows: bool = _setting(True, "Plant mode: relining is paid at each window and a "
                                      "switch outside one pays the stranded-asset charge; "
                                      "false makes every year a window at no charge.")
    # Carbon pricing in force from FY2026 (formulation 9.1-9.3)
    ets_pricing: str = _setting("none", "GX-ETS on covered direct emissions (ets_prices.csv): "
                                "none; exogenous (the price path clipped to the band); or "
                                "market (allocation, offsets and the ceiling clear the "
                                "market; the price is the floor plus the market's dual).",
                                choices=("none", "exogenous", "market"))
    ets_threshold_kt_per_yr: float = _setting(100.0, "GX-ETS coverage: companies whose base "
                                              "direct CO2 reaches this are covered.",
                                              "kt-CO2/yr", min=0)
    charge_fuel_levies: bool = _setting(False, "Charge the levies of fuel_levies.csv on the "
                                        "carbon of fossil fuels bought.")
    levy_pass_through_commodity: str = _setting("electricity", "Commodity whose price carries "
                                                "the levies passed through from power "
                                                "generation (fuel_levies.csv).")
    cbam_intensity: str = _setting("declared", "CBAM embedded emissions: declared (the "
                                   "model's direct intensity of the product, verified) or "
                                   "default (the EU default value with its mark-up).",
                                   choices=("declared", "default"))
    cbam_in_objective: bool = _setting(False, "Count the CBAM exposure of EU exports as a "
                                       "cost of exporting in the objective (otherwise it is "
                                       "only reported).")
    # Support in force from 2026 (formulation 9.4-9.7)
    hydrogen_contracts: bool = _setting(False, "Hydrogen price-gap contracts "
                                        "(hydrogen_contracts.csv): contracted volumes "
                                        "bought at the reference price, the gap paid by "
                                        "the state.")
    hydrogen_contract_budget_bjpy: float | None = _setting(
        None, "Most the state pays under all hydrogen contracts over their lives (cash); "
        "none: no budget.", "BJPY", min=0)
    ccs_hubs: bool = _setting(False, "Store captured CO2 at the hubs of ccs_hubs.csv "
                              "(capacity, storage and transport cost by site) instead of "
                              "the national price and limit of the co2 commodity.")
    ccs_support_budget_bjpy: float | None = _setting(
        None, "Most the CCS cost-gap support (ccs_support.csv) pays over the horizon "
        "(cash); none: no budget.", "BJPY", min=0)
    production_credits: bool = _setting(False, "Production tax credits per unit of "
                                        "qualifying output (production_credits.csv).")
    investment_incentive: str = _setting("none", "Incentive of investment_incentives.csv "
                                         "in force besides the CN investment tax, or "
                                         "none.")

    @property
    def years(self) -> list[int]:
        """Model years: the plan's, then the extension's."""
        return list(range(self.start_year, self.end_year + self.extension_years + 1,
                          self.year_step))

    @property
    def reported_years(self) -> list[int]:
        """Model years of the plan (start_year to end_year): those the results cover."""
        return [y for y in self.years if y <= self.end_year]


SETTING_FIELDS = {f.name: f for f in fields(Settings)}
