"""`mpiexec -n K decarb stochastic ... --ph`: the two-stage plan by progressive hedging.

For scenario sets too large for one extensive form, mpi-sppy (Pyomo's stochastic
programming library) runs progressive hedging over MPI: each of the K processes
builds and solves its share of the scenarios (each the normal build of its case,
with the same recourse as the extensive form), and the first-stage decisions
(`extensive.FIRST_STAGE` up to the decision year) that every scenario has (one
that some scenario lacks, such as a rebuild a draw's capex does not make worth
offering, is held at 0, as the extensive form holds it) are pulled together by
penalties until every scenario agrees with their probability-weighted mean
(x-bar) within the tolerance. HiGHS solves the subproblems (Pyomo's `highs`
interface, which takes PH's quadratic proximal term).

rho (the penalty per unit of disagreement squared) is cost-proportional: per
decision, `rho_factor` x |its coefficient in the scenario's objective| (1 MJPY
per unit where it has none), so builds with large capital charges are pulled
together as firmly as small ones.

PH then gives a plan (x-bar), not a cost: each process holds that plan in its
scenarios and solves them, so RP is the expected cost of the plan PH found; WS
is each scenario solved alone, EVPI = RP - WS. With the extensive form's own
tolerance both give the same plan and RP (`tests/test_hedging.py`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from decarb.errors import InputError, Problem, SolverError
from decarb.formulation.build import build_model
from decarb.formulation.built import Built
from decarb.formulation.extensive import first_stage_tables
from decarb.inputs.dataset import Dataset
from decarb.outputs.results import BJPY_PER_MJPY
from decarb.outputs.runstore import staged
from decarb.solving.solve import HighsModel
from decarb.workflow.foresight import hold
from decarb.workflow.stochastic import (RECOURSE_COLUMNS, key_columns, key_text, penalty_mjpy,
                                        plan_of, recourse_used)
from decarb.workflow.stochastic_set import (PLAN_FILE, RECOURSE_FILE, REPORT_FILE, SET_FILE,
                                            TABLE_FILE, write_report)

SOLVER = "highs"        # pyomo.contrib.solver's HiGHS: takes PH's quadratic proximal term
NO_COEFFICIENT_RHO = 1.0


@dataclass(frozen=True)
class Hedging:
    """Options of progressive hedging."""

    iterations: int = 200           # at most
    tolerance: float = 1e-4         # mean |x - x-bar| over decisions (M unit/yr or count)
    rho_factor: float = 1.0


@dataclass
class HedgedPlan:
    """What rank 0 learns: the plan, and per scenario its cost under it and alone."""

    names: list[str]
    probabilities: np.ndarray
    plan: pd.DataFrame              # family, key, year, value
    costs_mjpy: np.ndarray          # under the plan
    ws_mjpy: np.ndarray             # each scenario alone
    penalties_mjpy: np.ndarray      # the recourse part of costs_mjpy
    recourse: list[pd.DataFrame]
    iterations: int
    convergence: float
    ranks: int

    @property
    def rp_mjpy(self) -> float:
        return float(self.probabilities @ self.costs_mjpy)

    @property
    def ws_total_mjpy(self) -> float:
        return float(self.probabilities @ self.ws_mjpy)


def mpi_modules():
    """mpi4py's MPI and mpi-sppy's PH, or a clear error naming the extra to install."""
    try:
        from mpi4py import MPI
        from mpisppy.opt.ph import PH
        from mpisppy.utils import sputils
    except ImportError as error:
        raise InputError([Problem("--ph", None, None, str(error),
                                  "mpi-sppy and mpi4py with an MPI library: "
                                  "pip install 'decarb[mpi]' (and e.g. Debian's openmpi-bin)")])
    return MPI, PH, sputils


def run_hedging(names: list[str], probabilities: list[float], read: Callable[[str], Dataset],
                decision_year: int, recourse: bool = True,
                options: Hedging = Hedging()) -> HedgedPlan | None:
    """Progressive hedging over the MPI processes this was started in; the result on
    rank 0 (None on the others). `read(name)` is scenario `name`'s dataset, read only
    by the process that builds it."""
    MPI, PH, sputils = mpi_modules()
    comm = MPI.COMM_WORLD
    probability = dict(zip(names, probabilities))
    # The scenarios of this process, as mpi-sppy deals them out, built first so that
    # the processes can agree on the decisions every scenario has before PH starts.
    _, slices, _ = sputils._ScenTree(["ROOT"], names).scen_names_to_ranks(comm.size)
    built = {names[i]: build_model(read(names[i]), recourse=recourse)
             for i in slices[comm.rank]}
    decisions = {name: _decisions(b, decision_year) for name, b in built.items()}
    keys = [set(d) for d in decisions.values()]
    common = sorted(set.intersection(*[k for part in comm.allgather(keys) for k in part]))

    def scenario_creator(name: str):
        b, own = built[name], decisions[name]
        for key, var in own.items():   # a decision some scenario lacks: 0, as the
            if key not in common:      # extensive form holds it
                var.fix(0)
        sputils.attach_root_node(b.m, b.m.total_cost, [own[k] for k in common])
        b.m._mpisppy_probability = probability[name]
        return b.m

    ph = PH({"solver_name": SOLVER, "PHIterLimit": options.iterations,
             "defaultPHrho": NO_COEFFICIENT_RHO, "convthresh": options.tolerance,
             "verbose": False, "display_progress": False, "toc": False,
             "iter0_solver_options": {}, "iterk_solver_options": {}},
            names, scenario_creator, mpicomm=comm,
            rho_setter=lambda model: _cost_proportional_rho(model, built,
                                                             options.rho_factor))
    conv, _, _ = ph.ph_main(finalize=False)
    xbar = _consensus(ph, built, decisions, common, decision_year)
    iterations = ph._PHIter
    local = []
    for name, b in built.items():
        local.append(_evaluate(name, b.ds, xbar, decision_year, recourse))
    gathered = comm.gather(local, root=0)
    if comm.rank != 0:
        return None
    by_name = {row[0]: row for part in gathered for row in part}
    rows = [by_name[n] for n in names]
    return HedgedPlan(names, np.array(probabilities), xbar,
                      np.array([r[1] for r in rows]), np.array([r[2] for r in rows]),
                      np.array([r[3] for r in rows]), [r[4] for r in rows],
                      iterations, float(conv), comm.size)


def _cost_proportional_rho(model, built: dict[str, Built], factor: float) -> list:
    """(id(var), rho) per first-stage decision: factor x |objective coefficient|."""
    b = next(b for b in built.values() if b.m is model)
    costs = b.cost_table()
    view = b.ds.settings.perspective
    coefficient = pd.Series(costs[view].to_numpy(), index=[id(v) for v in costs["var"]])
    coefficient = coefficient.groupby(level=0).sum().abs()
    node = model._mpisppy_node_list[0]
    return [(id(v), factor * (coefficient.get(id(v), 0.0) or NO_COEFFICIENT_RHO))
            for v in node.nonant_vardata_list]


def _decisions(b: Built, decision_year: int) -> dict[tuple[str, str], object]:
    """The first-stage variables of a built scenario by (family, key text)."""
    return {(name, key): var for name, t in first_stage_tables(b, decision_year).items()
            for key, var in zip(key_text(t, key_columns(t)), t["var"])}


def _consensus(ph, built: dict[str, Built], decisions: dict[str, dict],
               common: list[tuple[str, str]], decision_year: int) -> pd.DataFrame:
    """x-bar as a plan (family, key, year, value), read off a local scenario: PH's
    decisions are `common`, in order; the others are held at 0."""
    name, model = next(iter(ph.local_scenarios.items()))
    xbars = model._mpisppy_model.xbars
    for i, key in enumerate(common):
        decisions[name][key].set_value(xbars[("ROOT", i)]._value, skip_validation=True)
    return plan_of(first_stage_tables(built[name], decision_year))


def _evaluate(name: str, ds: Dataset, plan: pd.DataFrame, decision_year: int,
              recourse: bool) -> tuple:
    """Scenario `name` solved alone (WS), then with the first stage held at `plan`."""
    alone = _solved(build_model(ds, recourse=recourse), f"scenario {name} alone")
    held = build_model(ds, recourse=recourse)
    hold(held, plan, decision_year + 1)
    cost = _solved(held, f"scenario {name} under the hedged plan")
    return name, cost, alone, penalty_mjpy(held), recourse_used(held)


def _solved(b: Built, what: str) -> float:
    solution = HighsModel(b).solve()
    if not solution.ok:
        raise SolverError(f"{what}: {solution.status.value}")
    return solution.objective_mjpy


def figure_table(r: HedgedPlan) -> pd.DataFrame:
    """As `stochastic.csv` of the extensive form, without the EV plan's figures."""
    rows = [{"figure": figure, "scenario": "", "probability": 1.0, "value_bjpy": value}
            for figure, value in (("RP", r.rp_mjpy), ("WS", r.ws_total_mjpy),
                                  ("EVPI", r.rp_mjpy - r.ws_total_mjpy),
                                  ("RP recourse", float(r.probabilities @ r.penalties_mjpy)))]
    for w, name in enumerate(r.names):
        rows += [{"figure": figure, "scenario": name, "probability": r.probabilities[w],
                  "value_bjpy": value} for figure, value in (
            ("cost_hedged", r.costs_mjpy[w]), ("cost_perfect_information", r.ws_mjpy[w]),
            ("regret", r.costs_mjpy[w] - r.ws_mjpy[w]),
            ("recourse_hedged", r.penalties_mjpy[w]))]
    table = pd.DataFrame(rows)
    return table.assign(value_bjpy=table["value_bjpy"] * BJPY_PER_MJPY)


