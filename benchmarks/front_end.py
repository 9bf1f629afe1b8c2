"""The front end in CPU time per nonzero, and the same LP built by linopy and by highspy.

`front_end(build)` times what a run does before HiGHS starts: `build()` (the
model, however it is made) and the hand-over (`HighsModel`: the standard form
and `passModel`), in CPU seconds, the best of `repeats`.

`compare(build)` records the tables every component gives the linear layer
(each variable family's index, each constraint family's terms, keys, sense and
right-hand side, the cost registry) and assembles the same LP from them three
ways: decarb's linear layer and hand-over, linopy (`to_highspy`), and numpy
straight into highspy. All three start from the same pandas tables, group the
terms into rows by their keys and hand HiGHS an LP with the same nonzeros, so
the difference is the assembly alone; making the tables (the components'
pandas work) is the same for all and is reported once.
"""
from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import highspy
import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC
from pyomo.core.expr.numeric_expr import LinearExpression

from decarb.formulation import linear
from decarb.formulation.build import build_model
from decarb.formulation.built import Built
from decarb.formulation.columns import VarArray, codes, columns_of
from decarb.solving.handover import standard_form
from decarb.solving.solve import HighsModel


def cpu(action: Callable[[], object], repeats: int = 3) -> tuple[float, object]:
    """Best CPU seconds of `repeats` calls, and the last result."""
    best, result = np.inf, None
    for _ in range(repeats):
        result = None
        gc.collect()
        t = time.process_time()
        result = action()
        best = min(best, time.process_time() - t)
    return best, result


def front_end(build: Callable[[], Built], repeats: int = 3) -> dict[str, float]:
    """CPU seconds of the build and of the hand-over, and the nonzeros."""
    times = {"build": np.inf, "hand-over": np.inf}
    for _ in range(repeats):
        gc.collect()
        t0 = time.process_time()
        built = build()
        t1 = time.process_time()
        model = HighsModel(built)
        t2 = time.process_time()
        times["build"] = min(times["build"], t1 - t0)
        times["hand-over"] = min(times["hand-over"], t2 - t1)
        nonzeros = model.form.nonzeros
        del built, model
    return {**times, "nonzeros": nonzeros,
            "us_per_nnz": (times["build"] + times["hand-over"]) / nonzeros * 1e6}


@dataclass
class Recorded:
    """What the components gave the linear layer, in order."""

    variables: list[tuple[str, pd.DataFrame, object]] = field(default_factory=list)
    rows: list[tuple[str, pd.DataFrame, list[str], str, object]] = field(default_factory=list)
    bounds: tuple[np.ndarray, np.ndarray] | None = None
    cost: tuple[np.ndarray, np.ndarray] | None = None   # column codes, coefficients


@contextmanager
def recording():
    """Record every add_var and add_constraints call of the components."""
    record = Recorded()
    add_var, add_constraints = linear.add_var, linear.add_constraints

    def var(m, name, index, doc, domain=pyo.NonNegativeReals):
        table = add_var(m, name, index, doc, domain)
        record.variables.append((name, table.drop(columns="var"), domain))
        return table

    def rows(m, name, terms, keys, sense, rhs, doc):
        kept = terms[keys + ["coef"]].assign(code=codes(terms["var"], m))
        record.rows.append((name, kept, keys, sense, rhs))
        return add_constraints(m, name, terms, keys, sense, rhs, doc)

    modules = [mod for mod in list(sys.modules.values())
               if getattr(mod, "__name__", "").startswith("decarb.formulation")]
    patched = [(mod, n, getattr(mod, n)) for mod in modules for n in ("add_var", "add_constraints")
               if getattr(mod, n, None) in (add_var, add_constraints)]
    for mod, n, _ in patched:
        setattr(mod, n, var if n == "add_var" else rows)
    try:
        yield record
    finally:
        for mod, n, original in patched:
            setattr(mod, n, original)


def record(ds) -> tuple[Recorded, int]:
    """The recorded tables of one build of `ds`, and its nonzeros."""
    with recording() as found:
        built = build_model(ds)
    form = standard_form(built.m)
    found.bounds = (form.col_lower, form.col_upper)
    costs = built.cost_table()
    found.cost = (codes(costs["var"], built.m),
                  costs[built.ds.settings.perspective].to_numpy(float))
    return found, form.nonzeros


def _row_numbers(terms: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, int]:
    """Each term's row: its keys' rank among the distinct keys."""
    row = terms.groupby(keys, sort=True).ngroup().to_numpy()
    return row, int(row.max()) + 1 if len(row) else 0


def _rhs(terms: pd.DataFrame, keys: list[str], rhs, rows: int) -> np.ndarray:
    if not isinstance(rhs, pd.DataFrame):
        return np.full(rows, float(rhs))
    first = terms.drop_duplicates(keys)[keys]
    found = first.merge(rhs[keys + ["rhs"]], on=keys, how="left").fillna({"rhs": 0.0})
    return found.sort_values(keys)["rhs"].to_numpy(float)


