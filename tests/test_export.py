"""Exports of a run folder (CSV, Excel, IAMC), checked on tiny runs solved by hand.

`capped`: one model year, the 0.4 Mt-CO2 cap forces 0.6 Mt/yr of `new` at
20,000 JPY/(t/yr): capex 0.6e6 t/yr x 20,000 JPY = 12 BJPY (tests/test_formulation.py).
`supported`: new half-subsidised by `gx` with a 10% credit on the net base takes the
whole 1 Mt/yr: capex 20 BJPY, subsidy 10, credit 0.10 x 10 = 1 BJPY (tests/test_policy.py).
"""
import math
from importlib.metadata import version

import pandas as pd
import pytest
from openpyxl import load_workbook

from decarb.errors import InputError, OutputError
from decarb.outputs.export import FORMATS, column_header, export_run, iamc_table, split_unit
from decarb.outputs.runstore import write_run
from tests.test_formulation import CAP_04, EXPENSIVE, MAC
from tests.test_policy import scheme, subsidy
from tests.tiny import frame, one_year, solve_tiny, tiny_settings

SHEETS = ["investment_schedule", "emissions", "production", "energy", "costs", "materials",
          "levelised_costs", "mac_curve", "public_costs", "run"]
IAMC_COLUMNS = ["Model", "Scenario", "Region", "Variable", "Unit", "Year", "Value"]
KEY_COLUMNS = {"year", "sector", "technology", "product", "kind", "unit", "commodity",
               "component", "tax_incentive"}


def write(folder, result):
    return write_run(folder, result.tables, result.meta)


@pytest.fixture(scope="module")
def capped(tmp_path_factory):
    r = solve_tiny(caps=CAP_04, technology_costs=frame(EXPENSIVE))
    return write(tmp_path_factory.mktemp("capped") / "run", r)


@pytest.fixture(scope="module")
def supported(tmp_path_factory):
    changes = scheme()
    changes.update(subsidies=subsidy(0.5)["subsidies"],
                   subsidy_eligibility=subsidy(0.5)["subsidy_eligibility"])
    r = solve_tiny(one_year(tax_scheme="cn"), **changes)
    return write(tmp_path_factory.mktemp("supported") / "run", r)


def value(table, variable, year=2025):
    rows = table.loc[(table["Variable"] == variable) & (table["Year"] == year), "Value"]
    assert len(rows) == 1, f"{variable} {year}: {len(rows)} rows"
    return float(rows.iloc[0])


def check_aggregates(table):
    """Each variable with children equals their sum in every year it is reported, and
    has children reported that year (as pyam's check_aggregate demands). The marginal
    abatement cost is a price, not a sum."""
    names = set(table["Variable"])
    checked = 0
    for parent in names:
        children = {n for n in names
                    if n.startswith(parent + "|") and n.count("|") == parent.count("|") + 1}
        if not children or parent.startswith("Marginal Abatement Cost"):
            continue
        total = table.loc[table["Variable"] == parent].set_index("Year")["Value"]
        parts = table.loc[table["Variable"].isin(children)].groupby("Year")["Value"].sum()
        assert total.to_dict() == pytest.approx(parts.reindex(total.index).to_dict()), parent
        checked += 1
    return checked


# --- units in headers ----------------------------------------------------------------

@pytest.mark.parametrize("column, header", [
    ("capex_bjpy", "capex [BJPY]"), ("new_capacity_m_per_yr", "new capacity [M unit/yr]"),
    ("mac_jpy_per_tco2", "mac [JPY/t-CO2]"), ("scope1_mtco2", "scope1 [Mt-CO2/yr]"),
    ("use_pj_per_yr", "use [PJ/yr]"), ("subsidy_gx_steel_bjpy", "subsidy gx steel [BJPY]"),
    ("private_npv_bjpy", "private npv [BJPY]"), ("tax_incentive", "tax incentive"),
    ("year", "year")])
def test_column_header_names_the_unit_of_the_suffix(column, header):
    assert column_header(column) == header


def test_an_unknown_suffix_has_no_unit():
    assert split_unit("output_gj") == ("output gj", "")


