"""Embedded CO2 of imported commodities (scope 3), by hand on the tiny case.

`old` also consumes 2 t of imported `ingot` per t of steel; making one t of
ingot abroad emitted 3 t-CO2, so old carries 2 x 3 = 6 t-CO2/t embedded on top
of its 1 t-CO2/t direct. `new` uses no ingot.
"""
import pytest

from tests.test_formulation import EXPENSIVE, emissions, output
from tests.tiny import flat, frame, one_year, solve_tiny, tiny_frames

CAP_4 = frame(flat(sector="steel", cap_mtco2=4.0))


def with_ingot(**changes):
    f = tiny_frames()
    frames = dict(
        commodities=frame(f["commodities"].to_dict("records") + [
            dict(commodity="ingot", kind="material", unit="t", embedded_ef_tco2_per_unit=3.0)]),
        commodity_prices=frame(f["commodity_prices"].to_dict("records")
                               + flat(commodity="ingot", price_jpy_per_unit=0.0)),
        technology_flows=frame(f["technology_flows"].to_dict("records") + [
            dict(technology="old", commodity="ingot", direction="in", amount_per_unit=2.0)]),
        technology_costs=frame(EXPENSIVE), caps=CAP_4)
    return {**frames, **changes}


def test_embedded_co2_is_reported_but_not_counted_by_default():
    # Off: the cap counts old's 1 t/t only, 1 Mt <= 4 Mt, so the cheaper old makes
    # everything; its 1 Mt of steel used 2 Mt of ingot, 6 Mt-CO2 embedded.
    r = solve_tiny(**with_ingot())
    assert output(r, "new") == pytest.approx(0.0)
    row = emissions(r)
    assert row["embedded_mtco2"] == pytest.approx(6.0)
    assert row["counted_mtco2"] == pytest.approx(1.0)
    assert emissions(r, "all")["embedded_mtco2"] == pytest.approx(6.0)


def test_counted_embedded_co2_makes_the_cap_bind():
    # On: old counts 1 + 6 = 7 t/t, new 0, so 7 (1 - x) <= 4 gives x = 3/7 of new.
    r = solve_tiny(one_year(count_embedded_imports=True), **with_ingot())
    assert output(r, "new") == pytest.approx(3 / 7)
    row = emissions(r)
    assert row["embedded_mtco2"] == pytest.approx(6 * 4 / 7)
    assert row["counted_mtco2"] == pytest.approx(4.0)


def test_the_carbon_price_is_not_paid_on_embedded_co2():
    # A price of 200 JPY/t on old's 1 t/t direct CO2 keeps old cheaper than new
    # (1,000 + 200 < annuity 1,645 + 100 power); on 7 t/t (1,000 + 1,400) it would not.
    r = solve_tiny(one_year(count_embedded_imports=True),
                   **with_ingot(caps=frame(flat(sector="steel", cap_mtco2=10.0)),
                                carbon_price=frame(flat(price_jpy_per_tco2=200.0))))
    assert output(r, "new") == pytest.approx(0.0)
