"""Plant mode against optima worked out by hand (tests/tiny_plants.py).

Money: a plant of 1 Mt/yr converted for 1,000 JPY/(t/yr) is 1,000 MJPY = 1 BJPY.
Over a one-year horizon an investment costs one annuity, paid at the year's end:
capex * CRF(8%, life) / 1.08.
"""
from __future__ import annotations

import pandas as pd
import pytest

from tests.tiny import capital_per_year, costs, frame, one_year, tiny_frames, tiny_settings
from tests.test_formulation import investment
from tests.tiny_plants import (CONVERSION, cost_bjpy, edge, plants, solve_plants,
                               technology_of)

ANNUAL = dict(year_step=1, mode="plant")


def crf(rate: float, life: int) -> float:
    return rate * (1 + rate) ** life / ((1 + rate) ** life - 1)


def switches(result) -> list[tuple]:
    t = result.tables["plant_investments"]
    return list(t[["plant", "year", "from_technology", "to_technology"]]
                .itertuples(index=False, name=None))


def with_technology(name: str, pathway: str, life_yr: int, fuel: str,
                    amount_per_unit: float) -> dict[str, pd.DataFrame]:
    """The tiny tables with one more steel technology `name` using `amount_per_unit` of
    `fuel` per t; relining `old` costs 4,000 JPY/(t/yr), and `new` and `name` cost 1e6
    to build anew, so plants reach them by converting."""
    base = tiny_frames()
    return dict(
        technologies=pd.concat([base["technologies"], frame([dict(
            technology=name, sector="steel", pathway=pathway, output="steel",
            life_yr=life_yr, first_year=2025)])]),
        technology_flows=pd.concat([base["technology_flows"], frame([dict(
            technology=name, commodity=fuel, direction="in",
            amount_per_unit=amount_per_unit)])]),
        technology_costs=frame(costs("old", 4000.0) + costs("new", 1e6) + costs(name, 1e6)))


def test_a_window_only_switch_happens_in_the_window_not_before():
    # Plant a's next relining is 2028. The switch saves 900 JPY/t a year, which
    # outweighs its annuity (82 JPY/t), so it is made as early as allowed: the
    # edge is window_only, so in 2028, the only window of 2025-2030 (next: 2068).
    # Staying on `old` would also pay the relining in 2028.
    r = solve_plants(plants(("a", 1.0, 2028)), [edge(window_only=True)],
                     tiny_settings(end_year=2030, **ANNUAL))
    assert switches(r) == [("a", 2028, "old", "new")]
    assert [technology_of(r, "a", y) for y in (2027, 2028)] == ["old", "new"]
    inv = r.tables["plant_investments"].iloc[0]
    assert inv["capex_bjpy"] == pytest.approx(1.0)
    assert inv["stranded_bjpy"] == 0.0 and cost_bjpy(r, "relining") == 0.0


# Outside a window the switch pays the book value left of the last relining.
# Next relining 2030, cycle 40 yr: last relining 1990, so in 2025 a share
# (2030 - 2025) / 40 = 0.125 of the relining capex is left. One year: switching
# costs annuity + 100 JPY/t + 0.125 * reline, staying costs 1,000 JPY/t, so the
# break-even relining capex is (900 - annuity) / 0.125 = 6,542 JPY/(t/yr).
BREAK_EVEN_RELINE = (900.0 - capital_per_year(CONVERSION)) / 0.125


@pytest.mark.parametrize("share, switched", [(0.97, True), (1.03, False)])
def test_outside_a_window_the_switch_pays_the_stranded_charge_up_to_break_even(share,
                                                                               switched):
    reline = share * BREAK_EVEN_RELINE
    r = solve_plants(plants(("a", 1.0, 2030)), [edge()], reline=reline)
    assert technology_of(r, "a") == ("new" if switched else "old")
    stranded = 0.125 * reline / 1000 if switched else 0.0          # BJPY
    assert cost_bjpy(r, "stranded_assets") == pytest.approx(stranded)
    if switched:
        assert r.tables["plant_investments"]["stranded_bjpy"].iloc[0] == \
            pytest.approx(stranded)


