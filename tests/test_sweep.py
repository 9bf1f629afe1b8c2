"""Sweeps and in-place re-solves against independent runs and hand-derived optima.

The tiny case (tests/tiny.py) in one model year: `old` costs 1,000 JPY/t to run and
emits 1 t-CO2/t; `new` costs 100 JPY/t plus one annuity. With `new` at 20,000 JPY/(t/yr)
it abates a tonne for MAC = annuity + 100 - 1,000 = 744.95 JPY/t, so a carbon price
above MAC switches all output to `new` and one below keeps `old`.
"""
import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from decarb.cli import main
from decarb.inputs.cases import dataset_case
from decarb.errors import InputError
from decarb.workflow.levers import grid, parse_lever
from decarb.inputs.loading import dataset_from_frames, read_dataset
from decarb.solving.resolve import Session, changes_in_place
from decarb.workflow.run import run_case
from decarb.workflow.sweep import point_cases, run_sweep
from tests.tiny import (capital_per_year, costs, flat, frame, one_year, tiny_frames,
                        tiny_settings, write_case)

MAC = capital_per_year(20000.0) + 100.0 - 1000.0
# Power emits 0.1 t-CO2/GJ (scope 2, counted by the cap), so `new` emits 0.1 t/t and a
# cap of 0 cannot be met: the shortfall is 1 Mt x 0.1 = 0.1 Mt. Programme `green`
# pays 10% of new capex up to 0.5 BJPY: 500 MJPY / (0.1 x 20,000 JPY/t) = 0.25 Mt.
PRICES = tiny_frames()["commodity_prices"].assign(scope2_ef_tco2_per_unit=[0, 0, 0.1, 0.1])
CHANGES = dict(commodity_prices=PRICES,
               technology_costs=frame(costs("old", 50000.0) + costs("new", 20000.0)),
               subsidies=frame([dict(programme="green", rate=0.1, first_year=2025,
                                     last_year=2025, budget_bjpy_per_yr=0.5)]),
               subsidy_eligibility=frame([dict(programme="green", technology="new")]),
               caps=frame(flat(sector="steel", cap_mtco2=0.8)),
               carbon_price=frame(flat(price_jpy_per_tco2=0.0)))


def tiny(**changes):
    frames = tiny_frames(**{**CHANGES, **changes})
    return dataset_from_frames(frames, one_year())


def output_new(result) -> float:
    p = result.tables["production"]
    return float(p.loc[p["technology"] == "new", "output_m_per_yr"].sum())


@pytest.mark.parametrize("changes", [
    dict(carbon_price=frame(flat(price_jpy_per_tco2=MAC + 5))),
    dict(caps=frame(flat(sector="steel", cap_mtco2=0.3))),
    dict(subsidies=frame([dict(programme="green", rate=0.1, first_year=2025, last_year=2025,
                               budget_bjpy_per_yr=2.0)])),
])
def test_an_in_place_re_solve_equals_a_rebuild(changes):
    session = Session()
    run_case(tiny(), session)
    changed = tiny(**changes)
    again = run_case(changed, session)
    fresh = run_case(changed)
    assert again.meta["solver"]["model"] == "changed in place and re-solved"
    assert fresh.meta["solver"]["model"] == "built"
    assert again.solution.objective_mjpy == pytest.approx(fresh.solution.objective_mjpy,
                                                          rel=1e-9)
    for name in ("emissions", "investments", "costs"):
        pd.testing.assert_frame_equal(again.tables[name], fresh.tables[name], rtol=1e-7)


def test_a_new_carbon_budget_is_solved_in_place_like_a_rebuild():
    def budget(mtco2):
        frames = tiny_frames(**CHANGES)
        del frames["caps"]   # the budget alone binds
        return dataset_from_frames(frames, one_year(cumulative_cap_mtco2=mtco2))
    session = Session()
    run_case(budget(0.9), session)
    again, fresh = run_case(budget(0.5), session), run_case(budget(0.5))
    assert again.meta["solver"]["model"] == "changed in place and re-solved"
    assert again.solution.objective_mjpy == pytest.approx(fresh.solution.objective_mjpy)
    # One year: (1 - a) + 0.1 a <= 0.5 gives a = 0.5 / 0.9 Mt from `new`
    assert output_new(again) == pytest.approx(0.5 / 0.9)


