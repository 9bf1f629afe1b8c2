"""The per-sector summary shown after a run, computed from the result tables only."""
from __future__ import annotations

import pandas as pd

from decarb.inputs.schema import SECTOR_ALL

REPORT_YEARS = (2025, 2030, 2040, 2050)
MIX_SHOWN = 2        # technologies named per product and year


def report_years(years: list[int]) -> list[int]:
    shown = [y for y in REPORT_YEARS if y in years]
    return shown or [years[0], years[-1]]


def sector_summary(tables: dict[str, pd.DataFrame], years: list[int]) -> pd.DataFrame:
    """One row per sector and report year: emissions vs cap, technology mix,
    investment and support since the previous report year, MAC."""
    shown = report_years(years)
    window = pd.Series(pd.cut(years, [years[0] - 1, *shown], labels=shown), index=years)
    em = tables["emissions"]
    marginal = ["mac_jpy_per_tco2"] + (["effective_mac_jpy_per_tco2"]
                                       if "effective_mac_jpy_per_tco2" in em else [])
    rows = em.loc[em["year"].isin(shown), ["sector", "year", "counted_mtco2", "cap_mtco2",
                                           *marginal]]
    inv = tables["investments"].assign(year=lambda t: t["year"].map(window))
    support_cols = [c for c in inv.columns if c.startswith("subsidy_")] + ["tax_benefit_bjpy"]
    inv = inv.assign(support_bjpy=inv[support_cols].sum(axis=1))
    money = inv.groupby(["sector", "year"], observed=True)[["capex_bjpy", "support_bjpy"]] \
        .sum().reset_index()
    money = pd.concat([money, money.groupby("year", observed=True)[
        ["capex_bjpy", "support_bjpy"]].sum().reset_index().assign(sector=SECTOR_ALL)])
    money["year"] = money["year"].astype(int)
    rows = rows.merge(money, on=["sector", "year"], how="left").fillna(
        {"capex_bjpy": 0.0, "support_bjpy": 0.0})
    return rows.merge(_mix(tables["production"], shown), on=["sector", "year"], how="left") \
        .fillna({"mix": ""})


def _mix(production: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Largest technologies by share of each product's output,
    e.g. 'steel_flat: bf_bof 70%, eaf 30%; steel_long: scrap_eaf 100%'."""
    p = production.loc[production["year"].isin(years)
                       & production["kind"].isin(("product", "heat"))
                       & (production["output_m_per_yr"] > 1e-9)]
    share = p["output_m_per_yr"] / p.groupby(["product", "year"])["output_m_per_yr"] \
        .transform("sum")
    p = p.assign(share=share).sort_values(["product", "share"], ascending=[True, False])
    top = p.groupby(["product", "year"]).head(MIX_SHOWN)
    top = top.assign(label=top["technology"] + " "
                     + (100 * top["share"]).round().astype(int).astype(str) + "%")
    by_product = top.groupby(["sector", "product", "year"], as_index=False)["label"] \
        .agg(", ".join)
    by_product["label"] = by_product["product"] + ": " + by_product["label"]
    return by_product.groupby(["sector", "year"], as_index=False)["label"].agg("; ".join) \
        .rename(columns={"label": "mix"})


def _yen(value: float | None) -> str:
    return "-" if value is None or pd.isna(value) else f"{value:9,.0f}"


def format_summary(summary: pd.DataFrame) -> str:
    """The summary as text; `effective` is the marginal cost of a tonne of direct CO2:
    own cap + economy-wide cap + cumulative budget + carbon price where paid."""
    lines = []
    for sector, rows in summary.groupby("sector", sort=False):
        lines.append(f"\n{sector}")
        lines.append(f"  {'year':>4}  {'CO2 Mt':>8}  {'cap Mt':>8}  {'invest BJPY':>11}  "
                     f"{'support BJPY':>12}  {'MAC JPY/t':>9}  {'effective':>9}  "
                     "technology mix (share of output)")
        for r in rows.to_dict("records"):
            cap = "-" if pd.isna(r["cap_mtco2"]) else f"{r['cap_mtco2']:8.1f}"
            mac, effective = (_yen(r.get(c)) for c in ("mac_jpy_per_tco2",
                                                       "effective_mac_jpy_per_tco2"))
            lines.append(f"  {r['year']:>4}  {r['counted_mtco2']:8.1f}  {cap:>8}  "
                         f"{r['capex_bjpy']:11,.0f}  {r['support_bjpy']:12,.0f}  {mac:>9}  "
                         f"{effective:>9}  {r['mix']}")
    return "\n".join(lines)
