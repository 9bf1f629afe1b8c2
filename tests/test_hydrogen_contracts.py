"""Hydrogen price-gap contracts (formulation 9.4), by hand.

`new` runs on 1 GJ of hydrogen per t instead of electricity. Hydrogen costs 2,000
JPY/GJ on the market, so `new` costs 2,000 + capital_per_year(1,000) = 2,082 JPY/t
against old's 1,000: never built without a contract. Under a contract firms pay the
reference price (coal, 100 JPY/GJ): 182 JPY/t, so `new` runs on all the contracted
hydrogen and no more. The state pays strike - reference = 2,900 JPY/GJ.
"""
import pytest

from decarb.inputs.settings import Settings
from tests.test_formulation import cost, output
from tests.tiny import flat, frame, one_year, solve_tiny, tiny_frames

STRIKE, REFERENCE = 3000.0, 100.0


def hydrogen_case(volume=0.3, start=2025, threshold=0.03, factor=0.0):
    base = tiny_frames()
    return dict(
        commodities=pd_concat(base["commodities"], frame([dict(
            commodity="hydrogen", kind="energy", unit="GJ")])),
        commodity_prices=pd_concat(base["commodity_prices"], frame(flat(
            commodity="hydrogen", price_jpy_per_unit=2000.0,
            scope2_ef_tco2_per_unit=factor))),
        technology_flows=frame([
            dict(technology="old", commodity="coal", direction="in", amount_per_unit=10.0),
            dict(technology="new", commodity="hydrogen", direction="in",
                 amount_per_unit=1.0)]),
        hydrogen_contracts=frame([dict(
            contract="k1", commodity="hydrogen", start_year=start, term_yr=15,
            volume_m_per_yr=volume, strike_jpy_per_unit=STRIKE, reference_commodity="coal",
            max_supply_tco2_per_unit=threshold)]))


def pd_concat(*frames):
    import pandas as pd
    return pd.concat(frames, ignore_index=True)


def settings(**changes) -> Settings:
    return one_year(hydrogen_contracts=True, **changes)


def test_a_contract_is_used_up_to_its_volume_and_the_state_pays_the_gap():
    r = solve_tiny(settings(), **hydrogen_case())
    assert output(r, "new") == pytest.approx(0.3)
    contracts = r.tables["hydrogen_contracts"]
    assert contracts["bought_m_per_yr"].iloc[0] == pytest.approx(0.3)
    assert bool(contracts["full"].iloc[0])
    # 0.3 PJ x 2,900 JPY/GJ = 870 MJPY in the one year
    assert cost(r, "hydrogen_cfd:k1", "public", "public_cost_bjpy") == pytest.approx(0.87)


def test_without_contracts_the_dear_hydrogen_is_not_used():
    assert output(solve_tiny(one_year(), **hydrogen_case()), "new") == pytest.approx(0.0)


def test_the_budget_stops_the_contract_short_of_its_volume():
    # 0.58 BJPY / 2,900 JPY/GJ = 0.2 PJ
    r = solve_tiny(settings(hydrogen_contract_budget_bjpy=0.58), **hydrogen_case())
    assert output(r, "new") == pytest.approx(0.2)


@pytest.mark.parametrize("case", [dict(start=2026), dict(factor=0.05)])
def test_no_delivery_before_the_start_or_above_the_low_carbon_threshold(case):
    assert output(solve_tiny(settings(), **hydrogen_case(**case)), "new") == pytest.approx(0.0)