def test_every_column_of_a_run_is_a_key_or_has_a_unit(capped, supported):
    for run in (capped, supported):
        for table in ("investments", "emissions", "production", "energy", "costs",
                      "materials"):
            for column in pd.read_csv(run / f"{table}.csv", nrows=0).columns:
                assert column in KEY_COLUMNS or split_unit(column)[1], (table, column)


# --- csv and xlsx --------------------------------------------------------------------

def test_csv_export_copies_the_tables_schedule_first_with_the_run_metadata(supported):
    out = export_run(supported, "csv")
    assert out == supported / "export-csv"
    assert {p.name for p in out.iterdir()} == {f"{s}.csv" for s in SHEETS}
    assert (out / "investment_schedule.csv").read_bytes() == \
        (supported / "investments.csv").read_bytes()
    meta = pd.read_csv(out / "run.csv").set_index("key")["value"]
    assert meta["name"] == "run" and meta["status"] == "optimal"


def test_xlsx_holds_the_csv_numbers_under_unit_headers(supported, tmp_path):
    out = export_run(supported, "xlsx", tmp_path / "plan.xlsx")
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == SHEETS
    for sheet, table in zip(SHEETS, ["investments", "emissions", "production", "energy",
                                     "costs"]):
        csv = pd.read_csv(supported / f"{table}.csv")
        pd.testing.assert_frame_equal(sheets[sheet], csv.rename(columns=column_header),
                                      check_dtype=False)
    schedule = sheets["investment_schedule"].iloc[0]
    assert schedule["capex [BJPY]"] == pytest.approx(20.0)
    assert schedule["subsidy gx [BJPY]"] == pytest.approx(10.0)
    assert schedule["tax benefit [BJPY]"] == pytest.approx(1.0)
    assert schedule["net capex [BJPY]"] == pytest.approx(9.0)
    assert schedule["tax incentive"] == "credit"
    run = sheets["run"].set_index("key")["value"]
    assert run["name"] == "run" and run["status"] == "optimal"
    assert run["settings.tax_scheme"] == "cn" and run["settings.year_step"] == 1


def test_xlsx_header_is_frozen_numbers_are_numbers_and_columns_fit(supported, tmp_path):
    book = load_workbook(export_run(supported, "xlsx", tmp_path / "plan.xlsx"))
    for sheet in book:
        assert sheet.freeze_panes == "A2"
        for cell in sheet[1]:
            width = sheet.column_dimensions[cell.column_letter].width
            assert len(cell.value) < width <= 50, (sheet.title, cell.value)
    schedule = book["investment_schedule"]
    headers = [c.value for c in schedule[1]]
    capex = schedule.cell(2, headers.index("capex [BJPY]") + 1)
    assert capex.data_type == "n" and capex.value == 20
    assert book["emissions"]["J1"].value == "mac [JPY/t-CO2]"


# --- iamc ----------------------------------------------------------------------------

def test_iamc_table_keeps_the_column_contract(capped):
    """pyam is too heavy a test dependency, so the contract its IamDataFrame reads is
    checked directly: exactly these columns in this order, one row per variable and
    year, every value a finite number."""
    table = iamc_table(capped)
    assert list(table.columns) == IAMC_COLUMNS
    assert not table.duplicated(["Variable", "Year"]).any()
    assert all(math.isfinite(v) for v in table["Value"])
    assert set(table["Model"]) == {f"decarb {version('decarb')}"}
    assert set(table["Scenario"]) == {"run"}          # no case: the run folder's name
    assert set(table["Region"]) == {"Japan"}
    assert set(iamc_table(capped, region="JPN")["Region"]) == {"JPN"}


