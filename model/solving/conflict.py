"""Why a case is infeasible where no CO2 cap is to blame: HiGHS's irreducible
infeasible subset (IIS) of the LP, named in the model's own terms.

An IIS is a set of rows and column bounds that cannot hold together while any
smaller part of it can: the planner reads which constraints (a budget, a growth
limit, a demand balance, in which year) and which fixed decisions (an announced
build) clash. HiGHS finds one for LPs only, so a MIP's integrality is relaxed first
(where the relaxation is feasible, none is found: integer decisions alone clash).
"""
from __future__ import annotations

import highspy
import numpy as np

from decarb.solving.solve import HighsModel

# Elastic LP, then reduced to an irreducible set: 0.6 s on the Japan case
# (kIisStrategyFromLp | kIisStrategyIrreducible); the light default finds none there.
IIS_STRATEGY = 2 | 4
SHOWN_PER_FAMILY = 6


def conflict(model: HighsModel) -> list[str]:
    """Lines naming the IIS of `model` (solved and found infeasible): per row family its
    description and the rows' keys, then the fixed decisions in it; none where HiGHS
    finds no IIS."""
    h, integer = model.h, model.integer
    if integer.size:
        h.changeColsIntegrality(len(integer), integer,
                                np.full(len(integer), highspy.HighsVarType.kContinuous))
    h.setOptionValue("iis_strategy", IIS_STRATEGY)
    status, iis = h.getIis()
    rows = list(iis.row_index_) if status == highspy.HighsStatus.kOk and iis.valid_ else []
    if not rows:   # a feasible relaxation: integer decisions alone clash
        return []
    return _rows_text(model, rows) + _fixed_text(model, list(iis.col_index_))


def _rows_text(model: HighsModel, rows: list[int]) -> list[str]:
    by_family: dict[str, list] = {}
    for row in rows:
        con = model.form.rows[row]
        by_family.setdefault(con.parent_component().name, []).append(con)
    lines = []
    for name, cons in by_family.items():
        keys = [c for c in model.built.cons[name].columns if c not in ("rhs", "con")]
        table = model.built.cons[name].set_index("con")
        shown = [", ".join(f"{k} {table.at[c, k]}" for k in keys) for c in cons]
        more = len(shown) - SHOWN_PER_FAMILY
        lines.append(f"{name} ({cons[0].parent_component().doc}): " + "; ".join(
            shown[:SHOWN_PER_FAMILY]) + (f"; and {more} more" if more > 0 else ""))
    return lines


def _fixed_text(model: HighsModel, columns: list[int]) -> list[str]:
    """The IIS's columns held at a value other than 0 (announced builds, plants' runs)."""
    lp = model.h.getLp()
    lower, upper = np.asarray(lp.col_lower_), np.asarray(lp.col_upper_)
    fixed = [j for j in columns if lower[j] == upper[j] != 0]
    return [f"{v.parent_component().name} {v.index()} held at {lower[j]:g}"
            for j, v in ((j, model.form.columns[j]) for j in fixed[:SHOWN_PER_FAMILY])]
