"""Finance helpers against numbers worked out by hand."""
import pytest

from decarb.formulation import finance


def test_special_depreciation_worked_check():
    # formulation.md: tau 0.30, r 8%, N 14, 50% special depreciation -> ~0.0506 x I.
    # By hand: annuity factor a = (1 - 1.08**-14) / 0.08 = 8.24424; normal PV = a/14 =
    # 0.588874; accelerated PV = 0.5/1.08 + 0.5 * 0.588874 = 0.757401; gain x 0.30.
    assert finance.special_depreciation_value(0.30, 0.08, 14, 0.5) == pytest.approx(
        0.30 * (0.5 / 1.08 + 0.5 * 0.588874 - 0.588874), abs=1e-5)
    assert finance.special_depreciation_value(0.30, 0.08, 14, 0.5) == pytest.approx(0.0506,
                                                                                    abs=5e-5)


def test_special_depreciation_is_worth_nothing_without_discounting():
    assert finance.special_depreciation_value(0.30, 0.0, 14, 0.5) == pytest.approx(0.0)


def test_capital_recovery_factor():
    # 8% over 20 years: 0.08 * 1.08**20 / (1.08**20 - 1) = 0.101852
    assert finance.capital_recovery_factor(0.08, 20) == pytest.approx(0.1018522, rel=1e-6)
    assert finance.capital_recovery_factor(0.0, 4) == 0.25
    # one year: pay back the capital with one year's interest
    assert finance.capital_recovery_factor(0.05, 1) == pytest.approx(1.05)


def test_discount_factors_and_period_weights():
    assert finance.discount_factors(0.1, 2025, [2025, 2026, 2027]).tolist() == pytest.approx(
        [1.0, 1 / 1.1, 1 / 1.21])
    weights = finance.period_weights(0.1, [2025, 2027], 2)
    assert weights[2025] == pytest.approx(1 + 1 / 1.1)
    assert weights[2027] == pytest.approx(1 / 1.21 + 1 / 1.331)


def test_annuities_outside_the_horizon_are_not_charged():
    # 10-year life built in 2045, horizon ends after 2050: 6 of 10 annuities count.
    assert finance.annuity_weight(0.0, 10, 2045, 2025, 2051) == pytest.approx(0.6)
    # repaid wholly inside the horizon, a build costs its capital at the build year
    assert finance.annuity_weight(0.08, 10, 2025, 2025, 2040) == pytest.approx(1.0)
    assert finance.annuity_weight(0.08, 10, 2030, 2025, 2040) == pytest.approx(1.08 ** -5)
    # one year inside the horizon: one annuity, paid at the year's end
    crf = 0.08 * 1.08 ** 30 / (1.08 ** 30 - 1)
    assert finance.annuity_weight(0.08, 30, 2025, 2025, 2026) == pytest.approx(crf / 1.08)
