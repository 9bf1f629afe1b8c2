"""The command line: exit codes, messages, run folders written whole or not at all."""
import json

import pandas as pd
from click.testing import CliRunner

from decarb.cli import main
from tests.tiny import flat, frame, one_year, tiny_frames, write_case

RUN_FILES = {"emissions.csv", "production.csv", "investments.csv", "energy.csv",
             "materials.csv", "costs.csv", "levelised_costs.csv", "mac_curve.csv", "run.json"}


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_run_writes_a_complete_run_folder(tmp_path):
    data = write_case(tmp_path / "case", tiny_frames(), one_year())
    result = invoke("run", "--data", data, "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "run").iterdir()} == RUN_FILES
    meta = json.loads((tmp_path / "run" / "run.json").read_text())
    assert meta["solver"]["status"] == "optimal" and len(meta["input_hash"]) == 64
    # the cheap electrified route takes the whole 1 Mt/yr of demand
    production = pd.read_csv(tmp_path / "run" / "production.csv")
    assert production.set_index("technology").loc["new", "output_m_per_yr"] == 1.0
    assert "steel" in result.output and "2025" in result.output


def test_bad_input_exits_2_naming_file_row_and_column(tmp_path):
    frames = tiny_frames()
    frames["technologies"] = frames["technologies"].astype({"life_yr": object})
    frames["technologies"].loc[1, "life_yr"] = "thirty"
    data = write_case(tmp_path / "case", frames, one_year())
    result = invoke("run", "--data", data, "--out", tmp_path / "run")
    assert result.exit_code == 2
    assert "technologies.csv, row 2, column 'life_yr'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "run").exists()


def test_infeasible_case_exits_3_and_keeps_the_earlier_run(tmp_path):
    good = write_case(tmp_path / "good", tiny_frames(), one_year())
    assert invoke("run", "--data", good, "--out", tmp_path / "run").exit_code == 0
    before = (tmp_path / "run" / "production.csv").read_text()
    frames = tiny_frames(caps=frame(flat(sector="steel", cap_mtco2=0.4)))
    frames["technologies"]["first_year"] = [2000, 2100]      # no clean route before 2100
    bad = write_case(tmp_path / "bad", frames, one_year())
    result = invoke("run", "--data", bad, "--out", tmp_path / "run", "--replace")
    assert result.exit_code == 3
    assert "steel cannot meet the sector cap in 2025" in result.output
    assert "short by 0.600 Mt-CO2" in result.output
    assert (tmp_path / "run" / "production.csv").read_text() == before


def test_validate_reports_a_valid_dataset(tmp_path):
    data = write_case(tmp_path / "case", tiny_frames(), one_year())
    result = invoke("validate", "--data", data)
    assert result.exit_code == 0 and "valid" in result.output


def test_unwritable_run_folder_is_a_message_not_a_traceback(tmp_path):
    data = write_case(tmp_path / "case", tiny_frames(), one_year())
    (tmp_path / "blocker").write_text("a file where the run folder's parent should be")
    result = invoke("run", "--data", data, "--out", tmp_path / "blocker" / "run")
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "blocker" in result.output
