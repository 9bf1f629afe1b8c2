"""Myopic foresight: planning in rolling windows (formulation section 10).

`decarb run --foresight W --step S`: a planner who sees W years ahead plans the
window [t, t + W) as a run would (the dataset cut at the window's last year, so
nothing after it is known or charged), keeps the investment decisions of its
first S years (`extensive.FIRST_STAGE`: builds, whole units, support modes,
plant switches and credits), and moves on to t + S with them fixed, until the
horizon is covered. The plan so made is then run over the whole horizon with
every investment held, which gives its true cost and the capacity it strands,
beside the perfect-foresight run of the same case.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from decarb.errors import InfeasibleError, InputError, Problem, SolverError
from decarb.formulation.build import build_model
from decarb.formulation.built import Built
from decarb.formulation.extensive import first_stage_tables
from decarb.inputs.dataset import Dataset
from decarb.inputs.schema import TABLES
from decarb.outputs.results import BJPY_PER_MJPY, result_tables
from decarb.solving.solve import Solution, Status, solve
from decarb.workflow.stochastic import key_columns, key_text, plan_of

FORESIGHT_TABLE = "foresight"


@dataclass
class Myopic:
    built: Built                 # the whole horizon with the myopic plan held
    solution: Solution
    tables: dict[str, pd.DataFrame]
    plan: pd.DataFrame           # family, key, year, value
    perfect: dict[str, pd.DataFrame]   # the perfect-foresight run's tables
    perfect_objective_mjpy: float


def window_dataset(ds: Dataset, last_year: int) -> Dataset:
    """`ds` as a planner who sees up to `last_year` has it: the horizon ends there."""
    cut = {t.name: getattr(ds, t.name).loc[getattr(ds, t.name)["year"] <= last_year]
           for t in TABLES if "year" in getattr(ds, t.name).columns}
    return replace(ds, settings=replace(ds.settings, end_year=last_year), **cut)


def hold(b: Built, plan: pd.DataFrame, before: int) -> None:
    """Fix the investment decisions of years before `before` at `plan` (0 where it has
    no row): what earlier windows decided."""
    value = dict(zip(zip(plan["family"], plan["key"]), plan["value"]))
    for name, table in first_stage_tables(b, before - 1).items():
        for key, var in zip(key_text(table, key_columns(table)), table["var"]):
            x = value.get((name, key), 0.0)
            var.fix(round(x) if var.is_integer() else x)


def _solved(b: Built, what: str) -> Solution:
    solution = solve(b)
    if solution.status is Status.INFEASIBLE:
        raise InfeasibleError([], f"{what} is infeasible with the decisions already made "
                                  "(myopic plans can leave later caps out of reach)")
    if not solution.ok:
        raise SolverError(f"{what}: HiGHS stopped without an optimal solution "
                          f"({solution.status.value})")
    return solution


def run_myopic(ds: Dataset, window: int, step: int) -> Myopic:
    years = ds.settings.years
    if not 1 <= step <= window:
        raise InputError([Problem("--foresight/--step", None, None, f"{window}/{step}",
                                  "1 <= step <= foresight (years)")])
    plan = plan_of({})
    start = years[0]
    while start <= years[-1]:
        last = max(y for y in years if y <= min(start + window - 1, years[-1]))
        b = build_model(window_dataset(ds, last))
        hold(b, plan, start)
        _solved(b, f"the window {start}-{last}")
        kept = plan_of(first_stage_tables(b, start + step - 1))
        plan = pd.concat([plan, kept.loc[kept["year"] >= start]], ignore_index=True)
        start = next((y for y in years if y >= start + step), years[-1] + 1)
    b = build_model(ds)
    hold(b, plan, years[-1] + 1)
    solution = _solved(b, "the whole horizon")
    tables = result_tables(b, solution)
    perfect_built = build_model(ds)
    perfect = _solved(perfect_built, "the perfect-foresight run")
    perfect_tables = result_tables(perfect_built, perfect)
    tables[FORESIGHT_TABLE] = comparison(tables, perfect_tables, solution.objective_mjpy,
                                         perfect.objective_mjpy)
    return Myopic(b, solution, tables, plan, perfect_tables, perfect.objective_mjpy)


def comparison(myopic: dict[str, pd.DataFrame], perfect: dict[str, pd.DataFrame],
               myopic_mjpy: float, perfect_mjpy: float) -> pd.DataFrame:
    """Cost (BJPY, present value) and capacity stranded (idle or retired early, M unit/yr
    summed over the model years) per technology, myopic against perfect foresight; the
    first row is the total."""
    def stranded(tables):
        made = tables["production"]
        return (made["idle_capacity_m_per_yr"] + made["retired_capacity_m_per_yr"]).groupby(
            made["technology"]).sum()
    both = pd.DataFrame({"myopic": stranded(myopic), "perfect_foresight": stranded(perfect)}) \
        .fillna(0.0)
    both = both.loc[(both.abs() > 1e-9).any(axis=1)].reset_index(names="item")
    total = pd.DataFrame([{"item": "cost_bjpy", "myopic": myopic_mjpy * BJPY_PER_MJPY,
                           "perfect_foresight": perfect_mjpy * BJPY_PER_MJPY}])
    both["item"] = "stranded_m_per_yr:" + both["item"]
    table = pd.concat([total, both], ignore_index=True)
    return table.assign(difference=table["myopic"] - table["perfect_foresight"])
