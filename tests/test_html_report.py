"""The HTML report: self-contained, every chart embedded and written as PNG, chart
data summed as in the run tables, and drawn by a real (headless) browser."""
import re
import shutil
import subprocess

import pandas as pd
import pytest
from matplotlib.image import imread

from decarb.outputs.charts import capex_by_sector, plant_timeline_chart, support_by_instrument
from decarb.errors import InputError
from decarb.outputs.html_report import write_report
from decarb.outputs.runstore import write_run
from decarb.outputs.support import paid_by_year
from tests.test_policy import scheme, subsidy
from tests.tiny import one_year, solve_tiny, tiny_settings

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IMG = re.compile(r'<img class="chart" alt="[^"]*" src="data:image/png;base64,[A-Za-z0-9+/=]+">')
# Charts per run: emissions, sector caps, one production mix per sector (tiny: steel),
# investment, support, the public cost by instrument where the state pays (the capped
# run's subsidy and credit), the MAC only where the run has a cap, and the MAC curve of
# its curve year (2030, else the last year: tiny has the measure old -> new).
CHARTS_CAPPED, CHARTS_UNCAPPED, CHARTS_COMPARISON = 8, 6, 2


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """`policy`: test_policy's net-base case, one year: a cap forces abatement, new
    (20,000 JPY/(t/yr)) is half subsidised by programme gx and gets the 10% credit
    on what the subsidy leaves, so it takes all 1 Mt/yr: capex 20 BJPY, subsidy
    10 BJPY, credit 1 BJPY. `plain`: the tiny case over 2025 and 2030, no cap."""
    root = tmp_path_factory.mktemp("runs")
    changes = scheme()
    changes.update(subsidies=subsidy(0.5)["subsidies"],
                   subsidy_eligibility=subsidy(0.5)["subsidy_eligibility"])
    policy = solve_tiny(one_year(tax_scheme="cn"), **changes)
    plain = solve_tiny(tiny_settings())
    return {"policy": write_run(root / "policy", policy.tables, policy.meta),
            "plain": write_run(root / "plain", plain.tables, plain.meta)}


@pytest.fixture(scope="module")
def one(runs, tmp_path_factory):
    return write_report([runs["policy"]], tmp_path_factory.mktemp("one") / "report.html")


@pytest.fixture(scope="module")
def many(runs, tmp_path_factory):
    """Both runs and a failed sweep point (run.json only)."""
    failed = write_run(tmp_path_factory.mktemp("failed") / "sweep_7", {}, {"run": {
        "name": "sweep_7", "status": "infeasible", "reason": "steel cap 2030 short by 1 Mt"},
        "settings": {"year_step": 1}})
    return write_report([runs["policy"], runs["plain"], failed],
                        tmp_path_factory.mktemp("many") / "compare.html")


def test_public_cost_chart_data_is_what_the_state_pays_by_instrument(runs):
    public = pd.read_csv(runs["policy"] / "public_costs.csv")
    assert paid_by_year(public).loc[2025].to_dict() == pytest.approx({"subsidy": 10.0,
                                                                      "credit": 1.0})


def test_support_chart_data_splits_subsidy_and_tax_as_derived(runs):
    investments = pd.read_csv(runs["policy"] / "investments.csv")
    support = support_by_instrument(investments)
    assert support.loc[2025].to_dict() == pytest.approx({"subsidy: gx": 10.0,
                                                          "tax: credit": 1.0})
    assert capex_by_sector(investments, ["steel"]).loc[2025, "steel"] == pytest.approx(20.0)


def test_investment_chart_sums_capex_per_year_and_sector():
    investments = pd.DataFrame({
        "year": [2025, 2025, 2030, 2030, 2030], "sector": ["steel", "cement", "steel",
                                                          "steel", "cement"],
        "capex_bjpy": [1.0, 2.0, 4.0, 0.5, 0.0],
        "subsidy_gx_bjpy": [0.5, 0.0, 1.0, 0.0, 0.0], "subsidy_h2_bjpy": 0.0,
        "tax_incentive": ["none", "credit", "special_depreciation", "credit", "none"],
        "tax_benefit_bjpy": [0.0, 0.2, 0.3, 0.05, 0.0]})
    capex = capex_by_sector(investments, ["steel", "cement", "paper"])
    # steel 2030: 4 + 0.5; sectors in the given order, paper (no rows) left out
    assert list(capex.columns) == ["steel", "cement"]
    assert capex.to_dict() == {"steel": {2025: 1.0, 2030: 4.5},
                               "cement": {2025: 2.0, 2030: 0.0}}
    support = support_by_instrument(investments)
    # h2 never pays out, so it has no bar; the tax benefit splits by incentive
    assert support.to_dict() == ({
        "subsidy: gx": {2025: 0.5, 2030: 1.0}, "tax: credit": {2025: 0.2, 2030: 0.05},
        "tax: special depreciation": {2025: 0.0, 2030: 0.3}})


