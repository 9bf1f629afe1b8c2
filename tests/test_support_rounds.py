"""Subsidy rounds: a technology's own rate, and budgets released per treasury year, by hand.

As in test_policy.py: new capex is 20,000 JPY/(t/yr) and new wins only with a
subsidy above SWITCH_RATE (0.4529); a subsidy at 0.75 makes every subsidised
build worth it, so the budget alone decides how much is built.
"""
import pytest

from tests.test_formulation import investment
from tests.test_policy import subsidy
from tests.tiny import frame, one_year, solve_tiny

PER_MT_MJPY = 0.75 * 20000.0      # subsidy of 1 Mt/yr of new at 3/4, MJPY


def test_a_technology_rate_replaces_the_programme_rate():
    # The programme pays 0.3 (too little to switch); its rate for `new` is 0.75, so the
    # 0.3 BJPY budget subsidises 300 / 15,000 = 0.02 Mt/yr (0 at the programme's rate).
    r = solve_tiny(**subsidy(0.3, budget=0.3),
                   subsidy_rates=frame([dict(programme="gx", technology="new", rate=0.75)]))
    row = investment(r)
    assert row["new_capacity_m_per_yr"] == pytest.approx(300.0 / PER_MT_MJPY)
    assert row["subsidy_gx_bjpy"] == pytest.approx(0.3)


def test_a_round_commits_no_more_than_released_so_far():
    # Released by 2025: 0.2 (FY2024, carried forward) + 0.1 (FY2025); the 5 BJPY of
    # FY2026 come too late: 300 MJPY / 15,000 = 0.02 Mt/yr of new in 2025.
    tranches = frame([dict(programme="gx", year=y, budget_bjpy=b)
                      for y, b in ((2024, 0.2), (2025, 0.1), (2026, 5.0))])
    r = solve_tiny(one_year(), **subsidy(0.75), subsidy_budgets=tranches)
    row = investment(r)
    assert row["new_capacity_m_per_yr"] == pytest.approx(300.0 / PER_MT_MJPY)
    assert row["subsidy_gx_bjpy"] == pytest.approx(0.3)