def test_iamc_values_of_the_capped_case_by_hand(capped):
    t = iamc_table(capped)
    assert value(t, "Investment|Industry|Steel") == pytest.approx(12.0)   # BJPY in 2025
    assert value(t, "Investment|Industry|Steel|new") == pytest.approx(12.0)
    assert value(t, "Investment|Industry") == pytest.approx(12.0)
    assert value(t, "Emissions|CO2|Industry|Steel") == pytest.approx(0.4)
    assert value(t, "Emissions|CO2|Industry|Steel|Direct") == pytest.approx(0.4)
    assert value(t, "Emissions|CO2|Industry|Steel|Indirect") == pytest.approx(0.0)
    assert value(t, "Production|Industry|Steel|old") == pytest.approx(0.4)
    # old burns 10 GJ coal per t: 0.4 Mt -> 4 PJ; new 1 GJ power per t: 0.6 PJ
    assert value(t, "Final Energy|Industry|Steel|Coal") == pytest.approx(4.0)
    assert value(t, "Final Energy|Industry|Steel|Electricity") == pytest.approx(0.6)
    assert value(t, "Marginal Abatement Cost|Industry|Steel") == pytest.approx(MAC, rel=1e-6)
    # no economy-wide cap: its MAC is blank in emissions.csv, so not reported
    assert "Marginal Abatement Cost|Industry" not in set(t["Variable"])
    units = t.drop_duplicates("Variable").set_index("Variable")["Unit"]
    assert units["Investment|Industry|Steel"] == "billion JPY/yr"
    assert units["Emissions|CO2|Industry"] == "Mt CO2/yr"
    assert units["Production|Industry|Steel|new"] == "Mt/yr"
    assert units["Final Energy|Industry"] == "PJ/yr"
    assert units["Marginal Abatement Cost|Industry|Steel"] == "JPY/t CO2"
    assert check_aggregates(t) >= 8


def test_iamc_subsidy_by_programme_and_tax_benefit(supported):
    t = iamc_table(supported)
    assert value(t, "Investment|Industry|Steel") == pytest.approx(20.0)
    assert value(t, "Subsidy|Industry|Steel|gx") == pytest.approx(10.0)
    assert value(t, "Subsidy|Industry|Steel") == pytest.approx(10.0)
    assert value(t, "Subsidy|Industry") == pytest.approx(10.0)
    assert value(t, "Tax Benefit|Industry|Steel") == pytest.approx(1.0)
    check_aggregates(t)


def test_investment_is_per_calendar_year_when_a_model_year_stands_for_five(tmp_path):
    # 2025 and 2030, five years apart: the 0.6 Mt/yr built for 2025 still stands in
    # 2030, so the period 2025-29 spends 12 BJPY (2.4 a year) and 2030-34 nothing.
    r = solve_tiny(tiny_settings(), caps=CAP_04, technology_costs=frame(EXPENSIVE))
    t = iamc_table(write(tmp_path / "run", r))
    assert value(t, "Investment|Industry|Steel|new") == pytest.approx(12.0 / 5)
    assert value(t, "Investment|Industry|Steel") == pytest.approx(12.0 / 5)
    assert not (t["Variable"].str.startswith("Investment|") & (t["Year"] == 2030)).any()


