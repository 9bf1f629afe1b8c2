"""Plant mode in the model: which technology each plant runs, and its switches.

Formulation section 7. Per plant p, technology k, year y:
  run[p,k,y] in {0,1};  x[p,a->b,y,m] in {0,1} per support mode m;
  sw[p,a->b,y] = sum_m x[p,a->b,y,m]
  run[p,k,y] <= run[p,k,y-1] + sum_a sw[p,a->k,y] - sum_b sw[p,k->b,y]
                                         (run[p,o,y0-1] = 1: a plant as it stands)
  sum_b sw[p,k->b,y] <= run[p,k,y-1]    switch only out of what ran (no chain in a year)
  run[p,k,y] >= sum_a sw[p,a->k,y]      a switch runs what it switched to that year
Summed over k the first gives sum_k run[p,k,y] <= 1: one technology, or closed.
  cap[k,y] <= residual + builds + sum_p S_pk run[p,k,y]  (capacity.py)
  identical plants p_i, p_i+1: sum_y run[p_i,o,y] >= sum_y run[p_i+1,o,y]
A plant whose run is 0 in every technology is closed, for good: nothing can
switch into a technology that did not run. Edges not in transitions.csv have
no variable. A committed event (committed.py) fixes runs and its switch at 1.
The capital charge of a switch, net of its support, is the investment
component's (incentives.py); relining, stranded value and closing: upkeep.py.
With integer_units = false the binaries are relaxed to [0, 1].
"""
from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo

from decarb.formulation.built import Built
from decarb.formulation.linear import add_constraints, add_var, terms_of
from decarb.formulation.plant import committed, upkeep
from decarb.formulation.plant.fleet import prepare_fleet
from decarb.formulation.plant.incentives import CREDITS, KEYS, credit_rows, switch_modes

PLANT_YEAR = ["plant", "technology", "year"]


def add(b: Built) -> None:
    ds, p, m = b.ds, b.p, b.m
    fleet = prepare_fleet(ds, p)
    b.fleet = fleet
    domain = pyo.Binary if ds.settings.integer_units else pyo.UnitInterval
    run = add_var(m, "plant_run", fleet.runs[PLANT_YEAR], "Plant runs the technology in "
                  "the year (1/0)", domain=domain).merge(fleet.runs, on=PLANT_YEAR).merge(
        fleet.plants[["plant", "origin", "start_year", "existing"]], on="plant")
    modes = committed.modes(switch_modes(ds, p, fleet.switches), fleet.switches)
    switch = add_var(m, "plant_switch", modes[list(KEYS) + ["mode"]], "Plant switches "
                     "along the edge in the year under the support mode (1/0)", domain=domain)
    switch = switch.merge(modes, on=list(KEYS) + ["mode"]).merge(
        fleet.switches[list(KEYS) + ["kind", "committed"]], on=list(KEYS))
    credit = add_var(m, "plant_credit", switch.loc[switch["incentive"].isin(CREDITS),
                                                   list(KEYS) + ["mode"]],
                     "Tax credit claimed for the switch (MJPY)")
    credit = credit.merge(switch[list(KEYS) + ["mode", "max_credit_mjpy", "incentive"]],
                          on=list(KEYS) + ["mode"])
    b.vars.update(plant_run=run, plant_switch=switch, plant_credit=credit,
                  plant_support=pd.concat([switch, credit_rows(credit)], ignore_index=True))
    b.capacity_sources.append(terms_of(run, "size", technology="technology", year="year"))

    _states(b, run, switch)
    _credit_limit(b, switch, credit)
    _symmetry(b, run)
    _force(fleet.forced, run, switch)
    upkeep.add(b, run, switch)


