"""A first solution for a MIP from its LP relaxation (used in plant mode).

The plant MIP's relaxation is tight (its bound was within 0.1% of the optimum
on the benchmark fleets), but branch and bound spent most of its time finding
a good incumbent. So: solve the LP relaxation, fix every integer column the LP
left integral, solve that much smaller MIP, and hand its solution to HiGHS as
the start of the full MIP. It is feasible for the full MIP (only bounds were
tightened), so the full MIP starts with an incumbent near the LP bound and
stops as soon as its own bound proves the gap. Where the LP bound already
proves the run's gap for it, that solution is the answer and branch and bound
on the full MIP is skipped.
"""
from __future__ import annotations

import highspy
import numpy as np

INTEGRAL = 1e-6


def relative_gap(objective: float, bound: float) -> float:
    """Relative MIP gap as HiGHS defines it."""
    return abs(objective - bound) / max(abs(objective), 1e-12)


def start_from_lp(h: highspy.Highs, integer: np.ndarray,
                  bounds: tuple[np.ndarray, np.ndarray], gap: float) -> float | None:
    """Solve the restricted MIP. If its solution is within `gap` of the LP bound
    (which bounds the MIP's optimum too) it is the answer: `h` is left holding it
    and that bound is returned. Otherwise `h` is put back as it was (all
    `integer` columns integer within `bounds`), with the solution, if any, set as
    the start of the full MIP, and None is returned."""
    n = len(integer)
    continuous = np.full(n, highspy.HighsVarType.kContinuous)
    whole = np.full(n, highspy.HighsVarType.kInteger)
    h.changeColsIntegrality(n, integer, continuous)
    h.run()
    start = None
    if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        bound = h.getInfo().objective_function_value
        x = np.asarray(h.getSolution().col_value)[integer]
        fixed = np.abs(x - np.round(x)) < INTEGRAL
        h.changeColsIntegrality(n, integer, whole)
        h.changeColsBounds(int(fixed.sum()), integer[fixed], np.round(x[fixed]),
                           np.round(x[fixed]))
        h.run()
        if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            if relative_gap(h.getInfo().objective_function_value, bound) <= gap:
                return bound
            start = h.getSolution()
    h.changeColsIntegrality(n, integer, whole)
    h.changeColsBounds(n, integer, *bounds)
    if start is not None:
        h.setSolution(start)
    return None
