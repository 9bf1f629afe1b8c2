"""The tables of a run's section of the HTML report: any table as HTML, the MAC curve's
measures, material use, what each instrument adds and the stranded assets."""
from __future__ import annotations

import html
from typing import Sequence

import pandas as pd

from decarb.inputs.schema import SECTOR_ALL
from decarb.outputs.report import report_years
from decarb.outputs.runfiles import Run

CURVE_YEARS = (2030, 2050)       # years of the MAC curves in a run's section


def curve_years(t: dict[str, pd.DataFrame]) -> list[int]:
    years = sorted(t["emissions"]["year"].unique().tolist())
    return [y for y in CURVE_YEARS if y in years] or years[-1:]


def html_table(frame: pd.DataFrame, numeric: Sequence[str] = ()) -> str:
    """An HTML table; numbers and `numeric` columns (preformatted text) right-aligned."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row):
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if isinstance(value, float):
                value = "" if pd.isna(value) else f"{value:,.{0 if abs(value) >= 1000 else 1}f}"
            align = ' class="num"' if number or column in numeric else ""
            cells.append(f"<td{align}>{html.escape(str(value))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def curve_section(run: Run) -> str:
    """The measures of the MAC curves drawn above, as a table."""
    curve = run.tables.get("mac_curve")
    if curve is None or curve.empty:
        return ""
    shown = curve.loc[curve["year"].isin(curve_years(run.tables))]
    table = shown.assign(measure=shown["from_technology"] + " -> " + shown["to_technology"])[
        ["sector", "year", "commodity", "measure", "cost_jpy_per_tco2",
         "abatement_mtco2_per_yr", "cumulative_mtco2_per_yr"]].rename(columns={
            "cost_jpy_per_tco2": "cost JPY/t-CO2", "abatement_mtco2_per_yr":
            "abatement Mt-CO2/yr", "cumulative_mtco2_per_yr": "cumulative Mt-CO2/yr"})
    return ("<h3>Marginal abatement cost curve</h3><p>Each sector's technology switches "
            "ordered by cost per tonne (levelised costs, levelised_costs.csv), with the "
            "abatement if the whole year's output of the commodity switched.</p>"
            + html_table(table))


def attribution_section(run: Run) -> str:
    """What each instrument adds (runs made with --attribution), totals per instrument."""
    table = run.tables.get("attribution")
    if table is None or table.empty:
        return ""
    shown = table.loc[table["sector"] == SECTOR_ALL].drop(columns="sector").rename(columns={
        "abated_mtco2": "abatement added Mt-CO2", "moved_mtco2": "moved between sectors Mt-CO2",
        "public_cost_bjpy": "public cost added BJPY",
        "net_fiscal_cost_bjpy": "net fiscal cost added BJPY",
        "private_npv_bjpy": "private cost added BJPY", "resource_cost_bjpy":
        "resource cost added BJPY", "public_cost_per_t_jpy_per_tco2": "public cost per t added"})
    shifts = table.loc[table["sector"] != SECTOR_ALL].pivot(
        index="instrument", columns="sector", values="abated_mtco2").reset_index()
    return ("<h3>What each instrument adds</h3><p>The case solved again without each "
            "instrument in turn, the others held; cumulative over the plan's years. Where a "
            "cap binds an instrument may move abatement between sectors rather than add it.</p>"
            + html_table(shown) + "<p>Abatement added by sector, Mt-CO2 (negative: emits more "
            "there):</p>" + html_table(shifts))


def stranded_section(run: Run) -> str:
    """Capacity idle or retired early, per technology at its most (stranded.csv)."""
    table = run.tables.get("stranded")
    if table is None or table.empty:
        return ""
    peak = table.groupby(["sector", "technology"], as_index=False)[
        ["idle_capacity_m_per_yr", "retired_capacity_m_per_yr", "remaining_capital_bjpy",
         "support_received_bjpy"]].max()
    peak = peak.loc[(peak["remaining_capital_bjpy"] > 0.05) | (peak["support_received_bjpy"] > 0)]
    if peak.empty:
        return ""
    return ("<h3>Stranded assets</h3><p>Capacity standing but idle or retired early, its "
            "remaining capital (straight-line book value) and the support it received, "
            "oldest capacity first; per technology, the most in any year (stranded.csv has "
            "every year).</p>" + html_table(peak.sort_values("remaining_capital_bjpy",
                                                          ascending=False).rename(columns={
                "idle_capacity_m_per_yr": "idle M unit/yr",
                "retired_capacity_m_per_yr": "retired M unit/yr",
                "remaining_capital_bjpy": "remaining capital BJPY",
                "support_received_bjpy": "support received BJPY"})))


def materials_section(run: Run, years: list[int]) -> str:
    """Imported materials that carry embedded CO2 (in some year), each sector's use of
    them and the CO2 made abroad in them, in the report years; empty when the run has
    none (or was stored before materials.csv)."""
    used = run.tables.get("materials")
    if used is None:
        return ""
    used = used.astype({"use_m_per_yr": float, "embedded_mtco2": float})
    carrying = used.groupby(["sector", "commodity"])["embedded_mtco2"].transform("max") > 0
    shown = used.loc[carrying & used["year"].isin(report_years(years)),
                     ["sector", "commodity", "year", "use_m_per_yr", "embedded_mtco2"]]
    if shown.empty:
        return ""
    counted = run.meta.get("settings", {}).get("count_embedded_imports")
    table = shown.rename(columns={
        "commodity": "material", "use_m_per_yr": "use M unit/yr",
        "embedded_mtco2": "embedded CO2 Mt-CO2/yr"})
    return ("<h3>Imported materials and embedded CO2</h3><p>Materials with an embedded "
            "CO2 factor (scope 3, made abroad), millions of the material's unit per year; "
            + ("counted in the caps (count_embedded_imports)." if counted else
               "reported, not counted in the caps or the emissions above.")
            + "</p>" + html_table(table))
