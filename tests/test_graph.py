"""The commodity / technology graph: supplies, operability, heat bands, unused items."""
from __future__ import annotations

from decarb.inputs.graph import COMMODITY, TECHNOLOGY, build_graph
from decarb.inputs.loading import dataset_from_frames
from tests.test_validation import append, edit, problem_at, problems_of, with_technology
from tests.tiny import tiny_frames, tiny_settings


def demand_for(commodity: str, frames: dict) -> dict:
    return append("demand", *[dict(commodity=commodity, year=y, demand_m_per_yr=1.0)
                              for y in (2025, 2050)], frames=frames)


def flow(technology: str, commodity: str, direction: str = "in") -> dict:
    return dict(technology=technology, commodity=commodity, direction=direction,
                amount_per_unit=1.0)


def heat_case(hot_c: float, cool_c: float) -> dict:
    """A furnace makes `heat_hi` (hot_c degC) from electricity; `heat_lo` is demanded."""
    frames = append("commodities",
                    dict(commodity="heat_hi", kind="heat", unit="GJ", sector="steel",
                         temperature_max_c=hot_c),
                    dict(commodity="heat_lo", kind="heat", unit="GJ", sector="steel",
                         temperature_max_c=cool_c))
    frames = with_technology("furnace", "heat_hi", frames=frames)
    frames = append("technology_flows", flow("furnace", "electricity"), frames=frames)
    return demand_for("heat_lo", frames)


def test_edges_run_from_inputs_through_technologies_to_outputs():
    ds = dataset_from_frames(tiny_frames(), tiny_settings())
    graph = build_graph(ds.commodities, ds.technologies, ds.technology_flows)
    assert graph.has_edge((COMMODITY, "coal"), (TECHNOLOGY, "old"))
    assert graph.has_edge((TECHNOLOGY, "old"), (COMMODITY, "steel"))
    assert not graph.has_edge((TECHNOLOGY, "old"), (COMMODITY, "co2_captured"))


def test_capture_makes_the_co2_commodity():
    ds = dataset_from_frames(tiny_frames(), tiny_settings())
    graph = build_graph(ds.commodities, ds.technologies.assign(capture_rate=[0.9, 0.0]),
                        ds.technology_flows)
    assert graph.has_edge((TECHNOLOGY, "old"), (COMMODITY, "co2_captured"))


def test_demand_nothing_makes_or_sells():
    frames = append("commodities", dict(commodity="cement", kind="product", unit="t",
                                        sector="steel"))
    problems = problems_of(demand_for("cement", frames))
    assert len(problems) == 1
    problem_at(problems, "demand.csv", 3, "commodity", "cement")


def test_demand_that_can_be_bought_needs_no_producer():
    frames = append("commodities", dict(commodity="cement", kind="product", unit="t",
                                        sector="steel"))
    frames = append("commodity_prices", *[dict(commodity="cement", year=y,
                                               price_jpy_per_unit=1.0) for y in (2025, 2050)],
                    frames=demand_for("cement", frames))
    dataset_from_frames(frames, tiny_settings())


def test_input_nothing_supplies():
    frames = tiny_frames()
    frames["commodity_prices"] = frames["commodity_prices"].iloc[:2]   # no electricity
    problems = problems_of(frames)
    assert len(problems) == 1
    problem = problem_at(problems, "technology_flows.csv", 2, "commodity", "electricity")
    assert "consumed by new" in str(problem)


def test_demand_whose_producers_can_never_run():
    # coal and coke are made only from each other, and neither can be bought
    frames = edit("technology_flows", 2, commodity="coal")
    frames["commodity_prices"] = frames["commodity_prices"].iloc[2:]
    frames = append("commodities", dict(commodity="coke", kind="energy", unit="GJ"),
                    frames=frames)
    frames = with_technology("coke_oven", "coke", frames=with_technology("mine", "coal",
                                                                         frames=frames))
    frames = append("technology_flows", flow("mine", "coke"), flow("coke_oven", "coal"),
                    frames=frames)
    problems = problems_of(frames)
    assert len(problems) == 1
    problem = problem_at(problems, "demand.csv", 1, "commodity", "steel")
    assert "new needs coal" in str(problem) and "old needs coal" in str(problem)


def test_hotter_heat_band_serves_a_cooler_demand():
    ds = dataset_from_frames(heat_case(hot_c=600, cool_c=100), tiny_settings())
    assert not [w for w in ds.warnings if "furnace" in str(w)]


def test_cooler_heat_band_cannot_serve_a_hotter_demand():
    problems = problems_of(heat_case(hot_c=100, cool_c=600))
    assert len(problems) == 1
    problem_at(problems, "demand.csv", 3, "commodity", "heat_lo")


def test_orphan_commodity_warns():
    frames = append("commodities", dict(commodity="hydrogen", kind="energy", unit="GJ"))
    warnings = dataset_from_frames(frames, tiny_settings()).warnings
    problem = problem_at(list(warnings), "commodities.csv", 5, "commodity", "hydrogen")
    assert "unused" in str(problem)


def test_technology_nobody_needs_warns():
    frames = append("commodities", dict(commodity="hydrogen", kind="energy", unit="GJ"))
    frames = with_technology("electrolyser", "hydrogen", frames=frames)
    frames = append("technology_flows", flow("electrolyser", "electricity"), frames=frames)
    warnings = list(dataset_from_frames(frames, tiny_settings()).warnings)
    problem = problem_at(warnings, "technologies.csv", 3, "output", "hydrogen")
    assert "electrolyser" in str(problem)
    assert not [w for w in warnings if "'hydrogen'" in str(w) and "commodities.csv" in str(w)]

