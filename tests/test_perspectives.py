"""Who pays what: resource cost, private cost, fiscal flows; and effective marginal cost.

The tiny case (tests/tiny.py) by hand: one year, 1 Mt/yr of steel; `old` burns
1,000 JPY/t of coal and emits 1 t-CO2/t; `new` costs its annuity + 100 JPY/t.
"""
import pytest

from tests.tiny import flat, frame, one_year, solve_tiny
from tests.test_formulation import CAP_04, EXPENSIVE, MAC, cost, emissions, output
from tests.test_policy import scheme


def test_the_carbon_price_is_a_transfer_paid_by_firms_and_received_by_the_state():
    # 500 JPY/t on old's 1 Mt (new at 20,000 capex stays dearer: 1,745 > 1,500 per t)
    r = solve_tiny(technology_costs=frame(EXPENSIVE),
                   carbon_price=frame(flat(price_jpy_per_tco2=500.0)))
    assert output(r, "old") == pytest.approx(1.0)
    assert cost(r, "carbon_price") == pytest.approx(0.5)                       # BJPY, firms
    assert cost(r, "carbon_price", column="social_npv_bjpy") == 0.0           # no resource
    assert cost(r, "carbon_price", "fiscal", "public_cost_bjpy") == pytest.approx(-0.5)
    assert cost(r, "net", "fiscal", "public_cost_bjpy") == pytest.approx(-0.5)


def test_a_social_run_is_financed_as_the_firms_would_choose():
    # The cap forces 0.6 Mt/yr of new (12 BJPY of capex). A 1% credit or 50% special
    # depreciation (worth 0.0506 of capex) cost the same socially: a tie. The firms
    # take special depreciation: 12 x 0.0506 = 0.607 BJPY of tax forgone, no credit.
    tiers = [dict(scheme="cn", firm_size="all", min_gain=0.10, credit_rate=0.01, sd_rate=0.5)]
    r = solve_tiny(one_year(perspective="social", tax_scheme="cn"), **scheme(tiers=tiers))
    sd = 0.3 * (0.5 / 1.08 + 0.5 * (1 - 1.08 ** -14) / 0.08 / 14 - (1 - 1.08 ** -14) / 0.08 / 14)
    assert cost(r, "special_depreciation", "public", "public_cost_bjpy") == pytest.approx(
        12.0 * sd, rel=1e-6)
    assert cost(r, "credit", "public", "public_cost_bjpy") == pytest.approx(0.0, abs=1e-9)
    assert "support_modes" in r.meta["solver"]


def test_effective_marginal_cost_adds_the_carbon_price_to_the_cap_dual():
    # With 300 JPY/t on direct CO2 the cap's dual is what abatement costs beyond the
    # price: MAC - 300; a tonne of steel's direct CO2 costs the firms MAC in all.
    r = solve_tiny(caps=CAP_04, technology_costs=frame(EXPENSIVE),
                   carbon_price=frame(flat(price_jpy_per_tco2=300.0)))
    row = emissions(r)
    assert row["mac_jpy_per_tco2"] == pytest.approx(MAC - 300.0, rel=1e-6)
    assert row["effective_mac_jpy_per_tco2"] == pytest.approx(MAC, rel=1e-6)


def test_effective_marginal_cost_of_a_sector_includes_the_economy_wide_cap():
    # only the economy-wide cap binds: steel's own dual is blank, its effective cost is
    # the economy-wide dual
    r = solve_tiny(caps=frame(flat(sector="all", cap_mtco2=0.4)),
                   technology_costs=frame(EXPENSIVE))
    assert emissions(r)["mac_jpy_per_tco2"] != emissions(r)["mac_jpy_per_tco2"]   # NaN
    assert emissions(r)["effective_mac_jpy_per_tco2"] == pytest.approx(MAC, rel=1e-6)
