"""Percentiles of an uncertainty set (`decarb uncertainty`): key figures, fans, tornado.

A set folder holds one run folder per point, `samples.csv` (each sample's drawn
multipliers and headline figures) and `tornado.csv` (model/workflow/uncertainty.py).
Percentiles are taken over the solved samples with numpy's default (linear)
interpolation: with n samples, Pq is the value at position q (n - 1) of the sorted
values. Failed samples (infeasible, time limit) are left out and counted.
"""
from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from decarb.errors import InputError, Problem
from decarb.inputs.schema import SECTOR_ALL
from decarb.outputs.compare import compare_runs, formatted
from decarb.outputs.iamc import iamc_frame
from decarb.outputs.runfiles import read_run, read_tables

# An uncertainty set's files, as workflow/uncertainty.py writes them.
SET_FILE = "uncertainty.json"
SAMPLES_FILE = "samples.csv"
TORNADO_FILE = "tornado.csv"
QUANTILES = {"P10": 0.1, "P50": 0.5, "P90": 0.9}
COST = "private_npv_bjpy"
# compare_runs' KPIs that are not a figure of one run (this one is against the first run)
NOT_PER_RUN = ("public cost per t abated",)


@dataclass(frozen=True)
class SampleSet:
    folder: Path
    meta: dict                   # uncertainty.json
    samples: pd.DataFrame        # samples.csv
    tornado: pd.DataFrame        # tornado.csv (empty without one)

    @property
    def solved(self) -> list[Path]:
        """Run folders of the samples that solved."""
        ok = self.samples.loc[self.samples["status"] == "optimal", "run"]
        return [self.folder.parent / run for run in ok]

    @cached_property
    def emissions(self) -> pd.DataFrame:
        """emissions.csv of every solved sample (column `run`: its label), read once for
        the fans and charts; not to be changed in place."""
        return read_tables(self.solved, "emissions")

    @property
    def failed(self) -> int:
        return int((self.samples["status"] != "optimal").sum())

    @property
    def case(self) -> str:
        return self.meta["base"]["name"]


def find_set(spec: str | Path, results: Path | None = None) -> Path | None:
    """The set folder `spec` names (a path, or a name under `results`), or None."""
    for folder in (Path(spec), *([Path(results) / spec] if results else [])):
        if (folder / SET_FILE).is_file():
            return folder
    return None


def read_set(folder: Path) -> SampleSet:
    """A finished set folder; InputError if it has no samples table or no solved sample."""
    folder = Path(folder).resolve()
    table = folder / SAMPLES_FILE
    if not table.is_file():
        raise InputError([Problem(str(table), None, None, "", "the samples table of a "
                                  "finished `decarb uncertainty` run (missing)")])
    samples = pd.read_csv(table)
    tornado = folder / TORNADO_FILE
    found = SampleSet(folder, json.loads((folder / SET_FILE).read_text()), samples,
                      pd.read_csv(tornado) if tornado.is_file() else pd.DataFrame())
    if not found.solved:
        raise InputError([Problem(str(table), None, "status", "", "at least one solved "
                                  "sample (every sample failed; see its reason)")])
    return found


def percentiles(values: pd.DataFrame) -> pd.DataFrame:
    """P10, P50, P90 of each row of `values` (one column per sample), blanks left out."""
    array = values.to_numpy(dtype=float)
    with warnings.catch_warnings():       # a row blank in every sample stays blank
        warnings.simplefilter("ignore", RuntimeWarning)
        found = np.nanquantile(array, list(QUANTILES.values()), axis=1).T \
            if array.size else np.empty((len(values), len(QUANTILES)))
    return pd.DataFrame(found, index=values.index, columns=list(QUANTILES))


def kpi_percentiles(s: SampleSet) -> pd.DataFrame:
    """compare_runs' key figures (kpi, sector, unit) with P10, P50, P90 over the samples."""
    kpis = compare_runs(s.solved)
    kpis = kpis.loc[~kpis["kpi"].isin(NOT_PER_RUN)].reset_index(drop=True)
    runs = [c for c in kpis.columns[3:] if not str(c).startswith("delta ")]
    return pd.concat([kpis[["kpi", "sector", "unit"]], percentiles(kpis[runs])], axis=1)


def emissions_fan(s: SampleSet) -> pd.DataFrame:
    """Counted emissions (Mt-CO2/yr): P10, P50, P90 by sector (`all`: every sector) and year."""
    wide = s.emissions.pivot_table(index=["sector", "year"], columns="run", values="counted_mtco2")
    return percentiles(wide)


def investment_fan(s: SampleSet) -> pd.DataFrame:
    """Capex of all sectors (BJPY) by year of build: P10, P50, P90; 0 where a sample
    builds nothing that year."""
    em, inv = s.emissions, read_tables(s.solved, "investments")
    wide = inv.pivot_table(index="year", columns="run", values="capex_bjpy", aggfunc="sum")
    return percentiles(wide.reindex(index=sorted(em["year"].unique()),
                                    columns=list(dict.fromkeys(em["run"]))).fillna(0.0))


