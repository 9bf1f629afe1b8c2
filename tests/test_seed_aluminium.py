"""The seed's aluminium upgrade-recycling figures, reproduced by the shipped case.

[METI22] (the seed): upgrade recycling at 30% / 50% of wrought products cuts primary
ingot imports by 1.30 Mt (2040) and 2.56 Mt (2050), and CO2 by 9.68 Mt and 19.14 Mt.
`decarb compare seed_aluminium_no_upgrade seed_aluminium` (the counterfactual has no
upgrade recycling) must show those differences within 10%: the primary ingot the
aluminium sector uses, and its counted emissions, which include the embedded CO2 of
the imported ingot.
"""
from pathlib import Path

import pytest

from decarb.outputs.compare import compare_runs
from decarb.workflow.commands import stored_or_run

DATA = Path(__file__).resolve().parents[1] / "data" / "japan"
SEED = {2040: (-1.30, -9.68), 2050: (-2.56, -19.14)}    # Mt primary, Mt-CO2


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    runs = stored_or_run(["seed_aluminium_no_upgrade", "seed_aluminium"], DATA,
                         tmp_path_factory.mktemp("results"))
    table = compare_runs([folder for folder, _ in runs])
    delta = table.columns[-1]
    aluminium = table.loc[table["sector"] == "aluminium"].set_index("kpi")[delta]
    return aluminium


@pytest.mark.parametrize("year", sorted(SEED))
def test_case_minus_counterfactual_is_the_seed_within_ten_percent(comparison, year):
    primary, co2 = SEED[year]
    assert comparison[f"al_primary_ingot used {year}"] == pytest.approx(primary, rel=0.10)
    assert comparison[f"emissions {year}"] == pytest.approx(co2, rel=0.10)
