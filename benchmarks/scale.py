"""Synthetic larger cases: a dataset folder replicated n times.

Each copy gets its own sectors, sector-owned commodities (products, heat bands),
technologies, plants, committed projects and transitions; national commodities
(fuels, power, scrap) stay shared, and national quantities (supply limits, the
economy-wide cap, subsidy budgets and the rounds' tranches) are multiplied by n so
each copy faces the same conditions as the original.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from decarb.inputs.schema import SECTOR_ALL, TABLES

ID_COLUMNS = ("sector", "commodity", "product", "output", "technology", "replaces", "from_technology",
              "to_technology", "plant", "hotter", "cooler", "project")
NATIONAL_TOTALS = {"supply_limits": "max_m_per_yr", "subsidies": "budget_bjpy_per_yr",
                   "subsidy_budgets": "budget_bjpy"}   # each copy's awards draw on a round


def replicate(source: Path, target: Path, copies: int,
              settings: dict[str, str] | None = None) -> Path:
    """Write `copies` copies of the dataset in `source` into `target`, with the
    given settings (TOML values as text) replacing those of the source."""
    target.mkdir(parents=True, exist_ok=True)
    text = (source / "settings.toml").read_text()
    for key, value in (settings or {}).items():
        text = re.sub(rf"(?m)^{key}\s*=.*$", "", text) + f"{key} = {value}\n"
    (target / "settings.toml").write_text(text)
    tables = {t.name: pd.read_csv(source / t.file, dtype=str, keep_default_na=False)
              for t in TABLES if (source / t.file).exists()}
    owned = set(tables["sectors"]["sector"]) | set(tables["technologies"]["technology"]) | \
        set(tables["commodities"].loc[tables["commodities"]["sector"] != "", "commodity"]) | \
        set(tables["plants"]["plant"] if "plants" in tables else ()) | \
        set(tables["committed"][["project", "plant"]].stack() if "committed" in tables else ())
    for name, table in tables.items():
        _scale_totals(name, table, copies)
        if any(c in table and table[c].isin(owned).any() for c in ID_COLUMNS):
            table = pd.concat([_renamed(table, owned, i) for i in range(copies)],
                              ignore_index=True).drop_duplicates()
        table.to_csv(target / f"{name}.csv", index=False)
    return target


def _renamed(table: pd.DataFrame, owned: set[str], copy: int) -> pd.DataFrame:
    out = table.copy()
    for column in ID_COLUMNS:
        if column in out:
            mask = out[column].isin(owned)
            out.loc[mask, column] = out.loc[mask, column] + f"_{copy:03d}"
    return out


def _scale_totals(name: str, table: pd.DataFrame, copies: int) -> None:
    column = NATIONAL_TOTALS.get(name)
    if name == "caps":
        column, rows = "cap_mtco2", table["sector"] == SECTOR_ALL
    else:
        rows = table.index == table.index
    if column and column in table:
        values = pd.to_numeric(table.loc[rows, column].replace("", None))
        table.loc[rows, column] = (values * copies).map(
            lambda v: "" if pd.isna(v) else repr(float(v)))
