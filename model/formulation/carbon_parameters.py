"""Parameters of carbon pricing from FY2026 (formulation 9.1, 9.2, 9.8), in pandas.

Who is covered by the GX-ETS, what each participant is allocated, the band and the
price of each year, and the levy per unit of each commodity bought. The model
components and the result tables both read them from here, so a report cannot
price or allocate differently from the model it reports.

Participants: in aggregate mode the sectors (their covered share of direct
emissions); in plant mode each company of companies.csv, covered when its base
direct CO2 reaches the threshold, plus one `rest of <sector>` per sector for its
plant groups and the capacity outside plants.csv, covered at the sector's share.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.formulation.parameters import Parameters
from decarb.formulation.plant.committed import events
from decarb.inputs.dataset import Dataset

KT_PER_MT = 1000.0
REST = "rest of "   # participant standing for a sector's unresolved firms


def ets_years(ds: Dataset) -> pd.DataFrame:
    """Years with an ETS price and their band: year, floor, ceiling, price (exogenous: the
    path clipped to the band; market: the floor, the price certain before solving),
    offset_share, offset_price (JPY/t-CO2). Empty when the ETS is off."""
    mode = ds.settings.ets_pricing
    e = ds.ets_prices
    if mode == "none" or e.empty:
        return pd.DataFrame(columns=["year", "floor", "ceiling", "price", "offset_share",
                                     "offset_price"])
    floor, ceiling = e["floor_jpy_per_tco2"], e["ceiling_jpy_per_tco2"]
    price = e["price_jpy_per_tco2"].clip(floor, ceiling) if mode == "exogenous" else floor
    years = pd.DataFrame({"year": e["year"], "floor": floor, "ceiling": ceiling,
                          "price": price, "offset_share": e["offset_share"],
                          "offset_price": e["offset_price_jpy_per_tco2"]})
    live = years["price"] > 0 if mode == "exogenous" else years["ceiling"] > 0
    return years.loc[live].reset_index(drop=True)


def sector_shares(ds: Dataset) -> pd.Series:
    """Covered share of each sector's direct emissions (0 for a sector without a row)."""
    shares = ds.ets_sectors.set_index("sector")["covered_share"]
    return shares.reindex(ds.sectors["sector"], fill_value=0.0)


def companies(ds: Dataset, p: Parameters) -> pd.DataFrame:
    """Each company with its base direct CO2 (given, or from its plants), whether that was
    derived, and whether the ETS covers it: company, kind, size_class, sector (the
    sectors of its plants, joined by +), base_scope1_kt_per_yr, base_derived, covered."""
    plants = _plant_rows(ds, p)
    from_plants = plants.groupby("company")["base_kt"].sum()
    sectors = plants.groupby("company")["sector"].agg(lambda s: "+".join(sorted(set(s))))
    table = ds.companies.drop(columns="source").copy()
    derived = table["base_scope1_kt_per_yr"].isna()
    table["base_scope1_kt_per_yr"] = table["base_scope1_kt_per_yr"].fillna(
        table["company"].map(from_plants)).fillna(0.0)
    table["sector"] = table["company"].map(sectors).fillna("")
    table["base_derived"] = derived
    table["covered"] = (table["kind"] == "company") & (
        table["base_scope1_kt_per_yr"] >= ds.settings.ets_threshold_kt_per_yr)
    return table


def plant_coverage(ds: Dataset, p: Parameters, built: bool = True) -> pd.DataFrame:
    """Each plant's participant and the covered fraction of its emissions: plant, sector,
    technology (its origin), size, participant, cov (1 or 0 for a company's plant, the
    sector's share for a group's or an unnamed company's). With `built`, the units of
    committed build events too (a company's new plant is that company's)."""
    plants = _plant_rows(ds, p)
    if built:
        plants = pd.concat([plants, _built_rows(ds, p)], ignore_index=True)
    firms = companies(ds, p).set_index("company")
    named = plants["company"].map(firms["kind"]).eq("company")
    share = plants["sector"].map(sector_shares(ds))
    return plants.assign(
        participant=plants["company"].where(named, REST + plants["sector"]),
        cov=np.where(named, plants["company"].map(firms["covered"]).astype(float), share),
    )[["plant", "sector", "technology", "size", "participant", "cov"]]


def allocation(ds: Dataset, p: Parameters) -> pd.DataFrame:
    """Free allocation per participant and year (Mt-CO2): participant, sector, year,
    allocation_mtco2, base_mtco2 (the same base at the technology's direct factor, for
    the share of base emissions allocated free). The base output of a technology is
    shared by its base capacity: each plant's capacity times its covered fraction;
    capacity outside plants.csv (all of it in aggregate mode) at the sector's share."""
    rows = ds.ets_allocation
    if rows.empty or ds.settings.ets_pricing == "none":
        return pd.DataFrame(columns=["participant", "sector", "year", "allocation_mtco2",
                                     "base_mtco2"])
    sector = p.tech["sector"]
    weights = _base_weights(ds, p)
    rows = rows.assign(sector=rows["technology"].map(sector)).merge(
        weights, on=["technology", "sector"])
    base = rows["base_activity_m_per_yr"] * rows["fraction"]
    rows = rows.assign(allocation_mtco2=base * rows["allowance_tco2_per_unit"],
                       base_mtco2=base * rows["technology"].map(
                           p.tech["scope1_tco2_per_unit"]))
    rows = rows.loc[rows["year"].isin(p.years)]
    return rows.groupby(["participant", "sector", "year"], as_index=False)[
        ["allocation_mtco2", "base_mtco2"]].sum()


