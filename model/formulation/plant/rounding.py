"""A whole plan of runs from the LP relaxation of plant mode: a first guess for the MIP.

Open plants pay fixed O&M, relinings and a minimum load on their whole capacity, so
the relaxation keeps many plants partly open (a plant 40% open pays 40% of them).
Rounding each run on its own would break the plant's history; this walks each plant
through the years instead: it closes for good in the first year its runs add up to
less than a half (unless an event keeps it open), and otherwise runs what the LP runs
most of, switching to it where a candidate switch allows, else staying on what it
ran. That plan fixes every run; where it is infeasible (a plant kept open at its
minimum load can break a CO2 cap), only the runs the LP all but settled are fixed.
Switches, support modes and outputs are left to the solver (solving/lp_start.py).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from decarb.formulation.built import Built

HALF = 0.5
CLEAR = 0.1


def plan_of_runs(b: Built, column_of: Callable[[list], np.ndarray]
                 ) -> Callable[[np.ndarray], list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """A function from the LP's column values to first solutions to try, each (columns,
    values, free): every run fixed by the walk; else only the runs the LP all but
    settled (within CLEAR of 0 or 1). Switches are left free (the runs imply them; the
    solver picks the modes)."""
    run = b.vars["plant_run"].sort_values(["plant", "year", "technology"])
    at = column_of(list(run["var"])).astype(np.int64)
    free = column_of(list(b.vars["plant_switch"]["var"])).astype(np.int64)
    switchable = set(map(tuple, b.fleet.switches[["plant", "from_technology", "technology",
                                                  "year"]].to_numpy()))
    forced = set(map(tuple, b.fleet.forced[["plant", "technology", "year"]].to_numpy()))
    keys = list(run[["plant", "year", "technology"]].itertuples(index=False, name=None))
    first = b.fleet.plants.set_index("plant")
    origin = {p: (o if e else None) for p, o, e in zip(first.index, first["origin"],
                                                         first["existing"])}

    def tries(x: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        chosen = _walk(keys, x[at], origin, switchable, forced)
        walked = np.fromiter((1.0 if key in chosen else 0.0 for key in keys), float, len(keys))
        settled = np.abs(x[at] - np.round(x[at])) <= CLEAR
        return [(at, walked, free), (at[settled], np.round(x[at][settled]), free)]
    return tries


def _walk(keys: list[tuple], values: np.ndarray, origin: dict, switchable: set,
          forced: set) -> set[tuple]:
    """The (plant, year, technology) each plant runs in the plan."""
    table = pd.DataFrame(keys, columns=["plant", "year", "technology"]).assign(x=values)
    chosen = set()
    for plant, rows in table.groupby("plant", sort=False):
        state, closed = origin[plant], False
        for year, options in rows.groupby("year", sort=True):
            runs = dict(zip(options["technology"], options["x"]))
            kept = [k for k in runs if (plant, k, year) in forced]
            if closed or (not kept and sum(runs.values()) < HALF):
                closed = True
                continue
            best = kept[0] if kept else max(runs, key=runs.get)
            if state is None or (best != state and (plant, state, best, year) in switchable):
                state = best
            elif state not in runs:
                closed = True
                continue
            chosen.add((plant, year, state))
    return chosen
