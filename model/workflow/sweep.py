"""Sweeps: one base case, a grid of lever values, one stored run per point.

Points are split into contiguous chunks, one per worker process or a Dask
task each. Workers start from a fork server that has imported the model once
(forking the caller itself could copy a HiGHS thread pool that no longer runs),
and end themselves when the sweep's process ends. A worker parses and checks the
dataset once (`loading.Reader`: a point's edits are applied to the parsed tables)
and keeps the model of the base case: a point that differs from the base only in
prices, caps, budgets, support or discount rates is changed in place and re-solved
from the base's solved state (see `resolve.Session`), so a point's tables do not
depend on the worker that solved it or on the points it solved before; other points
are built alone. A point that fails (infeasible, time limit) is stored as a failed
run with its reason and the sweep goes on. A sweep's folder is new (or empty): its
summary lists exactly the points stored in it. Each point's folder is written
atomically, and the summary table is rewritten atomically after every point, so an
interrupted sweep keeps what it finished.
"""
from __future__ import annotations

import json
import os
import select
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from decarb.workflow import levers
from decarb.inputs.cases import Case, derive
from decarb.errors import InfeasibleError, InputError, SolverError
from decarb.inputs.loading import Reader, read_dataset
from decarb.outputs.report import report_years
from decarb.solving.resolve import Session
from decarb.workflow.run import run_and_store
from decarb.outputs.atomic import staged
from decarb.outputs.runstore import Kind, check_destination, run_record, write_run

SUMMARY_FILE = "sweep.csv"
SWEEP = Kind("sweep", "sweep.json")
POINTS_PER_DASK_TASK = 4
FAILURES = {InputError: "bad_input", InfeasibleError: "infeasible", SolverError: "solver_failed"}
# the CLI's exit code when some point failed: infeasible first, as a sweep that probes
# caps expects it; then a solver failure; a point's bad input last (rare: checked up front)
FAILURE_EXITS = {status: error.exit_code for error, status in FAILURES.items()}
FAILURE_ORDER = ("infeasible", "solver_failed", "bad_input")


def point_cases(base: Case, points: list[dict[str, Any]]) -> list[Case]:
    """The case of each point: the base plus each lever's edits (validated here, so a
    bad value stops the sweep before anything runs)."""
    ds = read_dataset(base.dataset, base)
    cases = []
    for point in points:
        case = base
        for name, value in point.items():
            case = derive(case, f"--lever {name}={value}", levers.fragment(name, value, ds))
        cases.append(case)
    return cases


def run_sweep(base: Case, points: list[dict[str, Any]], folder: Path, workers: int = 0,
              scheduler: str | None = None,
              on_point: Callable[[dict], None] = lambda row: None,
              solver_log: bool = False) -> pd.DataFrame:
    """Run every point into `folder`; return the summary (also `folder/sweep.csv`).
    `solver_log` shows HiGHS's log."""
    folder = Path(folder).resolve()
    check_destination(folder, SWEEP)
    cases = point_cases(base, points)
    with staged(folder / SWEEP.record) as path:   # a second sweep of this name stops here
        path.write_text(json.dumps({"base": base.resolved(), "points": points}, indent=2,
                                   default=str) + "\n")
    return run_cases([(levers.label(p), case) for p, case in zip(points, cases)], folder,
                     workers, scheduler, on_point, solver_log, base)


def run_cases(labelled: list[tuple[str, Case]], folder: Path, workers: int = 0,
              scheduler: str | None = None,
              on_point: Callable[[dict], None] = lambda row: None,
              solver_log: bool = False, base: Case | None = None) -> pd.DataFrame:
    """Run validated cases as the points `NNN-<label>` of `folder`, in parallel as a sweep
    does, each that fits it in place in the model of `base` (`run_chunk`); return the
    summary (also `folder/sweep.csv`). `solver_log` shows HiGHS's log."""
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [(i, label, case) for i, (label, case) in enumerate(labelled, 1)]
    rows: list[dict] = []

    def collect(row: dict) -> None:
        rows.append(row)
        _write_summary(folder, rows)
        on_point(row)

    workers = workers or min(len(jobs), os.cpu_count() or 1)
    if scheduler:
        _on_dask(scheduler, jobs, folder, collect, solver_log, base)
    elif workers <= 1:
        run_chunk(jobs, folder, collect, solver_log, base)
    else:
        _on_processes(workers, jobs, folder, collect, solver_log, base)
    return _write_summary(folder, rows)


def run_chunk(jobs: list[tuple[int, str, Case]], folder: Path,
              report: Callable[[dict], None] | None = None,
              solver_log: bool = False, base: Case | None = None) -> list[dict]:
    """Run points in order (a worker's share of a sweep), each that fits it in the model
    of the `base` case, from its solved state (`Session`); `report` gets each point's
    summary row as it finishes."""
    reader = Reader()
    session = Session(solver_log, base and reader.read(base.dataset, base))
    rows = []
    for number, label, case in jobs:
        row = _run_point(number, label, case, folder, session, reader)
        rows.append(row)
        if report is not None:
            report(row)
    return rows


