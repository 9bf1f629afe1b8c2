"""The front end of the extensive form: N scenarios of the default case in one model.

    python benchmarks/stochastic_benchmark.py              # 20 scenarios (~2 minutes)
    python benchmarks/stochastic_benchmark.py --scenarios 5 --solve

The scenarios are drawn from the shipped `uncertainty` case's ranges (as
`decarb stochastic --samples N` does); each is built by the normal build as a
block of one model and the first stage up to 2030 linked. Prints the CPU time
of building the extensive form and of handing it to HiGHS, per nonzero
(`front end: X.XX us/nnz`, the best of 3), the part of it that is the N normal
builds, and (with --solve) HiGHS's time on it.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.front_end import cpu, front_end  # noqa: E402
from decarb.formulation.build import build_model  # noqa: E402
from decarb.formulation.extensive import Scenario, build_extensive  # noqa: E402
from decarb.inputs.cases import find_case, load_case  # noqa: E402
from decarb.inputs.loading import Reader  # noqa: E402
from decarb.solving.solve import HighsModel  # noqa: E402
from decarb.workflow.scenarios import sampled  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "japan")
    parser.add_argument("--scenarios", type=int, default=20)
    parser.add_argument("--decision-year", type=int, default=2030)
    parser.add_argument("--solve", action="store_true", help="also solve it once")
    args = parser.parse_args()
    case_file = find_case("uncertainty", args.data)
    reader = Reader()
    t = time.process_time()
    cases = sampled(load_case(case_file), case_file, args.scenarios, 1, reader)
    scenarios = [Scenario(c.name, c.probability, reader.read(c.case.dataset, c.case))
                 for c in cases]
    print(f"{args.scenarios} scenarios read and validated: {time.process_time() - t:.2f} s CPU")

    def build():
        return build_extensive(scenarios, args.decision_year)
    fe = front_end(build)
    builds, _ = cpu(lambda: [build_model(s.ds) for s in scenarios], 1)
    print(f"extensive form, {args.scenarios} scenarios: front end: {fe['us_per_nnz']:.2f} "
          f"us/nnz (build {fe['build']:.2f} s + hand-over {fe['hand-over']:.2f} s CPU, "
          f"{fe['nonzeros']:,} nonzeros); the {args.scenarios} normal builds alone "
          f"{builds:.2f} s", flush=True)
    if args.solve:
        model = HighsModel(build())
        t = time.process_time()
        solution = model.solve()
        print(f"HiGHS: {solution.status.value} in {time.process_time() - t:.1f} s CPU")


if __name__ == "__main__":
    main()
