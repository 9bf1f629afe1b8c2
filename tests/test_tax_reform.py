"""The FY2026 investment incentive and per-company tax capacity (formulation 9.7, 9.8),
by hand, in plant mode: plant `a` (1 Mt/yr) must switch to `new` (the cap of 0), one
investment of I = 10,000 JPY/(t/yr) x 1 Mt = 10 BJPY.
"""
import pytest

from tests.test_plants import SD_VALUE, _tax
from tests.tiny import frame, one_year
from tests.tiny_plants import edge, plants, solve_plants

# Deducting all of I in year 1 instead of I/14 in years 1..14, tax 30%, 8%:
_DF = [1.08 ** -t for t in range(1, 15)]
EXPENSING_VALUE = 0.3 * (_DF[0] - sum(_DF) / 14)      # 0.1011 per JPY


def incentive(min_large=3.5, credit_rate=0.07, expensing_rate=1.0):
    return frame([dict(incentive="bold", first_year=2025, last_year=2030,
                       credit_rate=credit_rate, expensing_rate=expensing_rate, tax_rate=0.3,
                       credit_cap_share=0.2, min_investment_bjpy_large=min_large,
                       min_investment_bjpy_sme=0.5)])


def switch(settings, **changes):
    r = solve_plants(plants(("a", 1.0, 2030)), [edge(capex=10000.0)], settings, **changes)
    return r.tables["plant_investments"].iloc[0]


def test_a_large_investment_takes_the_best_incentive_alone():
    # CN tax: credit 10% = 1.0 BJPY or SD 0.506; the incentive: credit 7% = 0.7 or
    # expensing 1.011 BJPY. One incentive per investment: expensing, not a sum.
    inv = switch(one_year(mode="plant", tax_scheme="t", investment_incentive="bold"),
                 investment_incentives=incentive(), **_tax(10.0))
    assert inv["incentive"] == "bold_expensing"
    assert inv["tax_benefit_bjpy"] == pytest.approx(EXPENSING_VALUE * 10.0, rel=1e-6)


def test_an_investment_under_the_size_threshold_keeps_the_cn_tax():
    inv = switch(one_year(mode="plant", tax_scheme="t", investment_incentive="bold"),
                 investment_incentives=incentive(min_large=20.0), **_tax(10.0))
    assert (inv["incentive"], inv["tax_benefit_bjpy"]) == ("credit", pytest.approx(1.0))


def test_the_incentive_credit_is_capped_by_its_share_of_tax():
    # Expensing off: the 7% credit (0.7 BJPY) against its cap of 20% x 2 BJPY = 0.4;
    # with the CN tax off, the switch claims 0.4.
    inv = switch(one_year(mode="plant", investment_incentive="bold"),
                 investment_incentives=incentive(expensing_rate=0.0), **_tax(2.0))
    assert (inv["incentive"], inv["tax_benefit_bjpy"]) == ("bold_credit",
                                                            pytest.approx(0.4))


def company(tax_bjpy: float) -> dict:
    """Company A, owing `tax_bjpy` a year."""
    return dict(companies=frame([dict(company="A", kind="company", size_class="large")]),
                company_tax=frame([dict(company="A", year=y, corporate_tax_bjpy_per_yr=tax_bjpy)
                                   for y in (2025, 2050)]))


def test_a_credit_is_capped_by_its_company_s_tax_not_the_sector_s():
    # The sector owes 10 BJPY (cap 2 BJPY: the 1 BJPY credit fits), but the plant's
    # company owes 2: its cap 0.4 BJPY is below SD's 0.506, so SD is chosen.
    fleet = plants(("a", 1.0, 2030)).assign(company="A")
    r = solve_plants(fleet, [edge(capex=10000.0)], one_year(mode="plant", tax_scheme="t"),
                     **company(2.0), **_tax(10.0))
    inv = r.tables["plant_investments"].iloc[0]
    assert inv["incentive"] == "special_depreciation"
    assert inv["tax_benefit_bjpy"] == pytest.approx(SD_VALUE * 10.0, rel=1e-6)
