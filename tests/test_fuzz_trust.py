"""A sample of the fuzzers of what is stored and served: every request of a sample to
`decarb serve` is refused clearly, writes nothing and leaves the server up; every damage
of a sample of run folders is named by each command (benchmarks/fuzz_serve.py and
benchmarks/fuzz_runs.py run the full counts of the README)."""
from __future__ import annotations

from collections import Counter

from benchmarks import fuzz_runs, fuzz_serve
from tests.tiny import one_year, tiny_frames, write_case


def test_a_sample_of_malformed_requests_is_refused_clearly():
    outcomes, shown = fuzz_serve.fuzz(120, seed=3, show=1)
    total = sum(outcomes.values(), Counter())
    assert total["clear"] == 120, dict(shown)


def test_a_sample_of_damaged_run_folders_is_named_by_every_command(tmp_path):
    data = write_case(tmp_path / "tiny", tiny_frames(), one_year())
    (data / "cases").mkdir()
    (data / "cases" / "policy.toml").write_text('purpose = "a case"\n')
    outcomes, shown = fuzz_runs.fuzz(6, seed=5, data=data, show=1)
    total = sum(outcomes.values(), Counter())
    assert total["clear"] == sum(total.values()) >= 6 * 5, dict(shown)
