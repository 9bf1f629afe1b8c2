"""Capacity as TIMES, MESSAGEix and PyPSA treat it, and the horizon's end, by hand.

The tiny case (tests/tiny.py): 1 Mt/yr of steel; `old` (existing 2 Mt/yr) burns
1,000 JPY/t of coal and emits 1 t-CO2/t; `new` uses 100 JPY/t of electricity.
Money below is MJPY per Mt (= JPY/t); results report BJPY.
"""
import pytest

from tests.tiny import (CRF_8PCT_30YR, capital_per_year, costs, flat, frame, one_year,
                        solve_tiny, tiny_frames, tiny_settings)
from tests.test_formulation import cost, investment, output

NO_NEW = costs("old", 50000.0) + costs("new", 1.0e6)      # new never pays


def df(*years: int) -> float:
    """Sum of the 8% discount factors of these years, counted from 2025."""
    return sum(1.08 ** -(y - 2025) for y in years)


W2025, W2030 = df(*range(2025, 2030)), df(*range(2030, 2035))   # five-year model years


def production(result, technology, year):
    p = result.tables["production"]
    return p.loc[(p["technology"] == technology) & (p["year"] == year)].iloc[0]


# --- installed capacity pays fixed O&M; retirement is for good -------------------------

def test_capacity_kept_for_later_pays_fixed_om_while_idle():
    # Demand 1 then 2 Mt/yr; the 2 Mt/yr of old must stay installed through 2025 to
    # serve 2030 (retired capacity never returns; new costs 1e6 JPY/(t/yr)), so its
    # FOM of 100 JPY/(t/yr) is paid on 2 Mt/yr in both years, idle or not.
    r = solve_tiny(tiny_settings(),
                   demand=frame([dict(commodity="steel", year=2025, demand_m_per_yr=1.0),
                                 dict(commodity="steel", year=2030, demand_m_per_yr=2.0)]),
                   technology_costs=frame(costs("old", 50000.0, fixed_om=100.0)
                                          + costs("new", 1.0e6)))
    assert cost(r, "fixed_om") == pytest.approx(100.0 * 2.0 * (W2025 + W2030) / 1000, rel=1e-6)
    assert production(r, "old", 2025)["idle_capacity_m_per_yr"] == pytest.approx(1.0)


def test_capacity_no_longer_needed_is_retired_early_and_stops_paying():
    # Demand 1 Mt/yr against 2 Mt/yr of old: the spare 1 Mt/yr is retired in 2025
    # (saving its FOM) and reported as retired; FOM is paid on 1 Mt/yr only.
    r = solve_tiny(tiny_settings(), technology_costs=frame(
        costs("old", 50000.0, fixed_om=100.0) + costs("new", 1.0e6)))
    assert cost(r, "fixed_om") == pytest.approx(100.0 * (W2025 + W2030) / 1000, rel=1e-6)
    for year in (2025, 2030):
        row = production(r, "old", year)
        assert row["retired_capacity_m_per_yr"] == pytest.approx(1.0)
        assert row["installed_capacity_m_per_yr"] == pytest.approx(1.0)


# --- growth limits bound builds --------------------------------------------------------

def test_growth_limit_bounds_builds_not_only_net_growth():
    # new: 1 Mt/yr existing in 2025, gone in 2026; builds at most 0.3 Mt/yr a year
    # (g = 0, seed 0.3). new is cheap, so 0.3 is built in 2025 (idle that year, as
    # the existing 1 Mt/yr serves demand) and 0.3 in 2026: 0.6 Mt/yr runs in 2026. A
    # limit on net growth of capacity (1.0 + 0.3) would let new serve all of 2026.
    technologies = tiny_frames()["technologies"].assign(max_growth_per_yr=[None, 0.0],
                                                        growth_seed_m_per_yr=[0.0, 0.3])
    existing = frame([dict(technology="old", year=2025, capacity_m_per_yr=2.0),
                      dict(technology="new", year=2025, capacity_m_per_yr=1.0),
                      dict(technology="new", year=2026, capacity_m_per_yr=0.0)])
    r = solve_tiny(tiny_settings(end_year=2026, year_step=1), technologies=technologies,
                   existing_capacity=existing)
    assert output(r, "new", 2026) == pytest.approx(0.6)
    assert output(r, "old", 2026) == pytest.approx(0.4)


# --- support is paid for capacity placed in service ------------------------------------

# A 90% subsidy on `new`, open in 2025 only.
EARLY_SUBSIDY = dict(
    subsidies=frame([dict(programme="early", rate=0.9, first_year=2025, last_year=2025)]),
    subsidy_eligibility=frame([dict(programme="early", technology="new")]))


