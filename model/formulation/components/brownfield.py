"""Brownfield rebuilds: capacity retiring on existing sites, rebuilt there at the relining
or conversion cost.

`technology_costs.csv` capex is a new site's (greenfield). A build on an old site
costs less, but only as much capacity as retires there. Per technology j that
retires, technology k rebuilt, model year y (after the first):
  rebuilt[j,k,y] >= 0 at the brownfield capex (JPY/(unit/yr))
      relining[j]                  k = j  (relining.csv; without a row, j's greenfield)
      conversion                   j -> k a rebuild edge of transitions.csv
      relining[j] + conversion     j -> k a retrofit edge (the host relined, then fitted)
    offered only from k's first year and where cheaper than k's greenfield capex in y
    (or k has none: a technology reached only by conversion);
  sum_k rebuilt[j,k,y] <= retiring[j,y]
      = residual[j,y_prev] - residual[j,y] - exits[j,y]
        + sum_{i,v: v + life[j] in (y_prev, y]} rebuilt[i,j,v]
    (exits: the plants committed.csv closes or converts in y, aggregate mode: a closed
    site is not rebuilt, a converted one is the event's)
  capacity: rebuilt[j,k,v] is a build of k in v (capacity.py: installed within its
    life, retired for good, growth-limited like new[k,v]);
  investment: each rebuild is split over support modes like a build (investment.py).
Capacity built on new sites that ends its life within the horizon is not counted as
retiring (a tighter bound; with the Japan lives it touches only builds of 2025-2035).
In plant mode the residual is what the plants leave (parameters.py): a plant's own
relining or conversion is the plant's (plant/), so aggregate builds of what the plants
run are new sites.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.formulation.built import Built
from decarb.formulation.linear import add_constraints, add_var, terms_of
from decarb.formulation.parameters import Parameters
from decarb.inputs.dataset import Dataset

KEYS = ["from_technology", "technology", "year"]
GREENFIELD = ""   # from_technology of a build on a new site
COMMITTED_SITE = "committed:"   # + project: the site of a committed build (aggregate mode)


def add(b: Built) -> None:
    offers = rebuild_offers(b.ds, b.p)
    if offers.empty:
        return
    rebuilt = add_var(b.m, "rebuilt", offers[KEYS], "Capacity rebuilt in the year on sites "
                      "where from_technology retires (M unit/yr)")
    b.vars["rebuilt"] = rebuilt   # installed, retired and growth-limited as a build
    _within_retiring(b, rebuilt)


def _within_retiring(b: Built, rebuilt: pd.DataFrame) -> None:
    p = b.p
    previous = dict(zip(p.years[1:], p.years[:-1]))
    # a rebuild of k retires (for the next rebuild on its site) when its life is over
    end = _model_year_at(p, rebuilt["year"] + rebuilt["technology"].map(p.tech["life_yr"]))
    ends = rebuilt.assign(year=end).dropna(subset=["year"]).astype({"year": int})
    rows = rebuilt[["from_technology", "year"]].drop_duplicates()
    residual = p.residual.set_index(["technology", "year"])["capacity_m_per_yr"]
    before = residual.reindex(pd.MultiIndex.from_arrays(
        [rows["from_technology"], rows["year"].map(previous)])).fillna(0.0).to_numpy()
    now = residual.reindex(pd.MultiIndex.from_arrays(
        [rows["from_technology"], rows["year"]])).fillna(0.0).to_numpy()
    exits = p.exits.set_index(["technology", "year"])["capacity_m_per_yr"].reindex(
        pd.MultiIndex.from_arrays([rows["from_technology"], rows["year"]])).fillna(0.0)
    rhs = rows.assign(rhs=np.clip(before - now - exits.to_numpy(float), 0.0, None))
    b.cons["limit_rebuilds_to_retiring"] = add_constraints(
        b.m, "limit_rebuilds_to_retiring", pd.concat([
            terms_of(rebuilt, 1.0, from_technology="from_technology", year="year"),
            terms_of(ends, -1.0, from_technology="technology", year="year")]),
        ["from_technology", "year"], "<=", rhs,
        "Capacity rebuilt on old sites <= existing capacity retiring + rebuilds reaching "
        "the end of their life (M unit/yr)")


def _model_year_at(p: Parameters, calendar: pd.Series) -> pd.Series:
    """The first model year at or after each calendar year (NaN past the horizon): the
    first a build whose life ends then no longer stands in."""
    years = np.asarray(p.years)
    at = np.searchsorted(years, calendar.to_numpy(), side="left")
    return pd.Series(np.where(at < len(years), years[np.clip(at, 0, len(years) - 1)],
                              np.nan), index=calendar.index)


def rebuild_offers(ds: Dataset, p: Parameters) -> pd.DataFrame:
    """KEYS + capex_jpy_per_unit_yr: each rebuild on an old site cheaper than a new one."""
    retiring = p.residual["technology"].unique()
    if not len(retiring) or len(p.years) < 2:
        return pd.DataFrame(columns=KEYS + ["capex_jpy_per_unit_yr"])
    greenfield = p.costs.set_index(["technology", "year"])["capex_jpy_per_unit_yr"]
    relining = relining_capex(ds, p)
    edges = ds.transitions
    own = pd.DataFrame({"from_technology": retiring, "technology": retiring})
    conversions = edges.rename(columns={"to_technology": "technology"}).assign(
        retrofit=edges["kind"] == "retrofit")
    offers = pd.concat([own.assign(conversion=0.0, retrofit=True),
                        conversions[["from_technology", "technology", "retrofit"]].assign(
                            conversion=conversions["conversion_capex_jpy_per_unit_yr"])])
    offers = offers.loc[offers["from_technology"].isin(retiring)].merge(
        pd.DataFrame({"year": p.years[1:]}), how="cross")
    offers = offers.loc[offers["year"] >= offers["technology"].map(p.tech["first_year"])]
    host = relining.reindex(pd.MultiIndex.from_arrays(
        [offers["from_technology"], offers["year"]])).to_numpy()
    offers["capex_jpy_per_unit_yr"] = offers["conversion"] + np.where(offers["retrofit"],
                                                                     host, 0.0)
    new_site = greenfield.reindex(pd.MultiIndex.from_arrays(
        [offers["technology"], offers["year"]])).to_numpy()
    cheaper = offers["capex_jpy_per_unit_yr"].notna() & ~(
        offers["capex_jpy_per_unit_yr"].to_numpy() >= new_site)
    return offers.loc[cheaper, KEYS + ["capex_jpy_per_unit_yr"]].reset_index(drop=True)


def relining_capex(ds: Dataset, p: Parameters) -> pd.Series:
    """(technology, year) -> relining capex (JPY/(unit/yr)): relining.csv's, else the
    greenfield capex (a unit rebuilt on its site as if new)."""
    greenfield = p.costs.set_index(["technology", "year"])["capex_jpy_per_unit_yr"]
    own = ds.relining.set_index("technology")["relining_capex_jpy_per_unit_yr"]
    by_year = greenfield.index.get_level_values("technology").map(own)
    return pd.Series(np.where(pd.notna(by_year), by_year, greenfield.to_numpy()),
                     index=greenfield.index)


def builds(b: Built) -> pd.DataFrame:
    """Every build of the aggregate model: KEYS + var, new sites (from_technology
    GREENFIELD), rebuilds on old sites and, in aggregate mode, the committed builds
    (committed_builds.py)."""
    new = b.vars["new"].assign(from_technology=GREENFIELD)
    others = [b.vars[name] for name in ("rebuilt", "committed_build") if name in b.vars]
    return pd.concat([new, *others], ignore_index=True)[KEYS + ["var"]]


def chosen(made: pd.DataFrame) -> np.ndarray:
    """Which rows of `builds(b)` are the model's to choose: not a committed build."""
    return ~made["from_technology"].str.startswith(COMMITTED_SITE).to_numpy()
