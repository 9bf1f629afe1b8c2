"""Uncertainty sets: the draw, the stored points, percentiles, tornado and outputs.

The tiny case (tests/tiny.py) in one model year builds `new` for its 1 Mt of steel in
every point here: `new` costs 1 GJ of power per t (100 JPY/GJ, x1.5 at most) plus its
annuity, far below `old`'s 1,000 JPY/t of coal. Its power emits 0.1 t-CO2/GJ (scope 2)
in these tests. Two ranges, each uniform(0.5, 1.5):
- `power`: the power price, so private cost = fixed part + 1 Mt x 100 JPY x m = ... +
  0.1 m BJPY, linear in m;
- `grid`: the power's emission factor, so emissions = 1 Mt x 0.1 t x g = 0.1 g Mt-CO2.
A centred Latin hypercube of 5 samples draws each multiplier at its quantiles
(k + 0.5) / 5: m = 0.6, 0.8, 1.0, 1.2, 1.4 in some order. Linear percentiles of 5
sorted values take positions 0.4, 2 and 3.6: P10 = 0.6 + 0.4 x 0.2 = 0.68, P50 = 1.0,
P90 = 1.2 + 0.6 x 0.2 = 1.32, whatever the pairing of the two ranges.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from decarb.cli import main
from decarb.errors import InputError
from decarb.inputs.cases import load_case
from decarb.inputs.loading import Reader
from decarb.outputs.percentiles import (SampleSet, emissions_fan, failures, investment_fan,
                                       kpi_percentiles,
                                       read_set, tornado_bars)
from decarb.workflow import ranges
from decarb.workflow.uncertainty import run_uncertainty
from tests.test_sweep import CHANGES, PRICES   # power emits 0.1 t-CO2/GJ (scope 2)
from tests.tiny import flat, frame, one_year, tiny_frames, write_case

ROOT = Path(__file__).resolve().parent.parent
RANGES = """
[[uncertain]]
name = "power"
table = "commodity_prices"
column = "price_jpy_per_unit"
match = { commodity = "electricity" }
multiplier = "uniform(0.5, 1.5)"

