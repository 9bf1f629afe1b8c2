"""CCS hubs and their cost-gap support (formulation 9.5), by hand.

`cc` is `old` with 90% capture: per t it captures 0.9 t-CO2 and emits 0.1. At a
carbon price of 10,000 JPY/t, old costs 11,000 JPY/t and cc 2,000 + 0.9 x (transport
+ storage) + its small capital charge, so cc makes all 1 Mt/yr and 0.9 Mt-CO2/yr
goes to the hubs. Transport is 500 JPY/t by pipeline to either hub (no cost per km).
Hub `near` stores 0.2 Mt/yr at 1,000 JPY/t, hub `far` 10 Mt/yr at 3,000 JPY/t.
"""
import pandas as pd
import pytest

from tests.test_formulation import cost, output
from tests.tiny import costs, flat, frame, one_year, solve_tiny, tiny_frames


def ccs_case(hubs=(("near", 0.2, 1000.0, "false"), ("far", 10.0, 3000.0, "false")),
             levelised=0.0):
    base = tiny_frames()
    return dict(
        technologies=pd.concat([base["technologies"], frame([dict(
            technology="cc", sector="steel", pathway="ccus", output="steel", life_yr=30,
            first_year=2025, capture_rate=0.9)])], ignore_index=True),
        technology_costs=frame(costs("old", 50000.0) + costs("new", 1e6) + costs("cc", 10.0)),
        technology_flows=pd.concat([base["technology_flows"], frame([dict(
            technology="cc", commodity="coal", direction="in", amount_per_unit=10.0)])],
            ignore_index=True),
        carbon_price=frame(flat(price_jpy_per_tco2=10000.0)),
        ccs_hubs=frame([dict(hub=h, kind="domestic", latitude=35.0, longitude=140.0 + i / 10,
                             start_year=2025, supported=s)
                        for i, (h, _, _, s) in enumerate(hubs)]),
        ccs_hub_paths=frame([row for h, cap, storage, _ in hubs
                             for row in flat(hub=h, capacity_mtco2_per_yr=cap,
                                             storage_jpy_per_tco2=storage)]),
        ccs_transport=frame([dict(mode="pipeline", fixed_jpy_per_tco2=500.0,
                                  jpy_per_tco2_km=0.0, detour_factor=1.0)]),
        sites=frame([dict(site="works", latitude=35.0, longitude=140.05, coastal="true")]),
        ccs_support=frame(flat(levelised_cost_jpy_per_tco2=levelised)))


def hub(result, name):
    table = result.tables["ccs"]
    return table.loc[(table["hub"] == name) & (table["year"] == 2025)].iloc[0]


def test_the_cheap_hub_fills_and_the_rest_goes_to_the_dear_one():
    r = solve_tiny(one_year(ccs_hubs=True), **ccs_case())
    assert output(r, "cc") == pytest.approx(1.0)
    assert hub(r, "near")["stored_mtco2"] == pytest.approx(0.2)
    assert bool(hub(r, "near")["full"])
    assert hub(r, "far")["stored_mtco2"] == pytest.approx(0.7)
    # 0.2 x (500 + 1,000) + 0.7 x (500 + 3,000) = 2,750 MJPY in the one year
    stored = hub(r, "near")[["storage_cost_bjpy", "transport_cost_bjpy"]].sum() \
        + hub(r, "far")[["storage_cost_bjpy", "transport_cost_bjpy"]].sum()
    assert stored == pytest.approx(2.75)


def test_the_support_pays_the_gap_to_the_carbon_price_within_its_budget():
    # Only `far` is supported: 15,000 - 10,000 = 5,000 JPY/t; budget 1 BJPY pays
    # 1,000 MJPY / 5,000 = 0.2 Mt. Supported CO2 at far costs 3,500 - 5,000 < 1,500
    # at near, so far takes 0.2 supported; the remaining 0.7 fill near (0.2) and far.
    r = solve_tiny(one_year(ccs_hubs=True, ccs_support_budget_bjpy=1.0),
                   **ccs_case(hubs=(("near", 0.2, 1000.0, "false"),
                                    ("far", 10.0, 3000.0, "true")), levelised=15000.0))
    assert hub(r, "far")["supported_mtco2"] == pytest.approx(0.2)
    assert hub(r, "far")["support_bjpy"] == pytest.approx(1.0)
    assert cost(r, "ccs_support:far", "public", "public_cost_bjpy") == pytest.approx(1.0)
    assert hub(r, "near")["stored_mtco2"] == pytest.approx(0.2)


def test_in_plant_mode_each_site_ships_what_its_own_plants_capture():
    # Plants a (near the hub: pipeline 500 JPY/t) and b (beyond the pipeline's 100 km:
    # ship 2,000 JPY/t) each run cc at 0.5 Mt/yr and capture 0.45 Mt-CO2/yr. Each site
    # ships its own: 0.45 x 500 + 0.45 x 2,000 = 1,125 MJPY of transport, not 0.9 x 500.
    from tests.tiny_plants import edge, plants, solve_plants

    case = ccs_case(hubs=(("hub", 10.0, 1000.0, "false"),))
    case["technology_costs"] = frame(costs("old", 50000.0) + costs("new", 1e6)
                                     + costs("cc", 1e6))
    case["ccs_transport"] = frame([
        dict(mode="pipeline", fixed_jpy_per_tco2=500.0, jpy_per_tco2_km=0.0,
             detour_factor=1.0, max_km=100.0),
        dict(mode="ship", fixed_jpy_per_tco2=2000.0, jpy_per_tco2_km=0.0, detour_factor=1.0)])
    case["sites"] = frame([dict(site="near", latitude=35.0, longitude=140.05, coastal="true"),
                           dict(site="far", latitude=35.0, longitude=145.0, coastal="true")])
    fleet = plants(("a", 0.5, 2040), ("b", 0.5, 2040), technology="cc").assign(
        site=["near", "far"])
    r = solve_plants(fleet, [edge("cc", "old")], one_year(mode="plant", ccs_hubs=True),
                     **case)
    row = hub(r, "hub")
    assert row["stored_mtco2"] == pytest.approx(0.9)
    assert row["transport_cost_bjpy"] == pytest.approx(1.125)
