"""What each instrument adds, against the same case without it, by hand.

Two sectors make 1 Mt/yr each over 2025 and 2030 (five calendar years each): steel
and paper, each an `old` route burning 1,000 JPY/t of coal at 1 t-CO2/t and a
`new` electric one (100 JPY/t of power). Steel's new costs 20,000 JPY/(t/yr) of
capex (1,645 + 100 JPY/t a year: it abates at 745 JPY/t), paper's 15,000 (1,234 +
100: 334 JPY/t). An economy-wide cap of 1 Mt/yr forces one of them to switch:
paper, the cheaper abatement. A 50% subsidy on steel's new route makes it cheaper
than its old one (822 + 100 < 1,000): steel switches, paper need not. The total is
the cap's either way: the subsidy moves 10 Mt of abatement from paper to steel and
adds none, for 10 BJPY of public money (50% of 20 BJPY).
"""
import pandas as pd
import pytest
from click.testing import CliRunner

from decarb.cli import main
from tests.tiny import costs, flat, frame, tiny_frames, tiny_settings, write_case


def two_sectors(subsidy_rate: float) -> dict[str, pd.DataFrame]:
    f = tiny_frames()
    paper = {"steel": "paper", "old": "paper_old", "new": "paper_new"}

    def copied(table: str) -> list[dict]:
        rows = f[table].to_dict("records")
        return rows + [{k: paper.get(v, v) if isinstance(v, str) else v for k, v in r.items()}
                       for r in rows if r.get("sector", "steel") == "steel"
                       and r.get("commodity") not in ("coal", "electricity", "co2_captured")]
    return tiny_frames(
        sectors=frame(copied("sectors")),
        commodities=frame(copied("commodities")),
        demand=frame(copied("demand")),
        technologies=frame(copied("technologies")),
        technology_flows=frame(f["technology_flows"].to_dict("records") + [
            dict(r, technology=paper[r["technology"]]) for r in
            f["technology_flows"].to_dict("records")]),
        existing_capacity=frame(f["existing_capacity"].to_dict("records") + [
            dict(r, technology="paper_old") for r in f["existing_capacity"].to_dict("records")]),
        technology_costs=frame(costs("old", 50000.0) + costs("new", 20000.0)
                               + costs("paper_old", 50000.0) + costs("paper_new", 15000.0)),
        caps=frame(flat(sector="all", cap_mtco2=1.0)),
        subsidies=frame([dict(programme="steel_fund", rate=subsidy_rate, first_year=2025,
                              last_year=2030)]),
        subsidy_eligibility=frame([dict(programme="steel_fund", technology="new")]))


@pytest.fixture(scope="module")
def attributed(tmp_path_factory):
    root = tmp_path_factory.mktemp("attribution")
    data = write_case(root / "data", two_sectors(0.5), tiny_settings())
    result = CliRunner().invoke(main, ["run", "--data", str(data), "--out",
                                       str(root / "run"), "--attribution"])
    assert result.exit_code == 0, result.output
    return root / "run", result.output


def test_under_a_binding_cap_a_subsidy_moves_abatement_rather_than_adds_it(attributed):
    folder, output = attributed
    table = pd.read_csv(folder / "attribution.csv").set_index(["instrument", "sector"])
    total = table.loc[("subsidy:steel_fund", "all")]
    assert total["abated_mtco2"] == pytest.approx(0.0, abs=1e-6)
    assert total["moved_mtco2"] == pytest.approx(10.0, rel=1e-6)
    assert total["public_cost_bjpy"] == pytest.approx(10.0, rel=1e-6)
    assert pd.isna(total["public_cost_per_t_jpy_per_tco2"])      # it adds no tonne
    assert total["effect"].startswith("moves more abatement between sectors than it adds")
    assert table.loc[("subsidy:steel_fund", "steel"), "abated_mtco2"] == pytest.approx(10.0)
    assert table.loc[("subsidy:steel_fund", "paper"), "abated_mtco2"] == pytest.approx(-10.0)
    assert "subsidy:steel_fund: abates 0.00 Mt-CO2, moves 10.00 Mt" in output


def test_without_a_cap_the_subsidy_adds_its_abatement_at_its_cost_per_tonne(tmp_path):
    # no cap: steel switches only with the subsidy (10 Mt over the horizon), paper never
    frames = two_sectors(0.5)
    frames.pop("caps")
    data = write_case(tmp_path / "data", frames, tiny_settings())
    result = CliRunner().invoke(main, ["run", "--data", str(data), "--out",
                                       str(tmp_path / "run"), "--attribution"])
    assert result.exit_code == 0, result.output
    total = pd.read_csv(tmp_path / "run" / "attribution.csv").set_index(
        ["instrument", "sector"]).loc[("subsidy:steel_fund", "all")]
    assert total["abated_mtco2"] == pytest.approx(10.0, rel=1e-6)
    assert total["public_cost_per_t_jpy_per_tco2"] == pytest.approx(1000 * 10.0 / 10.0)
    assert total["effect"] == "adds abatement"


def test_compare_shows_what_each_instrument_adds(attributed):
    folder, _ = attributed
    result = CliRunner().invoke(main, ["compare", str(folder)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    moved = lines.index("subsidy:steel_fund: abatement moved between sectors (Mt-CO2)")
    assert lines[moved + 1].split() == ["all", "10.0"]
    assert "public cost per t below the reference (JPY/t-CO2)" in lines
