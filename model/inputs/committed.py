"""Checks of the committed (announced) events against the plants and the transition graph.

Errors: a close or switch naming no plant of plants.csv, a build naming one; a
switch or build without a technology, a close with one; a switch whose plant has
no edge in transitions.csv to the technology; a build without a capacity; a
subsidy above the capex; two events of one plant; an event before the first
model year; awards of a round beyond the money it has released by the award's year
(subsidy_budgets.csv: with them the run could only be infeasible). Rows of tables
already found unreadable are not checked again.
"""
from __future__ import annotations

import pandas as pd

from decarb.errors import Problem
from decarb.inputs.schema import TABLE_BY_NAME
from decarb.inputs.validation import show

_FILE = TABLE_BY_NAME["committed"].file


def check_committed(committed: pd.DataFrame, plants: pd.DataFrame, edges: pd.DataFrame,
                    start_year: int, broken: frozenset[str]) -> list[Problem]:
    """Problems of committed.csv; frames indexed by data row."""
    if committed.empty or broken & {"committed", "plants", "transitions"}:
        return []
    known = plants.drop_duplicates("plant").set_index("plant")["technology"]
    event, plant, target = committed["event"], committed["plant"], committed["technology"]
    existing = plant.isin(known.index)
    edge = set(zip(edges["from_technology"], edges["to_technology"]))
    has_edge = pd.Series([(a, b) in edge for a, b in zip(plant.map(known), target)],
                         index=committed.index, dtype=bool)
    rules = (
        (event.ne("build") & ~existing, "plant",
         "a plant of plants.csv (a close or switch changes an existing plant)"),
        (event.eq("build") & existing, "plant",
         "a new name (a build adds a unit; this plant is in plants.csv)"),
        (event.ne("close") & target.eq(""), "technology",
         "the technology the plant switches to or the unit is built as"),
        (event.eq("close") & target.ne(""), "technology", "blank for a closure"),
        (event.eq("switch") & existing & target.ne("") & ~has_edge, "technology",
         "an edge of transitions.csv from the plant's technology"),
        (event.eq("build") & committed["capacity_m_per_yr"].isna(), "capacity_m_per_yr",
         "the capacity of the unit built"),
        (committed["subsidy_bjpy"] > committed["capex_bjpy"].fillna(float("inf")),
         "subsidy_bjpy", "at most the project's capex_bjpy"),
        (plant.duplicated(keep="first"), "plant", "one event per plant"),
        (committed["year"] < start_year, "year",
         f"a year from the first model year ({start_year}) on"),
    )
    return [Problem(_FILE, int(row), column, show(committed.at[row, column]), expected)
            for mask, column, expected in rules for row in committed.index[mask]]


def check_awards(committed: pd.DataFrame, tranches: pd.DataFrame, year_step: int,
                 broken: frozenset[str]) -> list[Problem]:
    """An award (subsidy_bjpy of a round with tranches) that takes a round's awards
    so far beyond its tranches released by the end of the award's model year span (at
    most `year_step` - 1 years on): the model pays committed awards from the round."""
    if committed.empty or broken & {"committed", "subsidy_budgets"}:
        return []
    awards = committed.dropna(subset=["subsidy_bjpy"])
    awards = awards.loc[awards["programme"].isin(tranches["programme"])]
    problems = []
    for programme, rows in awards.sort_values("year", kind="stable").groupby("programme"):
        released = tranches.loc[tranches["programme"] == programme]
        so_far = rows["subsidy_bjpy"].cumsum()
        for row, year, awarded in zip(rows.index, rows["year"], so_far):
            by = int(year) + year_step - 1
            money = float(released.loc[released["year"] <= by, "budget_bjpy"].sum())
            if awarded > money + 1e-9:
                problems.append(Problem(_FILE, int(row), "subsidy_bjpy", show(
                    committed.at[row, "subsidy_bjpy"]), f"awards of {programme} within the "
                    f"money it has released by {by} ({money:,.1f} BJPY in "
                    f"{TABLE_BY_NAME['subsidy_budgets'].file}; awards so far "
                    f"{awarded:,.1f})"))
    return problems
