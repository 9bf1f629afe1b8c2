"""Solve a built model with HiGHS and return a typed result.

Hand-over: Pyomo's standard-form compiler turns the model into sparse
matrices in one pass, which go to highspy as one `HighsLp`. That path was
measured at 1.15-1.6x the bare-HiGHS time against 1.7-4.3x through the
persistent interface (shared/design/performance.md). A mixed-integer run is
re-solved as an LP with its integer decisions fixed, so the cap duals
(marginal abatement costs) come from that LP.
"""
from __future__ import annotations

import enum
import time
from dataclasses import dataclass, field
from importlib.metadata import version

import highspy
import numpy as np
from pyomo.core.base.constraint import ConstraintData
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from model.formulation.built import Built
from model.solving.lp_start import start_from_lp


IPM_FROM_NONZEROS = 100_000


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
    mip_gap: float | None = None
    duals: dict[ConstraintData, float] = field(default_factory=dict)
    times_s: dict[str, float] = field(default_factory=dict)
    solver: str = f"HiGHS (highspy {version('highspy')})"

    @property
    def ok(self) -> bool:
        return self.status is Status.OPTIMAL


def solve(built: Built) -> Solution:
    """Solve once; on optimality load variable values into the model and collect duals."""
    return HighsModel(built).solve()


class HighsModel:
    """A built model handed to HiGHS once, then solved, changed and re-solved in place.

    Sweeps change only objective coefficients and row bounds (carbon prices, caps,
    budgets), so HiGHS keeps its matrix and, for an LP, starts from the last basis.
    """

    def __init__(self, built: Built):
        self.built = built
        settings = built.ds.settings
        t0 = time.perf_counter()
        self.form = LinearStandardFormCompiler().write(built.m, mixed_form=True)
        lp, self.integer = _highs_lp(self.form)
        self._integer_bounds = (np.asarray(lp.col_lower_)[self.integer],
                                np.asarray(lp.col_upper_)[self.integer])
        self._integers_fixed = False
        self.lp_start = settings.mode == "plant"   # tight relaxation: start from it
        self.h = highspy.Highs()
        self.h.setOptionValue("output_flag", False)
        self.h.setOptionValue("time_limit", float(settings.time_limit_s))
        self.h.setOptionValue("mip_rel_gap", float(settings.mip_gap))
        if not self.integer.size:
            self.h.setOptionValue("solver", _lp_method(settings.lp_solver, self.form.A.nnz))
        self.h.passModel(lp)
        self.column = {id(var): i for i, var in enumerate(self.form.columns)}
        self.row = {id(con): i for i, (con, _) in enumerate(self.form.rows)}
        self.handover_s = time.perf_counter() - t0

    def set_costs(self, coefs: dict[int, float]) -> None:
        """Objective coefficient (MJPY per unit) of each column, keyed by id(var);
        columns not given cost nothing."""
        cost = np.zeros(len(self.form.columns))
        for var_id, coef in coefs.items():
            if var_id in self.column:
                cost[self.column[var_id]] += coef
        self.h.changeColsCost(len(cost), np.arange(len(cost)), cost)

    def shift_row_bounds(self, cons: list, delta: np.ndarray) -> None:
        """Move the bounds of these rows (constraint objects) by `delta` (their rhs change)."""
        rows = np.array([self.row[id(con)] for con in cons], dtype=np.int32)
        lp = self.h.getLp()
        lower = np.asarray(lp.row_lower_)[rows] + delta
        upper = np.asarray(lp.row_upper_)[rows] + delta
        self.h.changeRowsBounds(len(rows), rows, lower, upper)

    def solve(self) -> Solution:
        h, integer = self.h, self.integer
        if self._integers_fixed:   # undo the last solve's fixing before branching again
            h.changeColsIntegrality(len(integer), integer,
                                    np.full(len(integer), highspy.HighsVarType.kInteger))
            h.changeColsBounds(len(integer), integer, *self._integer_bounds)
            self._integers_fixed = False
        times = {"handover": self.handover_s}
        self.handover_s = 0.0   # paid once
        t1 = time.perf_counter()
        proven = None
        if self.lp_start and integer.size:
            proven = start_from_lp(h, integer, self._integer_bounds,
                                   self.built.ds.settings.mip_gap)
            times["lp_start"] = time.perf_counter() - t1
        if proven is None:
            h.run()
        times["solve"] = time.perf_counter() - t1
        status = _STATUS.get(h.getModelStatus(), Status.ERROR)
        solution = Solution(status=status, is_mip=bool(integer.size), times_s=times)
        if status is not Status.OPTIMAL:
            return solution
        if integer.size:
            solution.mip_gap = float(h.getInfo().mip_gap) if proven is None else proven
            _fix_integers_and_resolve(h, integer, times)
            self._integers_fixed = True
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                solution.status = Status.ERROR
                return solution

        result = h.getSolution()
        solution.objective_mjpy = float(h.getInfo().objective_function_value)
        for var, x in zip(self.form.columns, result.col_value):
            var.set_value(x, skip_validation=True)
        for var, expr in self.form.eliminated_vars:
            var.set_value(float(expr) if np.isscalar(expr) else expr(), skip_validation=True)
        solution.duals = {con: y for (con, _), y in zip(self.form.rows, result.row_dual)}
        return solution


