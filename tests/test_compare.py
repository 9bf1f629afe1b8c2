"""Comparing run folders: KPIs of three tiny runs worked out by hand.

All three use the tiny case (tests/tiny.py) with new's capex at 20,000 JPY/(t/yr)
over two model years, 2025 and 2030, each standing for 5 calendar years. New
costs capital_per_year(20,000) = 1,644.95 JPY/t a year plus 100 JPY/t of power,
against old's 1,000 JPY/t of coal at 1 t-CO2/t.
- reference: no policy. New is dearer than old: old makes all 1 Mt/yr,
  emitting 1 Mt/yr. Nothing is built, no public money is paid.
- subsidy: programme `gx` pays 90% of new's capex. Subsidised new costs
  0.1 x 1,644.95 + 100 = 264.5 < 1,000 JPY/t, so new makes all 1 Mt/yr from
  2025, emitting nothing; capex 1 Mt/yr x 20,000 JPY = 20 BJPY, subsidy
  0.9 x 20 = 18 BJPY.
- cap: steel capped at 0.4 Mt/yr in 2030 and programme `green` pays 25%.
  Subsidised new still costs 0.75 x 1,644.95 + 100 = 1,333.7 > 1,000 JPY/t, so it
  makes only the 0.6 Mt/yr the cap forces in 2030, emitting 1 then 0.4 Mt/yr. It is
  built in 2030, not 2025: a subsidised build runs in its build year, and running
  it five years early costs more than it saves; capex 0.6 x 20 = 12 BJPY, subsidy
  0.25 x 12 = 3 BJPY.
"""
import pandas as pd
import pytest

from decarb.outputs.compare import compare_runs, format_comparison, read_tables
from decarb.errors import InputError
from decarb.outputs.runstore import write_run
from tests.test_formulation import EXPENSIVE
from tests.test_policy import scheme, subsidy
from tests.tiny import capital_per_year, frame, one_year, solve_tiny, tiny_settings

# Cumulative: 5 calendar years per model year x (2025 + 2030) emissions
CUMULATIVE = {"reference": 5 * (1.0 + 1.0), "subsidy": 5 * (0.0 + 0.0),
              "cap": 5 * (1.0 + 0.4)}                                   # 10, 0, 7 Mt
PUBLIC = {"reference": 0.0, "subsidy": 18.0, "cap": 3.0}                # BJPY cash
# 1000 x extra BJPY / Mt abated against the reference
PER_T = {"subsidy": 1000 * 18.0 / (10.0 - 0.0),                          # 1,800 JPY/t
         "cap": 1000 * 3.0 / (10.0 - 7.0)}                              # 1,000 JPY/t
# One more tonne abated in 2030 takes one more t/yr of subsidised new that year:
# its annuity net of the 25% subsidy, plus power, less the coal saved.
MAC_CAP = 0.75 * capital_per_year(20000.0) + 100.0 - 1000.0            # 333.7 JPY/t
CAP_2030 = frame([dict(sector="steel", year=2025, cap_mtco2=10.0),
                  dict(sector="steel", year=2030, cap_mtco2=0.4)])


def programme(name: str, rate: float) -> dict:
    return dict(subsidies=frame([dict(programme=name, rate=rate, first_year=2025,
                                      last_year=2030)]),
                subsidy_eligibility=frame([dict(programme=name, technology="new")]))


def solve(**changes):
    return solve_tiny(tiny_settings(), technology_costs=frame(EXPENSIVE), **changes)


@pytest.fixture(scope="module")
def reference():
    return solve()


@pytest.fixture(scope="module")
def runs(tmp_path_factory, reference):
    root = tmp_path_factory.mktemp("runs")
    return [write_run(root / name, r.tables, r.meta) for name, r in (
        ("reference", reference), ("subsidy", solve(**programme("gx", 0.9))),
        ("cap", solve(caps=CAP_2030, **programme("green", 0.25))))]


def copy(reference, folder):
    """The reference run written again under another folder."""
    return write_run(folder, reference.tables, reference.meta)


@pytest.fixture(scope="module")
def comparison(runs):
    return compare_runs(runs)


@pytest.fixture(scope="module")
def table(comparison):
    return comparison.set_index(["kpi", "sector"])


def test_columns_are_the_runs_then_their_deltas(comparison):
    assert list(comparison.columns) == [
        "kpi", "sector", "unit", "reference", "subsidy", "cap", "delta subsidy", "delta cap"]