def test_an_edge_not_in_the_graph_is_never_taken():
    # `new2` runs on half the electricity of `new` (50 JPY/t) for the same conversion
    # capex, so it would be chosen; but only old -> new is an edge.
    extra = with_technology("new2", "electrification", 30, "electricity", 0.5)
    r = solve_plants(plants(("a", 1.0, 2030)), [edge()], **extra)
    assert technology_of(r, "a") == "new"
    production = r.tables["production"]
    assert production.loc[production["technology"] == "new2", "output_m_per_yr"].sum() == 0
    # with the edge, the cheaper-to-run new2 is taken: the test above can fail
    r = solve_plants(plants(("a", 1.0, 2030)), [edge(), edge(b="new2")], **extra)
    assert technology_of(r, "a") == "new2"


def test_a_switch_follows_the_graph_one_edge_a_year():
    # old -> mid -> new, no direct edge; mid is old with another name (same coal).
    # The 2026 cap of 0 needs `new` by 2026. Converting later is cheaper, but a
    # plant switches only out of what ran the year before, so old -> mid in 2025
    # and mid -> new in 2026.
    caps = frame([dict(sector="steel", year=2025, cap_mtco2=1.0),
                  dict(sector="steel", year=2026, cap_mtco2=0.0),
                  dict(sector="steel", year=2050, cap_mtco2=0.0)])
    r = solve_plants(plants(("a", 1.0, 2040)), [edge(b="mid"), edge(a="mid")],
                     tiny_settings(end_year=2026, **ANNUAL), caps=caps,
                     **with_technology("mid", "efficiency", 40, "coal", 10.0))
    assert switches(r) == [("a", 2025, "old", "mid"), ("a", 2026, "mid", "new")]


@pytest.mark.parametrize("lead_time, first_year", [(2, 2025), (0, 2027)])
def test_a_switch_waits_for_its_lead_time_and_first_year(lead_time, first_year):
    # Without relining windows there is no relining nor stranded charge, and the
    # switch saves 900 JPY/t a year against an annuity of 1,000 x CRF(8%, 30) = 89:
    # it is made as early as allowed. A lead time of 2 years counts from the first
    # model year, 2025; either it or `new` first available in 2027 makes the earliest
    # 2027, and the cap of 0 from 2027 needs `new` by then. So old in 2025-2026, the
    # switch in 2027.
    technologies = tiny_frames()["technologies"].replace({"first_year": {2025: first_year}})
    caps = frame([dict(sector="steel", year=y, cap_mtco2=c)
                  for y, c in ((2025, 1.0), (2026, 1.0), (2027, 0.0), (2050, 0.0))])
    r = solve_plants(plants(("a", 1.0, 2040)), [edge(lead_time=lead_time)],
                     tiny_settings(end_year=2028, relining_windows=False, **ANNUAL),
                     caps=caps, technologies=technologies)
    assert switches(r) == [("a", 2027, "old", "new")]
    assert [technology_of(r, "a", y) for y in (2026, 2027)] == ["old", "new"]


