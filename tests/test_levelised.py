"""Levelised costs, break-even prices and the MAC curve against figures worked out by hand.

The tiny case (tests/tiny.py): `old` burns 10 GJ coal/t at 100 JPY/GJ and emits 1 t-CO2/t;
`new` uses 1 GJ electricity/t at 100 JPY/GJ, capex 1,000 JPY/(t/yr), 30 yr, 8%. A unit
of output built in a year carries one annuity paid at the year's end, valued at its
start: capex * CRF(8%, 30) / 1.08 (tests.tiny.capital_per_year).
"""
import pandas as pd
import pytest
from click.testing import CliRunner

from decarb.cli import main
from decarb.inputs.loading import dataset_from_frames
from decarb.outputs.levelised import format_levelised, levelised_costs
from decarb.outputs.mac_curve import mac_curve
from tests.tiny import (capital_per_year, costs, flat, frame, one_year, solve_tiny,
                        tiny_frames, write_case)

# An incumbent that costs nothing to build, as standing capacity does in the model: the
# break-even against its levelised cost is the model's abatement cost.
EXPENSIVE = costs("old", 0.0) + costs("new", 20000.0)


def row(table: pd.DataFrame, technology: str, year: int = 2025) -> pd.Series:
    return table.loc[(table["technology"] == technology) & (table["year"] == year)].iloc[0]


def levelised(settings=None, **changes) -> pd.DataFrame:
    return levelised_costs(dataset_from_frames(tiny_frames(**changes), settings or one_year()))


def test_the_split_of_each_technology_adds_up_by_hand():
    price = frame(flat(price_jpy_per_tco2=300.0))
    t = levelised(carbon_price=price,
                  technology_costs=frame(costs("old", 50000.0, fixed_om=500.0, var_om=20.0)
                                         + costs("new", 1000.0)))
    old = row(t, "old")
    life_40 = 0.08 * 1.08 ** 40 / (1.08 ** 40 - 1)
    assert old["capital_jpy_per_unit"] == pytest.approx(50000.0 * life_40 / 1.08)
    assert old["fixed_om_jpy_per_unit"] == 500.0 and old["var_om_jpy_per_unit"] == 20.0
    assert old["coal_jpy_per_unit"] == pytest.approx(1000.0)           # 10 GJ x 100 JPY
    assert old["carbon_jpy_per_unit"] == pytest.approx(300.0)          # 1 t x 300 JPY/t
    assert old["levelised_jpy_per_unit"] == pytest.approx(
        50000.0 * life_40 / 1.08 + 500.0 + 20.0 + 1000.0 + 300.0)
    new = row(t, "new")
    assert new["capital_jpy_per_unit"] == pytest.approx(capital_per_year(1000.0))
    assert new["electricity_jpy_per_unit"] == pytest.approx(100.0)
    assert new["carbon_jpy_per_unit"] == 0.0
    assert new["compared_with"] == "old"


def test_availability_spreads_capital_and_fixed_om_over_less_output():
    techs = tiny_frames()["technologies"].assign(availability=[1.0, 0.5])
    t = levelised(technologies=techs,
                  technology_costs=frame(costs("old", 50000.0) + costs("new", 1000.0, 40.0)))
    assert row(t, "new")["capital_jpy_per_unit"] == pytest.approx(2 * capital_per_year(1000.0))
    assert row(t, "new")["fixed_om_jpy_per_unit"] == pytest.approx(80.0)


def test_break_even_carbon_price_is_the_cap_dual_of_the_tiny_case():
    by_hand = capital_per_year(20000.0) + 100.0 - 1000.0        # 744.95 JPY/t-CO2
    t = levelised(technology_costs=frame(EXPENSIVE))
    assert row(t, "new")["breakeven_carbon_jpy_per_tco2"] == pytest.approx(by_hand)
    solved = solve_tiny(caps=frame(flat(sector="steel", cap_mtco2=0.4)),
                        technology_costs=frame(EXPENSIVE))
    mac = solved.tables["emissions"].set_index(["sector", "year"]).loc[
        ("steel", 2025), "mac_jpy_per_tco2"]
    assert row(t, "new")["breakeven_carbon_jpy_per_tco2"] == pytest.approx(mac, rel=1e-6)


def test_break_even_carbon_price_counts_scope_2_only_when_the_price_does():
    prices = tiny_frames()["commodity_prices"].assign(
        scope2_ef_tco2_per_unit=lambda t: t["commodity"].map({"electricity": 0.5}))
    s1 = levelised(commodity_prices=prices, technology_costs=frame(EXPENSIVE))
    s12 = levelised(one_year(carbon_price_scope="scope1+2"), commodity_prices=prices,
                    technology_costs=frame(EXPENSIVE))
    gap = capital_per_year(20000.0) + 100.0 - 1000.0
    assert row(s1, "new")["scope12_tco2_per_unit"] == pytest.approx(0.5)
    assert row(s1, "new")["breakeven_carbon_jpy_per_tco2"] == pytest.approx(gap / 1.0)
    assert row(s12, "new")["breakeven_carbon_jpy_per_tco2"] == pytest.approx(gap / 0.5)


