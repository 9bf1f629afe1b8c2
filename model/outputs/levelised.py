"""Levelised cost of output per technology and year, and break-even prices.

For a unit of output made in year y by capacity built in y (money of year y):

  capital     = capex[k,y] * CRF(r, life[k]) / (1 + r) / availability[k]
  fixed O&M   = fixed_om[k,y] / availability[k]
  variable    = var_om[k,y]
  commodity c = net use[k,c] * price[c,y]   (by-products credited; captured CO2 pays
                transport and storage)
  carbon      = carbon_price[y] * intensity (the scope the carbon price is paid on)

The capital charge is the annuity paid at the end of the year valued at its start,
as the objective discounts it (formulation section 5, `finance.annuity_weight`), at
the rate of the run's perspective, at full use of the capacity. So a break-even
price is the price at which the model, building in that year, is indifferent.
Support (subsidies, tax incentives) is not deducted.

A commodity used but never bought (a heat band, a service) is valued at the
levelised cost (without carbon) of the incumbent that makes it, or, for heat, of
the incumbent of the nearest hotter band of the sector (the heat cascade); its CO2
is added to the user's intensity, so a technology's intensities include the heat
it uses.

Against the technology it is compared with (`replaces`, else the incumbent of its
output, or of the nearest hotter band for heat):
  break-even carbon price   = (cost[k] - cost[inc]) / (intensity[inc] - intensity[k])
                              (costs without carbon; intensities of the priced scope)
  break-even hydrogen price = price[h,y] - (cost[k] - cost[inc]) / (h[k] - h[inc])
                              (costs with carbon at the year's price; h: hydrogen per unit)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.formulation.finance import capital_recovery_factor
from decarb.formulation.parameters import Parameters, prepare, scope2_coefficients
from decarb.inputs.dataset import Dataset

HYDROGEN = "hydrogen"     # the commodity whose break-even price is reported
PER_UNIT = "_jpy_per_unit"
KEYS = ["technology", "year"]


def comparators(ds: Dataset) -> pd.Series:
    """Technology -> the technology it is compared with (blank for incumbents and where
    none makes its output)."""
    tech = ds.technologies.set_index("technology")
    makers = commodity_makers(ds)
    named = tech["replaces"].where(tech["replaces"] != "", tech["output"].map(makers))
    return named.where(tech["pathway"] != "incumbent").fillna("")


def commodity_makers(ds: Dataset) -> pd.Series:
    """Commodity -> the incumbent technology that makes it; a heat band no incumbent
    makes -> the incumbent of the nearest hotter band of its sector."""
    tech = ds.technologies
    incumbents = tech.loc[tech["pathway"] == "incumbent"].drop_duplicates("output")
    makers = incumbents.set_index("output")["technology"]
    heat = ds.commodities.loc[ds.commodities["kind"] == "heat"] \
        .sort_values(["sector", "temperature_max_c"])
    # Each band takes the maker of itself or, failing that, of the next hotter band.
    hotter_first = heat.assign(maker=heat["commodity"].map(makers)).iloc[::-1]
    filled = hotter_first.groupby("sector")["maker"].ffill()
    return pd.concat([makers, pd.Series(filled.to_numpy(), index=hotter_first["commodity"])
                      .dropna()]).groupby(level=0).first()


def levelised_costs(ds: Dataset, p: Parameters | None = None) -> pd.DataFrame:
    """One row per technology and model year it can be built in: the cost split,
    intensities and break-even prices (JPY per unit of output, t-CO2 per unit)."""
    p = p or prepare(ds)
    s = ds.settings
    rate = p.rates[s.perspective]
    tech = p.tech
    first = ds.technologies.set_index("technology")["first_year"]  # may move in place
    rows = p.builds[KEYS].merge(p.costs, on=KEYS)
    rows = rows.loc[rows["year"] >= rows["technology"].map(first)].reset_index(drop=True)
    life = rows["technology"].map(tech["life_yr"])
    crf = life.map({n: capital_recovery_factor(rate, int(n)) for n in set(life)})
    availability = rows["technology"].map(tech["availability"])
    parts = pd.DataFrame({
        "technology": rows["technology"], "year": rows["year"],
        "capital": rows["capex_jpy_per_unit_yr"] * crf / (1 + rate) / availability,
        "fixed_om": rows["fixed_om_jpy_per_unit_yr"] / availability,
        "var_om": rows["var_om_jpy_per_unit"]})

    uses = rows[KEYS].merge(p.flows.loc[p.flows["commodity"] != tech["output"]
                                        .reindex(p.flows["technology"]).to_numpy()],
                            on="technology")
    prices = ds.commodity_prices[["commodity", "year", "price_jpy_per_unit"]]
    uses = uses.merge(prices, on=["commodity", "year"], how="left")
    stored = uses["commodity"] == p.co2
    uses["cost"] = np.where(stored, uses["coef"], -uses["coef"]) * uses["price_jpy_per_unit"]
    bought = uses.loc[uses["price_jpy_per_unit"].notna() | stored]
    made_here = uses.loc[uses["price_jpy_per_unit"].isna() & ~stored & (uses["coef"] < 0)]

    s1 = rows[KEYS].assign(s1=rows["technology"].map(tech["scope1_tco2_per_unit"]))
    s2 = rows[KEYS].merge(scope2_coefficients(ds, p.flows), on=KEYS, how="left") \
        .fillna({"scope2_tco2_per_unit": 0.0}).rename(columns={"scope2_tco2_per_unit": "s2"})
    own = parts.set_index(KEYS).sum(axis=1).rename("cost").to_frame() \
        .join(bought.groupby(KEYS)["cost"].sum().rename("bought")) \
        .join(s1.set_index(KEYS)).join(s2.set_index(KEYS)).fillna({"bought": 0.0})
    own["cost"] += own.pop("bought")
    total, intermediate = _with_intermediates(own, made_here, commodity_makers(ds))

    split = pd.concat([bought[KEYS + ["commodity", "cost"]], intermediate])
    by_commodity = split.groupby(KEYS + ["commodity"])["cost"].sum().unstack("commodity")
    by_commodity.columns = [f"{c}{PER_UNIT}" for c in by_commodity.columns]
    table = parts.set_index(KEYS).add_suffix(PER_UNIT).join(by_commodity.fillna(0.0)) \
        .join(total)
    carbon = table.index.get_level_values("year").map(
        ds.carbon_price.set_index("year")["price_jpy_per_tco2"]) \
        if not ds.carbon_price.empty else 0.0
    priced = table["s1"] + (table["s2"] if s.carbon_price_scope == "scope1+2" else 0.0)
    table["carbon" + PER_UNIT] = np.nan_to_num(np.asarray(carbon, dtype=float)) * priced
    table["levelised" + PER_UNIT] = table["cost"] + table["carbon" + PER_UNIT]
    table = table.rename(columns={"s1": "scope1_tco2_per_unit"})
    table["scope12_tco2_per_unit"] = table["scope1_tco2_per_unit"] + table.pop("s2")
    table = _break_even(ds, table.reset_index(), priced.to_numpy(), uses)
    info = tech[["sector", "pathway", "output"]].join(
        ds.commodities.set_index("commodity")["unit"], on="output")
    table = info.join(table.set_index("technology"), how="inner").reset_index()
    order = ["sector", "technology", "pathway", "output", "unit", "year",
             "levelised" + PER_UNIT, *[f"{c}{PER_UNIT}" for c in ("capital", "fixed_om",
                                                                    "var_om")],
             *by_commodity.columns, "carbon" + PER_UNIT, "scope1_tco2_per_unit",
             "scope12_tco2_per_unit", "compared_with", "breakeven_carbon_jpy_per_tco2",
             f"breakeven_{HYDROGEN}_jpy_per_unit"]
    sectors = {name: i for i, name in enumerate(ds.sectors["sector"])}
    return table[order].sort_values(["sector", "technology", "year"],
                                    key=lambda c: c.map(sectors) if c.name == "sector" else c) \
        .reset_index(drop=True)


def _with_intermediates(own: pd.DataFrame, made_here: pd.DataFrame, makers: pd.Series
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add to each technology the cost (without carbon) and CO2 of the intermediates it
    uses, at their makers' levels, resolving chains of makers one level per round.
    Returns the totals (cost, s1, s2 by technology and year) and the intermediates'
    costs (technology, year, commodity, cost)."""
    used = made_here.assign(maker=made_here["commodity"].map(makers),
                            amount=-made_here["coef"])[KEYS + ["commodity", "maker", "amount"]]
    total = own.copy()
    for _ in range(len(own.index.unique("technology")) + 1):
        levels = used.merge(total.reset_index().rename(columns={"technology": "maker"}),
                            on=["maker", "year"], how="left")
        added = levels[["cost", "s1", "s2"]].mul(levels["amount"], axis=0) \
            .set_index(pd.MultiIndex.from_frame(levels[KEYS])).groupby(level=KEYS).sum(
                min_count=1)
        # NaN where a maker is missing or not resolved yet: the user's total stays NaN.
        missing = levels[["cost"]].isna().set_index(pd.MultiIndex.from_frame(levels[KEYS])) \
            .groupby(level=KEYS).any()["cost"]
        added.loc[missing.reindex(added.index, fill_value=False)] = np.nan
        updated = own.copy()
        updated.loc[added.index, ["cost", "s1", "s2"]] += added
        if updated.equals(total):
            break
        total = updated
    levels = used.merge(total.reset_index().rename(columns={"technology": "maker"}),
                        on=["maker", "year"], how="left")
    return total, levels.assign(cost=levels["cost"] * levels["amount"])[
        KEYS + ["commodity", "cost"]]