def hand_made_run(folder):
    """Two sectors, two years; numbers chosen so each total is easy to check."""
    emissions = pd.DataFrame({
        "sector": ["steel", "other_manufacturing", "all"] * 2,
        "year": [2025] * 3 + [2030] * 3,
        "scope1_mtco2": [3.0, 1.0, 4.0, 2.0, 0.5, 2.5],
        "scope2_mtco2": [1.0, 2.0, 3.0, 0.5, 1.0, 1.5],
        "captured_mtco2": [0.0, 0.0, 0.0, 1.0, 0.0, 1.0]})
    emissions["total_mtco2"] = emissions["scope1_mtco2"] + emissions["scope2_mtco2"]
    emissions = emissions.assign(counted_mtco2=emissions["total_mtco2"], cap_mtco2=None,
                                 mac_jpy_per_tco2=[100.0, None, None, 200.0, None, 150.0])
    investments = pd.DataFrame({
        "year": [2025, 2025, 2025, 2030], "sector": ["steel", "steel", "other_manufacturing",
                                                     "steel"],
        "technology": ["eaf", "h2_dri", "heat_pump", "eaf"],
        "new_capacity_m_per_yr": [1.0, 2.0, 3.0, 1.0], "capex_bjpy": [10.0, 40.0, 6.0, 10.0],
        "subsidy_gx_bjpy": [5.0, 20.0, 0.0, 0.0], "subsidy_saving_bjpy": [0.0, 0.0, 2.0, 0.0],
        "tax_incentive": ["none", "credit", "none", "none"],
        "tax_benefit_bjpy": [0.0, 2.0, 0.0, 0.0]})
    investments["net_capex_bjpy"] = (investments["capex_bjpy"] - investments["subsidy_gx_bjpy"]
                                     - investments["subsidy_saving_bjpy"]
                                     - investments["tax_benefit_bjpy"])
    production = pd.DataFrame({
        "sector": "steel", "product": ["steel", "steel", "heat_high"], "kind": ["product",
                                                                              "product", "heat"],
        "technology": ["eaf", "h2_dri", "boiler"], "year": 2025, "unit": ["t", "t", "GJ"],
        "output_m_per_yr": [1.0, 2.0, 5.0], "installed_capacity_m_per_yr": [1.0, 2.0, 5.0],
        "idle_capacity_m_per_yr": 0.0, "retired_capacity_m_per_yr": 0.0})
    energy = pd.DataFrame({"sector": ["steel", "steel", "other_manufacturing"],
                           "commodity": ["electricity", "natural_gas", "electricity"],
                           "year": 2025, "use_pj_per_yr": [5.0, 7.0, 3.0]})
    # embedded CO2 per sector: steel 6, other manufacturing 1.5; cement's scrap carries none
    materials = pd.DataFrame({
        "sector": ["steel", "cement", "other_manufacturing"], "year": 2025,
        "commodity": ["ingot", "scrap", "ingot"], "use_m_per_yr": [2.0, 4.0, 0.5],
        "embedded_mtco2": [6.0, 0.0, 1.5]})
    costs = pd.DataFrame({"kind": ["cost", "public"], "component": ["total", "total"],
                          "private_npv_bjpy": [1.0, None], "social_npv_bjpy": [1.0, None],
                          "public_cost_bjpy": [None, 0.0], "public_cost_npv_bjpy": [None, 0.0]})
    meta = {"run": {"name": "hand", "status": "optimal"}, "case": {"name": "gx_case"},
            "settings": {"year_step": 1}, "versions": {"decarb": "9.9"}}
    return write_run(folder, {"emissions": emissions, "investments": investments,
                              "production": production, "energy": energy, "costs": costs,
                              "materials": materials}, meta)


def test_iamc_aggregates_equal_their_children_across_sectors(tmp_path):
    t = iamc_table(hand_made_run(tmp_path / "run"))
    assert check_aggregates(t) >= 10
    assert set(t["Model"]) == {"decarb 9.9"} and set(t["Scenario"]) == {"gx_case"}
    assert value(t, "Emissions|CO2|Industry|Other Manufacturing") == pytest.approx(3.0)
    assert value(t, "Emissions|CO2|Industry") == pytest.approx(7.0)
    assert value(t, "Carbon Capture|Industry", 2030) == pytest.approx(1.0)
    assert value(t, "Investment|Industry|Steel") == pytest.approx(50.0)
    assert value(t, "Investment|Industry") == pytest.approx(56.0)
    # other manufacturing built nothing in 2030: no rows, as for its technologies
    assert not ((t["Variable"] == "Investment|Industry|Other Manufacturing")
                & (t["Year"] == 2030)).any()
    assert value(t, "Investment|Industry", 2030) == pytest.approx(10.0)
    assert value(t, "Subsidy|Industry|Other Manufacturing|saving") == pytest.approx(2.0)
    assert value(t, "Subsidy|Industry") == pytest.approx(27.0)
    assert value(t, "Final Energy|Industry|Steel|Natural Gas") == pytest.approx(7.0)
    assert value(t, "Final Energy|Industry") == pytest.approx(15.0)
    assert value(t, "Marginal Abatement Cost|Industry", 2030) == pytest.approx(150.0)
    # embedded CO2: 6 + 1.5 = 7.5 over the sectors, beside (not in) the 7 of scope 1 + 2
    assert value(t, "Emissions|CO2|Embedded in Imports|Industry|Other Manufacturing") == \
        pytest.approx(1.5)
    assert value(t, "Emissions|CO2|Embedded in Imports|Industry") == pytest.approx(7.5)
    assert not t["Variable"].str.contains("Cement").any()     # only nonzero rows
    assert not ((t["Variable"] == "Emissions|CO2|Embedded in Imports|Industry")
                & (t["Year"] == 2030)).any()    # no materials in 2030: no rows
    units = t.drop_duplicates("Variable").set_index("Variable")["Unit"]
    assert units["Production|Industry|Steel|boiler"] == "PJ/yr"
    assert not any(v.startswith("Production|") and v.count("|") < 3 for v in units.index)