def hydrogen_frames(h2_price: float) -> dict:
    base = tiny_frames()
    return dict(
        commodities=pd.concat([base["commodities"], frame([dict(
            commodity="hydrogen", kind="energy", unit="GJ")])]),
        commodity_prices=pd.concat([base["commodity_prices"], frame(flat(
            commodity="hydrogen", price_jpy_per_unit=h2_price))]),
        technologies=pd.concat([base["technologies"], frame([dict(
            technology="h2", sector="steel", pathway="hydrogen", output="steel", life_yr=30,
            first_year=2025)])]),
        technology_costs=frame(costs("old", 0.0) + costs("new", 20000.0)
                               + costs("h2", 5000.0)),
        technology_flows=pd.concat([base["technology_flows"], frame([dict(
            technology="h2", commodity="hydrogen", direction="in", amount_per_unit=2.0)])]),
        carbon_price=frame(flat(price_jpy_per_tco2=200.0)))


def test_break_even_hydrogen_price_makes_the_route_cost_the_incumbent():
    # h2: 2 GJ H2/t at 1,000 JPY/GJ + the annuity of 5,000; old: 1,000 coal + 200 carbon.
    t = levelised(**hydrogen_frames(1000.0))
    by_hand = (1000.0 + 200.0 - capital_per_year(5000.0)) / 2.0
    assert row(t, "h2")["breakeven_hydrogen_jpy_per_unit"] == pytest.approx(by_hand)
    at_break_even = levelised(**hydrogen_frames(by_hand))
    assert row(at_break_even, "h2")["levelised_jpy_per_unit"] == pytest.approx(
        row(at_break_even, "old")["levelised_jpy_per_unit"])
    assert pd.isna(row(t, "new")["breakeven_hydrogen_jpy_per_unit"])   # uses no hydrogen


def test_printed_inputs_of_a_hydrogen_route_are_its_hydrogen_bill_only():
    # h2 buys 2 GJ H2/t at 1,000 JPY/GJ and nothing else: its inputs are 2,000 JPY/t, not
    # 2,000 plus its break-even hydrogen price (a price per GJ, not a cost per tonne).
    t = levelised(**hydrogen_frames(1000.0))
    line = next(s for s in format_levelised(t, [2025]).splitlines() if s.split()[:1] == ["h2"])
    assert line.split()[5] == "2,000"


def heat_frames() -> dict:
    """`mill` makes steel from 2 GJ of heat (no price); `boiler`, the heat incumbent,
    burns 1.25 GJ coal per GJ (0.125 t-CO2/GJ) at capex 800 JPY/(GJ/yr), 20 yr."""
    base = tiny_frames()
    return dict(
        commodities=pd.concat([base["commodities"], frame([
            dict(commodity="heat", kind="heat", unit="GJ", sector="steel",
                 temperature_max_c=200.0),
            dict(commodity="heat_hot", kind="heat", unit="GJ", sector="steel",
                 temperature_max_c=600.0)])]),
        technologies=pd.concat([base["technologies"], frame([
            dict(technology="mill", sector="steel", pathway="efficiency", output="steel",
                 life_yr=30, first_year=2025),
            dict(technology="boiler", sector="steel", pathway="incumbent", output="heat_hot",
                 life_yr=20, first_year=2000)])]),
        technology_costs=frame(costs("old", 50000.0) + costs("new", 1000.0)
                               + costs("mill", 1000.0) + costs("boiler", 800.0)),
        technology_flows=pd.concat([base["technology_flows"], frame([
            dict(technology="mill", commodity="heat", direction="in", amount_per_unit=2.0),
            dict(technology="boiler", commodity="coal", direction="in",
                 amount_per_unit=1.25)])]))


def test_heat_is_valued_at_its_incumbent_maker_through_the_cascade():
    t = levelised(**heat_frames())
    life_20 = 0.08 * 1.08 ** 20 / (1.08 ** 20 - 1)
    boiler = 800.0 * life_20 / 1.08 + 125.0                  # annuity + 1.25 GJ coal
    assert row(t, "boiler")["levelised_jpy_per_unit"] == pytest.approx(boiler)
    mill = row(t, "mill")
    assert mill["heat_jpy_per_unit"] == pytest.approx(2 * boiler)
    assert mill["levelised_jpy_per_unit"] == pytest.approx(capital_per_year(1000.0)
                                                           + 2 * boiler)
    assert mill["scope1_tco2_per_unit"] == pytest.approx(2 * 0.125)
    # 0.75 t-CO2/t abated against old for (mill - old cost) per tonne
    assert mill["breakeven_carbon_jpy_per_tco2"] == pytest.approx(
        (capital_per_year(1000.0) + 2 * boiler - row(t, "old")["levelised_jpy_per_unit"])
        / 0.75)