def test_closing_a_plant_beats_relining_it_when_demand_falls():
    # Two plants of 1 Mt/yr, both due for relining in 2026, when demand falls from
    # 2 to 1 Mt; they may switch only then (window_only). One plant is converted
    # (annuity 82 + 100 JPY/t beats relining, 4,000 * CRF(8%, 40) / 1.08 = 311, +
    # 1,000 JPY/t); the other closes rather than
    # pay a relining for capacity nobody needs. Cost (MJPY): 2025 both on old,
    # 2 * 1,000; 2026 the converted one, 100 / 1.08 + 1,000 * CRF(8%, 30) / 1.08^2.
    demand = frame([dict(commodity="steel", year=2025, demand_m_per_yr=2.0),
                    dict(commodity="steel", year=2026, demand_m_per_yr=1.0),
                    dict(commodity="steel", year=2050, demand_m_per_yr=1.0)])
    settings = tiny_settings(end_year=2026, **ANNUAL)
    r = solve_plants(plants(("a", 1.0, 2026), ("b", 1.0, 2026)), [edge(window_only=True)],
                     settings, demand=demand)
    assert sorted(technology_of(r, p, 2026) for p in "ab") == ["closed", "new"]
    assert cost_bjpy(r, "relining") == 0.0
    expected = 2 * 1000.0 + 100.0 / 1.08 + 1000.0 * crf(0.08, 30) / 1.08 ** 2
    assert r.solution.objective_mjpy == pytest.approx(expected, rel=1e-6)
    # The bound reported proves the gap: a lower bound on the optimum (up to rounding)
    # no further below it than the MIP gap.
    gap = settings.mip_gap
    assert expected * (1 - gap) <= r.solution.mip_bound_mjpy <= expected * (1 + 1e-9)
    assert r.solution.mip_gap <= gap


def test_a_plant_that_stays_pays_its_relining_in_the_window():
    # Plant a (1 Mt/yr) is due for relining in 2026, the only window of 2025-2026.
    # Converting it costs 1e7 JPY/(t/yr), far more than it saves, a new plant of `new`
    # costs 1e6 and none of `old` may be built (one would tie with relining): so it
    # stays on `old` and is relined. The relining, 4,000 JPY/(t/yr)
    # x 1 Mt = 4,000 MJPY, is spent at the start of 2026 over a 40-year life; of its
    # annuities, 4,000 x CRF(8%, 40) each, only the one paid at the end of 2026 falls
    # inside the horizon, discounted two years to the start of 2025 (BJPY):
    expected_bjpy = 4000.0 * crf(0.08, 40) / 1.08 ** 2 / 1000          # 0.2876
    r = solve_plants(plants(("a", 1.0, 2026)), [edge(capex=1.0e7)],
                     tiny_settings(end_year=2026, **ANNUAL),
                     technologies=tiny_frames()["technologies"].assign(first_year=[2100,
                                                                                   2025]))
    assert [technology_of(r, "a", y) for y in (2025, 2026)] == ["old", "old"]
    assert cost_bjpy(r, "relining") == pytest.approx(expected_bjpy, rel=1e-9)


def test_identical_plants_keep_their_technology_in_name_order():
    # Two identical plants, demand 2 Mt, cap 1 Mt-CO2: one must switch, and only one
    # does, as the stranded charge (0.125 * 8,000 JPY/t) makes a switch dearer than
    # staying (82 + 100 + 1,000 > 1,000 JPY/t). Symmetry breaking keeps the first by
    # name (a) on its technology.
    r = solve_plants(plants(("a", 1.0, 2030), ("b", 1.0, 2030)), [edge()], reline=8000.0,
                     demand=frame([dict(commodity="steel", year=y, demand_m_per_yr=2.0)
                                   for y in (2025, 2050)]),
                     caps=frame([dict(sector="steel", year=y, cap_mtco2=1.0)
                                 for y in (2025, 2050)]))
    assert (technology_of(r, "a"), technology_of(r, "b")) == ("old", "new")


def test_only_identical_plants_are_ordered():
    # a and b match in sector, technology, size and relining year; c is larger and
    # d is relined another year, so the one ordering constraint is a before b.
    from decarb.formulation.build import build_model
    from decarb.inputs.loading import dataset_from_frames
    from tests.tiny_plants import plant_frames

    fleet = plants(("b", 1.0, 2030), ("a", 1.0, 2030), ("c", 2.0, 2030), ("d", 1.0, 2031))
    built = build_model(dataset_from_frames(plant_frames(fleet, [edge()]),
                                            one_year(mode="plant")))
    rows = built.cons["plant_symmetry"]
    assert list(zip(rows["plant"], rows["plant_next"])) == [("a", "b")]


