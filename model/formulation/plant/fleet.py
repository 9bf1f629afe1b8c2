"""Plant-mode parameters in bulk with pandas: where each plant may run and switch.

Nothing here knows Pyomo. Per plant p (origin technology o, size S_p, relining
cycle L = life_yr[o], next relining year R):
- windows: the model years y whose calendar span [y, y + step) holds a year
  R + n L (n >= 0); with `relining_windows = false` every model year is one;
- candidate switches (p, a -> b, y): a is o or reachable from o in the graph,
  y >= first_year[b] and y >= first model year + lead time; a window_only
  edge only in a window; a switch out of a != o only after the plant can run a;
- where it may run: o in every year, b from its earliest candidate switch in;
- a plant's capacity is S_p, or for what a committed switch leads to, the capacity
  the event states (committed.py);
- what each switch, relining and closure costs: charges.py.
Committed events (committed.csv) add the plants they build, fix what they force and
drop the switches they rule out (committed.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from decarb.formulation.parameters import Parameters
from decarb.formulation.plant import charges, committed
from decarb.inputs.dataset import Dataset
from decarb.inputs.transitions import transition_graph

SWITCH_KEYS = ["plant", "from_technology", "technology", "year"]


@dataclass(frozen=True)
class Fleet:
    plants: pd.DataFrame     # plant, sector, origin, size, next_reline_year, cycle_yr,
    #                          start_year, existing (in plants.csv, not built by an event)
    runs: pd.DataFrame       # plant, technology, year, size: the plant may run it that year
    switches: pd.DataFrame   # SWITCH_KEYS, kind, capex_mjpy, committed, subsidy_mjpy,
    #                          programme
    relinings: pd.DataFrame  # plant, technology, year, capex_mjpy, life_yr: a window of the
    #                          plant's first unit, on what it runs then
    later_relinings: pd.DataFrame  # SWITCH_KEYS of a rebuild, run_technology, window,
    #                          capex_mjpy, life_yr: the rebuilt unit's windows
    first_family: pd.DataFrame  # plant, technology: runs on the first unit of a plant
    #                          of plants.csv
    stranded: pd.DataFrame   # plant, year, stranded_mjpy: its book value left if the
    #                          plant leaves that family in the year
    forced: pd.DataFrame     # plant, technology, year: runs by a committed event


def prepare_fleet(ds: Dataset, p: Parameters) -> Fleet:
    plants = pd.concat([_existing_plants(ds, p), committed.built_plants(ds, p)],
                       ignore_index=True)
    years = pd.DataFrame({"year": p.years})
    grid = plants.merge(years, how="cross")
    grid = grid.loc[grid["year"] >= grid["start_year"]].reset_index(drop=True)
    grid["window"] = _is_window(grid, p.step) if ds.settings.relining_windows else True

    start = grid.loc[grid["year"] == grid["start_year"]]
    # a plant of plants.csv may switch in the first model year, a unit built then after
    seeds = pd.DataFrame({"plant": start["plant"], "technology": start["origin"],
                          "from_year": start["year"] - start["existing"].astype(int)})
    switches = pd.concat([_switches(ds, p, grid, committed.seeds(ds, seeds)),
                          committed.switches(ds, p, grid)], ignore_index=True)
    switches["committed"] = switches["committed"].astype("boolean").fillna(False).astype(bool)
    earliest = switches.groupby(["plant", "technology"], as_index=False)["year"].min() \
        .rename(columns={"year": "from_year"})
    arrived = earliest.merge(years, how="cross")
    arrived = arrived.loc[arrived["year"] >= arrived["from_year"], ["plant", "technology",
                                                                     "year"]]
    stay = grid[["plant", "origin", "year"]].rename(columns={"origin": "technology"})
    runs = committed.open_years(ds, pd.concat([stay, arrived], ignore_index=True)
                                .drop_duplicates())
    runs = runs.merge(committed.sizes(ds, plants), on=["plant", "technology"], how="left")
    runs["size"] = runs["size"].fillna(runs["plant"].map(plants.set_index("plant")["size"]))

    costs = charges.Charges(ds, p, plants, grid, runs)
    switches = costs.of_switches(switches)
    return Fleet(plants=plants, runs=runs.reset_index(drop=True),
                 switches=switches.reset_index(drop=True),
                 relinings=costs.relinings(), later_relinings=costs.later_relinings(switches),
                 first_family=costs.first_family(), stranded=costs.stranded(),
                 forced=committed.forced(ds, plants, runs, switches))


def _existing_plants(ds: Dataset, p: Parameters) -> pd.DataFrame:
    plants = ds.plants.rename(columns={"technology": "origin", "capacity_m_per_yr": "size"})
    plants = plants.assign(cycle_yr=plants["origin"].map(p.tech["life_yr"]).astype(int),
                           start_year=p.years[0], existing=True)
    return plants[["plant", "sector", "origin", "size", "next_reline_year", "cycle_yr",
                   "start_year", "existing"]]


def _is_window(grid: pd.DataFrame, step: int) -> pd.Series:
    """True where the first relining year R + n L at or after the model year (n >= 0)
    falls inside the model year's span."""
    reline, cycle = grid["next_reline_year"], grid["cycle_yr"]
    n = np.ceil(((grid["year"] - reline) / cycle).clip(lower=0))
    return reline + n * cycle < grid["year"] + step


def _switches(ds: Dataset, p: Parameters, grid: pd.DataFrame, seeds: pd.DataFrame
              ) -> pd.DataFrame:
    """Candidate switches, edge by edge in topological order of the graph, so the
    earliest year a plant can run an edge's source is known when the edge is reached.
    `seeds`: plant, technology, from_year: what each plant runs first, and the year
    before the first it may leave it."""
    edges = ds.transitions.assign(window_only=ds.transitions["window_only"] == "true")
    graph = transition_graph(edges)
    order = {t: i for i, t in enumerate(nx.topological_sort(graph))}
    edges = edges.assign(order=edges["from_technology"].map(order)).sort_values("order")
    first_year = p.tech["first_year"]
    can_run = seeds   # (plant, technology) -> the year before it may switch out of it
    found = []
    for edge in edges.itertuples(index=False):
        source = can_run.loc[can_run["technology"] == edge.from_technology]
        rows = grid.merge(source[["plant", "from_year"]], on="plant")
        arrive = max(first_year[edge.to_technology], p.years[0] + edge.lead_time_yr)
        keep = (rows["year"] > rows["from_year"]) & (rows["year"] >= arrive)
        if edge.window_only:
            keep &= rows["window"]
        rows = rows.loc[keep].assign(from_technology=edge.from_technology,
                                     technology=edge.to_technology, kind=edge.kind,
                                     conversion_capex_jpy_per_unit_yr=edge.
                                     conversion_capex_jpy_per_unit_yr)
        found.append(rows)
        reached = rows.groupby("plant", as_index=False)["year"].min().rename(
            columns={"year": "from_year"}).assign(technology=edge.to_technology)
        can_run = pd.concat([can_run, reached]).groupby(["plant", "technology"],
                                                        as_index=False)["from_year"].min()
    columns = SWITCH_KEYS + ["kind", "conversion_capex_jpy_per_unit_yr"]
    if not found:
        return pd.DataFrame(columns=columns)
    return pd.concat(found, ignore_index=True)[columns]