def failures(s: SampleSet) -> pd.DataFrame:
    """Which caps the failed samples cannot meet: sector, cap kind, how many samples and
    the earliest year (from each failed run's `shortfalls`, as the sweep records them);
    other failures as `status`."""
    rows = []
    failed = s.samples.loc[s.samples["status"] != "optimal"]
    cells = failed.get("shortfalls", pd.Series("", index=failed.index)).fillna("")
    for sample, status, cell in zip(failed["point"], failed["status"], cells):
        found = [part.split("|") for part in str(cell).split(";") if part]
        rows += [{"sector": who, "cap": cap, "sample": sample,
                  "year": float(year) if int(year) else np.nan} for who, cap, year in found] \
            or [{"sector": "", "cap": status, "sample": sample, "year": np.nan}]
    table = pd.DataFrame(rows, columns=["sector", "cap", "sample", "year"])
    return table.groupby(["sector", "cap"], as_index=False).agg(
        samples=("sample", "nunique"), earliest_year=("year", "min")) \
        .sort_values("samples", ascending=False, ignore_index=True)


def tornado_bars(s: SampleSet) -> pd.DataFrame:
    """Per range: private cost NPV at its low and high multiplier minus the median point's
    (BJPY); a range with an infeasible end first, then the widest bar (from the lowest
    to the highest of 0 and its two ends) first."""
    t = s.tornado
    if t.empty:
        return t
    bars = pd.DataFrame({"range": t["range"], "low_multiplier": t["low_multiplier"],
                         "high_multiplier": t["high_multiplier"],
                         "low_bjpy": t[f"low_{COST}"] - t[f"median_{COST}"],
                         "high_bjpy": t[f"high_{COST}"] - t[f"median_{COST}"]})
    ends = bars[["low_bjpy", "high_bjpy"]]
    # the width drawn: each bar runs from 0 to its value, so both may lie on one side
    width = ends.clip(lower=0).max(axis=1) - ends.clip(upper=0).min(axis=1)
    return bars.assign(_failed=ends.isna().any(axis=1), _width=width) \
        .sort_values(["_failed", "_width"], ascending=False, kind="stable") \
        .drop(columns=["_failed", "_width"]).reset_index(drop=True)


def iamc_percentiles(s: SampleSet, model: str, region: str) -> pd.DataFrame:
    """Every IAMC variable's P10, P50, P90 over the samples, as scenarios `<case>|P10` ...

    IAMC has no quantile column; a scenario per percentile keeps the variable tree intact
    (a `...|P10` variable would read as a child of its aggregate). A variable a sample
    does not report in a year (no build that year) counts as 0 there, except the
    marginal abatement cost, a price, which is left out. Percentiles of an aggregate are
    not the sum of its children's percentiles.
    """
    frames = []
    for folder in s.solved:
        run = read_run(folder)
        frames.append(iamc_frame(run.tables, model, run.folder.name, region,
                                 int(run.meta["settings"]["year_step"])))
    long = pd.concat(frames, ignore_index=True)
    wide = long.pivot_table(index=["Variable", "Unit", "Year"], columns="Scenario",
                            values="Value")
    price = wide.index.get_level_values("Variable").str.startswith("Marginal Abatement Cost")
    wide.loc[~price] = wide.loc[~price].fillna(0.0)
    found = percentiles(wide).rename_axis(columns="Scenario").stack().rename("Value") \
        .reset_index()
    return found.assign(Model=model, Region=region,
                        Scenario=s.case + "|" + found["Scenario"].astype(str))[
        ["Model", "Scenario", "Region", "Variable", "Unit", "Year", "Value"]] \
        .dropna(subset=["Value"]).sort_values(["Scenario", "Variable", "Year"],
                                              ignore_index=True)


def format_percentiles(s: SampleSet, table: pd.DataFrame) -> str:
    """The key-figure percentiles as text: one block per KPI, a row per sector."""
    cells = formatted(table)
    lines = [f"{s.case}: {len(s.solved)} solved samples of {len(s.samples)}, seed "
             f"{s.meta.get('seed')}; percentiles over the solved samples."
             + (f" {dropped_note(s)}" if s.failed else ""),
             *[f"  {f.samples} of {len(s.samples)} samples cannot meet the {f.cap} cap of "
               f"{f.sector}" + (f" (from {f.earliest_year:.0f})"
                                if f.earliest_year == f.earliest_year else "") if f.sector else
               f"  {f.samples} of {len(s.samples)} samples: {f.cap}"
               for f in failures(s).itertuples()],
             " " * 26 + "".join(f"{q:>12}" for q in QUANTILES)]
    kpi = None
    for row, shown in zip(table.itertuples(), cells[list(QUANTILES)].itertuples(index=False)):
        if row.kpi != kpi:
            kpi = row.kpi
            lines.append(f"{kpi} ({row.unit})")
        lines.append(f"  {row.sector:<24}" + "".join(f"{c:>12}" for c in shown))
    return "\n".join(lines)


def dropped_note(s: SampleSet) -> str:
    """What leaving the failed samples out does to the percentiles."""
    return (f"{s.failed} of {len(s.samples)} samples failed and are left out: the "
            "percentiles are those of the draws that can be solved (where every cap can "
            "be met), not of all the ranges allow; the failed draws would lie beyond them, "
            "so the spread toward their side is understated.")


def sectors_of(fan: pd.DataFrame) -> list[str]:
    """Sectors of an emissions fan in file order, without the all-sector rows."""
    return [s for s in dict.fromkeys(fan.index.get_level_values("sector")) if s != SECTOR_ALL]
