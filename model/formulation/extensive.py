"""The two-stage extensive form (formulation section 10).

Each scenario w (probability p_w) is built by the normal build, as a block of one
model, so every component of the model takes part as it does in a run. The
first stage is the investment decisions (FIRST_STAGE: aggregate builds, whole
units, support modes, plant switches and their credits) in years up to the
decision year; they are the same in every scenario (non-anticipativity):
  x[w, key] = x[first scenario, key]   for a key every scenario has
  x[w, key] = 0                        for a key some scenario lacks (a decision
                                       that is not open in every scenario)
Everything else is second stage, per scenario. Objective (MJPY, the cases'
perspective):
  min  sum_w p_w cost_w  +  lambda CVaR_alpha(cost)
  CVaR_alpha = eta + 1 / (1 - alpha) sum_w p_w u_w,   u_w >= cost_w - eta,  u_w >= 0
where cost_w is scenario w's objective in a run (its cost registry).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from decarb.errors import InputError, Problem
from decarb.formulation.build import build_model
from decarb.formulation.built import Built
from decarb.formulation.columns import NO_COLUMN, VarArray, codes, columns_of
from decarb.formulation.linear import (add_constraints, add_objective, add_var, key_codes,
                                      terms_of)
from decarb.inputs.dataset import Dataset

FIRST_STAGE = ("new", "units", "support", "plant_switch", "plant_credit")


@dataclass(frozen=True)
class Scenario:
    name: str
    probability: float
    ds: Dataset


@dataclass(frozen=True)
class Risk:
    """lambda x CVaR_alpha of the scenarios' cost joins the expected cost."""

    weight: float = 0.0
    alpha: float = 0.95


@dataclass
class Extensive:
    """The extensive form: one model, a block per scenario. `ds` is the first
    scenario's dataset, whose settings (time limit, MIP gap, mode) the solve uses."""

    m: pyo.ConcreteModel
    ds: Dataset
    scenarios: list[Scenario]
    built: list[Built]
    decision_year: int
    first_stage: dict[str, pd.DataFrame] = field(default_factory=dict)   # keys, var_<w>

    def cost_terms(self, w: int) -> pd.DataFrame:
        """Scenario w's objective: var and MJPY per unit (its perspective)."""
        costs = self.built[w].cost_table()
        view = self.built[w].ds.settings.perspective
        return costs.loc[costs[view] != 0, ["var", view]].rename(columns={view: "coef"})


def build_extensive(scenarios: list[Scenario], decision_year: int,
                    risk: Risk = Risk(), recourse: bool = False) -> Extensive:
    """The extensive form of `scenarios` with its first stage up to `decision_year`;
    with `recourse`, each scenario may fall short of its caps and demand at a
    penalty (`formulation/recourse.py`)."""
    _check(scenarios, risk)
    m = pyo.ConcreteModel(name="decarb_extensive")
    m.scenario = pyo.Block(range(len(scenarios)))
    built = []
    with PauseGC():
        for w, scenario in enumerate(scenarios):
            b = build_model(scenario.ds, block=m.scenario[w], recourse=recourse)
            b.m.total_cost.deactivate()   # the scenarios' costs enter the one objective below
            built.append(b)
        ext = Extensive(m, scenarios[0].ds, scenarios, built, decision_year)
        ext.first_stage = _link_first_stage(ext)
        _add_objective(ext, risk)
    return ext


def _check(scenarios: list[Scenario], risk: Risk) -> None:
    problems = []
    total = sum(s.probability for s in scenarios)
    if not scenarios or abs(total - 1.0) > 1e-6 or any(s.probability <= 0 for s in scenarios):
        problems.append(Problem("scenarios", None, "probability", f"{total:g}",
                                "probabilities > 0 that sum to 1"))
    views = {s.ds.settings.perspective for s in scenarios}
    if len(views) > 1:
        problems.append(Problem("scenarios", None, "settings.perspective", ", ".join(views),
                                "one perspective for every scenario"))
    if risk.weight < 0 or not 0 <= risk.alpha < 1:
        problems.append(Problem("--risk-weight/--cvar-alpha", None, None,
                                f"{risk.weight:g}/{risk.alpha:g}",
                                "a weight >= 0 and 0 <= alpha < 1"))
    if problems:
        raise InputError(problems)


def first_stage_tables(b: Built, decision_year: int) -> dict[str, pd.DataFrame]:
    """The first-stage rows of a built model: family -> its key columns and `var`."""
    found = {}
    for name in FIRST_STAGE:
        table = b.vars.get(name)
        if table is not None and "year" in table:
            found[name] = table.loc[table["year"] <= decision_year,
                                    _keys(table) + ["var"]].reset_index(drop=True)
    return found


