"""The default Japan case still gives its stored key totals (refresh: python -m tests.regression)."""
import json

import pytest

from tests.regression import STORED, key_totals

# The default case is an LP; an alternative optimum (a tie between technologies) may
# move single figures a little; totals should not move more than this.
RELATIVE = 2e-3
ABSOLUTE_MTCO2 = 0.5


def test_default_case_key_totals():
    stored = json.loads(STORED.read_text())
    now = key_totals()
    assert now.keys() == stored.keys()
    for key, value in stored.items():
        tolerance = ABSOLUTE_MTCO2 if key.startswith("emissions_") else None
        assert now[key] == pytest.approx(value, rel=RELATIVE, abs=tolerance), (
            f"{key} moved from {value} to {now[key]}; if intended, run "
            "`python -m tests.regression` and say why in the commit")
