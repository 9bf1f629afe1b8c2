"""Time a sweep point re-solved in place against the same point rebuilt from scratch.

    python benchmarks/sweep_benchmark.py                  # LP and MIP, 5 points each
    python benchmarks/sweep_benchmark.py --points 9 --kinds lp

The sweep varies the carbon price from 0 to 20,000 JPY/t-CO2 over the FY2024
case (`data/japan/cases/fy2024.toml`), once as an LP (unit sizes relaxed) and
once as the MIP it is. "In place" is `decarb sweep` with one worker: the first
point builds the model and every later point changes the carbon price in the
model HiGHS holds. "Rebuild" runs each point as `decarb run --case` would: read,
validate, build, hand over, solve, results, write. Both write a run folder per
point. The parallel rows run the in-place sweep on 2 worker processes.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.inputs.cases import derive, load_case  # noqa: E402
from model.workflow.levers import grid, parse_lever  # noqa: E402
from model.inputs.loading import read_dataset  # noqa: E402
from model.workflow.run import run_and_store  # noqa: E402
from model.workflow.sweep import point_cases, run_sweep  # noqa: E402

BASE = ROOT / "data" / "japan" / "cases" / "fy2024.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=5)
    parser.add_argument("--kinds", nargs="+", default=["lp", "mip"], choices=["lp", "mip"])
    args = parser.parse_args()
    print("| model | points | first point (build) s | later points in place s | "
          "rebuild per point s | rebuild / in place | sweep wall 1 worker s | "
          "2 workers s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind in args.kinds:
        base = derive(load_case(BASE), "benchmark", {"settings": {
            "integer_units": kind == "mip"}})
        points = grid([parse_lever(f"carbon_price=0:20000:{args.points}")])
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            summary = run_sweep(base, points, Path(tmp) / "serial", workers=1)
            serial_s = time.perf_counter() - t
            t = time.perf_counter()
            run_sweep(base, points, Path(tmp) / "parallel", workers=2)
            parallel_s = time.perf_counter() - t
            rebuild = []
            for i, case in enumerate(point_cases(base, points)):
                t = time.perf_counter()
                run_and_store(read_dataset(case.dataset, case), Path(tmp) / f"re{i}", f"re{i}",
                              case)
                rebuild.append(time.perf_counter() - t)
        seconds = summary["seconds"].tolist()
        in_place = statistics.mean(seconds[1:])
        per_rebuild = statistics.mean(rebuild)
        print(f"| {kind.upper()} | {len(points)} | {seconds[0]:.2f} | {in_place:.2f} | "
              f"{per_rebuild:.2f} | {per_rebuild / in_place:.1f}x | {serial_s:.1f} | "
              f"{parallel_s:.1f} |", flush=True)


if __name__ == "__main__":
    main()
