"""Solve a built model with HiGHS and return a typed result.

Hand-over: the model's linear rows are read into one `HighsLp` (`handover`),
passed to highspy in one call, as the standard-form path measured at
1.15-1.6x the bare-HiGHS time against 1.7-4.3x through the persistent
interface (shared/design/performance.md). A mixed-integer run is
re-solved as an LP with its integer decisions fixed, so the cap duals
(marginal abatement costs) come from that LP.

A MIP starts from its LP relaxation: the relaxation's optimum is a lower bound,
and its unit counts rounded (to the nearest, else up; or a previous answer's)
and fixed give feasible answers by an LP each. When the best of them is within
the settings' MIP gap of the bound it is the answer, proven by that bound, and
no branch and bound is needed; otherwise HiGHS branches from it as a start.
Rounding up is feasible unless a diffusion limit leaves no room for the extra
unit (a year's builds are installed that year); where no rounding is, branch and
bound starts without one.
"""
from __future__ import annotations

import enum
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version

import highspy
import numpy as np
import pandas as pd
from pyomo.core.base.constraint import ConstraintData

from decarb.formulation.built import Built
from decarb.solving.handover import standard_form
from decarb.formulation.plant.rounding import plan_of_runs
from decarb.solving.lp_start import relative_gap, start_from_lp


IPM_FROM_NONZEROS = 200_000
# Variable families a social run's second solve chooses anew: how builds are financed.
SUPPORT_FAMILIES = ("support", "plant_credit")


class Status(enum.Enum):
    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"
    ERROR = "error"


_STATUS = {
    highspy.HighsModelStatus.kOptimal: Status.OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: Status.INFEASIBLE,
    highspy.HighsModelStatus.kUnboundedOrInfeasible: Status.INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: Status.UNBOUNDED,
    highspy.HighsModelStatus.kTimeLimit: Status.TIME_LIMIT,
}


@dataclass
class Solution:
    status: Status
    objective_mjpy: float | None = None
    is_mip: bool = False
    mip_gap: float | None = None          # relative gap proven at the answer
    mip_bound_mjpy: float | None = None   # the lower bound that proves it
    mip_method: str | None = None         # how the integer answer was found
    firms_choice: bool = False            # social run: support chosen at least private cost
    duals: dict[ConstraintData, float] = field(default_factory=dict)
    times_s: dict[str, float] = field(default_factory=dict)
    solver: str = f"HiGHS (highspy {version('highspy')})"

    @property
    def ok(self) -> bool:
        return self.status is Status.OPTIMAL


def solve(built: Built, solver_log: bool = False) -> Solution:
    """Solve once; on optimality load variable values into the model and collect duals."""
    return HighsModel(built, solver_log).solve()