def _break_even(ds: Dataset, table: pd.DataFrame, priced: np.ndarray,
                uses: pd.DataFrame) -> pd.DataFrame:
    """Add the comparator and the break-even carbon and hydrogen prices."""
    compared = comparators(ds)
    table["compared_with"] = table["technology"].map(compared).fillna("")
    table["_priced"] = priced
    hydrogen = uses.loc[uses["commodity"] == HYDROGEN].assign(h=lambda t: -t["coef"]) \
        .set_index(KEYS)["h"]
    table["_h"] = pd.MultiIndex.from_frame(table[KEYS]).map(hydrogen).fillna(0.0)
    base = table.set_index(KEYS)[["cost", "levelised" + PER_UNIT, "_priced", "_h"]]
    ref = base.reindex(pd.MultiIndex.from_arrays([table["compared_with"], table["year"]]))
    ref.index = table.index
    abated = ref["_priced"] - table["_priced"]
    table["breakeven_carbon_jpy_per_tco2"] = ((table["cost"] - ref["cost"])
                                              / abated.where(abated > 1e-12))
    more_h2 = table["_h"] - ref["_h"]
    prices = ds.commodity_prices.loc[ds.commodity_prices["commodity"] == HYDROGEN]
    price = table["year"].map(prices.set_index("year")["price_jpy_per_unit"])
    table[f"breakeven_{HYDROGEN}_jpy_per_unit"] = price - (
        table["levelised" + PER_UNIT] - ref["levelised" + PER_UNIT]) \
        / more_h2.where(more_h2 > 1e-12)
    return table.drop(columns=["_priced", "_h", "cost"])


