"""Subsidy rates, the tax scheme's rates, tiers and base, and open years re-solve in place
like a rebuild (tiny cases of tests/test_policy.py: the cap forces 0.6 Mt/yr of `new`,
12 BJPY of capex, under scheme `cn`: 10% credit or 50% special depreciation)."""
import pandas as pd
import pytest

from decarb.inputs.loading import dataset_from_frames
from decarb.solving.resolve import Session
from decarb.workflow.run import run_case
from tests.test_policy import CAPEX_BJPY, SD_VALUE, scheme, subsidy
from tests.test_formulation import investment, recovery_frames
from tests.tiny import one_year, tiny_frames, tiny_settings


def case(settings=None, tiers=None, schemes=None, rate=0.3, first=2025, last=2030,
         tax_bjpy=3.0, years=one_year):
    changes = scheme(tax_bjpy=tax_bjpy, tiers=tiers)
    if schemes:
        changes["tax_schemes"] = changes["tax_schemes"].assign(**schemes)
    programme = subsidy(rate, budget=1.0)
    changes.update(subsidies=programme["subsidies"].assign(first_year=first, last_year=last),
                   subsidy_eligibility=programme["subsidy_eligibility"])
    return dataset_from_frames(tiny_frames(**changes),
                               years(**{"tax_scheme": "cn", **(settings or {})}))


def tier(**change):
    return [{**dict(scheme="cn", firm_size="all", min_gain=0.10, credit_rate=0.10,
                    sd_rate=0.5), **change}]


def in_place_and_rebuilt(point, base=None):
    session = Session()
    run_case(base or case(), session)
    again, fresh = run_case(point, session), run_case(point)
    return again, fresh


@pytest.mark.parametrize("point", [
    case(rate=0.6),                                        # subsidy rate
    case(tiers=tier(credit_rate=0.05)),                    # credit rate of the tier
    case(tiers=tier(sd_rate=0.3)),                         # special depreciation rate
    case(schemes=dict(tax_rate=0.2)),                      # corporate tax rate
    case(settings=dict(tax_base="gross")),                 # tax base
    case(schemes=dict(first_year=2021, last_year=2023)),   # incentive closed
    case(first=2020, last=2024),                           # programme closed
], ids=["subsidy_rate", "credit_rate", "sd_rate", "tax_rate", "tax_base",
        "incentive_closed", "programme_closed"])
def test_support_changes_in_place_like_a_rebuild(point):
    again, fresh = in_place_and_rebuilt(point)
    assert again.meta["solver"]["model"] == "changed in place and re-solved"
    assert again.solution.objective_mjpy == pytest.approx(fresh.solution.objective_mjpy,
                                                          rel=1e-9)
    for name in ("investments", "costs"):
        pd.testing.assert_frame_equal(again.tables[name], fresh.tables[name], rtol=1e-7)


def test_a_five_percent_credit_in_place_loses_to_special_depreciation():
    # With ample tax capacity and no subsidy, 10% credit beats SD (5.06%); at 5% SD wins:
    # the benefit is SD_VALUE x 12 BJPY.
    session = Session()
    run_case(case(tax_bjpy=1000.0, rate=0.0), session)
    row = investment(run_case(case(tax_bjpy=1000.0, rate=0.0,
                                   tiers=tier(credit_rate=0.05)), session))
    assert row["tax_incentive"] == "special_depreciation"
    assert row["tax_benefit_bjpy"] == pytest.approx(SD_VALUE * CAPEX_BJPY)


def test_opening_a_mode_the_model_lacks_rebuilds():
    session = Session()
    run_case(case(schemes=dict(first_year=2021, last_year=2023)), session)
    assert run_case(case(), session).meta["solver"]["model"] == "built"


def test_discount_rates_change_in_place_like_a_rebuild():
    # Two model years five apart, so the rates weigh running costs and annuities; the
    # private rate also values special depreciation, a support factor.
    point = case(years=tiny_settings, settings=dict(discount_rate_private=0.12,
                                                    discount_rate_social=0.01))
    again, fresh = in_place_and_rebuilt(point, case(years=tiny_settings))
    assert again.meta["solver"]["model"] == "changed in place and re-solved"
    assert again.solution.objective_mjpy == pytest.approx(fresh.solution.objective_mjpy,
                                                          rel=1e-9)
    for name in ("investments", "costs"):
        pd.testing.assert_frame_equal(again.tables[name], fresh.tables[name], rtol=1e-7)


def test_a_recovery_steps_annuity_follows_new_rates_in_place():
    # the step's capex is levelised at each perspective's rate: new rates re-price it
    frames = tiny_frames(**recovery_frames(1.0e6, capex_jpy_per_unit_yr=1000.0))
    base = dataset_from_frames(frames, tiny_settings())
    point = dataset_from_frames(frames, tiny_settings(discount_rate_private=0.12,
                                                      discount_rate_social=0.01))
    again, fresh = in_place_and_rebuilt(point, base)
    assert again.meta["solver"]["model"] == "changed in place and re-solved"
    costs = again.tables["costs"].set_index("component")
    assert costs.loc["heat_recovery", "private_npv_bjpy"] > 0
    pd.testing.assert_frame_equal(again.tables["costs"], fresh.tables["costs"], rtol=1e-7)
