"""Subsidy programmes and the carbon-neutral investment tax incentive, by hand.

New capex is 20,000 JPY/(t/yr): one year's annuity is capital_per_year(20,000)
= 1,644.95 JPY/t, so new costs 1,744.95 JPY/t against old's 1,000 JPY/t.
"""
import pytest

from decarb.inputs.loading import dataset_from_frames
from decarb.formulation.parameters import prepare
from decarb.formulation.components.investment import carbon_productivity_gain, support_modes
from tests.tiny import capital_per_year, costs, frame, one_year, solve_tiny, tiny_frames
from tests.test_formulation import CAP_04, EXPENSIVE, investment, output

ANNUITY = capital_per_year(20000.0)
# new wins once (1 - s) * annuity + 100 < 1,000
SWITCH_RATE = 1 - 900.0 / ANNUITY                                  # 0.4529


def subsidy(rate, budget=None):
    return dict(subsidies=frame([dict(programme="gx", rate=rate, first_year=2025,
                                      last_year=2030, budget_bjpy_per_yr=budget)]),
                subsidy_eligibility=frame([dict(programme="gx", technology="new")]),
                technology_costs=frame(EXPENSIVE))


@pytest.mark.parametrize("rate, new_output", [(SWITCH_RATE - 0.005, 0.0),
                                              (SWITCH_RATE + 0.005, 1.0)])
def test_subsidy_flips_the_choice_at_the_predicted_rate(rate, new_output):
    assert output(solve_tiny(**subsidy(rate)), "new") == pytest.approx(new_output)


def test_binding_budget_subsidises_budget_over_rate_times_capex():
    # 0.3 BJPY / (0.75 x 20,000 JPY/(t/yr)) = 0.02 Mt/yr; unsubsidised new is dearer
    # than old, so nothing more is built.
    r = solve_tiny(**subsidy(0.75, budget=0.3))
    row = investment(r)
    assert row["new_capacity_m_per_yr"] == pytest.approx(0.02)
    assert row["subsidy_gx_bjpy"] == pytest.approx(0.3)
    assert row["net_capex_bjpy"] == pytest.approx(0.02 * 20000 * 0.25 / 1000)


def scheme(tax_bjpy=1000.0, plans=100.0, tiers=None, sme_share=0.0):
    tiers = tiers or [dict(scheme="cn", firm_size="all", min_gain=0.10, credit_rate=0.10,
                           sd_rate=0.5)]
    return dict(
        sectors=tiny_frames()["sectors"].assign(corporate_tax_bjpy_per_yr=tax_bjpy,
                                                certified_plans_per_yr=plans,
                                                sme_share=sme_share),
        tax_schemes=frame([dict(scheme="cn", first_year=2025, last_year=2030, tax_rate=0.3,
                                credit_cap_share=0.2, eligible_cap_bjpy_per_plan=1.0)]),
        tax_tiers=frame(tiers), caps=CAP_04, technology_costs=frame(EXPENSIVE))


# Special depreciation of 50% at tau 0.3, r 8%, N 14 (formulation.md worked check):
ANNUITY_14 = (1 - 1.08 ** -14) / 0.08
SD_VALUE = 0.3 * (0.5 / 1.08 + 0.5 * ANNUITY_14 / 14 - ANNUITY_14 / 14)   # 0.0506
CAPEX_BJPY = 0.6 * 20000 / 1000        # the cap forces 0.6 Mt/yr of new: 12 BJPY


def test_with_ample_tax_capacity_the_credit_is_chosen():
    r = solve_tiny(one_year(tax_scheme="cn"), **scheme())
    row = investment(r)
    assert row["tax_incentive"] == "credit"
    assert row["tax_benefit_bjpy"] == pytest.approx(0.10 * CAPEX_BJPY)


def test_when_the_credit_cap_binds_the_rest_takes_special_depreciation():
    # credit cap: 20% of 3 BJPY tax = 0.6 BJPY of credit = 10% of 6 BJPY of capex;
    # the other 6 BJPY get special depreciation.
    r = solve_tiny(one_year(tax_scheme="cn"), **scheme(tax_bjpy=3.0))
    row = investment(r)
    assert row["tax_incentive"] == "credit+special_depreciation"
    assert row["tax_benefit_bjpy"] == pytest.approx(0.6 + SD_VALUE * 6.0)


def test_eligible_investment_cap_limits_the_incentive_base():
    # 2 plans x 1 BJPY per plan: 2 BJPY of the 12 BJPY earns the 10% credit
    r = solve_tiny(one_year(tax_scheme="cn"), **scheme(plans=2.0))
    assert investment(r)["tax_benefit_bjpy"] == pytest.approx(0.10 * 2.0)


def test_sme_and_large_firms_meet_their_own_tiers():
    # zero-emission new reaches every tier: large firms 10%, SMEs 14%; a quarter of
    # the sector's investment is by SMEs.
    tiers = [dict(scheme="cn", firm_size="large", min_gain=0.20, credit_rate=0.10,
                  sd_rate=0.5),
             dict(scheme="cn", firm_size="sme", min_gain=0.17, credit_rate=0.14,
                  sd_rate=0.5)]
    r = solve_tiny(one_year(tax_scheme="cn"), **scheme(tiers=tiers, sme_share=0.25))
    assert investment(r)["tax_benefit_bjpy"] == pytest.approx(
        CAPEX_BJPY * (0.75 * 0.10 + 0.25 * 0.14))


