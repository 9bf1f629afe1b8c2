"""`decarb serve`: lever states as case edits, the HTTP answers, a saved case that
reproduces the page, and the page itself driven in headless Chromium.

The tiny case of test_sweep in one model year (tests/tiny.py): `old` runs at 1,000
JPY/t and emits 1 t-CO2/t; `new` costs 100 JPY/t plus one annuity A of 20,000
JPY/(t/yr) and emits 0.1 t-CO2/t (scope 2, counted by the cap, not priced).
Programme `green` pays 10% of new's capex up to 0.5 BJPY (0.25 Mt); the cap is 0.8.

- At the start (price 0): the cap needs (1 - a) + 0.1 a <= 0.8, a = 0.2/0.9 Mt of new,
  all subsidised (< 0.25 Mt): capex 20 BJPY/Mt x a = 4.444 BJPY, support 10% = 0.444.
  A tonne of cap costs (0.9 A + 100 - 1,000) / 0.9 t-CO2 abated per t = 644.95 JPY/t.
- A flat price of 800 JPY/t > A + 100 - 1,000 = 744.95 switches all 1 Mt to new:
  emissions 0.1 Mt, capex 20 BJPY, the budget binds (support 0.5), the cap is slack.
- The reference case (no cap, no subsidy) keeps `old`: 1 Mt-CO2 over the year and no
  public cost, so public cost per t abated = 1,000 x 0.5 BJPY / 0.9 Mt = 555.6 JPY/t
  (at the start 1,000 x 0.444 / 0.2 = 2,222 JPY/t).
"""
import json
import shlex
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from decarb.cli import main

from decarb.errors import InputError
from decarb.inputs.cases import dataset_case
from decarb.serve.app import Page, server
from decarb.serve.state import check_name, check_state, page_levers, state_fragment
from decarb.serve.views import view
from decarb.workflow import levers
from decarb.workflow.commands import load
from decarb.workflow.run import run_case
from tests.cdp import Browser, api, chromium_path, serving, set_lever
from tests.test_sweep import CHANGES
from tests.tiny import capital_per_year, one_year, tiny_frames, write_case

ROOT = Path(__file__).resolve().parents[1]
ANNUITY = capital_per_year(20000.0)
NEW_AT_START_MT = 0.2 / 0.9
START = dict(emissions=0.8, capex=20 * NEW_AT_START_MT, support=0.1 * 20 * NEW_AT_START_MT,
             mac=(0.9 * ANNUITY + 100 - 1000) / 0.9,
             per_t=1000 * 0.1 * 20 * NEW_AT_START_MT / (1.0 - 0.8))
# The MAC curve's one measure, old -> new, against old's levelised cost: its annuity
# (50,000 JPY, 40 yr) + 1,000 JPY/t of coal; it abates 0.9 t/t (power emits 0.1 t/GJ).
OLD_LEVELISED = 50000.0 * 0.08 * 1.08 ** 40 / (1.08 ** 40 - 1) / 1.08 + 1000.0
CURVE = dict(cost=(ANNUITY + 100 - OLD_LEVELISED) / 0.9, abatement=0.9)
FLAT_800 = dict(emissions=0.1, capex=20.0, support=0.5, per_t=1000 * 0.5 / 0.9)
REFERENCE = """purpose = "No policy: no cap, no subsidy"
[tables.caps]
drop = "all"
[tables.subsidies]
drop = "all"
[tables.subsidy_eligibility]
drop = "all"
"""


