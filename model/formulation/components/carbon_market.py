"""GX-ETS and the levies on fossil-fuel carbon (formulation 9.1, 9.2); Mt-CO2/yr, MJPY.

Covered emissions of the year (participants and shares: carbon_parameters.py):
  covered[y] = sum_s share_s * scope1[s,y]
               + sum_{p,k} (cov_p - share_s(p)) * ef_k * plant_output[p,k,y]   (plant mode)
  plant mode: plant_output, each plant's own output (plant/output.py), so a company's
    emissions are its plants'
  offsets[y] <= offset_share_y * covered[y]
Pricing, a case switch (`ets_pricing`):
  exogenous: P_y = price_y clipped to [F_y, C_y];
             cost P_y * (covered - offsets) + offset_price_y * offsets
  market:    covered[y] - offsets[y] - ceiling[y] <= A[y]          (dual lambda_y >= 0)
             cost F_y * (covered - offsets) + (C_y - F_y) * ceiling + offset_price * offsets:
             an allowance can always be sold at the floor, a shortfall paid at the
             ceiling, so the market price F_y + lambda_y stays in the band.
  A[y], the free allocation, is fixed ex ante: never in the objective, so it moves no
  decision; it is a transfer (its value at the floor, or the exogenous price).
Levies (`charge_fuel_levies`): rate_y * combustion factor per unit of fuel bought, and
  share_y * rate_y * supply factor per unit of the pass-through commodity bought.
Public flows (Built.transfers, cash per model year x its calendar years): ETS payments
  -F (covered - offsets) - (C - F) ceiling, or -P (covered - offsets); free allocation
  +F A or +P A (their sum is what the state receives net); levies -revenue.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.formulation.built import Built
from decarb.formulation.carbon_parameters import (allocation, ets_years, levy_per_unit,
                                                  plant_coverage, sector_shares)
from decarb.formulation.linear import add_constraints, add_var, terms_of
from decarb.formulation.public_flows import register_transfer
from decarb.inputs.dataset import Dataset

ETS, LEVY = "gx_ets", "fuel_levy"


def active(ds: Dataset) -> bool:
    """Whether a run of `ds` prices carbon through this component."""
    return ds.settings.ets_pricing != "none" or ds.settings.charge_fuel_levies


def add(b: Built) -> None:
    years = ets_years(b.ds)
    if not years.empty:
        _ets(b, years)
    if b.ds.settings.charge_fuel_levies:
        register_levies(b)


def _ets(b: Built, years: pd.DataFrame) -> None:
    m, ds = b.m, b.ds
    covered = add_var(m, "ets_covered", years[["year"]], "Direct emissions of companies "
                      "covered by the GX-ETS (Mt-CO2/yr)").merge(years, on="year")
    offsets = add_var(m, "ets_offsets", years[["year"]], "Offset credits surrendered "
                      "(Mt-CO2/yr)").merge(years, on="year")
    b.vars.update(ets_covered=covered, ets_offsets=offsets)

    scope1 = b.vars["scope1"].merge(years[["year"]])
    share = scope1["sector"].map(sector_shares(ds))
    terms = [terms_of(covered, 1.0, year="year"), terms_of(scope1, -share, year="year")]
    if ds.settings.mode == "plant" and "plant_run" in b.vars:
        terms.append(_plant_dispatch(b, years))
    b.cons["ets_account_covered"] = add_constraints(
        m, "ets_account_covered", pd.concat(terms, ignore_index=True), ["year"], "==", 0.0,
        "Covered emissions = covered share of direct emissions (Mt-CO2/yr)")
    b.cons["ets_limit_offsets"] = add_constraints(
        m, "ets_limit_offsets", pd.concat([terms_of(offsets, 1.0, year="year"),
                                           terms_of(covered, -covered["offset_share"],
                                                    year="year")]),
        ["year"], "<=", 0.0, "Offsets <= offset share x covered emissions (Mt-CO2/yr)")

    allocated = allocation(ds, b.p).groupby("year")["allocation_mtco2"].sum() \
        .reindex(years["year"], fill_value=0.0)
    free = add_var(m, "ets_allocation", years[["year"]], "Free allocation, fixed ex ante "
                   "(Mt-CO2/yr)").merge(years, on="year")
    for var, amount in zip(free["var"], allocated.to_numpy()):
        var.setlb(amount)
        var.setub(amount)
    b.vars["ets_allocation"] = free
    if ds.settings.ets_pricing == "market":
        ceiling = add_var(m, "ets_ceiling", years[["year"]], "Shortfall paid at the upper "
                          "reference price (Mt-CO2/yr)").merge(years, on="year")
        b.vars["ets_ceiling"] = ceiling
        b.cons["ets_surrender_allowances"] = add_constraints(
            m, "ets_surrender_allowances",
            pd.concat([terms_of(covered, 1.0, year="year"),
                       terms_of(offsets, -1.0, year="year"),
                       terms_of(ceiling, -1.0, year="year")]),
            ["year"], "<=", allocated.rename("rhs").reset_index(),
            "Covered emissions - offsets - ceiling payments <= free allocation (Mt-CO2/yr)")
    register_ets(b)


def _plant_dispatch(b: Built, years: pd.DataFrame) -> pd.DataFrame:
    """The terms each plant's output adds to the covered emissions: its coverage beyond
    its sector's share, times its direct CO2."""
    output = b.vars["plant_output"].merge(years[["year"]])
    cov = output["plant"].map(plant_coverage(b.ds, b.p).set_index("plant")["cov"])
    tech = b.p.tech
    sector = output["technology"].map(tech["sector"])
    extra = (cov - sector.map(sector_shares(b.ds))) \
        * output["technology"].map(tech["scope1_tco2_per_unit"])
    return terms_of(output, -extra, year="year")

def register_ets(b: Built) -> None:
    """Costs of the ETS (allowances at the price the model knows, ceiling payments,
    offsets) and its public flows."""
    covered, offsets = b.vars["ets_covered"], b.vars["ets_offsets"]
    market = b.ds.settings.ets_pricing == "market"
    price = covered["floor"] if market else covered["price"]
    b.add_flow_cost(ETS, covered.assign(sector="all", jpy=price), "jpy")
    b.add_flow_cost(ETS, offsets.assign(sector="all", jpy=-price), "jpy")
    b.add_flow_cost(f"{ETS}_offsets", offsets.assign(sector="all"), "offset_price")
    payments = [(covered, -price), (offsets, price)]
    if market:
        ceiling = b.vars["ets_ceiling"]
        b.add_flow_cost(ETS, ceiling.assign(sector="all", jpy=ceiling["ceiling"]
                                            - ceiling["floor"]), "jpy")
        payments.append((ceiling, ceiling["floor"] - ceiling["ceiling"]))
    free = b.vars["ets_allocation"]
    for table, cash in payments:
        register_transfer(b, table, ETS, "payments", cash)
    register_transfer(b, free, ETS, "free_allocation",
                      free["floor"] if market else free["price"])


def register_levies(b: Built) -> None:
    """Cost of each levy on the commodities bought, and its revenue."""
    charges = levy_per_unit(b.ds, b.p)
    if charges.empty:
        return
    bought = b.vars["buy"].merge(charges, on=["commodity", "year"])
    b.add_flow_cost("fuel_levies", bought.assign(sector="all"), "jpy_per_unit")
    programme = bought["levy"] + np.where(bought["passed"], "_passed_through", "")
    register_transfer(b, bought, LEVY, programme, -bought["jpy_per_unit"])
