"""Faults: a run killed (SIGKILL) while it solves or while it writes leaves no run behind
and an earlier run untouched; the same inputs give the same result bytes; an output path
that cannot be written exits 1 naming it; a sweep with failed points exits non-zero."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from decarb.cli import main
from decarb.outputs.runstore import RESULT_TABLES, RUN_FILE
from decarb.workflow.sweep import exit_code
from tests.test_sweep import PRICES
from tests.tiny import flat, frame, one_year, tiny_frames, write_case

ROOT = Path(__file__).resolve().parents[1]

# Runs the CLI in a subprocess with a hook: `solve` touches the marker file as HiGHS
# starts; `write` writes the first result table into the run's staging folder, touches
# the marker and then hangs, so the test kills it half-way through writing.
DRIVER = """
import sys, time, pathlib
hook, marker = sys.argv[1], pathlib.Path(sys.argv[2])
if hook == "solve":
    import highspy
    run = highspy.Highs.run
    def run_marked(self, *args, **kwargs):
        marker.touch()
        return run(self, *args, **kwargs)
    highspy.Highs.run = run_marked
else:
    import pandas
    to_csv = pandas.DataFrame.to_csv
    def to_csv_then_hang(self, path, *args, **kwargs):
        to_csv(self, path, *args, **kwargs)
        if pathlib.Path(path).parent.name.startswith("."):   # the run store's staging
            marker.touch()
            time.sleep(600)
    pandas.DataFrame.to_csv = to_csv_then_hang
from decarb.cli import main
main(sys.argv[3:])
"""


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """A run store holding one solved run of the tiny case, `earlier`."""
    root = tmp_path_factory.mktemp("faults")
    data = write_case(root / "tiny", tiny_frames(), one_year())
    result = invoke("run", "--data", data, "--out", root / "store" / "earlier")
    assert result.exit_code == 0, result.output
    return root / "store"


def killed(hook: str, marker: Path, *args, after_s: float = 0.0) -> None:
    """Start `decarb ARGS` with the hook, SIGKILL it once the marker appears (plus
    `after_s`), and check that it was still running when killed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-c", DRIVER, hook, str(marker),
                                *map(str, args)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "the run never reached the marker"
            time.sleep(0.02)
        time.sleep(after_s)
        assert process.poll() is None, "the run ended before it could be killed"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL


def assert_store_holds_only_earlier(store: Path, before: dict[str, bytes]) -> None:
    assert contents(store / "earlier") == before
    listed = invoke("runs", "--results", store)
    assert listed.exit_code == 0, listed.output
    runs = [line.split()[0] for line in listed.output.splitlines()[1:]]
    assert runs == ["earlier"]


def test_a_run_killed_while_it_writes_leaves_no_run_and_the_earlier_one_intact(store,
                                                                               tmp_path):
    before = contents(store / "earlier")
    data = store.parent / "tiny"
    killed("write", tmp_path / "writing", "run", "--data", data, "--out", store / "earlier",
           "--replace")
    [staging] = [p for p in store.iterdir() if p.name.startswith(".earlier.") and p.is_dir()]
    assert len(list(staging.iterdir())) == 1 and not (staging / RUN_FILE).exists()
    # the half-written folder, named outright, is no run for compare (nor for report)
    result = invoke("compare", staging, "--results", tmp_path, "--data", data)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{staging}: expected a run folder" in result.output
    # the next start in the store clears what the killed writer left
    assert_store_holds_only_earlier(store, before)
    assert [p.name for p in store.iterdir()] == ["earlier"]
    # a later run of the same name replaces the earlier one whole
    assert invoke("run", "--data", data, "--out", store / "earlier", "--replace"
                  ).exit_code == 0
    assert set(contents(store / "earlier")) == set(before)


def test_a_run_killed_while_it_solves_leaves_nothing(store, tmp_path):
    before = contents(store / "earlier")
    # killed as HiGHS starts on the default case (its LP, roundings and fixed LP take
    # about a second together, so the run is still solving)
    killed("solve", tmp_path / "solving", "run", "--data", ROOT / "data" / "japan",
           "--out", store / "japan", after_s=0.05)
    assert not any(p.name.startswith((".japan", "japan")) for p in store.iterdir())
    assert_store_holds_only_earlier(store, before)


