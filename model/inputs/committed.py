"""Checks of the committed (announced) events against the plants and the transition graph.

Errors: a close or switch naming no plant of plants.csv, a build naming one; a
switch or build without a technology, a close with one; a switch whose plant has
no edge in transitions.csv to the technology; a build without a capacity; a
subsidy above the capex; two events of one plant; an event before the first
model year. Rows of tables already found unreadable are not checked again.
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
