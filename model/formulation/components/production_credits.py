"""Production tax credits per unit of qualifying output: the green-steel credit
(formulation 9.6); M unit/yr, MJPY.

Credit c pays g[c,k,y] JPY per unit of technology k's output made in capacity that
came into service by c's last start year (plans certified in time): aggregate builds
of k up to that year, and in plant mode plants switched to k up to that year. The
rate path holds the credit years and the taper of the last ones.
  credited[c,k,y] <= avail_k * sum_{v <= last start, alive in y} new[k,v]
                                                   (production_credit_new_capacity)
  plant mode, per plant p:
  credited[c,p,k,y] <= avail_k * size_p * run[p,k,y]        (production_credit_plant_runs)
  credited[c,p,k,y] <= avail_k * size_p * sum_{switches to k by last start} sw
                                                   (production_credit_plant_switched)
  sum credited[c,.,k,y] <= act[k,y]                (production_credit_output)
  sum step * g * credited <= cap share x corporate tax of the payer x step
                                                   (production_credit_tax_cap: the
                                                    company in plant mode, else the sector)
Private cost -g per credited unit; a transfer (none in the social view); public flow
`production_credit:<c>`.
"""
from __future__ import annotations

import pandas as pd

from decarb.formulation.built import Built
from decarb.formulation.linear import add_constraints, add_var, terms_of
from decarb.formulation.public_flows import register_transfer
from decarb.formulation.tax_capacity import payer_rows
from decarb.inputs.dataset import Dataset

INSTRUMENT = "production_credit"


def active(ds: Dataset) -> bool:
    return ds.settings.production_credits and not ds.production_credits.empty


def credit_rates(ds: Dataset, years: list[int]) -> pd.DataFrame:
    """credit, technology, year, rate (JPY/unit), last_start_year, tax_cap_share: the
    model years a credit pays."""
    rates = ds.production_credit_rates.loc[
        ds.production_credit_rates["year"].isin(years)
        & (ds.production_credit_rates["jpy_per_unit"] > 0)]
    return rates.rename(columns={"jpy_per_unit": "rate"}).merge(
        ds.production_credits[["credit", "last_start_year", "tax_cap_share"]], on="credit")[
        ["credit", "technology", "year", "rate", "last_start_year", "tax_cap_share"]]


def add(b: Built) -> None:
    if not active(b.ds):
        return
    rates = credit_rates(b.ds, b.p.years)
    if rates.empty:
        return
    m, p = b.m, b.p
    avail, sector = p.tech["availability"], p.tech["sector"]
    keys = ["credit", "technology", "year"]
    credited = add_var(m, "credit_output", rates[keys], "Output of new capacity earning a "
                       "production credit (M unit/yr)").merge(rates, on=keys)
    alive = p.vintages.merge(b.vars["new"].rename(columns={"year": "vintage"}),
                             on=["technology", "vintage"]).merge(
        rates[keys + ["last_start_year"]], on=["technology", "year"])
    alive = alive.loc[alive["vintage"] <= alive["last_start_year"]]
    k = dict(credit="credit", technology="technology", year="year")
    b.cons["production_credit_new_capacity"] = add_constraints(
        m, "production_credit_new_capacity", pd.concat([
            terms_of(credited, 1.0, **k),
            terms_of(alive, -alive["technology"].map(avail), **k)]),
        keys, "<=", 0.0, "Credited output <= availability x capacity built by the last "
        "start year (M unit/yr)")
    parts = [credited.assign(sector=credited["technology"].map(sector))]
    if "plant_run" in b.vars:
        parts.append(_plants(b, rates))
    paid = pd.concat(parts, ignore_index=True)
    act = b.vars["act"].merge(rates[keys])
    b.cons["production_credit_output"] = add_constraints(
        m, "production_credit_output", pd.concat([
            terms_of(paid, 1.0, **k), terms_of(act, -1.0, **k)]),
        keys, "<=", 0.0, "Credited output <= output of the technology (M unit/yr)")
    terms, rhs = [], []
    for credit, rows in paid.groupby("credit"):
        t, r = payer_rows(b.ds, p, rows, rows["rate"] * p.step,
                          rows["tax_cap_share"].iloc[0])
        terms.append(t.assign(credit=credit))
        rhs.append(r.assign(credit=credit))
    b.cons["production_credit_tax_cap"] = add_constraints(
        m, "production_credit_tax_cap", pd.concat(terms), ["credit", "payer", "year"], "<=",
        pd.concat(rhs),
        "Production credits <= cap share x corporate tax of the payer x years (MJPY)")
    b.vars["credit_output"] = paid
    b.add_cost(INSTRUMENT, paid.assign(
        private=-paid["rate"] * paid["year"].map(p.weights["private"]), social=0.0))
    register_transfer(b, paid, INSTRUMENT, paid["credit"], paid["rate"], paid["sector"])


def _plants(b: Built, rates: pd.DataFrame) -> pd.DataFrame:
    """Each plant's credited output: at most what it makes running the technology, and
    only once it switched to it by the last start year."""
    m, p = b.m, b.p
    run = b.vars["plant_run"].merge(rates, on=["technology", "year"])
    keys = ["credit", "plant", "technology", "year"]
    credited = add_var(m, "credit_plant_output", run[keys], "Output of a plant earning a "
                       "production credit (M unit/yr)").merge(run.drop(columns="var"),
                                                               on=keys)
    limit = credited["technology"].map(p.tech["availability"]) * credited["size"]
    k = {c: c for c in keys}
    b.cons["production_credit_plant_runs"] = add_constraints(
        m, "production_credit_plant_runs", pd.concat([
            terms_of(credited, 1.0, **k), terms_of(run, -limit.to_numpy(), **k)]),
        keys, "<=", 0.0, "Credited output of a plant <= availability x size while it runs "
        "the technology (M unit/yr)")
    switch = b.vars["plant_switch"][["plant", "technology", "year", "var"]].rename(
        columns={"year": "switched"})
    switched = credited[keys + ["last_start_year", "size"]].merge(
        switch, on=["plant", "technology"], suffixes=("_credit", ""))
    switched = switched.loc[(switched["switched"] <= switched["year"])
                            & (switched["switched"] <= switched["last_start_year"])]
    size = switched["technology"].map(p.tech["availability"]) * switched["size"]
    b.cons["production_credit_plant_switched"] = add_constraints(
        m, "production_credit_plant_switched", pd.concat([
            terms_of(credited, 1.0, **k), terms_of(switched, -size.to_numpy(), **k)]),
        keys, "<=", 0.0, "Credited output of a plant <= availability x size if it switched "
        "to the technology by the last start year (M unit/yr)")
    return credited.assign(sector=credited["technology"].map(p.tech["sector"]))