def test_captured_co2_pays_storage_and_a_by_product_is_credited():
    base = tiny_frames()
    t = levelised(
        commodities=pd.concat([base["commodities"], frame([dict(
            commodity="slag", kind="material", unit="t")])]),
        commodity_prices=pd.concat([base["commodity_prices"],
                                    frame(flat(commodity="co2_captured",
                                               price_jpy_per_unit=50.0)),
                                    frame(flat(commodity="slag", price_jpy_per_unit=30.0))]),
        technologies=base["technologies"].assign(capture_rate=[0.9, 0.0]),
        technology_flows=pd.concat([base["technology_flows"], frame([dict(
            technology="old", commodity="slag", direction="out", amount_per_unit=0.5)])]))
    old = row(t, "old")
    assert old["co2_captured_jpy_per_unit"] == pytest.approx(0.9 * 50.0)
    assert old["slag_jpy_per_unit"] == pytest.approx(-0.5 * 30.0)
    assert old["scope1_tco2_per_unit"] == pytest.approx(0.1)


def mac_frames() -> dict:
    """Three cleaner routes for 1 Mt/yr of steel (old: 1,000 JPY/t, 1 t-CO2/t):
    cheap (0.6 t, +100 JPY/t), deep (0 t, +1,000 JPY/t) and bad (0.5 t, +2,000 JPY/t:
    dearer and dirtier than deep, so no measure)."""
    base = tiny_frames()
    extra = [dict(technology=k, sector="steel", pathway="efficiency", output="steel",
                  life_yr=30, first_year=2025) for k in ("cheap", "deep", "bad")]
    return dict(
        technologies=pd.concat([base["technologies"].iloc[:1], frame(extra)]),
        technology_costs=frame(costs("old", 0.0) + costs("cheap", 0.0) + costs("deep", 0.0)
                               + costs("bad", 0.0)),
        technology_flows=frame([
            dict(technology="old", commodity="coal", direction="in", amount_per_unit=10.0),
            dict(technology="cheap", commodity="coal", direction="in", amount_per_unit=6.0),
            dict(technology="cheap", commodity="electricity", direction="in",
                 amount_per_unit=5.0),
            dict(technology="deep", commodity="electricity", direction="in",
                 amount_per_unit=20.0),
            dict(technology="bad", commodity="coal", direction="in", amount_per_unit=5.0),
            dict(technology="bad", commodity="electricity", direction="in",
                 amount_per_unit=25.0)]))


def test_mac_curve_follows_the_cheapest_steps_and_skips_dominated_routes():
    ds = dataset_from_frames(tiny_frames(**mac_frames()), one_year())
    production = pd.DataFrame({"technology": ["old"], "year": [2025],
                               "output_m_per_yr": [1.0]})
    curve = mac_curve(ds, levelised_costs(ds), production)
    assert curve["to_technology"].tolist() == ["cheap", "deep"]
    assert curve["from_technology"].tolist() == ["old", "cheap"]
    # cheap: +100 JPY/t for 0.4 t; then deep: +900 JPY/t more for 0.6 t more
    assert curve["cost_jpy_per_tco2"].tolist() == pytest.approx([250.0, 1500.0])
    assert curve["abatement_mtco2_per_yr"].tolist() == pytest.approx([0.4, 0.6])
    assert curve["cumulative_mtco2_per_yr"].tolist() == pytest.approx([0.4, 1.0])


def test_every_run_folder_writes_levelised_costs_and_the_curve(tmp_path):
    r = solve_tiny(**mac_frames())
    assert {"levelised_costs", "mac_curve"} <= set(r.tables)
    assert r.tables["mac_curve"]["volume_m_per_yr"].tolist() == pytest.approx([1.0, 1.0])


def test_costs_command_prints_the_table_and_writes_it(tmp_path):
    data = write_case(tmp_path / "tiny", tiny_frames(technology_costs=frame(EXPENSIVE)),
                      one_year())
    out = tmp_path / "costs.csv"
    result = CliRunner().invoke(main, ["costs", "--data", str(data), "--year", "2025",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "steel 2025" in result.output and "745" in result.output   # the break-even
    assert pd.read_csv(out)["technology"].tolist() == ["new", "old"]
    bad = CliRunner().invoke(main, ["costs", "--data", str(data), "--year", "2040"])
    assert bad.exit_code == 2 and "--year" in bad.output
