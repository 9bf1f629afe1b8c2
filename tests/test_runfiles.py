"""Run folders are read through their schema: a damaged run is exit 2 naming its file, row
and column, never a traceback or a silently wrong figure; `decarb runs` marks it and lists
the rest; glob characters in run names are not expanded; a name that is both a stored
run and a case is an error that says how to name either."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from decarb.cli import main
from decarb.outputs.runfiles import read_tables
from tests.tiny import one_year, tiny_frames, write_case


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def solved(tmp_path_factory) -> tuple[Path, Path]:
    """The tiny dataset (with a case `policy`) and a run store holding one run `a`."""
    root = tmp_path_factory.mktemp("runfiles")
    data = write_case(root / "tiny", tiny_frames(), one_year())
    (data / "cases").mkdir()
    (data / "cases" / "policy.toml").write_text('purpose = "a case"\n')
    result = invoke("run", "--data", data, "--results", root / "store", "--name", "a")
    assert result.exit_code == 0, result.output
    return data, root / "store"


@pytest.fixture
def store(solved, tmp_path) -> Path:
    """A copy of the store to damage."""
    shutil.copytree(solved[1], tmp_path / "store")
    return tmp_path / "store"


def edit(file: Path, change) -> None:
    lines = file.read_text().splitlines()
    file.write_text("\n".join(change(lines)) + "\n")


@pytest.mark.parametrize("table, change, where", [
    # a row repeated: its emissions would be counted twice
    ("emissions", lambda l: l + [l[1]], "emissions.csv, row 3, column 'sector, year'"),
    # the public total missing: a public cost of 0 would be shown
    ("costs", lambda l: [x for x in l if not x.startswith("public,total")],
     "costs.csv, column 'public_cost_bjpy'"),
    ("emissions", lambda l: [l[0], l[1].replace("steel,2025,", "steel,2025,lots", 1)] + l[2:],
     "emissions.csv, row 1, column 'scope1_mtco2'"),
    ("emissions", lambda l: [l[0], l[1]], "emissions.csv, column 'sector'"),   # no `all`
    ("costs", lambda l: [l[0].replace("kind,", "")] + l[1:], "costs.csv, row 0, column 'kind'"),
    ("investments", lambda l: [l[0], l[1] + ",1,2,3"], "investments.csv"),
    ("production", lambda l: [], "production.csv"),
])
def test_a_damaged_table_is_exit_2_naming_file_row_and_column(solved, store, table, change,
                                                              where):
    data, _ = solved
    edit(store / "a" / f"{table}.csv", change)
    commands = [["report", "a"], ["export", store / "a", "--format", "csv"]]
    for command in commands + ([["compare", "a"]] if table != "production" else []):
        result = invoke(*command, "--results", store, "--data", data) \
            if command[0] != "export" else invoke(*command)
        assert result.exit_code == 2, result.output
        assert where in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("meta", ["{broken", "[]", '{"run": {"status": 7}}',
                                  '{"run": {"status": "optimal"}, "settings": {}}',
                                  '{"settings": {"year_step": 1.5}}'])
def test_a_damaged_run_json_is_named_and_runs_lists_the_others(solved, store, meta):
    data, _ = solved
    shutil.copytree(store / "a", store / "b")
    (store / "b" / "run.json").write_text(meta)
    result = invoke("compare", "b", "--results", store, "--data", data)
    assert result.exit_code == 2 and "b/run.json" in result.output, result.output
    listed = invoke("runs", "--results", store)
    assert listed.exit_code == 0, listed.output
    rows = {line.split()[0]: line for line in listed.output.splitlines()[1:3]}
    assert "optimal" in rows["a"] and "damaged" in rows["b"]
    assert "1 damaged run(s)" in listed.output and "b/run.json" in listed.output


def test_a_run_missing_a_model_year_of_a_sector_is_named(solved, store):
    data, _ = solved
    meta = json.loads((store / "a" / "run.json").read_text())
    meta["settings"]["end_year"] = 2030          # the tables hold 2025 only
    (store / "a" / "run.json").write_text(json.dumps(meta))
    result = invoke("compare", "a", "--results", store, "--data", data)
    assert result.exit_code == 2 and "missing: 2026, 2027" in result.output, result.output


@pytest.mark.parametrize("name", ["x*", "x?", "[x]"])
def test_glob_characters_in_a_run_name_read_that_run_only(solved, store, name):
    """Without quoting, `x*` would also read `xy`'s tables (and `[x]` would read `x`)."""
    for other in ("xy", "x", name):
        shutil.copytree(store / "a", store / other)
    costs = store / name / "costs.csv"
    edit(costs, lambda l: [l[0]] + [x.replace("cost,total,", "cost,total,123", 1)
                                    for x in l[1:]])
    own = pd.read_csv(costs)
    table = read_tables([store / name], "costs")
    assert len(table) == len(own)
    total = table.loc[(table["kind"] == "cost") & (table["component"] == "total")]
    assert total["private_npv_bjpy"].tolist() == own.loc[
        (own["kind"] == "cost") & (own["component"] == "total"), "private_npv_bjpy"].tolist()


def test_a_name_that_is_both_a_run_and_a_case_is_an_error_saying_how_to_name_each(solved,
                                                                                   store):
    data, _ = solved
    shutil.copytree(store / "a", store / "policy")
    result = invoke("compare", "policy", "--results", store, "--data", data)
    assert result.exit_code == 2, result.output
    assert "the run" in result.output and "the case" in result.output
    as_run = invoke("compare", store / "policy", "--results", store, "--data", data)
    assert as_run.exit_code == 0 and "stored run" in as_run.output, as_run.output
    as_case = invoke("compare", data / "cases" / "policy.toml", "--results", store,
                     "--data", data)
    assert as_case.exit_code == 0, as_case.output
