"""The run store destroys nothing that is not its own: names are plain names, a folder is
replaced only when it is an earlier run (with --replace) or empty, two writers of one
name cannot overwrite each other, and a replacement killed half-way is put right on the
next start while a live writer's staging is left alone."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from decarb.cli import main
from decarb.errors import OutputError
from decarb.outputs import atomic
from decarb.outputs.runstore import RUN_FILE, write_run
from tests.tiny import one_year, tiny_frames, write_case

ROOT = Path(__file__).resolve().parents[1]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def listing(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder` (dot names too) and the bytes of each file."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return write_case(tmp_path_factory.mktemp("store") / "tiny", tiny_frames(), one_year())


@pytest.mark.parametrize("name", ["..", ".", "/tmp/elsewhere", "a/b", ".hidden", "tab\there",
                                  "x" * 256])
def test_a_name_that_is_not_plain_is_refused_before_anything_is_written(data, tmp_path,
                                                                        name):
    store = tmp_path / "deep" / "store"
    store.mkdir(parents=True)
    (tmp_path / "deep" / "keep.txt").write_text("mine")
    before = listing(tmp_path)
    for command in (["run"], ["sweep", "--lever", "carbon_price=0"],
                    ["uncertainty", "--samples", "2"]):
        result = invoke(*command, "--data", data, "--results", store, "--name", name)
        assert result.exit_code == 2, result.output
        assert "a plain name" in result.output
    assert listing(tmp_path) == before


def test_a_folder_that_is_not_a_run_is_never_replaced(data, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes")
    for extra in ([], ["--replace"]):
        result = invoke("run", "--data", data, "--out", mine, *extra)
        assert result.exit_code == 1, result.output
        assert "not a run folder" in result.output
    assert listing(mine) == {"notes.txt": b"my notes"}


def test_an_empty_folder_may_take_a_run(data, tmp_path):
    (tmp_path / "empty").mkdir()
    result = invoke("run", "--data", data, "--out", tmp_path / "empty")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "empty" / RUN_FILE).is_file()


def test_an_earlier_run_is_replaced_only_with_replace(data, tmp_path):
    store = tmp_path / "results"
    assert invoke("run", "--data", data, "--results", store, "--name", "a").exit_code == 0
    first = listing(store)
    refused = invoke("run", "--data", data, "--results", store, "--name", "a")
    assert refused.exit_code == 1 and "--replace" in refused.output
    assert listing(store) == first
    replaced = invoke("run", "--data", data, "--results", store, "--name", "a", "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert sorted(p.name for p in store.iterdir()) == ["a"]     # no staging left behind


@pytest.mark.parametrize("folder", [True, False])
def test_a_second_writer_of_one_name_cannot_overwrite_the_first(tmp_path, folder):
    """Both passed their checks while the name was free; the later one is refused."""
    target = tmp_path / ("run" if folder else "case.toml")

    def write(staging: Path, text: str) -> None:
        (staging / RUN_FILE if folder else staging).write_text(text)

    with pytest.raises(OutputError, match="exists"):
        with atomic.staged(target, folder=folder) as second:
            write(second, "second")
            with atomic.staged(target, folder=folder) as first:
                write(first, "first")
    assert (target / RUN_FILE if folder else target).read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_run_json_records_the_command_line_and_the_versions(data, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "decarb", "run", "--data", str(data),
                           "--name", "it"], cwd=tmp_path, env=env, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    meta = json.loads((tmp_path / "results" / "it" / RUN_FILE).read_text())
    assert meta["run"]["command"] == f"decarb run --data {data} --name it"
    assert set(meta["versions"]) >= {"decarb", "pyomo", "highspy", "pandas"}


def test_a_replacement_swaps_in_one_step_where_the_system_can(tmp_path, monkeypatch):
    target = tmp_path / "run"
    write_run(target, {}, {"run": {"name": "old"}})
    renamed = []
    real = os.rename
    monkeypatch.setattr(atomic.os, "rename", lambda a, b: (renamed.append(Path(a)),
                                                            real(a, b)))
    write_run(target, {}, {"run": {"name": "new"}}, replace=True)
    assert target not in renamed          # the earlier run was never moved out of place
    assert json.loads((target / RUN_FILE).read_text())["run"]["name"] == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


# Replaces run `a` with two renames (as where no exchange exists) and is killed between.
KILLED_MID_SWAP = """
import os, signal, sys
from pathlib import Path
from decarb.outputs import atomic
from decarb.outputs.runstore import write_run
atomic._exchange = lambda a, b: False
rename = os.rename
def rename_then_die(a, b):
    rename(a, b)
    if str(b).endswith(atomic.RETIRED):
        os.kill(os.getpid(), signal.SIGKILL)
atomic.os.rename = rename_then_die
write_run(Path(sys.argv[1]), {}, {"run": {"name": "new"}}, replace=True)
"""


def test_a_replacement_killed_between_its_renames_is_put_back_on_the_next_start(tmp_path):
    store = tmp_path / "results"
    write_run(store / "a", {}, {"run": {"name": "old", "status": "infeasible"}})
    before = listing(store / "a")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed = subprocess.run([sys.executable, "-c", KILLED_MID_SWAP, str(store / "a")],
                            env=env, capture_output=True)
    assert killed.returncode == -9, killed.stderr.decode()
    assert not (store / "a").exists()                      # caught between the renames
    listed = invoke("runs", "--results", store)
    assert listed.exit_code == 0, listed.output
    assert "put back" in listed.output and listing(store / "a") == before
    assert [p.name for p in store.iterdir()] == ["a"]      # the new run's staging is gone


def test_a_live_writers_staging_is_left_alone(tmp_path):
    with atomic.staged(tmp_path / "run", folder=True) as staging:
        (staging / "table.csv").write_text("x\n1\n")
        assert atomic.recover(tmp_path) == []
        assert (staging / "table.csv").is_file()
    assert (tmp_path / "run" / "table.csv").is_file()


def test_a_charts_folder_holding_other_files_is_not_replaced_by_a_report(data, tmp_path):
    store = tmp_path / "results"
    assert invoke("run", "--data", data, "--results", store, "--name", "a").exit_code == 0
    (tmp_path / "r_charts").mkdir()
    (tmp_path / "r_charts" / "thesis.tex").write_text("mine")
    result = invoke("report", store / "a", "--html", tmp_path / "r.html")
    assert result.exit_code == 1 and "other than" in result.output
    assert (tmp_path / "r_charts" / "thesis.tex").read_text() == "mine"


def test_a_run_in_the_current_folder_named_as_a_case_is_reached_by_dot_slash(
        tmp_path, monkeypatch):
    # A run folder `reference` beside a case `reference`: the plain name is refused with
    # the two paths that name each; `./reference` is the run, `cases/reference.toml` the case.
    from decarb.errors import InputError
    from decarb.workflow.commands import stored_run

    data = tmp_path / "data"
    (data / "cases").mkdir(parents=True)
    (data / "cases" / "reference.toml").write_text('purpose = "p"\n')
    run = tmp_path / "work" / "reference"
    run.mkdir(parents=True)
    (run / RUN_FILE).write_text("{}")
    monkeypatch.chdir(tmp_path / "work")
    with pytest.raises(InputError) as refused:
        stored_run("reference", data, tmp_path / "results")
    assert f".{os.sep}reference or {data / 'cases' / 'reference.toml'}" in str(refused.value)
    assert stored_run(f".{os.sep}reference", data, tmp_path / "results") == Path(
        f".{os.sep}reference")
    assert stored_run(str(data / "cases" / "reference.toml"), data,
                      tmp_path / "results") is None
