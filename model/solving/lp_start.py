"""A first solution for a MIP from its LP relaxation (used in plant mode).

Branch and bound on the plant MIP spends most of its time finding a good
incumbent. So: solve the LP relaxation, fix integer columns from it, solve the
much smaller MIP that remains, and hand its solution to HiGHS as the start of
the full MIP. It is feasible for the full MIP (only bounds were tightened), so
the full MIP starts with an incumbent near the LP bound and stops as soon as
its own bound proves the gap. Where the LP bound already proves the run's gap
for it, that solution is the answer and branch and bound on the full MIP is
skipped. Open plants pay fixed charges (fixed O&M, relinings, minimum loads)
that the relaxation spreads over partly open plants (its bound sits 0.2-0.5%
below the plans found), so fixing only the columns it left integral leaves too
much: a plan of runs rounded plant by plant (plant/rounding.py) is tried first.
"""
from __future__ import annotations

from collections.abc import Callable

import highspy
import numpy as np

INTEGRAL = 1e-6
# LP column values -> first solutions to try, in order: (columns, values) to fix, and
# the columns to leave free that the LP left integral
Plan = Callable[[np.ndarray], list[tuple[np.ndarray, np.ndarray, np.ndarray]]]


def relative_gap(objective: float, bound: float) -> float:
    """Relative MIP gap as HiGHS defines it."""
    return abs(objective - bound) / max(abs(objective), 1e-12)


def start_from_lp(h: highspy.Highs, integer: np.ndarray,
                  bounds: tuple[np.ndarray, np.ndarray], gap: float,
                  plan: Plan | None = None) -> float | None:
    """Solve a restricted MIP. If its solution is within `gap` of the LP bound
    (which bounds the MIP's optimum too) it is the answer: `h` is left holding it
    and that bound is returned. Otherwise `h` is put back as it was (all
    `integer` columns integer within `bounds`), with the solution, if any, set as
    the start of the full MIP, and None is returned. A restricted MIP fixes what
    each of `plan`'s tries fixes (given the LP's column values) and the integral
    columns it does not leave free; the best solution of them starts the full MIP;
    where none is feasible, the integral columns alone are fixed."""
    n = len(integer)
    continuous = np.full(n, highspy.HighsVarType.kContinuous)
    whole = np.full(n, highspy.HighsVarType.kInteger)
    h.changeColsIntegrality(n, integer, continuous)
    h.run()
    start = None
    if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        bound = h.getInfo().objective_function_value
        values = np.asarray(h.getSolution().col_value)
        x = values[integer]
        fixed = np.abs(x - np.round(x)) < INTEGRAL
        tries = [(integer[fixed], np.round(x[fixed]))]
        for columns, planned, free in (plan(values) if plan is not None else [])[::-1]:
            rest = fixed & ~np.isin(integer, np.concatenate([columns, free]))
            tries.insert(0, (np.concatenate([integer[rest], columns]),
                             np.concatenate([np.round(x[rest]), planned])))
        h.changeColsIntegrality(n, integer, whole)
        best = np.inf
        for i, (columns, at) in enumerate(tries):
            if start is not None and i == len(tries) - 1:
                break   # the integral columns alone: only where no plan was feasible
            h.changeColsBounds(n, integer, *bounds)
            h.changeColsBounds(len(columns), columns, at, at)
            h.run()
            if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                objective = h.getInfo().objective_function_value
                if relative_gap(objective, bound) <= gap:
                    return bound
                if objective < best:
                    best, start = objective, h.getSolution()
    h.changeColsIntegrality(n, integer, whole)
    h.changeColsBounds(n, integer, *bounds)
    if start is not None:
        h.setSolution(start)
    return None
