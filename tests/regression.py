"""Key totals of the default Japan case, stored so a change that moves them is seen.

Refresh after an intended change to the model or the data, and say why in the
commit:  python -m tests.regression
"""
from __future__ import annotations

import json
from pathlib import Path

from decarb.inputs.loading import read_dataset
from decarb.workflow.run import run_case

ROOT = Path(__file__).resolve().parents[1]
STORED = Path(__file__).with_name("regression") / "japan_totals.json"


def key_totals() -> dict[str, float]:
    result = run_case(read_dataset(ROOT / "data" / "japan"))
    t = result.tables
    costs = t["costs"].set_index(["kind", "component"])
    emissions = t["emissions"].set_index(["sector", "year"])
    totals = {
        "private_npv_bjpy": costs.loc[("cost", "total"), "private_npv_bjpy"],
        "social_npv_bjpy": costs.loc[("cost", "total"), "social_npv_bjpy"],
        "public_cost_bjpy": costs.loc[("public", "total"), "public_cost_bjpy"],
        "capex_bjpy": t["investments"]["capex_bjpy"].sum(),
        "cumulative_emissions_mtco2": emissions.loc["all", "counted_mtco2"].sum(),
    }
    for sector in t["emissions"]["sector"].unique():
        for year in (2025, 2030, 2050):
            totals[f"emissions_{sector}_{year}_mtco2"] = emissions.loc[(sector, year),
                                                                       "counted_mtco2"]
    return {k: round(float(v), 6) for k, v in totals.items()}


if __name__ == "__main__":
    STORED.write_text(json.dumps(key_totals(), indent=2) + "\n")
    print(f"wrote {STORED}")