def free_share(ds: Dataset, p: Parameters) -> pd.DataFrame:
    """Share of each sector's covered base emissions it is allocated free, per year
    (sector, year, free_share in [0, 1]): what the ETS price is net of at home."""
    alloc = allocation(ds, p).groupby(["sector", "year"], as_index=False)[
        ["allocation_mtco2", "base_mtco2"]].sum()
    share = (alloc["allocation_mtco2"] / alloc["base_mtco2"].where(alloc["base_mtco2"] > 0))
    return alloc.assign(free_share=share.fillna(0.0).clip(0.0, 1.0))[
        ["sector", "year", "free_share"]]


def levy_per_unit(ds: Dataset, p: Parameters) -> pd.DataFrame:
    """Each levy's charge per unit of each commodity bought (JPY/unit): on fuel carbon
    (rate x combustion factor) and, passed through, on the pass-through commodity
    (share x rate x its supply factor). Columns levy, commodity, year, passed (bool),
    jpy_per_unit. Empty unless the run charges the levies."""
    levies = ds.fuel_levies
    if not ds.settings.charge_fuel_levies or levies.empty:
        return pd.DataFrame(columns=["levy", "commodity", "year", "passed", "jpy_per_unit"])
    levies = levies.loc[levies["year"].isin(p.years)]
    fuels = ds.commodities.loc[ds.commodities["combustion_ef_tco2_per_unit"] > 0,
                               ["commodity", "combustion_ef_tco2_per_unit"]]
    on_fuel = levies.merge(fuels, how="cross")
    on_fuel = on_fuel.assign(passed=False, jpy_per_unit=on_fuel["rate_jpy_per_tco2"]
                             * on_fuel["combustion_ef_tco2_per_unit"])
    supply = ds.commodity_prices.loc[
        ds.commodity_prices["commodity"] == ds.settings.levy_pass_through_commodity,
        ["commodity", "year", "scope2_ef_tco2_per_unit"]]
    passed = levies.merge(supply, on="year")
    passed = passed.assign(passed=True, jpy_per_unit=passed["pass_through_share"]
                           * passed["rate_jpy_per_tco2"] * passed["scope2_ef_tco2_per_unit"])
    table = pd.concat([on_fuel, passed], ignore_index=True)
    table = table.loc[table["jpy_per_unit"] > 0]
    return table[["levy", "commodity", "year", "passed", "jpy_per_unit"]] \
        .reset_index(drop=True)


def _plant_rows(ds: Dataset, p: Parameters) -> pd.DataFrame:
    """The plants with their base direct CO2 (capacity x availability x direct factor,
    kt/yr): plant, company, sector, technology, size, base_kt."""
    plants = ds.plants
    tech = p.tech
    base = (plants["capacity_m_per_yr"] * plants["technology"].map(tech["availability"])
            * plants["technology"].map(tech["scope1_tco2_per_unit"]) * KT_PER_MT)
    return pd.DataFrame({"plant": plants["plant"], "company": plants["company"],
                         "sector": plants["sector"], "technology": plants["technology"],
                         "size": plants["capacity_m_per_yr"], "base_kt": base})


def _built_rows(ds: Dataset, p: Parameters) -> pd.DataFrame:
    """The units of committed build events (committed.csv) as plant rows, without base
    emissions: they held no capacity in the base year."""
    units = events(ds, p).query("event == 'build'")
    return pd.DataFrame({"plant": units["plant"], "company": units["company"],
                         "sector": units["technology"].map(p.tech["sector"]),
                         "technology": units["technology"],
                         "size": units["capacity_m_per_yr"], "base_kt": 0.0})


def _base_weights(ds: Dataset, p: Parameters) -> pd.DataFrame:
    """Who holds each technology's base output, as fractions of its base capacity:
    technology, sector, participant, fraction (covered capacity / all base capacity)."""
    sector, shares = p.tech["sector"], sector_shares(ds)
    first = ds.existing_capacity.loc[ds.existing_capacity["year"] == p.years[0],
                                     ["technology", "capacity_m_per_yr"]]
    if ds.settings.mode == "plant" and not ds.plants.empty:
        plants = plant_coverage(ds, p, built=False)   # base-year capacity only
        first = first.loc[~first["technology"].isin(plants["technology"])]
        parts = [plants.assign(weight=plants["size"] * plants["cov"], total=plants["size"])]
    else:
        parts = []
    rest = first.assign(sector=first["technology"].map(sector))
    parts.append(rest.assign(participant=_rest_name(ds, rest["sector"]),
                             weight=rest["capacity_m_per_yr"] * rest["sector"].map(shares),
                             total=rest["capacity_m_per_yr"]))
    held = pd.concat(parts, ignore_index=True)
    total = held.groupby("technology")["total"].transform("sum")
    held = held.assign(fraction=held["weight"] / total.where(total > 0))
    return held.groupby(["technology", "sector", "participant"], as_index=False)[
        "fraction"].sum()


def _rest_name(ds: Dataset, sector: pd.Series) -> pd.Series:
    """Capacity outside plants.csv belongs to the sector (aggregate) or its rest (plant)."""
    return REST + sector if ds.settings.mode == "plant" else sector
