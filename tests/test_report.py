"""The terminal summary, from hand-made result tables."""
import pandas as pd
import pytest

from decarb.outputs.report import format_summary, sector_summary


def test_summary_sums_investment_since_the_previous_report_year_and_names_the_mix():
    years = list(range(2025, 2031))
    emissions = pd.DataFrame({"sector": ["steel", "steel", "all", "all"],
                              "year": [2025, 2030, 2025, 2030],
                              "counted_mtco2": [10.0, 6.0, 10.0, 6.0],
                              "cap_mtco2": [12.0, 6.0, None, None],
                              "mac_jpy_per_tco2": [0.0, 500.0, None, None]})
    investments = pd.DataFrame({"year": [2025, 2027, 2030], "sector": "steel",
                                "technology": "eaf", "capex_bjpy": [1.0, 2.0, 4.0],
                                "subsidy_gx_bjpy": [0.5, 0.0, 1.0],
                                "tax_benefit_bjpy": [0.0, 0.2, 0.0]})
    production = pd.DataFrame({"sector": "steel", "product": "steel", "kind": "product",
                               "technology": ["bof", "eaf", "bof", "eaf"],
                               "year": [2025, 2025, 2030, 2030],
                               "output_m_per_yr": [3.0, 1.0, 1.0, 3.0]})
    summary = sector_summary({"emissions": emissions, "investments": investments,
                              "production": production}, years).set_index(["sector", "year"])
    # 2030 window is 2026..2030: capex 2 + 4, support 0.2 + 1.0
    assert summary.loc[("steel", 2030), "capex_bjpy"] == pytest.approx(6.0)
    assert summary.loc[("steel", 2030), "support_bjpy"] == pytest.approx(1.2)
    assert summary.loc[("steel", 2025), "capex_bjpy"] == pytest.approx(1.0)
    assert summary.loc[("all", 2030), "capex_bjpy"] == pytest.approx(6.0)
    assert summary.loc[("steel", 2025), "mix"] == "steel: bof 75%, eaf 25%"
    assert "500" in format_summary(summary.reset_index())
