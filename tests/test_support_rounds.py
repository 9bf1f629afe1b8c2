"""Subsidy rounds: a technology's own rate, and budgets released per treasury year, by hand.

As in test_policy.py: new capex is 20,000 JPY/(t/yr) and new wins only with a
subsidy above SWITCH_RATE (0.4529); a subsidy at 0.75 makes every subsidised
build worth it, so the budget alone decides how much is built.
"""
import pytest

from tests.test_formulation import investment
from tests.test_policy import subsidy
from tests.tiny import frame, one_year, solve_tiny, tiny_settings
from tests.tiny_plants import edge, plants, solve_plants, technology_of

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


def _awarded_switch(programme: str):
    # Plants a and b (1 Mt/yr each, old) meet a demand of 2 Mt/yr. Converting b costs
    # 20,000 JPY/(t/yr): 20 BJPY, worth it only with the round's 3/4 (15 BJPY). The round
    # releases 18 BJPY in FY2024. Plant a's switch of 2027 is committed: 20 BJPY with an
    # award of 5 BJPY, paid from `programme` (blank: from none).
    award = frame([dict(project="e", event="switch", plant="a", year=2027, technology="new",
                        capacity_m_per_yr=None, capex_bjpy=20.0, subsidy_bjpy=5.0,
                        programme=programme)])
    return solve_plants(
        plants(("a", 1.0, 2030), ("b", 1.0, 2030)), [edge(capex=20000.0)],
        tiny_settings(end_year=2028, year_step=1, mode="plant"), committed=award,
        demand=frame([dict(commodity="steel", year=y, demand_m_per_yr=2.0)
                      for y in (2025, 2050)]),
        subsidies=frame([dict(programme="gx", rate=0.75, first_year=2025, last_year=2030,
                              budget_bjpy_per_yr=None)]),
        subsidy_eligibility=frame([dict(programme="gx", technology="new")]),
        subsidy_budgets=frame([dict(programme="gx", year=2024, budget_bjpy=18.0)]))


def _round_paid(result) -> dict[int, float]:
    public = result.tables["public_costs"]
    rows = public.loc[(public["instrument"] == "subsidy_round") & (public["public_cost_bjpy"]
                                                                   > 1e-9)]
    return dict(zip(rows["year"], rows["public_cost_bjpy"]))


def test_an_awarded_switch_is_paid_from_its_round():
    # Apart from the round, b takes 15 of the 18 BJPY in 2025. Paid from the round, a's
    # 5 BJPY leaves 13 < 15 by 2027: b stays old, the round pays a's 5 BJPY in 2027 alone.
    apart, shared = _awarded_switch(""), _awarded_switch("gx")
    assert technology_of(apart, "b", 2025) == "new"
    assert _round_paid(apart) == {2025: pytest.approx(15.0)}
    assert [technology_of(shared, "b", y) for y in (2025, 2028)] == ["old", "old"]
    assert technology_of(shared, "a", 2027) == "new"
    assert _round_paid(shared) == {2027: pytest.approx(5.0)}
