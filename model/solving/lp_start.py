"""A first solution for a MIP from its LP relaxation (used in plant mode).

Branch and bound on the plant MIP spends most of its time finding a good
incumbent. So: solve the LP relaxation, fix integer columns from it, solve the
much smaller MIP that remains, and hand its solution to HiGHS as the start of
the full MIP. It is feasible for the full MIP (only bounds were tightened), so
the full MIP starts with an incumbent near the LP bound and stops as soon as
its own bound proves the gap. Where the LP bound already proves the run's gap
for it, that solution is the answer and branch and bound on the full MIP is
skipped. Open plants pay fixed charges (fixed O&M, relinings, minimum loads)
that the relaxation spreads over partly open plants, so fixing only the columns
it left integral leaves too much: a plan of runs rounded plant by plant
(plant/rounding.py) is tried first. On `plants` the LP bound is 0.06% below the
best plan known; what decides the answer is how good the restricted MIPs' best is.
"""
from __future__ import annotations

from collections.abc import Callable

import highspy
import numpy as np

INTEGRAL = 1e-6
# Restricted MIPs are solved to this share of the run's gap, and the best of them is
# taken: on `plants` (0.5% gap) the first within the gap was 0.44% above the best plan
# known, the best of them at half the gap 0.19% above its bound, in as many seconds
# (at a tenth of the gap 0.15%, in four times as many).
RESTRICTED_GAP = 0.5
# LP column values -> first solutions to try, in order: (columns, values) to fix, and
# the columns to leave free that the LP left integral
Plan = Callable[[np.ndarray], list[tuple[np.ndarray, np.ndarray, np.ndarray]]]


def relative_gap(objective: float, bound: float) -> float:
    """Relative MIP gap as HiGHS defines it."""
    return abs(objective - bound) / max(abs(objective), 1e-12)


def start_from_lp(h: highspy.Highs, integer: np.ndarray,
                  bounds: tuple[np.ndarray, np.ndarray], gap: float,
                  plan: Plan | None = None) -> tuple[float, float, np.ndarray] | None:
    """Solve restricted MIPs (each to RESTRICTED_GAP of `gap`: the answer is only as
    good as the best of them). If the best is within `gap` of the LP
    bound (which bounds the MIP's optimum too) it is the answer: (that bound, its
    objective, its column values) are returned. Otherwise None, with the best, if any,
    set as the start of the full MIP. `h` is left as it was (all `integer` columns
    integer within `bounds`). A restricted MIP fixes what each of `plan`'s tries fixes
    (given the LP's column values) and the integral columns it does not leave free;
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
        h.setOptionValue("mip_rel_gap", gap * RESTRICTED_GAP)
        best = np.inf
        for i, (columns, at) in enumerate(tries):
            if start is not None and i == len(tries) - 1:
                break   # the integral columns alone: only where no plan was feasible
            h.changeColsBounds(n, integer, *bounds)
            h.changeColsBounds(len(columns), columns, at, at)
            h.run()
            if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                objective = h.getInfo().objective_function_value
                if objective < best:
                    best, start = objective, h.getSolution()
        h.setOptionValue("mip_rel_gap", gap)
    h.changeColsIntegrality(n, integer, whole)
    h.changeColsBounds(n, integer, *bounds)
    if start is None:
        return None
    if relative_gap(best, bound) <= gap:
        return bound, best, np.asarray(start.col_value)
    h.setSolution(start)
    return None