def format_levelised(table: pd.DataFrame, years: list[int]) -> str:
    """Per sector and year: each technology's levelised cost and its main parts,
    intensities and break-even prices (JPY per unit of output, t-CO2 per unit)."""
    shown = table.loc[table["year"].isin(years)]
    energy = [c for c in shown.columns if c.endswith(PER_UNIT) and not c.startswith("breakeven_")
              and c.removesuffix(PER_UNIT) not in ("levelised", "capital", "fixed_om", "var_om",
                                                   "carbon")]
    head = (f"  {'technology':<24} {'unit':>5} {'levelised':>10} {'capital':>9} {'O&M':>8} "
            f"{'inputs':>9} {'carbon':>8} {'scope1':>7} {'s1+2':>7}  {'vs':<22} "
            f"{'b/e CO2':>9} {'b/e H2':>8}")
    lines = []
    for (sector, year), rows in shown.groupby(["sector", "year"], sort=False):
        lines += [f"\n{sector} {year} (JPY per unit of output; t-CO2 per unit; break-even "
                  "CO2 JPY/t-CO2, H2 JPY/GJ)", head]
        for _, r in rows.iterrows():
            lines.append(
                f"  {r['technology']:<24} {r['unit']:>5} {_n(r['levelised' + PER_UNIT], 10)} "
                f"{_n(r['capital' + PER_UNIT], 9)} "
                f"{_n(r['fixed_om' + PER_UNIT] + r['var_om' + PER_UNIT], 8)} "
                f"{_n(r[energy].sum(min_count=1), 9)} {_n(r['carbon' + PER_UNIT], 8)} "
                f"{r['scope1_tco2_per_unit']:7.3f} {r['scope12_tco2_per_unit']:7.3f}  "
                f"{r['compared_with']:<22} {_n(r['breakeven_carbon_jpy_per_tco2'], 9)} "
                f"{_n(r[f'breakeven_{HYDROGEN}_jpy_per_unit'], 8)}")
    return "\n".join(lines)


def _n(value: float, width: int) -> str:
    return f"{'-':>{width}}" if pd.isna(value) else f"{value:{width},.0f}"
