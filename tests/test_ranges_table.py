"""ranges.csv: the spread of disagreeing sources, drawn by `[[uncertain]]` entries naming a
range, checked on load, and the shipped Japan ranges centred on the dataset's values.

The tiny case (tests/tiny.py) in one model year: power costs 100 JPY/GJ. A range of
50 / 100 / 150 JPY/GJ is uniform(0.5, 1.5) on it, and on coal (100 JPY/GJ too) in the
same range; 5 centred Latin hypercube samples draw 0.6, 0.8, 1.0, 1.2, 1.4.
"""
from pathlib import Path

import pandas as pd
import pytest

from decarb.errors import InputError
from decarb.inputs.cases import load_case
from decarb.inputs.loading import Reader, dataset_from_frames, read_dataset
from decarb.inputs.schema import TABLE_BY_NAME
from decarb.workflow import ranges
from decarb.workflow.uncertainty import run_uncertainty
from tests.tiny import frame, one_year, tiny_frames, write_case

ROOT = Path(__file__).resolve().parent.parent
PRICES = [dict(range="fuel_price", table="commodity_prices", column="price_jpy_per_unit",
               commodity=c, year=2025, low=50.0, central=100.0, high=150.0,
               distribution="uniform") for c in ("electricity", "coal")]


def tiny_with(rows: list[dict], tmp_path: Path, entry: str = 'range = "fuel_price"') -> Path:
    data = write_case(tmp_path / "tiny", tiny_frames(ranges=frame(rows)), one_year())
    (data / "cases").mkdir()
    (data / "cases" / "u.toml").write_text(f'purpose = "u"\n[[uncertain]]\n{entry}\n')
    return data / "cases" / "u.toml"


def test_an_entry_naming_a_range_draws_one_multiplier_for_all_its_rows(tmp_path):
    case = tiny_with(PRICES, tmp_path)
    [entry] = ranges.with_dataset(str(case), ranges.read_ranges(case),
                                  read_dataset(case.parent.parent))
    assert (entry.name, entry.table, entry.column) == ("fuel_price", "commodity_prices",
                                                       "price_jpy_per_unit")
    assert (entry.distribution, entry.parameters) == ("uniform", (0.5, 1.5))
    assert entry.rows == ({"commodity": "electricity"}, {"commodity": "coal"})
    folder = tmp_path / "set"
    run_uncertainty(case, folder, 5, seed=3, workers=1, tornado=False)
    drawn = pd.read_csv(folder / "samples.csv")["fuel_price_multiplier"]
    assert sorted(drawn) == pytest.approx([0.6, 0.8, 1.0, 1.2, 1.4])
    first = load_case(next((folder / "cases").glob("001-*.toml")))
    ds = Reader().read(first.dataset, first)
    prices = ds.commodity_prices.set_index("commodity")["price_jpy_per_unit"]
    assert prices["electricity"] == prices["coal"] == pytest.approx(100.0 * drawn.iloc[0])


@pytest.mark.parametrize("entry, key, expected", [
    ('range = "fuel_prise"', "uncertain[0].range", "did you mean 'fuel_price'"),
    ('range = "fuel_price"\ntable = "demand"', "uncertain[0].table",
     "a key of an entry with a range"),
])
def test_a_bad_range_entry_names_the_key(tmp_path, entry, key, expected):
    case = tiny_with(PRICES, tmp_path, entry)
    with pytest.raises(InputError) as error:
        run_uncertainty(case, tmp_path / "set", 3, seed=1, workers=1)
    assert f"'{key}'" in str(error.value) and expected in str(error.value)


@pytest.mark.parametrize("change, column, expected", [
    (dict(high=120.0), "high", "the same low/central and high/central"),
    (dict(low=120.0), "central", "low <= central <= high"),
    (dict(column="source"), "column", "a numeric column"),
    (dict(table="technology_flows", column="amount_per_unit", technology="new",
          commodity=""), "commodity", "a technology and a commodity"),
])
def test_a_range_row_that_cannot_serve_is_named_on_load(change, column, expected):
    rows = [PRICES[0], {**PRICES[1], **change}]
    with pytest.raises(InputError) as error:
        dataset_from_frames(tiny_frames(ranges=frame(rows)), one_year())
    problems = [p for p in error.value.problems if p.file.endswith("ranges.csv")]
    assert any(p.column == column and expected in p.expected for p in problems), problems
def test_every_shipped_range_is_centred_on_the_dataset_value():
    ds = read_dataset(ROOT / "data" / "japan")
    assert len(ds.ranges) > 0
    for row in ds.ranges.itertuples():
        table = getattr(ds, row.table)
        keys = {c: getattr(row, c) for c in ("technology", "commodity")
                if getattr(row, c) and c in table.columns}
        picked = table.loc[(table[list(keys)] == pd.Series(keys)).all(axis=1)] if keys \
            else table
        if "year" in TABLE_BY_NAME[row.table].key:
            picked = picked.loc[picked["year"] == row.year]
        assert len(picked), row
        assert picked[row.column].to_numpy() == pytest.approx(row.central, rel=5e-3), row


def test_the_shipped_uncertainty_case_draws_every_range():
    path = ROOT / "data" / "japan" / "cases" / "uncertainty.toml"
    base = load_case(path)
    ds = read_dataset(ROOT / "data" / "japan")
    entries = ranges.with_dataset(str(path), ranges.read_ranges(path), ds)
    assert {e.range for e in entries if e.range} == set(ds.ranges["range"])
    reader = Reader()
    ds = reader.read(base.dataset, base)
    ranges.resolve(str(path), entries, ds,
                   reader.case_tables(base.dataset, base, ds.settings.end_year))
