"""EU CBAM exposure of exports (formulation 9.3), MJPY per year.

For an exported product p in year y: exports X and production D (its demand, data),
the model's direct emissions of making it E = sum_k alpha_k * ef_k * act[k,y] and the
fuel carbon it burns G = sum_k alpha_k * fuel_k * act[k,y] (alpha: 1 for the
technologies making p, p's mass share of its sector's products for the sector's heat
technologies):
  e            = E / D (declared, verified) or default_p * (1 + markup_y) (default)
  certificates = X * (e - BM_p * FA_y)        EU benchmark at the EU's free-allocation share
  deduction    = X / D * (P_home * E + L_y * G)
                 P_home = ETS price x covered share x (1 - share of base emissions free)
                          + the carbon price path of carbon_price.csv (on all direct CO2)
  exposure     = max(0, certificates * P_EU_y - deduction)
Linear in activity because D is data. With `cbam_in_objective`:
  cbam[p,y] >= that expression, cbam >= 0, cost cbam in both perspectives (a cost of
  exporting, paid abroad: no public flow at home).
The ETS price is the exogenous one or, in the market mode, the floor (the price the
model knows before solving); the reported exposure (outputs/carbon.py) uses the
solved price.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.errors import InputError, Problem
from decarb.formulation.built import Built
from decarb.formulation.carbon_parameters import ets_years, free_share, sector_shares
from decarb.formulation.linear import add_constraints, add_var, terms_of
from decarb.formulation.parameters import Parameters
from decarb.inputs.dataset import Dataset

PRODUCT_YEAR = ["product", "year"]


def add(b: Built) -> None:
    if not b.ds.settings.cbam_in_objective:
        return
    products, shares = exposure_terms(b.ds, b.p)
    if products.empty:
        return
    cbam = add_var(b.m, "cbam", products[PRODUCT_YEAR], "CBAM exposure of the product's "
                   "EU exports (MJPY/yr)").merge(products[PRODUCT_YEAR + ["sector"]])
    act = b.vars["act"].merge(shares, on=["technology", "year"])
    b.vars["cbam"] = cbam
    b.cons["cbam_exposure"] = add_constraints(
        b.m, "cbam_exposure",
        pd.concat([terms_of(cbam, 1.0, product="product", year="year"),
                   terms_of(act, -act["mjpy_per_unit"], product="product", year="year")]),
        PRODUCT_YEAR, ">=", products.rename(columns={"constant_mjpy": "rhs"}),
        "CBAM exposure >= certificates x EU price - carbon price paid at home (MJPY/yr)")
    b.add_flow_cost("cbam", cbam.assign(one=1.0), "one")


def exposure_terms(ds: Dataset, p: Parameters, ets_price: pd.Series | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The exposure as constant + sum_k coefficient x act[k,y] (MJPY/yr), and the parts
    the report shows. `ets_price` (JPY/t-CO2 by year) replaces the ETS price known
    before solving. Returns (products: product, year, sector, exports, production,
    eu_price, eu_free_tco2_per_unit, default_tco2_per_unit, home_price, levy,
    constant_mjpy; shares: product, year, technology, alpha, ef, fuel, mjpy_per_unit)."""
    products = _products(ds, p, ets_price)
    if products.empty:
        return products, pd.DataFrame(columns=["product", "year", "technology", "alpha",
                                               "ef", "fuel", "mjpy_per_unit"])
    shares = _shares(ds, p, products)
    per_t = products.set_index(PRODUCT_YEAR)
    at = pd.MultiIndex.from_frame(shares[PRODUCT_YEAR])
    weight = shares["alpha"].to_numpy() * (per_t["exports"] / per_t["production"]) \
        .reindex(at).to_numpy()
    declared = per_t["default_tco2_per_unit"].isna().reindex(at).to_numpy()
    eu_price = per_t["eu_price"].reindex(at).to_numpy()
    shares["mjpy_per_unit"] = weight * (
        shares["ef"].to_numpy() * (np.where(declared, eu_price, 0.0)
                                   - per_t["home_price"].reindex(at).to_numpy())
        - shares["fuel"].to_numpy() * per_t["levy"].reindex(at).to_numpy())
    default = products["default_tco2_per_unit"]
    certified = np.where(default.isna(), -products["eu_free_tco2_per_unit"],
                         (default - products["eu_free_tco2_per_unit"]).clip(lower=0.0))
    products["constant_mjpy"] = products["exports"] * certified * products["eu_price"]
    return products, shares