def _lp_method(choice: str, nonzeros: int) -> str:
    """Simplex for small LPs, interior point (with crossover, so duals stay vertex
    duals) for large ones: measured 0.2 s vs 0.6 s on the default case (36k
    nonzeros) and 20 s vs 10 s on the 10x case (354k nonzeros)."""
    if choice != "auto":
        return choice
    return "ipm" if nonzeros >= IPM_FROM_NONZEROS else "simplex"


def _highs_lp(form) -> tuple[highspy.HighsLp, np.ndarray]:
    """The standard form as one HighsLp; also the positions of integer columns."""
    lp = highspy.HighsLp()
    a = form.A.tocsc()
    lp.num_col_, lp.num_row_ = a.shape[1], a.shape[0]
    lp.col_cost_ = np.asarray(form.c.toarray()).ravel() if form.c.shape[0] else \
        np.zeros(a.shape[1])
    lp.offset_ = float(form.c_offset[0]) if len(form.c_offset) else 0.0
    inf = highspy.kHighsInf
    lp.col_lower_ = np.array([-inf if v.lb is None else v.lb for v in form.columns], float)
    lp.col_upper_ = np.array([inf if v.ub is None else v.ub for v in form.columns], float)
    multiplier = np.array([mult for _, mult in form.rows])
    rhs = np.asarray(form.rhs, dtype=float)
    # mixed form: multiplier 1 is `<= rhs`, -1 is `>= rhs`, 0 is `== rhs`
    lp.row_lower_ = np.where(multiplier == 1, -inf, rhs)
    lp.row_upper_ = np.where(multiplier == -1, inf, rhs)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr
    lp.a_matrix_.index_ = a.indices
    lp.a_matrix_.value_ = a.data
    integer = np.flatnonzero([v.is_integer() for v in form.columns])
    if integer.size:
        kinds = np.full(a.shape[1], highspy.HighsVarType.kContinuous)
        kinds[integer] = highspy.HighsVarType.kInteger
        lp.integrality_ = kinds.tolist()
    return lp, integer


def _fix_integers_and_resolve(h: highspy.Highs, integer: np.ndarray,
                              times: dict[str, float]) -> None:
    values = np.round(np.asarray(h.getSolution().col_value)[integer])
    t = time.perf_counter()
    h.changeColsIntegrality(len(integer), integer,
                            np.full(len(integer), highspy.HighsVarType.kContinuous))
    h.changeColsBounds(len(integer), integer, values, values)
    h.run()
    times["fixed_lp"] = time.perf_counter() - t