def _keys(table: pd.DataFrame) -> list[str]:
    """A variable table's index columns: those add_var made it from, before `var`."""
    columns = list(table.columns)
    return columns[:columns.index("var")]


def _link_first_stage(ext: Extensive) -> dict[str, pd.DataFrame]:
    """Per family, a table of its first-stage keys (sorted) and each scenario's
    variable (`var_<w>`, missing where the scenario lacks the key); the rows linking
    them, one per key and scenario: x[w] - x[0] = 0, or x[w] = 0 for a key some
    scenario lacks."""
    tables = [first_stage_tables(b, ext.decision_year) for b in ext.built]
    n, dtype = len(tables), columns_of(ext.m).dtype
    linked = {}
    for name in FIRST_STAGE:
        if not all(name in t for t in tables):
            continue
        keys = _keys(tables[0][name])
        stacked = pd.concat([t[name] for t in tables], ignore_index=True)
        code = key_codes(stacked, np.arange(len(stacked)), None, keys)[0]
        distinct, firsts, row = np.unique(code, return_index=True, return_inverse=True)
        column = np.full((len(distinct), n), NO_COLUMN)
        column[row, np.repeat(np.arange(n), [len(t[name]) for t in tables])] = \
            codes(stacked["var"], ext.m)
        present = column != NO_COLUMN
        everywhere = present.all(axis=1)
        # x[w] - x[0] where every scenario has the key, x[w] where some lacks it.
        key, w = np.nonzero(present & ~(everywhere[:, None] & (np.arange(n) == 0)))
        base = everywhere[key]
        terms = pd.DataFrame({
            "row": np.concatenate([key, key[base]]),
            "scenario": np.concatenate([w, w[base]]),
            "var": VarArray(np.concatenate([column[key, w], column[key[base], 0]]), dtype),
            "coef": np.concatenate([np.ones(len(key)), -np.ones(int(base.sum()))])})
        if len(terms):
            add_constraints(ext.m, f"nonanticipative_{name}", terms, ["row", "scenario"],
                            "==", 0.0, f"First-stage {name} up to {ext.decision_year}: "
                            "the same in every scenario (0 where a scenario lacks it)")
        linked[name] = pd.DataFrame({**{k: stacked[k].array[firsts] for k in keys},
                                     **{f"var_{i}": VarArray(column[:, i], dtype)
                                        for i in range(n)}})
    return linked


def _add_objective(ext: Extensive, risk: Risk) -> None:
    """Expected cost, plus lambda x CVaR_alpha of the scenarios' cost (MJPY)."""
    parts = [ext.cost_terms(w).assign(coef=lambda t, p=s.probability: t["coef"] * p)
             for w, s in enumerate(ext.scenarios)]
    if risk.weight > 0:
        parts += _cvar(ext, risk)
    add_objective(ext.m, "total_cost", pd.concat(parts, ignore_index=True),
                  "Expected present value of the cost over the scenarios, plus the weighted "
                  "CVaR of it (MJPY)")


def _cvar(ext: Extensive, risk: Risk) -> list[pd.DataFrame]:
    """The CVaR rows, and the objective terms lambda (eta + 1/(1-alpha) sum p u)."""
    n = len(ext.scenarios)
    eta = add_var(ext.m, "cvar_threshold", pd.DataFrame({"level": [risk.alpha]}),
                  "Value at risk of the scenarios' cost (MJPY)", domain=pyo.Reals)
    excess = add_var(ext.m, "cvar_excess", pd.DataFrame({"scenario": range(n)}),
                     "Cost of the scenario above the value at risk (MJPY)")
    terms = [terms_of(excess, 1.0, scenario="scenario"),
             terms_of(pd.concat([eta] * n, ignore_index=True).assign(scenario=range(n)),
                      1.0, scenario="scenario")]
    terms += [terms_of(ext.cost_terms(w), -ext.cost_terms(w)["coef"], scenario=w)
              for w in range(n)]
    add_constraints(ext.m, "cvar_excess_over_threshold", pd.concat(terms, ignore_index=True),
                    ["scenario"], ">=", 0.0,
                    "Excess + value at risk >= the scenario's cost (MJPY)")
    share = np.array([s.probability for s in ext.scenarios]) / (1 - risk.alpha)
    return [eta.assign(coef=risk.weight)[["var", "coef"]],
            excess.assign(coef=risk.weight * share)[["var", "coef"]]]
