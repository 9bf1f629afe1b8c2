"""Embedded CO2 of imported commodities (scope 3), by hand on the tiny case.

`old` also consumes 2 t of imported `ingot` per t of steel; making one t of
ingot abroad emitted 3 t-CO2, so old carries 2 x 3 = 6 t-CO2/t embedded on top
of its 1 t-CO2/t direct. `new` uses no ingot.
"""
import pandas as pd
import pytest

from decarb.outputs.export import export_run, iamc_table
from decarb.outputs.html_report import write_report
from decarb.outputs.runstore import write_run
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


# --- materials.csv in the exports and the report ---------------------------------------
# The default run of with_ingot() (cap 4 Mt, not counting embedded CO2): old makes the
# whole 1 Mt of steel, so it uses 2 t/t x 1 Mt = 2 Mt of ingot, 2 Mt x 3 t-CO2/t = 6 Mt-CO2
# embedded, all in steel. old also uses 1 t/t of `ore`, a free material without an
# embedded factor: 1 Mt of it, carrying no CO2.
INGOT_MT, EMBEDDED_MTCO2 = 2.0, 6.0


@pytest.fixture(scope="module")
def ingot_run(tmp_path_factory):
    f = with_ingot()
    r = solve_tiny(**with_ingot(
        commodities=frame(f["commodities"].to_dict("records") + [
            dict(commodity="ore", kind="material", unit="t", embedded_ef_tco2_per_unit=0.0)]),
        commodity_prices=frame(f["commodity_prices"].to_dict("records")
                               + flat(commodity="ore", price_jpy_per_unit=0.0)),
        technology_flows=frame(f["technology_flows"].to_dict("records") + [
            dict(technology="old", commodity="ore", direction="in", amount_per_unit=1.0)])))
    return write_run(tmp_path_factory.mktemp("ingot") / "run", r.tables, r.meta)


def test_csv_and_xlsx_exports_carry_the_materials_table(ingot_run, tmp_path):
    folder = export_run(ingot_run, "csv", tmp_path / "tables")
    assert (folder / "materials.csv").read_bytes() == (ingot_run / "materials.csv").read_bytes()
    sheets = pd.read_excel(export_run(ingot_run, "xlsx", tmp_path / "plan.xlsx"),
                           sheet_name=None)
    assert list(sheets)[-4:] == ["materials", "levelised_costs", "mac_curve", "run"]
    rows = sheets["materials"].set_index("commodity")
    row = rows.loc["ingot"]
    assert row["sector"] == "steel" and row["year"] == 2025
    assert row["use [M unit/yr]"] == pytest.approx(INGOT_MT)
    assert row["embedded [Mt-CO2/yr]"] == pytest.approx(EMBEDDED_MTCO2)
    assert rows.loc["ore", "use [M unit/yr]"] == pytest.approx(1.0)
    assert rows.loc["ore", "embedded [Mt-CO2/yr]"] == pytest.approx(0.0)


def test_a_run_stored_without_materials_still_exports(ingot_run, tmp_path):
    tables = {t: pd.read_csv(ingot_run / f"{t}.csv")
              for t in ("investments", "emissions", "production", "energy", "costs")}
    old = write_run(tmp_path / "old", tables, {"settings": {"year_step": 1}})
    assert not (old / "materials.csv").exists()
    assert "materials.csv" not in {p.name for p in export_run(old, "csv").iterdir()}
    assert "materials" not in pd.read_excel(export_run(old, "xlsx"), sheet_name=None)
    assert not iamc_table(old)["Variable"].str.contains("Embedded").any()


def test_iamc_reports_embedded_co2_apart_from_direct_emissions(ingot_run):
    t = iamc_table(ingot_run).set_index(["Variable", "Year"])["Value"]
    assert t["Emissions|CO2|Embedded in Imports|Industry|Steel", 2025] == \
        pytest.approx(EMBEDDED_MTCO2)
    assert t["Emissions|CO2|Embedded in Imports|Industry", 2025] == \
        pytest.approx(EMBEDDED_MTCO2)
    # the industry's scope 1 + 2 stays old's 1 t/t x 1 Mt = 1 Mt, without the 6 embedded
    assert t["Emissions|CO2|Industry", 2025] == pytest.approx(1.0)


def test_the_report_shows_the_materials_and_their_embedded_co2(ingot_run, tmp_path):
    page = write_report([ingot_run], tmp_path / "report.html").read_text()
    section = page.split("<h3>Imported materials and embedded CO2</h3>")[1]
    # one row: steel, ingot, 2025, 2 Mt used, 6 Mt-CO2 embedded (one decimal shown)
    row = section.split("</table>")[0].split("<tr>")[2]
    cells = [c.split(">", 1)[1] for c in row.split("</td>")[:-1]]
    assert cells == ["steel", "ingot", "2025", "2.0", "6.0"]
    assert "ore" not in section.split("</table>")[0]     # it carries no embedded CO2
    assert "not counted in the caps" in section
