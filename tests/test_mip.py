"""The MIP path: LP relaxation bound, rounded starts, branch and bound only where needed.

A tiny one-year case (tests/tiny.py) where `new` is built in units of 0.6 Mt/yr
at 10,000 JPY/(t/yr). Its yearly capital charge is
  a = 10,000 x CRF(8%, 30) / 1.08 = 822.476 JPY/(t/yr);
it runs at 100 JPY/t against `old`'s 1,000 JPY/t. Demand is 1 Mt/yr (MJPY below):
  LP relaxation: all on `new` (922.48 < 1,000 per t), 1.667 units: 1 x 922.476 = 922.476
  2 units (rounded, nearest and up): 1.2 x 822.476 + 1 x 100          = 1,086.971
  1 unit (the optimum): 0.6 x 822.476 + 0.6 x 100 + 0.4 x 1,000      = 953.486
  0 units: 1,000
"""
import subprocess
import sys
from pathlib import Path

import highspy
import numpy as np
import pytest

from decarb.formulation.build import build_model
from decarb.solving.lp_start import start_from_lp
from decarb.inputs.loading import dataset_from_frames
from decarb.solving.solve import HighsModel
from tests.tiny import (capital_per_year, costs, flat, frame, one_year, tiny_frames,
                        write_case)

ROOT = Path(__file__).resolve().parents[1]
A = capital_per_year(10_000.0)            # 822.476 JPY/(t/yr) a year
LP_BOUND = A + 100.0                       # 922.476 MJPY
TWO_UNITS = 1.2 * A + 100.0                # 1,086.971 MJPY
ONE_UNIT = 0.6 * A + 0.6 * 100.0 + 400.0   # 953.486 MJPY


def lumpy(changes=None, **settings):
    frames = tiny_frames(technology_costs=frame(costs("old", 50_000.0)
                                                + costs("new", 10_000.0)), **(changes or {}))
    frames["technologies"]["unit_size_m_per_yr"] = [None, 0.6]
    return build_model(dataset_from_frames(frames, one_year(**settings)))


def test_a_rounded_relaxation_within_the_gap_is_the_answer_without_branching():
    solution = HighsModel(lumpy(mip_gap=0.2)).solve()
    assert solution.objective_mjpy == pytest.approx(TWO_UNITS, rel=1e-6)
    # proven by the LP bound: (1,086.971 - 922.476) / 1,086.971 = 0.1513
    assert solution.mip_bound_mjpy == pytest.approx(LP_BOUND, rel=1e-6)
    assert solution.mip_gap == pytest.approx((TWO_UNITS - LP_BOUND) / TWO_UNITS, rel=1e-6)
    assert "within the gap" in solution.mip_method


def test_a_tight_gap_branches_to_the_optimum():
    solution = HighsModel(lumpy(mip_gap=1e-4)).solve()
    assert solution.objective_mjpy == pytest.approx(ONE_UNIT, rel=1e-6)
    assert solution.mip_method.startswith("branch and bound")
    assert solution.mip_gap <= 1e-4


def test_the_previous_answer_is_reused_where_it_is_better_than_rounding():
    model = HighsModel(lumpy(mip_gap=0.2))
    model.incumbent = np.array([1.0])      # e.g. the last sweep point's one unit
    solution = model.solve()
    # 953.486 beats the rounded 1,086.971 and is within (953.486 - 922.476) / 953.486
    assert solution.objective_mjpy == pytest.approx(ONE_UNIT, rel=1e-6)
    assert "of the last answer" in solution.mip_method


def test_rounding_up_is_the_start_where_the_nearest_count_cannot_meet_demand():
    # Demand 0.7 Mt and a steel cap of 0, so `old` (coal) may not run: the LP builds
    # 0.7 / 0.6 = 1.167 units (0.7 A + 70); 1 unit (0.6 Mt) cannot meet demand, 2 units
    # can: 1.2 A + 0.7 x 100 = 1,056.97 MJPY, within a 0.5 gap of the bound
    # (0.5 A / 1,056.97 = 0.389).
    solution = HighsModel(lumpy(dict(
        demand=frame(flat(commodity="steel", demand_m_per_yr=0.7)),
        caps=frame(flat(sector="steel", cap_mtco2=0.0))), mip_gap=0.5)).solve()
    assert solution.objective_mjpy == pytest.approx(1.2 * A + 70.0, rel=1e-6)
    assert solution.mip_bound_mjpy == pytest.approx(0.7 * A + 70.0, rel=1e-6)
    assert "rounded up" in solution.mip_method


@pytest.mark.parametrize("flag, banner", [((), False), (("--verbose",), True)])
def test_the_solver_log_shows_only_when_asked(tmp_path, flag, banner):
    data = write_case(tmp_path / "case", tiny_frames(), one_year())
    out = subprocess.run([sys.executable, str(ROOT / "cli.py"), "run", "--data", str(data),
                          "--out", str(tmp_path / "run"), *flag], capture_output=True,
                         text=True, env={"PYTHONPATH": str(ROOT), "PATH": ""}, check=True)
    assert ("Running HiGHS" in out.stdout) is banner
    assert "Solved: optimal" in out.stdout


def test_whole_units_are_bounded_by_the_demand_they_can_serve():
    # ceil(1 Mt/yr of demand / (availability 1 x 0.6 Mt/yr per unit)) = 2 units
    units = lumpy().vars["units"]
    assert [v.ub for v in units["var"]] == [2]


def test_the_lp_start_answers_with_the_best_restricted_mip_not_the_first_within_the_gap():
    # min 1,000 + 10 a + 9 b, a + b >= 1, a and b binary. The LP bound is 1,009 (b = 1).
    # Two tries, each within a 1% gap: a = 1 (1,010), then b = 1 (1,009). The answer is
    # the better, 1,009; the first within the gap would be 1,010.
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(2, 1, 2, int(highspy.MatrixFormat.kRowwise), int(highspy.ObjSense.kMinimize),
                1000.0, np.array([10.0, 9.0]), np.zeros(2), np.ones(2), np.array([1.0]),
                np.array([highspy.kHighsInf]), np.array([0, 2], np.int32),
                np.array([0, 1], np.int32), np.ones(2),
                np.full(2, int(highspy.HighsVarType.kInteger), np.int32))
    integer = np.array([0, 1], np.int32)

    def plan(values):
        return [(np.array([0], np.int32), np.array([1.0]), np.array([1], np.int32)),
                (np.array([1], np.int32), np.array([1.0]), np.array([0], np.int32))]
    bound, objective, values = start_from_lp(h, integer, (np.zeros(2), np.ones(2)), 0.01,
                                             plan)
    assert (bound, objective) == pytest.approx((1009.0, 1009.0))
    assert values[:2] == pytest.approx([0.0, 1.0])
