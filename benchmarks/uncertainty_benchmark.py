"""Time `decarb uncertainty` on the shipped Japan ranges: samples, tornado, report.

    python benchmarks/uncertainty_benchmark.py                 # 50 samples, all cores
    python benchmarks/uncertainty_benchmark.py --samples 10 --workers 1

Runs `data/japan/cases/uncertainty.toml` (the FY2024 case as an LP, with its ranges)
into a temporary run store: the samples, the median point and the tornado's
one-at-a-time points, then the HTML report with its fan and tornado charts. Prints
the wall time of each step, the points per minute and the seconds of the points
themselves (read, validate, build, solve, write).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from decarb.outputs.html_report import write_set_report  # noqa: E402
from decarb.workflow.uncertainty import run_uncertainty  # noqa: E402

CASE = ROOT / "data" / "japan" / "cases" / "uncertainty.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=0, help="0: all cores")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as store:
        t0 = time.perf_counter()
        folder = Path(store) / "set"
        run_uncertainty(CASE, folder, args.samples, args.seed, args.workers)
        t1 = time.perf_counter()
        write_set_report(folder, folder / "report.html")
        t2 = time.perf_counter()
        points = pd.read_csv(folder / "sweep.csv")
    solved = int((points["status"] == "optimal").sum())
    print(f"cores: {os.cpu_count()}, workers: {args.workers or os.cpu_count()}")
    print("| step | seconds |\n| --- | ---: |")
    print(f"| {len(points)} points ({args.samples} samples + tornado), {solved} solved | "
          f"{t1 - t0:.1f} |")
    print(f"| report (fans, tornado, percentiles) | {t2 - t1:.1f} |")
    print(f"points per minute: {60 * len(points) / (t1 - t0):.1f}; seconds per point "
          f"(in its worker): median {points['seconds'].median():.2f}, "
          f"max {points['seconds'].max():.2f}")


if __name__ == "__main__":
    main()
