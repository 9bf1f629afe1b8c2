"""Two-stage stochastic planning (formulation section 10), derived by hand on tiny cases.

The tiny case (tests/tiny.py, one model year): 1 Mt of steel from `old` (coal,
1,000 JPY/t to run, existing capacity) or from `new` (capital charge
k = 1,000 x CRF(8%, 30) / 1.08 = 82.25 JPY per t/yr, and 1 GJ of electricity per t).
Two equally likely electricity prices, 100 and 2,100 JPY/GJ, and the build of
`new` decided before the price is known (decision year 2025):
- with perfect information: cheap builds (k + 100), dear runs old (1,000);
  WS = (k + 100 + 1,000) / 2 = 591.12 MJPY;
- hedged: building x Mt costs k x + (100 x + 1,000 (1 - x)) / 2 + 1,000 / 2, falling
  in x, so x = 1: RP = k + 550 = 632.25 MJPY; the dear scenario's regret is k;
- the expected-value problem (electricity at 1,100 > coal's 1,000) builds nothing, so
  EEV = 1,000; VSS = EEV - RP = 367.75; EVPI = RP - WS = k / 2 = 41.12.
"""
from __future__ import annotations

import pandas as pd
import pytest

from decarb.formulation.extensive import Risk, Scenario, build_extensive
from decarb.inputs.loading import dataset_from_frames, read_dataset
from decarb.workflow.run import run_case
from decarb.workflow.stochastic import hold_first_stage, run_stochastic
from tests.tiny import (capital_per_year, costs, frame, one_year, tiny_frames, tiny_settings,
                        write_case)
from tests.tiny_plants import edge, plant_frames, plants, RELINE

K = capital_per_year(1000.0)
CRF_8PCT_40YR = 0.08 * 1.08 ** 40 / (1.08 ** 40 - 1)
PRICES = {"cheap": 100.0, "dear": 2100.0}


def prices(electricity: float) -> object:
    return frame([dict(commodity="coal", year=2025, price_jpy_per_unit=100.0),
                  dict(commodity="electricity", year=2025, price_jpy_per_unit=electricity,
                       scope2_ef_tco2_per_unit=0.0)])


def two_prices(settings=None, frames=tiny_frames) -> list[Scenario]:
    return [Scenario(name, 0.5, dataset_from_frames(frames(commodity_prices=prices(e)),
                                                    settings or one_year()))
            for name, e in PRICES.items()]


def plan_value(plan, family: str, key: str) -> float:
    row = plan.loc[(plan["family"] == family) & (plan["key"] == key), "value"]
    return float(row.iloc[0]) if len(row) else 0.0


def test_the_hedged_plan_builds_what_the_expected_value_plan_does_not():
    r = run_stochastic(two_prices(), 2025)
    f = r.figures()
    assert plan_value(r.rp.plan, "new", "new|2025") == pytest.approx(1.0)
    assert plan_value(r.ev_plan, "new", "new|2025") == pytest.approx(0.0)
    assert f["ws_mjpy"] == pytest.approx((K + 100 + 1000) / 2)
    assert f["rp_mjpy"] == pytest.approx(K + 550)
    assert f["eev_mjpy"] == pytest.approx(1000.0)
    assert f["vss_mjpy"] == pytest.approx(1000.0 - K - 550)
    assert f["evpi_mjpy"] == pytest.approx(K / 2)
    assert r.rp.costs_mjpy - r.ws.costs_mjpy == pytest.approx([0.0, K])   # regrets


def test_ws_le_rp_le_eev_on_the_tiny_cases():
    for scenarios in (two_prices(), [two_prices()[1], two_prices()[0]]):
        f = run_stochastic(scenarios, 2025).figures()
        assert f["ws_mjpy"] <= f["rp_mjpy"] + 1e-6 <= f["eev_mjpy"] + 2e-6