def _run_point(number: int, label: str, case: Case, folder: Path, session: Session,
               reader: Reader) -> dict:
    name = f"{number:03d}-{label}"
    t0 = time.perf_counter()
    record = {"run": f"{folder.name}/{name}", "point": number, "levers": label}
    try:
        ds = reader.read(case.dataset, case)
        _, result = run_and_store(ds, folder / name, record["run"], case, case.dataset,
                                  time.perf_counter() - t0, session)
    except (InputError, InfeasibleError, SolverError) as error:
        status = FAILURES[type(error)]
        meta = run_record(record["run"], status=status, reason=str(error),
                          case=case.resolved())
        write_run(folder / name, {}, meta)
        return {**record, "status": status, "reason": str(error),
                "shortfalls": shortfall_cell(error), "seconds": time.perf_counter() - t0}
    return {**record, "status": "optimal", "reason": "", "model": result.meta["solver"]["model"],
            **headline(result.tables, ds.settings.year_step, ds.years),
            "seconds": time.perf_counter() - t0}


def shortfall_cell(error: Exception) -> str:
    """The caps an infeasible point cannot meet, `who|cap|year` joined by `;` (year 0:
    the cumulative budget), for the summary table; blank for other failures."""
    return ";".join(f"{s.who}|{s.cap}|{s.year}"
                    for s in getattr(error, "shortfalls", ()))


def exit_code(summary: pd.DataFrame) -> int:
    """0 when every point solved, else the exit code of the first failure kind present in
    FAILURE_ORDER (3 infeasible, 4 solver failure, 2 bad input)."""
    failed = set(summary["status"]) if len(summary) else set()
    return next((FAILURE_EXITS[s] for s in FAILURE_ORDER if s in failed), 0)


def headline(tables: dict[str, pd.DataFrame], step: int, years: list[int]) -> dict[str, float]:
    """A point's row of the sweep summary: totals over all sectors."""
    em = tables["emissions"].loc[lambda t: t["sector"] == "all"].set_index("year")
    costs = tables["costs"].set_index(["kind", "component"])
    row = {f"emissions_{y}_mtco2": float(em.loc[y, "counted_mtco2"])
           for y in report_years(years)}
    row["cumulative_mtco2"] = float(em["total_mtco2"].sum() * step)
    row["capex_bjpy"] = float(tables["investments"]["capex_bjpy"].sum())
    row["private_npv_bjpy"] = float(costs.loc[("cost", "total"), "private_npv_bjpy"])
    row["social_npv_bjpy"] = float(costs.loc[("cost", "total"), "social_npv_bjpy"])
    row["public_cost_bjpy"] = float(costs.loc[("public", "total"), "public_cost_bjpy"])
    return row


def _write_summary(folder: Path, rows: list[dict]) -> pd.DataFrame:
    table = pd.DataFrame(rows)
    if not table.empty:
        table = table.sort_values("point", ignore_index=True)
    with staged(folder / SUMMARY_FILE, replace=True) as path:
        table.to_csv(path, index=False, float_format="%.10g")
    return table


def _on_processes(workers: int, jobs: list, folder: Path, collect: Callable,
                  solver_log: bool, base: Case | None) -> None:
    """Contiguous chunks, one per process; rows arrive through a queue as points finish.
    Each worker watches this process and ends itself when it is gone (killed), so no
    worker goes on writing points for a sweep nobody waits for."""
    chunks = [[jobs[i] for i in part] for part in np.array_split(range(len(jobs)), workers)
              if len(part)]
    context = get_context("forkserver")
    context.set_forkserver_preload(["decarb.workflow.run"])
    rows = context.SimpleQueue()
    with ProcessPoolExecutor(len(chunks), mp_context=context, initializer=_start_worker,
                             initargs=(os.getpid(), rows)) as pool:
        futures = [pool.submit(run_chunk, chunk, folder, _send_row, solver_log, base)
                   for chunk in chunks]
        done = 0
        while done < len(jobs):
            if not rows.empty():
                collect(rows.get())
                done += 1
            elif all(f.done() for f in futures):
                break
            else:
                time.sleep(0.05)
        for future in futures:
            future.result()   # a worker that died raises here


_rows: Any = None   # in a worker: the queue its rows go back by


def _start_worker(parent: int, rows: Any) -> None:
    """In a new worker: keep the row queue, and end the process once `parent` ends."""
    global _rows
    _rows = rows
    threading.Thread(target=_exit_after, args=(parent,), daemon=True).start()


def _send_row(row: dict) -> None:
    _rows.put(row)


def _exit_after(pid: int) -> None:
    """Wait for process `pid` to end (a pidfd where the system has one, else polling),
    then end this process at once: its points would be written for nobody."""
    try:
        handle = os.pidfd_open(pid)
        select.select([handle], [], [])
    except (AttributeError, OSError):   # no pidfd (not Linux), or `pid` is gone already
        while _alive(pid):
            time.sleep(0.5)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _on_dask(address: str, jobs: list, folder: Path, collect: Callable,
             solver_log: bool, base: Case | None) -> None:
    """Chunks of a few points as Dask tasks; workers must see the run store's folder."""
    from dask.distributed import Client, as_completed

    chunks = [jobs[i:i + POINTS_PER_DASK_TASK] for i in range(0, len(jobs),
                                                               POINTS_PER_DASK_TASK)]
    with Client(address) as client:
        futures = [client.submit(run_chunk, chunk, folder, None, solver_log, base, pure=False)
                   for chunk in chunks]
        for future in as_completed(futures):
            for row in future.result():
                collect(row)