def power_for_new(gj_per_t: float):
    """The tiny flows with `new` using `gj_per_t` of power (100 JPY/GJ) per t."""
    return frame([dict(technology="old", commodity="coal", direction="in", amount_per_unit=10.0),
                  dict(technology="new", commodity="electricity", direction="in",
                       amount_per_unit=gj_per_t)])


def test_a_subsidised_build_runs_in_its_build_year():
    # new: capex 20,000 JPY/(t/yr), 1,200 JPY/t of power (dearer to run than old's
    # 1,000). A 90% subsidy is open in 2025 only; the 2030 cap (0.4) needs 0.6 Mt/yr of
    # new. Built in 2025 under the subsidy it must run in 2025: per t/yr, 2,000 x
    # A(2026-35) + 200 x W2025 = 2,054 < 20,000 x A(2031-35) = 4,828 unsubsidised in 2030.
    # Without the rule it would be built in 2025 and stand idle until 2030.
    f = tiny_frames()
    flows = power_for_new(12.0)
    r = solve_tiny(tiny_settings(), technology_flows=flows,
                   technology_costs=frame(costs("old", 50000.0) + costs("new", 20000.0)),
                   caps=frame([dict(sector="steel", year=2025, cap_mtco2=10.0),
                               dict(sector="steel", year=2030, cap_mtco2=0.4)]),
                   **EARLY_SUBSIDY,
                   demand=f["demand"])
    assert investment(r, "new", 2025)["new_capacity_m_per_yr"] == pytest.approx(0.6)
    assert output(r, "new", 2025) == pytest.approx(0.6)
    assert cost(r, "subsidy:early", "public", "public_cost_bjpy") == pytest.approx(
        0.9 * 20000.0 * 0.6 / 1000)


def _early_subsidy_case(support_in_use_years: int):
    """Annual 2025-2027. new (capex 20,000 JPY/(t/yr), 1,200 JPY/t of power, 200 dearer
    to run than old) has a 90% subsidy in 2025 only; the 2027 cap (0.4) needs 0.6 Mt/yr
    of new."""
    f = tiny_frames()
    flows = power_for_new(12.0)
    return solve_tiny(tiny_settings(end_year=2027, year_step=1,
                                    support_in_use_years=support_in_use_years),
                      technology_flows=flows,
                      technology_costs=frame(costs("old", 50000.0) + costs("new", 20000.0)),
                      caps=frame([dict(sector="steel", year=2025, cap_mtco2=10.0),
                                  dict(sector="steel", year=2026, cap_mtco2=10.0),
                                  dict(sector="steel", year=2027, cap_mtco2=0.4)]),
                      **EARLY_SUBSIDY,
                      demand=f["demand"])


def test_a_subsidised_build_stays_in_use_for_the_years_the_support_requires():
    # Per t/yr, building in 2025 under the subsidy costs 2,000 x CRF / 1.08 = 164.5 a
    # year (x df(2025-27) = 457) plus the 200 JPY/t running premium in the years it must
    # run; building in 2027 without it costs 20,000 x CRF / 1.08 / 1.08^2 = 1,410 plus
    # 2027's premium. With support held in use for one year the 2025 build runs in 2025,
    # idles in 2026 (saving 200 x 0.6 Mt) and runs again in 2027; held for three years
    # it also runs in 2026 (457 + 200 x df(2025-27) = 1,014 < 1,410 + 171: still built
    # in 2025 under the subsidy).
    one = _early_subsidy_case(1)
    assert investment(one, "new", 2025)["new_capacity_m_per_yr"] == pytest.approx(0.6)
    assert output(one, "new", 2026) == pytest.approx(0.0, abs=1e-9)
    three = _early_subsidy_case(3)
    assert investment(three, "new", 2025)["new_capacity_m_per_yr"] == pytest.approx(0.6)
    assert output(three, "new", 2025) == pytest.approx(0.6)
    assert output(three, "new", 2026) == pytest.approx(0.6)
    assert cost(three, "subsidy:early", "public", "public_cost_bjpy") == pytest.approx(
        0.9 * 20000.0 * 0.6 / 1000)


