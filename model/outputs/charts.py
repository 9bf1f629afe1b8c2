"""Report charts drawn from a run folder's tables (matplotlib, PNG through Agg).

Each chart has a small data-shaping function (tested against hand sums) and a
drawing function returning a Figure; `png` turns a Figure into PNG bytes.
Figures are made without pyplot, so nothing is registered globally (no figure
to close, no leak) and the caller's matplotlib backend is left alone. Units
follow the run tables: BJPY, Mt-CO2/yr, JPY/t-CO2, and outputs in millions of
each product's unit per year.
"""
from __future__ import annotations

import io
import math
import textwrap

import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from decarb.inputs.schema import PATHWAYS, SECTOR_ALL
from decarb.outputs.plants import CLOSED

DPI = 110
WIDE = (10.0, 4.2)
MILLIONS_OF = {"t": "Mt", "GJ": "PJ", "t-CO2": "Mt-CO2"}   # output_m_per_yr's unit
CAP_STYLE = dict(color="black", linestyle="--", linewidth=1.4)


def _figure(*grid: int, figsize: tuple[float, float], **options):
    """A Figure outside pyplot: no global figure registry to leak into or close, no
    backend switch for the caller; savefig renders PNG with Agg."""
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.subplots(*grid, **options)


def png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def colours(names: list[str]) -> dict[str, tuple]:
    """Colour-blind-safe tab10 (tab20 beyond ten names), stable in the given order."""
    cmap = colormaps["tab10" if len(names) <= 10 else "tab20"]
    return {name: cmap(i % cmap.N) for i, name in enumerate(names)}


def _legend_right(ax, title: str | None = None, handles: list | None = None) -> None:
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              fontsize="small", title=title, title_fontsize="small")


def _no_data(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="0.4")
    ax.set(xticks=[], yticks=[])


def _stack(ax, table: pd.DataFrame, palette: dict, alpha: float = 0.9) -> None:
    """Stacked areas over years (rows); a single year's area has no width, so a bar."""
    if len(table) > 1:
        ax.stackplot(table.index, table.T.values, labels=table.columns,
                     colors=[palette[c] for c in table.columns], alpha=alpha)
        return
    bottom = 0.0
    for column, value in table.iloc[0].items():
        ax.bar(table.index, [value], bottom=bottom, width=0.6, label=column,
               color=palette[column], alpha=alpha)
        bottom += value


def _axes(ax, ylabel: str, xlabel: str | None = "year") -> None:
    """Whole years on the x axis; thousands separators once values reach 1,000."""
    ax.set(xlabel=xlabel, ylabel=ylabel)
    first, last = ax.dataLim.intervalx
    if math.isfinite(first) and last - first < 1:     # one model year: a year either side
        ax.set_xlim(first - 1, last + 1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10], min_n_ticks=1))
    _thousands(ax)