def write_hedged(folder: Path, r: HedgedPlan, base: dict, decision_year: int,
                 recourse: bool, options: Hedging) -> Path:
    """The set folder of a PH run: the files of `stochastic_set` (no run per scenario)."""
    folder.mkdir(parents=True, exist_ok=True)
    with staged(folder / TABLE_FILE) as path:
        figure_table(r).to_csv(path, index=False, float_format="%.10g")
    with staged(folder / PLAN_FILE) as path:
        r.plan.rename(columns={"value": "hedged"}).loc[lambda t: t["hedged"].abs() > 1e-9] \
            .to_csv(path, index=False, float_format="%.10g")
    used = [t.assign(plan="hedged", scenario=n) for n, t in zip(r.names, r.recourse) if len(t)]
    with staged(folder / RECOURSE_FILE) as path:
        (pd.concat(used, ignore_index=True) if used else pd.DataFrame(
            columns=["plan", "scenario", *RECOURSE_COLUMNS])).to_csv(
            path, index=False, float_format="%.10g")
    figures = figure_table(r)
    with staged(folder / SET_FILE) as path:
        path.write_text(json.dumps({
            "base": base, "decision_year": decision_year, "recourse": recourse,
            "method": {"progressive_hedging": {
                "iterations": r.iterations, "convergence": r.convergence,
                "tolerance": options.tolerance, "rho_factor": options.rho_factor,
                "processes": r.ranks, "solver": SOLVER}},
            "scenarios": [{"name": n, "probability": p}
                          for n, p in zip(r.names, r.probabilities.tolist())],
            "figures_bjpy": dict(zip(figures.loc[figures["scenario"] == "", "figure"],
                                     figures.loc[figures["scenario"] == "", "value_bjpy"]))},
            indent=2, default=str) + "\n")
    write_report(folder, folder / REPORT_FILE)
    return folder


