"""Whether the shipped cases' answers hold to the precision they are shown at.

    python benchmarks/economics_benchmark.py                  # every aggregate case
    python benchmarks/economics_benchmark.py --cases fy2024 --mip --plants
    python benchmarks/economics_benchmark.py --cases plants --plants --tight-time-limit 3000

For each case of data/japan/cases (plant mode only with --plants):
- gap stability: capex per technology and the marginal abatement costs (own cap
  and effective, 2030/2040/2050) at the case's MIP gap and at a gap 10x tighter;
  the largest relative change of a technology's capex (among those with at least
  0.1% of all capex) and of a MAC (at least 1 JPY/t either side). An LP (unit
  sizes relaxed, the default) has no gap: both solves are the same LP. --mip adds
  the case with whole units (integer_units = true), time-limited. The tighter solve
  has the case's time limit, or --tight-time-limit.
- end effect: the 2050 MAC (economy-wide cap and effective) of the case and of the
  case with ten more years of extension (inputs held), and the cost of a tonne more
  of abatement in 2050: each re-solved with the 2050 economy-wide cap 0.005 Mt
  tighter (a MIP with its integer decisions held: re-solved, it would land
  anywhere within its gap). Where the LP is degenerate in 2050 (capacity serving
  several capped years) the cap's dual is any value between the saving of loosening
  the cap and the cost of tightening it, and which one HiGHS reports depends on the
  method and the model's size; the cost of tightening is one number.
- idle support: the share of all support (subsidies + tax benefit) paid on builds
  standing idle in their build year, a year's builds counted idle before older
  capacity of the technology (the strict reading).
Then the headline figures of the default dataset: what each instrument adds
(attribution), the MACs and the 2050 mix.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from decarb.errors import DecarbError  # noqa: E402
from decarb.inputs.cases import (Case, dataset_case, derive, find_case, list_cases,  # noqa: E402
                                 load_case)
from decarb.inputs.loading import Reader  # noqa: E402
from decarb.outputs.report import format_summary, sector_summary  # noqa: E402
from decarb.solving.resolve import Session  # noqa: E402
from decarb.workflow.attribution import attribute, summary_lines  # noqa: E402
from decarb.workflow.run import RunResult, run_case  # noqa: E402

DATA = ROOT / "data" / "japan"
YEARS = (2030, 2040, 2050)
SIGNIFICANT_CAPEX = 1e-3      # of all capex: smaller technologies are not compared
SIGNIFICANT_MAC = 1.0         # JPY/t-CO2
TIGHTER_MTCO2 = 0.005         # the step of the 2050 economy-wide cap (Mt-CO2/yr)


def solve(reader: Reader, case: Case, label: str, settings: dict,
          session: Session | None = None) -> tuple[RunResult, float]:
    """The case solved, and its seconds; a `session` keeps the model solved in HiGHS."""
    t = time.perf_counter()
    derived = derive(case, label, {"settings": settings}) if settings else case
    result = run_case(reader.read(derived.dataset, derived), session)
    return result, time.perf_counter() - t


def capex(result: RunResult) -> pd.Series:
    return result.tables["investments"].groupby("technology")["capex_bjpy"].sum()


def macs(result: RunResult) -> pd.Series:
    em = result.tables["emissions"]
    em = em.loc[em["year"].isin(YEARS)]
    own = em.dropna(subset=["mac_jpy_per_tco2"])
    return pd.concat([
        pd.Series(own["mac_jpy_per_tco2"].to_numpy(),
                  index=pd.MultiIndex.from_arrays([["own"] * len(own), own["sector"],
                                                   own["year"]])),
        pd.Series(em["effective_mac_jpy_per_tco2"].to_numpy(),
                  index=pd.MultiIndex.from_arrays([["effective"] * len(em), em["sector"],
                                                   em["year"]]))])


def largest_change(a: pd.Series, b: pd.Series, floor: float) -> float:
    """Largest |b - a| / max(|a|, |b|) over entries where either side reaches `floor`."""
    both = pd.concat([a, b], axis=1).fillna(0.0)
    scale = both.abs().max(axis=1)
    shown = scale >= floor
    if not shown.any():
        return 0.0
    return float(((both.iloc[:, 1] - both.iloc[:, 0]).abs()[shown] / scale[shown]).max())


def idle_support_share(result: RunResult) -> float:
    """Support on builds idle in their build year / all support (0 without support)."""
    inv, prod = result.tables["investments"], result.tables["production"]
    subsidies = [c for c in inv.columns if c.startswith("subsidy_")]
    inv = inv.assign(support=inv[subsidies].sum(axis=1) + inv["tax_benefit_bjpy"])
    total = float(inv["support"].sum())
    if total <= 0:
        return 0.0
    idle = inv.merge(prod[["technology", "year", "idle_capacity_m_per_yr"]],
                     on=["technology", "year"], how="left").fillna(0.0)
    idle_new = idle[["new_capacity_m_per_yr", "idle_capacity_m_per_yr"]].min(axis=1)
    share = (idle_new / idle["new_capacity_m_per_yr"]).where(idle["new_capacity_m_per_yr"] > 0,
                                                            0.0)
    return float((idle["support"] * share).sum()) / total


def mac_2050(result: RunResult) -> tuple[float, float]:
    em = result.tables["emissions"].set_index(["sector", "year"])
    row = em.loc[("all", 2050)]
    return float(row["mac_jpy_per_tco2"]), float(row["effective_mac_jpy_per_tco2"])


def tightening_cost_2050(reader: Reader, case: Case, settings: dict,
                         base: RunResult, session: Session) -> float:
    """JPY/t-CO2 of abating TIGHTER_MTCO2 more under the 2050 economy-wide cap (NaN
    without one): the present-value cost added over the step, in money of 2050. A MIP
    re-solved lands anywhere within its gap, so with integer decisions the plan is
    held: the LP the `session` that solved `base` keeps, with the base's integer
    decisions fixed, its 2050 cap a step tighter."""
    em = base.tables["emissions"].set_index(["sector", "year"])
    cap = em["cap_mtco2"].get(("all", 2050), float("nan"))
    if pd.isna(cap):
        return float("nan")
    weight = base.built.p.weights[base.built.ds.settings.perspective][2050]
    if base.solution.is_mip:
        return _with_plan_held(base, session) / TIGHTER_MTCO2 / weight
    source = "economics_benchmark: the 2050 cap a step tighter, the years beside as before"
    rows = [{"sector": "all", "year": 2050, "cap_mtco2": cap - TIGHTER_MTCO2, "source": source}]
    # caps are interpolated between anchors and held after the last: pin the years beside
    for year, value in ((2049, em["cap_mtco2"].get(("all", 2049))), (2051, cap)):
        if year in base.built.p.years and not pd.isna(value):
            rows.append({"sector": "all", "year": year, "cap_mtco2": value, "source": source})
    tighter = {"settings": settings, "tables": {"caps": {"set": rows}}}
    result = run_case(reader.read(case.dataset, derive(case, "tighter 2050 cap", tighter)))
    added = result.solution.objective_mjpy - base.solution.objective_mjpy
    return added / TIGHTER_MTCO2 / weight


def _with_plan_held(base: RunResult, session: Session) -> float:
    """MJPY the 2050 economy-wide cap TIGHTER_MTCO2 tighter adds, the MIP's integer
    decisions held (after the MIP, HiGHS keeps the LP with them fixed)."""
    rows = base.built.cons["enforce_total_cap"]
    cap = rows.loc[(rows["sector"] == "all") & (rows["year"] == 2050), "con"]
    session.model.shift_row_bounds(list(cap), np.full(len(cap), -TIGHTER_MTCO2))
    session.model.h.run()
    return float(session.model.h.getInfo().objective_function_value) \
        - base.solution.objective_mjpy


def _moved(before: float, after: float) -> str:
    """'a -> b' in JPY/t, or '-' where there is no such cap."""
    return "-" if pd.isna(before) else f"{before:,.0f} -> {after:,.0f}"


def case_row(reader: Reader, name: str, mip: bool, tight_limit: float | None) -> list[str]:
    case = load_case(find_case(name, DATA))
    kept, kept_longer = Session(), Session()   # hold a MIP's plan for the tonne more
    base, seconds = solve(reader, case, "", {}, kept)
    s = base.meta["settings"]
    try:
        tight, _ = solve(reader, case, "tighter gap", {"mip_gap": s["mip_gap"] / 10} | (
            {"time_limit_s": tight_limit} if tight_limit else {}))
    except DecarbError as error:   # a MIP may not reach the tighter gap in its time limit
        tight, failed = None, str(error).splitlines()[0]
    extended = {"extension_years": s["extension_years"] + 10}
    longer, _ = solve(reader, case, "ten more years", extended, kept_longer)
    own, effective = mac_2050(base)
    own_long, effective_long = mac_2050(longer)
    step, step_long = (tightening_cost_2050(reader, case, {}, base, kept),
                       tightening_cost_2050(reader, case, extended, longer, kept_longer))
    significant = SIGNIFICANT_CAPEX * capex(base).sum()
    gap_columns = ([f"{largest_change(capex(base), capex(tight), significant):.2%}",
                    f"{largest_change(macs(base), macs(tight), SIGNIFICANT_MAC):.2%}"]
                   if tight is not None else [failed] * 2)
    row = [name, "MIP" if base.solution.is_mip else "LP", f"{seconds:.1f}", *gap_columns,
           _moved(own, own_long), _moved(effective, effective_long),
           f"{abs(effective_long - effective) / max(abs(effective), 1.0):.1%}",
           _moved(step, step_long),
           "-" if pd.isna(step) else f"{abs(step_long - step) / max(abs(step), 1.0):.1%}",
           f"{idle_support_share(base):.1%}"]
    if mip:
        whole, whole_s = solve(reader, case, "whole units", {"integer_units": True})
        tighter, tighter_s = solve(reader, case, "whole units, tighter gap",
                                   {"integer_units": True, "mip_gap": s["mip_gap"] / 10})
        total = SIGNIFICANT_CAPEX * capex(whole).sum()
        row += [f"{whole_s:.0f} / {tighter_s:.0f} s",
                f"{largest_change(capex(whole), capex(tighter), total):.1%}",
                f"{largest_change(macs(whole), macs(tighter), SIGNIFICANT_MAC):.0%}"]
    return row


def headline(reader: Reader) -> None:
    """What each instrument adds, the MACs and the 2050 mix of the default dataset."""
    case = dataset_case(DATA)
    ds = reader.read(case.dataset, case)
    session = Session()
    result = run_case(ds, session)
    print("\n" + "\n".join(summary_lines(attribute(case, ds, result, session, reader))))
    summary = sector_summary(result.tables, ds.settings.reported_years)
    print(format_summary(summary.loc[summary["year"] == 2050]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", default=None, help="case names (default: all)")
    parser.add_argument("--plants", action="store_true", help="include plant-mode cases")
    parser.add_argument("--tight-time-limit", type=float, default=None,
                        help="seconds for the 10x tighter gap (default: the case's limit)")
    parser.add_argument("--mip", action="store_true",
                        help="also each case with whole units, at its gap and 10x tighter")
    args = parser.parse_args()
    reader = Reader()
    names = args.cases or [n for n in list_cases(DATA) if args.plants or load_case(
        find_case(n, DATA)).merged_settings().get("mode") != "plant"]
    header = ["case", "model", "solve s", "capex change, gap / 10", "MAC change, gap / 10",
              "2050 MAC (all): +10 yr", "effective: +10 yr", "effective moves",
              "2050 cost of a tonne more (all): +10 yr", "moves",
              "support idle in build year"]
    if args.mip:
        header += ["whole units: s (gap / gap/10)", "capex change", "MAC change"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name in names:
        try:
            print("| " + " | ".join(case_row(reader, name, args.mip, args.tight_time_limit))
                  + " |", flush=True)
        except DecarbError as error:
            print(f"| {name} | failed: {str(error).splitlines()[0]} |", flush=True)
    headline(reader)


if __name__ == "__main__":
    main()
