"""Subsidy rates per firm size, by hand on the tiny case (one model year).

New capex c = 20,000 JPY/(t/yr); its one-year annuity A = capital_per_year(c) =
1,644.95 JPY/t, so new costs A + 100 JPY/t against old's 1,000 JPY/t and wins
with a subsidy rate above 1 - 900 / A = 0.4529 (tests/test_policy.py). A build
is split into an SME part (the sector's sme_share s) and a large-firm part, and
each part is paid its own rate.
"""
import pytest

from decarb.errors import InputError
from decarb.inputs.loading import dataset_from_frames
from tests.test_formulation import EXPENSIVE, investment
from tests.tiny import frame, one_year, solve_tiny, tiny_frames, tiny_settings

CAPEX = 20000.0


def programme(rate_large: float, rate_sme: float | None, sme_share: float,
              budget: float | None = None) -> dict:
    return dict(
        sectors=tiny_frames()["sectors"].assign(sme_share=sme_share),
        subsidies=frame([dict(programme="es", rate=rate_large, rate_sme=rate_sme,
                              first_year=2025, last_year=2030, budget_bjpy_per_yr=budget)]),
        subsidy_eligibility=frame([dict(programme="es", technology="new")]),
        technology_costs=frame(EXPENSIVE))


def test_unbudgeted_subsidy_pays_each_size_its_rate():
    # s = 0.25, SME 3/4, large 1/2: both parts switch ((1 - 0.5) A + 100 = 922 < 1,000),
    # so all 1 Mt/yr is new, capex 20 BJPY, and the subsidy is
    # (0.25 x 0.75 + 0.75 x 0.5) x 20 = 11.25 BJPY.
    row = investment(solve_tiny(**programme(0.5, 0.75, sme_share=0.25)))
    assert row["new_capacity_m_per_yr"] == pytest.approx(1.0)
    assert row["subsidy_es_bjpy"] == pytest.approx(11.25)


def test_without_an_sme_rate_both_sizes_get_the_rate():
    row = investment(solve_tiny(**programme(0.5, None, sme_share=0.25)))
    assert row["subsidy_es_bjpy"] == pytest.approx(0.5 * 20.0)


def test_binding_budget_buys_the_fewest_builds_that_spend_it():
    # s = 0.5, SME 3/4, large 1/3: a fully subsidised build gets the mean rate
    # r = 0.5 x 0.75 + 0.5 / 3 = 0.5417 > 0.4529, so it pays; any unsubsidised part
    # does not. The 0.3 BJPY budget (300 MJPY) is spent on x = 300 / (c r) = 0.02769
    # Mt/yr of new, every part subsidised: SMEs get 0.75 c (x / 2) = 0.2077 BJPY and
    # large firms c / 3 (x / 2) = 0.0923 BJPY. Each JPY of subsidy saves the same
    # annuity whichever size receives it, so this split is the only optimum.
    r = solve_tiny(**programme(1 / 3, 0.75, sme_share=0.5, budget=0.3))
    mean_rate = 0.5 * 0.75 + 0.5 / 3
    x = 300.0 / (CAPEX * mean_rate)
    row = investment(r)
    assert row["new_capacity_m_per_yr"] == pytest.approx(x)
    assert row["subsidy_es_bjpy"] == pytest.approx(0.3)
    support = r.built.vars["support"]
    paid = support.assign(bjpy=[v.value * CAPEX / 1000 for v in support["var"]]
                          * support["subsidy_rate"])
    by_size = paid.loc[paid["programme"] == "es"].groupby("group")["bjpy"].sum()
    assert by_size.to_dict() == pytest.approx({"sme": 0.75 * CAPEX * x / 2 / 1000,
                                               "large": CAPEX / 3 * x / 2 / 1000})


def test_tiers_for_all_firms_apply_to_both_sizes():
    # A 10% credit for all firms on the net-of-subsidy base, s = 0.25, rates 1/2 and 3/4:
    # 0.10 x (0.75 x (1 - 0.5) + 0.25 x (1 - 0.75)) x 20 BJPY = 0.875 BJPY.
    changes = programme(0.5, 0.75, sme_share=0.25)
    changes.update(
        tax_schemes=frame([dict(scheme="cn", first_year=2025, last_year=2030, tax_rate=0.3,
                                credit_cap_share=0.2, eligible_cap_bjpy_per_plan=1.0)]),
        tax_tiers=frame([dict(scheme="cn", firm_size="all", min_gain=0.1, credit_rate=0.1,
                              sd_rate=0.5)]))
    row = investment(solve_tiny(one_year(tax_scheme="cn"), **changes))
    assert row["tax_incentive"] == "credit"
    assert row["tax_benefit_bjpy"] == pytest.approx(0.875)


def test_an_sme_rate_above_one_names_file_row_and_column():
    with pytest.raises(InputError) as info:
        dataset_from_frames(tiny_frames(**programme(0.5, 1.5, sme_share=0.25)),
                            tiny_settings())
    text = str(info.value)
    assert "subsidies.csv" in text and "row 1" in text and "rate_sme" in text and "1.5" in text
