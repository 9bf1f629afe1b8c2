"""Carbon pricing in compare, export, the page's levers and re-solves, on tiny runs.

`priced`: the tiny case (tests/tiny.py) with EXPENSIVE costs over 2025 and 2030, each
standing for 5 years. The GX-ETS market has a band of 100-500 JPY/t and allocates 0.4
Mt/yr; a levy of 100 JPY/t is on coal. 500 + 100 < MAC (744.95), so old keeps making
1 Mt/yr and the 0.6 Mt/yr short is paid at the ceiling, 500 JPY/t, every year:
- ETS cost before allocation 500 x 1 Mt = 0.5 BJPY/yr, over 10 years 5 BJPY; the
  allocation is worth 500 x 0.4 = 0.2 BJPY/yr, 2 BJPY; net 3 BJPY;
- levy revenue 100 x 1 Mt = 0.1 BJPY/yr, 1 BJPY;
- CBAM on 0.5 Mt exported: 0.5 x [(1 - 0.8 x 0.5) x 10,000 - (500 x (1 - 0.4) + 100)]
  = 2,800 MJPY a year, 28 BJPY over the horizon (0.4 of the base emissions is free).
"""
import pytest

from decarb.inputs.loading import dataset_from_frames
from decarb.outputs.compare import compare_runs
from decarb.outputs.export import export_run, iamc_table
from decarb.outputs.runstore import write_run
from decarb.solving.resolve import Session
from decarb.workflow import levers
from decarb.workflow.run import run_case
from tests.test_carbon_pricing import EU, allocated, band, levy
from tests.test_export import check_aggregates, value
from tests.test_formulation import EXPENSIVE
from tests.test_policy import subsidy
from tests.tiny import frame, tiny_frames, tiny_settings

ETS = dict(technology_costs=frame(EXPENSIVE),
           ets_sectors=frame([dict(sector="steel", covered_share=1.0)]),
           ets_prices=band(100, 500), ets_allocation=allocated(0.4),
           fuel_levies=levy(100.0, 0.0), **EU)


def solve(settings=None, **tables):
    return run_case(dataset_from_frames(tiny_frames(**tables), settings or tiny_settings(
        ets_pricing="market", charge_fuel_levies=True)))


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("carbon")
    plain = solve(tiny_settings(), technology_costs=frame(EXPENSIVE))
    priced = solve(**ETS)
    return [write_run(root / name, r.tables, r.meta)
            for name, r in (("plain", plain), ("priced", priced))]


def kpi(table, name, run="priced"):
    rows = table.loc[(table["kpi"] == name) & (table["sector"] == "all"), run]
    assert len(rows) == 1, name
    return float(rows.iloc[0])


def test_compare_shows_ets_cost_free_allocation_levy_and_cbam_side_by_side(folders):
    table = compare_runs(folders)
    assert kpi(table, "GX-ETS price 2030") == pytest.approx(500.0)
    assert kpi(table, "GX-ETS cost before free allocation") == pytest.approx(5.0)
    assert kpi(table, "GX-ETS free allocation value") == pytest.approx(2.0)
    assert kpi(table, "GX-ETS net cost") == pytest.approx(3.0)
    assert kpi(table, "fuel levy revenue") == pytest.approx(1.0)
    assert kpi(table, "CBAM exposure") == pytest.approx(28.0)
    assert kpi(table, "CBAM exposure 2030") == pytest.approx(2.8)
    # the run without the instruments: none of their money, no price, no CBAM table
    assert kpi(table, "GX-ETS net cost", "plain") == 0.0
    assert kpi(table, "GX-ETS price 2030", "plain") != kpi(table, "GX-ETS price 2030", "plain")
    assert kpi(table, "CBAM exposure", "plain") != kpi(table, "CBAM exposure", "plain")


def test_exports_carry_the_carbon_tables_and_iamc_variables(folders, tmp_path):
    written = export_run(folders[1], "csv", tmp_path / "csv")
    assert {"ets.csv", "levies.csv", "cbam.csv"} <= {p.name for p in written.iterdir()}
    table = iamc_table(folders[1])
    assert value(table, "Price|Carbon|GX-ETS", 2030) == pytest.approx(500.0)
    assert value(table, "GX-ETS|Ceiling Payments", 2030) == pytest.approx(0.6)
    assert value(table, "GX-ETS|Free Allocation Value", 2030) == pytest.approx(0.2)
    assert value(table, "GX-ETS|Net Cost|Steel", 2030) == pytest.approx(0.3)
    assert value(table, "Revenue|Government|Fuel Levies", 2030) == pytest.approx(0.1)
    assert value(table, "CBAM|Exposure|Steel", 2030) == pytest.approx(2.8)
    assert check_aggregates(table) >= 4