def test_a_supported_new_unit_counts_in_use_only_beside_the_plants_running_it():
    # Plant mode, annual 2025-26. Plant p runs `new` (1 Mt/yr); demand 1 then 1.5 Mt.
    # `new` costs 2,000 JPY/t to run and 20,000 JPY/(t/yr) on a new site, with 90% off
    # in 2025 only. Per 0.5 Mt/yr: built in 2025 with the subsidy, its capital is
    # 0.1 x 20,000 x 0.5 x CRF x (1/1.08 + 1/1.08^2) = 158 MJPY; built in 2026 without,
    # 20,000 x 0.5 x CRF / 1.08^2 = 762. Counting the plant's output as capacity in use,
    # the 2025 unit stands idle beside the plant and is built with the subsidy. With the
    # plant counted in use first, the 2025 unit would have to run beyond demand (0.5 Mt x
    # 2,000 = 1,000 more): it is built in 2026, unsupported.
    from tests.tiny_plants import edge, plants, solve_plants

    flows = power_for_new(20.0)
    r = solve_plants(plants(("p", 1.0, 2040), technology="new"), [edge(capex=1e7)],
                     tiny_settings(end_year=2026, year_step=1, mode="plant"),
                     technology_flows=flows,
                     technology_costs=frame(costs("old", 1.0e6) + costs("new", 20000.0)),
                     demand=frame([dict(commodity="steel", year=2025, demand_m_per_yr=1.0),
                                   dict(commodity="steel", year=2026, demand_m_per_yr=1.5),
                                   dict(commodity="steel", year=2050, demand_m_per_yr=1.5)]),
                     **EARLY_SUBSIDY)
    built = r.tables["investments"].set_index(["technology", "year"])["new_capacity_m_per_yr"]
    assert built.get(("new", 2025), 0.0) == pytest.approx(0.0, abs=1e-9)
    assert built[("new", 2026)] == pytest.approx(0.5)
    assert r.tables["investments"].filter(like="subsidy_").to_numpy().sum() == pytest.approx(
        0.0, abs=1e-9)


def with_clean(**new_columns) -> dict:
    """The tiny technologies (`new`'s columns as given, old's first) and flows, with
    `clean`: no capex, 15 GJ of power per t (1,500 JPY/t)."""
    f = tiny_frames()
    technologies = frame(f["technologies"].assign(**new_columns).to_dict("records") + [
        dict(technology="clean", sector="steel", pathway="electrification", output="steel",
             life_yr=30, first_year=2025)])
    flows = frame(f["technology_flows"].to_dict("records") + [
        dict(technology="clean", commodity="electricity", direction="in",
             amount_per_unit=15.0)])
    return dict(technologies=technologies, technology_flows=flows)


def test_a_whole_unit_is_installed_in_its_build_year_or_not_bought():
    # `new` comes in whole units of 0.3 Mt/yr and may diffuse to 0.2 Mt/yr installed
    # (g = 0, seed 0.2); the cap (0.8) needs 0.2 Mt of clean steel. A unit bought and
    # only 0.2 of it installed would cost 1,000 x 0.3 x CRF / 1.08 = 24.7 MJPY against
    # `clean` at 1,500 JPY/t: 0.2 x 1,500 = 300. As a unit is installed whole or not
    # bought, and 0.3 exceeds the pace, clean makes the 0.2 Mt.
    r = solve_tiny(one_year(integer_units=True),
                   **with_clean(unit_size_m_per_yr=[None, 0.3], max_growth_per_yr=[None, 0.0],
                                growth_seed_m_per_yr=[0.0, 0.2]),
                   technology_costs=frame(costs("old", 50000.0) + costs("new", 1000.0)
                                          + costs("clean", 0.0)),
                   caps=frame(flat(sector="steel", cap_mtco2=0.8)))
    assert r.tables["investments"].query("technology == 'new'")[
        "new_capacity_m_per_yr"].sum() == pytest.approx(0.0, abs=1e-9)
    assert output(r, "clean") == pytest.approx(0.2)


# --- no end effect ---------------------------------------------------------------------

def _diffusion_case(**settings):
    """2025 and 2030, then the cap holds at 0: every tonne clean. `clean` has no capex
    and costs 1,500 JPY/t of power; `new` 100 JPY/t, capex 20,000 in 2030 and 0 from
    2035, first built in 2030 and diffusing: builds <= 31 x last year's + 0.031 Mt/yr
    (g = 100%/yr, seed 0.001 Mt/yr, five-year steps)."""
    new_costs = [dict(technology="new", year=y, capex_jpy_per_unit_yr=c)
                 for y, c in ((2025, 20000.0), (2030, 20000.0), (2035, 0.0))]
    return solve_tiny(tiny_settings(**settings),
                      **with_clean(first_year=[2000, 2030], max_growth_per_yr=[None, 1.0],
                                   growth_seed_m_per_yr=[0.0, 0.001]),
                      technology_costs=frame(costs("old", 50000.0) + costs("clean", 0.0)
                                             + new_costs),
                      caps=frame([dict(sector="steel", year=2025, cap_mtco2=10.0),
                                  dict(sector="steel", year=2030, cap_mtco2=0.0)]))