# --- the tax incentive per switch ------------------------------------------------

def _tax(corporate_tax_bjpy: float, plan_cap_bjpy: float = 50.0) -> dict:
    return dict(
        sectors=frame([dict(sector="steel", corporate_tax_bjpy_per_yr=corporate_tax_bjpy,
                            sme_share=0.0, certified_plans_per_yr=1.0,
                            statutory_life_yr=14)]),
        tax_schemes=frame([dict(scheme="t", first_year=2020, last_year=2030, tax_rate=0.3,
                                credit_cap_share=0.2,
                                eligible_cap_bjpy_per_plan=plan_cap_bjpy)]),
        tax_tiers=frame([dict(scheme="t", firm_size="all", min_gain=0.1, credit_rate=0.1,
                              sd_rate=0.5)]),
        caps=frame([dict(sector="steel", year=y, cap_mtco2=0.0) for y in (2025, 2050)]))


# 50% special depreciation, tax 30%, 8%, 14-yr straight line, worked out directly:
# normal deductions I/14 in years 1..14, accelerated 0.5 I + 0.5 I/14 in year 1.
_DF = [1.08 ** -t for t in range(1, 15)]
SD_VALUE = 0.3 * (0.5 * _DF[0] + 0.5 * sum(_DF) / 14 - sum(_DF) / 14)   # 0.0506 per JPY


def test_the_per_plan_cap_bounds_a_large_switch_which_chooses_special_depreciation():
    # The cap of 0 forces the switch. I = 200,000 JPY/t x 1 Mt = 200 BJPY, eligible
    # only up to the 50 BJPY per-plan cap: a 10% credit would be 5 BJPY but credits
    # are capped at 20% of 10 BJPY tax = 2 BJPY, while special depreciation on the
    # 50 BJPY is worth 0.0506 * 50 = 2.53 BJPY. So special depreciation, 2.53 BJPY.
    r = solve_plants(plants(("a", 1.0, 2030)), [edge(capex=200000.0)],
                     one_year(mode="plant", tax_scheme="t"), **_tax(10.0))
    inv = r.tables["plant_investments"].iloc[0]
    assert inv["incentive"] == "special_depreciation"
    assert inv["capex_bjpy"] == pytest.approx(200.0)
    assert inv["tax_benefit_bjpy"] == pytest.approx(SD_VALUE * 50.0, rel=1e-6)


def test_a_small_switch_takes_the_credit_up_to_its_cap():
    # I = 10 BJPY, under the per-plan cap: the credit 10% = 1 BJPY fits the 2 BJPY
    # credit cap and beats special depreciation (0.0506 x 10 = 0.506 BJPY). With 2 BJPY
    # of tax the credit cap is 20% x 2 = 0.4 BJPY, less than 0.506: special depreciation.
    r = solve_plants(plants(("a", 1.0, 2030)), [edge(capex=10000.0)],
                     one_year(mode="plant", tax_scheme="t"), **_tax(10.0))
    inv = r.tables["plant_investments"].iloc[0]
    assert (inv["incentive"], inv["tax_benefit_bjpy"]) == ("credit", pytest.approx(1.0))
    r = solve_plants(plants(("a", 1.0, 2030)), [edge(capex=10000.0)],
                     one_year(mode="plant", tax_scheme="t"), **_tax(2.0))
    inv = r.tables["plant_investments"].iloc[0]
    assert inv["incentive"] == "special_depreciation"
    assert inv["tax_benefit_bjpy"] == pytest.approx(SD_VALUE * 10.0, rel=1e-6)


