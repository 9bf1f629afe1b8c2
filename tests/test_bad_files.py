"""Files that cannot be read as they are: each problem names the file, and the row and
column where the file has them (one test per kind of gap the input fuzzer found)."""
from __future__ import annotations

from pathlib import Path

import pytest

from decarb.errors import InputError
from decarb.inputs.cases import load_case
from decarb.inputs.loading import read_dataset
from tests.tiny import tiny_frames, tiny_settings, write_case

# tiny technologies.csv as write_case writes it: header, then old (row 1) and new (row 2)
HEADER, OLD, NEW = tiny_frames()["technologies"].to_csv(index=False).splitlines()


def problems(folder: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        read_dataset(folder)
    return [str(p) for p in info.value.problems]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_case(tmp_path / "data", tiny_frames(), tiny_settings())


def only(found: list[str], where: str) -> str:
    hits = [p for p in found if where in p]
    assert len(hits) == 1, found
    return hits[0]


def test_a_first_row_longer_than_the_header_is_an_error_not_an_index(data):
    # pandas alone reads "x,old,steel,..." under a 6-name header as index x plus six cells
    (data / "technologies.csv").write_text(f"{HEADER}\nx,{OLD}\n{NEW}\n")
    assert "Expected 6 fields in line 2, saw 7" in only(problems(data),
                                                        "technologies.csv, row 1:")


def test_every_row_longer_than_the_header_is_an_error(data):
    (data / "technologies.csv").write_text(f"{HEADER}\n{OLD},9\n{NEW},9\n")
    only(problems(data), "technologies.csv, row 1:")


def test_a_column_named_twice(data):
    (data / "technologies.csv").write_text(f"{HEADER},life_yr\n{OLD},40\n{NEW},30\n")
    message = only(problems(data), "technologies.csv, row 0, column 'life_yr':")
    assert "column 5 has this name too" in message


def test_a_blank_column_name(data):
    (data / "technologies.csv").write_text(f"{HEADER},\n{OLD},\n{NEW},\n")
    assert "a name in the header for column 7" in only(problems(data), "technologies.csv")


def test_a_required_table_with_a_header_only(data):
    (data / "technology_flows.csv").write_text(
        ",".join(tiny_frames()["technology_flows"].columns) + "\n")
    found = problems(data)
    assert "at least one data row" in only(found, "technology_flows.csv:")


def test_a_byte_that_is_not_utf8_is_named_by_row_and_column(data):
    # row 2 (new), fifth field: life_yr
    (data / "technologies.csv").write_bytes(f"{HEADER}\n{OLD}\n".encode()
                                            + b"new,steel,electrification,steel,3\xff0,2025\n")
    message = only(problems(data), "technologies.csv, row 2, column 'life_yr':")
    assert "0xff" in message and "UTF-8" in message


def test_a_byte_that_is_not_utf8_in_settings_is_named_by_line(data):
    settings = data / "settings.toml"
    settings.write_bytes(settings.read_bytes() + b"# caf\xe9\n")
    lines = settings.read_bytes().count(b"\n")
    assert "UTF-8" in only(problems(data), f"settings.toml, row {lines}:")


def test_a_case_file_names_the_line_of_bad_toml_and_bad_bytes(data):
    (data / "cases").mkdir()
    case = data / "cases" / "bad.toml"
    case.write_text('purpose = "x"\n\n[settings]\nmip_gap = = 0.1\n')
    [problem] = pytest.raises(InputError, load_case, case).value.problems
    assert str(problem).startswith(f"{case}, row 4:")
    case.write_bytes(b'purpose = "x"\n# \xff\n')
    [problem] = pytest.raises(InputError, load_case, case).value.problems
    assert str(problem).startswith(f"{case}, row 2:") and "UTF-8" in str(problem)


def test_a_programme_year_is_a_calendar_year(data):
    (data / "subsidies.csv").write_text("programme,rate,first_year,last_year\n"
                                        "gx,0.5,-2025,2030\n")
    (data / "subsidy_eligibility.csv").write_text("programme,technology\ngx,new\n")
    only(problems(data), "subsidies.csv, row 1, column 'first_year':")


def test_bad_toml_at_the_end_of_a_file_names_the_last_line(data):
    settings = data / "settings.toml"
    text = settings.read_text()
    settings.write_text(text + "mip_gap = 0.001")   # a repeated key, no newline after it
    lines = text.count("\n") + 1
    assert "end of document" in only(problems(data), f"settings.toml, row {lines}:")
