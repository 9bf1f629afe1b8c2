"""Pyomo components for a family of variables or linear rows made in bulk.

A variable family is an indexed Var whose elements are made at once from a
template (no index Set is validated element by element) and which has exactly
the elements it was made with: asking for another index is a KeyError, not a
new variable. Its elements take the next column numbers of the model
(`columns.Columns`).

A row family is an indexed Constraint stored as one sparse block: per row, a
slice of coefficients and column numbers, and its bounds. Its rows are ordinary
ConstraintData whose expression is made from the block when something asks
for it (printing, an LP file, `body`), so building makes one Python object per
row and none per nonzero, and the hand-over to HiGHS reads the block directly
(`solving/handover.py`). A row given a new expression (`set_value`) keeps it,
and the hand-over reads that row as any other Pyomo constraint.

A cost objective is the same for the objective: `sum(coefs * variables)` held as
column numbers and coefficients, its expression made when asked for. Made at
once, a Pyomo linear expression is two objects per term (each cost term a
monomial and its pair), which the garbage collector walks for as long as the
model lives.
"""
from __future__ import annotations

import weakref

import numpy as np
import pyomo.environ as pyo
from pyomo.core.base.constraint import ConstraintData, IndexedConstraint
from pyomo.core.base.objective import ScalarObjective
from pyomo.core.base.set_types import Any
from pyomo.core.base.var import IndexedVar, VarData
from pyomo.core.expr.numeric_expr import LinearExpression
from pyomo.core.expr.relational_expr import tuple_to_relational_expr

from decarb.formulation.columns import Columns


class VariableFamily(IndexedVar):
    """An indexed Var over the given indices only."""

    def __init__(self, indices: list, domain, doc: str):
        super().__init__(Any, dense=False, domain=domain, doc=doc)
        self._indices = indices

    def construct(self, data=None) -> None:
        if self._constructed:
            return
        super().construct(data)
        template = VarData(component=self)
        template._domain = self._rule_domain(self.parent_block(), None, self)
        copy, elements = VarData.copy, []
        for index in self._indices:
            element = copy(template)
            element._index = index
            elements.append(element)
        self._data = dict(zip(self._indices, elements))
        self._indices = None

    def elements(self) -> list[VarData]:
        """The variables in the order they were made."""
        return list(self._data.values())

    def _getitem_when_not_present(self, index):
        raise KeyError(f"{index!r} is not an index of {self.name}")


class RowData(ConstraintData):
    """A row of a RowFamily: its expression is the block's unless one was set."""

    __slots__ = ("_row", "_given")

    @property
    def _expr(self):
        if self._given is not None:
            return self._given
        return self.parent_component().relation(self._row)

    @_expr.setter
    def _expr(self, expr) -> None:
        self._given = expr
        self.parent_component().edited = True

    def deactivate(self) -> None:
        super().deactivate()
        self.parent_component().edited = True


class RowFamily(IndexedConstraint):
    """Rows `lower <= sum(coefs * variables) <= upper` in one sparse block.

    `starts` has one entry per row and a last one: row i's terms are
    `coefs[starts[i]:starts[i+1]]` times the variables in those places of
    `codes` (column numbers in `columns`); a bound of -inf or inf is none."""

    def __init__(self, indices: list, starts: np.ndarray, coefs: np.ndarray,
                 codes: np.ndarray, columns: Columns, lower: np.ndarray, upper: np.ndarray,
                 doc: str):
        super().__init__(Any, doc=doc)
        self.starts, self.coefs, self.codes, self.columns = starts, coefs, codes, columns
        self.lower, self.upper = lower, upper
        self._indices = indices
        self.rows: list[RowData] = []
        self.edited = False   # a row deactivated or given its own expression

    def construct(self, data=None) -> None:
        if self._constructed:
            return
        self._constructed = True
        component, new = weakref.ref(self), RowData.__new__
        rows = []
        for i in range(len(self._indices)):
            row = new(RowData)
            row._component, row._active, row._given, row._row = component, True, None, i
            rows.append(row)
        for row, index in zip(rows, self._indices):
            row._index = index
        self._data = dict(zip(self._indices, rows))
        self.rows, self._indices = rows, None

    def add_terms(self, rows: np.ndarray, codes: np.ndarray, coefs: np.ndarray) -> None:
        """Append one term (column `codes[j]`, `coefs[j]`) to each row `rows[j]`
        (distinct rows, before the model is handed over)."""
        order = np.argsort(rows, kind="stable")
        rows, codes, coefs = rows[order], codes[order], coefs[order]
        at = self.starts[rows + 1]
        self.codes = np.insert(self.codes, at, codes)
        self.coefs = np.insert(self.coefs, at, coefs)
        added = np.zeros(len(self.starts), self.starts.dtype)
        added[rows + 1] = 1
        self.starts = self.starts + np.cumsum(added)

    def relation(self, i: int):
        """Row i as a Pyomo relational expression."""
        a, b = self.starts[i], self.starts[i + 1]
        variables = self.columns.variables
        body = LinearExpression(constant=0.0, linear_coefs=self.coefs[a:b].tolist(),
                                linear_vars=[variables[c] for c in self.codes[a:b].tolist()])
        lower, upper = float(self.lower[i]), float(self.upper[i])
        return tuple_to_relational_expr((None if lower == -np.inf else lower, body,
                                         None if upper == np.inf else upper))

    def _getitem_when_not_present(self, index):
        raise KeyError(f"{index!r} is not an index of {self.name}")


class CostObjective(ScalarObjective):
    """Minimise `sum(coefs * variables)`, the variables at `codes` in `columns`
    (the same variable may come more than once). A new expression (`set_value`, `expr
    = ...`) replaces the block's, and the hand-over reads it as any other objective."""

    def __init__(self, codes: np.ndarray, coefs: np.ndarray, columns: Columns, doc: str):
        self.codes, self.coefs, self.columns = codes, coefs, columns
        super().__init__(sense=pyo.minimize, doc=doc)
        self._given = None

    def construct(self, data=None) -> None:
        if self._constructed:
            return
        super().construct(data)
        self.set_sense(pyo.minimize)   # an objective with a sense and (lazily) an expression

    @property
    def _args_(self) -> tuple:
        if self._given is not None:
            return self._given
        variables = self.columns.variables
        return (LinearExpression(constant=0.0, linear_coefs=self.coefs.tolist(),
                                 linear_vars=[variables[c] for c in self.codes.tolist()]),)

    @_args_.setter
    def _args_(self, args: tuple) -> None:
        self._given = args

    @property
    def given(self) -> bool:
        """True when the expression was set, not the block's."""
        return self._given is not None