def test_a_last_year_build_sees_the_years_after_the_plan():
    # Without the extension 2030 is the end: new's 2030 unit costs 20,000 x A(2031-35)
    # = 4,828 per t/yr against 1,400 x W2030 = 4,109 saved, so clean serves 2030. With
    # ten more years (inputs held) new built in 2030 lets it serve all demand by 2035
    # instead of 2040 (x + 31 x + 0.031 = 1 with x built in 2030): worth it.
    assert output(_diffusion_case(), "new", 2030) == pytest.approx(0.0)
    extended = _diffusion_case(extension_years=10)
    assert output(extended, "new", 2030) == pytest.approx((1 - 0.031) / 32)
    assert extended.tables["production"]["year"].max() == 2030   # reported: the plan


def test_the_steady_state_counts_the_last_year_on_and_its_capital_to_the_end():
    # One model year (2025) standing also for 2026-2029: old's coal (1,000 JPY/t) is
    # paid for five years; the cap forces 0.6 Mt/yr of new, whose annuities fall at the
    # ends of 2025-2029. The plan's cost is 2025's; the rest is `after_plan`.
    r = solve_tiny(one_year(steady_state_years=4), caps=frame(flat(sector="steel",
                                                                   cap_mtco2=0.4)),
                   technology_costs=frame(costs("old", 50000.0) + costs("new", 20000.0)))
    later = df(2026, 2027, 2028, 2029)
    annuity = 20000.0 * CRF_8PCT_30YR
    assert cost(r, "energy_and_materials") == pytest.approx((0.4 * 1000.0 + 0.6 * 100.0)
                                                           / 1000)
    assert cost(r, "capital") == pytest.approx(0.6 * capital_per_year(20000.0) / 1000)
    assert cost(r, "after_plan") == pytest.approx(
        (0.4 * 1000.0 + 0.6 * 100.0) * later / 1000
        + 0.6 * annuity * df(2027, 2028, 2029, 2030) / 1000, rel=1e-6)
    assert r.solution.objective_mjpy == pytest.approx(
        1000 * (cost(r, "total") + cost(r, "after_plan")), rel=1e-9)


# --- stranded assets -------------------------------------------------------------------

def test_a_subsidised_build_retired_early_is_stranded_with_its_capital_and_support():
    # new (capex 20,000, FOM 10) is built in 2025 under a 90% subsidy: 0.1 x its annuity
    # + 100 JPY/t < old's 1,000. In 2030 `clean` (no capex, no running cost) arrives,
    # so new is retired: 25 of its 30 years left, 20,000 x 25 / 30 JPY/(t/yr) of book
    # value on 1 Mt/yr = 16.7 BJPY, with the 18 BJPY of subsidy it received.
    f = tiny_frames()
    technologies = frame(f["technologies"].to_dict("records") + [
        dict(technology="clean", sector="steel", pathway="electrification", output="steel",
             life_yr=30, first_year=2030)])
    r = solve_tiny(tiny_settings(), technologies=technologies,
                   technology_costs=frame(costs("old", 50000.0) + costs("clean", 0.0)
                                          + costs("new", 20000.0, fixed_om=10.0)),
                   subsidies=frame([dict(programme="gx", rate=0.9, first_year=2025,
                                         last_year=2030)]),
                   subsidy_eligibility=frame([dict(programme="gx", technology="new")]))
    stranded = r.tables["stranded"].set_index(["technology", "year"])
    row = stranded.loc[("new", 2030)]
    assert row["retired_capacity_m_per_yr"] == pytest.approx(1.0)
    assert row["remaining_capital_bjpy"] == pytest.approx(20000.0 * 25 / 30 / 1000)
    assert row["support_received_bjpy"] == pytest.approx(0.9 * 20000.0 / 1000)


def test_existing_capacity_retired_early_is_valued_until_its_profile_retires_it():
    # 1 of old's 2 Mt/yr is retired in 2025 (demand 1); the profile holds 2 Mt/yr through
    # 2030, so that slice has 10 years left within the model years: 50,000 / 40 x 10
    # JPY/(t/yr) = 12.5 BJPY in 2025, 6.25 in 2030 (5 years left).
    r = solve_tiny(tiny_settings(), technology_costs=frame(
        costs("old", 50000.0, fixed_om=100.0) + costs("new", 1.0e6)))
    stranded = r.tables["stranded"].set_index(["technology", "year"])
    assert stranded.loc[("old", 2025), "remaining_capital_bjpy"] == pytest.approx(12.5)
    assert stranded.loc[("old", 2030), "remaining_capital_bjpy"] == pytest.approx(6.25)
    assert stranded.loc[("old", 2025), "support_received_bjpy"] == 0.0
