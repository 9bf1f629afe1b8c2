"""Bulk construction of Pyomo variables and linear constraints from pandas tables.

Every variable family is kept beside the model as a table of its index columns
plus a `var` column holding the Pyomo VarData, so constraint terms are built by
merging tables, and each constraint family is added with one rule that returns
a prebuilt LinearExpression (the fast Pyomo pattern: no expression arithmetic
per element).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from decarb.errors import InfeasibleError

SENSES = ("<=", ">=", "==")


def _index(frame: pd.DataFrame, keys: list[str]) -> list:
    """Pyomo index values: scalars for one key, tuples for several."""
    if len(keys) == 1:
        return frame[keys[0]].tolist()
    return list(frame[keys].itertuples(index=False, name=None))


def _add_set(m: pyo.ConcreteModel, name: str, values: list, dimen: int) -> pyo.Set:
    """The sparse index set of a family, built once from precomputed tuples."""
    index_set = pyo.Set(initialize=values, dimen=dimen, ordered=True)
    setattr(m, f"{name}_index", index_set)
    return index_set


def add_var(m: pyo.ConcreteModel, name: str, index: pd.DataFrame, doc: str,
            domain=pyo.NonNegativeReals) -> pd.DataFrame:
    """Add a variable family over the rows of `index`; return `index` with a `var` column."""
    keys = list(index.columns)
    index = index.drop_duplicates().reset_index(drop=True)
    values = _index(index, keys)
    var = pyo.Var(_add_set(m, name, values, len(keys)), domain=domain, doc=doc)
    setattr(m, name, var)
    table = index.copy()
    table["var"] = [var[i] for i in values]
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
    terms = terms[terms["coef"] != 0].sort_values(keys, kind="stable")
    rows = terms[keys].drop_duplicates()
    if isinstance(rhs, pd.DataFrame):
        _check_empty_rows(name, doc, rows, rhs[keys + ["rhs"]], keys, sense)
        rows = rows.merge(rhs[keys + ["rhs"]], on=keys, how="left").fillna({"rhs": 0.0})
    else:
        rows = rows.assign(rhs=float(rhs))
    starts = np.flatnonzero(~terms[keys].duplicated().to_numpy())
    bounds = np.append(starts, len(terms))
    coefs, variables = terms["coef"].to_numpy(float), terms["var"].to_numpy(object)
    index = _index(rows, keys)
    body = {i: (coefs[a:b].tolist(), variables[a:b].tolist())
            for i, a, b in zip(index, bounds[:-1], bounds[1:])}
    bound = dict(zip(index, rows["rhs"].to_numpy(float)))

    def rule(_m, *key):
        i = key[0] if len(key) == 1 else key
        c, v = body[i]
        expr = LinearExpression(constant=0.0, linear_coefs=c, linear_vars=v)
        b = bound[i]
        return (None, expr, b) if sense == "<=" else (b, expr, None) if sense == ">=" \
            else (b, expr, b)

    con = pyo.Constraint(_add_set(m, name, index, len(keys)), rule=rule, doc=doc)
    setattr(m, name, con)
    rows = rows.copy()
    rows["con"] = [con[i] for i in index]
    return rows


def _check_empty_rows(name: str, doc: str, rows: pd.DataFrame, rhs: pd.DataFrame,
                      keys: list[str], sense: str) -> None:
    empty = rhs.merge(rows, on=keys, how="left", indicator=True)
    empty = empty.loc[empty["_merge"] == "left_only"]
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
    out = pd.DataFrame(index=table.index)
    for key, source in keys.items():
        out[key] = table[source] if isinstance(source, str) and source in table else source
    out["var"] = table["var"]
    out["coef"] = table[coef] if isinstance(coef, str) else coef
    return out