def test_in_place_follows_the_hand_derived_switch_price():
    session = Session()
    below = run_case(tiny(carbon_price=frame(flat(price_jpy_per_tco2=MAC - 5)), caps=frame(
        flat(sector="steel", cap_mtco2=1.0))), session)
    above = run_case(tiny(carbon_price=frame(flat(price_jpy_per_tco2=MAC + 5)), caps=frame(
        flat(sector="steel", cap_mtco2=1.0))), session)
    assert above.meta["solver"]["model"] == "changed in place and re-solved"
    # Below MAC only the subsidised 0.25 Mt switches: its tonne costs
    # 0.9 x annuity + 100 - 1,000 = 580 JPY < MAC - 5. Above MAC all of it does.
    assert (output_new(below), output_new(above)) == pytest.approx((0.25, 1.0))


def test_prices_caps_budgets_support_and_discount_rates_change_in_place_not_a_new_cap():
    base = tiny()
    assert changes_in_place(base, tiny(carbon_price=frame(flat(price_jpy_per_tco2=9.0))))
    assert changes_in_place(base, replace(base, settings=replace(
        base.settings, cumulative_cap_mtco2=None)))
    assert not changes_in_place(base, tiny(caps=frame(flat(sector="all", cap_mtco2=0.8))))
    assert changes_in_place(base, tiny(subsidies=frame([dict(
        programme="green", rate=0.2, first_year=2025, last_year=2025,
        budget_bjpy_per_yr=0.5)])))
    assert changes_in_place(base, replace(base, settings=replace(
        base.settings, discount_rate_private=0.05)))
    assert not changes_in_place(base, replace(base, settings=replace(
        base.settings, count_embedded_imports=True)))


def test_lever_values_parse_as_lists_ranges_and_settings():
    assert parse_lever("carbon_price=0:20000:5") == ("carbon_price", [0, 5000, 10000, 15000,
                                                                      20000])
    assert parse_lever("budget:green=1,2") == ("budget:green", [1.0, 2.0])
    assert parse_lever("integer_units=false") == ("integer_units", [False])
    assert parse_lever("year_step=5") == ("year_step", [5])
    assert grid([("a", [1, 2]), ("b", [3])]) == [{"a": 1, "b": 3}, {"a": 2, "b": 3}]
    for bad in ("carbon=1", "carbon_price=", "carbon_price=1:2:x", "integer_units=yes",
                "budget=1"):
        with pytest.raises(InputError):
            parse_lever(bad)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_case(tmp_path / "tiny", tiny_frames(**CHANGES), one_year())


def test_a_bad_lever_value_stops_the_sweep_before_it_runs(data):
    with pytest.raises(InputError, match="subsidy_rate=1.5.*a number from 0 to 1"):
        point_cases(dataset_case(data), [{"subsidy_rate": 1.5}])
    with pytest.raises(InputError, match="a programme of subsidies.csv: green"):
        point_cases(dataset_case(data), [{"budget:gren": 1.0}])


