"""Time the plant-mode MIP on a synthetic national fleet of N plants.

    python benchmarks/plant_benchmark.py --plants 100 300 1000

The fleet is drawn from the Japan plant case (data/japan, case `plants`): each
plant of plants.csv is repeated in proportion so the fleet has N plants, each
sector keeps its total capacity (sizes varied +-30% around the mean, then
rescaled), and relining years are spread over the relining cycle (the first copy of
each plant keeps its name and its committed event, committed.csv). Prints, per
N: plants x years, binaries, rows, build, hand-over and HiGHS time (the start
from the LP relaxation, the MIP and the fixed-integer LP for the duals) and the
MIP gap reached. The case's gap and time limit apply; `--time-limit` overrides the
limit.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from decarb.formulation.build import build_model  # noqa: E402
from decarb.inputs.dataset import Dataset  # noqa: E402
from decarb.solving.solve import HighsModel  # noqa: E402
from decarb.workflow.commands import load  # noqa: E402


def synthetic_fleet(ds: Dataset, n: int, seed: int = 0) -> pd.DataFrame:
    """N plants like those of `ds.plants`, each sector's capacity kept."""
    rng = np.random.default_rng(seed)
    base = ds.plants.reset_index(drop=True)
    picks = base.loc[np.sort(np.resize(np.arange(len(base)), n))].reset_index(drop=True)
    size = picks["capacity_m_per_yr"] * rng.uniform(0.7, 1.3, n)
    total = base.groupby("technology")["capacity_m_per_yr"].sum()
    size *= picks["technology"].map(total) / size.groupby(picks["technology"]).transform("sum")
    cycle = picks["technology"].map(ds.technologies.set_index("technology")["life_yr"])
    start = ds.settings.start_year
    reline = start + (rng.integers(0, 10_000, n) % cycle.to_numpy())
    # the first copy of each plant keeps its name, so the committed events still apply
    first = ~picks["plant"].duplicated()
    names = [name if keep else f"p{i:05d}_{name}"
             for i, (name, keep) in enumerate(zip(picks["plant"], first))]
    return picks.assign(plant=names, capacity_m_per_yr=size.round(6), next_reline_year=reline)


def measure(ds: Dataset, n: int) -> dict[str, float]:
    ds = dataclasses.replace(ds, plants=synthetic_fleet(ds, n))
    t = time.perf_counter()
    built = build_model(ds)
    build_s = time.perf_counter() - t
    model = HighsModel(built)
    solution = model.solve()
    lp = model.h.getLp()
    return {"plants": n, "years": len(ds.years), "binaries": int(model.integer.size),
            "rows": lp.num_row_, "build": build_s, "hand-over": solution.times_s["handover"],
            "highs": solution.times_s["solve"] + solution.times_s.get("fixed_lp", 0.0),
            "status": solution.status.value,
            # at a time limit the gap is HiGHS's last one
            "gap %": 100 * (solution.mip_gap if solution.mip_gap is not None
                            else model.h.getInfo().mip_gap)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plants", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--time-limit", type=float, default=None, help="seconds")
    args = parser.parse_args()
    ds = load(ROOT / "data" / "japan", "plants").ds
    if args.time_limit is not None:
        ds = dataclasses.replace(ds, settings=dataclasses.replace(
            ds.settings, time_limit_s=args.time_limit))
    print(f"plant mode, case plants, MIP gap goal {100 * ds.settings.mip_gap:g}%, "
          f"time limit {ds.settings.time_limit_s:g} s (seconds)")
    header = ["plants", "years", "binaries", "rows", "build", "hand-over", "highs", "status",
              "gap %"]
    print(" | ".join(f"{h:>9}" for h in header))
    for n in args.plants:
        row = measure(ds, n)
        print(" | ".join(f"{row[h]:>9.2f}" if isinstance(row[h], float) else f"{row[h]:>9}"
                         for h in header), flush=True)


if __name__ == "__main__":
    main()
