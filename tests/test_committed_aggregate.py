"""Committed events in aggregate mode (committed_builds.py, committed.exits): the tiny
case of tests/tiny.py, where `new` (20,000 JPY/(t/yr), 100 JPY/t to run) is dearer
than running `old` (1,000 JPY/t): 1,645 + 100 > 1,000 JPY/t."""
import pytest

from decarb.errors import InputError
from decarb.inputs.cases import dataset_case, derive
from decarb.inputs.loading import Reader, dataset_from_frames
from decarb.solving.resolve import Session
from decarb.workflow.run import run_case
from tests.test_formulation import EXPENSIVE, cost, investment, output
from tests.tiny import (CRF_8PCT_30YR, flat, frame, one_year, solve_tiny, tiny_frames,
                        tiny_settings, write_case)
from tests.tiny_plants import edge, plants


def event(kind="build", plant="unit_e", year=2025, technology="new", capacity=0.3,
          capex=9.0, subsidy=3.0, programme=""):
    return dict(project="e", event=kind, plant=plant, year=year, technology=technology,
                capacity_m_per_yr=capacity, capex_bjpy=capex, subsidy_bjpy=subsidy,
                programme=programme)


def solve(settings, *events, **changes):
    changes.setdefault("technology_costs", frame(EXPENSIVE))
    if events:
        changes["committed"] = frame(list(events))
    return solve_tiny(settings, **changes)


def test_an_announced_build_is_built_at_its_capex_with_its_award():
    # 0.3 Mt/yr of new for 9 BJPY (30,000 JPY/(t/yr), not the 20,000 of a new site),
    # 3 BJPY of it awarded. Apart from it nothing is built, and it runs (support is paid
    # for capacity in service): new 0.3, old 0.7. Private capital of the one year:
    # (9 - 3) BJPY x CRF(8%, 30) / 1.08 = 0.4935 BJPY.
    r = solve(one_year(), event())
    row = investment(r)
    assert row["new_capacity_m_per_yr"] == pytest.approx(0.3)
    assert row["capex_bjpy"] == pytest.approx(9.0)
    assert row["subsidy_committed_bjpy"] == pytest.approx(3.0)
    assert output(r, "new") == pytest.approx(0.3)
    assert output(r, "old") == pytest.approx(0.7)
    assert cost(r, "capital") == pytest.approx(6.0 * CRF_8PCT_30YR / 1.08, rel=1e-6)
    assert cost(r, "total", kind="public", column="public_cost_bjpy") == pytest.approx(3.0)


@pytest.mark.parametrize("unit", [None, 1.0], ids=["build_rate", "diffusion"])
def test_an_announced_build_passes_the_growth_limits(unit):
    # new may grow from a seed of 0.05 Mt/yr (whole units of 1.0: on installed capacity);
    # the announced 0.3 is a fact on top of it, and nothing else is worth building
    technologies = tiny_frames()["technologies"].assign(
        max_growth_per_yr=[None, 0.1], growth_seed_m_per_yr=[0.0, 0.05],
        unit_size_m_per_yr=[None, unit])
    r = solve(one_year(), event(), technologies=technologies)
    assert investment(r)["new_capacity_m_per_yr"] == pytest.approx(0.3)


def test_an_announced_closure_takes_its_plant_out_of_existing_capacity():
    # 2.0 Mt/yr of old stand, plant a's 0.8 of it closes in 2030: 1.2 are left for a
    # demand of 1.5, so 0.3 of new is built in 2030 (dearer than old, never otherwise).
    fleet = plants(("a", 0.8, 2040), ("b", 1.2, 2040))
    demand = frame(flat(commodity="steel", demand_m_per_yr=1.5))
    closed = solve(tiny_settings(), event("close", "a", 2030, "", None, None, None),
                   plants=fleet, demand=demand)
    assert output(closed, "new", 2030) == pytest.approx(0.3)
    assert output(closed, "old", 2030) == pytest.approx(1.2)
    kept = solve(tiny_settings(), plants=fleet, demand=demand)
    assert output(kept, "new", 2030) == pytest.approx(0.0)


def test_an_announced_conversion_moves_its_plant_to_the_new_technology():
    # plant b (1.2 Mt/yr of old) is converted in 2030 for 12 BJPY: old keeps 0.8, new
    # gets b's 1.2 and, cheaper to run, makes 1.2 of the 1.5 demanded.
    fleet = plants(("a", 0.8, 2040), ("b", 1.2, 2040))
    r = solve(tiny_settings(), event("switch", "b", 2030, "new", None, 12.0, 0.0),
              plants=fleet, transitions=frame([edge()]),
              demand=frame(flat(commodity="steel", demand_m_per_yr=1.5)))
    row = investment(r, year=2030)
    assert (row["new_capacity_m_per_yr"], row["capex_bjpy"]) == pytest.approx((1.2, 12.0))
    assert output(r, "new", 2030) == pytest.approx(1.2)
    assert output(r, "old", 2030) == pytest.approx(0.3)


