"""Subsidy programmes whose budget is released per treasury year (formulation 9.7).

The hard-to-abate rounds commit a total budget over several treasury years. A
programme with rows in subsidy_budgets.csv may commit, by each model year y, at most
what has been released by then (what is not spent carries forward):
  sum_{y' <= y} sum rate * capex * support[., y']  <=  sum_{t < y + step} tranche_t
                                                                              (MJPY)
over the support modes of aggregate builds and plant switches alike (investment.py
`limits` adds the rows, so a re-solve with other rates changes them in place too).
A committed project (committed.csv) whose award names the programme is a switch fixed
at 1 (plant mode) or a fixed build (aggregate mode) under a mode of its award's rate, so
its award draws on the same budget.
"""
from __future__ import annotations

import pandas as pd

from decarb.formulation.linear import terms_of
from decarb.formulation.parameters import MJPY_PER_BJPY, Parameters
from decarb.inputs.dataset import Dataset

NAME = "limit_released_budget"


def released_budget_limits(ds: Dataset, p: Parameters) -> pd.DataFrame:
    """Per programme with tranches and model year: the budget released by the end of the
    model year's span, in MJPY (`programme`, `year`, `rhs`)."""
    tranches = ds.subsidy_budgets
    grid = pd.DataFrame({"programme": tranches["programme"].unique()}).merge(
        pd.DataFrame({"year": p.years}), how="cross")
    released = grid.merge(tranches[["programme", "year", "budget_bjpy"]].rename(
        columns={"year": "released"}), on="programme")
    released = released.loc[released["released"] < released["year"] + p.step]
    rhs = released.groupby(["programme", "year"])["budget_bjpy"].sum() * MJPY_PER_BJPY
    return grid.merge(rhs.rename("rhs").reset_index(), how="left").fillna({"rhs": 0.0})


def released_budget_rows(ds: Dataset, p: Parameters, subsidised: pd.DataFrame
                         ) -> tuple[pd.DataFrame, list[str], pd.DataFrame, str] | None:
    """The `<=` family on the subsidised support modes (columns programme, year,
    subsidy_rate, capex_jpy_per_unit_yr, var), or None without tranches."""
    rows = subsidised.loc[subsidised["programme"].isin(ds.subsidy_budgets["programme"])]
    if rows.empty:
        return None
    through = rows.rename(columns={"year": "paid"}).merge(
        pd.DataFrame({"year": p.years}), how="cross")
    through = through.loc[through["paid"] <= through["year"]]
    terms = terms_of(through, through["subsidy_rate"] * through["capex_jpy_per_unit_yr"],
                     programme="programme", year="year")
    return (terms, ["programme", "year"], released_budget_limits(ds, p),
            "Subsidies committed so far <= budget released so far (MJPY)")
