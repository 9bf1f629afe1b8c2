"""`decarb stochastic`: a plan decided before the uncertainty resolves, and what it is worth.

From the scenarios (`scenarios.py`) it solves (formulation section 10):
  RP   the two-stage extensive form (`formulation.extensive`): the hedged plan;
  WS   each scenario alone with perfect information, the expected optimum;
  EV   the expected-value problem (every numeric input at its probability-weighted
       mean over the scenarios) for its first-stage plan, and
  EEV  the extensive form with the first stage held at the EV plan;
then VSS = EEV - RP, EVPI = RP - WS and each scenario's regret (its cost under
the hedged plan less its perfect-information optimum). WS <= RP <= EEV always.
With a CVaR weight every figure is the same risk-weighted objective. An EV plan
that some scenario cannot live with (e.g. too little capacity for its demand in
the decision year) makes EEV and VSS infinite, and the scenarios are named.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from decarb.errors import InfeasibleError, InputError, Problem, SolverError
from decarb.formulation.build import build_model
from decarb.formulation.extensive import (Extensive, Risk, Scenario, build_extensive,
                                          first_stage_tables)
from decarb.inputs.dataset import Dataset
from decarb.inputs.schema import TABLES
from decarb.outputs.results import values
from decarb.solving.solve import HighsModel, Solution, Status, solve


@dataclass
class Outcome:
    """One solve of a set of scenarios: the objective, each scenario's cost (MJPY)."""

    objective_mjpy: float
    costs_mjpy: np.ndarray
    plan: pd.DataFrame | None = None     # first stage: family, keys..., value
    extensive: Extensive | None = None
    solution: Solution | None = None


@dataclass
class Stochastic:
    scenarios: list[Scenario]
    decision_year: int
    risk: Risk
    rp: Outcome
    ws: Outcome
    ev_plan: pd.DataFrame
    eev: Outcome | None                  # None: the EV plan is infeasible in some scenario
    eev_infeasible: list[str]

    @property
    def probabilities(self) -> np.ndarray:
        return np.array([s.probability for s in self.scenarios])

    def figures(self) -> dict[str, float]:
        eev = self.eev.objective_mjpy if self.eev is not None else np.inf
        return {"rp_mjpy": self.rp.objective_mjpy, "ws_mjpy": self.ws.objective_mjpy,
                "eev_mjpy": eev, "vss_mjpy": eev - self.rp.objective_mjpy,
                "evpi_mjpy": self.rp.objective_mjpy - self.ws.objective_mjpy}


def risk_objective(costs: np.ndarray, probabilities: np.ndarray, risk: Risk) -> float:
    """sum p cost + lambda CVaR_alpha(cost): the extensive form's objective for given
    scenario costs (CVaR by its minimisation formula over eta in the costs)."""
    expected = float(probabilities @ costs)
    if risk.weight <= 0:
        return expected
    cvar = min(eta + probabilities @ np.maximum(costs - eta, 0) / (1 - risk.alpha)
               for eta in costs)
    return expected + risk.weight * float(cvar)


def run_stochastic(scenarios: list[Scenario], decision_year: int,
                   risk: Risk = Risk()) -> Stochastic:
    ws = _wait_and_see(scenarios, risk)
    ext = build_extensive(scenarios, decision_year, risk)
    rp = _solve_extensive(ext, "the two-stage plan")
    ev_ds = expected_dataset(scenarios)
    ev_built = build_model(ev_ds)
    ev_solution = solve(ev_built)
    if not ev_solution.ok:
        raise SolverError(f"the expected-value problem: {ev_solution.status.value}")
    ev_plan = plan_of(first_stage_tables(ev_built, decision_year))
    fixed = build_extensive(scenarios, decision_year, risk)
    infeasible = hold_first_stage(fixed, ev_plan)
    eev = None
    if not infeasible:
        try:
            eev = _solve_extensive(fixed, "the extensive form with the EV plan")
        except InfeasibleError:
            infeasible = ["(together)"]
    return Stochastic(scenarios, decision_year, risk, rp, ws, ev_plan, eev, infeasible)


def _wait_and_see(scenarios: list[Scenario], risk: Risk) -> Outcome:
    """Each scenario solved alone: the perfect-information optimum of each."""
    costs = []
    for s in scenarios:
        solution = solve(build_model(s.ds))
        if solution.status is Status.INFEASIBLE:
            raise InfeasibleError([], f"scenario {s.name} is infeasible on its own "
                                      f"(`decarb run` on its case names the caps)")
        if not solution.ok:
            raise SolverError(f"scenario {s.name}: {solution.status.value}")
        costs.append(solution.objective_mjpy)
    costs = np.array(costs)
    probabilities = np.array([s.probability for s in scenarios])
    return Outcome(risk_objective(costs, probabilities, risk), costs)