def test_a_run_without_builds_has_an_empty_schedule_and_no_money_rows(capped, tmp_path):
    tables = {t: pd.read_csv(capped / f"{t}.csv")
              for t in ("investments", "emissions", "production", "energy", "costs")}
    tables["investments"] = tables["investments"].iloc[:0]
    run = write_run(tmp_path / "run", tables, {"settings": {"year_step": 1}})
    t = iamc_table(run)
    assert not t["Variable"].str.startswith(("Investment", "Subsidy", "Tax Benefit")).any()
    assert value(t, "Emissions|CO2|Industry") == pytest.approx(0.4)
    assert pd.read_excel(export_run(run, "xlsx"), sheet_name="investment_schedule").empty


def test_iamc_writes_csv_by_default_and_an_xlsx_data_sheet_on_request(capped, tmp_path):
    expected = iamc_table(capped)
    written = pd.read_csv(export_run(capped, "iamc"))
    assert written.shape == expected.shape
    assert written["Value"].tolist() == pytest.approx(expected["Value"].tolist())
    sheet = pd.read_excel(export_run(capped, "iamc", tmp_path / "iamc.xlsx"),
                          sheet_name="data")
    assert list(sheet.columns) == IAMC_COLUMNS
    assert sheet["Value"].tolist() == pytest.approx(expected["Value"].tolist())


# --- bad input and atomic writes -----------------------------------------------------

def test_a_folder_without_run_json_is_not_a_run(tmp_path):
    with pytest.raises(InputError, match="run.json") as error:
        export_run(tmp_path, "csv")
    assert str(tmp_path) in str(error.value)


def test_a_failed_run_has_no_tables_to_export(tmp_path):
    (tmp_path / "run.json").write_text('{"run": {"name": "x", "status": "infeasible"}}')
    with pytest.raises(InputError, match="infeasible.*optimal") as error:
        export_run(tmp_path, "xlsx")
    assert str(tmp_path / "run.json") in str(error.value)
    assert list(tmp_path.iterdir()) == [tmp_path / "run.json"]


def test_a_missing_table_and_bad_json_are_named(capped, tmp_path):
    run = write_run(tmp_path / "run", {"emissions": pd.read_csv(capped / "emissions.csv")},
                    {"solver": {"status": "optimal"}, "settings": {"year_step": 1}})
    with pytest.raises(InputError, match="energy.csv"):
        iamc_table(run)
    (run / "run.json").write_text("{not json")
    with pytest.raises(InputError, match="run.json"):
        iamc_table(run)


def test_an_unknown_format_names_the_formats(capped):
    with pytest.raises(InputError, match="pdf.*" + ", ".join(FORMATS)):
        export_run(capped, "pdf")


def test_a_failed_write_leaves_the_earlier_export_whole(capped, tmp_path, monkeypatch):
    target = export_run(capped, "xlsx", tmp_path / "plan.xlsx")
    before = target.read_bytes()

    def half_write(self, path):
        with open(path, "wb") as f:
            f.write(b"PK half")
        raise OSError("disk full")

    monkeypatch.setattr("decarb.outputs.export.Workbook.save", half_write)
    with pytest.raises(OutputError, match="Cannot write .*plan.xlsx: disk full"):
        export_run(capped, "xlsx", target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]


def test_a_csv_export_replaces_only_an_earlier_export(capped, tmp_path, monkeypatch):
    out = export_run(capped, "csv", tmp_path / "tables")
    export_run(capped, "csv", out)                   # an earlier export is replaced
    assert len(list(out.iterdir())) == len(SHEETS) - 1   # no public cost: no public_costs
    with pytest.raises(FileExistsError):
        export_run(capped, "csv", capped)             # the run folder itself is not
    assert (capped / "run.json").is_file()

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr("decarb.outputs.export.shutil.copyfile", fail)
    with pytest.raises(OutputError, match="disk full"):
        export_run(capped, "csv", out)
    assert len(list(out.iterdir())) == len(SHEETS) - 1
    assert [p.name for p in tmp_path.iterdir()] == ["tables"]