def test_report_is_self_contained_with_every_chart_embedded(one, many):
    for path, expected in ((one, CHARTS_CAPPED),
                           (many, CHARTS_COMPARISON + CHARTS_CAPPED + CHARTS_UNCAPPED)):
        page = path.read_text()
        assert "http://" not in page and "https://" not in page
        assert not re.search(r"<(link|iframe)\b|<script[^>]*\bsrc=|@import|url\(", page)
        assert len(IMG.findall(page)) == page.count("<img") == expected
        assert f'data-charts-expected="{expected}"' in page
        assert "<h1>decarb report</h1>" in page and "<h2>Run: policy</h2>" in page


def test_headings_name_the_sections_and_the_comparison(one, many):
    page = one.read_text()
    for heading in ("Emissions by sector against the economy-wide cap",
                    "Production mix: steel", "Investment schedule",
                    "Support received by instrument", "Marginal abatement cost",
                    "Key figures"):
        assert f"<h4>{heading}</h4>" in page or f"<h3>{heading}</h3>" in page, heading
    page = many.read_text()
    assert "<h2>Comparison</h2>" in page and "<h2>Run: plain</h2>" in page
    assert "No CO2 cap in this run" in page           # plain has no cap, so no MAC chart
    assert "<th>delta plain</th>" in page
    assert "Imported materials" not in page           # no run uses a material


def test_every_chart_is_written_as_a_png(one, many):
    for path, expected in ((one, CHARTS_CAPPED),
                           (many, CHARTS_COMPARISON + CHARTS_CAPPED + CHARTS_UNCAPPED)):
        pngs = sorted((path.parent / f"{path.stem}_charts").iterdir())
        assert len(pngs) == expected and all(p.suffix == ".png" for p in pngs)
        for png in pngs:
            assert png.read_bytes().startswith(PNG_SIGNATURE)
            height, width = imread(png).shape[:2]
            assert height > 100 and width > 100
    names = [p.name for p in sorted((many.parent / "compare_charts").iterdir())]
    assert names[:3] == ["01_compare_emissions.png", "02_compare_money.png",
                         "03_policy_emissions.png"]


def test_a_failed_run_is_reported_by_status_and_a_broken_folder_is_an_input_error(
        many, tmp_path):
    page = many.read_text()
    assert "<h2>Run: sweep_7</h2>" in page
    assert "Status infeasible: steel cap 2030 short by 1 Mt" in page
    with pytest.raises(InputError, match="run.json"):
        write_report([tmp_path / "nowhere"], tmp_path / "x.html")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("no chromium binary on PATH: cannot check the report renders "
                    "(.ci/run installs Debian's chromium package)")
    return found


def test_headless_chromium_draws_every_chart(many):
    """The page's script counts the charts the browser decoded once loaded."""
    browser = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
               "--virtual-time-budget=10000", many.as_uri()]
    dom = subprocess.run(browser, capture_output=True, text=True, timeout=120,
                         check=True).stdout
    body = re.search(r"<body[^>]*>", dom).group(0)
    expected = int(re.search(r'data-charts-expected="(\d+)"', body).group(1))
    drawn = int(re.search(r'data-charts-drawn="(\d+)"', body).group(1))
    assert drawn == expected == CHARTS_COMPARISON + CHARTS_CAPPED + CHARTS_UNCAPPED


def test_the_plant_timeline_draws_a_bar_per_run_of_years_on_one_technology():
    # 5-year steps. Plant a: old 2025-2030, new 2035-2040 -> bars [2025, 2035) and
    # [2035, 2045) in row 0; plant b: old in 2025, then closed -> [2025, 2030) in row 1.
    plants = pd.DataFrame({"plant": ["a"] * 4 + ["b"] * 4, "sector": "steel",
                           "year": [2025, 2030, 2035, 2040] * 2,
                           "technology": ["old", "old", "new", "new",
                                          "old", "closed", "closed", "closed"]})
    # b's closure is a row of the schedule too, drawn as the end of its bar, not a switch
    schedule = pd.DataFrame({"plant": ["a", "b"], "year": [2035, 2030],
                             "to_technology": ["new", "closed"]})
    ax = plant_timeline_chart(plants, schedule).axes[0]
    bars = sorted((p.get_x(), p.get_x() + p.get_width(), p.get_y() + p.get_height() / 2)
                  for p in ax.patches)
    assert bars == [(2025, 2030, 1), (2025, 2035, 0), (2035, 2045, 0)]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["new", "old", "switch"]
