"""Policy case files: inheritance, each edit, and every kind of mistake, on the tiny case.

The tiny dataset (tests/tiny.py) has coal and electricity at 100 JPY/GJ at the
anchors 2025 and 2050, 1 Mt/yr of steel demand, and technologies `old` and `new`.
"""
import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from decarb.cli import main
from decarb.inputs.cases import case_toml, find_case, list_cases, load_case
from decarb.errors import InputError
from decarb.inputs.loading import read_dataset
from tests.tiny import frame, tiny_frames, tiny_settings, write_case

ROOT = Path(__file__).resolve().parent.parent
JAPAN = ROOT / "data" / "japan"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    # Model years 2025 and 2030; a subsidy programme for the edits to work on.
    folder = write_case(tmp_path / "tiny", tiny_frames(
        subsidies=frame([dict(programme="green", rate=0.5, first_year=2025, last_year=2030,
                              budget_bjpy_per_yr=10.0)]),
        subsidy_eligibility=frame([dict(programme="green", technology="new")])),
        tiny_settings())
    (folder / "cases").mkdir()
    return folder


def case_file(data: Path, name: str, text: str) -> Path:
    path = data / "cases" / f"{name}.toml"
    path.write_text(text)
    return path


def price(ds, commodity: str, year: int) -> float:
    p = ds.commodity_prices
    return float(p.loc[(p["commodity"] == commodity) & (p["year"] == year),
                       "price_jpy_per_unit"].iloc[0])


def test_inherited_edits_apply_base_first_then_the_child(data):
    case_file(data, "base", """
purpose = "dearer coal from 2025"
[settings]
discount_rate_private = 0.05
[tables.commodity_prices]
set = [{ commodity = "coal", year = 2025, price_jpy_per_unit = 200 }]
""")
    case_file(data, "child", """
purpose = "then every price halved, and new only from 2030"
inherits = "base"
[settings]
discount_rate_private = 0.06
[tables.commodity_prices]
scale = { price_jpy_per_unit = 0.5 }
[tables.demand]
scale = { demand_m_per_yr = 2 }
[tables.existing_capacity]
drop = [{ technology = "old", year = 2050 }]
set = [{ technology = "old", year = 2050, capacity_m_per_yr = 1.0 }]
[[availability]]
technologies = ["new"]
first_year = 2030
""")
    case = load_case(data / "cases" / "child.toml")
    assert case.files == (str(data / "cases" / "base.toml"), str(data / "cases" / "child.toml"))
    assert case.dataset == data.resolve()
    ds = read_dataset(case.dataset, case)
    assert ds.settings.discount_rate_private == 0.06          # the child wins
    # coal: 2025 set to 200 then halved = 100; 2050 halved = 50; 2030 interpolated
    # 100 + (50 - 100) * 5/25 = 90. Electricity is halved only: 50 in both years.
    assert price(ds, "coal", 2025) == pytest.approx(100.0)
    assert price(ds, "coal", 2030) == pytest.approx(90.0)
    assert price(ds, "electricity", 2030) == pytest.approx(50.0)
    assert ds.demand["demand_m_per_yr"].tolist() == [2.0, 2.0]
    # existing `old`: 2 Mt in 2025, the 2050 anchor replaced by 1 Mt: 2 - 1 * 5/25 = 1.8
    existing = ds.existing_capacity.set_index("year")["capacity_m_per_yr"]
    assert existing[2030] == pytest.approx(1.8)
    tech = ds.technologies.set_index("technology")["first_year"]
    assert tech["new"] == 2030 and tech["old"] == 2000
    assert case.resolved()["settings"] == {"discount_rate_private": 0.06}


def test_set_changes_only_the_given_columns_and_scale_keeps_blanks(data):
    case_file(data, "c", """
purpose = "rate and budget"
[tables.subsidies]
set = [{ programme = "green", rate = 0.75 }]
scale = { budget_bjpy_per_yr = 3 }
""")
    case = load_case(data / "cases" / "c.toml")
    row = read_dataset(case.dataset, case).subsidies.iloc[0]
    assert (row["rate"], row["budget_bjpy_per_yr"], row["last_year"]) == (0.75, 30.0, 2030)


def test_a_scale_row_multiplies_only_the_rows_it_matches(data):
    case_file(data, "c", """
purpose = "dearer coal"
[tables.commodity_prices]
scale = [{ commodity = "coal", price_jpy_per_unit = 1.5 }]
""")
    case = load_case(data / "cases" / "c.toml")
    ds = read_dataset(case.dataset, case)
    # coal 100 x 1.5 = 150 in both model years; electricity keeps its 100
    assert price(ds, "coal", 2030) == pytest.approx(150.0)
    assert price(ds, "electricity", 2030) == pytest.approx(100.0)


