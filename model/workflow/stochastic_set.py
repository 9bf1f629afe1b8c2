"""The stored set of `decarb stochastic`, its terminal table and its HTML page.

The set folder holds:

    stochastic.json   the base case, decision year, risk weight, scenarios, figures
    stochastic.csv    figure, scenario, probability, value_bjpy: RP, WS, EEV, VSS, EVPI
                      and per scenario its cost under the hedged plan, with perfect
                      information and under the EV plan, and its regret
    plan.csv          the hedged first-stage plan beside the EV plan: family, key, year,
                      hedged, ev (M unit/yr for builds, counts or shares for the rest)
    NNN-<scenario>/   each scenario's run folder under the hedged plan
    report.html       the figures, the scenarios and the plan
"""
from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np
import pandas as pd

from decarb.outputs.html_report import _page, _table
from decarb.outputs.results import BJPY_PER_MJPY, result_tables
from decarb.outputs.runstore import run_record, staged, write_run
from decarb.solving.solve import Solution
from decarb.workflow.run import run_meta
from decarb.workflow.stochastic import Stochastic

SET_FILE, TABLE_FILE, PLAN_FILE, REPORT_FILE = ("stochastic.json", "stochastic.csv",
                                                "plan.csv", "report.html")
FIGURE_NAMES = {"rp_mjpy": "RP", "ws_mjpy": "WS", "eev_mjpy": "EEV", "vss_mjpy": "VSS",
                "evpi_mjpy": "EVPI"}


def figure_table(r: Stochastic) -> pd.DataFrame:
    rows = [{"figure": FIGURE_NAMES[k], "scenario": "", "probability": 1.0,
             "value_bjpy": v * BJPY_PER_MJPY} for k, v in r.figures().items()]
    eev = r.eev.costs_mjpy if r.eev is not None else np.full(len(r.scenarios), np.inf)
    for w, s in enumerate(r.scenarios):
        for figure, value in (("cost_hedged", r.rp.costs_mjpy[w]),
                              ("cost_perfect_information", r.ws.costs_mjpy[w]),
                              ("cost_ev_plan", eev[w]),
                              ("regret", r.rp.costs_mjpy[w] - r.ws.costs_mjpy[w])):
            rows.append({"figure": figure, "scenario": s.name, "probability": s.probability,
                         "value_bjpy": value * BJPY_PER_MJPY})
    return pd.DataFrame(rows)


def scenario_table(r: Stochastic) -> pd.DataFrame:
    """Per scenario (BJPY): probability, cost hedged, perfect information, EV plan, regret."""
    wide = figure_table(r)
    wide = wide.loc[wide["scenario"] != ""].pivot(index="scenario", columns="figure",
                                                  values="value_bjpy")
    order = [s.name for s in r.scenarios]
    wide = wide.reindex(order)[["cost_hedged", "cost_perfect_information", "cost_ev_plan",
                                "regret"]]
    return wide.reset_index().assign(probability=[s.probability for s in r.scenarios])[
        ["scenario", "probability", "cost_hedged", "cost_perfect_information",
         "cost_ev_plan", "regret"]]


def plan_table(r: Stochastic) -> pd.DataFrame:
    """The hedged first-stage plan beside the EV plan (rows where either is not 0)."""
    keys = ["family", "key", "year"]
    plan = r.rp.plan.rename(columns={"value": "hedged"}).merge(
        r.ev_plan.rename(columns={"value": "ev"}), on=keys, how="outer").fillna(
        {"hedged": 0.0, "ev": 0.0})
    shown = (plan["hedged"].abs() > 1e-9) | (plan["ev"].abs() > 1e-9)
    return plan.loc[shown].sort_values(["family", "year", "key"]).reset_index(drop=True)


