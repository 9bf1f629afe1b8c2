"""Carbon pricing from FY2026 (formulation 9.1-9.3) against optima worked out by hand.

The tiny case (tests/tiny.py) with EXPENSIVE costs: 1 Mt/yr of steel, `old` emits 1 t-CO2/t
and costs 1,000 JPY/t to run (10 GJ coal at 0.1 t-CO2/GJ); switching a tonne to `new`
costs MAC = 744.95 JPY per t-CO2 abated. One model year, so flows are not discounted.
The sector is fully covered by the ETS unless a test says otherwise.
"""
import pytest

from decarb.errors import InputError
from decarb.inputs.loading import dataset_from_frames
from decarb.workflow.run import run_case
from tests.test_formulation import EXPENSIVE, MAC, cost, output
from tests.tiny import flat, frame, one_year, tiny_frames


def band(floor: float, ceiling: float, price: float | None = None, offset_share: float = 0.0,
         offset_price: float = 0.0):
    row = dict(floor_jpy_per_tco2=floor, ceiling_jpy_per_tco2=ceiling,
               offset_share=offset_share, offset_price_jpy_per_tco2=offset_price)
    if price is not None:
        row["price_jpy_per_tco2"] = price
    return frame(flat(**row))


def allocated(mt: float, technology: str = "old", base: float = 1.0):
    """Free allocation of `mt` Mt-CO2: a base activity of `base` Mt at mt/base t/t."""
    return frame(flat(technology=technology, method="grandfathering",
                      base_activity_m_per_yr=base, allowance_tco2_per_unit=mt / base))


def solve(settings=None, **tables):
    tables.setdefault("technology_costs", frame(EXPENSIVE))
    tables.setdefault("ets_sectors", frame([dict(sector="steel", covered_share=1.0)]))
    return run_case(dataset_from_frames(tiny_frames(**tables),
                                        settings or one_year(ets_pricing="market")))


def market(result, year=2025):
    e = result.tables["ets"]
    return e.loc[(e["participant"] == "market") & (e["year"] == year)].iloc[0]


def public(result, component):
    return cost(result, component, kind="public", column="public_cost_bjpy")


# --- the market mode: band, allocation, offsets ------------------------------------

def test_a_mac_above_the_ceiling_pays_the_ceiling_and_stays_feasible():
    # Ceiling 500 < MAC: nothing switches; the 0.6 Mt beyond the 0.4 allocated is paid at
    # the ceiling. Cost: 1,000 coal + 100 floor x 1 Mt + (500 - 100) x 0.6 Mt = 1,340 MJPY.
    r = solve(ets_prices=band(100, 500), ets_allocation=allocated(0.4))
    assert output(r, "new") == pytest.approx(0.0)
    m = market(r)
    assert m["ceiling_mtco2"] == pytest.approx(0.6)
    assert m["price_jpy_per_tco2"] == pytest.approx(500.0)
    assert r.solution.objective_mjpy == pytest.approx(1340.0)
    # The state receives the ceiling payments, 500 x 0.6 = 300 MJPY, net of allocation.
    assert public(r, "gx_ets:payments") + public(r, "gx_ets:free_allocation") \
        == pytest.approx(-0.3)


def test_inside_the_band_the_price_is_the_abatement_cost():
    # Ceiling 900 > MAC: 0.6 Mt switches to meet the 0.4 Mt allocated; the price is MAC.
    r = solve(ets_prices=band(100, 900), ets_allocation=allocated(0.4))
    assert output(r, "new") == pytest.approx(0.6)
    assert market(r)["price_jpy_per_tco2"] == pytest.approx(MAC, rel=1e-6)
    assert market(r)["ceiling_mtco2"] == pytest.approx(0.0)


@pytest.mark.parametrize("floor, switched", [(MAC - 50, 0.0), (MAC + 50, 1.0)])
def test_the_floor_binds_in_a_long_market(floor, switched):
    # 2 Mt allocated for 1 Mt emitted: the market is long and the price is the floor, at
    # which every allowance can be sold; steel switches exactly when the floor tops MAC.
    r = solve(ets_prices=band(floor, 5000), ets_allocation=allocated(2.0))
    assert output(r, "new") == pytest.approx(switched)
    m = market(r)
    assert m["price_jpy_per_tco2"] == pytest.approx(floor)
    assert m["net_purchase_mtco2"] == pytest.approx((1 - switched) - 2.0)   # sold
    assert m["net_cost_bjpy"] == pytest.approx(floor * ((1 - switched) - 2.0) / 1000)


def test_offsets_are_used_up_to_their_cap():
    # Offsets at 200 JPY/t, at most 10% of covered emissions E: E - 0.1 E <= 0.4 gives
    # E = 0.4 / 0.9; each tonne abated saves 0.9 allowance and 0.1 offset, so
    # MAC = 0.9 P + 0.1 x 200 and P = (MAC - 20) / 0.9.
    r = solve(ets_prices=band(100, 2000, offset_share=0.1, offset_price=200.0),
              ets_allocation=allocated(0.4))
    emitted = 0.4 / 0.9
    assert output(r, "new") == pytest.approx(1 - emitted)
    m = market(r)
    assert m["offsets_mtco2"] == pytest.approx(0.1 * emitted)
    assert m["price_jpy_per_tco2"] == pytest.approx((MAC - 20.0) / 0.9, rel=1e-6)
    assert cost(r, "gx_ets_offsets") == pytest.approx(200.0 * 0.1 * emitted / 1000)


