"""Loader and validator: each kind of bad input gives a problem naming file, row and column."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from decarb.inputs.datadoc import REGENERATE, render_data_reference
from decarb.errors import InputError, Problem
from decarb.inputs.loading import dataset_from_frames, parse_settings, read_dataset
from decarb.inputs.schema import TABLES
from tests.test_formulation import recovery_frames
from tests.tiny import tiny_frames, tiny_settings

ROOT = Path(__file__).resolve().parents[1]


def problems_of(frames: dict[str, pd.DataFrame], **settings) -> list[Problem]:
    with pytest.raises(InputError) as info:
        dataset_from_frames(frames, tiny_settings(**settings))
    return info.value.problems


def problem_at(problems: list[Problem], file: str, row: int | None, column: str | None,
               value: str | None = None) -> Problem:
    """The one problem about this cell, checked through its message as a user reads it."""
    parts = [re.escape(file), row is not None and rf"\brow {row}\b",
             column and re.escape(f"column '{column}'"),
             value is not None and re.escape(f"found {value!r}")]
    parts = [p for p in parts if p]
    found = [p for p in problems if all(re.search(part, str(p)) for part in parts)]
    assert len(found) == 1, f"no single problem with {parts} in {problems}"
    return found[0]


def edit(table: str, row: int, frames: dict | None = None, **values) -> dict:
    """tiny_frames() with cells of one data row (1-based) replaced."""
    frames = frames or tiny_frames()
    frame = frames[table].astype(object)
    for column, value in values.items():
        frame.loc[row - 1, column] = value
    return {**frames, table: frame}


def append(table: str, *rows: dict, frames: dict | None = None) -> dict:
    frames = frames or tiny_frames()
    base = frames.get(table, pd.DataFrame())
    return {**frames, table: pd.concat([base, pd.DataFrame(rows)], ignore_index=True)}


def with_technology(name: str, output: str, sector: str = "steel", frames: dict | None = None
                    ) -> dict:
    frames = append("technologies", dict(technology=name, sector=sector, pathway="incumbent",
                                         output=output, life_yr=30, first_year=2000),
                    frames=frames)
    return append("technology_costs", *[dict(technology=name, year=y, capex_jpy_per_unit_yr=1.0)
                                        for y in (2025, 2050)], frames=frames)


# --- valid input --------------------------------------------------------------------


def test_tiny_case_is_valid_typed_and_complete():
    ds = dataset_from_frames(tiny_frames(), tiny_settings())
    assert ds.demand["year"].tolist() == [2025, 2030]
    assert ds.demand["year"].dtype == "int64" and ds.technologies["life_yr"].dtype == "int64"
    assert ds.technologies["sector"].dtype == object
    assert ds.technologies["availability"].tolist() == [1.0, 1.0]       # default
    assert ds.technologies["unit_size_m_per_yr"].isna().all()           # optional, no default
    assert ds.existing_capacity["capacity_m_per_yr"].tolist() == [2.0, 2.0]
    assert ds.caps.empty and list(ds.caps.columns) == ["sector", "year", "cap_mtco2", "source"]
    assert ds.caps["year"].dtype == "int64" and ds.caps["cap_mtco2"].dtype == "float64"


def test_anchor_years_are_interpolated_to_model_years():
    frames = edit("demand", 2, demand_m_per_yr=6.0, source="B")
    ds = dataset_from_frames(edit("demand", 1, frames, source="A"), tiny_settings())
    assert ds.demand.set_index("year").loc[2030, "demand_m_per_yr"] == pytest.approx(
        1 + 5 * (5 / 25))
    assert ds.demand["source"].tolist() == ["A", "A"]   # the anchor at or before the year


def test_exponent_notation_is_a_valid_float():
    ds = dataset_from_frames(edit("sectors", 1, corporate_tax_bjpy_per_yr="1e3"),
                             tiny_settings())
    assert ds.sectors["corporate_tax_bjpy_per_yr"].tolist() == [1000.0]


def test_schema_int_columns_cannot_be_left_blank():
    # The loader casts int columns to int64, which a blank without default would break.
    assert all(c.required or c.default is not None
               for t in TABLES for c in t.columns if c.dtype == "int")


# --- one test per kind of bad input ---------------------------------------------------


def test_missing_required_file():
    frames = tiny_frames()
    del frames["demand"]
    problem_at(problems_of(frames), "demand.csv", None, None)


def test_missing_column():
    frames = tiny_frames()
    frames["demand"] = frames["demand"].drop(columns="demand_m_per_yr")
    problem_at(problems_of(frames), "demand.csv", 0, "demand_m_per_yr")


def test_unknown_column_suggests_the_closest_name():
    frames = tiny_frames()
    frames["sectors"] = frames["sectors"].rename(columns={"sme_share": "sme_shar"})
    problem = problem_at(problems_of(frames), "sectors.csv", 0, "sme_shar", "sme_shar")
    assert "did you mean 'sme_share'" in str(problem)


def test_blank_required_value():
    problems = problems_of(edit("technologies", 2, life_yr=None))
    assert len(problems) == 1
    problem_at(problems, "technologies.csv", 2, "life_yr")


def test_text_in_float_column():
    problems = problems_of(edit("sectors", 1, sme_share="half"))
    assert "a number" in str(problem_at(problems, "sectors.csv", 1, "sme_share", "half"))


def test_fraction_in_int_column():
    problems = problems_of(edit("technologies", 1, life_yr=2.5))
    assert "whole number" in str(problem_at(problems, "technologies.csv", 1, "life_yr", "2.5"))


def test_out_of_range():
    problems = problems_of(edit("sectors", 1, sme_share=1.5))
    assert "from 0 to 1" in str(problem_at(problems, "sectors.csv", 1, "sme_share", "1.5"))


def test_not_one_of_the_choices():
    problems = problems_of(edit("technologies", 2, pathway="electric"))
    problem = problem_at(problems, "technologies.csv", 2, "pathway", "electric")
    assert "electrification" in str(problem)


def test_unknown_reference():
    problems = problems_of(edit("technology_flows", 2, commodity="power"))
    problem = problem_at(problems, "technology_flows.csv", 2, "commodity", "power")
    assert "commodities.csv" in str(problem)


def test_technology_sector_must_exist():
    problems = problems_of(edit("technologies", 1, sector="cement"))
    problem_at(problems, "technologies.csv", 1, "sector", "cement")


def test_duplicate_key_names_both_rows():
    frames = append("technology_flows", dict(technology="old", commodity="coal", direction="in",
                                             amount_per_unit=9.0))
    problems = problems_of(frames)
    assert len(problems) == 1
    problem = problem_at(problems, "technology_flows.csv", 3, "technology, commodity, direction",
                         "old, coal, in")
    assert "row 1 has the same" in str(problem)


def test_missing_year_names_group_and_years():
    problems = problems_of(edit("demand", 1, year=2030))   # anchors 2030 and 2050 only
    assert len(problems) == 1
    problem = problem_at(problems, "demand.csv", 1, "year", "2030, 2050")
    assert "commodity 'steel'" in str(problem) and "missing: 2025" in str(problem)


def test_unknown_table_name_warns_with_suggestion():
    frames = {**tiny_frames(), "supply_limit": pd.DataFrame()}
    warnings = list(dataset_from_frames(frames, tiny_settings()).warnings)
    assert "did you mean 'supply_limits'" in str(problem_at(warnings, "supply_limit", None, None))


@pytest.mark.parametrize("seed, existing, warned", [(0.2, 0.0, True), (0.3, 0.0, False),
                                                     (0.2, 1.0, False)])
def test_a_unit_the_growth_limit_can_never_let_start_is_warned_of(seed, existing, warned):
    # `new` (row 2) in whole units of 0.3 Mt/yr, growing 0%/yr from a seed: below one
    # unit and with nothing standing, no unit ever fits; a seed of one unit, or existing
    # capacity to grow from, lets units start.
    frames = tiny_frames()
    frames["technologies"] = frames["technologies"].assign(
        unit_size_m_per_yr=[None, 0.3], max_growth_per_yr=[None, 0.0],
        growth_seed_m_per_yr=[0.0, seed])
    frames["existing_capacity"] = pd.concat([frames["existing_capacity"], pd.DataFrame(
        [dict(technology="new", year=2025, capacity_m_per_yr=existing)])])
    warnings = list(dataset_from_frames(frames, tiny_settings()).warnings)
    if warned:
        assert "never built" in str(problem_at(warnings, "technologies.csv", 2,
                                               "growth_seed_m_per_yr", "0.2"))
    else:
        assert not [w for w in warnings if w.column == "growth_seed_m_per_yr"]


def test_blank_rows_are_skipped_and_rows_keep_their_numbers():
    frames = tiny_frames()
    blank = pd.DataFrame([{c: None for c in frames["technologies"].columns}])
    technologies = pd.concat([frames["technologies"].iloc[:1], blank,
                              frames["technologies"].iloc[1:]], ignore_index=True)
    problems = problems_of(edit("technologies", 3, {**frames, "technologies": technologies},
                                life_yr="x"))
    assert len(problems) == 1
    problem_at(problems, "technologies.csv", 3, "life_yr", "x")


def test_all_problems_are_reported_at_once():
    problems = problems_of(edit("technologies", 2, edit("sectors", 1, sme_share="half"),
                                pathway="electric"))
    problem_at(problems, "sectors.csv", 1, "sme_share", "half")
    problem_at(problems, "technologies.csv", 2, "pathway", "electric")


# --- domain rules -----------------------------------------------------------------------

CEMENT = dict(sector="cement", corporate_tax_bjpy_per_yr=1.0, sme_share=0.0,
              certified_plans_per_yr=1.0, statutory_life_yr=10)
SCHEME = dict(scheme="gx", first_year=2025, last_year=2030, tax_rate=0.3,
              credit_cap_share=0.2, eligible_cap_bjpy_per_plan=50.0)
TIER = dict(scheme="gx", firm_size="all", min_gain=0.1, credit_rate=0.1, sd_rate=0.5)


def _without_co2() -> dict:
    frames = edit("technologies", 1, capture_rate=0.9)
    return {**frames, "commodities": frames["commodities"].iloc[:3]}


DOMAIN_CASES = {
    "product without sector": (lambda: edit("commodities", 1, sector=None),
                               "commodities.csv", 1, "sector", None),
    "heat without temperature": (lambda: append("commodities", dict(
        commodity="heat_low", kind="heat", unit="GJ", sector="steel")),
        "commodities.csv", 5, "temperature_max_c", None),
    "two co2 commodities": (lambda: append("commodities", dict(
        commodity="co2_b", kind="co2", unit="t-CO2")), "commodities.csv", 5, "kind", "co2"),
    "capture without co2 commodity": (_without_co2, "technologies.csv", 1, "capture_rate",
                                      "0.9"),
    "co2 not in t-CO2": (lambda: edit("commodities", 4, unit="t"), "commodities.csv", 4,
                         "unit", "t"),
    "product in t-CO2": (lambda: edit("commodities", 1, unit="t-CO2"), "commodities.csv", 1,
                         "unit", "t-CO2"),
    "demand for energy": (lambda: append("demand", *[dict(commodity="coal", year=y,
                                                          demand_m_per_yr=1.0)
                                                     for y in (2025, 2050)]),
                          "demand.csv", 3, "commodity", "coal"),
    "output of kind co2": (lambda: edit("technologies", 2, output="co2_captured"),
                           "technologies.csv", 2, "output", "co2_captured"),
    "output of another sector": (lambda: edit("technologies", 2, append("sectors", CEMENT),
                                              sector="cement"),
                                 "technologies.csv", 2, "output", "steel"),
    "co2 as by-product": (lambda: append("technology_flows", dict(
        technology="new", commodity="co2_captured", direction="out", amount_per_unit=0.1)),
        "technology_flows.csv", 3, "commodity", "co2_captured"),
    "own output as input": (lambda: append("technology_flows", dict(
        technology="new", commodity="steel", direction="in", amount_per_unit=0.1)),
        "technology_flows.csv", 3, "commodity", "steel"),
    "replaces another sector": (lambda: edit("technologies", 2, with_technology(
        "kiln", "clinker", "cement", append("commodities", dict(
            commodity="clinker", kind="product", unit="t", sector="cement"),
            frames=append("sectors", CEMENT))), replaces="kiln"),
        "technologies.csv", 2, "replaces", "kiln"),
    "replaces another unit": (lambda: edit("technologies", 2, with_technology(
        "boiler", "steam", frames=append("commodities", dict(
            commodity="steam", kind="heat", unit="GJ", sector="steel", temperature_max_c=200))),
        replaces="boiler"), "technologies.csv", 2, "replaces", "boiler"),
    "subsidy years reversed": (lambda: append("subsidies", dict(
        programme="g", rate=0.5, first_year=2030, last_year=2025)),
        "subsidies.csv", 1, "last_year", "2025"),
    "tax scheme years reversed": (lambda: append("tax_schemes", {**SCHEME, "last_year": 2020}),
                                  "tax_schemes.csv", 1, "last_year", "2020"),
    "tiers mixing all and large": (lambda: append("tax_tiers", TIER, {**TIER, "firm_size":
                                                                       "large"},
                                                  frames=append("tax_schemes", SCHEME)),
                                   "tax_tiers.csv", 1, "firm_size", "all, large"),
    "technology without costs": (lambda: {**tiny_frames(), "technology_costs":
                                          tiny_frames()["technology_costs"].iloc[:2]},
                                 "technologies.csv", 2, "technology", "new"),
}


@pytest.mark.parametrize("case", DOMAIN_CASES.values(), ids=DOMAIN_CASES.keys())
def test_domain_rule(case):
    build, file, row, column, value = case
    problems = problems_of(build())
    assert {(Path(p.file).name, p.column) for p in problems} == {(file, column)}, problems
    problem_at(problems, file, row, column, value)


def test_settings_tax_scheme_must_exist():
    problems = problems_of(tiny_frames(), tax_scheme="gx")
    problem_at(problems, "settings.toml", None, "tax_scheme", "gx")


def test_settings_tax_scheme_must_have_tiers():
    problems = problems_of(append("tax_schemes", SCHEME), tax_scheme="gx")
    problem_at(problems, "tax_tiers.csv", None, "scheme", "gx")


# --- settings -------------------------------------------------------------------------------

BAD_SETTINGS = {
    "unknown key": ({"start_yaer": 2025}, "start_yaer", "did you mean 'start_year'"),
    "text for an int": ({"start_year": "2025"}, "start_year", "a whole number"),
    "bool for an int": ({"year_step": True}, "year_step", "a whole number"),
    "int for a bool": ({"integer_units": 1}, "integer_units", "true or false"),
    "bad choice": ({"perspective": "public"}, "perspective", "private, social"),
    "out of range": ({"mip_gap": 2.0}, "mip_gap", "from 0 to 1"),
    "not finite": ({"time_limit_s": float("nan")}, "time_limit_s", "a finite number"),
    "start after end": ({"start_year": 2040, "end_year": 2030}, "end_year", "start_year"),
}


@pytest.mark.parametrize("case", BAD_SETTINGS.values(), ids=BAD_SETTINGS.keys())
def test_bad_setting(case):
    raw, column, expected = case
    with pytest.raises(InputError) as info:
        parse_settings(raw, "settings.toml")
    [problem] = info.value.problems
    assert "settings.toml" in str(problem) and f"column '{column}'" in str(problem)
    assert expected in str(problem)


def test_settings_take_ints_for_floats_and_default_the_rest():
    settings = parse_settings({"time_limit_s": 60, "perspective": "social"})
    assert settings.time_limit_s == 60.0 and isinstance(settings.time_limit_s, float)
    assert settings.perspective == "social" and settings.end_year == 2050


# --- reading files --------------------------------------------------------------------------

TINY_TOML = "start_year = 2025\nend_year = 2030\nyear_step = 5\n"


def write_case(folder: Path, frames: dict | None = None, toml: str = TINY_TOML) -> Path:
    for name, frame in (frames or tiny_frames()).items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    (folder / "settings.toml").write_text(toml)
    return folder


def test_read_dataset_equals_frames_and_hashes_inputs(tmp_path):
    ds = read_dataset(write_case(tmp_path))
    expected = dataset_from_frames(tiny_frames(), tiny_settings())
    pd.testing.assert_frame_equal(ds.technologies, expected.technologies)
    pd.testing.assert_frame_equal(ds.demand, expected.demand)
    assert ds.settings == expected.settings and len(ds.input_hash) == 64
    (tmp_path / "sectors.csv").write_text((tmp_path / "sectors.csv").read_text() + "\n")
    assert read_dataset(tmp_path).input_hash != ds.input_hash


def test_unreadable_csv(tmp_path):
    write_case(tmp_path)
    (tmp_path / "sectors.csv").write_text("sector,sme_share\nsteel,0.1\nsteel,0.1,9,9\n")
    problems = pytest.raises(InputError, read_dataset, tmp_path).value.problems
    problem = problem_at(problems, "sectors.csv", 2, None)
    assert "line 3" in str(problem)


def test_toml_syntax_error(tmp_path):
    write_case(tmp_path, toml="start_year = 2025\nend_year = = 2030\n")
    problems = pytest.raises(InputError, read_dataset, tmp_path).value.problems
    assert "valid TOML" in str(problem_at(problems, "settings.toml", 2, None))


def test_data_reference_is_current():
    current = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    assert current == render_data_reference(), f"docs/data.md is stale: run `{REGENERATE}`"


def test_a_recovery_steps_capex_needs_a_life():
    frames = tiny_frames(**recovery_frames(1.0, capex_jpy_per_unit_yr=1000.0))
    frames["heat_cascade"] = frames["heat_cascade"].drop(columns="life_yr")
    problem_at(problems_of(frames), "heat_cascade.csv", 1, "life_yr")