def test_cvar_weight_keeps_a_risk_averse_plan_from_building():
    """alpha = 0.5 over two equally likely scenarios: CVaR is the dear scenario's cost,
    k x + 1,000. Objective (1,000 - 367.75 x) + lambda (1,000 + k x): building pays
    while 367.75 > lambda k, i.e. lambda < 4.47. At lambda = 5 nothing is built and
    the objective is 1,000 + 5 x 1,000."""
    r = run_stochastic(two_prices(), 2025, Risk(weight=5.0, alpha=0.5))
    assert plan_value(r.rp.plan, "new", "new|2025") == pytest.approx(0.0)
    assert r.rp.objective_mjpy == pytest.approx(6000.0)
    r = run_stochastic(two_prices(), 2025, Risk(weight=1.0, alpha=0.5))
    assert plan_value(r.rp.plan, "new", "new|2025") == pytest.approx(1.0)
    assert r.rp.objective_mjpy == pytest.approx(K + 550 + K + 1000)


def test_a_plant_switch_is_decided_before_the_price_is_known():
    """Plant mode: plant p (1 Mt, relining due in 2025) stays (relining annuity
    r = RELINE x CRF(8%, 40) / 1.08 = 310.59, then 1,000 to run), or converts to new (k,
    then the price); a new `old` plant on a new site costs r too. Per plan (cheap, dear):
    stay (r + 1,000, r + 1,000), E = 1,310.59; convert (k + 100, k + 2,100), E = 1,182.25;
    convert and build 1 Mt of old as a standby (k + r + 100, k + r + 1,000), E = 942.84:
    the hedged plan. The EV problem (1,100) converts without standby: EEV = 1,182.25.
    WS: cheap converts, dear stays: (k + 100 + r + 1,000) / 2."""
    r_reline = RELINE * CRF_8PCT_40YR / 1.08

    def frames(**changes):
        return plant_frames(plants(("p", 1.0, 2025)), [edge()], **changes)
    r = run_stochastic(two_prices(one_year(mode="plant"), frames), 2025)
    f = r.figures()
    assert f["rp_mjpy"] == pytest.approx(K + r_reline + 550)
    assert f["ws_mjpy"] == pytest.approx((K + 100 + r_reline + 1000) / 2)
    assert f["eev_mjpy"] == pytest.approx(K + 1100)
    assert plan_value(r.rp.plan, "plant_switch", "p|old|new|2025|all||none") == \
        pytest.approx(1.0)
    assert plan_value(r.rp.plan, "new", "old|2025") == pytest.approx(1.0)
    assert plan_value(r.ev_plan, "new", "old|2025") == pytest.approx(0.0)


def test_one_scenario_reproduces_a_run_of_the_default_case():
    ds = read_dataset(__import__("decarb.data", fromlist=["x"]).__path__[0] + "/japan")
    run = run_case(ds)
    ext = build_extensive([Scenario("only", 1.0, ds)], 2030)
    from decarb.solving.solve import HighsModel
    solution = HighsModel(ext).solve()
    assert solution.objective_mjpy == pytest.approx(run.solution.objective_mjpy, rel=1e-9)


def test_ws_le_rp_le_eev_on_two_samples_of_the_japan_uncertainty_case():
    from decarb.inputs.cases import find_case, load_case
    from decarb.inputs.loading import Reader
    from decarb.workflow.scenarios import sampled

    data = __import__("decarb.data", fromlist=["x"]).__path__[0] + "/japan"
    case_file = find_case("uncertainty", data)
    reader = Reader()
    cases = sampled(load_case(case_file), case_file, 2, 3, reader)
    scenarios = [Scenario(c.name, c.probability, reader.read(c.case.dataset, c.case))
                 for c in cases]
    r = run_stochastic(scenarios, 2027)
    f = r.figures()
    # The capacity rules (fixed O&M, permanent retirement, growth limits, rebuilds as
    # builds) hold the EV plan in every draw: EEV is a number, not infinity.
    assert r.eev_infeasible == [] and f["eev_mjpy"] < float("inf")
    assert f["ws_mjpy"] <= f["rp_mjpy"] * (1 + 1e-7) <= f["eev_mjpy"] * (1 + 2e-7)


