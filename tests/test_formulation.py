"""Each term of the formulation against an optimum worked out by hand.

The tiny case (tests/tiny.py): 1 Mt/yr of steel; `old` runs on 10 GJ coal/t at
100 JPY/GJ (1,000 JPY/t) and emits 1 t-CO2/t; `new` uses 1 GJ electricity/t at
100 JPY/GJ (100 JPY/t). Most tests use one model year, so a build costs one
year's annuity, paid at the year's end: capex * CRF(8%, 30) / 1.08.
"""
import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest

from decarb.errors import InfeasibleError
from decarb.formulation.linear import add_constraints, add_var, terms_of
from tests.tiny import (capital_per_year, costs, flat, frame, one_year, solve_tiny,
                        tiny_frames, tiny_settings)

EXPENSIVE = costs("old", 50000.0) + costs("new", 20000.0)  # new dearer than running old
CAP_04 = frame(flat(sector="steel", cap_mtco2=0.4))
# Abating one tonne with `new` costs its annuity + 100 JPY/t power - 1,000 JPY/t coal.
MAC = capital_per_year(20000.0) + 100.0 - 1000.0                       # 744.95 JPY/t


def output(result, technology, year=2025):
    p = result.tables["production"]
    row = p.loc[(p["technology"] == technology) & (p["year"] == year)]
    return float(row["output_m_per_yr"].sum())


def emissions(result, sector="steel", year=2025):
    e = result.tables["emissions"]
    return e.loc[(e["sector"] == sector) & (e["year"] == year)].iloc[0]


def investment(result, technology="new", year=2025):
    i = result.tables["investments"]
    return i.loc[(i["technology"] == technology) & (i["year"] == year)].iloc[0]


def cost(result, component, kind="cost", column="private_npv_bjpy"):
    c = result.tables["costs"]
    return float(c.loc[(c["component"] == component) & (c["kind"] == kind), column].iloc[0])


# --- caps, carbon price and their duals -------------------------------------------

@pytest.mark.parametrize("method", ["simplex", "ipm"])
def test_binding_cap_forces_the_switch_and_its_dual_is_the_cost_difference(method):
    r = solve_tiny(one_year(lp_solver=method), caps=CAP_04, technology_costs=frame(EXPENSIVE))
    assert output(r, "new") == pytest.approx(0.6)
    assert emissions(r)["counted_mtco2"] == pytest.approx(0.4)
    assert emissions(r)["mac_jpy_per_tco2"] == pytest.approx(MAC, rel=1e-6)
    # 0.6 Mt with new (annuity + power) and 0.4 Mt with old (coal), in MJPY
    assert r.solution.objective_mjpy == pytest.approx(
        0.6 * (capital_per_year(20000.0) + 100.0) + 0.4 * 1000.0, rel=1e-6)


def test_economy_wide_cap_binds_like_a_sector_cap():
    r = solve_tiny(caps=frame(flat(sector="all", cap_mtco2=0.4)),
                   technology_costs=frame(EXPENSIVE))
    assert output(r, "new") == pytest.approx(0.6)
    assert emissions(r, "all")["mac_jpy_per_tco2"] == pytest.approx(MAC, rel=1e-6)


@pytest.mark.parametrize("price, new_output", [(MAC - 5, 0.0), (MAC + 5, 1.0)])
def test_carbon_price_switches_at_the_abatement_cost(price, new_output):
    r = solve_tiny(carbon_price=frame(flat(price_jpy_per_tco2=price)),
                   technology_costs=frame(EXPENSIVE))
    assert output(r, "new") == pytest.approx(new_output)


def test_cumulative_budget_holds_over_the_calendar_years():
    # Two model years five years apart: 5 * (e2025 + e2030) <= 6 Mt; unconstrained
    # emissions would be 5 * (1 + 1) = 10 Mt.
    r = solve_tiny(tiny_settings(cumulative_cap_mtco2=6.0), technology_costs=frame(EXPENSIVE))
    e = r.tables["emissions"]
    steel = e.loc[e["sector"] == "steel", "counted_mtco2"]
    assert 5 * steel.sum() == pytest.approx(6.0)