def test_a_twelve_percent_gain_lands_in_the_ten_percent_tier():
    # `better` burns 10 / 1.12 GJ coal per t: intensity 1 / 1.12 t/t, gain 12%.
    f = tiny_frames()
    tiers = [dict(scheme="cn", firm_size="all", min_gain=g, credit_rate=c, sd_rate=0.5)
             for g, c in ((0.07, 0.05), (0.10, 0.10), (0.15, 0.14))]
    changes = scheme(tiers=tiers)
    changes.update(
        technologies=frame(f["technologies"].to_dict("records") + [
            dict(technology="better", sector="steel", pathway="efficiency", output="steel",
                 life_yr=30, first_year=2025)]),
        technology_flows=frame(f["technology_flows"].to_dict("records") + [
            dict(technology="better", commodity="coal", direction="in",
                 amount_per_unit=10 / 1.12)]),
        technology_costs=frame(EXPENSIVE + costs("better", 1000.0)))
    ds = dataset_from_frames(tiny_frames(**changes), one_year(tax_scheme="cn"))
    p = prepare(ds)
    assert carbon_productivity_gain(ds, p)["better"] == pytest.approx(0.12)
    modes = support_modes(ds, p)
    credit = modes.loc[(modes["technology"] == "better") & (modes["incentive"] == "credit")]
    assert credit["credit_rate"].tolist() == [0.10]
    new_credit = modes.loc[(modes["technology"] == "new") & (modes["incentive"] == "credit")]
    assert new_credit["credit_rate"].tolist() == [0.14]      # zero emissions: top tier


def test_incentive_closed_outside_its_years():
    changes = scheme()
    changes["tax_schemes"] = changes["tax_schemes"].assign(first_year=2021, last_year=2023)
    r = solve_tiny(one_year(tax_scheme="cn"), **changes)
    assert investment(r)["tax_incentive"] == "none"


@pytest.mark.parametrize("base, benefit_share", [("net", 0.10 * 0.5), ("gross", 0.10)])
def test_tax_base_net_or_gross(base, benefit_share):
    # Half-subsidised new with a 10% credit is cheaper than old either way
    # ((1 - 0.5 - 0.05) x 1,645 + 100 < 1,000), so it takes all 1 Mt/yr: 20 BJPY capex.
    changes = scheme()
    changes.update(subsidies=subsidy(0.5)["subsidies"],
                   subsidy_eligibility=subsidy(0.5)["subsidy_eligibility"])
    r = solve_tiny(one_year(tax_scheme="cn", tax_base=base), **changes)
    row = investment(r)
    assert row["new_capacity_m_per_yr"] == pytest.approx(1.0)
    assert row["tax_benefit_bjpy"] == pytest.approx(benefit_share * 20.0)
    assert row["subsidy_gx_bjpy"] == pytest.approx(10.0)


def test_public_cost_splits_subsidy_and_tax_by_instrument():
    # the net-base case above: 10 BJPY of subsidy, 1 BJPY of credit (10% of the 10 BJPY
    # left after the subsidy); the credit is not booked under the subsidy programme.
    changes = scheme()
    changes.update(subsidies=subsidy(0.5)["subsidies"],
                   subsidy_eligibility=subsidy(0.5)["subsidy_eligibility"])
    costs = solve_tiny(one_year(tax_scheme="cn"), **changes).tables["costs"]
    public = costs.loc[costs["kind"] == "public"].set_index("component")["public_cost_bjpy"]
    assert public.to_dict() == pytest.approx({"credit": 1.0, "special_depreciation": 0.0,
                                              "subsidy:gx": 10.0, "total": 11.0})


def test_a_gain_equal_to_a_tier_threshold_reaches_the_tier():
    # `better` burns 10 / 1.2 GJ coal per t against old's 10: intensities 1 and 1 / 1.2
    # t/t, a gain of exactly 20%, which floating point makes 0.19999999999999996.
    f = tiny_frames()
    tiers = [dict(scheme="cn", firm_size="all", min_gain=g, credit_rate=c, sd_rate=0.5)
             for g, c in ((0.10, 0.05), (0.20, 0.10))]
    changes = scheme(tiers=tiers)
    changes.update(
        technologies=frame(f["technologies"].to_dict("records") + [
            dict(technology="better", sector="steel", pathway="efficiency", output="steel",
                 life_yr=30, first_year=2025)]),
        technology_flows=frame(f["technology_flows"].to_dict("records") + [
            dict(technology="better", commodity="coal", direction="in",
                 amount_per_unit=10 / 1.2)]),
        technology_costs=frame(EXPENSIVE + costs("better", 1000.0)))
    ds = dataset_from_frames(tiny_frames(**changes), one_year(tax_scheme="cn"))
    p = prepare(ds)
    assert carbon_productivity_gain(ds, p)["better"] < 0.20     # as floating point has it
    modes = support_modes(ds, p)
    credit = modes.loc[(modes["technology"] == "better") & (modes["incentive"] == "credit")]
    assert credit["credit_rate"].tolist() == [0.10]
