"""`decarb uncertainty`: Latin hypercube samples of a case's ranges, and a tornado.

Each sample, the median point (every multiplier at its median) and the tornado's
one-at-a-time points (one multiplier at its 10th or 90th percentile, the others at
their medians) become ordinary case files under `<set>/cases/` (the base case plus
list-form `scale` edits), so `decarb run --case <set>/cases/007-sample.toml`
reproduces a point. They are validated before anything runs and run as a sweep's
points are (`sweep.run_cases`: parallel workers, in-place re-solves where the
model allows, failures stored). The set folder holds:

    uncertainty.json   the base case, the ranges, samples and seed
    cases/             one case file per point
    NNN-<label>/       the run folder of each point (sample, median, low-<name>, high-<name>)
    sweep.csv          every point's status and headline figures, rewritten per point
    samples.csv        per sample: the drawn multipliers and the headline figures
    tornado.csv        per range: its low and high multiplier, the private cost NPV
                       of each and of the median point
"""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from decarb.errors import InputError, Problem
from decarb.inputs.cases import case_toml, derive, load_case
from decarb.inputs.loading import Reader
from decarb.outputs.percentiles import COST, SAMPLES_FILE, SET_FILE, TORNADO_FILE
from decarb.outputs.atomic import staged
from decarb.outputs.runstore import Kind, check_destination
from decarb.workflow import ranges
from decarb.workflow.sweep import run_cases

CASES = "cases"
TORNADO_QUANTILES = (0.1, 0.9)
MEDIAN = "median"
UNCERTAINTY_SET = Kind("uncertainty set", SET_FILE)


def multiplier_column(name: str) -> str:
    return f"{name}_multiplier"


def plan(entries: list[ranges.Uncertain], samples: int, seed: int,
         tornado: bool = True) -> pd.DataFrame:
    """One row per point: label, kind (sample | median | low | high), the range it moves
    (tornado points) and every entry's multiplier."""
    drawn = ranges.draw(entries, samples, seed)
    points = drawn.reset_index(drop=True).assign(label="sample", kind="sample", range="")
    if tornado:
        median = {e.name: float(e.quantile(0.5)) for e in entries}
        rows = [dict(median, label=MEDIAN, kind=MEDIAN, range="")]
        for e in entries:
            for kind, u in zip(("low", "high"), TORNADO_QUANTILES):
                rows.append({**median, e.name: float(e.quantile(u)), "label": f"{kind}-{e.name}",
                             "kind": kind, "range": e.name})
        points = pd.concat([points, pd.DataFrame(rows)], ignore_index=True)
    points.index = pd.RangeIndex(1, len(points) + 1, name="point")
    return points[["label", "kind", "range", *[e.name for e in entries]]]


def run_uncertainty(case_file: Path, folder: Path, samples: int, seed: int,
                    workers: int = 0, tornado: bool = True,
                    on_point: Callable[[dict], None] = lambda row: None) -> pd.DataFrame:
    """Draw, validate, write the point cases, run them into `folder`; return every
    point's row (samples, the median and the tornado's; `sweep.csv`)."""
    if samples < 2:
        raise InputError([Problem("--samples", None, None, str(samples),
                                  "at least 2 samples")])
    case_file, folder = Path(case_file).resolve(), Path(folder).resolve()
    check_destination(folder, UNCERTAINTY_SET)
    base = load_case(case_file)
    entries = ranges.read_ranges(case_file)
    reader = Reader()   # the folder is read and parsed once for all the checks below
    ds = reader.read(base.dataset, base)
    entries = ranges.with_dataset(str(case_file), entries, ds)
    matches = ranges.resolve(str(case_file), entries, ds,
                             reader.case_tables(base.dataset, base, ds.settings.end_year))
    points = plan(entries, samples, seed, tornado)
    names = [e.name for e in entries]
    # Bounds of a column hold between its extremes (multipliers are >= 0), so checking
    # the lowest and the highest multipliers validates every point before any runs.
    for end, values in (("lowest", points[names].min()), ("highest", points[names].max())):
        case = derive(base, f"{case_file} ([[uncertain]] at their {end} multipliers)",
                      ranges.fragment(entries, matches, values.to_dict()))
        reader.read(case.dataset, case)
    with staged(folder / CASES, folder=True) as staging:
        for number, point in points.iterrows():
            text = case_toml(f"{point['label']} {number} of {case_file.name} (seed {seed})",
                             str(case_file), ranges.fragment(entries, matches, point[names]))
            (staging / f"{number:03d}-{point['label']}.toml").write_text(text)
    cases = [load_case(folder / CASES / f"{n:03d}-{p['label']}.toml")
             for n, p in points.iterrows()]
    with staged(folder / SET_FILE) as path:
        path.write_text(json.dumps({
            "case_file": str(case_file), "base": base.resolved(), "samples": samples,
            "seed": seed, "tornado_quantiles": list(TORNADO_QUANTILES) if tornado else [],
            "ranges": [{"name": e.name, "table": e.table, "column": e.column,
                        "match": e.match, "multiplier": e.text} for e in entries]},
            indent=2) + "\n")
    summary = run_cases(list(zip(points["label"], cases)), folder, workers, None, on_point,
                        base=base)
    _write_tables(folder, points, summary, names)
    return summary


def _write_tables(folder: Path, points: pd.DataFrame, summary: pd.DataFrame,
                  names: list[str]) -> None:
    figures = summary.drop(columns=["levers"]).set_index("point")
    table = points.rename(columns={n: multiplier_column(n) for n in names}).join(figures)
    with staged(folder / SAMPLES_FILE, replace=True) as path:
        table.loc[table["kind"] == "sample"].drop(columns=["kind", "range"]) \
            .to_csv(path, float_format="%.10g")
    rows = []
    # no column of figures when every point failed (an infeasible case)
    median = table.loc[table["kind"] == MEDIAN].get(COST, pd.Series(dtype=float))
    for name in names:
        moved = table.loc[table["range"] == name].set_index("kind")
        if moved.empty:
            continue
        rows.append({"range": name, "low_multiplier": moved.loc["low", multiplier_column(name)],
                     "high_multiplier": moved.loc["high", multiplier_column(name)],
                     f"median_{COST}": median.iloc[0] if len(median) else float("nan"),
                     f"low_{COST}": moved.loc["low"].get(COST, float("nan")),
                     f"high_{COST}": moved.loc["high"].get(COST, float("nan"))})
    if rows:
        with staged(folder / TORNADO_FILE, replace=True) as path:
            pd.DataFrame(rows).to_csv(path, index=False, float_format="%.10g")