def test_a_written_case_reads_back_as_its_fragment(data):
    case_file(data, "base", 'purpose = "the base"\n')
    fragment = {"settings": {"discount_rate_social": 0.05},
                "tables": {"commodity_prices": {"scale": [
                    {"commodity": "coal", "year": np.int64(2050), "price_jpy_per_unit": 1.5}]}},
                "availability": [{"technologies": ["new"], "first_year": 2030}]}
    text = case_toml('a "quoted" purpose', "base", fragment)
    year = tomllib.loads(text)["tables"]["commodity_prices"]["scale"][0]["year"]
    assert year == 2050 and isinstance(year, int)   # numpy's whole number stays one
    case = case_file(data, "written", text)
    case = load_case(case)
    assert case.purpose == 'a "quoted" purpose'
    assert case.merged_settings()["discount_rate_social"] == 0.05
    ds = read_dataset(case.dataset, case)
    # the 2050 anchor of coal 100 x 1.5 = 150; 2030 lies 5/25 of the way from 2025's
    # unscaled 100: 100 + 0.2 x 50 = 110; 2025 keeps its 100
    assert price(ds, "coal", 2030) == pytest.approx(110.0)
    assert price(ds, "coal", 2025) == pytest.approx(100.0)


def test_an_unavailable_technology_cannot_be_built_in_the_horizon(data):
    case_file(data, "c", 'purpose = "no electrification"\n[[availability]]\n'
                         'pathway = "electrification"\n')
    case = load_case(data / "cases" / "c.toml")
    tech = read_dataset(case.dataset, case).technologies.set_index("technology")
    assert tech.loc["new", "first_year"] == 2031        # the horizon ends in 2030


@pytest.mark.parametrize("text, key, expected", [
    ('purpose = "x"\ninherit = "base"\n', "inherit", "did you mean 'inherits'"),
    ('purpose = "x"\ninherits = "nowhere"\n', "inherits", "a case in the same folder"),
    ('inherits = "fy"\n', "purpose", "a one-line purpose"),
    ('purpose = "x"\n[settings]\ndiscount_rate = 0.1\n', "discount_rate",
     "did you mean 'discount_rate_social'"),
    ('purpose = "x"\n[tables.subsidy]\nscale = { rate = 2 }\n', "tables.subsidy",
     "did you mean 'subsidies'"),
    ('purpose = "x"\n[tables.subsidies]\nset = [{ programme = "green", rat = 1 }]\n',
     "tables.subsidies.set[0].rat", "did you mean 'rate'"),
    ('purpose = "x"\n[tables.subsidies]\nset = [{ programme = "green", rate = 1.5 }]\n',
     "tables.subsidies.set[0].rate", "a number from 0 to 1"),
    ('purpose = "x"\n[tables.subsidy_eligibility]\n'
     'set = [{ programme = "green", technology = "steam" }]\n',
     "tables.subsidy_eligibility.set[0].technology", "a technology of technologies.csv"),
    ('purpose = "x"\n[tables.caps]\ndrop = [{ sector = "steel" }]\n', "tables.caps.drop[0]",
     "none matches"),
    ('purpose = "x"\n[tables.demand]\nscale = { commodity = 2 }\n',
     "tables.demand.scale.commodity", "a numeric column"),
    ('purpose = "x"\n[tables.demand]\nscale = [{ commodity = "steel" }]\n',
     "tables.demand.scale[0]", "at least one numeric column"),
    ('purpose = "x"\n[tables.demand]\nscale = [{ commodity = "gold", demand_m_per_yr = 2 }]\n',
     "tables.demand.scale[0]", "none matches"),
    ('purpose = "x"\n[[availability]]\ntechnologies = ["newer"]\n', "availability[0]",
     "technologies of technologies.csv"),
    ('purpose = "x"\n[[availability]]\npathway = "fusion"\n', "availability[0].pathway",
     "one of incumbent"),
])
def test_a_mistake_names_the_case_file_and_key(data, text, key, expected):
    path = case_file(data, "bad", text)
    with pytest.raises(InputError) as error:
        case = load_case(path)
        read_dataset(case.dataset, case)
    message = str(error.value)
    assert str(path) in message and f"'{key}'" in message and expected in message


def test_a_cycle_of_bases_is_an_error(data):
    case_file(data, "a", 'purpose = "a"\ninherits = "b"\n')
    case_file(data, "b", 'purpose = "b"\ninherits = "a"\n')
    with pytest.raises(InputError, match="a.toml -> b.toml -> a.toml"):
        load_case(data / "cases" / "a.toml")


def test_a_case_is_found_by_name_or_path_and_a_missing_one_is_named(data):
    path = case_file(data, "policy", 'purpose = "p"\n')
    assert find_case("policy", data) == path
    assert find_case(str(path), data) == path
    with pytest.raises(InputError, match="did you mean 'policy'"):
        find_case("polcy", data)


