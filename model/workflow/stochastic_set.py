"""The stored set of `decarb stochastic`, its terminal table and its HTML page.

The set folder holds:

    stochastic.json   the base case, decision year, risk weight, scenarios, figures
    stochastic.csv    figure, scenario, probability, value_bjpy: RP, WS, EEV, VSS, EVPI
                      and per scenario its cost under the hedged plan, with perfect
                      information and under the EV plan, and its regret
    plan.csv          the hedged first-stage plan beside the EV plan: family, key, year,
                      hedged, ev (M unit/yr for builds, counts or shares for the rest)
    recourse.csv      where a scenario fell short under a plan (hedged, perfect
                      information, ev): plan, scenario, kind, where, year, amount, unit
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
from decarb.workflow.stochastic import RECOURSE_COLUMNS, Stochastic

SET_FILE, TABLE_FILE, PLAN_FILE, RECOURSE_FILE, REPORT_FILE = (
    "stochastic.json", "stochastic.csv", "plan.csv", "recourse.csv", "report.html")
PLANS = {"hedged": "rp", "perfect_information": "ws", "ev_plan": "eev"}
PLAN_WORDS = {"hedged": "under the hedged plan", "perfect_information":
              "with perfect information", "ev_plan": "under the EV plan"}
SCENARIO_FIGURES = ("cost_hedged", "cost_perfect_information", "cost_ev_plan", "regret",
                    "recourse_hedged", "recourse_perfect_information", "recourse_ev_plan")
FIGURE_NAMES = {"rp_mjpy": "RP", "ws_mjpy": "WS", "eev_mjpy": "EEV", "vss_mjpy": "VSS",
                "evpi_mjpy": "EVPI", "rp_recourse_mjpy": "RP recourse",
                "eev_recourse_mjpy": "EEV recourse"}


def figure_table(r: Stochastic) -> pd.DataFrame:
    rows = [{"figure": FIGURE_NAMES[k], "scenario": "", "probability": 1.0,
             "value_bjpy": v * BJPY_PER_MJPY} for k, v in r.figures().items()]
    none = np.full(len(r.scenarios), np.inf)
    eev = r.eev.costs_mjpy if r.eev is not None else none
    eev_penalties = r.eev.penalties_mjpy if r.eev is not None else none
    for w, s in enumerate(r.scenarios):
        for figure, value in (("cost_hedged", r.rp.costs_mjpy[w]),
                              ("cost_perfect_information", r.ws.costs_mjpy[w]),
                              ("cost_ev_plan", eev[w]),
                              ("regret", r.rp.costs_mjpy[w] - r.ws.costs_mjpy[w]),
                              ("recourse_hedged", r.rp.penalties_mjpy[w]),
                              ("recourse_perfect_information", r.ws.penalties_mjpy[w]),
                              ("recourse_ev_plan", eev_penalties[w])):
            rows.append({"figure": figure, "scenario": s.name, "probability": s.probability,
                         "value_bjpy": value * BJPY_PER_MJPY})
    return pd.DataFrame(rows)


def recourse_table(r: Stochastic) -> pd.DataFrame:
    """Where each scenario fell short under each plan (its priced recourse)."""
    parts = [t.assign(plan=plan, scenario=s.name)
             for plan, attr in PLANS.items() if getattr(r, attr) is not None
             for s, t in zip(r.scenarios, getattr(r, attr).recourse) if len(t)]
    columns = ["plan", "scenario", *RECOURSE_COLUMNS]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(
        columns=columns)


def recourse_lines(recourse: pd.DataFrame) -> list[str]:
    """One line per plan and scenario that used its recourse: what fell short, summed."""
    lines = []
    for (plan, scenario), rows in recourse.groupby(["plan", "scenario"], sort=False):
        what = rows.groupby(["kind", "unit"], sort=False)["amount"].agg(["sum", "count"])
        lines.append(f"  {scenario} {PLAN_WORDS.get(plan, plan)}: " + "; ".join(
            f"{kind} {total:,.3g} {unit} over {int(n)} rows" for (kind, unit), (total, n)
            in what.iterrows()))
    return lines


def scenario_table(figures: pd.DataFrame) -> pd.DataFrame:
    """Per scenario (BJPY, from a figure table): probability, cost hedged, with perfect
    information, under the EV plan, regret, and the part of each that is recourse."""
    rows = figures.loc[figures["scenario"].fillna("") != ""]
    order = list(dict.fromkeys(rows["scenario"]))
    wide = rows.pivot(index="scenario", columns="figure", values="value_bjpy").reindex(order)
    probability = rows.drop_duplicates("scenario").set_index("scenario")["probability"]
    shown = [c for c in SCENARIO_FIGURES if c in wide.columns]
    return wide[shown].assign(probability=probability.reindex(order)).reset_index()[
        ["scenario", "probability", *shown]]


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
    if r.with_recourse:
        lines.append(f"  of RP and EEV, recourse penalties {f['RP recourse']:,.1f} and "
                     f"{f['EEV recourse']:,.1f} (VSS less them: "
                     f"{f['VSS'] - f['EEV recourse'] + f['RP recourse']:,.1f})")
    if r.eev_infeasible:
        lines.append("  The EV plan cannot be held in: " + ", ".join(r.eev_infeasible))
    lines += ["", scenario_table(figure_table(r)).to_string(
        index=False, float_format=lambda v: f"{v:,.1f}")]
    used = recourse_lines(recourse_table(r))
    if used:
        lines += ["", "Recourse used (shortfalls priced as penalties; recourse.csv, and "
                  "recourse_* in stochastic.csv in BJPY):", *used]
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
    with staged(folder / RECOURSE_FILE) as path:
        recourse_table(r).to_csv(path, index=False, float_format="%.10g")
    with staged(folder / SET_FILE) as path:
        path.write_text(json.dumps({
            "base": base, "decision_year": r.decision_year,
            "risk": {"weight": r.risk.weight, "alpha": r.risk.alpha},
            "recourse": r.with_recourse,
            "scenarios": [{"name": s.name, "probability": s.probability} for s in r.scenarios],
            "figures_bjpy": {FIGURE_NAMES[k]: v * BJPY_PER_MJPY
                             for k, v in r.figures().items()},
            "ev_plan_infeasible_in": r.eev_infeasible}, indent=2, default=str) + "\n")
    write_report(folder, folder / REPORT_FILE)
    return folder


def _scenario_solution(solution: Solution, built, probability: float) -> Solution:
    """The extensive form's solution as one scenario's: its duals divided by its
    probability (the objective weighs its costs by it), so MACs read as in a run."""
    rows = [c for t in built.cons.values() for c in t["con"]]
    duals = {c: solution.duals.get(c, np.nan) / probability for c in rows}
    return Solution(solution.status, solution.objective_mjpy, solution.is_mip,
                    solution.mip_gap, solution.mip_bound_mjpy, solution.mip_method, duals)


def find_stochastic(spec: str | Path, results: Path | None = None) -> Path | None:
    """The stochastic set folder `spec` names (a path, or a name under `results`)."""
    for folder in (Path(spec), *([Path(results) / spec] if results else [])):
        if (folder / SET_FILE).is_file() and (folder / TABLE_FILE).is_file():
            return folder
    return None


def scenario_runs(folder: Path) -> list[Path]:
    """The run folders of a stochastic set's scenarios under the hedged plan, in order."""
    names = [s["name"] for s in json.loads((folder / SET_FILE).read_text())["scenarios"]]
    return [folder / f"{w + 1:03d}-{name}" for w, name in enumerate(names)]