def test_sweep_points_equal_independent_runs_and_a_failed_point_is_recorded(data, tmp_path):
    points = grid([parse_lever(f"carbon_price=0,{MAC + 5:.2f}"),
                   parse_lever("cap_scale=1,0")])
    summary = run_sweep(dataset_case(data), points, tmp_path / "sweep", workers=1)
    assert summary["status"].tolist() == ["optimal", "infeasible", "optimal", "infeasible"]
    failed = summary.loc[summary["status"] == "infeasible", "reason"]
    assert failed.str.contains("steel cannot meet the sector cap in 2025: cap 0.000 Mt-CO2, "
                               "short by 0.100 Mt-CO2").all()
    assert summary.loc[failed.index, "shortfalls"].eq("steel|sector|2025").all()
    for case, row in zip(point_cases(dataset_case(data), points), summary.itertuples()):
        folder = tmp_path / "sweep" / row.run.split("/", 1)[1]
        meta = json.loads((folder / "run.json").read_text())
        assert meta["run"]["status"] == row.status
        if row.status != "optimal":
            assert not (folder / "emissions.csv").exists()
            continue
        alone = run_case(read_dataset(case.dataset, case))
        stored = pd.read_csv(folder / "emissions.csv")
        assert stored["total_mtco2"].tolist() == pytest.approx(
            alone.tables["emissions"]["total_mtco2"].tolist())
        assert row.private_npv_bjpy == pytest.approx(float(alone.tables["costs"].set_index(
            "component").loc["total", "private_npv_bjpy"].iloc[0]), rel=1e-9)


def rounds(tmp_path: Path, folder: str = "rounds") -> Path:
    """`green` paid from treasury-year tranches alone (0.2 BJPY in FY2024, 0.05 in
    FY2025): by 2025 it has released 0.25 BJPY. Above the MAC all 1 Mt/yr is `new`,
    whose 10% subsidy would be 2 BJPY, so the released money is what is paid."""
    return write_case(tmp_path / folder, tiny_frames(**{
        **CHANGES, "carbon_price": frame(flat(price_jpy_per_tco2=2000.0)),
        "subsidies": frame([dict(programme="green", rate=0.1, first_year=2024,
                                 last_year=2025, budget_bjpy_per_yr=None)]),
        "subsidy_budgets": frame([dict(programme="green", year=y, budget_bjpy=b)
                                  for y, b in ((2024, 0.2), (2025, 0.05))])}), one_year())


def paid_bjpy(result) -> float:
    return float(result.tables["investments"]["subsidy_green_bjpy"].sum())


@pytest.mark.parametrize("lever", ["budget_scale", "budget_scale:green"])
def test_the_budget_lever_scales_the_rounds_tranches_in_place(tmp_path, lever):
    base = dataset_case(rounds(tmp_path))
    session = Session()
    assert paid_bjpy(run_case(read_dataset(base.dataset, base), session)) == pytest.approx(0.25)
    (doubled,) = point_cases(base, [{lever: 2.0}])
    again = run_case(read_dataset(doubled.dataset, doubled), session)
    fresh = run_case(read_dataset(doubled.dataset, doubled))
    assert again.meta["solver"]["model"] == "changed in place and re-solved"
    # 2 x (0.2 + 0.05) released by 2025, in place as rebuilt
    assert (paid_bjpy(again), paid_bjpy(fresh)) == pytest.approx((0.5, 0.5))
    assert again.solution.objective_mjpy == pytest.approx(fresh.solution.objective_mjpy,
                                                          rel=1e-9)


def test_a_rounds_budget_is_scaled_not_set_per_year(tmp_path):
    base = dataset_case(rounds(tmp_path))
    with pytest.raises(InputError, match="paid from treasury-year tranches.*budget_scale:green"):
        point_cases(base, [{"budget:green": 1.0}])
    with pytest.raises(InputError, match="a programme with a budget.*: green"):
        point_cases(base, [{"budget_scale:gren": 2.0}])


