"""A self-contained HTML report of one or more run folders, plus its charts as PNG.

The page needs no network: charts are embedded as base64 PNG data URIs, the
style is inline and the one script is inline. Once loaded, the script sets
`data-charts-drawn` on <body> to the number of charts the browser decoded, so
a headless browser can check the page against `data-charts-expected`.
"""
from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Sequence

import pandas as pd

from decarb.outputs import charts
from decarb.outputs.carbon import carbon_summary
from decarb.outputs.compare import compare_runs, formatted, run_labels
from decarb.errors import InputError, OutputError, Problem
from decarb.outputs.report import report_years, sector_summary
from decarb.outputs import percentiles
from decarb.outputs.percentiles import SampleSet
from decarb.outputs.atomic import staged
from decarb.outputs.runfiles import Run, read_run
from decarb.outputs.run_tables import (attribution_section, curve_section, curve_years,
                                       html_table, materials_section, stranded_section)
from decarb.outputs.support import by_instrument, paid_by_year
from decarb.inputs.schema import SECTOR_ALL

SETTINGS_SHOWN = ("perspective", "cap_scope", "carbon_price_scope", "tax_scheme", "tax_base",
                  "cumulative_cap_mtco2")

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       color: #222; max-width: 1150px; margin: 1.5em auto; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #bbb; margin-top: 2em; }
h3 { margin-top: 1.6em; } figure { margin: 1em 0 1.6em; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 0.9em; color: #555; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.6em 0 1.2em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; }
th { background: #f2f2f2; text-align: left; } td.num { text-align: right; }
.failed { color: #a00; font-weight: bold; } .note { color: #555; font-style: italic; }
"""

SCRIPT = """
window.addEventListener("load", function () {
  var drawn = 0;
  document.querySelectorAll("img.chart").forEach(function (img) {
    if (img.complete && img.naturalWidth > 0) { drawn += 1; }
  });
  document.body.dataset.chartsDrawn = String(drawn);
});
"""


@dataclass(frozen=True)
class Chart:
    key: str        # file stem of the PNG
    title: str
    caption: str
    png: bytes


def load_runs(run_dirs: Sequence[Path]) -> list[Run]:
    """Every run folder, labelled as in the KPI comparison; one InputError naming
    every folder that cannot be read."""
    dirs = [Path(d) for d in run_dirs]
    if not dirs:
        raise InputError([Problem("(no run folders)", None, None, "", "at least one run folder")])
    runs, problems = [], []
    for folder, label in zip(dirs, run_labels(dirs)):
        try:
            runs.append(read_run(folder, label, failed_too=True))
        except InputError as error:
            problems += error.problems
    if problems:
        raise InputError(problems)
    return runs


def run_charts(run: Run) -> list[Chart]:
    t, step = run.tables, run.meta.get("settings", {}).get("year_step", 1)
    sectors = charts.sectors(t["emissions"])
    per = f" Each model year stands for {step} calendar years." if step > 1 else ""
    found = [
        Chart("emissions", "Emissions by sector against the economy-wide cap",
              "Counted emissions (the cap scope) stacked by sector, Mt-CO2/yr; dashed: "
              "economy-wide cap where set.", charts.png(charts.emissions_chart(t["emissions"]))),
        Chart("sector_caps", "Emissions and cap per sector",
              "Counted emissions per sector, Mt-CO2/yr; dashed: that sector's cap where set.",
              charts.png(charts.sector_cap_chart(t["emissions"]))),
    ]
    for sector in [s for s in sectors if s in set(t["production"]["sector"])]:
        found.append(Chart(f"production_{sector}", f"Production mix: {sector}",
                           "Output by technology, millions of the product's unit per year "
                           "(Mt/yr of material, PJ/yr of heat and power service).",
                           charts.png(charts.production_chart(t["production"], sector))))
    found += [
        Chart("investment", "Investment schedule",
              f"Capital expenditure by sector and year of build, BJPY.{per}",
              charts.png(charts.stacked_bar_chart(
                  charts.capex_by_sector(t["investments"], sectors), "BJPY", step,
                  charts.colours(sectors)))),
        Chart("support", "Support received by instrument",
              f"Subsidies by programme and tax benefit by incentive, per year of build, "
              f"BJPY.{per}",
              charts.png(charts.stacked_bar_chart(
                  charts.support_by_instrument(t["investments"]), "BJPY", step))),
    ]
    if "public_costs" in t:
        paid = paid_by_year(t["public_costs"])
        if not paid.empty:
            found.append(Chart("public_cost", "Public cost by instrument",
                               "Cash the state pays per year by instrument (subsidies, "
                               "tax forgone, price-gap contracts, CCS support, production "
                               f"credits), BJPY; revenues are in the table below.{per}",
                               charts.png(charts.stacked_bar_chart(paid, "BJPY", step))))
    if "plants" in t:   # plant mode
        found.append(Chart("plant_timeline", "Plant timeline",
                           "One row per plant, coloured by the technology it runs; x: a "
                           "switch (plant_investments.csv); a row that ends: a closure.",
                           charts.png(charts.plant_timeline_chart(
                               t["plants"], t["plant_investments"]))))
    mac = charts.mac_chart(t["emissions"])
    if mac is not None:
        found.append(Chart("mac", "Marginal abatement cost",
                           "Marginal abatement cost of each CO2 cap (its dual), JPY/t-CO2 "
                           "in money of its year; blank where no cap.", charts.png(mac)))
    return found + curve_charts(t)


def curve_charts(t: dict[str, pd.DataFrame]) -> list[Chart]:
    """The MAC curve of each sector in the curve years (runs stored before mac_curve.csv
    have none)."""
    if "mac_curve" not in t:
        return []
    em = t["emissions"]
    found = []
    for year in curve_years(t):
        marginal = em.loc[em["year"] == year].set_index("sector")["mac_jpy_per_tco2"]
        fig = charts.curve_chart(t["mac_curve"], year, charts.sectors(em), marginal)
        if fig is not None:
            found.append(Chart(
                f"mac_curve_{year}", f"Marginal abatement cost curve, {year}",
                "Technology switches of each sector, cheapest first: bar width = abatement "
                "if all of the year's output of the commodity switched (Mt-CO2/yr, cap "
                "scope), height = cost per tonne from levelised costs without carbon "
                "(JPY/t-CO2); dashed: the cap's marginal abatement cost in this run. "
                "Growth and supply limits are not applied (mac_curve.csv).",
                charts.png(fig)))
    return found


HEADLINE = {"capex": "capex, BJPY", "private NPV": "private cost NPV, BJPY",
            "public cost": "public cost (cash), BJPY"}


def headline(kpis: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """All-sector capex, private cost NPV and public cost per run (rows), from
    compare_runs' table."""
    rows = kpis.loc[kpis["kpi"].isin(list(HEADLINE)) & (kpis["sector"] == SECTOR_ALL)]
    return rows.set_index("kpi").loc[list(HEADLINE), labels].T.rename(columns=HEADLINE)


def comparison_charts(runs: list[Run], kpis: pd.DataFrame) -> list[Chart]:
    return [
        Chart("compare_emissions", "Total emissions by run",
              "All-sector counted emissions, Mt-CO2/yr; dashed: the economy-wide cap of the "
              "first run that has one (named in the legend).",
              charts.png(charts.total_emissions_chart(
                  {r.label: r.tables["emissions"] for r in runs}))),
        Chart("compare_money", "Investment, private cost and public cost by run",
              "Capex summed over the horizon; present value of private cost (the run's "
              "perspective); public cost: subsidies paid and tax forgone, cash over the "
              "horizon. All BJPY.",
              charts.png(charts.headline_chart(headline(kpis, [r.label for r in runs])))),
    ]


def _kpi_table(kpis: pd.DataFrame) -> str:
    """compare_runs' table with the numbers as in its text form."""
    return html_table(formatted(kpis), numeric=list(kpis.columns[3:]))


def _runs_table(runs: list[Run]) -> str:
    rows = []
    for r in runs:
        s, info = r.meta.get("settings", {}), r.meta.get("run") or {}
        row = {"run": r.label, "case": (r.meta.get("case") or {}).get("name", ""),
               "status": r.status + (f": {info['reason']}" if info.get("reason") else ""),
               "created": info.get("created", ""),
               "years": f"{s.get('start_year')}-{s.get('end_year')} "
                        f"(step {s.get('year_step')})"}
        row.update({k: "" if s.get(k) is None else s[k] for k in SETTINGS_SHOWN})
        rows.append(row)
    table = pd.DataFrame(rows)
    return html_table(table.loc[:, (table != "").any()])


def _figure(chart: Chart, name: str) -> str:
    data = base64.b64encode(chart.png).decode("ascii")
    return (f'<figure><h4>{html.escape(chart.title)}</h4><img class="chart" '
            f'alt="{html.escape(chart.title)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(chart.caption)} "
            f"(<code>{html.escape(name)}</code>)</figcaption></figure>")


def _run_section(run: Run, figures: list[str], kpis: str) -> str:
    parts = [f"<h2>Run: {html.escape(run.label)}</h2>"]
    purpose = (run.meta.get("case") or {}).get("purpose")
    if purpose:
        parts.append(f"<p>{html.escape(purpose)}</p>")
    if not run.ok:
        reason = (run.meta.get("run") or {}).get("reason") or "no reason recorded"
        parts.append(f'<p class="failed">Status {html.escape(run.status)}: '
                     f"{html.escape(reason)}. The run has no result tables.</p>")
        return "\n".join(parts)
    parts += figures
    if charts.mac_table(run.tables["emissions"]).empty:
        parts.append('<p class="note">No CO2 cap in this run: no marginal abatement cost.</p>')
    years = sorted(run.tables["emissions"]["year"].unique().tolist())
    summary = sector_summary(run.tables, years).rename(columns={
        "counted_mtco2": "CO2 Mt-CO2/yr", "cap_mtco2": "cap Mt-CO2/yr",
        "mac_jpy_per_tco2": "MAC JPY/t-CO2 (own cap)",
        "effective_mac_jpy_per_tco2": "effective MAC JPY/t-CO2 (all caps + carbon price)",
        "capex_bjpy": "capex BJPY (since previous row)",
        "support_bjpy": "support BJPY (since previous row)", "mix": "technology mix"})
    parts += ["<h3>Key figures</h3>", kpis, "<h3>By sector and report year</h3>",
              html_table(summary), curve_section(run), materials_section(run, years),
              attribution_section(run), stranded_section(run)]
    parts += [f"<h3>{html.escape(title)}</h3>" + html_table(table)
              for title, table in carbon_summary(run.tables, years)]
    if "public_costs" in run.tables:
        public = by_instrument(run.tables["public_costs"], report_years(years))
        public.columns = [str(c) for c in public.columns]
        parts.append("<h3>Public cost by instrument (BJPY cash, + paid, - received)</h3>"
                     + html_table(public.rename_axis("instrument").reset_index()))
    return "\n".join(parts)


def render(runs: list[Run]) -> tuple[str, dict[str, bytes]]:
    """The page's HTML and every chart as PNG by file name, numbered in page order."""
    pngs: dict[str, bytes] = {}

    def place(chart: Chart, prefix: str) -> str:
        name = f"{len(pngs) + 1:02d}_{prefix}{chart.key}.png"
        pngs[name] = chart.png
        return _figure(chart, name)

    solved = [r for r in runs if r.ok]
    kpis = compare_runs([r.folder for r in solved]) if solved else None
    sections = []
    if len(solved) > 1:
        sections.append("<h2>Comparison</h2>"
                        + "".join(place(c, "") for c in comparison_charts(solved, kpis))
                        + "<h3>Key figures by run</h3><p>Reference: "
                        f"{html.escape(solved[0].label)}; delta = run - reference.</p>"
                        + _kpi_table(kpis))
    for run in runs:
        prefix = "" if len(runs) == 1 else _slug(run.label) + "_"
        figures = [place(c, prefix) for c in run_charts(run)] if run.ok else []
        key_figures = _kpi_table(kpis) if len(solved) == 1 and run.ok else \
            "<p>See the comparison above.</p>"
        sections.append(_run_section(run, figures, key_figures))
    return html_page(f"{len(runs)} run(s)", _runs_table(runs) + "\n" + "\n".join(sections),
                 len(pngs)), pngs


def html_page(what: str, body: str, charts_expected: int) -> str:
    created = datetime.now().isoformat(timespec="seconds")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>decarb report</title><style>{STYLE}</style></head>\n"
            f'<body data-charts-expected="{charts_expected}" data-charts-drawn="0">\n'
            f"<h1>decarb report</h1><p>{html.escape(what)}; written {created}. Money in "
            f"BJPY, emissions in Mt-CO2/yr, marginal abatement cost in JPY/t-CO2.</p>"
            f"{body}\n<script>{SCRIPT}</script>\n</body></html>\n")


def _slug(label: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in label)


def write_report(run_dirs: Sequence[Path], html_path: Path) -> Path:
    """Write the HTML report of `run_dirs` (the first is the reference) to
    `html_path`, and every chart as PNG into `<html stem>_charts/` beside it (replacing
    an earlier report's charts); each written whole or not at all."""
    return _write(*render(load_runs(run_dirs)), Path(html_path))


def _write(page: str, pngs: dict[str, bytes], html_path: Path) -> Path:
    charts = html_path.with_name(f"{html_path.stem}_charts")
    if charts.is_dir() and any(p.suffix != ".png" for p in charts.iterdir()):
        raise OutputError(charts, "it holds files other than an earlier report's charts "
                          "(PNG); it is left as it is: give the report another name")
    with staged(charts, folder=True, replace=True) as folder:
        for name, data in pngs.items():
            (folder / name).write_bytes(data)
    with staged(html_path, replace=True) as path:
        path.write_text(page, encoding="utf-8")
    return html_path


def set_charts(s: SampleSet) -> list[Chart]:
    """Fans of emissions (all sectors, per sector) and investment, and the cost tornado."""
    fan = percentiles.emissions_fan(s)
    em = s.emissions
    first = em.loc[em["run"] == em["run"].iloc[0]]   # the first solved sample's
    cap = first.loc[first["sector"] == SECTOR_ALL].set_index("year")["cap_mtco2"]
    band = "P10-P90 band shaded, P50 line"
    found = [
        Chart("fan_emissions", "Emissions, all sectors: range over the samples",
              f"Counted emissions, Mt-CO2/yr: {band}; dashed: economy-wide cap where set.",
              charts.png(charts.fan_chart(fan.loc[SECTOR_ALL], "Mt-CO2/yr", cap))),
        Chart("fan_sector_emissions", "Emissions per sector: range over the samples",
              f"Counted emissions per sector, Mt-CO2/yr: {band}.",
              charts.png(charts.sector_fan_chart(
                  {name: fan.loc[name] for name in percentiles.sectors_of(fan)}, "Mt-CO2/yr"))),
        Chart("fan_investment", "Investment per year: range over the samples",
              f"Capex of all sectors by year of build, BJPY: {band} (0 in a sample's year "
              "without builds).",
              charts.png(charts.fan_chart(percentiles.investment_fan(s), "BJPY"))),
    ]
    bars = percentiles.tornado_bars(s)
    if not bars.empty:
        found.append(Chart(
            "tornado", "What moves the cost most",
            "Present value of private cost at each range's 10th and 90th percentile, the "
            "other ranges at their medians, minus the median point's, BJPY; a range with "
            "a point that cannot meet the caps ('infeasible') first, then the widest.",
            charts.png(charts.tornado_chart(bars, "change in private cost NPV, BJPY"))))
    return found


def render_set(s: SampleSet) -> tuple[str, dict[str, bytes]]:
    """The page of an uncertainty set: its ranges, key-figure percentiles, fans, tornado
    and the samples."""
    pngs: dict[str, bytes] = {}
    figures = []
    for chart in set_charts(s):
        name = f"{len(pngs) + 1:02d}_{chart.key}.png"
        pngs[name] = chart.png
        figures.append(_figure(chart, name))
    base = s.meta["base"]
    ranges = pd.DataFrame(s.meta["ranges"]).assign(
        match=lambda t: t["match"].map(lambda m: ", ".join(f"{k}={v}" for k, v in m.items())
                                       or "every row"))
    failed = (f' <p class="failed">{html.escape(percentiles.dropped_note(s))}</p>'
              + html_table(percentiles.failures(s).rename(
                  columns={"cap": "cap that cannot be met", "samples": "failed samples",
                           "earliest_year": "from year"}))) if s.failed else ""
    body = (f"<h2>Uncertainty: {html.escape(base['name'])}</h2>"
            f"<p>{html.escape(base.get('purpose', ''))}</p>"
            f"<p>{len(s.solved)} solved samples (centred Latin hypercube, seed "
            f"{s.meta.get('seed')}); percentiles by linear interpolation.</p>{failed}"
            "<h3>Ranges (multipliers)</h3>" + html_table(ranges)
            + "<h3>Key figures: P10 / P50 / P90 over the samples</h3>"
            + _kpi_table(percentiles.kpi_percentiles(s)) + "".join(figures)
            + "<h3>Samples</h3>" + _samples_table(s.samples))
    return html_page(f"uncertainty set {s.folder.name}", body, len(pngs)), pngs


def _samples_table(samples: pd.DataFrame) -> str:
    """Each sample's multipliers (3 decimals), status and headline figures."""
    drawn = [c for c in samples.columns if c.endswith("_multiplier")]
    shown = samples.drop(columns=["label", "reason", "shortfalls", "model"], errors="ignore")
    shown[drawn] = shown[drawn].map(lambda v: f"{v:.3f}")
    return html_table(shown, numeric=drawn)


def write_set_report(folder: Path, html_path: Path) -> Path:
    """The HTML report of an uncertainty set folder, charts as PNG beside it."""
    return _write(*render_set(percentiles.read_set(folder)), Path(html_path))
