"""One run of a case: build, solve, diagnose infeasibility, collect results, store them."""
from __future__ import annotations

import dataclasses
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from decarb.formulation.build import build_model
from decarb.inputs.cases import Case
from decarb.formulation.built import Built
from decarb.inputs.dataset import Dataset
from decarb.errors import InfeasibleError, Shortfall, SolverError
from decarb.outputs.carbon import carbon_tables
from decarb.outputs.plants import plant_tables
from decarb.outputs.results import result_tables, values, within_plan
from decarb.outputs.support import support_tables
from decarb.outputs.runstore import run_record, write_run
from decarb.solving.resolve import Session
from decarb.solving.conflict import conflict
from decarb.solving.solve import HighsModel, Solution, Status

CAP_KINDS = {"enforce_sector_cap": "sector", "enforce_total_cap": "economy-wide",
             "enforce_cumulative_cap": "cumulative"}
SHORTFALL_TOLERANCE_MTCO2 = 1e-6


@dataclass
class RunResult:
    built: Built
    solution: Solution
    tables: dict[str, pd.DataFrame]
    meta: dict


def run_case(ds: Dataset, session: Session | None = None) -> RunResult:
    """Solve `ds`; raise InfeasibleError naming the caps that cannot be met, or
    SolverError when HiGHS stops without an optimal answer. A `session` keeps the
    model for the next call, which changes it in place where it can (sweeps)."""
    built, solution, in_place = (session or Session()).solve(ds)
    if solution.status is Status.INFEASIBLE:
        raise InfeasibleError(*diagnose(ds))
    if not solution.ok:
        raise SolverError(f"HiGHS stopped without an optimal solution: "
                          f"{solution.status.value} (time limit "
                          f"{ds.settings.time_limit_s:g} s)")
    t1 = time.perf_counter()
    tables = result_tables(built, solution)
    if built.fleet is not None:
        tables.update(plant_tables(built, tables))
    tables.update(carbon_tables(built, solution))
    tables.update(support_tables(built, solution))
    tables = within_plan(tables, ds.settings.end_year)
    times = {**solution.times_s, "results": time.perf_counter() - t1}
    meta = run_meta(ds, solution, times)
    meta["solver"]["model"] = "changed in place and re-solved" if in_place else "built"
    return RunResult(built, solution, tables, meta)


def cap_shortfalls(built: Built) -> list[Shortfall]:
    """The caps a solved model built `with_slack` exceeds, and by how much."""
    shortfalls = []
    for name, kind in CAP_KINDS.items():
        slack = built.vars.get(f"{name}_slack")
        if slack is None:
            continue
        rhs = built.cons[name].set_index(["sector", "year"])["rhs"]
        amount = values(slack)
        for (sector, year), short in zip(slack[["sector", "year"]].itertuples(index=False),
                                         amount):
            if short > SHORTFALL_TOLERANCE_MTCO2:
                shortfalls.append(Shortfall(kind, sector, int(year),
                                            float(rhs[(sector, year)]), float(short)))
    return shortfalls


def diagnose(ds: Dataset) -> tuple[list[Shortfall], str]:
    """Re-solve with penalised slack on every cap; the slack left is the shortfall.
    Where the case stays infeasible, the constraints that clash (solving/conflict.py)."""
    built = build_model(ds, with_slack=True)
    model = HighsModel(built)
    solution = model.solve()
    if not solution.ok:
        clash = conflict(model)
        return [], "infeasible even with every CO2 cap relaxed" + (
            "; HiGHS finds that these cannot all hold (any one of them removed, the rest "
            "can):\n" + "\n".join(f"    {line}" for line in clash) if clash else
            ": demand cannot be met with the capacity, supply limits and technologies given, "
            "or whole units and plant decisions (integer) cannot be set to meet it")
    return cap_shortfalls(built), ("HiGHS found the case infeasible, yet with slack on the caps no cap "
                        "needs any: likely numerical trouble; check for extreme coefficients")


def run_meta(ds: Dataset, solution: Solution, times: dict[str, float]) -> dict:
    return {
        "settings": dataclasses.asdict(ds.settings),
        "input_hash": ds.input_hash,
        "versions": {"decarb": version("decarb"), "pyomo": version("pyomo"),
                     "highspy": version("highspy"), "pandas": version("pandas"),
                     "python": platform.python_version()},
        "solver": {"name": solution.solver, "status": solution.status.value,
                   "objective_mjpy": solution.objective_mjpy, "mip": solution.is_mip,
                   "mip_gap": solution.mip_gap, "mip_gap_limit": (
                       ds.settings.mip_gap if solution.is_mip else None),
                   "mip_bound_mjpy": solution.mip_bound_mjpy,
                   "mip_method": solution.mip_method,
                   "duals": ("from the LP with the integer decisions fixed"
                             if solution.is_mip else "from the LP"),
                   **({"support_modes": "the firms' choice: least private cost among the "
                                        "plans of least resource cost (a second solve)"}
                      if solution.firms_choice else {})},
        "times_s": {k: round(float(v), 4) for k, v in times.items()},
        "warnings": [str(w) for w in ds.warnings],
        "units": "money in BJPY, emissions in Mt-CO2/yr, quantities in millions of each "
                 "commodity's unit per year (Mt or PJ), MAC in JPY/t-CO2 of its year",
    }



def run_and_store(ds: Dataset, destination: Path, name: str, case: Case | None = None,
                  data: Path | None = None, load_s: float = 0.0,
                  session: Session | None = None, replace: bool = False,
                  command: str | None = None,
                  more: Callable[[RunResult], dict[str, pd.DataFrame]] | None = None
                  ) -> tuple[Path, RunResult]:
    """Solve `ds` (in `session`'s model where it can) and write its run folder (tables +
    run.json, with the `command` line that asked for it, and the tables `more` makes of
    the result); errors pass through, leaving nothing written. An earlier run at
    `destination` is replaced only with `replace`."""
    result = run_case(ds, session)
    if more is not None:
        result.tables.update(more(result))
    result.meta = {**run_record(name, case=case.resolved() if case else None,
                                command=command),
                   **result.meta, "data": str(data.resolve()) if data else None}
    result.meta["times_s"] = {"load_and_validate": round(load_s, 4), **result.meta["times_s"]}
    return write_run(destination, result.tables, result.meta, replace), result
