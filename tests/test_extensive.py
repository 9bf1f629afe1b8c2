"""Non-anticipativity of the extensive form with more than two scenarios, by hand.

The tiny case of test_stochastic.py (1 Mt of steel from `old` at 1,000 JPY/t or
from `new`: capital charge k = 82.25 JPY per t/yr and 1 GJ of electricity per t),
with three equally likely electricity prices, listed dear, cheap, dear (2,100,
100, 2,100 JPY/GJ); the build of `new` is decided before the price is known.
Building x costs k x in every scenario and saves 900 x only in the cheap one
(1,000 - 100), so the hedged plan builds x = 1 everywhere:
  RP = k + (1,000 + 100 + 1,000) / 3 = k + 700 = 782.25 MJPY
(the dear scenarios run `old` and leave `new` idle).
Were the first scenario only tied to the mean of the others (x1 + x2 = 2 x0), the
cheap scenario would build 1, the first 0.5 and the third 0:
  1,000 + (1.5 k - 900) / 3 = 741.12 MJPY, and three different plans.
"""
from __future__ import annotations

import pytest

from decarb.formulation.extensive import Scenario, build_extensive
from decarb.inputs.loading import dataset_from_frames
from decarb.solving.solve import HighsModel
from tests.test_stochastic import K, prices
from tests.tiny import one_year, tiny_frames


def test_every_scenario_builds_the_same_first_stage_when_there_are_three():
    scenarios = [Scenario(f"{i}", 1 / 3, dataset_from_frames(
        tiny_frames(commodity_prices=prices(e)), one_year()))
        for i, e in enumerate((2100.0, 100.0, 2100.0))]
    ext = build_extensive(scenarios, 2025)
    solution = HighsModel(ext).solve()
    assert solution.objective_mjpy == pytest.approx(K + 700)
    new = ext.first_stage["new"]
    row = new.loc[new["technology"] == "new"].iloc[0]
    assert [row[f"var_{w}"].value for w in range(3)] == pytest.approx([1.0, 1.0, 1.0])
