"""The built model as one HiGHS LP, read straight off its linear rows.

Every row and the objective are LinearExpressions built by `formulation.linear`
and `formulation.build`, so their coefficients and variables are taken as they
are: one pass over the rows, then the column-wise matrix in numpy. Pyomo's
general standard-form compiler did the same in about the same time, but it needs
scipy, whose import (with the scipy.stats Pyomo adds to it) cost about 1 s of
every run.
"""
from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.core.base.constraint import ConstraintData
from pyomo.core.base.var import VarData


@dataclass
class StandardForm:
    """The LP HiGHS gets, and which model object each of its columns and rows is."""

    lp: highspy.HighsLp
    columns: list[VarData]
    rows: list[ConstraintData]
    integer: np.ndarray        # positions of the integer columns
    nonzeros: int
    column: dict[int, int]     # id(variable) -> its column


def standard_form(m: pyo.ConcreteModel) -> StandardForm:
    columns = list(m.component_data_objects(pyo.Var, descend_into=True))
    column = {id(var): i for i, var in enumerate(columns)}
    rows = list(m.component_data_objects(pyo.Constraint, active=True, descend_into=True))
    row_of, col_of, values, lower, upper = [], [], [], [], []
    inf = highspy.kHighsInf
    for i, con in enumerate(rows):
        body = con.body
        coefs = body.linear_coefs
        row_of.append(np.full(len(coefs), i, dtype=np.int32))
        col_of.append([column[id(v)] for v in body.linear_vars])
        values.append(coefs)
        shift = float(body.constant)
        lower.append(-inf if con.lower is None else float(con.lower) - shift)
        upper.append(inf if con.upper is None else float(con.upper) - shift)
    row_of = np.concatenate(row_of) if rows else np.zeros(0, np.int32)
    col_of = np.fromiter((c for cs in col_of for c in cs), np.int32, len(row_of))
    values = np.fromiter((v for vs in values for v in vs), float, len(row_of))

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(columns), len(rows)
    objective = next(m.component_data_objects(pyo.Objective, active=True))
    assert objective.sense == pyo.minimize
    objective = objective.expr
    cost = np.zeros(len(columns))
    np.add.at(cost, [column[id(v)] for v in objective.linear_vars],
              np.asarray(objective.linear_coefs, dtype=float))
    lp.col_cost_ = cost
    lp.offset_ = float(objective.constant)
    lp.col_lower_ = np.array([-inf if v.lb is None else v.lb for v in columns], float)
    lp.col_upper_ = np.array([inf if v.ub is None else v.ub for v in columns], float)
    lp.row_lower_, lp.row_upper_ = np.array(lower, float), np.array(upper, float)
    # Column-wise, rows ascending within a column; a variable twice in a row is summed.
    entry, at = np.unique(col_of.astype(np.int64) * max(len(rows), 1) + row_of,
                          return_inverse=True)
    summed = np.zeros(len(entry))
    np.add.at(summed, at, values)
    col_of, row_of = np.divmod(entry, max(len(rows), 1))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(col_of, np.arange(len(columns) + 1)).astype(np.int32)
    lp.a_matrix_.index_ = row_of.astype(np.int32)
    lp.a_matrix_.value_ = summed
    integer = np.flatnonzero([v.is_integer() for v in columns])
    if integer.size:
        kinds = np.full(len(columns), highspy.HighsVarType.kContinuous)
        kinds[integer] = highspy.HighsVarType.kInteger
        lp.integrality_ = kinds.tolist()
    return StandardForm(lp, columns, rows, integer, len(summed), column)
