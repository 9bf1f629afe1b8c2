"""Committed builds in aggregate mode: the switch and build events of committed.csv as
builds fixed at their capacity (plant/committed.py `aggregate_builds`).

Per event s, its technology k and model year y:
  committed[s,k,y] = capacity_s                                     (M unit/yr)
a build on a site of its own (from_technology "committed:<project>"): installed,
retired for good and kept in service as any build (capacity.py), through the growth
limits on top of the pace (capacity.py `committed_in`), at its own capex under one
support mode, its award (investment.py `aggregate_modes`), paid from the award's
programme and within its budget. What close and switch events take out of existing
capacity is parameters.py's (`committed.exits`).
"""
from __future__ import annotations

from decarb.formulation.built import Built
from decarb.formulation.components.brownfield import KEYS
from decarb.formulation.linear import add_var
from decarb.formulation.plant import committed


def add(b: Built) -> None:
    built = committed.aggregate_builds(b.ds, b.p)
    if built.empty:
        return
    fixed = add_var(b.m, "committed_build", built[KEYS], "Capacity an announced event "
                    "builds in the year, fixed (M unit/yr)").merge(built, on=KEYS)
    for var, capacity in zip(fixed["var"], fixed["capacity_m_per_yr"]):   # a few events
        var.fix(capacity)
    b.vars["committed_build"] = fixed
