"""Public cost by instrument in `decarb compare`: over the horizon and in the KPI years,
and per tonne abated against the first run (the reference).

An instrument is the part of a public-cost component before its programme
(`subsidy:gx_round_fy2024` -> `subsidy`, `hydrogen_cfd:h2_cfd_a` -> `hydrogen_cfd`).
Per tonne abated, each instrument's extra cash against the reference is divided by the
run's whole abatement (cumulative, or in the year), so the instruments' figures add up
to the total's.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from decarb.inputs.schema import SECTOR_ALL
from decarb.outputs.runfiles import read_tables

BJPY, PER_T = "BJPY", "JPY/t-CO2"
YEARS = (2030, 2040)
TOTAL = "total"


def instrument_of(component: pd.Series) -> pd.Series:
    return component.str.split(":").str[0]


def instrument_blocks(dirs: list[Path], labels: list[str], steps: dict[str, int],
                      costs: pd.DataFrame, em: pd.DataFrame, cumulative: pd.DataFrame,
                      block: Callable[..., pd.DataFrame], per_t: Callable
                      ) -> list[pd.DataFrame]:
    """Rows per instrument: public cost over the horizon and per t abated (the totals
    are compare's own rows); with every run's public_costs.csv, the same in each of
    YEARS, totals included (cash of the model year over its emissions x its step). A run
    without public flows writes no public_costs.csv: it pays nothing in any year."""
    public = costs.loc[(costs["kind"] == "public") & (costs["component"] != TOTAL)]
    horizon = _by_instrument(public.assign(instrument=instrument_of(public["component"])),
                             labels)
    abated = cumulative.loc[cumulative["sector"] == SECTOR_ALL].set_index("run")[
        "cumulative"].reindex(labels)
    blocks = _blocks("", horizon.loc[horizon["instrument"] != TOTAL], abated, block, per_t)
    paying = public.loc[public["public_cost_bjpy"].abs() > 0, "run"]
    written = [(d / "public_costs.csv").is_file() for d in dirs]
    if all(w or label not in set(paying) for w, label in zip(written, labels)) and any(written):
        yearly = read_tables([d for d, w in zip(dirs, written) if w], "public_costs",
                             [label for label, w in zip(labels, written) if w])
        for year in YEARS:
            emitted = em.loc[(em["sector"] == SECTOR_ALL) & (em["year"] == year)] \
                .set_index("run")["total_mtco2"].reindex(labels) * pd.Series(steps)
            if emitted.isna().any():
                continue
            blocks += _blocks(f" {year}", _by_instrument(
                yearly.loc[yearly["year"] == year], labels), emitted, block, per_t)
    return blocks


def _by_instrument(public: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """Cash by instrument and run (0 where a run lacks it), with the total."""
    cash = public.groupby(["instrument", "run"])["public_cost_bjpy"].sum()
    names = sorted(set(public["instrument"]))
    grid = pd.MultiIndex.from_product([names, labels], names=["instrument", "run"])
    cash = cash.reindex(grid, fill_value=0.0).reset_index()
    total = cash.groupby("run", as_index=False)["public_cost_bjpy"].sum().assign(
        instrument=TOTAL)
    return pd.concat([cash, total], ignore_index=True).assign(sector=SECTOR_ALL)


def _blocks(when: str, cash: pd.DataFrame, emissions: pd.Series,
            block: Callable[..., pd.DataFrame], per_t: Callable) -> list[pd.DataFrame]:
    blocks = []
    for name, rows in cash.groupby("instrument", sort=False):
        label = "" if name == TOTAL else f": {name}"
        blocks.append(block(f"public cost by instrument{when}{label}", BJPY, rows,
                            "public_cost_bjpy"))
        spent = rows.set_index("run")["public_cost_bjpy"].reindex(emissions.index)
        blocks.append(block(f"public cost per t abated{when}{label}", PER_T,
                            per_t(spent, emissions), "jpy_per_tco2"))
    return blocks