def test_caps_count_scope_2_only_when_the_setting_says_so():
    # new draws 1 GJ power per t at 0.5 t-CO2/GJ. Cap 0.6 on scope 1: 1 - a <= 0.6,
    # a = 0.4. On scope 1+2: (1 - a) + 0.5 a <= 0.6, a = 0.8.
    prices = tiny_frames()["commodity_prices"].assign(
        scope2_ef_tco2_per_unit=[0.0, 0.0, 0.5, 0.5])
    caps = frame(flat(sector="steel", cap_mtco2=0.6))
    scope1 = solve_tiny(one_year(cap_scope="scope1"), caps=caps, commodity_prices=prices,
                        technology_costs=frame(EXPENSIVE))
    both = solve_tiny(one_year(cap_scope="scope1+2"), caps=caps, commodity_prices=prices,
                      technology_costs=frame(EXPENSIVE))
    assert output(scope1, "new") == pytest.approx(0.4)
    assert output(both, "new") == pytest.approx(0.8)
    assert emissions(both)["scope2_mtco2"] == pytest.approx(0.5 * 0.8)


def test_impossible_cap_names_the_sector_year_and_the_shortfall():
    technologies = tiny_frames()["technologies"].assign(first_year=[2000, 2100])
    with pytest.raises(InfeasibleError) as error:
        solve_tiny(caps=CAP_04, technologies=technologies)
    (short,) = error.value.shortfalls
    assert (short.sector, short.year) == ("steel", 2025)
    assert short.shortfall_mtco2 == pytest.approx(0.6)       # 1 Mt at 1 t/t vs cap 0.4
    assert "steel" in str(error.value) and "2025" in str(error.value)


# --- costs --------------------------------------------------------------------------

def test_every_cost_component_of_a_ccs_plant():
    # ccs: coal 10 GJ/t (1 t-CO2 gross), captures 90%, capex 5,000, FOM 100, VOM 50;
    # storage 2,000 JPY/t; carbon price 3,000 JPY/t. Per t: annuity + 100 + 50 + 1,000
    # coal + 0.9 * 2,000 + 0.1 * 3,000 = annuity + 3,250 < old's 1,000 + 3,000.
    f = tiny_frames()
    r = _ccs_case(f)
    assert output(r, "ccs") == pytest.approx(1.0)
    expected = {"capital": capital_per_year(5000.0), "fixed_om": 100.0, "variable_om": 50.0,
                "energy_and_materials": 1000.0, "co2_transport_storage": 1800.0,
                "carbon_price": 300.0}
    for component, mjpy in expected.items():
        assert cost(r, component) == pytest.approx(mjpy / 1000, rel=1e-6), component
    assert emissions(r)["captured_mtco2"] == pytest.approx(0.9)
    assert emissions(r)["scope1_mtco2"] == pytest.approx(0.1)


def test_storage_limit_caps_the_captured_co2():
    r = _ccs_case(tiny_frames(), supply_limits=frame(flat(commodity="co2_captured",
                                                          max_m_per_yr=0.45)))
    assert output(r, "ccs") == pytest.approx(0.5)        # 0.9 t captured per t
    assert output(r, "old") == pytest.approx(0.5)


def _ccs_case(f, **changes):
    technologies = frame(f["technologies"].to_dict("records")[:1] + [
        dict(technology="ccs", sector="steel", pathway="ccus", output="steel", life_yr=30,
             first_year=2025, capture_rate=0.9)])
    return solve_tiny(
        technologies=technologies,
        technology_flows=frame([dict(technology=t, commodity="coal", direction="in",
                                     amount_per_unit=10.0) for t in ("old", "ccs")]),
        technology_costs=frame(costs("old", 50000.0) + costs("ccs", 5000.0, 100.0, 50.0)),
        commodity_prices=frame(f["commodity_prices"].to_dict("records")
                               + flat(commodity="co2_captured", price_jpy_per_unit=2000.0)),
        carbon_price=frame(flat(price_jpy_per_tco2=3000.0)), **changes)