def _round(programme: str):
    # With 3/4 of it from the round, new costs 5,000 JPY/(t/yr) privately: 411 + 100 <
    # 1,000 JPY/t, so the model builds as much as the round's 18 BJPY released in FY2024
    # pay for at 15,000 JPY/(t/yr). An announced build of 0.3 Mt/yr has an award of 3 BJPY.
    return solve(one_year(), event(programme=programme),
                 demand=frame(flat(commodity="steel", demand_m_per_yr=2.0)),
                 subsidies=frame([dict(programme="gx", rate=0.75, first_year=2025,
                                       last_year=2030, budget_bjpy_per_yr=None)]),
                 subsidy_eligibility=frame([dict(programme="gx", technology="new")]),
                 subsidy_budgets=frame([dict(programme="gx", year=2024, budget_bjpy=18.0)]))


def test_an_award_is_paid_from_its_round_and_leaves_the_rest_of_it():
    # apart: 18 / 15,000 = 1.2 Mt/yr of the model's own; from the round: (18 - 3) /
    # 15,000 = 1.0, beside the announced 0.3
    apart, shared = _round(""), _round("gx")
    assert investment(apart)["subsidy_gx_bjpy"] == pytest.approx(18.0)
    assert investment(apart)["new_capacity_m_per_yr"] == pytest.approx(1.5)
    assert investment(shared)["subsidy_gx_bjpy"] == pytest.approx(18.0)
    assert investment(shared)["new_capacity_m_per_yr"] == pytest.approx(1.3)


def test_a_committed_build_stays_fixed_when_a_later_first_year_closes_builds_in_place():
    # The award pays 8.9 of 9 BJPY: more of the project would be a bargain. A later
    # first year for `new` closes its new sites in place; the project stays 0.3 Mt/yr.
    def case(first_year):
        technologies = tiny_frames()["technologies"].assign(first_year=[2000, first_year])
        frames = tiny_frames(technologies=technologies, technology_costs=frame(EXPENSIVE),
                             committed=frame([event(subsidy=8.9)]))
        return dataset_from_frames(frames, one_year())
    session = Session()
    run_case(case(2025), session)
    again, fresh = run_case(case(2030), session), run_case(case(2030))
    assert again.meta["solver"]["model"] == "changed in place and re-solved"
    assert investment(again)["new_capacity_m_per_yr"] == pytest.approx(0.3)
    assert again.solution.objective_mjpy == pytest.approx(fresh.solution.objective_mjpy,
                                                          rel=1e-9)


def _round_frames(budget_bjpy: float) -> dict:
    return tiny_frames(committed=frame([event(programme="gx")]),
                       subsidies=frame([dict(programme="gx", rate=0.75, first_year=2025,
                                             last_year=2030, budget_bjpy_per_yr=None)]),
                       subsidy_eligibility=frame([dict(programme="gx", technology="new")]),
                       subsidy_budgets=frame([dict(programme="gx", year=2024,
                                                   budget_bjpy=budget_bjpy)]))


def test_an_award_beyond_the_money_its_round_has_released_is_named():
    # The 3 BJPY award of 2025 against 2 BJPY released by then: the run could only be
    # infeasible, so the input is refused, naming the award's cell
    with pytest.raises(InputError) as refused:
        dataset_from_frames(_round_frames(2.0), one_year())
    assert [str(p) for p in refused.value.problems] == [
        "<memory>/committed.csv, row 1, column 'subsidy_bjpy': found '3'; expected awards "
        "of gx within the money it has released by 2025 (2.0 BJPY in subsidy_budgets.csv; "
        "awards so far 3.0)"]
    assert dataset_from_frames(_round_frames(3.0), one_year()).committed.shape[0] == 1


def test_a_reader_that_refused_a_round_reads_the_round_as_it_is_again(tmp_path):
    # A sweep worker's Reader keeps what it checked (here plants.csv and transitions.csv
    # too): the problems of a point with too little money must not stay with the next
    frames = {**_round_frames(18.0), "plants": plants(("a", 1.0, 2030)),
              "transitions": frame([edge()])}
    base = dataset_case(write_case(tmp_path / "round", frames, one_year()))
    short = derive(base, "--lever budget_scale=0.1",
                   {"tables": {"subsidy_budgets": {"scale": {"budget_bjpy": 0.1}}}})
    reader = Reader()
    assert len(reader.read(base.dataset, base).committed) == 1
    with pytest.raises(InputError, match="released by 2025 \\(1.8 BJPY"):
        reader.read(short.dataset, short)
    assert len(reader.read(base.dataset, base).committed) == 1
