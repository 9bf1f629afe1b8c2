"""The support tables of a run folder are read through their schema: typed for compare,
report and export, and a damaged one is exit 2 naming its file, row and column."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from decarb.cli import main
from decarb.outputs.compare import compare_runs
from decarb.outputs.runfiles import read_run
from decarb.outputs.runstore import write_run
from tests.test_ccs_hubs import ccs_case
from tests.test_hydrogen_contracts import hydrogen_case
from tests.test_support_outputs import company_run
from tests.tiny import one_year, tiny_frames, tiny_settings, write_case


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """Runs `h2` (one hydrogen contract, test_hydrogen_contracts), `ccs` (two hubs,
    test_ccs_hubs) of the tiny case, and `plant` (a company's switch in plant mode,
    test_support_outputs)."""
    root = tmp_path_factory.mktemp("support_runs")
    for name, frames, settings in (
            ("h2", hydrogen_case(), one_year(hydrogen_contracts=True)),
            ("ccs", ccs_case(), one_year(ccs_hubs=True))):
        data = write_case(root / name, tiny_frames(**frames), settings)
        result = invoke("run", "--data", data, "--results", root / "store", "--name", name)
        assert result.exit_code == 0, result.output
    plant = company_run()
    write_run(root / "store" / "plant", plant.tables, plant.meta)
    return root / "store"


def test_the_support_tables_are_read_typed(store):
    # hand figures of the tests the runs come from: the contract's 0.3 PJ x 2,900 JPY/GJ;
    # the near hub full at 0.2 Mt; the company's 10 BJPY switch with 5.5 BJPY of support
    h2 = read_run(store / "h2").tables
    public = h2["public_costs"].set_index(["instrument", "programme", "year"])
    assert public.loc[("hydrogen_cfd", "k1", 2025), "public_cost_bjpy"] == pytest.approx(0.87)
    contract = h2["hydrogen_contracts"].iloc[0]
    assert (contract["full"], contract["bought_m_per_yr"]) == ("True", pytest.approx(0.3))
    near = read_run(store / "ccs").tables["ccs"].set_index("hub").loc["near"]
    assert (near["full"], near["stored_mtco2"]) == ("True", pytest.approx(0.2))
    company = read_run(store / "plant").tables["companies"].set_index("company").loc["A"]
    assert (company["capex_bjpy"], company["support_bjpy"]) == (pytest.approx(10.0),
                                                                 pytest.approx(5.5))


def damage(file: Path, column: str, value: str) -> None:
    table = pd.read_csv(file, dtype=str, keep_default_na=False)
    table.loc[0, column] = value
    table.to_csv(file, index=False)


@pytest.mark.parametrize("run, table, column, value", [
    ("h2", "public_costs", "public_cost_bjpy", "lots"),
    ("h2", "hydrogen_contracts", "full", "maybe"),
    ("ccs", "ccs", "stored_mtco2", "inf"),
    ("ccs", "ccs", "supported", "yes"),
    ("plant", "companies", "support_bjpy", ""),
])
def test_a_damaged_support_table_is_exit_2_naming_file_row_and_column(store, tmp_path, run,
                                                                      table, column, value):
    copy = shutil.copytree(store, tmp_path / "store")
    damage(copy / run / f"{table}.csv", column, value)
    where = f"{table}.csv, row 1, column '{column}'"
    for command in (["report", copy / run], ["export", copy / run, "--format", "csv"],
                    ["compare", copy / run]):
        result = invoke(*command)
        assert result.exit_code == 2, result.output
        assert where in result.output and "Traceback" not in result.output


def test_a_public_cost_row_twice_is_named(store, tmp_path):
    copy = shutil.copytree(store, tmp_path / "store")
    file = copy / "h2" / "public_costs.csv"
    lines = file.read_text().splitlines()
    file.write_text("\n".join(lines + lines[1:2]) + "\n")
    result = invoke("compare", copy / "h2")
    assert result.exit_code == 2
    assert "public_costs.csv, row" in result.output
    assert "column 'instrument, programme, year'" in result.output


def test_a_run_without_public_flows_pays_nothing_in_each_year(tmp_path):
    # The budget of 0.3 BJPY/yr pays 0.3 x 5 = 1.5 BJPY in the model year 2030 (every
    # subsidised build is worth it at 3/4); the reference run has no public flows and no
    # public_costs.csv: 0 in 2030, not a missing year.
    from tests.test_policy import subsidy

    settings = tiny_settings(end_year=2030, year_step=5)
    for name, frames in (("ref", {}), ("gx", subsidy(0.75, budget=0.3))):
        data = write_case(tmp_path / name, tiny_frames(**frames), settings)
        result = invoke("run", "--data", data, "--results", tmp_path / "store", "--name", name)
        assert result.exit_code == 0, result.output
    assert not (tmp_path / "store" / "ref" / "public_costs.csv").exists()
    table = compare_runs([tmp_path / "store" / "ref", tmp_path / "store" / "gx"])
    row = table.loc[(table["kpi"] == "public cost by instrument 2030")
                    & (table["sector"] == "all")]
    assert (row["ref"].iloc[0], row["gx"].iloc[0]) == (0.0, pytest.approx(1.5))
