"""Time a sweep point re-solved in place against the same point rebuilt from scratch,
and against the bare HiGHS warm re-solve of the same change.

    python benchmarks/sweep_benchmark.py                  # LP and MIP, 5 points each
    python benchmarks/sweep_benchmark.py --points 9 --kinds lp

The sweep varies the carbon price from 0 to 20,000 JPY/t-CO2 over the FY2024
case (`data/japan/cases/fy2024.toml`), once as an LP (unit sizes relaxed) and
once as the MIP it is. "In place" is `decarb sweep` with one worker: the first
point builds the model and every later point changes the carbon price in the
model HiGHS holds. "Rebuild" runs each point as `decarb run --case` would: read,
validate, build, hand over, solve, results, write. Both write a run folder per
point. The parallel rows run the in-place sweep on 2 worker processes.

Then, side by side in one loop over the LP points, what a sweep worker does
for a point (its case read through the worker's Reader, the model changed in
place, HiGHS from the base case's basis, the values loaded back) against the
floor: a bare `highspy.Highs` holding the same LP, given the same new costs and
re-solved warm from the same basis. The run folder a point also writes (results,
CSV files) is timed apart.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import highspy
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from decarb.inputs.cases import derive, load_case  # noqa: E402
from decarb.inputs.loading import Reader, read_dataset  # noqa: E402
from decarb.outputs.results import result_tables  # noqa: E402
from decarb.outputs.runstore import write_run  # noqa: E402
from decarb.solving.handover import standard_form  # noqa: E402
from decarb.solving.resolve import Session  # noqa: E402
from decarb.workflow.levers import grid, parse_lever  # noqa: E402
from decarb.workflow.run import run_and_store  # noqa: E402
from decarb.workflow.sweep import point_cases, run_sweep  # noqa: E402

BASE = ROOT / "data" / "japan" / "cases" / "fy2024.toml"


def against_bare(points: int, folder: Path) -> None:
    """Per LP point: the worker's in-place re-solve beside the bare HiGHS warm re-solve."""
    base = derive(load_case(BASE), "benchmark", {"settings": {"integer_units": False}})
    cases = point_cases(base, grid([parse_lever(f"carbon_price=0:20000:{points}")]))
    reader = Reader()
    session = Session(base=reader.read(base.dataset, base))   # as a sweep worker's
    built, _, _ = session.solve(reader.read(cases[0].dataset, cases[0]))   # builds the base
    bare = highspy.Highs()
    bare.setOptionValue("output_flag", False)
    standard_form(built.m).pass_to(bare)
    bare.run()          # the base case, as the session solved it first
    start = bare.getBasis()
    print("\n| point | in place s | of which HiGHS s | bare warm re-solve s | "
          "in place / bare | results + run folder s |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    totals = np.zeros(2)
    for number, case in enumerate(cases[1:], 2):
        t = time.perf_counter()
        built, solution, in_place = session.solve(reader.read(case.dataset, case))
        ours = time.perf_counter() - t
        assert in_place and solution.ok
        cost = np.asarray(session.model.h.getLp().col_cost_)
        t = time.perf_counter()
        bare.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
        bare.clearSolver()      # each point from the base's basis, as the session does
        bare.setBasis(start)
        bare.run()
        floor = time.perf_counter() - t
        objective = bare.getInfo().objective_function_value
        assert abs(objective - solution.objective_mjpy) <= 1e-7 * abs(objective)
        t = time.perf_counter()
        write_run(folder / f"p{number}", result_tables(built, solution), {})
        store = time.perf_counter() - t
        totals += (ours, floor)
        print(f"| {number} | {ours:.3f} | {solution.times_s['solve']:.3f} | {floor:.3f} | "
              f"{ours / floor:.2f} | {store:.3f} |", flush=True)
    print(f"in place / bare warm re-solve: {totals[0] / totals[1]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=5)
    parser.add_argument("--kinds", nargs="+", default=["lp", "mip"], choices=["lp", "mip"])
    parser.add_argument("--bare-only", action="store_true",
                        help="Only the side-by-side loop against the bare HiGHS re-solve.")
    args = parser.parse_args()
    if args.bare_only:
        with tempfile.TemporaryDirectory() as tmp:
            against_bare(args.points, Path(tmp))
        return
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
    with tempfile.TemporaryDirectory() as tmp:
        against_bare(args.points, Path(tmp))


if __name__ == "__main__":
    main()
