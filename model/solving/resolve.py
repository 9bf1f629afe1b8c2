"""Re-solving one built model for datasets that differ from it only in place.

A carbon price path, CO2 caps (sector, economy-wide, cumulative) and subsidy
budgets enter the LP only as objective coefficients and right-hand sides. A
dataset that differs from the built one in nothing else is solved by changing
those numbers in the model HiGHS already holds (a warm start for an LP);
anything else (a new technology, a subsidy rate, a discount rate) is rebuilt.
"""
from __future__ import annotations

import time

import pandas as pd

from model.formulation.build import build_model
from model.formulation.built import Built
from model.formulation.components.emissions import cap_limits, register_carbon_price
from model.formulation.components.investment import budget_limits_mjpy
from model.inputs.dataset import Dataset
from model.inputs.schema import TABLES
from model.solving.solve import HighsModel, Solution

# Table -> the columns that may change in place (their blanks must stay blanks).
IN_PLACE_COLUMNS = {"carbon_price": ("price_jpy_per_tco2",), "caps": ("cap_mtco2",),
                    "subsidies": ("budget_bjpy_per_yr",)}
IN_PLACE_SETTINGS = ("cumulative_cap_mtco2",)


def changes_in_place(built: Dataset, point: Dataset) -> bool:
    """True when `point` differs from `built` only in what can change in place."""
    a, b = built.settings, point.settings
    for name in a.__dataclass_fields__:
        same = getattr(a, name) == getattr(b, name)
        if not same and not (name in IN_PLACE_SETTINGS
                             and (getattr(a, name) is None) == (getattr(b, name) is None)):
            return False
    for table in TABLES:
        changing = IN_PLACE_COLUMNS.get(table.name, ())
        old, new = getattr(built, table.name), getattr(point, table.name)
        if old is new:   # a table a sweep worker's Reader kept
            continue
        fixed = [c.name for c in table.columns if c.name not in changing and c.name != "source"]
        if len(old) != len(new) or not old[fixed].equals(new[fixed]):
            return False
        if any(not old[c].isna().equals(new[c].isna()) for c in changing):
            return False
    return True


class Session:
    """One model kept across solves: changed in place where it can be, rebuilt otherwise."""

    def __init__(self, solver_log: bool = False) -> None:
        self.built: Built | None = None
        self.model: HighsModel | None = None
        self.solver_log = solver_log   # HiGHS's log on stdout

    def solve(self, ds: Dataset) -> tuple[Built, Solution, bool]:
        """Solve `ds`; also say whether it was solved in place (True) or built anew."""
        t0 = time.perf_counter()
        in_place = self.built is not None and changes_in_place(self.built.ds, ds)
        if in_place:
            _update(self.built, self.model, ds)
        else:
            self.built = build_model(ds)
        build_s = time.perf_counter() - t0
        if not in_place:
            self.model = HighsModel(self.built, self.solver_log)
        solution = self.model.solve()
        solution.times_s = {"build": build_s, **solution.times_s}
        return self.built, solution, in_place


def _update(b: Built, model: HighsModel, ds: Dataset) -> None:
    """Carry the new prices, caps and budgets into the registries and into HiGHS."""
    b.ds = ds   # result tables read caps and settings from it
    b.reregister("carbon_price", register_carbon_price)
    costs = b.cost_table()
    model.set_costs(costs["var"].to_numpy(object), costs[ds.settings.perspective].to_numpy(float))
    limits = {**cap_limits(ds, b.p.step), "limit_subsidy_budget": budget_limits_mjpy(
        ds, b.p.step)}
    for name, rhs in limits.items():
        rows = b.cons.get(name)
        if rows is None:
            continue
        keys = [k for k in rhs.columns if k != "rhs" and k in rows.columns]
        new = rows[keys].merge(rhs, on=keys, how="left")["rhs"].to_numpy(float)
        model.shift_row_bounds(rows["con"].tolist(), new - rows["rhs"].to_numpy(float))
        b.cons[name] = rows.assign(rhs=new)