@pytest.mark.parametrize("budget_bjpy, subsidy_bjpy", [(1.0, 0.5), (0.4, 0.0)])
def test_a_switch_is_subsidised_whole_or_not_within_the_programme_budget(budget_bjpy,
                                                                         subsidy_bjpy):
    # The cap of 0 forces the switch, I = 1,000 JPY/t x 1 Mt = 1 BJPY; programme g
    # pays half of it, 0.5 BJPY, if its budget has room: with 1 BJPY it does, with
    # 0.4 BJPY the switch is made unsubsidised (one investment, one grant).
    r = solve_plants(
        plants(("a", 1.0, 2030)), [edge()],
        subsidies=frame([dict(programme="g", rate=0.5, first_year=2020, last_year=2030,
                              budget_bjpy_per_yr=budget_bjpy)]),
        subsidy_eligibility=frame([dict(programme="g", technology="new")]),
        caps=frame([dict(sector="steel", year=y, cap_mtco2=0.0) for y in (2025, 2050)]))
    inv = r.tables["plant_investments"].iloc[0]
    assert inv["subsidy_bjpy"] == pytest.approx(subsidy_bjpy)
    assert inv["net_capex_bjpy"] == pytest.approx(1.0 - subsidy_bjpy)


# --- consistency with aggregate mode ---------------------------------------------

def test_plant_and_aggregate_runs_agree_with_windows_and_units_relaxed():
    # The same case in both modes: existing `old` capacity of 2 Mt/yr is two plants of
    # 1 Mt/yr; converting a plant costs what a new `new` plant costs (1,000 JPY/(t/yr)).
    # A carbon price makes the switch worth it over 2025-2035 in 5-year steps. With
    # windows off and units relaxed the two modes have the same optimum: rel=1e-9
    # leaves room for rounding only, so a cost counted in one mode alone would show.
    from decarb.inputs.loading import dataset_from_frames
    from decarb.workflow.run import run_case
    from tests.tiny_plants import plant_frames

    frames = plant_frames(plants(("a", 1.0, 2040), ("b", 1.0, 2040)), [edge()],
                          greenfield=CONVERSION,
                          carbon_price=frame([dict(year=y, price_jpy_per_tco2=500.0)
                                              for y in (2025, 2050)]))
    settings = dict(end_year=2035, relining_windows=False, integer_units=False)
    aggregate = run_case(dataset_from_frames(frames, tiny_settings(**settings)))
    plant = run_case(dataset_from_frames(frames, tiny_settings(mode="plant", **settings)))
    assert plant.solution.objective_mjpy == pytest.approx(aggregate.solution.objective_mjpy,
                                                          rel=1e-9)


# --- the plant tables' checks ----------------------------------------------------

def _problems(fleet, edges, settings=None, **changes) -> list[str]:
    from decarb.errors import InputError
    from decarb.inputs.loading import dataset_from_frames
    from tests.tiny_plants import plant_frames

    drop = [k for k, v in changes.items() if v is None]
    frames = plant_frames(fleet, edges, **{k: v for k, v in changes.items() if v is not None})
    frames = {k: v for k, v in frames.items() if k not in drop}
    with pytest.raises(InputError) as error:
        dataset_from_frames(frames, settings or one_year(mode="plant"))
    return [str(p) for p in error.value.problems]


def test_plant_mode_needs_both_tables():
    problems = _problems(plants(("a", 1.0, 2030)), [], transitions=None)
    assert problems == ["<memory>/transitions.csv: expected this file with at least one row: "
                        "settings.toml sets mode = 'plant'"]


def test_a_cycle_of_switches_is_named_with_its_edge():
    problems = _problems(plants(("a", 1.0, 2030)), [edge(), edge(a="new", b="old")])
    assert problems == ["<memory>/transitions.csv, row 2, column 'to_technology': found "
                        "'old'; expected no cycle of switches (a plant could return and "
                        "collect support twice): old -> new -> old"]