def test_the_command_reads_scenario_tables_and_stores_the_set(tmp_path):
    from click.testing import CliRunner
    from decarb.cli import main

    write_case(tmp_path / "data", tiny_frames(commodity_prices=prices(100.0)), one_year())
    (tmp_path / "data" / "cases").mkdir()
    case = tmp_path / "data" / "cases" / "two.toml"
    case.write_text('purpose = "two electricity prices"\n\n'
                    '[[scenario]]\nname = "cheap"\nprobability = 0.5\n\n'
                    '[[scenario]]\nname = "dear"\nprobability = 0.5\n'
                    '[scenario.tables.commodity_prices]\n'
                    'scale = [{ commodity = "electricity", price_jpy_per_unit = 21.0 }]\n')
    result = CliRunner().invoke(main, ["stochastic", "--data", str(tmp_path / "data"),
                                       "--case", "two", "--decision-year", "2025",
                                       "--results", str(tmp_path / "results"),
                                       "--name", "s"])
    assert result.exit_code == 0, result.output
    assert "VSS" in result.output
    import pandas as pd
    table = pd.read_csv(tmp_path / "results" / "s" / "stochastic.csv")
    vss = table.loc[table["figure"] == "VSS", "value_bjpy"].iloc[0]
    assert vss == pytest.approx((1000.0 - K - 550) / 1000)
    assert (tmp_path / "results" / "s" / "002-dear" / "run.json").exists()
    assert (tmp_path / "results" / "s" / "report.html").exists()
    assert pd.read_csv(tmp_path / "results" / "s" / "recourse.csv").empty   # none needed
    # report and compare know the set: its page from the stored files, its scenarios
    out = tmp_path / "again.html"
    result = CliRunner().invoke(main, ["report", "s", "--results", str(tmp_path / "results"),
                                       "--html", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert "Decided before the uncertainty resolves" in page and ">VSS<" in page
    assert ">dear<" in page
    result = CliRunner().invoke(main, ["compare", str(tmp_path / "results" / "s")])
    assert result.exit_code == 0, result.output
    assert "001-cheap" in result.output and "002-dear" in result.output


def two_demands(**settings) -> list[Scenario]:
    """No existing capacity; `new` (k + 100 per t) is the only build that pays: `old`
    costs 50,000 x CRF(8%, 40) / 1.08 = 3,882 + 1,000 a year per t."""
    no_old = frame([dict(technology="old", year=2025, capacity_m_per_yr=0.0),
                    dict(technology="old", year=2050, capacity_m_per_yr=0.0)])
    return [Scenario(name, 0.5, dataset_from_frames(tiny_frames(
        existing_capacity=no_old, demand=frame([dict(commodity="steel", year=2025,
                                                    demand_m_per_yr=d)])),
        one_year(**settings))) for name, d in (("low", 1.0), ("high", 2.0))]


def test_recourse_prices_the_demand_an_expected_value_plan_leaves_unserved():
    """Demand 1 or 2 Mt, equally likely, unserved steel at P = 4,000 JPY/t (< old's
    4,882, so old is never built). Hedged: building x in [1, 2] costs k x + 50 +
    (100 x + P (2 - x)) / 2, falling in x (k + 50 < P / 2), so x = 2: RP = 2k + 150.
    WS = (k + 100 + 2k + 200) / 2. The EV problem (1.5 Mt) builds 1.5: the high scenario
    leaves 0.5 Mt unserved, EEV = 1.5k + 125 + P / 4; VSS = P / 4 - k / 2 - 25.
    Without recourse the EV plan cannot be held and EEV is infinite."""
    penalty = 4000.0
    r = run_stochastic(two_demands(unserved_penalty_jpy_per_unit=penalty), 2025)
    f = r.figures()
    assert plan_value(r.rp.plan, "new", "new|2025") == pytest.approx(2.0)
    assert plan_value(r.ev_plan, "new", "new|2025") == pytest.approx(1.5)
    assert f["rp_mjpy"] == pytest.approx(2 * K + 150)
    assert f["ws_mjpy"] == pytest.approx(1.5 * K + 150)
    assert f["eev_mjpy"] == pytest.approx(1.5 * K + 125 + penalty / 4)
    assert f["vss_mjpy"] == pytest.approx(penalty / 4 - K / 2 - 25)
    assert r.eev.penalties_mjpy == pytest.approx([0.0, 0.5 * penalty])
    assert r.rp.penalties_mjpy == pytest.approx([0.0, 0.0])
    used = r.eev.recourse[1]
    assert list(used[["kind", "where", "year"]].itertuples(index=False, name=None)) == \
        [("demand", "steel", 2025)]
    assert used["amount"].iloc[0] == pytest.approx(0.5)
    strict = run_stochastic(two_demands(), 2025, recourse=False)
    assert strict.figures()["eev_mjpy"] == float("inf")
    assert strict.figures()["rp_mjpy"] == pytest.approx(2 * K + 150)


def test_recourse_prices_support_a_dearer_scenario_pushes_over_its_budget():
    """Programme `green` pays half of `new`'s capex within 250 MJPY; capex 1,000 or
    2,000 JPY/t, equally likely; new is built (1 Mt) either way. The support is first
    stage. The EV problem (capex 1,500) finances 1/3 Mt under green (0.5 x 1,500 / 3 =
    250); held in the dear scenario that asks 0.5 x 2,000 / 3 = 333.3: 83.3 MJPY above
    the budget, which the firm pays itself (x 1.0001, the tie-break), a the one-year
    annuity factor CRF(8%, 30) / 1.08: EEV = (1,000 a 5/6 + 100) / 2 + (2,000 a 5/6 + 100
    + 83.3 x 1.0001) / 2. Hedged: 1/4 Mt under green (the dear budget), since more would
    gain 0.5 x 1,000 a / 2 = 20.6 per Mt in the cheap scenario and cost about 1,000 / 2
    in the dear one: RP = 1,500 a 7/8 + 100."""
    a = K / 1000.0
    subsidy = dict(subsidies=frame([dict(programme="green", rate=0.5, first_year=2025,
                                         last_year=2030, budget_bjpy_per_yr=0.25)]),
                   subsidy_eligibility=frame([dict(programme="green", technology="new")]))
    scenarios = [Scenario(name, 0.5, dataset_from_frames(tiny_frames(
        technology_costs=frame(costs("old", 50000.0) + costs("new", capex)), **subsidy),
        one_year())) for name, capex in (("cheap", 1000.0), ("dear", 2000.0))]
    r = run_stochastic(scenarios, 2025)
    over = 0.5 * 2000 / 3 - 250
    assert r.figures()["rp_mjpy"] == pytest.approx(1500 * a * 7 / 8 + 100)
    assert r.figures()["eev_mjpy"] == pytest.approx(
        (1000 * a * 5 / 6 + 100) / 2 + (2000 * a * 5 / 6 + 100 + over * 1.0001) / 2)
    assert r.eev.penalties_mjpy == pytest.approx([0.0, over * 1.0001])
    used = r.eev.recourse[1]
    assert list(used[["kind", "where", "year"]].itertuples(index=False, name=None)) == \
        [("subsidy_budget", "green", 2025)]
    assert used["amount"].iloc[0] == pytest.approx(over)
    assert run_stochastic(scenarios, 2025, recourse=False).figures()["eev_mjpy"] == \
        float("inf")


REBUILD_CASE_RP = 1525 + (3000 + 1000) / 2 * 11 / 120   # MJPY, derived below


def two_new_site_capexes() -> list[Scenario]:
    """The case of the test below: a rebuild on an old site one scenario offers."""
    technologies = tiny_frames()["technologies"].assign(max_growth_per_yr=[None, 1.0],
                                                        growth_seed_m_per_yr=[None, 0.25])
    existing = frame([dict(technology="old", year=y, capacity_m_per_yr=c)
                      for y, c in ((2025, 2.0), (2026, 1.0), (2050, 1.0))])
    demand = frame([dict(commodity="steel", year=y, demand_m_per_yr=d)
                    for y, d in ((2025, 1.0), (2026, 1.0), (2027, 2.0), (2050, 2.0))])
    settings = tiny_settings(end_year=2027, year_step=1, integer_units=False,
                             discount_rate_private=0.0, discount_rate_social=0.0)
    return [Scenario(name, 0.5, dataset_from_frames(tiny_frames(
        technologies=technologies, existing_capacity=existing, demand=demand,
        transitions=frame([edge(capex=1500.0)]),
        technology_costs=frame(costs("old", 50000.0) + costs("new", capex))), settings))
        for name, capex in (("dear", 3000.0), ("cheap", 1000.0))]


def test_the_expected_value_plan_keeps_to_decisions_every_scenario_offers():
    """Three years (2025-27, discount rates 0, all first stage). `new` grows at most
    100%/yr + 0.25 Mt: builds[y] <= installed new[y-1] + 0.25. 1.0 Mt of `old` retires
    in 2026, where `new` may be rebuilt on its site for 1,500 JPY/(t/yr), offered only
    where cheaper than a new site: new's capex is 3,000 or 1,000, equally likely (the
    EV problem's mean 2,000 offers it; the cheap scenario does not). Demand 1, 1, 2 Mt;
    `new` saves 900 JPY/t a year on `old`, far above its capital, so every plan builds
    as fast as the limit allows: 0.25 (2025), 0.5 (2026), 1.0 (2027) -> installed
    0.25, 0.75, 1.75, `old` runs 0.75, 0.25, 0.25. Running costs (100 and 1,000 JPY/t):
    775 + 325 + 425 = 1,525 MJPY; capital c x (0.25 x 3 + 0.5 x 2 + 1.0 x 1) / 30 =
    c x 11/120 (annuities inside the horizon at rate 0). The two-stage plan may not
    rebuild (one scenario lacks it): RP = 1,525 + (3,000 + 1,000) / 2 x 11/120. An EV
    plan that rebuilt in 2026 would leave the cheap scenario 0.25 Mt installed in 2026,
    and its 1.0 Mt of 2027 over that scenario's limit of 0.5 (infeasible); kept to the
    decisions every scenario offers, it is the same plan: EEV = RP, VSS = 0. WS: the
    dear scenario rebuilds its 0.5 Mt of 2026 at 1,500, saving 1,500 x 0.5 x 2/30 = 50:
    EVPI = 25."""
    r = run_stochastic(two_new_site_capexes(), 2027)
    f = r.figures()
    rp = REBUILD_CASE_RP
    assert r.eev_infeasible == []
    assert f["rp_mjpy"] == pytest.approx(rp)
    assert f["eev_mjpy"] == pytest.approx(rp)
    assert f["vss_mjpy"] == pytest.approx(0.0, abs=1e-6)
    assert f["evpi_mjpy"] == pytest.approx(25.0)
    assert [plan_value(r.ev_plan, "new", f"new|{y}") for y in (2025, 2026, 2027)] == \
        pytest.approx([0.25, 0.5, 1.0])
    assert r.ev_plan.loc[r.ev_plan["key"].str.startswith("old|new"), "value"].sum() == \
        pytest.approx(0.0, abs=1e-9)


def test_a_plan_value_a_hair_below_a_bound_is_held_at_the_bound():
    # a solver reports a build of 0 as -1e-14; held as such, Pyomo warns that the value
    # is outside the variable's domain on the user's terminal, once per scenario
    ext = build_extensive(two_prices(), 2025)
    plan = pd.DataFrame({"family": ["new"], "key": ["new|2025"], "value": [-1e-14]})
    assert hold_first_stage(ext, plan) == []
    held = ext.first_stage["new"]
    values = [var.value for w in range(2) for var in held[f"var_{w}"].dropna()]
    assert values and all(v == 0.0 for v in values)