def _products(ds: Dataset, p: Parameters, ets_price: pd.Series | None) -> pd.DataFrame:
    exports, prices = ds.exports, ds.cbam_prices
    if exports.empty or prices.empty:
        return pd.DataFrame(columns=["product", "year"])
    rows = exports.loc[exports["year"].isin(p.years)
                       & (exports["eu_exports_m_per_yr"] > 0)].merge(prices, on="year")
    rows = rows.merge(ds.demand.rename(columns={"commodity": "product"})[
        ["product", "year", "demand_m_per_yr"]], on=PRODUCT_YEAR, how="left")
    unmade = rows["demand_m_per_yr"].fillna(0.0) <= 0
    if unmade.any():
        raise InputError([Problem("exports.csv", None, "eu_exports_m_per_yr", f"{r.product} "
                                  f"{r.year}", "exports only of a product with a demand "
                                  "(its production) in that year")
                          for r in rows.loc[unmade].itertuples()])
    rows["sector"] = rows["product"].map(ds.commodities.set_index("commodity")["sector"])
    if ets_price is None:
        ets_price = ets_years(ds).set_index("year")["price"]
    rows = rows.merge(free_share(ds, p), on=["sector", "year"], how="left")
    carbon_price = ds.carbon_price.set_index("year")["price_jpy_per_tco2"]
    home_price = (rows["year"].map(ets_price).fillna(0.0)
                  * rows["sector"].map(sector_shares(ds))
                  * (1.0 - rows["free_share"].fillna(0.0))
                  + rows["year"].map(carbon_price).fillna(0.0))   # on all direct CO2
    levies = ds.fuel_levies.groupby("year")["rate_jpy_per_tco2"].sum() \
        if ds.settings.charge_fuel_levies else pd.Series(dtype=float)
    default = rows["default_tco2_per_unit"] * (1.0 + rows["default_markup"])
    return pd.DataFrame({
        "product": rows["product"], "year": rows["year"], "sector": rows["sector"],
        "exports": rows["eu_exports_m_per_yr"], "production": rows["demand_m_per_yr"],
        "eu_price": rows["eu_price_jpy_per_tco2"],
        "eu_free_tco2_per_unit": rows["eu_benchmark_tco2_per_unit"]
        * rows["eu_free_allocation_share"],
        "default_tco2_per_unit": default if ds.settings.cbam_intensity == "default"
        else np.nan,
        "home_price": home_price, "levy": rows["year"].map(levies).fillna(0.0)})


def _shares(ds: Dataset, p: Parameters, products: pd.DataFrame) -> pd.DataFrame:
    """alpha of each technology in making each exported product, with its direct factor
    and fuel carbon per unit (t-CO2/unit)."""
    tech = p.tech.reset_index()
    kinds = ds.commodities.set_index("commodity")
    made = products[PRODUCT_YEAR].merge(tech[["technology", "output"]],
                                        left_on="product", right_on="output")
    made = made.assign(alpha=1.0)
    # Heat serves every product of the sector counted in tonnes, by mass.
    massed = ds.demand.assign(sector=ds.demand["commodity"].map(kinds["sector"]),
                              unit=ds.demand["commodity"].map(kinds["unit"]),
                              kind=ds.demand["commodity"].map(kinds["kind"]))
    massed = massed.loc[(massed["unit"] == "t") & (massed["kind"] == "product")]
    total = massed.groupby(["sector", "year"])["demand_m_per_yr"].sum()
    heat = tech.loc[tech["output"].map(kinds["kind"]) == "heat", ["technology", "sector"]]
    served = products[PRODUCT_YEAR + ["sector", "production"]].merge(heat, on="sector")
    served = served.merge(total.rename("sector_production").reset_index(),
                          on=["sector", "year"])
    served = served.assign(alpha=served["production"] / served["sector_production"])
    shares = pd.concat([made, served], ignore_index=True)[
        ["product", "year", "technology", "alpha"]]
    fuel = p.tech["gross_tco2_per_unit"] - p.tech["process_ef_tco2_per_unit"]
    return shares.assign(ef=shares["technology"].map(p.tech["scope1_tco2_per_unit"]),
                         fuel=shares["technology"].map(fuel))