def write_report(folder: Path, out: Path) -> Path:
    """The set's HTML page, from its stored files."""
    with staged(out) as path:
        path.write_text(render(Path(folder)), encoding="utf-8")
    return out


def render(folder: Path) -> str:
    meta = json.loads((folder / SET_FILE).read_text())
    figures = pd.read_csv(folder / TABLE_FILE, keep_default_na=False,
                          na_values={"value_bjpy": [""]})
    plan = pd.read_csv(folder / PLAN_FILE)
    recourse = pd.read_csv(folder / RECOURSE_FILE) if (folder / RECOURSE_FILE).is_file() \
        else pd.DataFrame(columns=["plan", "scenario", *RECOURSE_COLUMNS])
    infeasible = meta.get("ev_plan_infeasible_in") or []
    used = recourse_lines(recourse)
    body = (f"<h2>Decided before the uncertainty resolves</h2><p>First stage: investment "
            f"decisions up to {meta['decision_year']}, the same in every scenario. RP is the "
            f"hedged plan's expected cost, WS the expected cost with perfect information, "
            f"EEV the expected cost of the expected-value problem's plan; VSS = EEV - RP, "
            f"EVPI = RP - WS.</p>"
            + _table(figures.loc[figures["scenario"] == ""].drop(columns=["scenario",
                                                                        "probability"]))
            + (f"<p>The EV plan cannot be held in: {html.escape(', '.join(infeasible))}"
               "</p>" if infeasible else "")
            + "<h2>Scenarios (BJPY)</h2>" + _table(scenario_table(figures))
            + ("<h2>Recourse used</h2><p>Shortfalls priced as penalties (recourse.csv):</p>"
               "<ul>" + "".join(f"<li>{html.escape(line.strip())}</li>" for line in used)
               + "</ul>" if used else "")
            + "<h2>The hedged first-stage plan beside the EV plan</h2>" + _table(plan))
    return _page("a two-stage stochastic plan", body, 0)