def test_the_same_inputs_give_the_same_result_bytes(tmp_path):
    # a MIP (new is built in units of 0.3 Mt/yr) with a cap and a carbon price
    frames = tiny_frames(caps=frame(flat(sector="steel", cap_mtco2=0.5)),
                         carbon_price=frame(flat(price_jpy_per_tco2=500.0)))
    frames["technologies"]["unit_size_m_per_yr"] = [None, 0.3]
    data = write_case(tmp_path / "tiny", frames, one_year())
    for name in ("one", "two"):
        assert invoke("run", "--data", data, "--out", tmp_path / name).exit_code == 0
    one, two = contents(tmp_path / "one"), contents(tmp_path / "two")
    assert {f"{t}.csv" for t in RESULT_TABLES} | {RUN_FILE} <= set(one)
    assert {k: v for k, v in one.items() if k != RUN_FILE} == \
        {k: v for k, v in two.items() if k != RUN_FILE}


@pytest.fixture
def blocker(tmp_path) -> Path:
    path = tmp_path / "blocker"
    path.write_text("a file, not a folder")
    return path


@pytest.mark.parametrize("command, out", [
    (("run", "--out"), "{blocker}"),                       # a file where a folder goes
    (("run", "--out"), "{blocker}/run"),                   # a path under a file
    (("compare", "earlier", "--out"), "{tmp}"),            # a folder where a file goes
    (("compare", "earlier", "--out"), "{blocker}/kpis.csv"),
    (("export", "{store}/earlier", "--format", "xlsx", "--out"), "{blocker}/run.xlsx"),
    (("export", "{store}/earlier", "--format", "csv", "--out"), "{blocker}"),
    (("report", "earlier", "--html"), "{blocker}/report.html"),
    (("report", "earlier", "--html"), "{tmp}"),
])
def test_an_output_that_cannot_be_written_exits_1_naming_it(store, tmp_path, blocker,
                                                           command, out):
    names = dict(blocker=blocker, tmp=tmp_path, store=store)
    out = out.format(**names)
    args = [c.format(**names) for c in command] + [out]
    if command[0] != "export":
        args += ["--data", store.parent / "tiny", "--results", store]
    result = invoke(*args)
    assert result.exit_code == 1, result.output
    assert f"Cannot write {out}" in result.output and "Traceback" not in result.output
    assert blocker.read_text() == "a file, not a folder"


def test_an_output_folder_without_permission_exits_1(store, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.access(locked, os.W_OK):
        pytest.skip("this user may write anywhere (root)")
    result = invoke("run", "--data", store.parent / "tiny", "--out", locked / "run")
    assert result.exit_code == 1
    assert f"Cannot write {locked / 'run'}: no permission to write in {locked}" \
        in result.output


def test_a_name_too_long_for_the_file_system_exits_1(store, tmp_path):
    out = tmp_path / ("x" * 300)
    result = invoke("run", "--data", store.parent / "tiny", "--out", out)
    assert result.exit_code == 1 and f"Cannot write {out}: File name too long" in result.output


def test_a_sweep_with_an_infeasible_point_exits_3_and_keeps_its_summary(tmp_path):
    # a cap of 0 cannot be met: electricity emits 0.1 t-CO2/GJ, counted by the cap
    frames = tiny_frames(caps=frame(flat(sector="steel", cap_mtco2=0.8)),
                         commodity_prices=PRICES)
    data = write_case(tmp_path / "tiny", frames, one_year())
    result = invoke("sweep", "--data", data, "--lever", "cap_scale=1,0", "--workers", 1,
                    "--results", tmp_path / "store", "--name", "caps")
    assert result.exit_code == 3, result.output
    summary = pd.read_csv(tmp_path / "store" / "caps" / "sweep.csv")
    assert summary["status"].tolist() == ["optimal", "infeasible"]


@pytest.mark.parametrize("statuses, code", [
    (["optimal", "optimal"], 0),
    (["optimal", "bad_input", "solver_failed", "infeasible"], 3),
    (["solver_failed", "bad_input"], 4),
    (["optimal", "bad_input"], 2),
    ([], 0),
])
def test_a_sweep_exits_by_the_worst_failure_kind(statuses, code):
    assert exit_code(pd.DataFrame({"status": statuses})) == code
