"""A first solution for a MIP from its LP relaxation (used in plant mode).

The plant MIP's relaxation is tight (its bound was within 0.1% of the optimum
on the benchmark fleets), but branch and bound spent most of its time finding
a good incumbent. So: solve the LP relaxation, fix every integer column the LP
left integral, solve that much smaller MIP, and hand its solution to HiGHS as
the start of the full MIP. It is feasible for the full MIP (only bounds were
tightened), so the full MIP starts with an incumbent near the LP bound and
stops as soon as its own bound proves the gap.
"""
from __future__ import annotations

import highspy
import numpy as np

INTEGRAL = 1e-6


def start_from_lp(h: highspy.Highs, integer: np.ndarray,
                  bounds: tuple[np.ndarray, np.ndarray]) -> bool:
    """Leave `h` as it was (all `integer` columns integer within `bounds`) with a
    start solution set if the restricted MIP found one; True if it did."""
    n = len(integer)
    continuous = np.full(n, highspy.HighsVarType.kContinuous)
    whole = np.full(n, highspy.HighsVarType.kInteger)
    h.changeColsIntegrality(n, integer, continuous)
    h.run()
    relaxed_ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    found = False
    if relaxed_ok:
        x = np.asarray(h.getSolution().col_value)[integer]
        fixed = np.abs(x - np.round(x)) < INTEGRAL
        h.changeColsIntegrality(n, integer, whole)
        h.changeColsBounds(int(fixed.sum()), integer[fixed], np.round(x[fixed]),
                           np.round(x[fixed]))
        h.run()
        found = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        start = h.getSolution() if found else None
    h.changeColsIntegrality(n, integer, whole)
    h.changeColsBounds(n, integer, *bounds)
    if found:
        h.setSolution(start)
    return found
