"""The built model as one HiGHS LP, read off its row families in bulk.

The rows made by `formulation.linear` are sparse blocks (`formulation.families`)
of column numbers, coefficients and bounds, so the matrix is put together in
numpy with no Python work per nonzero, and passed to HiGHS as arrays (highspy
copies them without converting element by element). Any other active Pyomo
constraint, or a row given its own expression, is read through Pyomo's standard
representation, one row at a time. The columns are the variable families' in
the order they were made, then any other variable; a fixed variable is a column
held at its value. Pyomo's general standard-form compiler took about 4 us per
nonzero here and needs scipy, whose import costs about 1 s.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import cached_property

import highspy
import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC
from pyomo.core.base.constraint import ConstraintData
from pyomo.core.base.var import VarData
from pyomo.core.expr.numvalue import value
from pyomo.repn.standard_repn import generate_standard_repn

from decarb.formulation.columns import columns_of
from decarb.formulation.families import CostObjective, RowFamily, VariableFamily

INF = highspy.kHighsInf
_BOUNDS = operator.attrgetter("_domain", "_lb", "_ub", "_fixed")


@dataclass
class StandardForm:
    """The LP HiGHS gets (row-wise matrix), and which model object each of its columns
    and rows is."""

    columns: list[VarData]
    rows: list[ConstraintData]
    cost: np.ndarray
    offset: float
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    starts: np.ndarray         # int32, one per row and a last one
    index: np.ndarray          # int32 column of each nonzero
    values: np.ndarray
    integer: np.ndarray        # positions of the integer columns

    @property
    def nonzeros(self) -> int:
        return len(self.values)

    def pass_to(self, h: highspy.Highs) -> None:
        kinds = np.zeros(len(self.columns), np.int32)
        kinds[self.integer] = int(highspy.HighsVarType.kInteger)
        h.passModel(len(self.columns), len(self.rows), self.nonzeros,
                    int(highspy.MatrixFormat.kRowwise), int(highspy.ObjSense.kMinimize),
                    self.offset, self.cost, self.col_lower, self.col_upper, self.row_lower,
                    self.row_upper, self.starts, self.index, self.values, kinds)

    @cached_property
    def _column_ids(self) -> pd.Index:
        return pd.Index(_ids(self.columns))

    @cached_property
    def _row_ids(self) -> pd.Index:
        return pd.Index(_ids(self.rows))

    def column_of(self, variables) -> np.ndarray:
        """Column of each variable (-1: not in the model)."""
        return self._column_ids.get_indexer(_ids(variables))

    def row_of(self, constraints) -> np.ndarray:
        """Row of each constraint (-1: not in the model)."""
        return self._row_ids.get_indexer(_ids(constraints))

    def load_values(self, x) -> None:
        """Give each variable its value in the solution `x` (fixed ones keep theirs)."""
        for var, value_ in zip(self.columns, np.asarray(x, float).tolist()):
            if not var._fixed:
                var._value = value_


def _ids(objects) -> np.ndarray:
    return np.fromiter(map(id, objects), np.int64, len(objects))


def standard_form(m: pyo.ConcreteModel) -> StandardForm:
    with PauseGC():
        return _standard_form(m)


def _standard_form(m: pyo.ConcreteModel) -> StandardForm:
    columns = list(columns_of(m).variables)
    columns += [v for var in m.component_objects(pyo.Var, descend_into=True)
                if not isinstance(var, VariableFamily) for v in var.values()]
    lower, upper, integer = _column_bounds(columns)
    column_ids: pd.Index | None = None

    rows: list[ConstraintData] = []
    lengths, col_of, values, row_lower, row_upper = [], [], [], [], []

    def add_rows(objects, starts, cols, coefs, lo, up) -> None:
        lengths.append(np.diff(starts))
        col_of.append(cols)
        values.append(np.asarray(coefs, float))
        row_lower.append(lo)
        row_upper.append(up)
        rows.extend(objects)

    for con in m.component_objects(pyo.Constraint, active=True, descend_into=True):
        others = []
        if isinstance(con, RowFamily):
            if not con.edited:
                add_rows(con.rows, con.starts, con.codes, con.coefs, con.lower, con.upper)
                continue
            kept = np.flatnonzero([r._active and r._given is None for r in con.rows])
            first, last = con.starts[kept], con.starts[kept + 1]
            entries = np.concatenate([np.arange(a, b) for a, b in zip(first, last)]
                                     + [np.zeros(0, int)])
            add_rows([con.rows[i] for i in kept], np.append(0, np.cumsum(last - first)),
                     con.codes[entries], con.coefs[entries], con.lower[kept], con.upper[kept])
            others = [r for r in con.rows if r._active and r._given is not None]
        else:
            others = [r for r in (con.values() if con.is_indexed() else [con]) if r.active]
        if others:
            starts, variables, coefs, lo, up = _read_rows(others)
            if column_ids is None:
                column_ids = pd.Index(_ids(columns))
            add_rows(others, starts, column_ids.get_indexer(_ids(variables)), coefs, lo, up)

    def joined(parts: list, dtype) -> np.ndarray:
        return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)

    lengths, col_of, values = joined(lengths, np.int64), joined(col_of, np.int64), \
        joined(values, float)
    if len(col_of) and col_of.min() < 0:
        raise ValueError("a constraint uses a variable that is not part of the model")
    # Row-wise; a variable twice in a row is summed (factorize keeps the row order).
    row_of = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    entry, unique = pd.factorize(row_of * max(len(columns), 1) + col_of)
    if len(unique) < len(entry):
        values = np.bincount(entry, weights=values, minlength=len(unique))
        row_of, col_of = np.divmod(unique, max(len(columns), 1))
    starts = np.searchsorted(row_of, np.arange(len(rows) + 1)).astype(np.int32)
    cost, offset = _objective(m, columns)
    return StandardForm(columns, rows, cost, offset, lower, upper, joined(row_lower, float),
                        joined(row_upper, float), starts, col_of.astype(np.int32), values,
                        integer)


def _column_bounds(columns: list[VarData]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower and upper bounds of each column (a fixed one at its value), and the
    positions of the integer ones. The domains are few, so each is asked once."""
    if not columns:
        return np.zeros(0), np.zeros(0), np.zeros(0, int)
    domains, lbs, ubs, fixed = zip(*map(_BOUNDS, columns))
    code, _ = pd.factorize(np.fromiter(map(id, domains), np.int64, len(domains)))
    firsts = np.unique(code, return_index=True)[1]   # the first column of each domain
    kinds = []
    for first in firsts.tolist():
        lb, ub = domains[first].bounds()
        kinds.append((-INF if lb is None else lb, INF if ub is None else ub,
                      columns[first].is_integer()))
    kind = np.array(kinds, float).reshape(-1, 3)[code]
    lower = np.maximum(kind[:, 0], _bounds(lbs, -INF))
    upper = np.minimum(kind[:, 1], _bounds(ubs, INF))
    for i in np.flatnonzero(fixed):
        lower[i] = upper[i] = value(columns[i])
    return lower, upper, np.flatnonzero(kind[:, 2])