def _thousands(ax) -> None:
    if ax.get_ylim()[1] >= 1000:
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def _label(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


# ---- emissions -------------------------------------------------------------

def sectors(emissions: pd.DataFrame) -> list[str]:
    """Sectors in file order (as in sectors.csv), without the all-sector rows."""
    return list(dict.fromkeys(emissions.loc[emissions["sector"] != SECTOR_ALL, "sector"]))


def sector_emissions(emissions: pd.DataFrame) -> pd.DataFrame:
    """Counted emissions, one column per sector (file order), one row per year."""
    e = emissions.loc[emissions["sector"] != SECTOR_ALL]
    return e.pivot(index="year", columns="sector", values="counted_mtco2")[sectors(e)]


def emissions_chart(emissions: pd.DataFrame) -> Figure:
    """Stacked counted emissions by sector against the economy-wide cap."""
    table = sector_emissions(emissions)
    fig, ax = _figure(figsize=WIDE)
    palette = colours(list(table.columns))
    _stack(ax, table, palette, alpha=0.85)
    cap = emissions.loc[emissions["sector"] == SECTOR_ALL].set_index("year")["cap_mtco2"]
    if cap.notna().any():
        ax.plot(cap.index, cap.values, label="economy-wide cap", **CAP_STYLE)
    ax.set_ylim(0, None)
    _axes(ax, "Mt-CO2/yr")
    _legend_right(ax)
    return fig


def sector_cap_chart(emissions: pd.DataFrame) -> Figure:
    """One small panel per sector: counted emissions and that sector's cap."""
    e = emissions.loc[emissions["sector"] != SECTOR_ALL]
    names = sectors(e)
    columns = min(3, len(names))
    rows = -(-len(names) // columns)
    fig, axes = _figure(rows, columns, figsize=(WIDE[0], 2.4 * rows + 0.5),
                        squeeze=False, sharex=True)
    palette = colours(names)
    for ax, sector in zip(axes.flat, names):
        s = e.loc[e["sector"] == sector].set_index("year")
        point = "o" if len(s) == 1 else None
        ax.plot(s.index, s["counted_mtco2"], color=palette[sector], linewidth=2,
                marker=point, label="emissions")
        if s["cap_mtco2"].notna().any():
            ax.plot(s.index, s["cap_mtco2"], marker=point, label="cap", **CAP_STYLE)
        ax.set_title(sector, fontsize="medium")
        ax.set_ylim(0, None)
        _axes(ax, "Mt-CO2/yr" if ax.get_subplotspec().is_first_col() else "",
              "year" if ax.get_subplotspec().is_last_row() else None)
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    handles = [Line2D([], [], color="0.3", linewidth=2),
               Line2D([], [], **CAP_STYLE)]
    fig.legend(handles, ["emissions (counted)", "sector cap"], loc="outside lower center",
               ncol=2, frameon=False)
    return fig


def mac_table(emissions: pd.DataFrame) -> pd.DataFrame:
    """MAC by year (rows) for each capped sector (columns); blank where no cap."""
    capped = emissions.loc[emissions["cap_mtco2"].notna()]
    table = capped.pivot(index="year", columns="sector", values="mac_jpy_per_tco2")
    return table[list(dict.fromkeys(capped["sector"]))]


def mac_chart(emissions: pd.DataFrame) -> Figure | None:
    """Marginal abatement cost of each cap; None when the run has no cap."""
    table = mac_table(emissions)
    if table.empty:
        return None
    fig, ax = _figure(figsize=WIDE)
    palette = colours(sectors(emissions))
    for sector in table.columns:
        style = (dict(color="black", linewidth=2.2) if sector == SECTOR_ALL
                 else dict(color=palette[sector], linewidth=1.6))
        label = "economy-wide cap" if sector == SECTOR_ALL else sector
        ax.plot(table.index, table[sector], marker=".", label=label, **style)
    _axes(ax, "JPY/t-CO2")
    _legend_right(ax)
    return fig


# ---- production ------------------------------------------------------------

def production_mix(production: pd.DataFrame, sector: str) -> dict[str, pd.DataFrame]:
    """Output by technology (columns) and year (rows) for each unit of a sector's
    outputs, keyed by the millions-unit label ('Mt' first, then 'PJ'); products of
    one unit are stacked together, technologies that never run are left out."""
    p = production.loc[(production["sector"] == sector)
                       & production["kind"].isin(("product", "heat"))]
    mix = {}
    for unit in sorted(p["unit"].unique(), key=lambda u: (u != "t", u)):
        rows = p.loc[p["unit"] == unit]
        table = rows.pivot_table(index="year", columns="technology",
                                 values="output_m_per_yr", aggfunc="sum", fill_value=0.0)
        table = table.loc[:, table.max() > 1e-9]
        if not table.empty:
            table.columns.name = ", ".join(sorted(rows["product"].unique()))
            mix[MILLIONS_OF.get(unit, f"million {unit}")] = table
    return mix


def production_chart(production: pd.DataFrame, sector: str) -> Figure:
    """A sector's output by technology: one panel per unit (e.g. Mt of product, PJ of heat)."""
    mix = production_mix(production, sector)
    panels = max(1, len(mix))
    fig, axes = _figure(1, panels, figsize=(WIDE[0], 3.8), squeeze=False)
    technologies = sorted({t for table in mix.values() for t in table.columns})
    palette = colours(technologies)
    for ax, (unit, table) in zip(axes.flat, mix.items()):
        _stack(ax, table, palette)
        ax.set_ylim(0, None)
        _axes(ax, f"{unit}/yr")
        ax.set_title(textwrap.fill(table.columns.name, 45), fontsize="small")
    if not mix:
        _no_data(axes[0, 0], "no output")
    handles = [Rectangle((0, 0), 1, 1, color=palette[t]) for t in technologies]
    fig.legend(handles, technologies, loc="outside right upper", frameon=False,
               fontsize="small", title="technology", title_fontsize="small")
    fig.suptitle(sector, x=0.02, ha="left", fontweight="bold")
    return fig


# ---- money -----------------------------------------------------------------

def capex_by_sector(investments: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Capex (BJPY) summed per year (rows) and sector (columns, in `order`)."""
    table = investments.pivot_table(index="year", columns="sector", values="capex_bjpy",
                                    aggfunc="sum", fill_value=0.0)
    return table[[s for s in order if s in table.columns]]


def support_by_instrument(investments: pd.DataFrame) -> pd.DataFrame:
    """Support received (BJPY) per year (rows) and instrument (columns): each
    subsidy programme, then the tax benefit by the incentive chosen."""
    subsidy = [c for c in investments.columns
               if c.startswith("subsidy_") and c.endswith("_bjpy")]
    table = investments.groupby("year")[subsidy].sum()
    table.columns = [f"subsidy: {c[len('subsidy_'):-len('_bjpy')]}" for c in subsidy]
    taxed = investments.loc[investments["tax_incentive"].fillna("none") != "none"]
    tax = taxed.pivot_table(index="year", columns="tax_incentive", values="tax_benefit_bjpy",
                            aggfunc="sum", fill_value=0.0)
    tax.columns = [f"tax: {c.replace('_', ' ')}" for c in tax.columns]
    table = table.join(tax, how="outer").fillna(0.0)
    return table.loc[:, table.abs().sum() > 1e-9]


def stacked_bar_chart(table: pd.DataFrame, ylabel: str, year_step: int = 1,
                      palette: dict | None = None) -> Figure:
    """Stacked bars of `table`'s columns per year (its index)."""
    fig, ax = _figure(figsize=WIDE)
    palette = palette or colours(list(table.columns))
    bottom = pd.Series(0.0, index=table.index)
    for column in table.columns:
        ax.bar(table.index, table[column], bottom=bottom, width=0.8 * year_step,
               label=column, color=palette[column])
        bottom += table[column]
    _axes(ax, ylabel)
    if table.empty:
        _no_data(ax, "none in this run")
    else:
        _legend_right(ax)
    return fig


# ---- comparison of runs ----------------------------------------------------

def total_emissions_chart(emissions: dict[str, pd.DataFrame]) -> Figure:
    """All-sector counted emissions of each run (label -> emissions table), with the
    economy-wide cap of the first run that has one (a reference usually has none)."""
    fig, ax = _figure(figsize=WIDE)
    palette = colours(list(emissions))
    for label, table in emissions.items():
        total = table.loc[table["sector"] == SECTOR_ALL].set_index("year")
        ax.plot(total.index, total["counted_mtco2"], color=palette[label], linewidth=2,
                marker="o" if len(total) == 1 else None, label=label)
    for label, table in emissions.items():
        cap = table.loc[table["sector"] == SECTOR_ALL].set_index("year")["cap_mtco2"]
        if cap.notna().any():
            ax.plot(cap.index, cap.values, label=f"cap ({label})", **CAP_STYLE)
            break
    ax.set_ylim(0, None)
    _axes(ax, "Mt-CO2/yr")
    _legend_right(ax, "run")
    return fig


def headline_chart(headline: pd.DataFrame) -> Figure:
    """One bar panel per column of `headline` (rows: runs, values BJPY)."""
    fig, axes = _figure(1, len(headline.columns), squeeze=False,
                        figsize=(3.4 * len(headline.columns) + 0.6, 3.6))
    palette = colours(list(headline.index))
    for ax, column in zip(axes.flat, headline.columns):
        bars = ax.bar(range(len(headline)), headline[column],
                      color=[palette[r] for r in headline.index])
        ax.bar_label(bars, fmt=_label, fontsize="small", padding=2)
        ax.margins(y=0.12)
        ax.set_xticks(range(len(headline)), headline.index, rotation=30, ha="right",
                      fontsize="small")
        ax.set_title(column, fontsize="medium")
        _thousands(ax)
    axes[0, 0].set_ylabel("BJPY")
    return fig


# ---- uncertainty -----------------------------------------------------------

def _band(ax, band: pd.DataFrame, colour, label: str | None = None) -> None:
    """P10-P90 shaded, P50 as a line (band: rows years, columns P10, P50, P90)."""
    ax.fill_between(band.index, band["P10"], band["P90"], color=colour, alpha=0.25,
                    linewidth=0, label=f"P10-P90{f' ({label})' if label else ''}")
    ax.plot(band.index, band["P50"], color=colour, linewidth=2,
            marker="o" if len(band) == 1 else None, label=f"P50{f' ({label})' if label else ''}")


def fan_chart(band: pd.DataFrame, ylabel: str, cap: pd.Series | None = None) -> Figure:
    """One quantity's P10-P90 band and P50 line over years, with a cap where given."""
    fig, ax = _figure(figsize=WIDE)
    _band(ax, band, colours(["x"])["x"])
    if cap is not None and cap.notna().any():
        ax.plot(cap.index, cap.values, label="cap", **CAP_STYLE)
    ax.set_ylim(0, None)
    _axes(ax, ylabel)
    _legend_right(ax)
    return fig


def sector_fan_chart(bands: dict[str, pd.DataFrame], ylabel: str) -> Figure:
    """One small panel per sector: its P10-P90 band and P50 line."""
    names = list(bands)
    columns = min(3, len(names))
    rows = -(-len(names) // columns)
    fig, axes = _figure(rows, columns, figsize=(WIDE[0], 2.4 * rows + 0.5), squeeze=False,
                        sharex=True)
    palette = colours(names)
    for ax, name in zip(axes.flat, names):
        _band(ax, bands[name], palette[name])
        ax.set_title(name, fontsize="medium")
        ax.set_ylim(0, None)
        _axes(ax, ylabel if ax.get_subplotspec().is_first_col() else "",
              "year" if ax.get_subplotspec().is_last_row() else None)
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    fig.legend([Rectangle((0, 0), 1, 1, color="0.6", alpha=0.4),
                Line2D([], [], color="0.3", linewidth=2)], ["P10-P90", "P50"],
               loc="outside lower center", ncol=2, frameon=False)
    return fig


def tornado_chart(bars: pd.DataFrame, xlabel: str) -> Figure:
    """Horizontal bars of each range's effect at its low and high multiplier against the
    median point (bars: range, low/high_multiplier, low/high_bjpy), widest on top."""
    fig, ax = _figure(figsize=(WIDE[0], 0.45 * len(bars) + 1.4))
    palette = colours(["low", "high"])
    rows = list(range(len(bars)))[::-1]
    for kind in ("low", "high"):
        ax.barh(rows, bars[f"{kind}_bjpy"], color=palette[kind], height=0.6,
                label=f"{kind} multiplier (P{10 if kind == 'low' else 90})")
    labels = [f"{r.range} (x{r.low_multiplier:.2f} / x{r.high_multiplier:.2f})"
              for r in bars.itertuples()]
    ax.set_yticks(rows, labels, fontsize="small")
    ax.axvline(0, color="black", linewidth=0.8)
    for row, low, high in zip(rows, bars["low_bjpy"], bars["high_bjpy"]):   # failed points
        for value, side in ((low, "right"), (high, "left")):
            if pd.isna(value):
                ax.text(0, row, " infeasible ",
                        ha=side, va="center", fontsize="small", color="#a00")
    ax.set_xlabel(xlabel)
    if ax.get_xlim()[1] >= 1000 or ax.get_xlim()[0] <= -1000:
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    _legend_right(ax)
    return fig


# ---- plant mode ------------------------------------------------------------

def plant_segments(plants: pd.DataFrame) -> pd.DataFrame:
    """Per plant, each run of consecutive years on one technology (closed years
    left out): plant, technology, first, years (count)."""
    years = sorted(plants["year"].unique())
    step = int(years[1] - years[0]) if len(years) > 1 else 1
    p = plants.loc[plants["technology"] != CLOSED].sort_values(["plant", "year"])
    same_plant = p["plant"].eq(p["plant"].shift())
    new_run = ~same_plant | p["technology"].ne(p["technology"].shift()) \
        | p["year"].diff().ne(step)
    run_id = new_run.cumsum()
    segments = p.groupby(run_id).agg(plant=("plant", "first"), technology=("technology", "first"),
                                     first=("year", "min"), last=("year", "max"))
    segments["years"] = segments["last"] - segments["first"] + step
    return segments[["plant", "technology", "first", "years"]].reset_index(drop=True)


def plant_timeline_chart(plants: pd.DataFrame, investments: pd.DataFrame) -> Figure:
    """One row per plant, coloured by the technology it runs; x marks a switch,
    a blank row end a closure."""
    segments = plant_segments(plants)
    order = list(dict.fromkeys(plants.sort_values(["sector", "plant"])["plant"]))
    row = {plant: i for i, plant in enumerate(order)}
    palette = colours(sorted(segments["technology"].unique()))
    fig, ax = _figure(figsize=(10.0, max(3.0, 0.12 * len(order) + 1.0)))
    keys = [ax.barh(group["plant"].map(row), group["years"], height=0.8, left=group["first"],
                    color=palette[technology], label=technology)   # one call per colour
            for technology, group in segments.groupby("technology")]
    switches = investments.loc[investments["to_technology"] != CLOSED]
    if not switches.empty:
        keys.append(ax.scatter(switches["year"], switches["plant"].map(row), marker="x",
                               color="black", s=12, label="switch"))
    ax.set_yticks(range(len(order)), order, fontsize=4 if len(order) > 60 else "small")
    ax.set_ylim(len(order) - 0.5, -0.5)
    _axes(ax, "plant")
    _legend_right(ax, "technology", keys or None)   # the technologies first, as drawn
    return fig


def curve_chart(curve: pd.DataFrame, year: int, sectors: list[str],
                marginal: pd.Series | None = None) -> Figure | None:
    """One panel per sector: each measure of `year` a bar as wide as its abatement
    (Mt-CO2/yr) and as high as its cost (JPY/t-CO2), cheapest first, coloured by the
    pathway it switches to; dashed: the sector cap's marginal abatement cost in the run
    (`marginal`, by sector) where the cap binds. None when the year has no measure."""
    shown = curve.loc[curve["year"] == year]
    panels = [s for s in sectors if s in set(shown["sector"])]
    if not panels:
        return None
    columns = min(3, len(panels))
    rows = -(-len(panels) // columns)
    fig, axes = _figure(rows, columns, figsize=(4.0 * columns, 3.2 * rows), squeeze=False)
    axes = axes.ravel()
    palette = {p: colormaps["tab10"](i) for i, p in enumerate(PATHWAYS)}
    for ax, sector in zip(axes, panels):
        measures = shown.loc[shown["sector"] == sector]
        left = measures["cumulative_mtco2_per_yr"] - measures["abatement_mtco2_per_yr"]
        ax.bar(left, measures["cost_jpy_per_tco2"], width=measures["abatement_mtco2_per_yr"],
               align="edge", color=[palette[p] for p in measures["pathway"]],
               edgecolor="white", linewidth=0.6)
        mac = None if marginal is None else marginal.get(sector)
        if mac is not None and pd.notna(mac) and mac > 0:
            ax.axhline(mac, color="black", linestyle="--", linewidth=1.2)
        ax.axhline(0, color="0.4", linewidth=0.6)
        ax.set(title=sector, xlabel="abatement, Mt-CO2/yr", ylabel="JPY/t-CO2")
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    used = [p for p in PATHWAYS if p in set(shown["pathway"])]
    fig.legend(handles=[Patch(color=palette[p], label=p) for p in used], loc="outside right",
               frameon=False, fontsize="small", title="switch to", title_fontsize="small")
    return fig
