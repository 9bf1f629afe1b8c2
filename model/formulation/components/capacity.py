"""Capacity and vintages: builds, retirement of existing plants, activity limits.

Formulation section 2 and the growth limits of section 3:
  cap[k,y] <= residual[k,y] + sum(new[k,v] for v <= y < v + life[k])
              (+ sum_p size[p] * run[p,k,y] in plant mode: plant/switching.py)
  act[k,y] <= availability[k] * cap[k,y]
  new[k,y] = unit_size[k] * units[k,y]        (units integer, where a size is given)
  units[k,y] <= ceil(max demand[output, y..y+life) / (availability * unit_size))
             (where the output is a product only demand uses: see `most_units`)
  cap[k,y] <= (1 + g[k]) ** (y - y_prev) * cap[k,y_prev] + seed[k]
             (first year: existing capacity + seed)
`cap` is operating capacity: capacity standing but not operated is idle
(early retirement or mothballing), pays no fixed O&M, and is reported as
stranded.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from decarb.formulation.built import Built
from decarb.formulation.linear import add_constraints, add_var, terms_of


def add(b: Built) -> None:
    p, m = b.p, b.m
    tech = p.tech
    new = add_var(m, "new", p.builds, "New capacity built in the year (M unit/yr)")
    sources = pd.concat(b.capacity_sources) if b.capacity_sources else \
        pd.DataFrame(columns=["technology", "year", "var", "coef"])
    standing = pd.concat([p.vintages[["technology", "year"]],
                          p.residual[["technology", "year"]],
                          sources[["technology", "year"]]]).drop_duplicates()
    cap = add_var(m, "cap", standing, "Operating capacity (M unit/yr)")
    act = add_var(m, "act", standing, "Activity: output of the main product (M unit/yr)")
    b.vars.update(new=new, cap=cap, act=act)

    built_alive = p.vintages.merge(new.rename(columns={"year": "vintage"}),
                                   on=["technology", "vintage"])
    b.cons["limit_operating_capacity"] = add_constraints(
        m, "limit_operating_capacity",
        pd.concat([terms_of(cap, 1.0, technology="technology", year="year"),
                   terms_of(built_alive, -1.0, technology="technology", year="year"),
                   terms_of(sources, -sources["coef"], technology="technology",
                            year="year")]),
        ["technology", "year"], "<=",
        p.residual.rename(columns={"capacity_m_per_yr": "rhs"}),
        "Operating capacity <= existing capacity left + builds within life + plants "
        "running it (M unit/yr)")

    availability = cap["technology"].map(tech["availability"])
    b.cons["limit_activity"] = add_constraints(
        m, "limit_activity",
        pd.concat([terms_of(act, 1.0, technology="technology", year="year"),
                   terms_of(cap, -availability, technology="technology", year="year")]),
        ["technology", "year"], "<=", 0.0,
        "Activity <= availability x operating capacity (M unit/yr)")

    _whole_units(b, new)
    _growth(b, cap)

    fom = cap.merge(p.costs[["technology", "year", "fixed_om_jpy_per_unit_yr"]],
                    on=["technology", "year"])
    b.add_flow_cost("fixed_om", fom.assign(sector=fom["technology"].map(tech["sector"])),
                    "fixed_om_jpy_per_unit_yr")


def _whole_units(b: Built, new: pd.DataFrame) -> None:
    size = b.p.tech["unit_size_m_per_yr"]
    lumpy = new.loc[new["technology"].map(size).notna()]
    if lumpy.empty:
        return
    domain = pyo.NonNegativeIntegers if b.ds.settings.integer_units else pyo.NonNegativeReals
    units = add_var(b.m, "units", lumpy[["technology", "year"]],
                    "Whole units built in the year (count)", domain=domain)
    most = units.merge(most_units(b), on=["technology", "year"], how="left")["most"]
    for var, bound in zip(units["var"], most):
        if bound == bound:   # not NaN
            var.setub(bound)
    b.vars["units"] = units
    b.cons["build_whole_units"] = add_constraints(
        b.m, "build_whole_units",
        pd.concat([terms_of(lumpy, 1.0, technology="technology", year="year"),
                   terms_of(units, -units["technology"].map(size), technology="technology",
                            year="year")]),
        ["technology", "year"], "==", 0.0,
        "New capacity = unit size x whole units (M unit/yr)")


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


def _growth(b: Built, cap: pd.DataFrame) -> None:
    """In the first model year the limit is the existing capacity plus the seed."""
    tech, years = b.p.tech, b.p.years
    limited = cap.loc[cap["technology"].map(tech["max_growth_per_yr"]).notna()]
    if limited.empty:
        return
    previous = dict(zip(years[1:], years[:-1]))
    before = limited[["technology", "year"]].assign(prev=limited["year"].map(previous)) \
        .merge(limited.rename(columns={"year": "prev"}), on=["technology", "prev"])
    rate = before["technology"].map(tech["max_growth_per_yr"])
    factor = (1 + rate) ** (before["year"] - before["prev"])
    rhs = limited[["technology", "year"]].merge(b.p.residual, how="left").fillna(
        {"capacity_m_per_yr": 0.0})
    first = rhs["year"] == years[0]
    rhs["rhs"] = rhs["technology"].map(tech["growth_seed_m_per_yr"]) \
        + rhs["capacity_m_per_yr"].where(first, 0.0)
    b.cons["limit_growth"] = add_constraints(
        b.m, "limit_growth",
        pd.concat([terms_of(limited, 1.0, technology="technology", year="year"),
                   terms_of(before, -factor, technology="technology", year="year")]),
        ["technology", "year"], "<=", rhs,
        "Operating capacity <= (1+g)^dt x last year's + seed (M unit/yr)")
