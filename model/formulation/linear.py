"""Bulk construction of Pyomo variables and linear constraints from pandas tables.

Every variable family is kept beside the model as a table of its index columns
plus a `var` column holding the Pyomo VarData, so constraint terms are built by
merging tables. Each constraint family becomes one sparse block (`families`):
its rows sorted by their keys, each a slice of coefficients and variables, so
no Pyomo expression is made per row or per term while building, and the
hand-over to HiGHS reads the blocks as they are.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from decarb.errors import InfeasibleError
from decarb.formulation.columns import codes, columns_of
from decarb.formulation.families import CostObjective, RowFamily, VariableFamily

SENSES = ("<=", ">=", "==")


def _index(frame: pd.DataFrame | dict, keys: list[str]) -> list:
    """Pyomo index values: scalars for one key, tuples for several."""
    columns = [frame[k].tolist() for k in keys]
    return columns[0] if len(keys) == 1 else list(zip(*columns))


def _objects(values: list) -> np.ndarray:
    """A list of Pyomo objects as an object array (a column pandas keeps as it is)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def add_var(m: pyo.ConcreteModel, name: str, index: pd.DataFrame, doc: str,
            domain=pyo.NonNegativeReals) -> pd.DataFrame:
    """Add a variable family over the rows of `index`; return `index` with a `var` column."""
    keys = list(index.columns)
    index = index.drop_duplicates().reset_index(drop=True)
    var = VariableFamily(_index(index, keys), domain, doc)
    setattr(m, name, var)
    table = index.copy()
    table["var"] = columns_of(m).add(var.elements())
    return table


def add_constraints(m: pyo.ConcreteModel, name: str, terms: pd.DataFrame, keys: list[str],
                    sense: str, rhs: pd.DataFrame | float, doc: str) -> pd.DataFrame:
    """Add `sum(coef * var) <sense> rhs` for every distinct `keys` in `terms`.

    `terms` has the key columns, `var` and `coef`; `rhs` is a number or a table
    with the key columns and `rhs`. A row of `rhs` without terms that an empty
    sum cannot satisfy (demand where nothing can produce) makes the case
    infeasible. Returns the table of constraint rows (keys, `con`) for duals.
    """
    assert sense in SENSES
    coefs = terms["coef"].to_numpy(float)
    kept = np.flatnonzero(coefs != 0)
    given = isinstance(rhs, pd.DataFrame)
    # Rows in the order of their keys; terms grouped by row, in their given order.
    row_keys, rhs_keys = key_codes(terms, kept, rhs if given else None, keys)
    row_keys, row_of = np.unique(row_keys, return_inverse=True)
    order = np.argsort(row_of, kind="stable")
    firsts = np.flatnonzero(np.diff(row_of[order], prepend=-1))
    at = kept[order]   # the terms in row order, as positions in `terms`
    rows = {k: terms[k].array[at[firsts]] for k in keys}
    bound = np.zeros(len(firsts))
    if given:
        found = np.minimum(np.searchsorted(row_keys, rhs_keys), max(len(row_keys) - 1, 0))
        has_row = row_keys[found] == rhs_keys if len(row_keys) else np.zeros(len(rhs), bool)
        if not has_row.all():
            _check_empty_rows(name, doc, rhs.loc[~has_row, keys + ["rhs"]], keys, sense)
        bound[found[has_row]] = rhs["rhs"].to_numpy(float)[has_row]
    else:
        bound[:] = float(rhs)
    coefs = coefs[at]
    if np.isnan(coefs).any() or np.isnan(bound).any():   # a model bug, never HiGHS's to see
        where = terms[keys].iloc[at[np.isnan(coefs)]].head(3).to_dict("records")
        raise ValueError(f"{name}: coefficients or bounds that are not numbers (NaN), "
                         f"e.g. at {where}")
    none = np.full(len(firsts), np.inf)
    lower = -none if sense == "<=" else bound
    upper = none if sense == ">=" else bound
    con = RowFamily(_index(rows, keys), np.append(firsts, len(order)), coefs,
                    codes(terms["var"], m)[at], columns_of(m), lower, upper, doc)
    setattr(m, name, con)
    return pd.DataFrame({**rows, "rhs": bound, "con": _objects(con.rows)})


def key_codes(terms: pd.DataFrame, kept: np.ndarray, rhs: pd.DataFrame | None,
              keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """One integer per row of `terms` (those at `kept`) and of `rhs` for its `keys`, in
    the order of the keys (a missing value last): equal keys, equal numbers."""
    n = len(kept)
    code = np.zeros(n + (0 if rhs is None else len(rhs)), np.int64)
    for k in keys:
        values = terms[k] if n == len(terms) else terms[k].iloc[kept]
        if rhs is not None:
            values = pd.concat([values, rhs[k]], ignore_index=True)
        key, distinct = pd.factorize(values, sort=True, use_na_sentinel=False)
        if (int(code.max(initial=0)) + 1) * len(distinct) >= 2 ** 62:
            code = np.unique(code, return_inverse=True)[1].astype(np.int64)
        code = code * len(distinct) + key
    return code[:n], code[n:]


def add_objective(m: pyo.ConcreteModel, name: str, terms: pd.DataFrame, doc: str) -> None:
    """Minimise `sum(coef * var)` over the rows of `terms` (columns `var`, `coef`)."""
    terms = terms.loc[terms["coef"] != 0]
    setattr(m, name, CostObjective(codes(terms["var"], m), terms["coef"].to_numpy(float),
                                   columns_of(m), doc))


def _check_empty_rows(name: str, doc: str, empty: pd.DataFrame, keys: list[str],
                      sense: str) -> None:
    """`empty`: the right-hand sides (keys, `rhs`) of rows without terms."""
    violated = empty.loc[(empty["rhs"] > 0) if sense == ">=" else
                         (empty["rhs"] < 0) if sense == "<=" else (empty["rhs"] != 0)]
    if not violated.empty:
        where = "; ".join(", ".join(f"{k} {v}" for k, v in zip(keys, row[:-1]))
                          + f" (needs {row[-1]:g})"
                          for row in violated[keys + ["rhs"]].itertuples(index=False))
        raise InfeasibleError([], f"{name}: nothing in the model can take part in "
                                  f"'{doc}' at {where}")


def terms_of(table: pd.DataFrame, coef: pd.Series | float | str, **keys: object) -> pd.DataFrame:
    """Constraint terms from a variable table: its `var`, a coefficient, key columns.

    `coef` may be a column name of `table`, a Series aligned with it or a number;
    `keys` maps key column names to a column name of `table` or a constant.
    """
    columns = {key: table[source] if isinstance(source, str) and source in table else source
               for key, source in keys.items()}
    columns["var"] = table["var"]
    columns["coef"] = table[coef] if isinstance(coef, str) else coef
    return pd.DataFrame(columns, index=table.index)
