"""What keeping a plant, scrapping its unit and closing it cost (the charges of
charges.py put on the plant's variables), present value in MJPY.

  relining          capex x annuity over the cycle, on run[p,k,w] in each window w of
                    the plant's first unit (k of its retrofit family)
  later relining    the same on z[p,a->b,y,k,w] >= sw[p,a->b,y] + run[p,k,w] - 1: the
                    windows of the unit a rebuild into b started
  stranded_assets   sum_y c(y) (F[y-1] - F[y]), c(y) = stranded(p,y) x DF(y), where
                    F[y] = sum_{k in the first family} run[p,k,y] falls from 1 to 0 once,
                    when the plant leaves the family (a rebuild or a closure): summed by
                    parts it puts c(y+1) - c(y) on F[y] (no c(y0) term), and c(y0) on
                    left[p] >= 1 - F[y0] (the plant as it stands ran its family before)
  decommissioning   d_k S DF(y) on what closes: run[p,k,y-1] + switches into k - switches
                    out of k - run[p,k,y] (the slack of plant_follow_switches), with
                    closed0[p] >= 1 - sum_k run[p,k,y0] for the first year
No variable per closure is needed: a plant leaves its family or closes once.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.formulation.built import Built
from decarb.formulation.components.investment import annuity_weights, discount_by_year
from decarb.formulation.linear import add_constraints, add_var, terms_of

PLANT_YEAR = ["plant", "technology", "year"]


def add(b: Built, run: pd.DataFrame, switch: pd.DataFrame) -> None:
    sector = b.p.tech["sector"]
    relining = pd.concat([run.merge(b.fleet.relinings, on=PLANT_YEAR),
                          _later_relinings(b, run, switch)], ignore_index=True)
    annuity = annuity_weights(b.p, relining["life_yr"], relining["year"])
    b.add_cost("relining", relining.assign(
        sector=relining["technology"].map(sector),
        private=relining["capex_mjpy"] * annuity["private"],
        social=relining["capex_mjpy"] * annuity["social"]))
    b.add_cost("stranded_assets", _stranded(b, run))
    b.add_cost("decommissioning", _decommissioning(b, run, switch))


def _by_view(b: Built, rows: pd.DataFrame, mjpy: pd.Series) -> dict[str, pd.Series]:
    """`mjpy` paid in each row's year, discounted in each perspective."""
    return {view: mjpy * rows["year"].map(discount_by_year(b.p, rate))
            for view, rate in b.p.rates.items()}


def _stranded(b: Built, run: pd.DataFrame) -> pd.DataFrame:
    """The cost rows of the first unit's stranded value (var, sector, year, views)."""
    value = b.fleet.stranded
    columns = ["var", "sector", "year", *b.p.rates]
    if value.empty:
        return pd.DataFrame(columns=columns)
    years = b.p.years
    nxt = dict(zip(years[:-1], years[1:]))
    c = {view: value.assign(c=value["stranded_mjpy"] * value["year"].map(
        discount_by_year(b.p, rate))).set_index(["plant", "year"])["c"]
        for view, rate in b.p.rates.items()}
    family = run.merge(b.fleet.first_family, on=["plant", "technology"])
    sector = family["technology"].map(b.p.tech["sector"])

    def at(view: str, plant: pd.Series, year: pd.Series) -> np.ndarray:
        return c[view].reindex(pd.MultiIndex.from_arrays([plant, year])).fillna(0.0) \
            .to_numpy()

    on_runs = family[["var", "year"]].assign(sector=sector, **{
        view: at(view, family["plant"], family["year"].map(nxt))
        - np.where(family["year"] > years[0], at(view, family["plant"], family["year"]), 0.0)
        for view in b.p.rates})
    plants = value.loc[value["year"] == years[0], "plant"].unique()
    first = family.loc[family["plant"].isin(plants) & (family["year"] == years[0])]
    left = add_var(b.m, "plant_left_first_family", pd.DataFrame({"plant": plants}),
                   "The plant left its first unit's family in the first model year (1/0)")
    b.cons["plant_leaves_first_family"] = add_constraints(
        b.m, "plant_leaves_first_family", pd.concat([
            terms_of(left, 1.0, plant="plant"), terms_of(first, 1.0, plant="plant")]),
        ["plant"], ">=", 1.0, "Left the first family in the first year >= 1 - runs it "
        "then (1/0)")
    on_left = left.assign(year=years[0], sector=left["plant"].map(
        b.fleet.plants.set_index("plant")["sector"]), **{
        view: at(view, left["plant"], pd.Series(years[0], index=left.index))
        for view in b.p.rates})
    rows = pd.concat([on_runs, on_left[columns]], ignore_index=True)
    return rows.loc[(rows[list(b.p.rates)] != 0).any(axis=1), columns]


