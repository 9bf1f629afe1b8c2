"""Plant-mode parameters in bulk with pandas: where each plant may run, switch and reline.

Nothing here knows Pyomo. Per plant p (origin technology o, size S_p, relining
cycle L = life_yr[o], next relining year R):
- windows: the model years y whose calendar span [y, y + step) holds a year
  R + n L (n >= 0); with `relining_windows = false` every model year is one;
- candidate switches (p, a -> b, y): a is o or reachable from o in the graph,
  y >= first_year[b] and y >= first model year + lead time; a window_only
  edge only in a window; a switch out of a != o only after the plant can run a;
- where it may run: o in every year, b from its earliest candidate switch in;
- stranded charge of a switch out of o in year y outside a window:
  capex[o] * S_p * min(1, max(0, (R - y) / L)) (MJPY), the book value left
  of the relining made at R - L, straight line. From R on, a relining inside
  the horizon is paid by annuities that keep running after a switch, which is
  its stranded value, so no charge is added;
- relining: running o in a window year costs capex[o] * S_p (MJPY).
"""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from decarb.formulation.parameters import Parameters
from decarb.inputs.dataset import Dataset
from decarb.inputs.transitions import transition_graph


@dataclass(frozen=True)
class Fleet:
    plants: pd.DataFrame     # plant, sector, origin, size, next_reline_year, cycle_yr
    runs: pd.DataFrame       # plant, technology, year: the plant may run it that year
    switches: pd.DataFrame   # plant, from_technology, technology (to), year,
    #                          capex_mjpy, stranded_mjpy
    relinings: pd.DataFrame  # plant, technology, year, capex_mjpy: window years of origin


def prepare_fleet(ds: Dataset, p: Parameters) -> Fleet:
    s = ds.settings
    plants = ds.plants.rename(columns={"technology": "origin", "capacity_m_per_yr": "size"})
    plants = plants.assign(cycle_yr=plants["origin"].map(p.tech["life_yr"]).astype(int))
    plants = plants[["plant", "sector", "origin", "size", "next_reline_year", "cycle_yr"]]
    years = pd.DataFrame({"year": p.years})
    grid = plants.merge(years, how="cross")
    grid["window"] = _is_window(grid, p.step) if s.relining_windows else True

    capex = p.costs.set_index(["technology", "year"])["capex_jpy_per_unit_yr"]
    switches = _switches(ds, p, grid)
    origin_capex = capex.reindex(pd.MultiIndex.from_arrays(
        [switches["from_technology"], np.full(len(switches), p.years[0])])).to_numpy()
    remaining = ((switches["next_reline_year"] - switches["year"]) / switches["cycle_yr"]) \
        .clip(0.0, 1.0)
    charged = (switches["from_technology"] == switches["origin"]) & ~switches["window"]
    switches["stranded_mjpy"] = np.where(charged, origin_capex * switches["size"]
                                         * remaining, 0.0)
    switches["capex_mjpy"] = switches["conversion_capex_jpy_per_unit_yr"] * switches["size"]

    earliest = switches.groupby(["plant", "technology"], as_index=False)["year"].min() \
        .rename(columns={"year": "from_year"})
    arrived = earliest.merge(years, how="cross")
    arrived = arrived.loc[arrived["year"] >= arrived["from_year"], ["plant", "technology",
                                                                     "year"]]
    stay = grid[["plant", "origin", "year"]].rename(columns={"origin": "technology"})
    runs = pd.concat([stay, arrived], ignore_index=True)

    relinings = grid.loc[grid["window"] & s.relining_windows,
                         ["plant", "origin", "year", "size"]].rename(
        columns={"origin": "technology"})
    relinings["capex_mjpy"] = capex.reindex(pd.MultiIndex.from_arrays(
        [relinings["technology"], relinings["year"]])).to_numpy() * relinings["size"]
    columns = ["plant", "from_technology", "technology", "year", "capex_mjpy",
               "stranded_mjpy"]
    return Fleet(plants=plants, runs=runs.reset_index(drop=True),
                 switches=switches[columns].reset_index(drop=True),
                 relinings=relinings.drop(columns="size").reset_index(drop=True))


def _is_window(grid: pd.DataFrame, step: int) -> pd.Series:
    """True where the first relining year R + n L at or after the model year (n >= 0)
    falls inside the model year's span."""
    reline, cycle = grid["next_reline_year"], grid["cycle_yr"]
    n = np.ceil(((grid["year"] - reline) / cycle).clip(lower=0))
    return reline + n * cycle < grid["year"] + step


def _switches(ds: Dataset, p: Parameters, grid: pd.DataFrame) -> pd.DataFrame:
    """Candidate switches, edge by edge in topological order of the graph, so the
    earliest year a plant can run an edge's source is known when the edge is reached."""
    edges = ds.transitions.assign(window_only=ds.transitions["window_only"] == "true")
    graph = transition_graph(edges)
    order = {t: i for i, t in enumerate(nx.topological_sort(graph))}
    edges = edges.assign(order=edges["from_technology"].map(order)).sort_values("order")
    first_year = p.tech["first_year"]
    # (plant, technology) -> first model year the plant can run it
    can_run = grid.loc[grid["year"] == p.years[0], ["plant", "origin"]].assign(
        from_year=p.years[0] - 1).rename(columns={"origin": "technology"})
    found = []
    for edge in edges.itertuples(index=False):
        start = can_run.loc[can_run["technology"] == edge.from_technology]
        rows = grid.merge(start[["plant", "from_year"]], on="plant")
        arrive = max(first_year[edge.to_technology], p.years[0] + edge.lead_time_yr)
        keep = (rows["year"] > rows["from_year"]) & (rows["year"] >= arrive)
        if edge.window_only:
            keep &= rows["window"]
        rows = rows.loc[keep].assign(from_technology=edge.from_technology,
                                     technology=edge.to_technology,
                                     conversion_capex_jpy_per_unit_yr=edge.
                                     conversion_capex_jpy_per_unit_yr)
        found.append(rows)
        reached = rows.groupby("plant", as_index=False)["year"].min().rename(
            columns={"year": "from_year"}).assign(technology=edge.to_technology)
        can_run = pd.concat([can_run, reached]).groupby(["plant", "technology"],
                                                        as_index=False)["from_year"].min()
    columns = list(grid.columns) + ["from_technology", "technology",
                                    "conversion_capex_jpy_per_unit_yr"]
    if not found:
        return pd.DataFrame(columns=columns)
    return pd.concat(found, ignore_index=True)[columns]