def test_social_perspective_ignores_subsidies_and_uses_the_social_rate():
    # Half of capex subsidised. Private: 0.5 * annuity(8%) + 100 = 922 < 1,000 -> new.
    # Social: 20,000 * CRF(3%, 30) / 1.03 + 100 = 1,091 > 1,000 -> old.
    subsidy = dict(subsidies=frame([dict(programme="half", rate=0.5, first_year=2025,
                                         last_year=2050)]),
                   subsidy_eligibility=frame([dict(programme="half", technology="new")]),
                   technology_costs=frame(EXPENSIVE))
    private = solve_tiny(**subsidy)
    social = solve_tiny(one_year(perspective="social"), **subsidy)
    assert output(private, "new") == pytest.approx(1.0)
    assert output(social, "new") == pytest.approx(0.0)
    # public cost: half of 1 Mt/yr x 20,000 JPY/(t/yr) = 10 BJPY
    assert cost(private, "subsidy:half", "public", "public_cost_bjpy") == pytest.approx(10.0)


# --- capacity -----------------------------------------------------------------------

def test_capacity_with_a_ten_year_life_is_gone_ten_years_later():
    years = tiny_settings(end_year=2036, year_step=1)
    technologies = tiny_frames()["technologies"].assign(life_yr=[40, 10])
    r = solve_tiny(years, technologies=technologies,
                   existing_capacity=frame([]).reindex(columns=["technology", "year",
                                                                "capacity_m_per_yr"]))
    builds = r.tables["investments"].set_index("year")["new_capacity_m_per_yr"]
    assert builds.to_dict() == pytest.approx({2025: 1.0, 2035: 1.0})


def test_existing_capacity_retires_along_its_profile():
    # old: 1.0 Mt/yr in 2025 falling to 0 in 2035 (0.5 in 2030); new is dearer than
    # running old, so new fills exactly what retires.
    r = solve_tiny(tiny_settings(end_year=2035),
                   existing_capacity=frame([dict(technology="old", year=2025,
                                                 capacity_m_per_yr=1.0),
                                            dict(technology="old", year=2035,
                                                 capacity_m_per_yr=0.0)]),
                   technology_costs=frame(EXPENSIVE))
    builds = r.tables["investments"].set_index("year")["new_capacity_m_per_yr"]
    assert builds.to_dict() == pytest.approx({2030: 0.5, 2035: 0.5})


def test_activity_is_limited_by_availability():
    technologies = tiny_frames()["technologies"].assign(availability=[0.8, 1.0])
    r = solve_tiny(technologies=technologies, technology_costs=frame(EXPENSIVE),
                   existing_capacity=frame(flat(technology="old", capacity_m_per_yr=1.0)))
    assert output(r, "old") == pytest.approx(0.8)
    assert output(r, "new") == pytest.approx(0.2)


def test_nothing_is_built_before_the_first_year():
    technologies = tiny_frames()["technologies"].assign(first_year=[2000, 2030])
    r = solve_tiny(tiny_settings(), technologies=technologies)     # new is cheap
    assert output(r, "new", 2025) == pytest.approx(0.0)
    assert output(r, "new", 2030) == pytest.approx(1.0)


def test_growth_limit_with_seed():
    # cheap new would take all demand; it may grow 10%/yr from a 0.05 Mt/yr seed:
    # 2025 <= 0.05; 2026 <= 1.1 * 0.05 + 0.05 = 0.105.
    technologies = tiny_frames()["technologies"].assign(max_growth_per_yr=[None, 0.1],
                                                        growth_seed_m_per_yr=[0.0, 0.05])
    r = solve_tiny(tiny_settings(end_year=2026, year_step=1), technologies=technologies)
    assert output(r, "new", 2025) == pytest.approx(0.05)
    assert output(r, "new", 2026) == pytest.approx(0.105)


@pytest.mark.parametrize("integer, built", [(True, 0.6), (False, 0.5)])
def test_unit_size_forces_whole_units(integer, built):
    # cap 0.5 needs 0.5 Mt/yr of new; units of 0.3 make it 2 units = 0.6.
    technologies = tiny_frames()["technologies"].assign(unit_size_m_per_yr=[None, 0.3])
    r = solve_tiny(one_year(integer_units=integer), technologies=technologies,
                   caps=frame(flat(sector="steel", cap_mtco2=0.5)),
                   technology_costs=frame(EXPENSIVE))
    assert investment(r)["new_capacity_m_per_yr"] == pytest.approx(built)
    assert r.solution.is_mip is integer


# --- heat bands -------------------------------------------------------------------