# --- the exogenous mode ---------------------------------------------------------------

@pytest.mark.parametrize("price, floor, ceiling, switched, paid", [
    (5000.0, 0.0, 700.0, 0.0, 700.0),     # clipped to a ceiling below MAC: no switch
    (5000.0, 0.0, 800.0, 1.0, 800.0),     # clipped to a ceiling above MAC: switch
    (100.0, 800.0, 5000.0, 1.0, 800.0),   # raised to a floor above MAC: switch
])
def test_the_exogenous_price_is_clipped_to_the_band(price, floor, ceiling, switched, paid):
    r = solve(one_year(ets_pricing="exogenous"), ets_prices=band(floor, ceiling, price))
    assert output(r, "new") == pytest.approx(switched)
    assert market(r)["price_jpy_per_tco2"] == pytest.approx(paid)


def test_free_allocation_changes_no_decision_and_is_a_transfer():
    # At 800 JPY/t steel switches whatever it is allocated; the allocation is worth
    # 800 x 5 Mt = 4 BJPY to the firm and costs the state as much, outside the objective.
    none = solve(one_year(ets_pricing="exogenous"), ets_prices=band(0, 5000, 800.0))
    lots = solve(one_year(ets_pricing="exogenous"), ets_prices=band(0, 5000, 800.0),
                 ets_allocation=allocated(5.0))
    assert output(none, "new") == output(lots, "new") == pytest.approx(1.0)
    assert lots.solution.objective_mjpy == pytest.approx(none.solution.objective_mjpy)
    assert market(lots)["allocation_value_bjpy"] == pytest.approx(4.0)
    assert public(lots, "gx_ets:free_allocation") == pytest.approx(4.0)
    assert market(lots)["net_cost_bjpy"] == pytest.approx(market(none)["net_cost_bjpy"] - 4.0)


# --- levies ---------------------------------------------------------------------------

def levy(rate: float, share: float):
    return frame(flat(levy="gx_levy", rate_jpy_per_tco2=rate, pass_through_share=share))


def power_factor(ef: float):
    return tiny_frames()["commodity_prices"].assign(scope2_ef_tco2_per_unit=[0, 0, ef, ef])


@pytest.mark.parametrize("share, switched", [(0.0, 1.0), (0.5, 0.0)])
def test_the_levy_passes_through_to_power_and_delays_the_switch(share, switched):
    # Levy 980 JPY/t-CO2: old pays 980 JPY/t (1 t-CO2 of coal per t). new buys 1 GJ of
    # power at 0.5 t-CO2/GJ and pays share x 980 x 0.5. With share 0.5 new pays 245, so
    # switching saves 980 - 245 = 735 < MAC: it waits; without pass-through it switches.
    r = solve(one_year(charge_fuel_levies=True),
              fuel_levies=levy(980.0, share), commodity_prices=power_factor(0.5))
    assert output(r, "new") == pytest.approx(switched)
    revenue = 980.0 * (1 - switched) + share * 980.0 * 0.5 * switched
    assert public(r, "fuel_levy:gx_levy") == pytest.approx(-revenue / 1000)
    assert r.tables["levies"]["revenue_bjpy"].sum() == pytest.approx(revenue / 1000)


def test_the_passed_through_levy_is_reported_apart():
    # At 1,000 JPY/t the switch pays (1,000 x 0.75 > MAC); new pays 0.5 x 1,000 x 0.5 =
    # 250 JPY/t of steel through its power price: 0.25 BJPY of revenue.
    r = solve(one_year(charge_fuel_levies=True),
              fuel_levies=levy(1000.0, 0.5), commodity_prices=power_factor(0.5))
    assert output(r, "new") == pytest.approx(1.0)
    assert public(r, "fuel_levy:gx_levy_passed_through") == pytest.approx(-0.25)


# --- CBAM -------------------------------------------------------------------------------

EU = dict(cbam_prices=frame(flat(eu_price_jpy_per_tco2=10000.0, eu_free_allocation_share=0.5,
                                  default_markup=0.2)),
          exports=frame(flat(product="steel", eu_exports_m_per_yr=0.5,
                             default_tco2_per_unit=2.0, eu_benchmark_tco2_per_unit=0.8)))


def cbam_case(**settings):
    # Home: ETS at 300 JPY/t with a quarter of base emissions allocated free, levy 100.
    return solve(one_year(ets_pricing="exogenous", charge_fuel_levies=True, **settings),
                 ets_prices=band(0, 10000, 300.0), ets_allocation=allocated(0.25),
                 fuel_levies=levy(100.0, 0.0), **EU)


