"""Plant output and the capacity of open plants: an open plant runs, and pays for all of it.

Per plant p, technology k, year y (run[p,k,y] the binary of switching.py, S the plant's
capacity when it runs k, a the availability of k, f its minimum load, min_load.csv).
Where k has a minimum load, or the run needs each company's emissions (the GX-ETS in
plant mode), the plant's output is its own decision:
  out[p,k,y] <= a * S * run[p,k,y]
  out[p,k,y] >= f * S * run[p,k,y]                  (where f > 0: it runs, or closes)
  act[k,y] >= sum_p out[p,k,y]                       (plant output is part of activity)
  act[k,y] - sum_p out[p,k,y] <= a * (cap[k,y] - sum_p S * run[p,k,y])
The last row leaves to the aggregate part of activity only the aggregate capacity
(what plants leave of the existing capacity, and builds), so a plant's idle capacity
cannot serve it. Otherwise open plants of k are alike and the plants' output is not
told apart (reported by capacity share, outputs/plants.py):
  cap[k,y] >= sum_p S * run[p,k,y]
Either way the operating capacity `cap` holds at least the open plants' capacity, and
`cap` is what pays fixed O&M (capacity.py): an open plant pays fixed O&M on its whole
capacity whatever it makes.
"""
from __future__ import annotations

import pandas as pd

from decarb.formulation.built import Built
from decarb.formulation.carbon_parameters import ets_years
from decarb.formulation.linear import add_constraints, add_var, terms_of

PLANT_YEAR = ["plant", "technology", "year"]


def add(b: Built) -> None:
    p, m = b.p, b.m
    runs = b.vars["plant_run"]
    floor = runs["technology"].map(b.ds.min_load.set_index("technology")["min_load"])
    held = floor.fillna(0.0) > 0
    own = held | (not ets_years(b.ds).empty)   # each company's emissions are its plants'
    _open_capacity_operates(b, runs.loc[~own])
    run = runs.loc[own]
    if run.empty:
        return
    availability = run["technology"].map(p.tech["availability"])
    out = add_var(m, "plant_output", run[PLANT_YEAR], "Output of the plant running the "
                  "technology in the year (M unit/yr)").merge(
        run[PLANT_YEAR + ["size"]], on=PLANT_YEAR)
    b.vars["plant_output"] = out
    keys = {k: k for k in PLANT_YEAR}
    b.cons["plant_output_within_capacity"] = add_constraints(
        m, "plant_output_within_capacity", pd.concat([
            terms_of(out, 1.0, **keys),
            terms_of(run, -availability * run["size"], **keys)]),
        PLANT_YEAR, "<=", 0.0, "Plant output <= availability x capacity if it runs the "
        "technology (M unit/yr)")
    floored = held[run.index].to_numpy()
    b.cons["plant_minimum_load"] = add_constraints(
        m, "plant_minimum_load", pd.concat([
            terms_of(out.loc[floored], 1.0, **keys),
            terms_of(run.loc[floored], -floor[run.index][floored] * run["size"][floored],
                     **keys)]),
        PLANT_YEAR, ">=", 0.0, "Plant output >= minimum load x capacity if it runs "
        "the technology (M unit/yr)")
    _activity(b, run, out)


def _open_capacity_operates(b: Built, run: pd.DataFrame) -> None:
    """Technologies without a floor: an open plant's capacity is operating capacity."""
    if run.empty:
        return
    by_tech = ["technology", "year"]
    cap = b.vars["cap"].merge(run[by_tech].drop_duplicates(), on=by_tech)
    b.cons["plant_capacity_operates"] = add_constraints(
        b.m, "plant_capacity_operates", pd.concat([
            terms_of(cap, 1.0, technology="technology", year="year"),
            terms_of(run, -run["size"], technology="technology", year="year")]),
        by_tech, ">=", 0.0, "Operating capacity >= the open plants' capacity (M unit/yr)")


def _activity(b: Built, run: pd.DataFrame, out: pd.DataFrame) -> None:
    by_tech = ["technology", "year"]
    planted = run[by_tech].drop_duplicates()
    act = b.vars["act"].merge(planted, on=by_tech)
    cap = b.vars["cap"].merge(planted, on=by_tech)
    availability = cap["technology"].map(b.p.tech["availability"])
    plant_terms = terms_of(out, -1.0, technology="technology", year="year")
    b.cons["plant_output_in_activity"] = add_constraints(
        b.m, "plant_output_in_activity", pd.concat([
            terms_of(act, 1.0, technology="technology", year="year"), plant_terms]),
        by_tech, ">=", 0.0, "Activity >= the plants' output (M unit/yr)")
    run_availability = run["technology"].map(b.p.tech["availability"])
    b.cons["limit_aggregate_activity"] = add_constraints(
        b.m, "limit_aggregate_activity", pd.concat([
            terms_of(act, 1.0, technology="technology", year="year"), plant_terms,
            terms_of(cap, -availability, technology="technology", year="year"),
            terms_of(run, run_availability * run["size"], technology="technology",
                     year="year")]),
        by_tech, "<=", 0.0, "Activity beyond the plants' output <= availability x "
        "operating capacity beyond the open plants' (M unit/yr)")