def _states(b: Built, run: pd.DataFrame, switch: pd.DataFrame) -> None:
    m, years = b.m, b.p.years
    following = dict(zip(years[:-1], years[1:]))
    previous = run.assign(year=run["year"].map(following)).dropna(subset=["year"]) \
        .astype({"year": int})
    as_it_stands = run.loc[(run["technology"] == run["origin"]) & run["existing"]
                           & (run["year"] == years[0]), PLANT_YEAR].assign(rhs=1.0)
    leaving = switch.loc[switch["from_technology"] != committed.GREENFIELD]
    b.cons["plant_follow_switches"] = add_constraints(
        m, "plant_follow_switches", pd.concat([
            terms_of(run, 1.0, plant="plant", technology="technology", year="year"),
            terms_of(previous, -1.0, plant="plant", technology="technology", year="year"),
            terms_of(switch, -1.0, plant="plant", technology="technology", year="year"),
            terms_of(leaving, 1.0, plant="plant", technology="from_technology",
                     year="year")]),
        PLANT_YEAR, "<=", as_it_stands,
        "Runs the technology only if it ran last year or was switched to (1/0)")
    out = leaving[["plant", "from_technology", "year"]].drop_duplicates().rename(
        columns={"from_technology": "technology"})
    b.cons["plant_switch_from_running"] = add_constraints(
        m, "plant_switch_from_running", pd.concat([
            terms_of(leaving, 1.0, plant="plant", technology="from_technology", year="year"),
            terms_of(previous.merge(out, on=PLANT_YEAR), -1.0, plant="plant",
                     technology="technology", year="year")]),
        PLANT_YEAR, "<=", as_it_stands.merge(out, on=PLANT_YEAR),
        "Switches out of a technology <= it ran last year (1/0)")
    arrived = run.merge(switch[PLANT_YEAR].drop_duplicates(), on=PLANT_YEAR)
    b.cons["plant_run_what_switched_to"] = add_constraints(
        m, "plant_run_what_switched_to", pd.concat([
            terms_of(arrived, 1.0, plant="plant", technology="technology", year="year"),
            terms_of(switch, -1.0, plant="plant", technology="technology", year="year")]),
        PLANT_YEAR, ">=", 0.0, "Runs the technology in the year it switched to it (1/0)")


def _force(forced: pd.DataFrame, run: pd.DataFrame, switch: pd.DataFrame) -> None:
    """Committed events: the runs they force and their switches, at 1."""
    for var in run.merge(forced, on=PLANT_YEAR)["var"]:
        var.setlb(1.0)
    for var in switch.loc[switch["committed"].astype(bool), "var"]:
        var.setlb(1.0)


def _credit_limit(b: Built, switch: pd.DataFrame, credit: pd.DataFrame) -> None:
    if credit.empty:
        return
    keys = list(KEYS) + ["mode"]
    chosen = switch.merge(credit[keys], on=keys)
    b.cons["plant_credit_if_chosen"] = add_constraints(
        b.m, "plant_credit_if_chosen", pd.concat([
            terms_of(credit, 1.0, **{k: k for k in keys}),
            terms_of(chosen, -chosen["max_credit_mjpy"], **{k: k for k in keys})]),
        keys, "<=", 0.0, "Credit claimed <= credit rate x eligible investment, if the "
        "credit is the switch's incentive (MJPY)")


def _symmetry(b: Built, run: pd.DataFrame) -> None:
    """Identical plants keep their origin in order of their name (any solution
    can be permuted into this one, so the optimum is kept). Plants with a committed
    event are no one's twin."""
    plants = b.fleet.plants.sort_values("plant")
    plants = plants.loc[plants["existing"]
                        & ~plants["plant"].isin(committed.events(b.ds, b.p)["plant"])]
    same = ["sector", "origin", "size", "next_reline_year"]
    plants = plants.assign(rank=plants.groupby(same).cumcount())
    plants = plants.merge(plants.assign(rank=plants["rank"] - 1)[same + ["rank", "plant"]],
                          on=same + ["rank"], suffixes=("", "_next"))
    if plants.empty:
        return
    pairs = plants[["plant", "plant_next"]]
    stay = run.loc[run["technology"] == run["origin"], ["plant", "var"]]
    terms = pd.concat([pairs.merge(stay, on="plant").assign(coef=1.0),
                       pairs.merge(stay.rename(columns={"plant": "plant_next"}),
                                   on="plant_next").assign(coef=-1.0)])
    b.cons["plant_symmetry"] = add_constraints(
        b.m, "plant_symmetry", terms_of(terms, "coef", plant="plant",
                                        plant_next="plant_next"),
        ["plant", "plant_next"], ">=", 0.0,
        "Years on the origin technology: a plant >= the next identical one (yr)")