def _heat_case(heat_pump_capex: float, demand: list[dict], **changes):
    return solve_tiny(**heat_frames(heat_pump_capex, demand, **changes))


def heat_frames(heat_pump_capex: float, demand: list[dict], **changes) -> dict:
    """Tiny tables with a 500 C band (a coal furnace) and a 100 C band (a heat pump)."""
    f = tiny_frames()
    commodities = frame(f["commodities"].to_dict("records") + [
        dict(commodity="heat_100", kind="heat", unit="GJ", sector="steel",
             temperature_max_c=100.0),
        dict(commodity="heat_500", kind="heat", unit="GJ", sector="steel",
             temperature_max_c=500.0)])
    technologies = frame(f["technologies"].to_dict("records") + [
        dict(technology="heat_pump", sector="steel", pathway="electrification",
             output="heat_100", life_yr=20, first_year=2025),
        dict(technology="furnace", sector="steel", pathway="incumbent", output="heat_500",
             life_yr=20, first_year=2025)])
    flows = frame(f["technology_flows"].to_dict("records") + [
        dict(technology="heat_pump", commodity="electricity", direction="in",
             amount_per_unit=0.33),
        dict(technology="furnace", commodity="coal", direction="in", amount_per_unit=1.2)])
    cost_rows = frame(f["technology_costs"].to_dict("records") + costs(
        "heat_pump", heat_pump_capex) + costs("furnace", 0.0))
    return dict(commodities=commodities, technologies=technologies, technology_flows=flows,
                technology_costs=cost_rows,
                demand=frame(f["demand"].to_dict("records") + demand), **changes)


def test_heat_pump_cannot_serve_the_hot_band():
    # heat pump heat (33 JPY/GJ) is cheaper than furnace heat (120 JPY/GJ), but only
    # the furnace reaches 500 C.
    r = _heat_case(0.0, flat(commodity="heat_500", demand_m_per_yr=1.0)
                   + flat(commodity="heat_100", demand_m_per_yr=1.0))
    assert output(r, "heat_pump") == pytest.approx(1.0)
    assert output(r, "furnace") == pytest.approx(1.0)


def test_hot_heat_serves_cooler_bands():
    # with a dear heat pump, the furnace serves both bands
    r = _heat_case(1.0e6, flat(commodity="heat_500", demand_m_per_yr=1.0)
                   + flat(commodity="heat_100", demand_m_per_yr=1.0))
    assert output(r, "heat_pump") == pytest.approx(0.0)
    assert output(r, "furnace") == pytest.approx(2.0)


def test_hot_heat_reaches_a_cooler_band_only_through_its_recovery_losses():
    # furnace heat passes to the 100 C band through a recovery step that delivers half:
    # 1 PJ for the hot band + 1 / 0.5 PJ for the cool one
    r = _heat_case(1.0e6, flat(commodity="heat_500", demand_m_per_yr=1.0)
                   + flat(commodity="heat_100", demand_m_per_yr=1.0),
                   heat_cascade=frame([dict(hotter="heat_500", cooler="heat_100",
                                            efficiency=0.5)]))
    assert output(r, "furnace") == pytest.approx(3.0)


def recovery_frames(heat_pump_capex: float, **step) -> dict:
    """1 PJ of each band; furnace heat reaches the cool band through a step that
    delivers half of it and costs `step` (per GJ/yr delivered, 30-year life)."""
    cascade = frame([dict(hotter="heat_500", cooler="heat_100", efficiency=0.5,
                          life_yr=30, **step)])
    return heat_frames(heat_pump_capex, flat(commodity="heat_500", demand_m_per_yr=1.0)
                       + flat(commodity="heat_100", demand_m_per_yr=1.0),
                       heat_cascade=cascade)


def _recovered(heat_pump_capex: float, **step):
    return solve_tiny(**recovery_frames(heat_pump_capex, **step))


