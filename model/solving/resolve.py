"""Re-solving one built model for datasets that differ from it only in place.

A carbon price path, CO2 caps (sector, economy-wide, cumulative) and subsidy budgets
(annual, and the rounds' treasury-year tranches) enter the LP only as objective
coefficients and right-hand sides; subsidy rates, the
tax scheme, its rates and tiers and the open years of programmes and of the
incentive enter through the support modes: their capital charges (objective), the
coefficients of the budget, credit and eligible-investment rows, and which modes are
open (a closed mode's column is held at 0, not removed); a technology's first year
that moves later holds its earlier builds at 0; the discount rates enter only the
objective (flow costs re-weighted, capital charges, special depreciation's value and
the heat recovery steps' annuities registered again). A dataset that differs from
the built one in nothing else is solved by changing those numbers in the model HiGHS
already holds (a warm start for an LP), as long as it opens no build, support mode
or limit row the model lacks. Anything else (a new technology, an earlier first
year, a support mode the model lacks, a discount rate or first year in plant mode)
is rebuilt.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from decarb.formulation.build import build_model
from decarb.formulation.built import Built
from decarb.formulation.components import (carbon_market, ccs_hubs, hydrogen_contracts,
                                           production_credits)
from decarb.formulation.components.brownfield import builds, chosen
from decarb.formulation.components.emissions import cap_limits, register_carbon_price
from decarb.formulation.components.operation import HEAT_RECOVERY, register_heat_recovery
from decarb.formulation.components.subsidy_rounds import (NAME as RELEASED,
                                                          released_budget_limits)
from decarb.formulation.components.investment import (CAPITAL_AFTER_PLAN, Limit,
                                                      budget_limits_mjpy, limits,
                                                      register_capital,
                                                      register_capital_after_plan, support_for)
from decarb.formulation.parameters import discounting
from decarb.inputs.dataset import Dataset
from decarb.inputs.schema import TABLES
from decarb.solving.solve import HighsModel, Solution

# Table -> the columns that may change in place (their blanks must stay blanks).
IN_PLACE_COLUMNS = {
    "carbon_price": ("price_jpy_per_tco2",), "caps": ("cap_mtco2",),
    "subsidies": ("budget_bjpy_per_yr", "rate", "first_year", "last_year"),
    "subsidy_budgets": ("budget_bjpy",),
    "tax_schemes": ("tax_rate", "first_year", "last_year"),
    "tax_tiers": ("min_gain", "credit_rate", "sd_rate"),
    "technologies": ("first_year",)}
IN_PLACE_SETTINGS = ("cumulative_cap_mtco2", "tax_scheme", "tax_base",
                     "discount_rate_private", "discount_rate_social")
SUPPORT_TABLES = ("subsidies", "subsidy_eligibility", "tax_schemes", "tax_tiers")
# The private rate is also the PV of special depreciation, a support factor.
SUPPORT_SETTINGS = ("tax_scheme", "tax_base", "discount_rate_private")


def support_active(ds: Dataset) -> bool:
    """Whether a run of `ds` has support instruments registered per perspective."""
    return any(c.active(ds) for c in (hydrogen_contracts, ccs_hubs, production_credits))


def changes_in_place(built: Dataset, point: Dataset) -> bool:
    """True when `point` differs from `built` only in what can change in place
    (whether its support modes fit the built model is `support_for`'s to say)."""
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
    """One model kept across solves: changed in place where it can be, rebuilt otherwise.

    Given a `base` dataset (a sweep's base case), the kept model is the base's, built
    and solved once when a first dataset fits it; every dataset that fits it is then
    changed in place and solved from the base's own solved state (its basis and, for
    a MIP, its unit counts as the first candidate), so an answer does not depend on
    which datasets were solved before it (a worker's share, their order). A dataset
    that does not fit is built and solved alone. Without a base, each solve starts
    from the last (the page, whose levers move one at a time).
    """

    def __init__(self, solver_log: bool = False, base: Dataset | None = None) -> None:
        self.built: Built | None = None
        self.model: HighsModel | None = None
        self.solver_log = solver_log   # HiGHS's log on stdout
        self.base = base
        self._start: tuple | None = None   # the base's basis and unit counts

    def solve(self, ds: Dataset) -> tuple[Built, Solution, bool]:
        """Solve `ds`; also say whether it was solved in place (True) or built anew."""
        t0 = time.perf_counter()
        if self.base is not None and self.built is None and changes_in_place(self.base, ds):
            self.built = build_model(self.base)
            self.model = HighsModel(self.built, self.solver_log)
            first = self.model.solve()
            self._start = (self.model.h.getBasis(), self.model.incumbent) if first.ok else None
        change = None if self.built is None else _in_place(self.built, ds)
        if change is not None:
            _update(self.built, self.model, ds, change)
            if self.base is not None:
                self._restart()
            built, model = self.built, self.model
            build_s = time.perf_counter() - t0
        else:
            built = build_model(ds)
            build_s = time.perf_counter() - t0
            model = HighsModel(built, self.solver_log)
            if self.base is None:     # kept for the next solve
                self.built, self.model = built, model
        solution = model.solve()
        solution.times_s = {"build": build_s, **solution.times_s}
        return built, solution, change is not None

    def _restart(self) -> None:
        """Put the base's solved state back in HiGHS (none: a cold start). HiGHS's own
        state is cleared first: a basis alone still leaves its simplex data of the
        last solve, which can lead it to another optimal vertex of the same cost."""
        self.model.h.clearSolver()
        self.model.incumbent = None
        if self._start is not None:
            basis, self.model.incumbent = self._start
            self.model.h.setBasis(basis)


@dataclass(frozen=True)
class _Change:
    """What a dataset changes in the built model besides prices, caps, budgets and rates."""

    support: tuple[pd.DataFrame, dict[str, Limit]] | None   # new support table and limits
    closed_builds: np.ndarray | None   # per build held at 0; None: first years same


def _in_place(b: Built, ds: Dataset) -> _Change | None:
    """How `ds` changes the built model in place, or None when it must be rebuilt."""
    if not changes_in_place(b.ds, ds):
        return None
    support = closed = None
    if _support_changed(b.ds, ds):
        support = _support_in_place(b, ds)
        if support is None:
            return None
    if not _same(b.ds.technologies, ds.technologies):
        closed = None if b.fleet is not None else _closed_builds(b, ds)
        if closed is None:   # a build the model lacks; in plant mode switches not re-timed
            return None
    if b.fleet is not None and discounting(ds)[0] != b.p.rates:
        return None   # plant relining and stranded charges are not re-weighted
    if (carbon_market.active(ds) or support_active(ds)) and discounting(ds)[0] != b.p.rates:
        return None   # the present values of their public flows are not re-weighted
    return _Change(support, closed)


def _support_changed(old: Dataset, new: Dataset) -> bool:
    """True when the support modes may differ; budgets alone are right-hand sides (also
    in plant mode, whose switches' modes are not changed in place)."""
    def modes(ds: Dataset, table: str) -> pd.DataFrame:
        return getattr(ds, table).drop(columns=["budget_bjpy_per_yr"], errors="ignore")
    return (any(getattr(old.settings, s) != getattr(new.settings, s) for s in SUPPORT_SETTINGS)
            or any(not _same(getattr(old, t), getattr(new, t))
                   and not modes(old, t).equals(modes(new, t)) for t in SUPPORT_TABLES))


def _same(old: pd.DataFrame, new: pd.DataFrame) -> bool:
    return old is new or old.equals(new)   # `is`: a table a sweep worker's Reader kept


def _closed_builds(b: Built, ds: Dataset) -> np.ndarray | None:
    """Per build of the model (`brownfield.builds`: new sites, then rebuilds), whether
    `ds` holds it at 0: built before the technology's first year in `ds`. None when `ds` allows a build the model lacks
    (a first year brought forward past the built one's first model year of building)."""
    years = np.asarray(b.p.years)
    first = ds.technologies.set_index("technology")["first_year"]
    built_first = b.p.tech["first_year"].reindex(first.index)
    if (np.searchsorted(years, first) < np.searchsorted(years, built_first)).any():
        return None
    made = builds(b)
    return (made["year"] < made["technology"].map(first)).to_numpy()


def _support_in_place(b: Built, ds: Dataset) -> tuple[pd.DataFrame, dict[str, Limit]] | None:
    """The support table and limit families of `ds` on the built model, or None when
    they need a mode or a limit row the model does not have."""
    support = support_for(b, ds)
    if support is None:
        return None
    found = limits(ds, b.p, support)
    for name, (terms, keys, _, _) in found.items():
        rows = b.cons.get(name)
        if rows is None or len(terms[keys].drop_duplicates().merge(rows[keys])) < len(
                terms[keys].drop_duplicates()):
            return None
    return support, found


def _update(b: Built, model: HighsModel, ds: Dataset, change: _Change) -> None:
    """Carry what changed of prices, caps, budgets, support and discount rates into the
    registries and HiGHS."""
    old = b.ds
    rhs: dict[str, pd.DataFrame] = {}
    if (not _same(old.caps, ds.caps)
            or old.settings.cumulative_cap_mtco2 != ds.settings.cumulative_cap_mtco2):
        rhs.update(cap_limits(ds, b.p.step))
    if not _same(old.subsidies, ds.subsidies):
        rhs["limit_subsidy_budget"] = budget_limits_mjpy(ds, b.p.step)
    if not _same(old.subsidy_budgets, ds.subsidy_budgets):
        rhs[RELEASED] = released_budget_limits(ds, b.p)
    if change.closed_builds is not None:   # later first years: earlier builds held at 0
        made = builds(b)
        mine = chosen(made)   # a committed build stays fixed
        model.set_upper(made.loc[mine, "var"], np.where(change.closed_builds[mine], 0.0,
                                                         np.inf))
    support = change.support
    if support is not None:
        table, found = support
        for name, (terms, keys, _, _) in limits(old, b.p, b.vars["support"]).items():
            _change_coefficients(model, b.cons[name], keys, terms.assign(coef=0.0))
        for name, (terms, keys, limit_rhs, _) in found.items():
            _change_coefficients(model, b.cons[name], keys, terms)
            rhs[name] = limit_rhs
        model.set_upper(table["var"], np.where(table["open"], np.inf, 0.0))
        b.vars["support"] = table
    rates, weights = discounting(ds)
    new_rates = rates != b.p.rates
    if new_rates:
        b.reweight(replace(b.p, rates=rates, weights=weights))
    b.ds = ds   # result tables read caps and settings from it
    repriced = new_rates or not _same(old.carbon_price, ds.carbon_price)
    if repriced:
        b.reregister("carbon_price", register_carbon_price)
    if support is not None or new_rates:
        b.reregister("capital", register_capital)
        b.reregister(CAPITAL_AFTER_PLAN, register_capital_after_plan)
    if new_rates:
        b.reregister(HEAT_RECOVERY, register_heat_recovery)
    if repriced or support is not None:
        model.set_costs(b.costs, ds.settings.perspective)
    for name, new_rhs in rhs.items():
        rows = b.cons.get(name)
        if rows is None:
            continue
        keys = [k for k in new_rhs.columns if k != "rhs" and k in rows.columns]
        new = rows[keys].merge(new_rhs[keys + ["rhs"]], on=keys, how="left")["rhs"] \
            .fillna(rows["rhs"].reset_index(drop=True)).to_numpy(float)   # closed: kept
        model.shift_row_bounds(rows["con"].tolist(), new - rows["rhs"].to_numpy(float))
        b.cons[name] = rows.assign(rhs=new)


def _change_coefficients(model: HighsModel, rows: pd.DataFrame, keys: list[str],
                         terms: pd.DataFrame) -> None:
    at = terms.merge(rows[keys + ["con"]], on=keys)
    model.change_coefficients(at["con"], at["var"], at["coef"].to_numpy(float))
