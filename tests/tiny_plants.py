"""The tiny case of tests/tiny.py in plant mode: plants running `old` switch to `new`.

The plants hold all the existing capacity of what they run (none is left aggregate).

`old` (life 40) costs 1,000 JPY/t to run and emits 1 t-CO2/t; its relining
costs RELINE JPY/(t/yr) (its capex). `new` costs 100 JPY/t to run; a plant is
converted for 1,000 JPY/(t/yr) along the edge old -> new, while a new plant on
a new site (an aggregate build) costs GREENFIELD, too much to compete unless a
test says otherwise.
"""
from __future__ import annotations

import pandas as pd

from tests.tiny import costs, frame, one_year, tiny_frames

RELINE = 4000.0
GREENFIELD = 1.0e6
CONVERSION = 1000.0


def plants(*rows: tuple[str, float, int], technology: str = "old") -> pd.DataFrame:
    """Plants (name, size Mt/yr, next relining year) running `technology`."""
    return frame([dict(plant=name, sector="steel", technology=technology,
                       capacity_m_per_yr=size, next_reline_year=reline)
                  for name, size, reline in rows])


def edge(a: str = "old", b: str = "new", capex: float = CONVERSION, window_only: bool = False,
         lead_time: int = 0) -> dict:
    return dict(from_technology=a, to_technology=b, kind="rebuild",
                conversion_capex_jpy_per_unit_yr=capex, lead_time_yr=lead_time,
                window_only="true" if window_only else "false")


def plant_frames(fleet: pd.DataFrame, edges: list[dict], reline: float = RELINE,
                 greenfield: float = GREENFIELD, **changes) -> dict[str, pd.DataFrame]:
    changes.setdefault("technology_costs", frame(costs("old", reline)
                                                 + costs("new", greenfield)))
    held = fleet.groupby("technology")["capacity_m_per_yr"].sum()
    changes.setdefault("existing_capacity", frame([
        dict(technology=t, year=y, capacity_m_per_yr=c) for t, c in held.items()
        for y in (2025, 2050)]))
    return tiny_frames(plants=fleet, transitions=frame(edges), **changes)


def solve_plants(fleet: pd.DataFrame, edges: list[dict], settings=None, **changes):
    from decarb.inputs.loading import dataset_from_frames
    from decarb.workflow.run import run_case

    settings = settings or one_year(mode="plant")
    return run_case(dataset_from_frames(plant_frames(fleet, edges, **changes), settings))


def technology_of(result, plant: str, year: int = 2025) -> str:
    t = result.tables["plants"]
    return t.loc[(t["plant"] == plant) & (t["year"] == year), "technology"].iloc[0]


def cost_bjpy(result, component: str) -> float:
    c = result.tables["costs"]
    row = c.loc[(c["kind"] == "cost") & (c["component"] == component), "private_npv_bjpy"]
    return float(row.iloc[0]) if len(row) else 0.0