def format_summary(r: Stochastic) -> str:
    f = {FIGURE_NAMES[k]: v * BJPY_PER_MJPY for k, v in r.figures().items()}
    lines = [f"Decided before the uncertainty resolves: first stage up to {r.decision_year}, "
             f"{len(r.scenarios)} scenarios"
             + (f", CVaR weight {r.risk.weight:g} at alpha {r.risk.alpha:g}"
                if r.risk.weight > 0 else "") + " (present value, BJPY)",
             f"  RP   (hedged plan)              {f['RP']:>14,.1f}",
             f"  WS   (perfect information)      {f['WS']:>14,.1f}",
             f"  EEV  (expected-value plan)      {f['EEV']:>14,.1f}",
             f"  VSS  = EEV - RP                 {f['VSS']:>14,.1f}",
             f"  EVPI = RP - WS                  {f['EVPI']:>14,.1f}"]
    if r.eev_infeasible:
        lines.append("  The EV plan cannot be held in: " + ", ".join(r.eev_infeasible))
    lines += ["", scenario_table(r).to_string(index=False, float_format=lambda v: f"{v:,.1f}")]
    return "\n".join(lines)


def write_set(folder: Path, r: Stochastic, base: dict) -> Path:
    """Write the set folder (each file whole or not at all)."""
    folder.mkdir(parents=True, exist_ok=True)
    for w, s in enumerate(r.scenarios):
        built = r.rp.extensive.built[w]
        tables = result_tables(built, _scenario_solution(r.rp.solution, built, s.probability))
        solution = _scenario_solution(r.rp.solution, built, s.probability)
        solution.objective_mjpy = float(r.rp.costs_mjpy[w])
        meta = {**run_record(f"{folder.name}/{w + 1:03d}-{s.name}", case=base),
                **run_meta(s.ds, solution, {}),
                "scenario": {"name": s.name, "probability": s.probability}}
        write_run(folder / f"{w + 1:03d}-{s.name}", tables, meta)
    with staged(folder / TABLE_FILE) as path:
        figure_table(r).to_csv(path, index=False, float_format="%.10g")
    with staged(folder / PLAN_FILE) as path:
        plan_table(r).to_csv(path, index=False, float_format="%.10g")
    with staged(folder / SET_FILE) as path:
        path.write_text(json.dumps({
            "base": base, "decision_year": r.decision_year,
            "risk": {"weight": r.risk.weight, "alpha": r.risk.alpha},
            "scenarios": [{"name": s.name, "probability": s.probability} for s in r.scenarios],
            "figures_bjpy": {FIGURE_NAMES[k]: v * BJPY_PER_MJPY
                             for k, v in r.figures().items()},
            "ev_plan_infeasible_in": r.eev_infeasible}, indent=2, default=str) + "\n")
    with staged(folder / REPORT_FILE) as path:
        path.write_text(render(r), encoding="utf-8")
    return folder


def _scenario_solution(solution: Solution, built, probability: float) -> Solution:
    """The extensive form's solution as one scenario's: its duals divided by its
    probability (the objective weighs its costs by it), so MACs read as in a run."""
    rows = [c for t in built.cons.values() for c in t["con"]]
    duals = {c: solution.duals.get(c, np.nan) / probability for c in rows}
    return Solution(solution.status, solution.objective_mjpy, solution.is_mip,
                    solution.mip_gap, solution.mip_bound_mjpy, solution.mip_method, duals)


def render(r: Stochastic) -> str:
    figures = figure_table(r)
    body = (f"<h2>Decided before the uncertainty resolves</h2><p>First stage: investment "
            f"decisions up to {r.decision_year}, the same in every scenario. RP is the "
            f"hedged plan's expected cost, WS the expected cost with perfect information, "
            f"EEV the expected cost of the expected-value problem's plan; VSS = EEV - RP, "
            f"EVPI = RP - WS.</p>"
            + _table(figures.loc[figures["scenario"] == ""].drop(columns=["scenario",
                                                                        "probability"]))
            + (f"<p>The EV plan cannot be held in: {html.escape(', '.join(r.eev_infeasible))}"
               "</p>" if r.eev_infeasible else "")
            + "<h2>Scenarios (BJPY)</h2>" + _table(scenario_table(r))
            + "<h2>The hedged first-stage plan beside the EV plan</h2>" + _table(plan_table(r)))
    return _page("a two-stage stochastic plan", body, 0)
