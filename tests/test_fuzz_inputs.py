"""A sample of the input fuzzer (`benchmarks/fuzz_inputs.py`, which makes 1,000) on the
tiny dataset: a corruption of any kind must exit 2 naming the file (and the row and column
where the corruption has them) without a traceback."""
from __future__ import annotations

import random

import pytest
from hypothesis import Phase, given, settings, strategies as st

from benchmarks.fuzz_inputs import KINDS, make_corruption, prepare, run_corruption
from tests.tiny import tiny_frames, tiny_settings, write_case


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    data = write_case(tmp_path_factory.mktemp("tiny") / "data", tiny_frames(), tiny_settings())
    work = tmp_path_factory.mktemp("fuzz") / "data"
    return prepare(data, work), work


# a fixed sample (derandomised, no database) keeps the suite deterministic; no shrinking,
# as a failure already prints the corruption and the output
@settings(max_examples=20, deadline=None, derandomize=True, database=None,
          phases=(Phase.explicit, Phase.generate))
@given(kind=st.sampled_from(sorted(KINDS)), seed=st.integers(0, 2**32 - 1))
def test_a_corruption_is_a_clear_error(pristine, kind, seed):
    ds, work = pristine
    corruption = make_corruption(ds, kind, random.Random(seed))
    if corruption is None:
        return   # nothing in the tiny dataset this kind applies to
    outcome, output = run_corruption(ds, work, corruption)
    assert outcome == "clear", f"{corruption}\n{output}"