def test_a_recovery_step_pays_its_equipment_on_the_heat_it_delivers():
    # one year, no discounting of running costs: the 1 PJ delivered pays one annuity of
    # 1,000 JPY/(GJ/yr) over 30 years at 8% in start-of-year money, plus 20 JPY/GJ of
    # fixed O&M: 1 PJ x (1,000 x 0.0888274 / 1.08 + 20) = 102.25 MJPY = 0.10225 BJPY
    r = _recovered(1.0e6, capex_jpy_per_unit_yr=1000.0, fixed_om_jpy_per_unit_yr=20.0)
    assert output(r, "furnace") == pytest.approx(3.0)
    assert cost(r, "heat_recovery") == pytest.approx(
        (capital_per_year(1000.0) + 20.0) * 1e-3, rel=1e-6)


def test_a_dear_recovery_step_lets_a_heat_pump_serve_the_cool_band():
    # a GJ of cool heat: from the furnace 2 GJ of its heat (2 x 120 = 240 JPY), from the
    # heat pump 33 JPY + the annuity of 3,000 JPY/(GJ/yr) (246.7) = 279.7 JPY. Free, the
    # step wins; with 100 JPY/GJ of fixed O&M the furnace route costs 340: heat pump.
    assert capital_per_year(3000.0) + 33.0 == pytest.approx(279.74, abs=0.01)
    free = _recovered(3000.0)
    assert output(free, "heat_pump") == pytest.approx(0.0)
    dear = _recovered(3000.0, fixed_om_jpy_per_unit_yr=100.0)
    assert output(dear, "heat_pump") == pytest.approx(1.0)
    assert output(dear, "furnace") == pytest.approx(1.0)


def test_demand_nothing_can_meet_in_a_year_is_infeasible_not_dropped():
    # only `new` makes steel, and not before 2030: 2025 demand cannot be met
    technologies = tiny_frames()["technologies"].assign(first_year=[2100, 2030])
    with pytest.raises(InfeasibleError, match="balance_commodity.*commodity steel, year 2025"):
        solve_tiny(tiny_settings(), technologies=technologies,
                   existing_capacity=frame([]).reindex(columns=["technology", "year",
                                                                "capacity_m_per_yr"]))


def test_a_clash_no_cap_explains_is_named_by_its_constraints():
    # Only `old` makes steel in 2025 (new from 2030), at 10 GJ of coal a tonne: 1 Mt/yr
    # of demand needs 10 M GJ of coal against a supply limit of 5. The three rows that
    # clash (and none other): steel's balance, coal's balance and coal's supply limit.
    technologies = tiny_frames()["technologies"].assign(first_year=[2000, 2030])
    coal = frame([dict(commodity="coal", year=y, max_m_per_yr=5.0) for y in (2025, 2050)])
    with pytest.raises(InfeasibleError) as error:
        solve_tiny(one_year(), technologies=technologies, supply_limits=coal)
    (detail,) = str(error.value).splitlines()[1:2]
    assert "infeasible even with every CO2 cap relaxed; HiGHS finds" in detail
    named = str(error.value).splitlines()[2:]
    assert [line.split(" (")[0].strip() for line in named] == ["balance_commodity",
                                                                "limit_supply"]
    assert named[0].endswith("commodity coal, year 2025; commodity steel, year 2025")
    assert named[1].endswith("commodity coal, year 2025")


def test_impossible_budget_names_the_cumulative_shortfall():
    # no clean route: one year at 1 Mt-CO2 against a 0.4 Mt budget
    technologies = tiny_frames()["technologies"].assign(first_year=[2000, 2100])
    with pytest.raises(InfeasibleError) as error:
        solve_tiny(one_year(cumulative_cap_mtco2=0.4), technologies=technologies)
    (short,) = error.value.shortfalls
    assert short.cap == "cumulative" and short.shortfall_mtco2 == pytest.approx(0.6)
    assert "all sectors together cannot meet the cumulative cap over the horizon" in str(
        error.value)


def test_a_coefficient_that_is_not_a_number_stops_the_build_naming_its_family():
    # HiGHS's presolve reads a NaN coefficient as an infeasible model; the build must
    # stop first and say which constraint family and which row carry it.
    m = pyo.ConcreteModel()
    x = add_var(m, "x", pd.DataFrame({"year": [2025, 2026]}), "a test variable")
    with pytest.raises(ValueError, match=r"limit_x: .*NaN.*2026"):
        add_constraints(m, "limit_x", terms_of(x, pd.Series([1.0, np.nan]), year="year"),
                        ["year"], "<=", 1.0, "x <= 1")
