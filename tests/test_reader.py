"""A Reader (one per sweep worker) reads cases of a dataset as read_dataset does."""
import pytest

from decarb.errors import InputError
from decarb.inputs.cases import dataset_case, derive
from decarb.inputs.loading import Reader, read_dataset
from tests.tiny import one_year, tiny_frames, write_case


def test_cases_read_through_one_reader_equal_fresh_reads(tmp_path):
    base = dataset_case(write_case(tmp_path / "case", tiny_frames(), one_year()))
    reader = Reader()
    first = reader.read(base.dataset, base)
    for price in (0.0, 5000.0):
        case = derive(base, "price", {"tables": {"carbon_price": {"set": [
            {"year": 2025, "price_jpy_per_tco2": price, "source": "test"}]}}})
        kept, fresh = reader.read(case.dataset, case), read_dataset(case.dataset, case)
        for name in fresh.__dataclass_fields__:
            a, b = getattr(kept, name), getattr(fresh, name)
            assert a.equals(b) if hasattr(a, "equals") else a == b, name
        assert kept.carbon_price["price_jpy_per_tco2"].tolist() == [price]
        assert kept.technologies is first.technologies   # untouched: checked once


def test_an_edit_is_still_checked_across_tables(tmp_path):
    base = dataset_case(write_case(tmp_path / "case", tiny_frames(), one_year()))
    reader = Reader()
    reader.read(base.dataset, base)
    case = derive(base, "cost", {"tables": {"technology_costs": {"set": [
        {"technology": "nowhere", "year": 2025, "capex_jpy_per_unit_yr": 1.0}]}}})
    with pytest.raises(InputError, match="nowhere"):
        reader.read(case.dataset, case)


def test_the_memo_keeps_the_recently_used_answers_only():
    reader, calls = Reader(), []

    def square(x):
        calls.append(x)
        return x * x

    reader.memo(square, -1)
    for x in range(2 * Reader.MEMO_SIZE):   # -1 is used again after each new answer
        assert reader.memo(square, x) == x * x and reader.memo(square, -1) == 1
    assert calls == [-1, *range(2 * Reader.MEMO_SIZE)]   # -1 computed once, never dropped
    assert len(reader._seen) == Reader.MEMO_SIZE
    reader.memo(square, 0)   # long since dropped: computed again
    assert calls[-1] == 0
