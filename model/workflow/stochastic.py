"""`decarb stochastic`: a plan decided before the uncertainty resolves, and what it is worth.

From the scenarios (`scenarios.py`) it solves (formulation section 10):
  RP   the two-stage extensive form (`formulation.extensive`): the hedged plan;
  WS   each scenario alone with perfect information, the expected optimum;
  EV   the expected-value problem (every numeric input at its probability-weighted
       mean over the scenarios, its first stage that of the two-stage problem:
       `within_first_stage`) for its first-stage plan, and
  EEV  the extensive form with the first stage held at the EV plan;
then VSS = EEV - RP, EVPI = RP - WS and each scenario's regret (its cost under
the hedged plan less its perfect-information optimum). WS <= RP <= EEV always.
With a CVaR weight every figure is the same risk-weighted objective.

Recourse (on unless `recourse=False`; `formulation/recourse.py`): in every
scenario each CO2 cap may be exceeded at the case's `slack_penalty_jpy_per_tco2`
per tonne and product demand left unserved at `unserved_penalty_jpy_per_unit`
per unit, costs in the objective like any other. A scenario that no plan could
keep under its caps, or a plan (the EV plan) that leaves a scenario short of
capacity, then has a finite cost that prices the shortfall, so WS, RP, EEV, VSS
and EVPI are figures; where each scenario used its recourse under each plan is
kept (`recourse_used`) and reported. Without it such a scenario stops the
command, and an EV plan that some scenario cannot live with makes EEV and VSS
infinite.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from decarb.errors import InfeasibleError, InputError, Problem, SolverError
from decarb.formulation.build import build_model
from decarb.formulation.built import Built
from decarb.formulation.recourse import SUPPORT_LIMITS, UNSERVED
from decarb.formulation.extensive import (Extensive, Risk, Scenario, build_extensive,
                                          first_stage_tables)
from decarb.inputs.dataset import Dataset
from decarb.inputs.schema import TABLES
from decarb.outputs.results import values
from decarb.solving.solve import HighsModel, Solution, Status, solve
from decarb.workflow.run import SHORTFALL_TOLERANCE_MTCO2, cap_shortfalls


RECOURSE_COLUMNS = ["kind", "where", "year", "amount", "unit"]
RECOURSE_COSTS = ("cap_slack_penalty", f"{UNSERVED}_penalty", "support_over_limit")


@dataclass
class Outcome:
    """One solve of a set of scenarios: the objective, each scenario's cost (MJPY)."""

    objective_mjpy: float
    costs_mjpy: np.ndarray
    recourse: list[pd.DataFrame]   # per scenario: where it fell short (`recourse_used`)
    penalties_mjpy: np.ndarray     # per scenario: the part of its cost that is recourse
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
    with_recourse: bool = True

    @property
    def probabilities(self) -> np.ndarray:
        return np.array([s.probability for s in self.scenarios])

    def figures(self) -> dict[str, float]:
        eev = self.eev.objective_mjpy if self.eev is not None else np.inf
        p = self.probabilities
        return {"rp_mjpy": self.rp.objective_mjpy, "ws_mjpy": self.ws.objective_mjpy,
                "eev_mjpy": eev, "vss_mjpy": eev - self.rp.objective_mjpy,
                "evpi_mjpy": self.rp.objective_mjpy - self.ws.objective_mjpy,
                "rp_recourse_mjpy": float(p @ self.rp.penalties_mjpy),
                "eev_recourse_mjpy": float(p @ self.eev.penalties_mjpy)
                if self.eev is not None else np.inf}


def risk_objective(costs: np.ndarray, probabilities: np.ndarray, risk: Risk) -> float:
    """sum p cost + lambda CVaR_alpha(cost): the extensive form's objective for given
    scenario costs (CVaR by its minimisation formula over eta in the costs)."""
    expected = float(probabilities @ costs)
    if risk.weight <= 0:
        return expected
    cvar = min(eta + probabilities @ np.maximum(costs - eta, 0) / (1 - risk.alpha)
               for eta in costs)
    return expected + risk.weight * float(cvar)


def run_stochastic(scenarios: list[Scenario], decision_year: int, risk: Risk = Risk(),
                   recourse: bool = True) -> Stochastic:
    ws = _wait_and_see(scenarios, risk, recourse)
    ext = build_extensive(scenarios, decision_year, risk, recourse)
    rp = _solve_extensive(ext, "the two-stage plan")
    ev_ds = expected_dataset(scenarios)
    ev_built = build_model(ev_ds, recourse=recourse)
    within_first_stage(ev_built, ext)
    ev_solution = solve(ev_built)
    if not ev_solution.ok:
        raise SolverError(f"the expected-value problem: {ev_solution.status.value}")
    ev_plan = plan_of(first_stage_tables(ev_built, decision_year))
    fixed = build_extensive(scenarios, decision_year, risk, recourse)
    infeasible = hold_first_stage(fixed, ev_plan)
    eev = None
    if not infeasible:
        try:
            eev = _solve_extensive(fixed, "the extensive form with the EV plan")
        except InfeasibleError:
            infeasible = ["(together)"]
    return Stochastic(scenarios, decision_year, risk, rp, ws, ev_plan, eev, infeasible,
                      recourse)


