"""What the commands do with cases and runs: load a case, run it into the store, or
find a stored run that already answers it."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from decarb.inputs.cases import CASES_FOLDER, Case, dataset_case, find_case, load_case
from decarb.inputs.dataset import Dataset
from decarb.errors import InputError, Problem
from decarb.inputs.loading import read_dataset
from decarb.solving.resolve import Session
from decarb.workflow.run import RunResult, run_and_store, run_meta
from decarb.outputs.runfiles import find_runs, read_meta
from decarb.outputs.runstore import (RUN, RUN_FILE, check_destination, default_run_name,
                                    run_record, write_run)


@dataclass(frozen=True)
class Loaded:
    """A validated dataset, the case it came from (if any) and how long loading took."""

    ds: Dataset
    case: Case | None
    data: Path
    label: str          # the case name, or the dataset folder's name
    load_s: float


def base_case(data_dir: Path, case_spec: str | None) -> Case:
    """The case named (in `<data_dir>/cases/` or a file), or the dataset as a case."""
    return load_case(find_case(case_spec, data_dir)) if case_spec else dataset_case(data_dir)


def load(data_dir: Path, case_spec: str | None = None) -> Loaded:
    """The dataset of `data_dir`, or of a case (a name in `<data_dir>/cases/` or a file)."""
    t0 = time.perf_counter()
    if case_spec is None:
        ds = read_dataset(data_dir)
        return Loaded(ds, None, Path(data_dir), Path(data_dir).resolve().name,
                      time.perf_counter() - t0)
    case = base_case(data_dir, case_spec)
    ds = read_dataset(case.dataset, case)
    return Loaded(ds, case, case.dataset, case.name, time.perf_counter() - t0)


def run_loaded(loaded: Loaded, destination: Path, solver_log: bool = False,
               replace: bool = False, command: str | None = None,
               attribution: bool = False) -> tuple[Path, RunResult]:
    """Solve a loaded case into `destination`; with `attribution`, also solve it without
    each instrument in turn and store what each adds (attribution.csv)."""
    check_destination(destination, RUN, replace)   # before the solve, not after it
    session = Session(solver_log)

    def attributed(result: RunResult) -> dict:
        from decarb.workflow.attribution import attribute
        case = loaded.case or dataset_case(loaded.data)
        return {"attribution": attribute(case, loaded.ds, result, session)}
    return run_and_store(loaded.ds, destination, destination.name, loaded.case, loaded.data,
                         loaded.load_s, session, replace, command,
                         attributed if attribution else None)


def run_myopic_and_store(loaded: Loaded, destination: Path, foresight: int, step: int,
                         replace: bool = False, command: str | None = None
                         ) -> tuple[Path, RunResult]:
    """`run_myopic` on the loaded case; its run folder (with `foresight.csv`)."""
    from decarb.workflow.foresight import run_myopic

    check_destination(destination, RUN, replace)
    t0 = time.perf_counter()
    myopic = run_myopic(loaded.ds, foresight, step)
    meta = {**run_record(destination.name, case=loaded.case.resolved() if loaded.case
                         else None, command=command),
            **run_meta(loaded.ds, myopic.solution, {"myopic": time.perf_counter() - t0}),
            "foresight": {"years": foresight, "step": step,
                          "perfect_foresight_objective_mjpy": myopic.perfect_objective_mjpy}}
    result = RunResult(myopic.built, myopic.solution, myopic.tables, meta)
    return write_run(destination, myopic.tables, meta, replace), result


def stored_or_run(specs: list[str], data_dir: Path, results: Path, solver_log: bool = False,
                  attribution: bool = False) -> list[tuple[Path, bool]]:
    """A run folder for each spec (`stored_run` says which it names): a run, or a case.

    A case reuses the newest stored optimal run of the same name and input hash (the
    hash covers the dataset files and the resolved case), and with `attribution` one
    that has its attribution table; it is run otherwise. Each answer says whether it
    was run now. The store is indexed once for all specs.
    """
    answers: list[tuple[Path, bool]] = []
    stored: dict[tuple[str, str], Path] | None = None
    for spec in specs:
        folder = stored_run(spec, data_dir, results)
        if folder is not None:
            answers.append((folder, False))
            continue
        try:
            loaded = load(data_dir, spec)
        except InputError as error:
            raise InputError([Problem(spec, None, None, "", "a run folder, a run name under "
                                      f"{results}, or a case")] + error.problems) from None
        stored = _solved_cases(results, attribution) if stored is None else stored
        key = (loaded.label, loaded.ds.input_hash)
        if key in stored:
            answers.append((stored[key], False))
            continue
        stored[key], _ = run_loaded(loaded, Path(results) / default_run_name(loaded.label),
                                    solver_log, attribution=attribution)
        answers.append((stored[key], True))
    return answers


def stored_run(spec: str, data_dir: Path, results: Path) -> Path | None:
    """The run folder `spec` names, or None when it names a case.

    The rule: a spec with a path separator as written (`./NAME` too), or ending in
    .toml, is a path (a run folder, or a case file). A plain name is a run folder in the
    current folder or a run of the store (`results/NAME`), or a case of the dataset
    (`<data>/cases/NAME.toml`); a name that is both a run and a case is an error that
    says how to name either one."""
    path = Path(spec)
    if any(sep in spec for sep in {"/", os.sep}) or path.suffix == ".toml":
        return path if (path / RUN_FILE).is_file() else None
    runs = list(dict.fromkeys(f.resolve() for f in (path, Path(results) / spec)
                              if (f / RUN_FILE).is_file()))
    case = Path(data_dir) / CASES_FOLDER / f"{spec}.toml"
    if runs and case.is_file() or len(runs) > 1:
        named = {f: (f".{os.sep}{spec}" if f == path.resolve() else str(Path(results) / spec))
                 for f in runs}
        if case.is_file():
            named[case] = str(case)
        raise InputError([Problem(spec, None, None, spec, "a name that is one thing: it is "
                                  + " and ".join(f"the {'case' if f == case else 'run'} {f}"
                                                 for f in named)
                                  + "; give a path to the one you mean: "
                                  + " or ".join(named.values()))])
    return runs[0] if runs else None


def _solved_cases(results: Path, attribution: bool = False) -> dict[tuple[str, str], Path]:
    """(case name, input hash) -> the newest optimal run of it in the store (with its
    attribution table, when asked)."""
    newest: dict[tuple[str, str], tuple[str, Path]] = {}
    for folder in find_runs(results):
        meta = read_meta(folder)
        run, case = meta.get("run") or {}, meta.get("case") or {}
        if run.get("status") != "optimal" or "name" not in case:
            continue
        if attribution and not (folder / "attribution.csv").is_file():
            continue
        key = (case["name"], meta.get("input_hash", ""))
        if key not in newest or run["created"] > newest[key][0]:
            newest[key] = (run["created"], folder)
    return {key: folder for key, (_, folder) in newest.items()}
