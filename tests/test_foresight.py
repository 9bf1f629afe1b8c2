"""Myopic foresight on the tiny case (tests/tiny.py), two model years 2025 and 2030
(each standing for 5 years), no existing capacity, demand 1 Mt, and a cap of 0 on
steel in 2030. Per t/yr and year: `old` costs its annuity a_o = 12,000 x CRF(8%, 40)
= 1,006 and 1,000 to run; `new` its annuity a_n = 27,000 x CRF(8%, 30) = 2,398 and 100.
- Seeing only 2025-29 (foresight 5, step 5): old costs 2,006 < new's 2,498, so old is
  built in 2025; in 2030 the cap stops it and new is built: 1 Mt of old stranded.
- With perfect foresight, old then new costs, against new from 2025, a_o + 900 - a_n
  = -492 a year in 2025-29 and a_o = +1,006 a year in 2030-34 (old's annuities run
  on), x 1.08^-5 = 0.68: +192 a year: new is built in 2025 and nothing is stranded.
Both fixings are needed (checked by removing each once): without the windows' (`hold`
in the loop) the 2030 window re-decides 2025, keeps nothing for 2030, and the plan
cannot meet the 2030 cap over the whole horizon (InfeasibleError); without the last
one the whole-horizon run is perfect foresight and builds no `old`.
"""
from __future__ import annotations

import pytest

from decarb.inputs.loading import dataset_from_frames
from decarb.workflow.foresight import run_myopic
from tests.tiny import costs, frame, tiny_frames, tiny_settings

CAPS = frame([dict(sector="steel", year=2025, cap_mtco2=10.0),
              dict(sector="steel", year=2030, cap_mtco2=0.0)])


def dataset():
    return dataset_from_frames(tiny_frames(
        technology_costs=frame(costs("old", 12000.0) + costs("new", 27000.0)),
        existing_capacity=frame([dict(technology="old", year=2025, capacity_m_per_yr=0.0),
                                 dict(technology="old", year=2050, capacity_m_per_yr=0.0)]),
        caps=CAPS), tiny_settings())


def built_in(tables, technology: str, year: int) -> float:
    t = tables["investments"]
    column = next(c for c in t.columns if c.startswith("new_capacity"))
    return float(t.loc[(t["technology"] == technology) & (t["year"] == year), column].sum())


def stranded(tables, technology: str, year: int) -> float:
    p = tables["production"]
    return float(p.loc[(p["technology"] == technology) & (p["year"] == year),
                       "stranded_capacity_m_per_yr"].sum())


def test_a_myopic_planner_builds_old_and_strands_it_when_the_cap_arrives():
    m = run_myopic(dataset(), window=5, step=5)
    assert built_in(m.tables, "old", 2025) == pytest.approx(1.0)
    assert built_in(m.tables, "new", 2030) == pytest.approx(1.0)
    assert stranded(m.tables, "old", 2030) == pytest.approx(1.0)
    assert built_in(m.perfect, "new", 2025) == pytest.approx(1.0)
    assert built_in(m.perfect, "old", 2025) == pytest.approx(0.0)
    assert stranded(m.perfect, "old", 2030) == pytest.approx(0.0)
    assert m.solution.objective_mjpy > m.perfect_objective_mjpy
    f = m.tables["foresight"].set_index("item")
    assert f.loc["stranded_m_per_yr:old", "difference"] == pytest.approx(1.0)


def test_foresight_over_the_whole_horizon_is_perfect_foresight():
    m = run_myopic(dataset(), window=10, step=10)
    assert m.solution.objective_mjpy == pytest.approx(m.perfect_objective_mjpy)
