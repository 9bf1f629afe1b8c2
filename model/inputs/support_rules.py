"""Domain rules of the support tables (schema_support.py): what one column cannot say,
across tables and with the run settings that switch each instrument on."""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from decarb.errors import Problem
from decarb.inputs.settings import SETTINGS_FILE, Settings
from decarb.inputs.validation import _flag, _lookup, _year_order, run_rules


def check_support(t: Mapping[str, pd.DataFrame], settings: Settings,
                  broken: set[str]) -> list[Problem]:
    """Every problem of the support tables; a rule reading a broken table is skipped."""
    problems = run_rules(_RULES, t, broken)
    if not broken & set(_SWITCHED):
        problems += _instruments(t, settings)
    return problems


def _eligible_rates(t: Mapping[str, pd.DataFrame]) -> list[Problem]:
    """A programme's own rate for a technology it funds."""
    rates, eligible = t["subsidy_rates"], t["subsidy_eligibility"]
    pair = ["programme", "technology"]
    funded = pd.Series(pd.MultiIndex.from_frame(rates[pair]).isin(
        pd.MultiIndex.from_frame(eligible[pair])), index=rates.index, dtype=bool)
    return _flag("subsidy_rates", rates, ~funded, "technology",
                 "a technology the programme funds (subsidy_eligibility.csv)")


def _contract_prices(t: Mapping[str, pd.DataFrame]) -> list[Problem]:
    """A contract's commodity and reference have prices, in the same unit."""
    contracts, prices = t["hydrogen_contracts"], t["commodity_prices"]
    unit = _lookup(t["commodities"], "commodity", "unit")
    priced = set(prices["commodity"])
    problems = []
    for column in ("commodity", "reference_commodity"):
        problems += _flag("hydrogen_contracts", contracts,
                          ~contracts[column].isin(priced), column,
                          "a commodity with prices in commodity_prices.csv")
    other = contracts["reference_commodity"].map(unit) != contracts["commodity"].map(unit)
    return problems + _flag("hydrogen_contracts", contracts, other, "reference_commodity",
                            "a commodity counted in the contract commodity's unit")


def _instruments(t: Mapping[str, pd.DataFrame], s: Settings) -> list[Problem]:
    """An instrument switched on has the data it needs."""
    needed = {"hydrogen_contracts": ("hydrogen_contracts",),
              "ccs_hubs": ("ccs_hubs", "ccs_hub_paths", "ccs_transport"),
              "production_credits": ("production_credits", "production_credit_rates")}
    problems = [Problem(SETTINGS_FILE, None, setting, "true",
                        f"false, or rows in {table}.csv")
                for setting, tables in needed.items() if getattr(s, setting)
                for table in tables if t[table].empty]
    incentives = t["investment_incentives"]["incentive"]
    if s.investment_incentive != "none" and not incentives.eq(s.investment_incentive).any():
        problems.append(Problem(SETTINGS_FILE, None, "investment_incentive",
                                s.investment_incentive,
                                "none, or an incentive of investment_incentives.csv"))
    return problems


_RULES = (
    (_eligible_rates, ("subsidy_rates", "subsidy_eligibility")),
    (_contract_prices, ("hydrogen_contracts", "commodity_prices", "commodities")),
    (lambda t: _year_order(t, "investment_incentives"), ("investment_incentives",)),
)
_SWITCHED = ("hydrogen_contracts", "ccs_hubs", "ccs_hub_paths", "ccs_transport",
             "production_credits", "production_credit_rates", "investment_incentives")
