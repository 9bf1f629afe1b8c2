"""Key figures of several runs side by side, read from their run folders.

The first run is the reference: every other run gets a `delta <label>` column
(run minus reference). Each stored table is read for all runs at once by one
DuckDB scan, so comparing thousands of runs costs a handful of queries.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from decarb.errors import InputError, Problem
from decarb.outputs.compare_support import instrument_blocks
from decarb.outputs.runfiles import check_folders, read_run, read_tables
from decarb.inputs.schema import SECTOR_ALL

KPI_YEARS = (2030, 2040, 2050)
NO_ABATEMENT_MTCO2 = 1e-9
SUBSIDY = re.compile(r"subsidy_.+_bjpy")
EMISSIONS, CUMULATIVE, BJPY, PER_T = "Mt-CO2/yr", "Mt-CO2", "BJPY", "JPY/t-CO2"
# The run's whole public cost over all its emissions below the first run's, caps and
# carbon price included: not what any instrument buys (the attribution says that).
BELOW_REFERENCE = "public cost per t below the reference"
ATTRIBUTED = (("moved_mtco2", "abatement moved between sectors", CUMULATIVE),
              ("public_cost_bjpy", "public cost added", BJPY),
              ("net_fiscal_cost_bjpy", "net fiscal cost added", BJPY),
              ("public_cost_per_t_jpy_per_tco2", "public cost per t added", PER_T))


def compare_runs(run_dirs: Sequence[Path]) -> pd.DataFrame:
    """KPIs of each run as a wide table: kpi, sector, unit, one column per run
    (labelled by folder name) and a `delta <label>` column per run after the first.

    Blank (NaN) means not applicable: a year outside the run's horizon, a cap
    or MAC where the run has no cap that year, a public cost per t below the
    reference where the run emits no less, a delta where either side is blank.
    """
    dirs = [Path(d) for d in run_dirs]
    steps = check_runs(dirs)
    labels = run_labels(dirs)
    year_steps = dict(zip(labels, steps))
    em = read_tables(dirs, "emissions", labels)
    costs = read_tables(dirs, "costs", labels)
    money = investment_money(read_tables(dirs, "investments", labels), em)
    found = list(dict.fromkeys(em["sector"]))
    sectors = [SECTOR_ALL] + [s for s in found if s != SECTOR_ALL]

    def block(kpi: str, unit: str, values: pd.DataFrame, column: str,
              every_sector: bool = False) -> pd.DataFrame:
        """One KPI's rows: `values[column]` by run and sector, a column per run; a
        row per sector (every_sector) or per sector with a value in some run."""
        wide = values.pivot(index="sector", columns="run", values=column)
        shown = sectors if every_sector else [s for s in sectors if s in wide.index]
        return wide.reindex(index=shown, columns=labels).rename_axis(
            index="sector", columns=None).reset_index().assign(kpi=kpi, unit=unit)

    blocks = [block(f"emissions {y}", EMISSIONS, em.loc[em["year"] == y], "counted_mtco2",
                    every_sector=True) for y in KPI_YEARS]
    blocks += [block(f"cap {y}", EMISSIONS, rows, "cap_mtco2") for y, rows in _capped(em)]
    blocks += _imported_blocks(dirs, labels, em, block)
    cumulative = cumulative_emissions(em, year_steps)
    blocks.append(block("cumulative emissions", CUMULATIVE, cumulative, "cumulative"))
    blocks.append(block("capex", BJPY, money, "capex_bjpy"))
    blocks.append(block("support received", BJPY, money, "support_bjpy"))
    public = public_costs(costs, labels)
    total = costs.loc[(costs["kind"] == "cost") & (costs["component"] == "total")] \
        .assign(sector=SECTOR_ALL)
    blocks.append(block("private NPV", BJPY, total, "private_npv_bjpy"))
    blocks.append(block("resource cost (social NPV)", BJPY, total, "social_npv_bjpy"))
    blocks += [block("public cost" + ("" if c == "total" else f": {c}"), BJPY, rows,
                     "public_cost_bjpy")
               for c, rows in public.groupby("component", sort=False)]
    fiscal = costs.loc[(costs["kind"] == "fiscal") & (costs["component"] == "net")] \
        .assign(sector=SECTOR_ALL)
    if len(fiscal):   # runs stored before the fiscal rows have none
        blocks.append(block("net fiscal cost", BJPY, fiscal, "public_cost_bjpy"))
    all_sectors = cumulative.loc[cumulative["sector"] == SECTOR_ALL].set_index("run")
    per_t = public_cost_per_t_abated(
        public.loc[public["component"] == "total"].set_index("run")["public_cost_bjpy"]
        .reindex(labels), all_sectors["cumulative"].reindex(labels))
    blocks.append(block(BELOW_REFERENCE, PER_T, per_t, "jpy_per_tco2"))
    blocks += instrument_blocks(dirs, labels, year_steps, costs, em, cumulative, block,
                                public_cost_per_t_abated)
    blocks += [block(f"MAC {y}", PER_T, rows, "mac_jpy_per_tco2") for y, rows in _capped(em)]
    blocks += _carbon_blocks(dirs, labels, year_steps, block)
    if "effective_mac_jpy_per_tco2" in em:
        blocks += [block(f"effective MAC {y}", PER_T, em.loc[em["year"] == y],
                         "effective_mac_jpy_per_tco2") for y in KPI_YEARS
                   if (em["year"] == y).any()]
    blocks += attribution_blocks(dirs, labels, block)
    table = pd.concat(blocks, ignore_index=True)
    deltas = table[labels[1:]].sub(table[labels[0]], axis=0)
    deltas.columns = [f"delta {label}" for label in labels[1:]]
    return pd.concat([table[["kpi", "sector", "unit", *labels]], deltas], axis=1)


def _imported_blocks(dirs: list[Path], labels: list[str], em: pd.DataFrame,
                     block: Callable[..., pd.DataFrame]) -> list[pd.DataFrame]:
    """Embedded CO2 of imported commodities in the KPI years, and the use of each
    material that carries some (runs stored before these columns have none)."""
    if "embedded_mtco2" not in em:
        return []
    carrying = em.loc[em["embedded_mtco2"] > 0, "sector"].unique()
    em = em.loc[em["sector"].isin(carrying)]
    blocks = [block(f"embedded emissions {y}", EMISSIONS, em.loc[em["year"] == y],
                    "embedded_mtco2") for y in KPI_YEARS]
    if all((d / "materials.csv").is_file() for d in dirs):
        used = read_tables(dirs, "materials", labels)
        carriers = used.loc[used["embedded_mtco2"] > 0, "commodity"].unique()
        blocks += [block(f"{c} used {y}", "M unit/yr",
                         used.loc[(used["commodity"] == c) & (used["year"] == y)],
                         "use_m_per_yr") for c in carriers for y in KPI_YEARS]
    return blocks


def _carbon_blocks(dirs: list[Path], labels: list[str], year_steps: Mapping[str, int],
                   block: Callable[..., pd.DataFrame]) -> list[pd.DataFrame]:
    """The GX-ETS price in the KPI years; over the horizon the ETS cost before free
    allocation, the allocation's value, the net cost, the levies' revenue (0 for a run
    without the instrument); CBAM exposure in 2030 and over the horizon (blank for a run
    without cbam.csv)."""
    found = {t: [(d, label) for d, label in zip(dirs, labels) if (d / f"{t}.csv").is_file()]
             for t in ("ets", "levies", "cbam")}
    read = {t: read_tables([d for d, _ in pairs], t, [label for _, label in pairs])
            for t, pairs in found.items() if pairs}
    if not read:
        return []

    def horizon(table: str, column: str, fill: float) -> pd.DataFrame:
        rows = read.get(table, pd.DataFrame(columns=["run", "year", column]))
        rows = rows.assign(total=rows[column].astype(float) * rows["run"].map(year_steps))
        total = rows.groupby("run")["total"].sum().reindex(labels)
        if fill == fill:   # not NaN: a run without the table has none of it
            total = total.fillna(fill)
        return pd.DataFrame({"run": labels, "sector": SECTOR_ALL, "total": total.to_numpy()})

    blocks = []
    if "ets" in read:
        market = read["ets"].loc[read["ets"]["participant"] == "market"]
        blocks += [block(f"GX-ETS price {y}", PER_T, market.loc[market["year"] == y]
                         .assign(sector=SECTOR_ALL), "price_jpy_per_tco2") for y in KPI_YEARS]
        read["ets"] = market
    for kpi, table, column, fill in (
            ("GX-ETS cost before free allocation", "ets", "ets_cost_bjpy", 0.0),
            ("GX-ETS free allocation value", "ets", "allocation_value_bjpy", 0.0),
            ("GX-ETS net cost", "ets", "net_cost_bjpy", 0.0),
            ("fuel levy revenue", "levies", "revenue_bjpy", 0.0),
            ("CBAM exposure", "cbam", "exposure_bjpy", np.nan)):
        if table in read:
            blocks.append(block(kpi, BJPY, horizon(table, column, fill), "total"))
    if "cbam" in read:
        cbam = read["cbam"].loc[read["cbam"]["year"] == 2030]
        blocks.append(block("CBAM exposure 2030", BJPY, cbam.groupby("run", as_index=False)[
            "exposure_bjpy"].sum().assign(sector=SECTOR_ALL), "exposure_bjpy"))
    return blocks


def attribution_blocks(dirs: list[Path], labels: list[str],
                       block: Callable[..., pd.DataFrame]) -> list[pd.DataFrame]:
    """What each instrument adds, for the runs stored with their attribution (blank for
    the others): abatement by sector, abatement moved between sectors, public and net
    fiscal cost, public cost per tonne added."""
    having = [(d, label) for d, label in zip(dirs, labels) if (d / "attribution.csv").is_file()]
    if not having:
        return []
    found = read_tables([d for d, _ in having], "attribution", [label for _, label in having])
    blocks = []
    for name, rows in found.groupby("instrument", sort=False):
        total = rows.loc[rows["sector"] == SECTOR_ALL]
        blocks.append(block(f"{name}: abatement added", CUMULATIVE, rows, "abated_mtco2"))
        for column, what, unit in ATTRIBUTED:
            blocks.append(block(f"{name}: {what}", unit, total, column))
    return blocks


def _capped(em: pd.DataFrame) -> Iterator[tuple[int, pd.DataFrame]]:
    """Emission rows of each KPI year that has a cap in some run."""
    for y in KPI_YEARS:
        rows = em.loc[(em["year"] == y) & em["cap_mtco2"].notna()]
        if len(rows):
            yield y, rows


def public_costs(costs: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """Public cash by run: the total first, then each instrument any run paid
    (0 for a run without it), sector all."""
    public = costs.loc[costs["kind"] == "public"]
    components = ["total", *sorted(set(public["component"]) - {"total"})]
    grid = pd.MultiIndex.from_product([components, labels], names=["component", "run"])
    paid = public.set_index(["component", "run"])["public_cost_bjpy"] \
        .reindex(grid, fill_value=0.0)
    return paid.reset_index().assign(sector=SECTOR_ALL)


def cumulative_emissions(em: pd.DataFrame, year_steps: Mapping[str, int]) -> pd.DataFrame:
    """Emissions summed over the horizon (Mt-CO2: each model year stands for its step of
    years) per run and sector, in the column `cumulative`."""
    return em.assign(cumulative=em["total_mtco2"] * em["run"].map(year_steps)) \
        .groupby(["run", "sector"], as_index=False)["cumulative"].sum()


def investment_money(inv: pd.DataFrame, em: pd.DataFrame) -> pd.DataFrame:
    """Capex and support received (subsidies + tax benefit) per run and sector, and
    for all sectors; 0 for a sector of the run that invested nothing."""
    subsidies = [c for c in inv.columns if SUBSIDY.fullmatch(c)]
    inv = inv.assign(support_bjpy=inv[subsidies].fillna(0.0).sum(axis=1)
                     + inv["tax_benefit_bjpy"].fillna(0.0))
    columns = ["capex_bjpy", "support_bjpy"]
    by_sector = inv.groupby(["run", "sector"], as_index=False)[columns].sum()
    everything = inv.groupby("run", as_index=False)[columns].sum().assign(sector=SECTOR_ALL)
    run_sectors = em[["run", "sector"]].drop_duplicates()
    return run_sectors.merge(pd.concat([by_sector, everything]), on=["run", "sector"],
                             how="left").fillna({c: 0.0 for c in columns})


def public_cost_per_t_abated(public_cost: pd.Series,
                              cumulative: pd.Series) -> pd.DataFrame:
    """Extra public cash per tonne of cumulative emissions avoided against the
    reference (the first run), JPY/t-CO2 = 1000 x BJPY / Mt-CO2; both series by run.

    Blank for a run that abates nothing (<= NO_ABATEMENT_MTCO2 less than the
    reference), the reference itself included: the ratio would divide by zero, or
    by an increase in emissions, and there is no price of a tonne abated.
    """
    abated = cumulative.iloc[0] - cumulative
    per_t = 1000.0 * (public_cost - public_cost.iloc[0]) / abated.where(
        abated > NO_ABATEMENT_MTCO2)
    return pd.DataFrame({"run": per_t.index, "sector": SECTOR_ALL,
                         "jpy_per_tco2": per_t.to_numpy()})


def check_runs(run_dirs: Sequence[Path]) -> list[int]:
    """Each folder's year step (from run.json, checked); InputError naming every folder
    that is not a complete, solved run."""
    problems, steps = [], []
    if not run_dirs:
        problems.append(Problem("(no run folders)", None, None, "", "at least one run folder"))
    for folder in run_dirs:
        try:
            steps.append(read_run(folder, load_tables=False).meta["settings"]["year_step"])
        except InputError as error:
            problems += error.problems
    if not problems:     # each run is read whole, also the tables compare does not use
        problems = [p for found in check_folders(run_dirs).values() for p in found]
    if problems:
        raise InputError(problems)
    return steps


def run_labels(run_dirs: Sequence[Path]) -> list[str]:
    """Folder names; 'parent/name' where two names are equal, numbered if still equal."""
    paths = [Path(d).resolve() for d in run_dirs]
    names = [p.name for p in paths]
    labels = [f"{p.parent.name}/{p.name}" if names.count(p.name) > 1 else p.name
              for p in paths]
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(f"{label} #{seen[label]}" if labels.count(label) > 1 else label)
    return unique


def formatted(table: pd.DataFrame) -> pd.DataFrame:
    """The run and delta columns as text: a row's decimals follow its largest value
    (none for JPY/t), deltas carry a sign, '-' where not applicable."""
    runs = list(table.columns[3:])
    signed = [str(run).startswith("delta ") for run in runs]
    values = table[runs].to_numpy(dtype=float)
    places = [row_decimals(row, unit) for row, unit in zip(values, table["unit"])]
    cells = [[format_number(v, d, sign) for v, sign in zip(row.tolist(), signed)]
             for row, d in zip(values, places)]
    return pd.concat([table[["kpi", "sector", "unit"]],
                      pd.DataFrame(cells, columns=runs, index=table.index)], axis=1)


def format_comparison(table: pd.DataFrame) -> str:
    """The comparison as text: one block per KPI, a row per sector, a column per run
    (numbers as in `formatted`)."""
    runs = list(table.columns[3:])
    cells = formatted(table)[runs].to_numpy().tolist()
    width = [max([len(str(run))] + [len(row[i]) for row in cells])
             for i, run in enumerate(runs)]
    indent = max([len(s) for s in table["sector"]] + [6]) + 4
    lines = [f"Reference: {runs[0]}; delta = run - reference; - = not applicable.",
             " " * indent + "  ".join(f"{r:>{w}}" for r, w in zip(runs, width))]
    kpi = None
    for row, row_cells in zip(table[["kpi", "sector", "unit"]].itertuples(), cells):
        if row.kpi != kpi:
            kpi = row.kpi
            lines.append(f"{kpi} ({row.unit})")
        lines.append(f"  {row.sector:<{indent - 2}}"
                     + "  ".join(f"{c:>{w}}" for c, w in zip(row_cells, width)))
    return "\n".join(lines)


def row_decimals(row: np.ndarray, unit: str) -> int:
    biggest = np.nanmax(np.abs(row), initial=0.0)
    if unit == PER_T or biggest >= 1000 or biggest == 0:
        return 0
    return 1 if biggest >= 10 else 2 if biggest >= 1 else 3


def format_number(value: float, decimals: int, signed: bool) -> str:
    if math.isnan(value):
        return "-"
    if round(value, decimals) == 0:      # no sign on a zero, nor a "-0.0"
        return f"{0:,.{decimals}f}"
    return f"{value:{'+' if signed else ''},.{decimals}f}"
