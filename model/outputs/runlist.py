"""`decarb runs`: what the run store holds, with each run's headline figures.

Run records come from each run.json; the figures from one DuckDB scan per table
over every solved run (`runfiles.scan`), so listing thousands of runs stays fast.
Every file read is checked (`runfiles`): a damaged run is listed as `damaged` with
its first problem, and the others are listed as they are.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from decarb.errors import InputError
from decarb.inputs.schema import SECTOR_ALL
from decarb.outputs.runfiles import check_folders, find_runs, read_meta, scan, status_of

COLUMNS = ["run", "case", "status", "created", "last_year_mtco2", "private_npv_bjpy",
           "public_cost_bjpy", "seconds", "problem"]
DAMAGED = "damaged"


def list_runs(results: Path) -> pd.DataFrame:
    """One row per run folder under `results`, oldest first; a damaged run's `problem`
    says what is wrong with it."""
    rows = []
    for folder in find_runs(results):
        row = {"run": folder.relative_to(Path(results)).as_posix(), "folder": folder}
        try:
            meta = read_meta(folder)
        except InputError as error:
            rows.append({**row, "status": DAMAGED, "problem": str(error.problems[0])})
            continue
        times = meta.get("times_s")
        rows.append({**row, "case": (meta.get("case") or {}).get("name", ""),
                     "status": status_of(meta), "created": meta.get("run", {}).get("created"),
                     "seconds": sum(v for v in times.values() if isinstance(v, (int, float)))
                     if isinstance(times, dict) else None})
    table = pd.DataFrame(rows, columns=["run", "folder", "case", "status", "created",
                                        "seconds", "problem"]).astype({"problem": object})
    solved = table.loc[table["status"] == "optimal"]
    if len(solved):
        figures, problems = _figures(solved["folder"].tolist())
        table = table.merge(figures.assign(run=solved["run"].to_numpy()[figures.index]),
                            on="run", how="left")
        for position, problem in problems.items():
            at = table["run"] == solved["run"].iloc[position]
            table.loc[at, ["status", "problem"]] = [DAMAGED, problem]
            table.loc[at, ["last_year_mtco2", "private_npv_bjpy", "public_cost_bjpy"]] = None
    return table.reindex(columns=COLUMNS).sort_values(["created", "run"], ignore_index=True,
                                                      na_position="first")


def _figures(folders: list[Path]) -> tuple[pd.DataFrame, dict[int, str]]:
    """Per solved folder (by position): the counted emissions of its last year, its
    private NPV and public cost; and the first problem of each damaged one (every
    result table is checked, not only the two read here)."""
    problems = {i: str(found[0]) for i, found in check_folders(folders).items()}
    em, costs = scan(folders, "emissions")[0], scan(folders, "costs")[0]
    em = em.loc[em["sector"] == SECTOR_ALL] if len(em) else em
    last = em.loc[em.groupby("_run")["year"].idxmax()] if len(em) else em
    total = costs.loc[costs["component"] == "total"] if len(costs) else costs
    figures = pd.DataFrame(index=pd.RangeIndex(len(folders)))
    if len(last):
        figures["last_year_mtco2"] = last.set_index("_run")["counted_mtco2"]
    if len(total):
        figures["private_npv_bjpy"] = total.loc[total["kind"] == "cost"] \
            .set_index("_run")["private_npv_bjpy"]
        figures["public_cost_bjpy"] = total.loc[total["kind"] == "public"] \
            .set_index("_run")["public_cost_bjpy"]
    return figures, problems


def format_runs(table: pd.DataFrame) -> str:
    if table.empty:
        return "No runs stored."
    shown = table.drop(columns="problem").rename(columns={
        "last_year_mtco2": "Mt-CO2 last year", "private_npv_bjpy": "private NPV BJPY",
        "public_cost_bjpy": "public cost BJPY"}).astype(object)
    text = shown.where(shown.notna(), "").to_string(
        index=False, formatters={c: _number for c in shown.columns[4:]})
    damaged = table.loc[table["status"] == DAMAGED]
    if len(damaged):
        text += f"\n\n{len(damaged)} damaged run(s), left out of the figures:" + "".join(
            f"\n  {row.run}: {row.problem}" for row in damaged.itertuples())
    return text


def _number(value: object) -> str:
    return f"{value:,.1f}" if isinstance(value, float) else str(value)