def _decommissioning(b: Built, run: pd.DataFrame, switch: pd.DataFrame) -> pd.DataFrame:
    """The cost rows of decommissioning what closes (var, sector, year, views)."""
    cost = b.ds.relining.set_index("technology")["decommissioning_jpy_per_unit_yr"]
    cost = cost.loc[cost > 0]
    columns = ["var", "sector", "year", *b.p.rates]
    if cost.empty:
        return pd.DataFrame(columns=columns)
    years = b.p.years
    nxt = dict(zip(years[:-1], years[1:]))
    size = run.drop_duplicates(["plant", "technology"]).set_index(
        ["plant", "technology"])["size"]
    origin = b.fleet.plants.set_index("plant")
    first = origin.loc[origin["existing"] & origin["origin"].isin(cost.index)]
    closed0 = add_var(b.m, "plant_closed_first_year", pd.DataFrame({"plant": first.index}),
                      "The plant closed in the first model year (1/0)")
    open0 = run.loc[run["plant"].isin(first.index) & (run["year"] == years[0])]
    b.cons["plant_closes_first_year"] = add_constraints(
        b.m, "plant_closes_first_year", pd.concat([
            terms_of(closed0, 1.0, plant="plant"), terms_of(open0, 1.0, plant="plant")]),
        ["plant"], ">=", 1.0, "Closed in the first year >= 1 - runs anything then (1/0)")
    later = switch["year"] > years[0]   # the first year's closures are closed0's
    leaving = switch.loc[switch["from_technology"].isin(cost.index) & later]
    arriving = switch.loc[switch["technology"].isin(cost.index) & later]
    ran = run.loc[run["technology"].isin(cost.index)]
    parts = [  # (rows, closing technology, year of the closure, sign)
        (ran.assign(at=ran["year"].map(nxt)).dropna(subset=["at"]), "technology", 1.0),
        (ran.loc[ran["year"] > years[0]].assign(at=lambda t: t["year"]), "technology",
         -1.0),
        (arriving.assign(at=arriving["year"]), "technology", 1.0),
        (leaving.assign(at=leaving["year"]), "from_technology", -1.0),
        (closed0.assign(at=years[0], closing=closed0["plant"].map(first["origin"])),
         "closing", 1.0)]
    rows = []
    for frame, tech, sign in parts:
        per = frame[tech].map(cost) * size.reindex(pd.MultiIndex.from_arrays(
            [frame["plant"], frame[tech]])).to_numpy() * sign
        year = frame.assign(year=frame["at"].astype(int))
        rows.append(year[["var", "year"]].assign(
            sector=frame[tech].map(b.p.tech["sector"]), **_by_view(b, year, per)))
    return pd.concat(rows, ignore_index=True)[columns]


def _later_relinings(b: Built, run: pd.DataFrame, switch: pd.DataFrame) -> pd.DataFrame:
    """The z variables of the rebuilt units' windows (technology, year: what runs and
    when), with capex_mjpy and life_yr."""
    later = b.fleet.later_relinings
    if later.empty:
        return pd.DataFrame(columns=["var", "technology", "year", "capex_mjpy", "life_yr"])
    keys = ["plant", "from_technology", "technology", "year", "run_technology", "window"]
    z = add_var(b.m, "plant_later_relining", later[keys], "The unit a rebuild started is "
                "relined in the window, running run_technology (1/0)").merge(later, on=keys)
    by_key = {k: k for k in keys}
    rebuilt = z.merge(switch[["plant", "from_technology", "technology", "year", "var"]],
                      on=["plant", "from_technology", "technology", "year"],
                      suffixes=("", "_switch"))
    running = z.merge(run[["plant", "technology", "year", "var"]].rename(columns={
        "technology": "run_technology", "year": "window"}), on=["plant", "run_technology",
                                                                "window"],
        suffixes=("", "_run"))
    b.cons["plant_relined_after_rebuild"] = add_constraints(
        b.m, "plant_relined_after_rebuild", pd.concat([
            terms_of(z, 1.0, **by_key),
            terms_of(rebuilt.assign(var=rebuilt["var_switch"]), -1.0, **by_key),
            terms_of(running.assign(var=running["var_run"]), -1.0, **by_key)]),
        keys, ">=", -1.0, "Relined in a window of the rebuilt unit >= switched to it + "
        "runs it then - 1 (1/0)")
    return z.drop(columns=["technology", "year"]).rename(columns={
        "run_technology": "technology", "window": "year"})