def by_decarb(r: Recorded) -> int:
    """The tables into a new Pyomo model by the linear layer, then HiGHS."""
    m = pyo.ConcreteModel()
    for name, index, domain in r.variables:
        linear.add_var(m, name, index, "", domain)
    dtype = columns_of(m).dtype
    for name, terms, keys, sense, rhs in r.rows:
        terms = terms.drop(columns="code").assign(var=VarArray(terms["code"].to_numpy(), dtype))
        linear.add_constraints(m, name, terms, keys, sense, rhs, "")
    variables = columns_of(m).variables
    at, coefs = r.cost
    m.total_cost = pyo.Objective(expr=LinearExpression(
        constant=0.0, linear_coefs=coefs.tolist(),
        linear_vars=[variables[i] for i in at.tolist()]))
    form = standard_form(m)
    form.pass_to(_highs())
    return form.nonzeros


def by_highspy(r: Recorded) -> int:
    """The tables straight into highspy: rows by numpy, one passModel."""
    lower, upper = r.bounds
    n = len(lower)
    row_parts, col_parts, val_parts, lo, up, offset = [], [], [], [], [], 0
    for _, terms, keys, sense, rhs in r.rows:
        terms = terms.loc[terms["coef"] != 0]
        row, rows = _row_numbers(terms, keys)
        bound = _rhs(terms, keys, rhs, rows)
        row_parts.append(row + offset)
        col_parts.append(terms["code"].to_numpy())
        val_parts.append(terms["coef"].to_numpy(float))
        lo.append(np.full(rows, -np.inf) if sense == "<=" else bound)
        up.append(np.full(rows, np.inf) if sense == ">=" else bound)
        offset += rows
    row, col, val = (np.concatenate(p) for p in (row_parts, col_parts, val_parts))
    entry, unique = pd.factorize(row * n + col)
    val = np.bincount(entry, weights=val)
    row, col = np.divmod(unique, n)
    order = np.argsort(row, kind="stable")
    row, col, val = row[order], col[order], val[order]
    cost = np.bincount(r.cost[0], weights=r.cost[1], minlength=n)
    h = _highs()
    h.passModel(n, offset, len(val), int(highspy.MatrixFormat.kRowwise),
                int(highspy.ObjSense.kMinimize), 0.0, cost, lower, upper,
                np.concatenate(lo), np.concatenate(up),
                np.searchsorted(row, np.arange(offset + 1)).astype(np.int32),
                col.astype(np.int32), val, np.zeros(n, np.int32))
    return len(val)


def by_linopy(r: Recorded) -> int | None:
    """The tables into a linopy model (terms padded per row, its own layout), then
    `to_highspy`. None when linopy is not installed."""
    try:
        import linopy
        import xarray as xr
    except ImportError:
        return None
    lower, upper = r.bounds
    m = linopy.Model()
    labels, start = [], 0
    for name, index, _ in r.variables:
        n = len(index)
        var = m.add_variables(lower=xr.DataArray(lower[start:start + n], dims="i"),
                              upper=xr.DataArray(upper[start:start + n], dims="i"),
                              name=name)
        labels.append(var.labels.values)
        start += n
    label = np.concatenate(labels)
    for name, terms, keys, sense, rhs in r.rows:
        terms = terms.loc[terms["coef"] != 0]
        row, rows = _row_numbers(terms, keys)
        order = np.argsort(row, kind="stable")
        row = row[order]
        place = np.arange(len(row)) - np.searchsorted(row, row)
        width = int(place.max()) + 1 if len(row) else 1
        coeffs = np.full((rows, width), np.nan)
        variables = np.full((rows, width), -1, dtype=np.int64)
        coeffs[row, place] = terms["coef"].to_numpy(float)[order]
        variables[row, place] = label[terms["code"].to_numpy()[order]]
        lhs = linopy.LinearExpression(xr.Dataset(
            {"coeffs": (("r", "_term"), coeffs), "vars": (("r", "_term"), variables)}), m)
        bound = xr.DataArray(_rhs(terms, keys, rhs, rows), dims="r")
        m.add_constraints(lhs, "=" if sense == "==" else sense, bound, name=name)
    objective = linopy.LinearExpression(xr.Dataset(
        {"coeffs": ("_term", r.cost[1]), "vars": ("_term", label[r.cost[0]])}), m)
    m.add_objective(objective)
    h = m.to_highspy()
    return int(h.getNumNz())


def _highs() -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def compare(ds, repeats: int = 3) -> dict[str, float | None]:
    """CPU us per nonzero of each assembly of the same recorded tables (None: linopy
    is not installed)."""
    found, nonzeros = record(ds)
    out: dict[str, float | None] = {"nonzeros": nonzeros}
    for name, assemble in (("decarb", by_decarb), ("linopy", by_linopy),
                           ("highspy", by_highspy)):
        with PauseGC():   # as the build itself does
            seconds, made = cpu(lambda: assemble(found), repeats)
        out[name] = None if made is None else seconds / nonzeros * 1e6
    return out
