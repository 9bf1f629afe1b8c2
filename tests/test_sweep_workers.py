"""Sweeps and sets: a point's tables do not depend on the worker that solved it nor on the
points solved before it; workers end with the sweep's process; a sweep or set name in
use is refused, so a summary lists exactly the points stored in its folder."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from decarb import shipped_dataset
from decarb.cli import main
from decarb.inputs.cases import derive, load_case
from decarb.workflow.levers import grid, parse_lever
from decarb.workflow.sweep import SUMMARY_FILE, run_sweep
from tests.test_sweep import CHANGES
from tests.tiny import one_year, tiny_frames, write_case

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("emissions", "production", "investments", "energy", "costs")


def folders(sweep: Path) -> dict[str, Path]:
    """Point folders by their lever label (the part after `NNN-`)."""
    return {p.name.split("-", 1)[1]: p for p in sweep.iterdir()
            if p.is_dir() and not p.name.startswith(".")}


def test_a_points_tables_do_not_depend_on_the_worker_or_the_order(tmp_path):
    """The Japan FY2024 LP has optima of equal cost with other per-sector figures: a
    point re-solved from the point before it (warm) lands on one of them depending on
    which point that was; from the base's solved state, always on the same."""
    base = derive(load_case(shipped_dataset("japan") / "cases" / "fy2024.toml"), "test",
                  {"settings": {"integer_units": False}})
    prices = [0, 4000, 8000, 12000]
    lever = "carbon_price=" + ",".join(map(str, prices))
    reverse = "carbon_price=" + ",".join(map(str, prices[::-1]))
    run_sweep(base, grid([parse_lever(lever)]), tmp_path / "one", workers=1)
    run_sweep(base, grid([parse_lever(reverse)]), tmp_path / "two", workers=2)
    one, two = folders(tmp_path / "one"), folders(tmp_path / "two")
    assert set(one) == set(two) and len(one) == len(prices)
    for label in one:
        for table in TABLES:
            assert (one[label] / f"{table}.csv").read_bytes() == \
                (two[label] / f"{table}.csv").read_bytes(), (label, table)


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def running(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_killing_the_sweep_ends_its_workers_and_no_point_is_written_after(tmp_path):
    data = write_case(tmp_path / "tiny", tiny_frames(**CHANGES), one_year())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    sweep = tmp_path / "results" / "s"
    process = subprocess.Popen(
        [sys.executable, "-m", "decarb", "sweep", "--data", str(data), "--results",
         str(tmp_path / "results"), "--name", "s", "--workers", "2",
         "--lever", "carbon_price=0:3000:400"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not (sweep / SUMMARY_FILE).exists():
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        workers = descendants(process.pid)
        assert len(workers) >= 2
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    deadline = time.monotonic() + 10
    while running(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not running(workers), "workers outlived the sweep"
    stored = len(folders(sweep))
    time.sleep(2)
    assert len(folders(sweep)) == stored < 400


@pytest.mark.parametrize("command", [["sweep", "--lever", "carbon_price=0,100"],
                                     ["uncertainty", "--case", "u", "--samples", "2",
                                      "--no-tornado"]])
def test_a_set_name_in_use_is_refused_and_the_set_left_whole(tmp_path, command):
    data = write_case(tmp_path / "tiny", tiny_frames(**CHANGES), one_year())
    (data / "cases").mkdir()
    (data / "cases" / "u.toml").write_text(
        'purpose = "ranges"\n[[uncertain]]\nname = "price"\ntable = "commodity_prices"\n'
        'column = "price_jpy_per_unit"\nmatch = { commodity = "electricity" }\n'
        'multiplier = "uniform(0.9, 1.1)"\n')
    args = [*command, "--data", str(data), "--results", str(tmp_path / "r"), "--name", "s",
            "--workers", "1"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    before = {p: p.read_bytes() for p in (tmp_path / "r").rglob("*") if p.is_file()}
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 1 and "exists" in again.output, again.output
    assert {p: p.read_bytes() for p in (tmp_path / "r").rglob("*") if p.is_file()} == before
    summary = pd.read_csv(tmp_path / "r" / "s" / SUMMARY_FILE)
    assert sorted(summary["run"]) == sorted(f"s/{p.name}" for p in (tmp_path / "r" / "s")
                                            .iterdir() if (p / "run.json").is_file())