def _solve_extensive(ext: Extensive, what: str) -> Outcome:
    solution = HighsModel(ext).solve()
    if solution.status is Status.INFEASIBLE:
        raise InfeasibleError([], f"{what} is infeasible")
    if not solution.ok:
        raise SolverError(f"{what}: HiGHS stopped without an optimal solution "
                          f"({solution.status.value})")
    costs = np.array([float(t["coef"].to_numpy() @ values(t))
                      for t in (ext.cost_terms(w) for w in range(len(ext.scenarios)))])
    # Where the first scenario lacks a key, the decision is held at 0 in all of them.
    first = {name: t.assign(var=t["var_0"]) for name, t in ext.first_stage.items()}
    return Outcome(solution.objective_mjpy, costs, plan_of(first), ext, solution)


def plan_of(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """First-stage values as one table: family, the keys (as text), value."""
    rows = []
    for name, table in tables.items():
        keys = [c for c in table.columns if not c.startswith("var")]
        present = table.loc[table["var"].notna()]
        rows.append(pd.DataFrame({"key": key_text(present, keys), "family": name,
                                  "value": values(present), "year": present["year"]}))
    plan = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["key", "family", "value", "year"])
    return plan[["family", "key", "year", "value"]]


def key_text(table: pd.DataFrame, keys: list[str]) -> pd.Series:
    """A row's keys as one text, "a|b|c" (how plan.csv names a decision)."""
    text = pd.Series("", index=table.index, dtype=object)
    for i, key in enumerate(keys):
        text = text + ("|" if i else "") + table[key].astype(str)
    return text


def hold_first_stage(ext: Extensive, plan: pd.DataFrame) -> list[str]:
    """Fix every scenario's first-stage variables at `plan` (0 where the plan has no
    row); the scenarios whose bounds cannot hold it are returned (nothing is fixed)."""
    value = dict(zip(zip(plan["family"], plan["key"]), plan["value"]))
    fixes, refused = [], set()
    for name, table in ext.first_stage.items():
        keys = [c for c in table.columns if not c.startswith("var_")]
        text = key_text(table, keys)
        for w in range(len(ext.scenarios)):
            column = table[f"var_{w}"]
            for key, var in zip(text[column.notna()], column[column.notna()]):
                x = value.get((name, key), 0.0)
                if (var.lb is not None and x < var.lb - 1e-9) or \
                        (var.ub is not None and x > var.ub + 1e-9):
                    refused.add(ext.scenarios[w].name)
                fixes.append((var, x))
    if refused:
        return sorted(refused)
    for var, x in fixes:
        var.fix(round(x) if var.is_integer() else x)
    return []


def expected_dataset(scenarios: list[Scenario]) -> Dataset:
    """Every numeric input at its probability-weighted mean over the scenarios; the
    scenarios must differ in numbers only (same rows, same text)."""
    first, p = scenarios[0].ds, np.array([s.probability for s in scenarios])
    problems = []
    tables = {}
    for table in TABLES:
        frames = [getattr(s.ds, table.name) for s in scenarios]
        numeric = [c for c in frames[0].columns if pd.api.types.is_float_dtype(frames[0][c])]
        other = [c for c in frames[0].columns if c not in numeric and c != "source"]
        for s, frame in zip(scenarios[1:], frames[1:]):
            if frame.shape != frames[0].shape or not frame[other].equals(frames[0][other]):
                problems.append(Problem(table.file, None, None, s.name,
                                        "scenarios that change numbers only, for the "
                                        "expected-value problem (same rows and text)"))
        if numeric and not problems:
            mean = sum(w * f[numeric].to_numpy(float) for w, f in zip(p, frames))
            tables[table.name] = frames[0].assign(**dict(zip(numeric, mean.T)))
    settings = {}
    for f in fields(first.settings):
        given = [getattr(s.ds.settings, f.name) for s in scenarios]
        if isinstance(given[0], float) and all(isinstance(g, float) for g in given):
            settings[f.name] = float(p @ np.array(given))
        elif any(g != given[0] for g in given):
            problems.append(Problem("settings", None, f.name, str(given),
                                    "one value in every scenario (or numbers)"))
    if problems:
        raise InputError(problems[:5])
    return replace(first, settings=replace(first.settings, **settings), **tables)