def test_an_edge_naming_an_unknown_technology_is_an_error():
    problems = _problems(plants(("a", 1.0, 2030)), [edge(b="nwe")])
    assert problems == ["<memory>/transitions.csv, row 1, column 'to_technology': found "
                        "'nwe'; expected a technology of technologies.csv"]


def test_a_plant_without_a_path_to_low_carbon_is_flagged():
    # old -> mid only, and mid (efficiency) is no low-carbon end state: a warning
    from decarb.inputs.loading import dataset_from_frames
    from tests.tiny_plants import plant_frames

    extra = with_technology("mid", "efficiency", 40, "coal", 9.0)
    flagged = dataset_from_frames(plant_frames(plants(("a", 1.0, 2030)), [edge(b="mid")],
                                               **extra), one_year(mode="plant"))
    assert [str(w) for w in flagged.warnings if "plants.csv" in str(w)] == [
        "<memory>/plants.csv, row 1, column 'technology': found 'old'; expected a "
        "technology with a path in transitions.csv to a low-carbon one (pathway "
        "electrification, hydrogen, ccus, recycling, fuel_switch); it emits CO2 itself, "
        "and only closing its plants ends that"]
    fine = dataset_from_frames(plant_frames(plants(("a", 1.0, 2030)),
                                            [edge(b="mid"), edge(a="mid")], **extra),
                               one_year(mode="plant"))
    assert not [w for w in fine.warnings if "plants.csv" in str(w)]


def test_a_plant_that_emits_nothing_itself_needs_no_path_to_low_carbon():
    # a machine on bought power alone (as a paper machine on bought steam): its CO2 is
    # cut where the power or steam is made, so no warning, while 'old' (coal) is flagged
    from decarb.inputs.loading import dataset_from_frames
    from tests.tiny_plants import plant_frames

    extra = with_technology("machine", "incumbent", 40, "electricity", 1.0)
    both = pd.concat([plants(("a", 1.0, 2030)), plants(("b", 1.0, 2030), technology="machine")],
                     ignore_index=True)
    warned = dataset_from_frames(plant_frames(both, [edge(b="machine")], **extra),
                                 one_year(mode="plant")).warnings
    assert [w.value for w in warned if "plants.csv" in str(w)] == ["old"]


# --- the command line ------------------------------------------------------------

