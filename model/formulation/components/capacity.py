"""Capacity and vintages: builds, installed capacity, retirement, activity limits.

Formulation section 2 and the growth limits of section 3, as TIMES, MESSAGEix
and PyPSA treat capacity (M unit/yr). With plants[k,y] = sum_p size[p] * run[p,k,y]
in plant mode (plant/switching.py; 0 otherwise), installed capacity is
cap[k,y] + plants[k,y], and:
  cap[k,y] <= residual[k,y] + sum(build[k,v] for v <= y < v + life[k])
  cap[k,y] - cap[k,y-] <= build[k,y] + max(0, residual[k,y] - residual[k,y-])
  build[k,y] <= cap[k,y]
  act[k,y] <= availability[k] * (cap[k,y] + plants[k,y])
  new[k,y] = unit_size[k] * units[k,y]        (units integer, where a size is given)
  units[k,y] <= ceil(max demand[output, y..y+life) / (availability * unit_size))
  build[k,y] <= ((1+g)^dt - 1) * installed[k,y-] + seed * sum_{i<dt} (1+g)^i
  installed[k,y] <= (1+g)^dt * installed[k,y-] + seed * sum_{i<dt} (1+g)^i
                    + committed[k,y]
                     (built in whole units, or diffusing (g > 0) where plants run it;
                     committed: what committed.csv events bring into k in y)
  cost: fixed O&M x installed capacity (an open plant's included)
(y- is the previous model year, dt = y - y-; in the first model year installed[k,y-] is
the existing capacity; build[k,y] = new[k,y] on new sites + sum_j rebuilt[j,k,y] on the
sites of retiring j, brownfield.py, + the committed builds of aggregate mode,
committed_builds.py, which the build-rate limit does not count.) Installed capacity pays
fixed O&M whether it runs or not, so idling saves only running costs; capacity taken out
of service (early retirement) never returns: it grows only by builds or by the
existing-capacity data (plants open and close by their own rules), so nothing is built
ahead and mothballed for free; what is built in a year is installed that year (a unit is
not bought and partly retired at once). Growth limits bound builds, which bounds
installed capacity too; where plants may switch into a diffusing technology, its
installed capacity is bounded as well. A technology built in whole units has its
installed capacity bounded instead, so units come as the pace allows whole ones (the
Japan data's seeds are one unit a year). Committed events are facts, not choices: the
capacity they bring is let through the diffusion limit on top.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from decarb.formulation.built import Built
from decarb.formulation.components.brownfield import builds, chosen
from decarb.formulation.linear import add_constraints, add_var, terms_of
from decarb.formulation.plant import committed
from decarb.formulation.parameters import vintages_of

KEYS = ["technology", "year"]


def add(b: Built) -> None:
    p, m = b.p, b.m
    new = add_var(m, "new", p.builds, "New capacity built in the year (M unit/yr)")
    b.vars["new"] = new
    made = builds(b)   # on new sites, rebuilt on old ones (brownfield.py) and committed
    built_alive = vintages_of(made[KEYS].drop_duplicates(), p.years, p.tech["life_yr"]) \
        .merge(made.rename(columns={"year": "vintage"}), on=["technology", "vintage"])
    sources = plant_capacity(b)
    cap = add_var(m, "cap", pd.concat([built_alive[KEYS], p.residual[KEYS]]).drop_duplicates(),
                  "Installed capacity besides plants: existing and built, standing and not "
                  "retired, paying fixed O&M (M unit/yr)")
    act = add_var(m, "act", pd.concat([cap[KEYS], sources[KEYS]]).drop_duplicates(),
                  "Activity: output of the main product (M unit/yr)")
    b.vars.update(cap=cap, act=act)

    b.cons["limit_installed_capacity"] = add_constraints(
        m, "limit_installed_capacity",
        pd.concat([terms_of(cap, 1.0, **_keys()), terms_of(built_alive, -1.0, **_keys())]),
        KEYS, "<=", p.residual.rename(columns={"capacity_m_per_yr": "rhs"}),
        "Installed capacity <= existing capacity left + builds within life (M unit/yr)")
    _retire_for_good(b, cap, made)
    built_in = cap.merge(made[KEYS].drop_duplicates())   # years with builds
    b.cons["install_builds_in_their_year"] = add_constraints(
        m, "install_builds_in_their_year",
        pd.concat([terms_of(made, 1.0, **_keys()), terms_of(built_in, -1.0, **_keys())]),
        KEYS, "<=", 0.0, "Builds of the year <= installed capacity besides plants: "
        "nothing is bought and retired at once (M unit/yr)")

    b.cons["limit_activity"] = add_constraints(
        m, "limit_activity",
        pd.concat([terms_of(act, 1.0, **_keys()),
                   installed_terms(b, -p.tech["availability"])]),
        KEYS, "<=", 0.0, "Activity <= availability x installed capacity, open plants "
        "included (M unit/yr)")

    _whole_units(b, new)
    _growth(b, made.loc[chosen(made)], sources)   # committed builds are facts

    fom = installed_terms(b, 1.0).merge(
        p.costs[["technology", "year", "fixed_om_jpy_per_unit_yr"]], on=KEYS)
    fom["fixed_om_jpy_per_unit_yr"] *= fom["coef"]   # per unit of a plant's run: its size
    b.add_flow_cost("fixed_om", fom.assign(sector=fom["technology"].map(p.tech["sector"])),
                    "fixed_om_jpy_per_unit_yr")


def _keys() -> dict[str, str]:
    return {"technology": "technology", "year": "year"}


def plant_capacity(b: Built) -> pd.DataFrame:
    """Capacity of the plants running each technology (plant mode; empty otherwise):
    technology, year, var, coef (M unit/yr per unit of var)."""
    if not b.capacity_sources:
        return pd.DataFrame(columns=KEYS + ["var", "coef"])
    return pd.concat(b.capacity_sources, ignore_index=True)[KEYS + ["var", "coef"]]


def installed_terms(b: Built, coef: pd.Series | float, shift: bool = False) -> pd.DataFrame:
    """Terms of installed capacity (technology, year, var, coef): `cap` (existing and built)
    and the plants running the technology, times `coef` (a number or a Series by
    technology). With `shift`, each year's terms are keyed on the next model year (the
    y- terms of a row of year y)."""
    terms = pd.concat([b.vars["cap"][KEYS + ["var"]].assign(coef=1.0), plant_capacity(b)],
                      ignore_index=True)
    factor = terms["technology"].map(coef) if isinstance(coef, pd.Series) else coef
    terms = terms.assign(coef=terms["coef"] * factor)
    return previous_year(terms, b.p.years) if shift else terms


def previous_year(table: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """`table` (technology, year, ...) with the model year after each as `year`: the
    rows a y- term of a constraint keyed on the later year takes."""
    following = dict(zip(years[:-1], years[1:]))
    later = table.assign(year=table["year"].map(following)).dropna(subset=["year"])
    return later.astype({"year": int})


def _retire_for_good(b: Built, cap: pd.DataFrame, made: pd.DataFrame) -> None:
    """Installed capacity rises only by this year's builds and an increase of the
    existing-capacity data: what was retired stays retired (plants close by their own
    rules, plant/switching.py)."""
    p = b.p
    earlier = previous_year(cap, p.years)
    rows = cap[KEYS].merge(earlier[KEYS])   # years whose previous year has capacity too
    residual = cap[KEYS].merge(p.residual, how="left").fillna({"capacity_m_per_yr": 0.0})
    residual_before = previous_year(residual, p.years).rename(
        columns={"capacity_m_per_yr": "before"})
    rhs = rows.merge(residual, how="left").merge(residual_before, how="left").fillna(0.0)
    rhs["rhs"] = (rhs["capacity_m_per_yr"] - rhs["before"]).clip(lower=0.0)
    terms = pd.concat([terms_of(cap, 1.0, **_keys()), terms_of(earlier, -1.0, **_keys()),
                       terms_of(made, -1.0, **_keys())])
    b.cons["retire_for_good"] = add_constraints(
        b.m, "retire_for_good", terms.merge(rows), KEYS, "<=", rhs,
        "Installed capacity - last year's <= builds + rise of existing capacity (M unit/yr)")


def _whole_units(b: Built, new: pd.DataFrame) -> None:
    size = b.p.tech["unit_size_m_per_yr"]
    lumpy = new.loc[new["technology"].map(size).notna()]
    if lumpy.empty:
        return
    domain = pyo.NonNegativeIntegers if b.ds.settings.integer_units else pyo.NonNegativeReals
    units = add_var(b.m, "units", lumpy[KEYS], "Whole units built in the year (count)",
                    domain=domain)
    most = units.merge(most_units(b), on=KEYS, how="left")["most"]
    for var, bound in zip(units["var"], most):
        if bound == bound:   # not NaN
            var.setub(bound)
    b.vars["units"] = units
    b.cons["build_whole_units"] = add_constraints(
        b.m, "build_whole_units",
        pd.concat([terms_of(lumpy, 1.0, **_keys()),
                   terms_of(units, -units["technology"].map(size), **_keys())]),
        KEYS, "==", 0.0, "New capacity = unit size x whole units (M unit/yr)")


def most_units(b: Built) -> pd.DataFrame:
    """The most whole units of a build that can be of use (technology, year, most):
    enough to meet alone the largest demand for its output while it stands,
    ceil(max demand / (availability x unit size)). Only for a technology whose
    output is a product no technology uses and which makes nothing else: more
    units than that would stand idle and, capex being >= 0, cost without use."""
    p, ds = b.p, b.ds
    tech = p.tech.loc[p.tech["unit_size_m_per_yr"].notna() & (p.tech["availability"] > 0)]
    flows = ds.technology_flows
    used = set(flows.loc[flows["direction"] == "in", "commodity"])
    makes_more = set(flows.loc[flows["direction"] == "out", "technology"])
    tech = tech.loc[~tech["output"].isin(used) & ~tech.index.isin(makes_more)]
    alive = p.vintages.loc[p.vintages["technology"].isin(tech.index)]
    demand = alive.assign(commodity=alive["technology"].map(tech["output"])).merge(
        ds.demand[["commodity", "year", "demand_m_per_yr"]], on=["commodity", "year"])
    peak = demand.groupby(["technology", "vintage"], as_index=False)["demand_m_per_yr"].max()
    size = peak["technology"].map(tech["unit_size_m_per_yr"] * tech["availability"])
    return peak.assign(most=np.ceil(peak["demand_m_per_yr"] / size - 1e-9)).rename(
        columns={"vintage": "year"})[["technology", "year", "most"]]


def _growth(b: Built, made: pd.DataFrame, sources: pd.DataFrame) -> None:
    """Per growth-limited technology and model year, the growth factor (1+g)^dt and the
    seed compounded over dt years; the installed capacity before the first model year
    is the existing capacity then (in plant mode with the plants standing then)."""
    tech, years = b.p.tech, b.p.years
    rate = tech["max_growth_per_yr"].dropna()
    if rate.empty:
        return
    span = dict(zip(years, np.diff(years, prepend=years[0] - b.p.step)))
    grid = pd.DataFrame({"technology": rate.index}).merge(pd.DataFrame({"year": years}),
                                                          how="cross")
    g, dt = grid["technology"].map(rate), grid["year"].map(span)
    grid["factor"] = (1 + g) ** dt
    seed = grid["technology"].map(tech["growth_seed_m_per_yr"])
    grid["seed"] = seed * np.where(g > 0, (grid["factor"] - 1) / g.where(g > 0, 1.0), dt)
    first = grid.loc[grid["year"] == years[0]].merge(b.p.residual, how="left") \
        .fillna({"capacity_m_per_yr": 0.0})
    existing = grid["technology"].map(dict(zip(first["technology"],
                                               first["capacity_m_per_yr"])))
    if b.fleet is not None:   # the plants standing then are existing capacity too
        plants = b.fleet.plants.loc[b.fleet.plants["start_year"] <= years[0]]
        existing = existing.fillna(0.0) + grid["technology"].map(
            plants.groupby("origin")["size"].sum()).fillna(0.0)
    at_start = (grid["year"] == years[0]).to_numpy()
    earlier = installed_terms(b, 1.0, shift=True).merge(grid[KEYS + ["factor"]])

    lumpy = grid["technology"].map(tech["unit_size_m_per_yr"]).notna().to_numpy()
    builds = made.merge(grid.loc[~lumpy, KEYS])
    base = earlier.merge(builds[KEYS].drop_duplicates())
    b.cons["limit_build_rate"] = add_constraints(
        b.m, "limit_build_rate",
        pd.concat([terms_of(builds, 1.0, **_keys()),
                   terms_of(base, base["coef"] * (1.0 - base["factor"]), **_keys())]),
        KEYS, "<=", grid.assign(rhs=grid["seed"] + np.where(
            at_start, (grid["factor"] - 1) * existing, 0.0)),
        "New capacity <= ((1+g)^dt - 1) x last year's installed + seed (M unit/yr)")

    diffusing = grid.loc[lumpy | ((g > 0).to_numpy()
                                  & grid["technology"].isin(sources["technology"]))]
    if diffusing.empty:
        return
    installed = installed_terms(b, 1.0).merge(diffusing[KEYS])
    earlier = earlier.merge(diffusing[KEYS])
    b.cons["limit_growth"] = add_constraints(
        b.m, "limit_growth",
        pd.concat([terms_of(installed, "coef", **_keys()),
                   terms_of(earlier, -earlier["coef"] * earlier["factor"], **_keys())]),
        KEYS, "<=", diffusing.assign(rhs=diffusing["seed"] + committed_in(b, diffusing)
                                     + np.where(at_start[diffusing.index], diffusing["factor"]
                                                * existing[diffusing.index], 0.0)),
        "Installed capacity <= (1+g)^dt x last year's + seed + committed capacity "
        "arriving (M unit/yr)")


def committed_in(b: Built, rows: pd.DataFrame) -> np.ndarray:
    """Per row (technology, year), the capacity committed events bring into the
    technology that year (M unit/yr): the plants they switch or build (plant mode), or
    the committed builds (aggregate mode)."""
    fixed = b.vars.get("committed_build")
    if b.fleet is not None:
        added = committed.arriving(b.ds, b.p, b.fleet.runs)
    elif fixed is not None:
        added = fixed.groupby(KEYS)["capacity_m_per_yr"].sum()
    else:
        return np.zeros(len(rows))
    return added.reindex(pd.MultiIndex.from_frame(rows[KEYS])).fillna(0.0).to_numpy()