def test_the_cli_sweeps_in_parallel_like_one_worker_and_lists_the_runs(data, tmp_path):
    args = ["sweep", "--data", str(data), "--lever", "carbon_price=0,2000",
            "--lever", "budget_scale=1,4", "--results", str(tmp_path / "store")]
    serial = CliRunner().invoke(main, args + ["--name", "one", "--workers", "1"])
    parallel = CliRunner().invoke(main, args + ["--name", "two", "--workers", "2"])
    assert serial.exit_code == 0 and parallel.exit_code == 0, serial.output + parallel.output
    one, two = (pd.read_csv(tmp_path / "store" / n / "sweep.csv") for n in ("one", "two"))
    assert len(one) == 4 and (one["status"] == "optimal").all()
    pd.testing.assert_series_equal(one["private_npv_bjpy"], two["private_npv_bjpy"], rtol=1e-9)
    # Price 0: only the cap (0.8, scope 1+2) makes `new` worth building:
    # (1 - a) + 0.1 a <= 0.8, a = 0.2/0.9 Mt, subsidised 10% of 20,000 JPY/t = 0.444 BJPY,
    # within either budget. Price 2,000 > MAC: all 1 Mt is `new`, so the programme pays
    # its whole budget: 0.5 BJPY, or 2.0 BJPY when quadrupled (2,000 MJPY = 1 Mt x 2,000).
    assert one["public_cost_bjpy"].tolist() == pytest.approx([0.2 / 0.9 * 2, 0.2 / 0.9 * 2,
                                                              0.5, 2.0])
    listed = CliRunner().invoke(main, ["runs", "--results", str(tmp_path / "store")])
    assert listed.exit_code == 0 and listed.output.count("carbon_price=") == 8


def test_a_sweep_runs_on_a_dask_cluster(data, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as c:
        summary = run_sweep(dataset_case(data), grid([parse_lever("cap_scale=1,0.5")]),
                            tmp_path / "sweep", scheduler=c.scheduler_address)
    assert summary["status"].tolist() == ["optimal", "optimal"]
    # cap 0.4: (1 - a) + 0.1 a <= 0.4 gives a = 2/3 of output from `new`
    stored = pd.read_csv(tmp_path / "sweep" / "002-cap_scale=0.5" / "production.csv")
    assert stored.loc[stored["technology"] == "new", "output_m_per_yr"].sum() == \
        pytest.approx(2 / 3)


def test_a_later_first_year_holds_earlier_builds_at_0_in_place_like_a_rebuild():
    # Model years 2025 and 2030; at 5,000 JPY/t `new` takes all output once it may be
    # built. From 2030 on, nothing of it stands in 2025 (it has no existing capacity).
    def point(first_year):
        technologies = tiny_frames()["technologies"].copy()
        technologies.loc[technologies["technology"] == "new", "first_year"] = first_year
        frames = tiny_frames(**{**CHANGES, "technologies": technologies,
                                "caps": frame(flat(sector="steel", cap_mtco2=1.0)),
                                "carbon_price": frame(flat(price_jpy_per_tco2=5000.0))})
        return dataset_from_frames(frames, tiny_settings())

    def new_in(result, year):
        p = result.tables["production"]
        return float(p.loc[(p["technology"] == "new") & (p["year"] == year),
                           "output_m_per_yr"].sum())

    session = Session()
    first = run_case(point(2025), session)
    again, fresh = run_case(point(2030), session), run_case(point(2030))
    assert again.meta["solver"]["model"] == "changed in place and re-solved"
    assert (new_in(first, 2025), new_in(again, 2025), new_in(again, 2030)) == \
        pytest.approx((1.0, 0.0, 1.0))
    assert again.solution.objective_mjpy == pytest.approx(fresh.solution.objective_mjpy,
                                                          rel=1e-9)
    for name in ("emissions", "investments"):
        pd.testing.assert_frame_equal(again.tables[name], fresh.tables[name], rtol=1e-7)
    # The kept model still has the builds held at 0: their rows report zeros.
    def paid(result):
        c = result.tables["costs"]
        return c.loc[c.select_dtypes("number").fillna(0).abs().gt(1e-12).any(axis=1)] \
            .reset_index(drop=True)
    pd.testing.assert_frame_equal(paid(again), paid(fresh), rtol=1e-7)
    assert run_case(point(2025), session).meta["solver"]["model"] == \
        "changed in place and re-solved"   # the model still has the 2025 builds
    earlier = Session()
    run_case(point(2030), earlier)
    assert run_case(point(2025), earlier).meta["solver"]["model"] == "built"
