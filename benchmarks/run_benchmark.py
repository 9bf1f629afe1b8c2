"""Time each stage of a run on the default case and on synthetic cases scaled up.

    python benchmarks/run_benchmark.py                 # 1x, 10x, 100x
    python benchmarks/run_benchmark.py --scales 1      # the default case only (~30 s)

First the whole default run as a user sees it: `python cli.py run`, from
process start to exit (Python, imports, load, solve, write, summary), for the
LP it is and with whole units (a MIP); the median of `--repeats` runs.

Stages: load + validate, build (Pyomo), hand-over (standard form -> HiGHS),
HiGHS solve (including the fixed-integer LP of a MIP), results, write. The
last column is the ratio of the whole run to HiGHS's own solve time: how much
the Python front end costs on top of the solver.

Each scale runs as an LP (unit sizes relaxed, the default), which measures the
front end against the solver; the default case also runs as the MIP of whole
units. Stage times are CPU seconds, so other work on the machine moves them
less than wall time.

Then, per scale, the front end: building the model and handing it to HiGHS in
CPU microseconds per nonzero (`front end: X.XX us/nnz`, the best of 3), and the
end-to-end run less HiGHS per nonzero; and the same LP assembled from the same
tables by decarb's linear layer, by linopy (when installed: `pip install
'decarb[benchmark]'`) and by numpy straight into highspy (`front_end.py`).
The whole script takes about 12 minutes on 2 cores.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

t_import = time.perf_counter()
from pyomo.environ import Constraint, Var  # noqa: E402

from benchmarks.front_end import compare, front_end  # noqa: E402
from benchmarks.scale import replicate  # noqa: E402
from decarb.formulation.build import build_model  # noqa: E402
from decarb.inputs.loading import read_dataset  # noqa: E402
from decarb.outputs.results import result_tables  # noqa: E402
from decarb.outputs.runstore import write_run  # noqa: E402
from decarb.solving.solve import HighsModel  # noqa: E402
IMPORT_S = time.perf_counter() - t_import
# Unit sizes relaxed; the 100x LP needs about 500 s of interior point.
LP_SETTINGS = {"integer_units": "false", "time_limit_s": "3600.0"}
MIP_SETTINGS = {"integer_units": "true"}


def measure(data: Path, out: Path) -> dict[str, float]:
    """CPU seconds of each stage of one run of `data`."""
    times: dict[str, float] = {}
    clock = time.process_time
    t = clock()
    ds = read_dataset(data)
    times["load+validate"] = clock() - t
    t = clock()
    built = build_model(ds)
    times["build"] = clock() - t
    t = clock()
    model = HighsModel(built)
    times["hand-over"] = clock() - t
    t = clock()
    solution = model.solve()
    times["highs"] = clock() - t
    if not solution.ok:
        raise SystemExit(f"{data}: {solution.status.value}")
    t = clock()
    tables = result_tables(built, solution)
    times["results"] = clock() - t
    t = clock()
    write_run(out, tables, {})
    times["write"] = clock() - t
    times["total"] = sum(times.values())
    times["rows"] = sum(len(c) for c in built.m.component_objects(ctype=Constraint))
    times["columns"] = sum(len(v) for v in built.m.component_objects(ctype=Var))
    times["mip"] = float(solution.is_mip)
    times["gap"] = solution.mip_gap
    return times


def end_to_end(data: Path, out: Path, repeats: int) -> tuple[float, dict]:
    """Median wall time of `python cli.py run` on `data`, and the last run's solver record."""
    seconds = []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "cli.py"), "run", "--data", str(data),
                        "--out", str(out), "--replace"], check=True, capture_output=True,
                       cwd=ROOT)
        seconds.append(time.perf_counter() - t)
    meta = json.loads((out / "run.json").read_text())
    return statistics.median(seconds), meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "japan")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        mip_data = replicate(args.data, Path(tmp) / "mip", 1, MIP_SETTINGS)
        for kind, data in (("LP", args.data), ("whole units, MIP", mip_data)):
            wall, meta = end_to_end(data, Path(tmp) / f"e2e-{kind}", args.repeats)
            solver, times = meta["solver"], meta["times_s"]
            highs = times["solve"] + times.get("fixed_lp", 0.0)
            gap = f", MIP gap {solver['mip_gap']:.2e} (limit {solver['mip_gap_limit']:g}): " \
                  f"{solver['mip_method']}" if solver["mip"] else ""
            print(f"end to end, python cli.py run, default case ({kind}): {wall:.2f} s "
                  f"(median of {args.repeats}); HiGHS {highs:.2f} s{gap}", flush=True)
    print(f"import (pyomo, pandas, highspy): {IMPORT_S:.2f} s")
    header = ["scale", "rows", "columns", "mip", "load+validate", "build", "hand-over", "highs",
              "results", "write", "total", "total/highs", "mip gap"]
    print("CPU seconds: " + " | ".join(header))
    with tempfile.TemporaryDirectory() as tmp:
        cases = [(1, args.data)] if 1 in args.scales else []
        cases += [(scale, replicate(args.data, Path(tmp) / f"x{scale}", scale, LP_SETTINGS))
                  for scale in args.scales if scale != 1]
        for scale, data in cases:
            t = measure(data, Path(tmp) / f"run{scale}")
            print(" | ".join([f"{scale}x", f"{int(t['rows']):,}", f"{int(t['columns']):,}",
                              "yes" if t["mip"] else "no"]
                             + [f"{t[k]:.2f}" for k in header[4:11]]
                             + [f"{t['total'] / t['highs']:.2f}",
                                f"{t['gap']:.1e}" if t["mip"] else "-"]), flush=True)
            report_front_end(f"{scale}x", read_dataset(data), t)


def report_front_end(label: str, ds, stages: dict[str, float] | None = None) -> None:
    """Print the front end per nonzero, and the same LP by linopy and highspy."""
    fe = front_end(lambda: build_model(ds))
    nnz = fe["nonzeros"]
    line = (f"{label}: front end: {fe['us_per_nnz']:.2f} us/nnz (build {fe['build']:.2f} s + "
            f"hand-over {fe['hand-over']:.2f} s CPU, {nnz:,} nonzeros)")
    if stages is not None:
        rest = stages["total"] - stages["highs"]
        line += f"; end to end less HiGHS {rest / nnz * 1e6:.2f} us/nnz"
    print(line, flush=True)
    same = compare(ds)
    shown = ", ".join(f"{name} {'not installed' if same[name] is None else f'{same[name]:.2f}'}"
                      for name in ("decarb", "linopy", "highspy"))
    print(f"{label}: the same LP from the same tables, us/nnz of CPU: {shown}", flush=True)


if __name__ == "__main__":
    main()