def test_cumulative_emissions_count_each_model_year_for_its_calendar_years(table):
    for sector in ("all", "steel"):
        row = table.loc[("cumulative emissions", sector)]
        assert row[list(CUMULATIVE)].tolist() == pytest.approx(list(CUMULATIVE.values()),
                                                               rel=1e-6)
        assert row["unit"] == "Mt-CO2"
        assert row["delta subsidy"] == pytest.approx(0.0 - 10.0, rel=1e-6)
        assert row["delta cap"] == pytest.approx(7.0 - 10.0, rel=1e-6)


def test_public_cost_and_its_instruments(table):
    assert table.loc[("public cost", "all"), list(PUBLIC)].tolist() == pytest.approx(
        list(PUBLIC.values()), rel=1e-6)
    # each programme appears once, 0 for the runs that do not have it
    assert table.loc[("public cost: subsidy:gx", "all"), ["reference", "subsidy", "cap"]] \
        .tolist() == pytest.approx([0.0, 18.0, 0.0], rel=1e-6)
    assert table.loc[("public cost: subsidy:green", "all"), ["reference", "subsidy", "cap"]] \
        .tolist() == pytest.approx([0.0, 0.0, 3.0], rel=1e-6)
    assert table.loc[("public cost", "all"), "delta subsidy"] == pytest.approx(18.0, rel=1e-6)


def test_public_cost_per_t_abated_is_blank_for_the_reference(table):
    row = table.loc[("public cost per t below the reference", "all")]
    assert row[["subsidy", "cap"]].tolist() == pytest.approx(list(PER_T.values()), rel=1e-6)
    assert row["unit"] == "JPY/t-CO2"
    # the reference has no figure, so neither have the deltas
    assert row[["reference", "delta subsidy", "delta cap"]].isna().all()


def test_per_t_abated_is_blank_where_nothing_is_abated(runs, reference, tmp_path):
    # The reference written again, paying 5 BJPY of public money by hand: it
    # abates 0 Mt. The reference measured against the subsidy run emits 10 Mt
    # more. Neither has a cost per tonne abated.
    costs = reference.tables["costs"].copy()
    costs.loc[costs["kind"] == "public", "public_cost_bjpy"] = 5.0
    paying = write_run(tmp_path / "paying", {**reference.tables, "costs": costs},
                       reference.meta)
    same = compare_runs([runs[0], paying]).set_index(["kpi", "sector"])
    assert same.loc[("public cost", "all"), "paying"] == pytest.approx(5.0)
    assert pd.isna(same.loc[("public cost per t below the reference", "all"), "paying"])
    backwards = compare_runs([runs[1], runs[0]]).set_index(["kpi", "sector"])
    assert pd.isna(backwards.loc[("public cost per t below the reference", "all"), "reference"])


def test_support_and_public_cost_count_the_tax_credit(runs, tmp_path):
    # tests/test_policy.py's net-base case, one model year (2025): new takes all
    # 1 Mt/yr, 20 BJPY of capex; the subsidy pays 10 BJPY and the 10% credit on
    # the 10 BJPY left 1 BJPY. It emits nothing, so against the reference's 10 Mt
    # it pays 1000 x 11 BJPY / 10 Mt = 1,100 JPY/t.
    changes = scheme()
    changes.update(subsidies=subsidy(0.5)["subsidies"],
                   subsidy_eligibility=subsidy(0.5)["subsidy_eligibility"])
    r = solve_tiny(one_year(tax_scheme="cn"), **changes)
    taxed = write_run(tmp_path / "taxed", r.tables, r.meta)
    table = compare_runs([runs[0], taxed]).set_index(["kpi", "sector"])["taxed"]
    assert table[("capex", "steel")] == pytest.approx(20.0, rel=1e-6)
    assert table[("support received", "steel")] == pytest.approx(10.0 + 1.0, rel=1e-6)
    assert table[("public cost: credit", "all")] == pytest.approx(1.0, rel=1e-6)
    assert table[("public cost: subsidy:gx", "all")] == pytest.approx(10.0, rel=1e-6)
    assert table[("cumulative emissions", "all")] == pytest.approx(0.0, abs=1e-9)
    assert table[("public cost per t below the reference", "all")] == pytest.approx(1100.0, rel=1e-6)
    assert pd.isna(table[("emissions 2030", "all")])         # its horizon ends in 2025