def _wait_and_see(scenarios: list[Scenario], risk: Risk, recourse: bool) -> Outcome:
    """Each scenario solved alone: the perfect-information optimum of each."""
    costs, shortfalls, penalties = [], [], []
    for s in scenarios:
        built = build_model(s.ds, recourse=recourse)
        solution = solve(built)
        if solution.status is Status.INFEASIBLE:
            raise InfeasibleError([], f"scenario {s.name} is infeasible on its own "
                                      f"(`decarb run` on its case names the caps)")
        if not solution.ok:
            raise SolverError(f"scenario {s.name}: {solution.status.value}")
        costs.append(solution.objective_mjpy)
        shortfalls.append(recourse_used(built))
        penalties.append(penalty_mjpy(built))
    costs = np.array(costs)
    probabilities = np.array([s.probability for s in scenarios])
    return Outcome(risk_objective(costs, probabilities, risk), costs, shortfalls,
                   np.array(penalties))


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
    return Outcome(solution.objective_mjpy, costs, [recourse_used(b) for b in ext.built],
                   np.array([penalty_mjpy(b) for b in ext.built]), plan_of(first), ext,
                   solution)


def recourse_used(b: Built) -> pd.DataFrame:
    """Where a solved scenario used its recourse: kind (a cap, demand or a support
    limit), where (sector, commodity or programme), year (0: over the horizon),
    amount and unit."""
    rows = [{"kind": f"{s.cap} cap", "where": s.sector, "year": s.year,
             "amount": s.shortfall_mtco2, "unit": "Mt-CO2"} for s in cap_shortfalls(b)]
    for name, kind, unit in [(UNSERVED, "demand", "M unit/yr")] + [
            (f"{n}_over", n.removeprefix("limit_"), "MJPY") for n in SUPPORT_LIMITS]:
        table = b.vars.get(name)
        if table is None:
            continue
        where = table[table.columns[0]].astype(str)   # commodity, programme or sector
        year = table["year"] if "year" in table else pd.Series(0, table.index)
        rows += [{"kind": kind, "where": w, "year": int(y), "amount": float(a), "unit": unit}
                 for w, y, a in zip(where, year, values(table))
                 if a > SHORTFALL_TOLERANCE_MTCO2]
    return pd.DataFrame(rows, columns=RECOURSE_COLUMNS)


def penalty_mjpy(b: Built) -> float:
    """The part of a solved scenario's cost (its perspective, MJPY) that is recourse."""
    costs = b.cost_table()
    costs = costs.loc[costs["component"].isin(RECOURSE_COSTS)]
    return float(costs[b.ds.settings.perspective].to_numpy() @ values(costs))


def plan_of(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """First-stage values as one table: family, the keys (as text), value."""
    rows = []
    for name, table in tables.items():
        keys = key_columns(table)
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


def within_first_stage(b: Built, ext: Extensive) -> None:
    """Limit the first stage of a model of its own (the expected-value problem) to the
    decisions the two-stage problem `ext` may take: a key open in every scenario, within
    the bounds of each; any other key 0, as the extensive form holds it. The EV problem
    averages the data, and a decision it opens can be one a scenario lacks (a rebuild on
    an old site is offered only where cheaper than a new one, and the capex is
    uncertain); held, such a decision vanishes from that scenario and what it enabled
    (the installed base a growth limit allows later builds from) with it."""
    for name, table in first_stage_tables(b, ext.decision_year).items():
        linked = ext.first_stage.get(name)
        if linked is None:   # not first stage in every scenario: not linked, not held
            continue
        keys = key_columns(linked)
        columns = [c for c in linked.columns if c.startswith("var_")]
        joined = table.merge(linked, on=keys, how="left")
        lacking = joined[columns].isna().any(axis=1)
        for own in joined.loc[lacking, "var"]:
            own.fix(0)
        for own, *theirs in joined.loc[~lacking, ["var"] + columns].itertuples(
                index=False, name=None):
            lower = [v.lb for v in theirs if v.lb is not None]
            upper = [v.ub for v in theirs if v.ub is not None]
            if lower:
                own.setlb(max(lower + ([own.lb] if own.lb is not None else [])))
            if upper:
                own.setub(min(upper + ([own.ub] if own.ub is not None else [])))


def key_columns(table: pd.DataFrame) -> list[str]:
    """The key columns of a first-stage table (all but its variable columns)."""
    return [c for c in table.columns if not c.startswith("var")]


def hold_first_stage(ext: Extensive, plan: pd.DataFrame) -> list[str]:
    """Fix every scenario's first-stage variables at `plan` (0 where the plan has no
    row); the scenarios whose bounds cannot hold it are returned (nothing is fixed)."""
    value = dict(zip(zip(plan["family"], plan["key"]), plan["value"]))
    fixes, refused = [], set()
    for name, table in ext.first_stage.items():
        text = key_text(table, key_columns(table))
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
    for var, x in fixes:   # within the bounds: a solver's -1e-14 is 0
        x = float(np.clip(x, -np.inf if var.lb is None else var.lb,
                          np.inf if var.ub is None else var.ub))
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
