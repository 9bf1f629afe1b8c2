"""The green-steel production credit (formulation 9.6), by hand.

Aggregate: `new` costs 100 JPY/t to run plus capital_per_year(20,000) = 1,645 JPY/t,
against old's 1,000; a credit of 800 JPY/t makes a credited tonne of new cost 945,
an uncredited one 1,745. Plant mode: plant `a` (1 Mt/yr) switches to `new` anyway
(conversion 1,000 JPY/(t/yr)); the credit is paid on its output.
"""
import pytest

from tests.test_formulation import EXPENSIVE, cost, output
from tests.test_tax_reform import company
from tests.tiny import frame, one_year, solve_tiny, tiny_frames
from tests.tiny_plants import edge, plants, solve_plants

RATE = 800.0


def credit(last_start=2030, share=0.4):
    return dict(production_credits=frame([dict(credit="green_steel",
                                                last_start_year=last_start,
                                                tax_cap_share=share)]),
                production_credit_rates=frame([dict(credit="green_steel", technology="new",
                                                    year=y, jpy_per_unit=RATE)
                                               for y in (2025, 2050)]))


def paid(result):
    return cost(result, "production_credit:green_steel", "public", "public_cost_bjpy")


def sector_tax(bjpy):
    return tiny_frames()["sectors"].assign(corporate_tax_bjpy_per_yr=bjpy)


def test_credited_new_capacity_is_built_up_to_the_sector_s_tax_cap():
    # Cap 40% x 1 BJPY = 0.4 BJPY = 0.5 Mt credited at 800 JPY/t; uncredited new loses.
    r = solve_tiny(one_year(production_credits=True), technology_costs=frame(EXPENSIVE),
                   sectors=sector_tax(1.0), **credit())
    assert output(r, "new") == pytest.approx(0.5)
    assert paid(r) == pytest.approx(0.4)


def test_with_room_under_the_cap_all_of_new_is_credited():
    r = solve_tiny(one_year(production_credits=True), technology_costs=frame(EXPENSIVE),
                   **credit())
    assert output(r, "new") == pytest.approx(1.0)
    assert paid(r) == pytest.approx(0.8)


def test_a_plant_s_credit_is_capped_by_its_company_s_tax():
    # The sector's cap (40% x 1,000 BJPY) has room for 0.8 BJPY; company A owes 0.5
    # BJPY: 0.2 BJPY of credit.
    r = solve_plants(plants(("a", 1.0, 2030)).assign(company="A"), [edge()],
                     one_year(mode="plant", production_credits=True),
                     **company(0.5), **credit())
    assert paid(r) == pytest.approx(0.2)


def test_a_plant_switched_after_the_last_start_year_earns_nothing():
    r = solve_plants(plants(("a", 1.0, 2030)), [edge()],
                     one_year(mode="plant", production_credits=True),
                     **credit(last_start=2024))
    assert paid(r) == pytest.approx(0.0)


def test_output_of_capacity_standing_before_is_not_credited():
    # 1 Mt/yr of `new` already stands (and runs: 100 < 1,000 JPY/t): no new build
    # earns the credit, and the standing capacity does not.
    existing = tiny_frames()["existing_capacity"]
    standing = frame([dict(technology="new", year=y, capacity_m_per_yr=1.0)
                      for y in (2025, 2050)])
    r = solve_tiny(one_year(production_credits=True), technology_costs=frame(EXPENSIVE),
                   existing_capacity=frame(list(existing.to_dict("records"))
                                           + list(standing.to_dict("records"))), **credit())
    assert output(r, "new") == pytest.approx(1.0)
    assert paid(r) == pytest.approx(0.0)