def test_emissions_caps_and_mac_by_year(table):
    e2030 = table.loc[("emissions 2030", "steel"), ["reference", "subsidy", "cap"]]
    assert e2030.tolist() == pytest.approx([1.0, 0.0, 0.4], rel=1e-6)
    assert table.loc[("emissions 2030", "steel"), "delta cap"] == pytest.approx(-0.6, rel=1e-6)
    # the horizon ends in 2030: 2050 is blank for every run, and has no cap or MAC row
    assert table.loc[("emissions 2050", "all"), ["reference", "subsidy", "cap"]].isna().all()
    assert ("cap 2050", "steel") not in table.index
    # only the cap run has a (steel) cap; the others are blank, as are the deltas
    cap = table.loc[("cap 2030", "steel")]
    assert cap["cap"] == pytest.approx(0.4)
    assert cap[["reference", "subsidy", "delta subsidy", "delta cap"]].isna().all()
    assert ("cap 2030", "all") not in table.index
    mac = table.loc[("MAC 2030", "steel")]
    assert mac["cap"] == pytest.approx(MAC_CAP, rel=1e-6)
    assert mac[["reference", "subsidy"]].isna().all()


def test_capex_and_support_received(table):
    for sector in ("all", "steel"):
        assert table.loc[("capex", sector), ["reference", "subsidy", "cap"]].tolist() == \
            pytest.approx([0.0, 20.0, 12.0], rel=1e-6)
        assert table.loc[("support received", sector), ["reference", "subsidy", "cap"]] \
            .tolist() == pytest.approx([0.0, 18.0, 3.0], rel=1e-6)


def test_investments_are_read_by_column_name_across_programmes(runs):
    inv = read_tables(runs, "investments").set_index("run")
    assert {"subsidy_gx_bjpy", "subsidy_green_bjpy"} <= set(inv.columns)
    assert "reference" not in inv.index                     # built nothing: no rows
    assert inv.loc["subsidy", "subsidy_gx_bjpy"] == pytest.approx(18.0)
    assert inv.loc["cap", "subsidy_green_bjpy"] == pytest.approx(3.0)
    assert inv.loc[["subsidy"], "subsidy_green_bjpy"].isna().all()


def test_equal_folder_names_are_told_apart_by_their_parent(reference, tmp_path):
    a, b = copy(reference, tmp_path / "a" / "base"), copy(reference, tmp_path / "b" / "base")
    assert list(compare_runs([a, b]).columns[3:]) == ["a/base", "b/base", "delta b/base"]


def test_the_same_run_twice_compares_equal_to_itself(runs):
    table = compare_runs([runs[1], runs[1]]).set_index(["kpi", "sector"])
    first, second = (f"{runs[1].parent.name}/subsidy #{n}" for n in (1, 2))
    assert list(table.columns[1:]) == [first, second, f"delta {second}"]
    # 90% of 20,000 MJPY subsidised: 18 BJPY in both columns, no difference
    assert table.loc[("public cost", "all")].iloc[1:].tolist() == [18.0, 18.0, 0.0]


def test_a_folder_named_like_a_partition_adds_no_column(reference, tmp_path):
    run = copy(reference, tmp_path / "gx_rate=0.5")
    assert list(read_tables([run], "emissions").columns) == [
        "run", *reference.tables["emissions"].columns]


def test_format_groups_by_kpi_with_signed_deltas(comparison):
    text = format_comparison(comparison)
    lines = text.splitlines()
    header = lines.index("public cost (BJPY)")
    assert lines[header + 1].split() == ["all", "0.0", "18.0", "3.0", "+18.0", "+3.0"]
    per_t = lines.index("public cost per t below the reference (JPY/t-CO2)")
    assert lines[per_t + 1].split() == ["all", "-", "1,800", "1,000", "-", "-"]
    cumulative = lines.index("cumulative emissions (Mt-CO2)")
    assert lines[cumulative + 1].split() == ["all", "10.0", "0.0", "7.0", "-10.0", "-3.0"]
    mac = lines.index("MAC 2030 (JPY/t-CO2)")                 # whole yen per tonne
    assert lines[mac + 1].split() == ["steel", "-", "-", "334", "-", "-"]


def test_folders_that_are_not_solved_runs_are_named(runs, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    failed = write_run(tmp_path / "failed", {}, {
        "run": {"name": "failed", "status": "infeasible",
                "reason": "steel cannot meet the sector cap in 2030"},
        "settings": {"year_step": 5}})
    with pytest.raises(InputError) as error:
        compare_runs([runs[0], empty, failed, tmp_path / "missing"])
    problems = {p.file: p for p in error.value.problems}
    assert "run.json" in problems[str(empty)].expected
    assert problems[str(failed / "run.json")].value == "infeasible"
    assert "steel cannot meet" in problems[str(failed / "run.json")].expected
    assert "existing" in problems[str(tmp_path / "missing")].expected
    assert len(error.value.problems) == 3