def test_the_band_and_levy_levers_are_the_edits_a_case_makes():
    ds = dataset_from_frames(tiny_frames(**ETS), tiny_settings(ets_pricing="market"))
    assert levers.fragment("ets_band_scale", 2.0, ds) == {"tables": {"ets_prices": {
        "scale": {"floor_jpy_per_tco2": 2.0, "ceiling_jpy_per_tco2": 2.0}}}}
    assert levers.fragment("levy_scale:gx_levy", 0.5, ds) == {"tables": {"fuel_levies": {
        "scale": [{"levy": "gx_levy", "rate_jpy_per_tco2": 0.5}]}}}
    assert levers.fragment("ets_pricing", "exogenous", ds) == {
        "settings": {"ets_pricing": "exogenous"}}
    with pytest.raises(Exception, match="fuel_levies.csv"):
        levers.fragment("levy_scale:nothing", 1.0, ds)


def test_a_re_solve_in_place_keeps_the_carbon_flows_and_a_new_rate_rebuilds():
    settings = tiny_settings(ets_pricing="market", charge_fuel_levies=True)
    session = Session()
    first = session.solve(dataset_from_frames(tiny_frames(**{**ETS, **subsidy(0.1)}), settings))
    built, _, in_place = session.solve(dataset_from_frames(
        tiny_frames(**{**ETS, **subsidy(0.2)}), settings))
    assert in_place
    assert {"gx_ets", "fuel_levy", "subsidy"} <= set(built.transfer_table()["instrument"])
    assert len(built.transfer_table()) == len(first[0].transfer_table())
    _, _, in_place = session.solve(dataset_from_frames(
        tiny_frames(**{**ETS, **subsidy(0.2)}), tiny_settings(
            ets_pricing="market", charge_fuel_levies=True, discount_rate_social=0.05)))
    assert not in_place


def test_the_shipped_gx2026_case_prices_in_its_band_and_clears_its_market():
    from decarb.inputs.cases import load_case
    from decarb.inputs.loading import read_dataset
    from tests.test_cases import JAPAN
    case = load_case(JAPAN / "cases" / "gx2026.toml")
    ds = read_dataset(case.dataset, case)
    r = run_case(ds)
    assert {"ets", "levies", "cbam"} <= set(r.tables)
    market = r.tables["ets"].query("participant == 'market'").set_index("year")
    band = ds.ets_prices.set_index("year").loc[market.index]
    assert (market["price_jpy_per_tco2"] >= band["floor_jpy_per_tco2"] - 1e-6).all()
    assert (market["price_jpy_per_tco2"] <= band["ceiling_jpy_per_tco2"] + 1e-6).all()
    unmet = market["covered_mtco2"] - market["offsets_mtco2"] - market["ceiling_mtco2"] \
        - market["allocation_mtco2"]
    assert (unmet <= 1e-6).all()
    assert (market["offsets_mtco2"] <= 0.1 * market["covered_mtco2"] + 1e-9).all()
    members = r.tables["ets"].query("participant != 'market'").groupby("year")[
        ["covered_mtco2", "allocation_mtco2"]].sum()
    assert members.to_numpy() == pytest.approx(
        market[["covered_mtco2", "allocation_mtco2"]].to_numpy(), abs=1e-6)


def test_the_shipped_gx2026_plant_case_to_2030_solves_as_a_full_mip():
    """The units of committed build events (two Nippon Steel EAFs in 2030) are covered
    by the GX-ETS as their company's: without them in `plant_coverage` their covered
    emissions had NaN coefficients, which HiGHS's presolve read as infeasible. Solved
    here by branch and bound from the start, not from the plan of runs plant mode tries
    first; the built units are Nippon Steel's in ets.csv."""
    import dataclasses

    from decarb.formulation.build import build_model
    from decarb.formulation.carbon_parameters import plant_coverage
    from decarb.inputs.cases import load_case
    from decarb.inputs.loading import read_dataset
    from decarb.solving.solve import HighsModel, Status
    from tests.test_cases import JAPAN
    case = load_case(JAPAN / "cases" / "gx2026_plants.toml")
    case = dataclasses.replace(case, settings=case.settings + (("test", {"end_year": 2030}),))
    built = build_model(read_dataset(case.dataset, case))
    model = HighsModel(built)
    model.lp_start = False
    assert model.solve().status is Status.OPTIMAL
    coverage = plant_coverage(built.ds, built.p).set_index("plant")
    assert coverage.loc[["nsc_hirohata_eaf2", "nsc_yamaguchi_eaf"], "participant"].tolist() \
        == ["Nippon Steel", "Nippon Steel"]