[[uncertain]]
name = "grid"
table = "commodity_prices"
column = "scope2_ef_tco2_per_unit"
match = { commodity = "electricity" }
multiplier = "uniform(0.5, 1.5)"
"""
P10, P50, P90 = 0.68, 1.0, 1.32


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    folder = write_case(tmp_path_factory.mktemp("u") / "tiny",
                        tiny_frames(commodity_prices=PRICES), one_year())
    (folder / "cases").mkdir()
    (folder / "cases" / "u.toml").write_text('purpose = "power price and grid factor"\n'
                                             + RANGES)
    return folder


@pytest.fixture(scope="module")
def sample_set(data, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("store") / "set"
    run_uncertainty(data / "cases" / "u.toml", folder, 5, seed=7, workers=1)
    return folder


def row(table: pd.DataFrame, kpi: str) -> pd.Series:
    return table.loc[(table["kpi"] == kpi) & (table["sector"] == "all")].iloc[0]


def test_percentiles_of_a_cost_and_emissions_linear_in_uniform_multipliers(sample_set):
    s = read_set(sample_set)
    kpis = kpi_percentiles(s)
    npv = row(kpis, "private NPV")
    # the cost is 0.1 BJPY per unit of the power multiplier: P90 - P10 = 0.1 x 0.64,
    # and P50 sits midway (the multipliers are symmetric about 1)
    assert npv["P90"] - npv["P10"] == pytest.approx(0.1 * (P90 - P10), rel=1e-6)
    assert npv["P50"] - npv["P10"] == pytest.approx(0.1 * (P50 - P10), rel=1e-6)
    # cumulative emissions of one year: 0.1 g Mt-CO2
    cumulative = row(kpis, "cumulative emissions")
    assert cumulative[["P10", "P50", "P90"]].tolist() == pytest.approx(
        [0.1 * P10, 0.1 * P50, 0.1 * P90], rel=1e-6)
    fan = emissions_fan(s).loc[("all", 2025)]
    assert fan.tolist() == pytest.approx([0.1 * P10, 0.1 * P50, 0.1 * P90], rel=1e-6)
    # capex does not move: 1 Mt x 1,000 JPY/(t/yr) = 1 BJPY in every sample
    assert investment_fan(s).loc[2025].tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert row(kpis, "capex")[["P10", "P90"]].tolist() == pytest.approx([1.0, 1.0])
    drawn = sorted(s.samples["power_multiplier"])
    assert drawn == pytest.approx([0.6, 0.8, 1.0, 1.2, 1.4])


def test_the_tornado_moves_one_range_at_its_p10_and_p90(sample_set):
    bars = tornado_bars(read_set(sample_set)).set_index("range")
    # power at P10 / P90 of uniform(0.5, 1.5): 0.6 and 1.4, so -0.04 and +0.04 BJPY
    # against the median point (1.0); the grid factor does not change the private cost
    # (no carbon price here), so power has the widest swing and comes first.
    assert bars.index[0] == "power"
    assert bars.loc["power", ["low_multiplier", "high_multiplier"]].tolist() == \
        pytest.approx([0.6, 1.4])
    assert bars.loc["power", ["low_bjpy", "high_bjpy"]].tolist() == pytest.approx(
        [-0.04, 0.04], rel=1e-6)
    assert bars.loc["grid", ["low_bjpy", "high_bjpy"]].tolist() == pytest.approx(
        [0.0, 0.0], abs=1e-9)


def test_every_point_is_stored_and_reproduced_by_its_case_file(sample_set, tmp_path):
    samples = pd.read_csv(sample_set / "samples.csv")
    assert len(samples) == 5 and (samples["status"] == "optimal").all()
    assert sorted(p.name for p in sample_set.glob("0*-*") if p.is_dir())[-1] == \
        "010-high-grid"       # 5 samples, the median, low and high of two ranges
    third = samples.iloc[2]
    out = tmp_path / "again"
    subprocess.run([sys.executable, str(ROOT / "cli.py"), "run", "--case",
                    str(sample_set / "cases" / "003-sample.toml"), "--out", str(out)],
                   check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    costs = pd.read_csv(out / "costs.csv").set_index(["kind", "component"])
    assert costs.loc[("cost", "total"), "private_npv_bjpy"] == pytest.approx(
        third["private_npv_bjpy"], rel=1e-9)
    meta = json.loads((sample_set / "uncertainty.json").read_text())
    assert (meta["samples"], meta["seed"], len(meta["ranges"])) == (5, 7, 2)


def test_the_seed_makes_the_draw_reproducible_and_sets_only_the_pairing():
    entries = [ranges.Uncertain("a", "demand", "demand_m_per_yr", {}, "uniform", (0.0, 1.0),
                                "uniform(0, 1)"),
               ranges.Uncertain("b", "demand", "demand_m_per_yr", {}, "triangular",
                                (0.0, 1.0, 2.0), "triangular(0, 1, 2)")]
    one, again, other = (ranges.draw(entries, 4, seed) for seed in (3, 3, 4))
    pd.testing.assert_frame_equal(one, again)
    assert not one.equals(other)
    # centred cells of 4: u = 0.125, 0.375, 0.625, 0.875, whatever the seed
    assert sorted(other["a"]) == pytest.approx([0.125, 0.375, 0.625, 0.875])
    # triangular(0, 1, 2): F(x) = x^2 / 2 below the mode, so x = sqrt(2u): 0.5 at
    # u = 0.125, sqrt(0.75) at 0.375; symmetric above it
    assert sorted(one["b"]) == pytest.approx([0.5, 0.75 ** 0.5, 2 - 0.75 ** 0.5, 1.5])
    normal = ranges.Uncertain("n", "demand", "demand_m_per_yr", {}, "normal", (1.0, 0.5), "")
    # P1 of normal(1, 0.5) is 1 - 2.326 x 0.5 < 0: clipped to 0
    assert normal.quantile(np.array([0.01, 0.5])).tolist() == pytest.approx([0.0, 1.0])


@pytest.mark.parametrize("entry, key, expected", [
    ('name = "x"\ntable = "demand"\ncolumn = "demand_m_per_yr"\n'
     'multiplier = "triangular(1.2, 1, 1.5)"', "uncertain[0].multiplier",
     "0 <= low <= mode <= high"),
    ('name = "x"\ntable = "demand"\ncolumn = "demand_m_per_yr"\n'
     'multiplier = "normal(1, 0)"', "uncertain[0].multiplier", "sd > 0"),
    ('name = "x"\ntable = "demand"\ncolumn = "demand_m_per_yr"\nmultiplier = "beta(1, 2)"',
     "uncertain[0].multiplier", "uniform(low, high)"),
    ('name = "x"\ntable = "commodity_price"\ncolumn = "price_jpy_per_unit"\n'
     'multiplier = "uniform(0.5, 1)"', "uncertain[0].table", "did you mean 'commodity_prices'"),
    ('name = "x"\ntable = "demand"\ncolumn = "demand_m_per_year"\nmultiplier = "uniform(0.5, 1)"',
     "uncertain[0].column", "did you mean 'demand_m_per_yr'"),
    ('name = "x"\ntable = "technology_costs"\ncolumn = "capex_jpy_per_unit_yr"\n'
     'match = { pathwya = "hydrogen" }\nmultiplier = "uniform(0.5, 1)"',
     "uncertain[0].match.pathwya", "did you mean 'pathway'"),
    ('name = "x"\ntable = "technology_costs"\ncolumn = "capex_jpy_per_unit_yr"\n'
     'match = { pathway = "hydrogen" }\nmultiplier = "uniform(0.5, 1)"',
     "uncertain[0].match", "none matches"),
    ('name = "x"\ntable = "demand"\ncolumn = "demand_m_per_yr"\nmultiplier = "uniform(0, 1)"'
     '\nsd = 1', "uncertain[0].sd", "a key of an uncertain entry"),
])
def test_a_bad_range_names_the_file_and_key(data, tmp_path, entry, key, expected):
    path = data / "cases" / "bad.toml"
    path.write_text(f'purpose = "bad"\n[[uncertain]]\n{entry}\n')
    with pytest.raises(InputError) as error:
        run_uncertainty(path, tmp_path / "set", 3, seed=1, workers=1)
    message = str(error.value)
    assert str(path) in message and f"'{key}'" in message and expected in message
    assert not (tmp_path / "set").exists()          # nothing ran, nothing was written
    result = CliRunner().invoke(main, ["uncertainty", "--data", str(data), "--case", "bad",
                                       "--results", str(tmp_path)])
    assert result.exit_code == 2 and expected in result.output


def test_compare_export_and_report_show_the_percentiles(sample_set, tmp_path):
    compared = CliRunner().invoke(main, ["compare", str(sample_set), "--out",
                                         str(tmp_path / "p.csv")])
    assert compared.exit_code == 0, compared.output
    assert "5 solved samples" in compared.output and "P90" in compared.output
    table = pd.read_csv(tmp_path / "p.csv")
    assert row(table, "cumulative emissions")["P90"] == pytest.approx(0.1 * P90, rel=1e-6)
    exported = CliRunner().invoke(main, ["export", str(sample_set), "--format", "iamc",
                                         "--out", str(tmp_path / "iamc.csv")])
    assert exported.exit_code == 0, exported.output
    iamc = pd.read_csv(tmp_path / "iamc.csv").set_index(["Scenario", "Variable"])
    assert iamc.loc[("u|P90", "Emissions|CO2|Industry"), "Value"] == pytest.approx(
        0.1 * P90, rel=1e-6)
    assert iamc.loc[("u|P10", "Investment|Industry"), "Value"] == pytest.approx(1.0)
    html = tmp_path / "report.html"
    reported = CliRunner().invoke(main, ["report", str(sample_set), "--html", str(html)])
    assert reported.exit_code == 0, reported.output
    assert 'data-charts-expected="4"' in html.read_text()
    assert sorted(p.name for p in (tmp_path / "report_charts").iterdir()) == [
        "01_fan_emissions.png", "02_fan_sector_emissions.png", "03_fan_investment.png",
        "04_tornado.png"]


def test_failed_samples_are_counted_by_the_caps_they_cannot_meet(tmp_path):
    # Samples 2 and 3 miss steel's cap (2 from 2030, 3 from 2025), sample 3 also the
    # economy-wide one in 2040, sample 4 the budget (year 0: over the horizon) and
    # sample 5 fails in the solver: steel 2 samples from 2025, one each for the rest.
    samples = pd.DataFrame({
        "point": [1, 2, 3, 4, 5],
        "status": ["optimal", "infeasible", "infeasible", "infeasible", "solver_error"],
        "shortfalls": ["", "steel|sector|2030;steel|sector|2035",
                       "steel|sector|2025;all sectors together|total|2040",
                       "all sectors together|cumulative|0", ""]})
    found = failures(SampleSet(tmp_path, {}, samples, pd.DataFrame()))
    expected = pd.DataFrame([("steel", "sector", 2, 2025.0), ("", "solver_error", 1, np.nan),
                             ("all sectors together", "cumulative", 1, np.nan),
                             ("all sectors together", "total", 1, 2040.0)],
                            columns=["sector", "cap", "samples", "earliest_year"])
    pd.testing.assert_frame_equal(found.sort_values(["samples", "sector", "cap"],
                                                    ascending=[False, True, True],
                                                    ignore_index=True), expected)


def test_the_shipped_japan_ranges_are_valid():
    path = ROOT / "data" / "japan" / "cases" / "uncertainty.toml"
    base = load_case(path)
    reader = Reader()
    ds = reader.read(base.dataset, base)
    entries = ranges.with_dataset(str(path), ranges.read_ranges(path), ds)
    matches = ranges.resolve(str(path), entries, ds,
                             reader.case_tables(base.dataset, base, ds.settings.end_year))
    # from 2030: the anchors of the power path as written (2030, 2040, 2045, 2050)
    assert [m["year"] for m in matches["grid_factor"]] == [2030, 2040, 2045, 2050]
    # a range of ranges.csv from 2030: the hydrogen anchors 2030 and 2050
    assert matches["hydrogen_price"] == [{"commodity": "hydrogen", "year": 2030},
                                         {"commodity": "hydrogen", "year": 2050}]
    # each technology's capex rows are drawn by one entry, not a multiplier and a range
    capex = [t for e in entries if e.column == "capex_jpy_per_unit_yr"
             and e.table == "technology_costs"
             for t in {m["technology"] for m in matches[e.name]}]
    assert "steel_bf_bof_ccus" in capex and len(capex) == len(set(capex)), capex
    # BF-CCUS high: MPP's capture part (CCUS less BAT) swapped for NPC's 96,060 JPY/(t/yr)
    [bf_ccus] = [e for e in entries if e.range == "bf_ccus_capex"]
    cost = ds.technology_costs.set_index(["technology", "year"])["capex_jpy_per_unit_yr"]
    high = (cost["steel_bf_bof_bat", 2025] + 96_060) / cost["steel_bf_bof_ccus", 2030]
    assert bf_ccus.parameters[2] == pytest.approx(high, rel=1e-5)
    # the furnace conversions to BF-CCUS: the capture part alone, and a BAT relining + it
    edges = ds.transitions.set_index(["from_technology", "to_technology"])[
        "conversion_capex_jpy_per_unit_yr"]
    retrofit = edges["steel_bf_bof_bat", "steel_bf_bof_ccus"]
    rebuild = edges["steel_bf_bof", "steel_bf_bof_ccus"]
    by_name = {e.name: e.parameters for e in entries}
    assert by_name["bf_capture_retrofit_capex"][2] == pytest.approx(96_060 / retrofit,
                                                                    abs=5e-3)
    relining = rebuild - retrofit                       # BAT relining, 285 USD x 165.05
    assert by_name["bf_ccus_rebuild_capex"][::2] == pytest.approx(
        ((relining + 0.75 * retrofit) / rebuild, (relining + 96_060) / rebuild), abs=5e-3)
    assert len(matches["bf_capture_retrofit_capex"]) == len(matches[
        "bf_ccus_rebuild_capex"]) == 1
    # the waste-heat boiler: 400-2,000 JPY/(GJ/yr) around the row's capex (its source)
    boiler = ds.heat_cascade.set_index("hotter").loc["heat_gt500_other"]
    assert np.array(by_name["waste_heat_boiler_capex"]) * boiler["capex_jpy_per_unit_yr"] \
        == pytest.approx([400.0, 1000.0, 2000.0])
    assert "range 400-2,000" in boiler["source"]
    assert matches["waste_heat_boiler_capex"] == [{"hotter": "heat_gt500_other"}]


def test_bad_toml_in_the_ranges_names_its_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('purpose = "bad"\n[[uncertain]]\nname = \n')   # line 3: no value
    with pytest.raises(InputError) as error:
        ranges.read_ranges(path)
    [problem] = error.value.problems
    assert (problem.file, problem.row) == (str(path), 3)


def test_the_set_charts_read_the_samples_emissions_once(sample_set, monkeypatch):
    from decarb.outputs import html_report, percentiles
    read = []
    real = percentiles.read_tables
    monkeypatch.setattr(percentiles, "read_tables",
                        lambda dirs, table, *a: read.append(table) or real(dirs, table, *a))
    charts = html_report.set_charts(read_set(sample_set))
    assert [c.key for c in charts][:3] == ["fan_emissions", "fan_sector_emissions",
                                            "fan_investment"]
    assert read.count("emissions") == 1


def test_a_set_whose_every_point_is_infeasible_is_still_written(tmp_path):
    # a cap of 0 cannot be met (power emits 0.1 t-CO2/GJ): every point fails
    folder = write_case(tmp_path / "tiny", tiny_frames(
        commodity_prices=PRICES, caps=frame(flat(sector="steel", cap_mtco2=0.0))), one_year())
    (folder / "cases").mkdir()
    case = folder / "cases" / "u.toml"
    case.write_text('purpose = "impossible"\n' + RANGES)
    run_uncertainty(case, tmp_path / "set", 2, seed=1, workers=1, tornado=False)
    samples = pd.read_csv(tmp_path / "set" / "samples.csv")
    assert (samples["status"] == "infeasible").all() and len(samples) == 2


CAP_RANGE = """purpose = "the steel cap, down to none"
[[uncertain]]
name = "cap"
table = "caps"
column = "cap_mtco2"
match = { sector = "steel" }
multiplier = "uniform(0.0, 1.0)"
"""


def test_failed_samples_and_tornado_points_exit_3_named_and_counted(tmp_path):
    """Steel's 1 Mt can be made by `new` at 0.1 t-CO2/t at best, so a cap of 0.8 Mt times a
    multiplier below 0.125 cannot be met: the first of 8 Latin hypercube strata (below
    0.125) and the tornado's P10 (0.1) fail; the P90 (0.9) and the median do not."""
    data = write_case(tmp_path / "tiny", tiny_frames(**CHANGES), one_year())
    (data / "cases").mkdir()
    (data / "cases" / "cap.toml").write_text(CAP_RANGE)
    result = CliRunner().invoke(main, ["uncertainty", "--data", str(data), "--case", "cap",
                                       "--samples", "8", "--workers", "1", "--results",
                                       str(tmp_path / "r"), "--name", "u"])
    assert result.exit_code == 3, result.output
    failed = [line for line in result.output.splitlines() if "failed:" in line]
    assert len(failed) == 2 and "(low-cap)" in failed[1] and "(sample)" in failed[0]
    assert result.output.count("steel cannot meet the sector cap") >= 2
    assert "7 solved samples of 8" in result.output
    assert "1 of 8 samples failed and are left out" in result.output
    report = CliRunner().invoke(main, ["report", str(tmp_path / "r" / "u")])
    assert report.exit_code == 0, report.output
    page = (tmp_path / "r" / "u" / "report.html").read_text()
    assert "1 of 8 samples failed and are left out" in page


def test_the_tornado_is_ordered_widest_bar_first_as_its_caption_says(tmp_path):
    # a: both ends above the median, drawn from 0 to +10 (10 wide) though they differ by 5;
    # b: -4 to +4 (8 wide); c: a point that cannot be solved, first whatever its width
    tornado = pd.DataFrame({"range": ["b", "a", "c"], "low_multiplier": 0.9,
                            "high_multiplier": 1.1, "median_private_npv_bjpy": 100.0,
                            "low_private_npv_bjpy": [96.0, 105.0, 100.5],
                            "high_private_npv_bjpy": [104.0, 110.0, np.nan]})
    bars = tornado_bars(SampleSet(tmp_path, {}, pd.DataFrame(), tornado))
    assert bars["range"].tolist() == ["c", "a", "b"]
