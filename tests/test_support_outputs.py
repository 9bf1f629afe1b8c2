"""What a run writes about the support package: companies.csv, public_costs.csv and the
per-instrument public cost per tonne abated of compare, by hand."""
import pandas as pd
import pytest

from decarb.outputs.compare import public_cost_per_t_abated
from decarb.outputs.compare_support import _blocks, _by_instrument
from tests.test_hydrogen_contracts import hydrogen_case, settings
from tests.test_plants import _tax
from tests.test_tax_reform import company
from tests.tiny import frame, one_year, solve_tiny
from tests.tiny_plants import edge, plants, solve_plants


def company_run():
    """A's plant switches for I = 10 BJPY; programme g pays 1/2 = 5 BJPY; the credit of
    10% on the net base 5 BJPY is 0.5 BJPY, within A's cap of 20% x 10 BJPY = 2 BJPY."""
    return solve_plants(plants(("a", 1.0, 2030)).assign(company="A"), [edge(capex=10000.0)],
                     one_year(mode="plant", tax_scheme="t"), **company(10.0),
                     **_tax(10.0), subsidies=frame([dict(programme="g", rate=0.5,
                                                         first_year=2020, last_year=2030)]),
                     subsidy_eligibility=frame([dict(programme="g", technology="new")]))


def test_companies_csv_has_capex_support_and_the_use_of_each_cap():
    row = company_run().tables["companies"].set_index(["company", "year"]).loc[("A", 2025)]
    assert row["capex_bjpy"] == pytest.approx(10.0)
    assert row["subsidy_g_bjpy"] == pytest.approx(5.0)
    assert row["credit_bjpy"] == pytest.approx(0.5)
    assert row["tax_benefit_bjpy"] == pytest.approx(0.5)
    assert row["support_bjpy"] == pytest.approx(5.5)
    assert row["corporate_tax_bjpy_per_yr"] == pytest.approx(10.0)
    assert (row["cn_credit_used_bjpy"], row["cn_credit_cap_bjpy"]) == (pytest.approx(0.5),
                                                                       pytest.approx(2.0))
    assert not row["cn_credit_binding"]


def test_public_costs_csv_holds_each_instrument_by_year():
    # The contract of test_hydrogen_contracts: 0.3 PJ x 2,900 JPY/GJ = 0.87 BJPY in 2025.
    r = solve_tiny(settings(), **hydrogen_case())
    public = r.tables["public_costs"].set_index(["instrument", "programme", "year"])
    assert public.loc[("hydrogen_cfd", "k1", 2025), "public_cost_bjpy"] == pytest.approx(0.87)


def test_each_instrument_s_cost_per_t_abated_adds_up_to_the_total():
    # The run pays 2 BJPY of subsidy and 1 of CfD more than the reference and emits 2 Mt
    # less: 1,000 and 500 JPY/t.
    public = pd.DataFrame({"instrument": ["subsidy", "subsidy", "hydrogen_cfd"],
                           "run": ["ref", "run", "run"],
                           "public_cost_bjpy": [0.0, 2.0, 1.0]})
    cash = _by_instrument(public, ["ref", "run"])
    emitted = pd.Series({"ref": 10.0, "run": 8.0})
    blocks = _blocks("", cash, emitted, lambda kpi, unit, rows, column: rows.assign(kpi=kpi)
                     .set_index("run")[column].rename(kpi), public_cost_per_t_abated)
    per_t = {b.name: b["run"] for b in blocks if "per t" in b.name}
    assert per_t["public cost per t abated: subsidy"] == pytest.approx(1000.0)
    assert per_t["public cost per t abated: hydrogen_cfd"] == pytest.approx(500.0)
    assert per_t["public cost per t abated"] == pytest.approx(1500.0)