def test_the_cli_reports_a_bad_case_with_exit_code_2(data):
    case_file(data, "bad", 'purpose = "x"\n[tables.subsidies]\nscale = { rate = -1 }\n')
    result = CliRunner().invoke(main, ["run", "--data", str(data), "--case", "bad"])
    assert result.exit_code == 2
    assert "tables.subsidies.scale.rate" in result.output and "a factor >= 0" in result.output


# --- the cases shipped with the Japan dataset -------------------------------------

def japan(name: str):
    case = load_case(JAPAN / "cases" / f"{name}.toml")
    return read_dataset(case.dataset, case)


def test_every_shipped_case_has_a_purpose_and_validates():
    cases = list_cases(JAPAN)
    assert {"reference", "seed2021", "fy2024", "incentive_to_2030", "budget_doubled",
            "no_ccus", "gx_ets_ceiling"} <= set(cases)
    for name, purpose in cases.items():
        assert purpose and "\n" not in purpose, name
        japan(name)


def test_shipped_cases_change_what_their_purpose_says():
    base = japan("fy2024")
    reference = japan("reference")
    assert reference.caps.empty and reference.subsidies.empty
    assert reference.settings.tax_scheme == "none"
    assert set(reference.carbon_price["price_jpy_per_tco2"]) == {289.0}
    scheme = japan("incentive_to_2030").tax_schemes.set_index("scheme")
    assert scheme.loc["fy2024", "last_year"] == 2030
    doubled = japan("budget_doubled").subsidies["budget_bjpy_per_yr"]
    assert doubled.tolist() == pytest.approx((2 * base.subsidies["budget_bjpy_per_yr"]).tolist(),
                                             nan_ok=True)
    tranches = japan("budget_doubled").subsidy_budgets["budget_bjpy"]
    assert tranches.tolist() == pytest.approx((2 * base.subsidy_budgets["budget_bjpy"]).tolist())
    no_ccus = japan("no_ccus").technologies
    assert (no_ccus.loc[no_ccus["pathway"] == "ccus", "first_year"] > 2050).all()
    ceiling = japan("gx_ets_ceiling").carbon_price.set_index("year")["price_jpy_per_tco2"]
    assert (ceiling[2026], ceiling[2030]) == (4300.0, 4840.0)
    seed = japan("seed2021")
    assert seed.settings.tax_scheme == "seed2021"
    assert seed.tax_schemes.set_index("scheme").loc["seed2021", "first_year"] == 2024


def test_run_compare_and_report_a_case_from_the_cli(data, tmp_path):
    case_file(data, "cheap_power", 'purpose = "power at half price"\n'
              '[tables.commodity_prices]\nset = [{ commodity = "electricity", year = 2025, '
              'price_jpy_per_unit = 50 }, { commodity = "electricity", year = 2050, '
              'price_jpy_per_unit = 50 }]\n')
    store = tmp_path / "store"
    listed = CliRunner().invoke(main, ["cases", "--data", str(data)])
    assert "cheap_power  power at half price" in listed.output
    ran = CliRunner().invoke(main, ["run", "--data", str(data), "--case", "cheap_power",
                                    "--results", str(store), "--name", "first"])
    assert ran.exit_code == 0, ran.output
    meta = json.loads((store / "first" / "run.json").read_text())
    assert meta["run"]["name"] == "first" and meta["case"]["name"] == "cheap_power"
    assert meta["case"]["edits"][0]["key"] == "tables.commodity_prices.set[0]"
    # The case has a stored run of the same inputs: compare reuses it, so both columns
    # are the same run and every delta is 0.
    compared = CliRunner().invoke(main, ["compare", "first", "cheap_power", "--data",
                                         str(data), "--results", str(store),
                                         "--out", str(tmp_path / "kpis.csv")])
    assert compared.exit_code == 0, compared.output
    assert "cheap_power: stored run" in compared.output
    kpis = pd.read_csv(tmp_path / "kpis.csv")
    assert list(kpis.columns) == ["kpi", "sector", "unit", "store/first #1", "store/first #2",
                                  "delta store/first #2"]
    assert (kpis["delta store/first #2"].dropna() == 0).all()
    reported = CliRunner().invoke(main, ["report", "first", "--results", str(store)])
    assert reported.exit_code == 0 and (store / "first" / "report.html").is_file()
    # In a store without it, the case is run, once, however often it is named.
    fresh = CliRunner().invoke(main, ["compare", "cheap_power", "cheap_power", "--data",
                                      str(data), "--results", str(tmp_path / "other")])
    assert fresh.exit_code == 0, fresh.output
    assert fresh.output.count("ran into") == 1 and fresh.output.count("stored run") == 1
    missing = CliRunner().invoke(main, ["compare", "nothing", "--data", str(data),
                                        "--results", str(store)])
    assert missing.exit_code == 2 and "a run folder, a run name" in missing.output
