"""Progressive hedging (mpi-sppy) agrees with the extensive form, on the tiny cases of
tests/test_stochastic.py whose answers are derived there by hand:
- two electricity prices: the hedged plan builds 1 Mt of `new`, RP = k + 550;
- two demands with priced recourse: it builds 2 Mt, RP = 2k + 150.
PH stops when the mean |x - x-bar| is below its tolerance (1e-4 Mt here), so its plan
is within about that of the exact one and RP within k x that (relative 1e-4 is ample).
The in-process test runs PH on one MPI process; the command test on two
(`mpiexec -n 2`), as CI does. Both skip, saying why, only where MPI is absent.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from tests.test_stochastic import (K, REBUILD_CASE_RP, plan_value, prices, two_demands,
                                   two_new_site_capexes, two_prices)
from tests.tiny import one_year, tiny_frames, write_case



def mpi_missing() -> str | None:
    """Why progressive hedging cannot run here, or None."""
    missing = [m for m in ("mpi4py", "mpisppy") if importlib.util.find_spec(m) is None]
    if missing:
        return f"{', '.join(missing)} not installed (pip install 'decarb[mpi]')"
    try:
        from mpi4py import MPI  # noqa: F401  (loads the MPI library)
    except ImportError as error:
        return f"no MPI library for mpi4py (Debian: libopenmpi-dev): {error}"
    return None


MPI_MISSING = mpi_missing()
needs_mpi = pytest.mark.skipif(MPI_MISSING is not None, reason=MPI_MISSING or "")


def hedge(scenarios, decision_year=2025):
    from decarb.workflow.hedging import run_hedging
    by_name = {s.name: s for s in scenarios}
    return run_hedging(list(by_name), [s.probability for s in scenarios],
                       lambda name: by_name[name].ds, decision_year)


@needs_mpi
def test_progressive_hedging_finds_the_hedged_plan_of_the_extensive_form():
    r = hedge(two_prices())
    assert r.rp_mjpy == pytest.approx(K + 550, rel=1e-4)
    assert r.rp_mjpy >= K + 550 - 1e-6          # a plan's cost is never below the optimum
    assert r.ws_total_mjpy == pytest.approx((K + 100 + 1000) / 2, rel=1e-9)
    assert plan_value(r.plan, "new", "new|2025") == pytest.approx(1.0, abs=1e-3)
    assert 1 <= r.iterations < 200 and r.convergence < 1e-4



@needs_mpi
def test_progressive_hedging_holds_at_0_a_decision_one_scenario_lacks():
    # tests/test_stochastic.py: only the dear scenario offers the rebuild on old sites;
    # PH, like the extensive form, decides the builds every scenario has and holds the
    # rebuild at 0: RP = 1,525 + 2,000 x 11/120, WS 25 below it.
    r = hedge(two_new_site_capexes(), 2027)
    assert r.rp_mjpy == pytest.approx(REBUILD_CASE_RP, rel=1e-4)
    assert r.ws_total_mjpy == pytest.approx(REBUILD_CASE_RP - 25, rel=1e-9)
    assert [plan_value(r.plan, "new", f"new|{y}") for y in (2025, 2026, 2027)] == \
        pytest.approx([0.25, 0.5, 1.0], abs=1e-3)
    assert r.plan.loc[r.plan["key"].str.startswith("old|new"), "value"].abs().sum() < 1e-9


@needs_mpi
def test_progressive_hedging_with_recourse_agrees_with_the_extensive_form():
    from decarb.workflow.stochastic import run_stochastic
    scenarios = two_demands(unserved_penalty_jpy_per_unit=4000.0)
    exact = run_stochastic(scenarios, 2025)
    r = hedge(scenarios)
    assert r.rp_mjpy == pytest.approx(exact.rp.objective_mjpy, rel=1e-4)
    assert exact.rp.objective_mjpy == pytest.approx(2 * K + 150)
    assert plan_value(r.plan, "new", "new|2025") == pytest.approx(2.0, abs=1e-3)


def mpiexec() -> str | None:
    return shutil.which("mpiexec")


@needs_mpi
@pytest.mark.skipif(mpiexec() is None, reason="no mpiexec on PATH (Debian: openmpi-bin)")
def test_mpiexec_two_processes_agree_with_the_extensive_form(tmp_path):
    write_case(tmp_path / "data", tiny_frames(commodity_prices=prices(100.0)), one_year())
    (tmp_path / "data" / "cases").mkdir()
    (tmp_path / "data" / "cases" / "two.toml").write_text(
        'purpose = "two electricity prices"\n\n'
        '[[scenario]]\nname = "cheap"\nprobability = 0.5\n\n'
        '[[scenario]]\nname = "dear"\nprobability = 0.5\n'
        '[scenario.tables.commodity_prices]\n'
        'scale = [{ commodity = "electricity", price_jpy_per_unit = 21.0 }]\n')
    env = dict(os.environ, OMPI_MCA_rmaps_base_oversubscribe="1")
    if hasattr(os, "geteuid") and os.geteuid() == 0:   # Open MPI refuses root otherwise
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    done = subprocess.run(
        [mpiexec(), "-n", "2", sys.executable, "-m", "decarb", "stochastic", "--data",
         str(tmp_path / "data"), "--case", "two", "--decision-year", "2025", "--ph",
         "--results", str(tmp_path / "results"), "--name", "ph"],
        env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    folder = tmp_path / "results" / "ph"
    table = pd.read_csv(folder / "stochastic.csv", keep_default_na=False)
    rp = table.loc[table["figure"] == "RP", "value_bjpy"].iloc[0]
    assert rp == pytest.approx((K + 550) / 1000, rel=1e-4)
    method = json.loads((folder / "stochastic.json").read_text())["method"]
    assert method["progressive_hedging"]["processes"] == 2
    assert "Progressive hedging (mpi-sppy, 2 processes" in done.stdout