def tiny_data(folder: Path) -> Path:
    data = write_case(folder, tiny_frames(**CHANGES), one_year())
    (data / "cases").mkdir()
    (data / "cases" / "reference.toml").write_text(REFERENCE)
    return data


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The page of the tiny dataset on a free port, served from a thread."""
    root = tmp_path_factory.mktemp("serve")
    data = tiny_data(root / "data")
    page = Page(dataset_case(data), root / "results")
    httpd = server(page, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.url, page, data
    httpd.shutdown()
    httpd.server_close()
    thread.join(10)


def post(url: str, path: str, body) -> tuple[int, dict]:
    return api(url, path, body)


def kpi(view: dict, sector: str, name: str) -> float:
    table = view["kpis"]
    column = [c["name"] for c in table["columns"]].index(name)
    return next(r["values"][column] for r in table["rows"] if r["sector"] == sector)


def headline(view: dict, start: str) -> float:
    return next(h["value"] for h in view["kpis"]["headline"] if h["kpi"].startswith(start))


FLAT = {"carbon_price_mode": "flat", "carbon_price": 800}


# ---- lever state -> case edits ------------------------------------------------------

def test_a_lever_state_makes_the_sweep_levers_edits_and_nothing_at_its_defaults(served):
    _, page, _ = served
    ds, defs = page.base_ds, page.levers
    assert state_fragment(defs, check_state(defs, {}), ds) == {
        "settings": {"integer_units": False}}
    moved = state_fragment(defs, check_state(defs, {**FLAT, "subsidy_rate:green": 0.2}), ds)
    expected = [levers.fragment("carbon_price", 800.0, ds),
                levers.fragment("subsidy_rate:green", 0.2, ds)]
    assert moved["tables"] == {**expected[0]["tables"], **expected[1]["tables"]}
    # no tax schemes and no CCUS technology in the tiny case: no such levers
    assert {lever.name for lever in page_levers(ds)} == {
        "carbon_price_mode", "carbon_price_scale", "carbon_price", "cap_scale",
        "subsidy_rate:green", "budget:green", "tax_scheme"}


def test_a_round_paid_from_tranches_has_a_scale_lever_not_an_annual_budget(tmp_path):
    from decarb.inputs.loading import read_dataset
    from tests.test_sweep import rounds

    ds = read_dataset(rounds(tmp_path))
    defs = page_levers(ds)
    names = {lever.name for lever in defs}
    assert "budget_scale:green" in names and "budget:green" not in names
    moved = state_fragment(defs, check_state(defs, {"budget_scale:green": 2.0}), ds)
    assert moved["tables"] == levers.fragment("budget_scale:green", 2.0, ds)["tables"] == {
        "subsidy_budgets": {"scale": [{"programme": "green", "budget_bjpy": 2.0}]}}


def test_the_incentive_and_ccus_levers_edit_the_scheme_window_and_availability():
    from decarb.inputs.cases import derive
    from decarb.inputs.loading import read_dataset

    base = dataset_case(ROOT / "data" / "japan")
    ds = read_dataset(base.dataset)
    ccus = ds.technologies["pathway"] == "ccus"
    assert ds.settings.tax_scheme == "fy2024" and ccus.any()

    def edited(name, value):
        case = derive(base, name, levers.fragment(name, value, ds))
        return read_dataset(case.dataset, case)
    schemes = edited("incentive_last_year", 2030).tax_schemes.set_index("scheme")
    assert schemes.loc["fy2024", "last_year"] == 2030          # the scheme in force
    assert schemes.loc["seed2021", "last_year"] == 2023        # the other one untouched
    # the three CCUS technologies may be built from 2030 in the data: now from 2035
    first = edited("ccus_first_year", 2035).technologies.loc[ccus, "first_year"]
    assert first.tolist() == [2035, 2035, 2035]
    never = edited("ccus_first_year", 2051).technologies.loc[ccus, "first_year"]
    assert (never > ds.settings.end_year).all()               # none within the horizon
    with pytest.raises(InputError, match="a scheme of tax_schemes.csv"):
        levers.fragment("incentive_last_year:fy2099", 2030, ds)
    [year] = [lever for lever in page_levers(ds) if lever.name == "incentive_last_year"]
    assert year.min == 2023                                    # seed2021 ends in 2023
    assert "a whole number from 2023 to 2050" in year.check(2030.5).expected


@pytest.mark.parametrize("state, lever, expected", [
    ({"carbon_price_scale": "abc"}, "carbon_price_scale", "a number"),
    ({"cap_scale": 7}, "cap_scale", "a number from 0 to 3"),
    ({"subsidy_rate:green": True}, "subsidy_rate:green", "a number"),
    ({"subsidy_rate:nope": 0.5}, "subsidy_rate:nope", "a lever of this page"),
    ({"carbon_price_mode": "tax"}, "carbon_price_mode", "one of scale, flat"),
])
def test_malformed_lever_values_are_refused_naming_the_lever(served, state, lever, expected):
    _, page, _ = served
    with pytest.raises(InputError) as error:
        check_state(page.levers, state)
    [problem] = error.value.problems
    assert problem.column == lever and expected in problem.expected


# ---- over HTTP ------------------------------------------------------------------------

def test_a_lever_change_is_solved_in_place_with_the_hand_derived_answer(served):
    url, _, _ = served
    status, start = post(url, "/api/solve", {"levers": {}})
    assert status == 200
    view = start["view"]
    assert kpi(view, "steel", "emissions 2025") == pytest.approx(START["emissions"])
    assert kpi(view, "steel", "capex") == pytest.approx(START["capex"])
    assert kpi(view, "steel", "support") == pytest.approx(START["support"])
    assert kpi(view, "steel", "MAC 2025") == pytest.approx(START["mac"])
    assert headline(view, "public cost per t") == pytest.approx(START["per_t"])
    [steel] = [c for c in view["curve"]["curves"] if c["sector"] == "steel"]
    [measure] = steel["measures"]
    assert measure["measure"] == "old -> new" and steel["year"] == 2025
    assert measure["cost"] == pytest.approx(CURVE["cost"])
    assert measure["abatement"] == pytest.approx(CURVE["abatement"])
    status, moved = post(url, "/api/solve", {"levers": FLAT})
    assert status == 200 and moved["solve"]["model"] == "changed in place and re-solved"
    view = moved["view"]
    assert kpi(view, "steel", "emissions 2025") == pytest.approx(FLAT_800["emissions"])
    assert kpi(view, "all", "capex") == pytest.approx(FLAT_800["capex"])
    assert kpi(view, "all", "support") == pytest.approx(FLAT_800["support"])
    assert kpi(view, "steel", "MAC 2025") == pytest.approx(0.0, abs=1e-6)
    assert headline(view, "public cost per t") == pytest.approx(FLAT_800["per_t"])
    steel = next(e for e in view["emissions"] if e["sector"] == "steel")
    assert steel["series"][0]["values"] == pytest.approx([FLAT_800["emissions"]])
    assert view["investment"]["series"][0]["values"] == pytest.approx([FLAT_800["capex"]])


@pytest.mark.parametrize("body, says", [
    ({"levers": {"carbon_price": "eight hundred"}}, "carbon_price"),
    ({"levers": {"cap_scale": -1}}, "a number from 0 to 3"),
    ({"levers": {"budget:nowhere": 5}}, "budget:nowhere"),
    ({"levers": [1, 2]}, "an object of lever name: value"),
    (b"{not json", "not JSON"),
])
def test_bad_requests_get_a_4xx_message_and_the_server_stays_up(served, body, says):
    url, _, _ = served
    status, answer = post(url, "/api/solve", body)
    assert status == 400 and says in answer["error"]
    assert api(url, "/api/state")[0] == 200


def test_an_infeasible_state_is_a_422_naming_the_cap(served):
    url, _, _ = served
    # a cap of 0.08 Mt is below new's 0.1 t-CO2/t: short by 0.02 Mt
    status, answer = post(url, "/api/solve", {"levers": {"cap_scale": 0.1}})
    assert status == 422 and "steel cannot meet the sector cap in 2025" in answer["error"]
    assert post(url, "/api/solve", {"levers": {}})[0] == 200


def close(ours, theirs) -> bool:
    """Equal to 1e-9 where both are numbers, and None (a figure not shown) exactly."""
    pairs = zip(ours, theirs) if isinstance(ours, list) else [(ours, theirs)]
    return all(a is b if a is None or b is None else a == pytest.approx(b, rel=1e-9, abs=1e-12)
               for a, b in pairs) and (not isinstance(ours, list) or len(ours) == len(theirs))


def test_a_saved_case_run_as_decarb_run_does_reproduces_the_page(served):
    url, _, data = served
    state = {**FLAT, "subsidy_rate:green": 0.2, "budget:green": 0.8}
    _, page_answer = post(url, "/api/solve", {"levers": state})
    status, saved = post(url, "/api/save", {"levers": state, "name": "page_state",
                                             "purpose": "flat 800, green at 20%"})
    assert status == 200 and Path(saved["path"]) == data / "cases" / "page_state.toml"
    loaded = load(data, "page_state")          # what `decarb run --case page_state` reads
    result = run_case(loaded.ds)
    assert not loaded.ds.settings.integer_units
    assert result.solution.objective_mjpy == pytest.approx(
        page_answer["solve"]["objective_mjpy"], rel=1e-9)
    shown = page_answer["view"]["kpis"]
    rerun = view(result.tables, loaded.ds.years, 1, served[1].reference)["kpis"]
    assert [r["sector"] for r in rerun["rows"]] == [r["sector"] for r in shown["rows"]]
    for ours, theirs in zip(rerun["rows"] + rerun["headline"], shown["rows"] + shown["headline"]):
        assert close(ours.get("values", ours.get("value")),
                     theirs.get("values", theirs.get("value")))
    # a name in use, or one that is no file name, is refused
    assert post(url, "/api/save", {"levers": state, "name": "page_state"})[0] == 400
    assert post(url, "/api/save", {"levers": state, "name": "../x"})[0] == 400


def test_store_run_puts_the_state_in_the_run_store(served):
    from decarb.outputs.runfiles import read_run

    url, page, _ = served
    status, stored = post(url, "/api/store", {"levers": FLAT, "name": "flat800"})
    assert status == 200
    run = read_run(Path(stored["folder"]))
    assert run.folder == page.results / "flat800" and run.status == "optimal"
    em = run.tables["emissions"].set_index("sector")
    assert em.loc["steel", "counted_mtco2"] == pytest.approx(FLAT_800["emissions"])
    assert run.meta["case"]["settings"]["integer_units"] is False
    status, answer = post(url, "/api/store", {"levers": {}, "name": "flat800"})
    assert status == 400 and "this run folder exists" in answer["error"]
    # the comparison the page suggests runs the reference into the same store
    compare = CliRunner().invoke(main, shlex.split(stored["commands"][0])[1:])
    assert compare.exit_code == 0, compare.output
    lines = compare.output.splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("public cost per t"))
    # sector, reference, this run, delta: the reference abates nothing against itself
    assert lines[heading + 1].split() == ["all", "-", f"{FLAT_800['per_t']:.0f}", "-"]


# ---- in a real browser ------------------------------------------------------------------

@pytest.fixture
def cli_server(tmp_path):
    """`decarb serve` as a user starts it, ended after the test."""
    data = tiny_data(tmp_path / "data")
    with serving(ROOT, "--data", str(data), "--results", str(tmp_path / "results")) as url:
        yield url


def js_value(selector: str) -> str:
    return f"Number(document.querySelector({json.dumps(selector)}).dataset.value)"


def test_headless_chromium_moves_a_lever_and_redraws_the_new_solution(cli_server, tmp_path):
    executable = chromium_path()
    if executable is None:
        pytest.skip("no chromium binary on PATH (.ci/run installs Debian's chromium)")
    pytest.importorskip("websocket", reason="websocket-client (the test extra) drives it")
    steel_kpi = "#kpi-table td[data-sector=steel][data-kpi='{}']"
    steel_dot = "#chart-emissions [data-sector=steel] circle[data-series=emissions]"
    with Browser(executable, tmp_path / "profile") as browser:
        browser.open(cli_server)
        browser.wait_for("document.body && document.body.dataset.solves === '1'")
        assert browser.evaluate(js_value(steel_kpi.format("emissions 2025"))) \
            == pytest.approx(START["emissions"])
        assert browser.evaluate(js_value(steel_dot)) == pytest.approx(START["emissions"])
        assert browser.evaluate(js_value("#chart-curve rect[data-series='old -> new']")) \
            == pytest.approx(CURVE["cost"])
        browser.evaluate(set_lever("carbon_price_mode", "flat"))
        browser.wait_for("document.body.dataset.solves === '2'")
        browser.evaluate(set_lever("carbon_price", 800))
        browser.wait_for("document.body.dataset.solves === '3'")
        assert browser.evaluate(js_value(steel_kpi.format("emissions 2025"))) \
            == pytest.approx(FLAT_800["emissions"])
        assert browser.evaluate(js_value(steel_kpi.format("capex"))) \
            == pytest.approx(FLAT_800["capex"])
        assert browser.evaluate(js_value(steel_dot)) == pytest.approx(FLAT_800["emissions"])
        assert browser.evaluate(js_value("#chart-investment rect[data-series=steel]")) \
            == pytest.approx(FLAT_800["capex"])
        # the table shows it as text too (decimals by magnitude)
        assert browser.evaluate(f"document.querySelector(\"{steel_kpi.format('capex')}\")"
                                ".textContent") == "20.0"
        # a malformed value: a message on the page, the last solution stays drawn
        browser.evaluate(set_lever("carbon_price", "lots"))
        browser.wait_for("document.body.dataset.errors === '1'")
        message = browser.evaluate("document.getElementById('error').textContent")
        assert "carbon_price" in message and "expected a number" in message
        assert browser.evaluate("document.body.dataset.solves") == "3"
        # and the server is still there for the next change
        browser.evaluate(set_lever("carbon_price", 0))
        browser.wait_for("document.body.dataset.solves === '4'")
        assert browser.evaluate("document.getElementById('error').hidden") is True
        assert browser.evaluate(js_value(steel_kpi.format("emissions 2025"))) \
            == pytest.approx(START["emissions"])


def test_serve_with_an_unknown_case_stops_with_exit_2_before_serving(tmp_path):
    data = tiny_data(tmp_path / "data")
    result = CliRunner().invoke(main, ["serve", "--data", str(data), "--case", "referenze",
                                       "--no-browser"])
    assert result.exit_code == 2 and "did you mean 'reference'" in result.output


@pytest.mark.parametrize("state", [
    {"ccus_first_year": "2035"}, {"incentive_last_year": 2026},
    {"subsidy_rate:gx_steel": 0.25}, {"tax_scheme": "none"}, {"tax_scheme": "seed2021"}])
def test_japan_levers_that_open_builds_or_modes_change_the_widest_model_in_place(
        japan_page, state):
    # The page builds its model for the widest state (incentive to 2050, CCUS from
    # 2030), so these levers hold builds and modes at 0 rather than rebuild; the
    # answer is the rebuilt state's.
    answer = japan_page.solve(state)
    assert answer["solve"]["model"] == "changed in place and re-solved"
    case, _ = japan_page.case_of(state)
    fresh = run_case(japan_page.reader.read(case.dataset, case))
    assert answer["solve"]["objective_mjpy"] == pytest.approx(
        fresh.solution.objective_mjpy, rel=1e-7)


@pytest.fixture(scope="module")
def japan_page(tmp_path_factory):
    return Page(dataset_case(ROOT / "data" / "japan"), tmp_path_factory.mktemp("results"))


@pytest.mark.parametrize("action, named, name", [
    ("store run", "run", "../x"), ("save as case", "case", ""), ("store run", "run", 7),
    ("save as case", "case", "-x")])
def test_a_bad_run_or_case_name_is_named_with_what_it_should_be(action, named, name):
    with pytest.raises(InputError) as error:
        check_name(action, named, name)
    [problem] = error.value.problems
    assert problem.file == action
    assert problem.expected.startswith(f"a {named} name: letters, digits")
    check_name(action, named, "ok_name-2")   # a good one passes
