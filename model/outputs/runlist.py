"""`decarb runs`: what the run store holds, with each run's headline figures.

Run records come from each run.json; the figures from one DuckDB scan per table
over every solved run (`compare.read_tables`), so listing thousands of runs
stays fast.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from decarb.outputs.compare import read_tables
from decarb.outputs.runstore import find_runs, read_meta

COLUMNS = ["run", "case", "status", "created", "last_year_mtco2", "private_npv_bjpy",
           "public_cost_bjpy", "seconds"]


def list_runs(results: Path) -> pd.DataFrame:
    """One row per run folder under `results`, oldest first."""
    folders = find_runs(results)
    rows = []
    for folder in folders:
        meta = read_meta(folder)
        run = meta.get("run", {})
        rows.append({"run": folder.relative_to(Path(results)).as_posix(),
                     "case": (meta.get("case") or {}).get("name", ""),
                     "status": run.get("status", "optimal"), "created": run.get("created", ""),
                     "seconds": sum(meta.get("times_s", {}).values())})
    table = pd.DataFrame(rows, columns=["run", "case", "status", "created", "seconds"])
    solved = [f for f, row in zip(folders, rows) if row["status"] == "optimal"]
    if solved:
        labels = [r["run"] for r in rows if r["status"] == "optimal"]
        table = table.merge(_figures(solved, labels), on="run", how="left")
    return table.reindex(columns=COLUMNS).sort_values(["created", "run"], ignore_index=True)


def _figures(folders: list[Path], labels: list[str]) -> pd.DataFrame:
    em = read_tables(folders, "emissions", labels)
    em = em.loc[em["sector"] == "all"]
    last = em.loc[em.groupby("run")["year"].idxmax(), ["run", "counted_mtco2"]]
    costs = read_tables(folders, "costs", labels)
    total = costs.loc[costs["component"] == "total"].set_index("run")
    # masks, not .loc on a (kind, component) index: one run would give a Series there
    totals = pd.DataFrame({
        "private_npv_bjpy": total.loc[total["kind"] == "cost", "private_npv_bjpy"],
        "public_cost_bjpy": total.loc[total["kind"] == "public", "public_cost_bjpy"]})
    totals.index.name = "run"
    return last.rename(columns={"counted_mtco2": "last_year_mtco2"}) \
        .merge(totals.reset_index(), on="run")


def format_runs(table: pd.DataFrame) -> str:
    if table.empty:
        return "No runs stored."
    return table.rename(columns={"last_year_mtco2": "Mt-CO2 last year",
                                 "private_npv_bjpy": "private NPV BJPY",
                                 "public_cost_bjpy": "public cost BJPY"}) \
        .fillna("").to_string(index=False, float_format=lambda v: f"{v:,.1f}")
