"""Case files are written by a TOML library (any text escaped as TOML requires), text
from data files is printed without raw escape sequences, and TOML nested past any file
of ours is a clear error, not a RecursionError."""
from __future__ import annotations

import tomllib

import pytest
from click.testing import CliRunner

from decarb.cli import main
from decarb.errors import InputError
from decarb.inputs.cases import case_toml, load_case
from tests.tiny import one_year, tiny_frames, write_case

HOSTILE = "pay\x7fday \x1b[31mred\x1b[0m \u202eright-to-left \x00 end"


def test_a_case_file_with_any_text_in_its_purpose_is_valid_toml_read_back_whole(tmp_path):
    text = case_toml(HOSTILE, None, {"settings": {"discount_rate_social": 0.05}},
                     comment="line one\nline two")
    assert tomllib.loads(text)["purpose"] == HOSTILE       # the DEL too, escaped
    (tmp_path / "cases").mkdir()
    path = tmp_path / "cases" / "odd.toml"
    path.write_text(text)
    assert load_case(path).purpose == HOSTILE


@pytest.fixture
def data(tmp_path):
    folder = write_case(tmp_path / "tiny", tiny_frames(), one_year())
    (folder / "cases").mkdir()
    return folder


def test_text_from_data_is_printed_without_raw_escape_sequences(data):
    (data / "cases" / "odd.toml").write_text(f'purpose = "{HOSTILE.replace(chr(0), "")}"\n'
                                             .replace("\x1b", "\\u001b").replace("\x7f", "\\u007f"))
    listed = CliRunner().invoke(main, ["cases", "--data", str(data)])
    assert listed.exit_code == 0, listed.output
    assert "\x1b" not in listed.output and "\u202e" not in listed.output
    assert "\\x1b[31mred" in listed.output and "\\u202eright-to-left" in listed.output


@pytest.mark.parametrize("nested", ["a = " + "[" * 5000 + "]" * 5000,
                                    "a = " + "{b = " * 40 + "1" + "}" * 40])
def test_toml_nested_past_any_file_of_ours_is_a_clear_error(data, nested):
    (data / "cases" / "deep.toml").write_text(f'purpose = "deep"\n{nested}\n')
    result = CliRunner().invoke(main, ["run", "--data", str(data), "--case", "deep"])
    assert result.exit_code == 2, result.output
    assert "nested at most 16 levels deep" in result.output
    assert "Traceback" not in result.output
    listed = CliRunner().invoke(main, ["cases", "--data", str(data)])
    assert listed.exit_code == 0 and "unreadable" in listed.output
    with pytest.raises(InputError, match="nested"):
        load_case(data / "cases" / "deep.toml")