def test_run_of_a_plant_case_writes_the_schedule_and_prints_next_switches(tmp_path):
    # The window-only case of the first test, as a dataset folder run by the CLI,
    # then exported: every switch written is an edge of transitions.csv.
    from click.testing import CliRunner

    from decarb.cli import main
    from tests.tiny import write_case
    from tests.tiny_plants import plant_frames

    frames = plant_frames(plants(("a", 1.0, 2028)), [edge(window_only=True)])
    data = write_case(tmp_path / "case", frames, tiny_settings(end_year=2030, **ANNUAL))
    result = CliRunner().invoke(main, ["run", "--data", str(data), "--out",
                                       str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert "2028  a" in result.output and "old -> new (none)" in result.output
    schedule = pd.read_csv(tmp_path / "run" / "plant_investments.csv")
    edges = pd.read_csv(data / "transitions.csv")
    taken = set(zip(schedule["from_technology"], schedule["to_technology"]))
    assert taken == {("old", "new")} <= set(zip(edges["from_technology"],
                                                 edges["to_technology"]))
    investments = pd.read_csv(tmp_path / "run" / "investments.csv")
    assert investments.set_index("technology").loc["new", "capex_bjpy"] == 1.0
    result = CliRunner().invoke(main, ["export", str(tmp_path / "run"), "--format", "csv",
                                       "--out", str(tmp_path / "export")])
    assert result.exit_code == 0, result.output
    assert {"plant_investments.csv", "plants.csv"} <= {p.name for p in
                                                       (tmp_path / "export").iterdir()}
    result = CliRunner().invoke(main, ["report", str(tmp_path / "run"), "--html",
                                       str(tmp_path / "report.html")])
    assert result.exit_code == 0, result.output
    assert "Plant timeline" in (tmp_path / "report.html").read_text()


def test_plant_timeline_segments_are_runs_of_one_technology():
    # a: old 2025-2026, new 2027-2028 (two segments of 2 years); b: old in 2025, then
    # closed (one segment of 1 year, closed years not drawn)
    from decarb.outputs.charts import plant_segments

    years = [2025, 2026, 2027, 2028]
    table = pd.DataFrame(dict(plant=["a"] * 4 + ["b"] * 4, year=years * 2,
                              technology=["old", "old", "new", "new", "old"]
                              + ["closed"] * 3))
    assert plant_segments(table).values.tolist() == [
        ["a", "old", 2025, 2], ["a", "new", 2027, 2], ["b", "old", 2025, 1]]


def test_the_first_years_growth_limit_counts_the_plants_standing_then():
    # Plant p runs `new` (1.0 Mt/yr, all of new's existing capacity); 2025 demand is
    # 1.05. new may grow 10%/yr from what stands: 0.1 x 1.0 = 0.1 Mt/yr of builds, so
    # the missing 0.05 is a greenfield `new` (1,000 JPY/(t/yr)), not `old` (50,000).
    # Without the plants in the base nothing stands aggregate and new may not be built.
    f = tiny_frames()
    technologies = frame(f["technologies"].assign(
        max_growth_per_yr=[None, 0.1], growth_seed_m_per_yr=[0.0, 0.0]).to_dict("records"))
    demand = frame([dict(commodity="steel", year=y, demand_m_per_yr=1.05)
                    for y in (2025, 2050)])
    r = solve_plants(plants(("p", 1.0, 2040), technology="new"), [edge()],
                     technologies=technologies, demand=demand,
                     technology_costs=frame(costs("old", 50000.0) + costs("new", 1000.0)))
    assert investment(r, "new", 2025)["new_capacity_m_per_yr"] == pytest.approx(0.05)


_COLUMNS = """
import sys
from decarb.formulation.build import build_model
from decarb.inputs.loading import read_dataset
from decarb.solving.handover import standard_form
print("\\n".join(c.name for c in standard_form(build_model(read_dataset(sys.argv[1]))
                                                .m).columns))
"""


def test_the_models_columns_do_not_depend_on_the_hash_seed(tmp_path):
    # Plant a may be rebuilt as `new` (life 2 years: its unit's next window is in the
    # horizon), whose unit may be retrofitted to r1..r4: a family of five technologies,
    # whose set order follows the hash seed. Four seeds give one column order.
    import os
    import subprocess
    import sys

    from tests.tiny import write_case
    from tests.tiny_plants import plant_frames

    family = [f"r{i}" for i in range(1, 5)]
    base = tiny_frames()
    frames = plant_frames(
        plants(("a", 1.0, 2030)),
        [edge(capex=1e7)] + [dict(edge("new", r), kind="retrofit") for r in family],
        technologies=pd.concat([base["technologies"].assign(life_yr=[40, 2]), frame([dict(
            technology=r, sector="steel", pathway="efficiency", output="steel", life_yr=2,
            first_year=2025) for r in family])]),
        technology_flows=pd.concat([base["technology_flows"], frame([dict(
            technology=r, commodity="electricity", direction="in", amount_per_unit=0.9)
            for r in family])]),
        technology_costs=frame(costs("old", 4000.0) + costs("new", 1e6)
                               + sum((costs(r, 1e6) for r in family), [])))
    folder = write_case(tmp_path / "case", frames, tiny_settings(end_year=2027, **ANNUAL))
    orders = {subprocess.run([sys.executable, "-c", _COLUMNS, str(folder)], check=True,
                             capture_output=True, text=True,
                             env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
              for seed in (1, 2, 3, 4)}
    assert len(orders) == 1
    assert "plant_later_relining[a,old,new,2025,r4,2027]" in orders.pop()