def format_hedged(r: HedgedPlan, options: Hedging) -> str:
    table = figure_table(r)
    f = table.loc[table["scenario"] == ""].set_index("figure")["value_bjpy"]
    converged = "converged" if r.convergence < options.tolerance else "stopped at the limit"
    lines = [f"Progressive hedging (mpi-sppy, {r.ranks} processes, HiGHS): {r.iterations} "
             f"iterations, {converged}: mean |x - x-bar| {r.convergence:.3g} "
             f"(tolerance {options.tolerance:g}); {len(r.names)} scenarios (present value, BJPY)",
             f"  RP   (the hedged plan held)     {f['RP']:>14,.1f}",
             f"  WS   (perfect information)      {f['WS']:>14,.1f}",
             f"  EVPI = RP - WS                  {f['EVPI']:>14,.1f}"]
    used = [f"  {n}: " + "; ".join(f"{k} {a:,.3g} {u}" for (k, u), a in t.groupby(
        ["kind", "unit"], sort=False)["amount"].sum().items())
        for n, t in zip(r.names, r.recourse) if len(t)]
    if used:
        lines += ["Recourse used under the hedged plan (recourse.csv):", *used]
    return "\n".join(lines)


def run_and_store(cases: list, reader, folder: Path, base: dict, decision_year: int,
                  recourse: bool, risk_weight: float, tolerance: float,
                  echo: Callable[[str], None]) -> bool:
    """`decarb stochastic --ph`: every process solves its scenarios; the first one
    writes the set and prints the summary (True there, False on the others)."""
    if risk_weight > 0:
        raise InputError([Problem("--risk-weight", None, None, f"{risk_weight:g}",
                                  "0 with --ph (progressive hedging here is risk-neutral; "
                                  "the extensive form takes a CVaR weight)")])
    options = Hedging(tolerance=tolerance)
    by_name = {c.name: c.case for c in cases}
    r = run_hedging(list(by_name), [c.probability for c in cases],
                    lambda name: reader.read(by_name[name].dataset, by_name[name]),
                    decision_year, recourse, options)
    if r is None:
        return False
    write_hedged(folder, r, base, decision_year, recourse, options)
    echo(format_hedged(r, options))
    return True
