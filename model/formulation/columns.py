"""The `var` column of the variable tables: Pyomo variables held as column numbers.

Every variable a model makes with `linear.add_var` gets a column number, its
place in the model's `Columns`. A variable table's `var` column is a pandas
extension array of those numbers: merging, concatenating and filtering the
tables move integers, never touch the Pyomo objects, and the row families read
the numbers straight into the LP matrix. Reading an element (iterating,
`tolist`, `to_numpy`) gives the Pyomo VarData itself, so code that asks a
variable for its value or sets its bounds sees no difference.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray, ExtensionDtype, take
from pyomo.core.base.var import VarData

NO_COLUMN = -1


class Columns:
    """A model's variables in the order they were made; a variable's column is its
    place here."""

    def __init__(self) -> None:
        self.variables: list[VarData] = []
        self.dtype = VarDtype(self)
        self._ids: pd.Index | None = None

    def add(self, variables: list[VarData]) -> VarArray:
        start = len(self.variables)
        self.variables.extend(variables)
        self._ids = None
        return VarArray(np.arange(start, len(self.variables), dtype=np.int64), self.dtype)

    def codes_of(self, objects) -> np.ndarray:
        """Column of each object (NO_COLUMN: None or not a variable of this model)."""
        if self._ids is None:
            self._ids = pd.Index(np.fromiter(map(id, self.variables), np.int64,
                                             len(self.variables)))
        return self._ids.get_indexer(np.fromiter(map(id, objects), np.int64, len(objects)))


def columns_of(block) -> Columns:
    """The Columns of the Pyomo model `block` is part of (made on first use): the
    blocks of one model share their column numbers."""
    model = block.model()
    columns = model.__dict__.get("_decarb_columns")
    if columns is None:
        columns = model._decarb_columns = Columns()
    return columns


class VarDtype(ExtensionDtype):
    """The dtype of a `var` column: the variables of one model's Columns."""

    type = VarData
    name = "pyomo_var"
    na_value = None
    _metadata = ("columns",)

    def __init__(self, columns: Columns) -> None:
        self.columns = columns

    @classmethod
    def construct_array_type(cls) -> type[VarArray]:
        return VarArray

    def _get_common_dtype(self, dtypes: list) -> VarDtype | None:
        """With an object column (an empty table's) the result stays a `var` column."""
        if all(d is self or (isinstance(d, np.dtype) and d == object) for d in dtypes):
            return self
        return None


class VarArray(ExtensionArray):
    """Column numbers of one model's variables (NO_COLUMN: missing)."""

    def __init__(self, codes: np.ndarray, dtype: VarDtype) -> None:
        self.codes = np.asarray(codes, dtype=np.int64)
        self._dtype = dtype

    @property
    def dtype(self) -> VarDtype:
        return self._dtype

    @classmethod
    def _from_sequence(cls, scalars, *, dtype=None, copy: bool = False) -> VarArray:
        if isinstance(scalars, VarArray):
            return scalars.copy() if copy else scalars
        scalars = np.asarray(scalars, dtype=object)
        if not isinstance(dtype, VarDtype):
            first = next((v for v in scalars if v is not None), None)
            if first is None:
                raise TypeError("a var column needs a Pyomo variable to know its model")
            dtype = columns_of(first.model()).dtype
        codes = dtype.columns.codes_of(scalars)
        unknown = (codes == NO_COLUMN) & pd.notna(scalars)
        if unknown.any():
            raise TypeError(f"not a variable of the model: {scalars[unknown][0]!r}")
        return cls(codes, dtype)

    @classmethod
    def _from_factorized(cls, values, original: VarArray) -> VarArray:
        return cls(values, original.dtype)

    def __getitem__(self, item):
        if isinstance(item, (int, np.integer)):
            code = self.codes[item]
            return None if code == NO_COLUMN else self._dtype.columns.variables[code]
        item = pd.api.indexers.check_array_indexer(self, item) \
            if not isinstance(item, slice) else item
        return VarArray(self.codes[item], self._dtype)

    def __len__(self) -> int:
        return len(self.codes)

    def __iter__(self):
        variables = self._dtype.columns.variables
        return (None if c == NO_COLUMN else variables[c] for c in self.codes.tolist())

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        out = np.empty(len(self.codes), dtype=object)
        out[:] = list(self)
        return out

    def __eq__(self, other):
        if isinstance(other, VarArray):
            return self.codes == other.codes
        return np.asarray(self) == other

    @property
    def nbytes(self) -> int:
        return self.codes.nbytes

    def isna(self) -> np.ndarray:
        return self.codes == NO_COLUMN

    def take(self, indices, allow_fill: bool = False, fill_value=None) -> VarArray:
        if allow_fill and fill_value is not None:
            fill_value = self._from_sequence([fill_value], dtype=self._dtype).codes[0]
        codes = take(self.codes, indices, allow_fill=allow_fill,
                     fill_value=NO_COLUMN if fill_value is None else fill_value)
        return VarArray(codes, self._dtype)

    def copy(self) -> VarArray:
        return VarArray(self.codes.copy(), self._dtype)

    @classmethod
    def _concat_same_type(cls, to_concat) -> VarArray:
        return cls(np.concatenate([a.codes for a in to_concat]), to_concat[0].dtype)

    def _values_for_factorize(self) -> tuple[np.ndarray, int]:
        return self.codes, NO_COLUMN

    def _values_for_argsort(self) -> np.ndarray:
        return self.codes

    def astype(self, dtype, copy: bool = True):
        if isinstance(dtype, VarDtype) and dtype == self._dtype:
            return self.copy() if copy else self
        return super().astype(dtype, copy=copy)


def codes(column, model) -> np.ndarray:
    """The column numbers of a `var` column (a VarArray, or Pyomo variables)."""
    values = column.array if isinstance(column, pd.Series) else column
    if isinstance(values, VarArray):
        return values.codes
    return columns_of(model).codes_of(np.asarray(values, dtype=object))
