"""Domain rules of the carbon-pricing tables (schema_carbon.py): what one column cannot
say, across tables and with the run settings that switch each instrument on."""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from decarb.errors import Problem
from decarb.inputs.settings import SETTINGS_FILE, Settings
from decarb.inputs.validation import _flag, _lookup, run_rules, show


def check_carbon(t: Mapping[str, pd.DataFrame], settings: Settings,
                 broken: set[str]) -> list[Problem]:
    """Every problem of the carbon-pricing tables; a rule reading a broken table is skipped."""
    return run_rules(_RULES, t, broken) + run_rules(_SETTING_RULES, t, broken, settings)


def _plant_companies(t: Mapping[str, pd.DataFrame], s: Settings) -> list[Problem]:
    """A plant-mode run with the GX-ETS needs every company named in plants.csv in
    companies.csv (once it lists any): the company is the unit of compliance."""
    companies, plants = t["companies"], t["plants"]
    if companies.empty or s.mode != "plant" or s.ets_pricing == "none":
        return []
    unknown = plants["company"].ne("") & ~plants["company"].isin(companies["company"])
    return _flag("plants", plants, unknown, "company", "a company of companies.csv")


def _band(t: Mapping[str, pd.DataFrame]) -> list[Problem]:
    prices = t["ets_prices"]
    return _flag("ets_prices", prices, prices["ceiling_jpy_per_tco2"]
                 < prices["floor_jpy_per_tco2"], "ceiling_jpy_per_tco2",
                 "at least floor_jpy_per_tco2 " + prices["floor_jpy_per_tco2"].map(show)
                 .astype(object))


def _exported_products(t: Mapping[str, pd.DataFrame]) -> list[Problem]:
    exports = t["exports"]
    kind = exports["product"].map(_lookup(t["commodities"], "commodity", "kind"))
    return _flag("exports", exports, kind.notna() & kind.ne("product"), "product",
                 "a commodity of kind product; this one is of kind " + kind.astype(str))


def _instruments(t: Mapping[str, pd.DataFrame], s: Settings) -> list[Problem]:
    """An instrument switched on has the data it prices."""
    problems = []
    if s.ets_pricing != "none" and t["ets_prices"].empty:
        problems.append(Problem(SETTINGS_FILE, None, "ets_pricing", s.ets_pricing,
                                "none, or rows in ets_prices.csv (the band by year)"))
    if s.ets_pricing == "exogenous":
        prices = t["ets_prices"]
        problems += _flag("ets_prices", prices, prices["price_jpy_per_tco2"].isna(),
                          "price_jpy_per_tco2", "a price (ets_pricing is exogenous)")
    if s.charge_fuel_levies and t["fuel_levies"].empty:
        problems.append(Problem(SETTINGS_FILE, None, "charge_fuel_levies", "true",
                                "false, or rows in fuel_levies.csv"))
    passed = t["fuel_levies"]["pass_through_share"].gt(0).any()
    if s.charge_fuel_levies and passed and not t["commodities"]["commodity"].eq(
            s.levy_pass_through_commodity).any():
        problems.append(Problem(SETTINGS_FILE, None, "levy_pass_through_commodity",
                                s.levy_pass_through_commodity,
                                "a commodity of commodities.csv (fuel_levies.csv passes "
                                "levies through to it)"))
    if s.cbam_in_objective:
        problems += [Problem(SETTINGS_FILE, None, "cbam_in_objective", "true",
                             f"false, or rows in {name}.csv")
                     for name in ("exports", "cbam_prices") if t[name].empty]
    return problems


_RULES = (
    (_band, ("ets_prices",)),
    (_exported_products, ("exports", "commodities")),
)
_SETTING_RULES = (
    (_plant_companies, ("companies", "plants")),
    (_instruments, ("ets_prices", "fuel_levies", "commodities", "exports", "cbam_prices")),
)