@pytest.mark.parametrize("intensity, exposure_bjpy", [
    # 0.5 Mt x [(1.0 - 0.8 x 0.5) x 10,000 - (300 x (1 - 0.25) x 1.0 + 100 x 1.0)]
    ("declared", 0.5 * ((1.0 - 0.4) * 10000 - 325.0) / 1000),
    # the default 2.0 t/t with its 20% mark-up: 2.4 t/t
    ("default", 0.5 * ((2.4 - 0.4) * 10000 - 325.0) / 1000),
])
def test_cbam_exposure_by_hand(intensity, exposure_bjpy):
    r = cbam_case(cbam_intensity=intensity)
    assert output(r, "new") == pytest.approx(0.0)
    row = r.tables["cbam"].iloc[0]
    assert row["home_price_jpy_per_tco2"] == pytest.approx(225.0)
    assert row["exposure_bjpy"] == pytest.approx(exposure_bjpy)


def test_cbam_in_the_objective_is_a_cost_of_exporting():
    # Counted, the exposure is max(0, 4,837.5 x old - 2,000) MJPY: each t of old steel adds
    # 0.5 x (10,000 - 225 - 100) JPY, the EU benchmark's free share deducts 0.5 Mt x 0.4
    # t/t x 10,000. Above 2,000 / 4,837.5 Mt of old steel a tonne costs 4,837.5 JPY more,
    # far above MAC, so old runs exactly that much and the exports owe nothing.
    r = cbam_case(cbam_in_objective=True)
    assert output(r, "new") == pytest.approx(1.0 - 2000.0 / 4837.5)
    assert r.tables["cbam"]["exposure_bjpy"].sum() == pytest.approx(0.0)
    assert cost(r, "cbam") == pytest.approx(0.0)


# --- companies in plant mode ------------------------------------------------------------

def test_an_uncovered_company_runs_first_and_a_covered_one_pays():
    # Two 1 Mt plants of old; A (1,000 kt base) is covered, B (50 kt) is under the 100 kt
    # threshold (new capacity would be covered too). 1.5 Mt of demand: B runs full, A makes
    # 0.5 Mt and alone pays the ETS.
    # A holds half the base capacity, so it gets half of the 1 Mt allocated: 0.5 Mt.
    from tests.tiny_plants import edge, plant_frames
    fleet = frame([dict(plant=name, sector="steel", technology="old", capacity_m_per_yr=1.0,
                        next_reline_year=2040, company=name[0].upper())
                   for name in ("a1", "b1")])
    firms = frame([dict(company="A", kind="company", size_class="large",
                        base_scope1_kt_per_yr=1000.0),
                   dict(company="B", kind="company", size_class="large",
                        base_scope1_kt_per_yr=50.0)])
    demand = frame(flat(commodity="steel", demand_m_per_yr=1.5))
    frames = plant_frames(fleet, [edge()], companies=firms, demand=demand,
                          ets_sectors=frame([dict(sector="steel", covered_share=1.0)]),
                          ets_prices=band(0, 5000, 500.0), ets_allocation=allocated(1.0,
                                                                                  base=2.0))
    r = run_case(dataset_from_frames(frames, one_year(mode="plant", ets_pricing="exogenous")))
    e = r.tables["ets"].set_index("participant")
    assert (e.loc["A", "emissions_mtco2"], e.loc["B", "emissions_mtco2"]) \
        == pytest.approx((0.5, 1.0))
    assert e.loc["market", "covered_mtco2"] == pytest.approx(0.5)
    assert (e.loc["A", "allocation_mtco2"], e.loc["B", "allocation_mtco2"]) \
        == pytest.approx((0.5, 0.0))
    assert e.loc["A", "net_purchase_mtco2"] == pytest.approx(0.0)
    assert cost(r, "gx_ets") == pytest.approx(500.0 * 0.5 / 1000)


# --- bad input ----------------------------------------------------------------------------

def problems(settings=None, **tables):
    with pytest.raises(InputError) as error:
        dataset_from_frames(tiny_frames(**tables), settings or one_year())
    return [(p.file.split("/")[-1], p.row, p.column) for p in error.value.problems]


def test_bad_carbon_tables_name_file_row_and_column():
    from tests.tiny_plants import edge
    found = problems(one_year(ets_pricing="exogenous"), ets_prices=band(900, 500))
    assert ("ets_prices.csv", 1, "ceiling_jpy_per_tco2") in found
    assert ("ets_prices.csv", 1, "price_jpy_per_tco2") in found
    assert problems(one_year(ets_pricing="market"))[0][2] == "ets_pricing"
    assert problems(one_year(cbam_in_objective=True))[0][2] == "cbam_in_objective"
    fleet = frame([dict(plant="p", sector="steel", technology="old", capacity_m_per_yr=1.0,
                        next_reline_year=2040, company="Nobody")])
    firms = frame([dict(company="A", kind="company", size_class="large")])
    assert ("plants.csv", 1, "company") in problems(
        one_year(mode="plant", ets_pricing="market"), plants=fleet, companies=firms,
        ets_prices=band(0, 100), transitions=frame([edge()]))
