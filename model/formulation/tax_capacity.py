"""Who can use a tax credit: the corporate tax it is capped by (formulation 5, 9.8).

A credit is capped at a share of the corporate tax of whoever claims it, the payer:
in plant mode a plant's company where company_tax.csv gives its liability, otherwise
(aggregate builds, plant groups, companies without a liability path) its sector, at
the sector's liability of sectors.csv. Per payer and model year (MJPY):
  sum credit claimed  <=  cap share x liability x step
Nothing here knows Pyomo: `payer_rows` gives the terms and right-hand sides that the
components add as `<=` families.
"""
from __future__ import annotations

import pandas as pd

from decarb.formulation.linear import terms_of
from decarb.formulation.parameters import MJPY_PER_BJPY, Parameters
from decarb.inputs.dataset import Dataset


def plant_payers(ds: Dataset) -> pd.Series:
    """plant -> its company, for plants whose company has a corporate tax path (plant
    mode); other plants claim against their sector."""
    if ds.settings.mode != "plant" or ds.plants.empty:
        return pd.Series(dtype=object)
    named = ds.companies.loc[ds.companies["kind"] == "company", "company"]
    taxed = set(ds.company_tax["company"]) & set(named)
    plants = ds.plants.loc[ds.plants["company"].isin(taxed)]
    return plants.set_index("plant")["company"]


def liabilities_mjpy(ds: Dataset, p: Parameters) -> pd.DataFrame:
    """Corporate tax per payer and model year, over the model year's calendar years
    (payer, year, tax_mjpy): every company with a path, and every sector."""
    tax = ds.company_tax.loc[ds.company_tax["year"].isin(p.years)]
    companies = pd.DataFrame({"payer": tax["company"], "year": tax["year"],
                              "tax_mjpy": tax["corporate_tax_bjpy_per_yr"]})
    sectors = ds.sectors[["sector", "corporate_tax_bjpy_per_yr"]].merge(
        pd.DataFrame({"year": p.years}), how="cross").rename(
        columns={"sector": "payer", "corporate_tax_bjpy_per_yr": "tax_mjpy"})
    table = pd.concat([companies, sectors], ignore_index=True)
    return table.assign(tax_mjpy=table["tax_mjpy"] * MJPY_PER_BJPY * p.step)


def payer_rows(ds: Dataset, p: Parameters, rows: pd.DataFrame, coef: pd.Series,
               cap_share: float | pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Terms (payer, year) of the credit `coef` x var of each of `rows` (columns var,
    year, sector, and plant where a row is a plant's), and the right-hand sides:
    `cap_share` (a number, or per row of `rows`, one per payer) x liability."""
    payers = plant_payers(ds)
    plant = rows["plant"] if "plant" in rows else pd.Series(index=rows.index, dtype=object)
    payer = plant.map(payers).astype(object).where(plant.isin(payers.index), rows["sector"])
    terms = terms_of(rows.assign(payer=payer.to_numpy()), coef, payer="payer", year="year")
    share = pd.Series(cap_share, index=rows.index).groupby(payer.to_numpy()).first()
    rhs = terms[["payer", "year"]].drop_duplicates().merge(
        liabilities_mjpy(ds, p), on=["payer", "year"], how="left").fillna({"tax_mjpy": 0.0})
    return terms, rhs.assign(rhs=rhs["tax_mjpy"] * rhs["payer"].map(share))[
        ["payer", "year", "rhs"]]