def _bounds(given: tuple, none: float) -> np.ndarray:
    """Bounds as floats: None is `none`; a Pyomo parameter or expression is evaluated."""
    try:
        return np.array([none if b is None else b for b in given], float)
    except TypeError:
        return np.array([none if b is None else value(b) for b in given], float)


def _read_rows(constraints: list[ConstraintData]) -> tuple:
    """starts, variables, coefficients, lower and upper bounds of constraints that are
    Pyomo expressions (linear, or an error)."""
    starts, variables, coefs, lower, upper = [0], [], [], [], []
    for con in constraints:
        lb, body, ub = con.to_bounded_expression(evaluate_bounds=True)
        repn = generate_standard_repn(body, compute_values=True, quadratic=False)
        if not repn.is_linear():
            raise ValueError(f"constraint {con.name} is not linear")
        variables += repn.linear_vars
        coefs += repn.linear_coefs
        starts.append(len(variables))
        shift = float(repn.constant)
        lower.append(-INF if lb is None else lb - shift)
        upper.append(INF if ub is None else ub - shift)
    return (np.array(starts), variables, np.array(coefs, float), np.array(lower, float),
            np.array(upper, float))


def _objective(m: pyo.ConcreteModel, columns: list[VarData]) -> tuple[np.ndarray, float]:
    """The cost vector and constant of the one active objective (minimised)."""
    objective = next(m.component_data_objects(pyo.Objective, active=True))
    assert objective.sense == pyo.minimize
    if isinstance(objective, CostObjective) and not objective.given \
            and objective.columns is columns_of(m):
        # The block's columns come first in the model's, in the same order.
        return np.bincount(objective.codes, weights=objective.coefs,
                           minlength=len(columns)), 0.0
    expr = objective.expr
    if hasattr(expr, "linear_vars") and hasattr(expr, "linear_coefs"):
        variables, coefs, constant = expr.linear_vars, expr.linear_coefs, expr.constant
    else:
        repn = generate_standard_repn(expr, compute_values=True, quadratic=False)
        variables, coefs, constant = repn.linear_vars, repn.linear_coefs, repn.constant
    at = pd.Index(_ids(columns)).get_indexer(_ids(variables))
    if len(at) and at.min() < 0:
        raise ValueError("the objective uses a variable that is not part of the model")
    cost = np.bincount(at, weights=np.asarray(coefs, float), minlength=len(columns))
    return cost, float(value(constant))