class HighsModel:
    """A built model handed to HiGHS once, then solved, changed and re-solved in place.

    Sweeps change only objective coefficients and row bounds (carbon prices, caps,
    budgets), so HiGHS keeps its matrix and, for an LP, starts from the last basis.
    HiGHS prints nothing unless `solver_log` asks for its log.
    """

    def __init__(self, built: Built, solver_log: bool = False):
        self.built = built
        settings = built.ds.settings
        t0 = time.perf_counter()
        self.form = standard_form(built.m)
        form, self.integer = self.form, self.form.integer
        self._integer_bounds = (form.col_lower[self.integer], form.col_upper[self.integer])
        self.incumbent: np.ndarray | None = None   # unit counts of the last MIP answer
        self._held: np.ndarray | None = None   # unit counts of the fixed LP HiGHS holds solved
        self.lp_start = settings.mode == "plant"   # tight relaxation, many binaries
        with _quiet_stdout(not solver_log):   # the banner is printed on construction
            self.h = highspy.Highs()
        self.h.setOptionValue("output_flag", solver_log)
        self.h.setOptionValue("time_limit", float(settings.time_limit_s))
        self.mip_gap = float(settings.mip_gap)
        self.h.setOptionValue("mip_rel_gap", self.mip_gap)
        if not self.integer.size:
            self.h.setOptionValue("solver", _lp_method(settings.lp_solver, self.form.nonzeros))
        form.pass_to(self.h)
        self.cost = form.cost.copy()   # the objective HiGHS holds
        self.row_lower = form.row_lower.copy()   # as HiGHS holds them
        self.row_upper = form.row_upper.copy()
        self.col_lower = form.col_lower.copy()
        self._positions: dict[int, tuple[pd.DataFrame, np.ndarray]] = {}   # set_costs'
        self.handover_s = time.perf_counter() - t0

    def set_costs(self, costs: list[pd.DataFrame], perspective: str) -> None:
        """The objective from the cost registry's frames (`var`, and MJPY per unit in
        the `perspective` column), summed where a variable appears more than once;
        variables not given cost nothing."""
        self.cost = self._cost_vector(costs, perspective)
        self.h.changeColsCost(len(self.cost), np.arange(len(self.cost), dtype=np.int32),
                              self.cost)

    def _cost_vector(self, costs: list[pd.DataFrame], perspective: str) -> np.ndarray:
        """Cost per column (MJPY per unit) from the registry's frames. A frame's columns
        are looked up once: the registry keeps its frames until a component registers
        anew."""
        cost = np.zeros(len(self.form.columns))
        positions = {}
        for frame in costs:
            known = self._positions.get(id(frame))
            at = known[1] if known is not None and known[0] is frame else \
                self.form.column_of(frame["var"].to_numpy(object))
            positions[id(frame)] = (frame, at)   # the frame is kept, so its id is not reused
            kept = at >= 0
            cost += np.bincount(at[kept], weights=frame[perspective].to_numpy(float)[kept],
                                minlength=len(cost))
        self._positions = positions
        return cost

    def shift_row_bounds(self, cons: list, delta: np.ndarray) -> None:
        """Move the bounds of these rows (constraint objects) by `delta` (their rhs change)."""
        rows = self.form.row_of(list(cons)).astype(np.int32)
        self.row_lower[rows] += delta
        self.row_upper[rows] += delta
        self.h.changeRowsBounds(len(rows), rows, self.row_lower[rows], self.row_upper[rows])

    def change_coefficients(self, cons, variables, values: np.ndarray) -> None:
        """Matrix coefficients of (row, column) pairs given as constraint and variable
        (HiGHS changes one coefficient a call)."""
        rows, columns = self.form.row_of(list(cons)), self.form.column_of(list(variables))
        for row, column, value in zip(rows.tolist(), columns.tolist(), np.asarray(values, float)):
            self.h.changeCoeff(row, column, float(value))

    def set_upper(self, variables, upper: np.ndarray) -> None:
        """Upper bounds of these columns, their lower bounds as built (an upper bound of
        0 holds a closed support mode or build at 0)."""
        at = self.form.column_of(list(variables)).astype(np.int32)
        self.h.changeColsBounds(len(at), at, self.col_lower[at], np.asarray(upper, float))

    def solve(self) -> Solution:
        self._held = None   # every solve runs HiGHS on a changed model first
        times = {"handover": self.handover_s}
        self.handover_s = 0.0   # paid once
        t1 = time.perf_counter()
        if self.integer.size:
            solution = self._solve_mip(times)
        else:
            self.h.run()
            solution = Solution(status=_STATUS.get(self.h.getModelStatus(), Status.ERROR))
        solution.times_s = {**times, "solve": time.perf_counter() - t1 - times.get(
            "fixed_lp", 0.0), **({"fixed_lp": times["fixed_lp"]} if "fixed_lp" in times
                                 else {})}
        if solution.status is not Status.OPTIMAL:
            return solution
        h = self.h
        result = h.getSolution()
        solution.objective_mjpy = float(h.getInfo().objective_function_value)
        solution.duals = dict(zip(self.form.rows, result.row_dual))
        chosen = result.col_value
        if self.built.ds.settings.perspective == "social":
            chosen = self._firms_choice()
            solution.firms_choice = chosen is not None
            if chosen is None:
                solution.status = Status.ERROR
                return solution
        self.form.load_values(chosen)
        return solution

    def _firms_choice(self) -> list[float] | None:
        """A social run's plan financed as the firms would finance it: with every
        decision but the support modes held at the social optimum, the modes of least
        private cost within budgets and caps (a second, lexicographic solve). Support
        modes cost nothing in the social view, so without it the subsidies and tax
        benefits of a social run would be an arbitrary tie. None when HiGHS fails on
        it. The objective and its duals stay the social solve's."""
        h, n = self.h, len(self.cost)
        columns = np.arange(n, dtype=np.int32)
        x = np.asarray(h.getSolution().col_value, float)
        lp = h.getLp()
        lower, upper = np.array(lp.col_lower_, float), np.array(lp.col_upper_, float)
        held = np.ones(n, bool)
        held[self.form.column_of([v for name in SUPPORT_FAMILIES
                                  for v in self.built.vars.get(name, {"var": []})["var"]])] = False
        fixed = columns[held]
        h.changeColsBounds(len(fixed), fixed, x[held], x[held])
        h.changeColsCost(n, columns, self._cost_vector(self.built.costs, "private"))
        h.run()
        ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        chosen = list(h.getSolution().col_value) if ok else None
        h.changeColsBounds(n, columns, lower, upper)
        h.changeColsCost(n, columns, self.cost)
        self._held = None   # HiGHS no longer holds the fixed LP solved
        return chosen

    def _solve_mip(self, times: dict[str, float]) -> Solution:
        """The integer answer, left in HiGHS as the LP with its unit counts fixed
        (whose duals are the cap duals)."""
        h, integer = self.h, self.integer
        if self.lp_start:
            return self._solve_from_lp_start(times)
        h.changeColsIntegrality(len(integer), integer,
                                np.full(len(integer), highspy.HighsVarType.kContinuous))
        h.changeColsBounds(len(integer), integer, *self._integer_bounds)
        h.run()
        status = _STATUS.get(h.getModelStatus(), Status.ERROR)
        solution = Solution(status=status, is_mip=True)
        if status is not Status.OPTIMAL:
            return solution
        bound = float(h.getInfo().objective_function_value)
        relaxed = np.asarray(h.getSolution().col_value)[integer]
        best = self._best_start(relaxed)
        if best is not None and relative_gap(best[0], bound) <= self.mip_gap:
            objective, units, method = best
            solution.mip_method = f"LP relaxation, unit counts {method}: within the gap"
        else:
            objective, units = self._branch_and_bound(best, solution)
            if units is None:
                return solution
            bound = float(h.getInfo().mip_dual_bound)
            solution.mip_method = ("branch and bound from the rounded LP relaxation"
                                   if best is not None else "branch and bound")
        solution.mip_gap, solution.mip_bound_mjpy = relative_gap(objective, bound), bound
        return self._with_integers_fixed(solution, units, times)

    def _solve_from_lp_start(self, times: dict[str, float]) -> Solution:
        """Plant mode: binaries the LP leaves integral, and every run as the plan of
        plant/rounding.py has it, are fixed for a first, small MIP (`lp_start`), which is
        the answer when the LP bound proves the gap for it and the start of the full MIP
        otherwise; then, as above, the LP with them fixed."""
        h, integer = self.h, self.integer
        h.changeColsBounds(len(integer), integer, *self._integer_bounds)
        plan = (plan_of_runs(self.built, self.form.column_of)   # one plant model
                if isinstance(self.built, Built) else None)      # (not an extensive form)
        found = start_from_lp(h, integer, self._integer_bounds, self.mip_gap, plan)
        if found is None:
            h.run()
            status = _STATUS.get(h.getModelStatus(), Status.ERROR)
            bound, objective, values = (float(h.getInfo().mip_dual_bound),
                                        float(h.getInfo().objective_function_value),
                                        np.asarray(h.getSolution().col_value))
        else:
            status, (bound, objective, values) = Status.OPTIMAL, found
        solution = Solution(status=status, is_mip=True)
        if solution.status is not Status.OPTIMAL:
            return solution
        solution.mip_gap, solution.mip_bound_mjpy = relative_gap(objective, bound), bound
        solution.mip_method = ("LP relaxation's integral binaries fixed: within the gap"
                               if found is not None else "branch and bound from the LP start")
        return self._with_integers_fixed(solution, np.round(values[integer]), times)

    def _with_integers_fixed(self, solution: Solution, units: np.ndarray,
                             times: dict[str, float]) -> Solution:
        """The answer left in HiGHS as the LP with the integer columns fixed at `units`
        (its duals are the cap duals); kept as the next re-solve's first candidate."""
        t = time.perf_counter()
        if not self._fix(units):
            solution.status = Status.ERROR
            return solution
        times["fixed_lp"] = time.perf_counter() - t
        self.incumbent = units
        return solution

    def _best_start(self, relaxed: np.ndarray) -> tuple[float, np.ndarray, str] | None:
        """(objective, unit counts, how) of the best feasible rounding, or None."""
        candidates = {"of the last answer": self.incumbent,
                      "rounded": np.round(relaxed),
                      "rounded up": np.ceil(relaxed - 1e-6)}
        best = None
        for method, units in candidates.items():
            if units is not None and self._fix(units):
                objective = float(self.h.getInfo().objective_function_value)
                if best is None or objective < best[0]:
                    best = (objective, units, method)
        return best

    def _branch_and_bound(self, start: tuple | None, solution: Solution
                          ) -> tuple[float | None, np.ndarray | None]:
        h, integer = self.h, self.integer
        if start is not None:
            self._fix(start[1])
            x = np.asarray(h.getSolution().col_value)
        h.changeColsIntegrality(len(integer), integer,
                                np.full(len(integer), highspy.HighsVarType.kInteger))
        h.changeColsBounds(len(integer), integer, *self._integer_bounds)
        if start is not None:
            given = highspy.HighsSolution()
            given.col_value = x.tolist()
            given.value_valid = True
            h.setSolution(given)
        self._held = None
        h.run()
        solution.status = _STATUS.get(h.getModelStatus(), Status.ERROR)
        if solution.status is not Status.OPTIMAL:
            return None, None
        units = np.round(np.asarray(h.getSolution().col_value)[integer])
        return float(h.getInfo().objective_function_value), units

    def _fix(self, units: np.ndarray) -> bool:
        """Solve the LP with the integer columns continuous and fixed at `units`;
        True when it is optimal (feasible). Not again when HiGHS holds that LP solved
        (rounded and rounded-up counts are often the same, and the best candidate
        is often the last one tried)."""
        if self._held is not None and np.array_equal(units, self._held):
            return True
        h, integer = self.h, self.integer
        h.changeColsIntegrality(len(integer), integer,
                                np.full(len(integer), highspy.HighsVarType.kContinuous))
        h.changeColsBounds(len(integer), integer, units, units)
        h.run()
        ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        self._held = units if ok else None
        return ok


@contextmanager
def _quiet_stdout(quiet: bool = True):
    """Send what C code writes to stdout (HiGHS's banner) to /dev/null meanwhile."""
    if not quiet:
        yield
        return
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _lp_method(choice: str, nonzeros: int) -> str:
    """Simplex for small LPs, interior point (with crossover, so duals stay vertex
    duals) for large ones: measured 0.2 s vs 0.6 s on the default case (36k
    nonzeros), 2.4 s vs 3.0 s end to end on it at 102k, and 20 s vs 10 s
    on the 10x case (354k nonzeros)."""
    if choice != "auto":
        return choice
    return "ipm" if nonzeros >= IPM_FROM_NONZEROS else "simplex"
