"""stranded.csv: capacity standing but not in use, what is left of its capital and the
support it received.

Per technology and year, of the capacity standing (existing capacity along its
profile, builds within their life): `retired` is not installed (retired early,
for good), `idle` is installed but not in use (installed - output / availability).
Both are taken from the oldest capacity first, as an operator idles and retires
its oldest plants first: the existing capacity, then builds by age. Their
remaining capital is the straight-line book value, capex x years of life left /
life: for a build, of its build year's capex; for existing capacity, of the year's
capex, each slice living until the existing-capacity profile retires it (within
the model years and at most the technology's life). The support they received
is the subsidies and tax benefits paid on those builds per unit built. In plant
mode an open plant's idle capacity counts as idle; the capital of plants is
valued in plant_investments.csv (stranded charge), not here.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.formulation.built import Built
from decarb.outputs.solved import BJPY_PER_MJPY, values

KEYS = ["technology", "year"]
COLUMNS = ["sector", "technology", "year", "idle_capacity_m_per_yr",
           "retired_capacity_m_per_yr", "remaining_capital_bjpy", "support_received_bjpy"]
SHOWN_M_PER_YR = 1e-6   # less stranded than this is rounding, not a stranded asset


def stranded_assets(b: Built, production: pd.DataFrame) -> pd.DataFrame:
    """The stranded-asset table from the run's production table (capacity columns)."""
    p = b.p
    rows = production.loc[production["idle_capacity_m_per_yr"]
                          + production["retired_capacity_m_per_yr"] > SHOWN_M_PER_YR,
                          ["sector", "technology", "year", "idle_capacity_m_per_yr",
                           "retired_capacity_m_per_yr"]].reset_index(drop=True)
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    rows["amount"] = rows["idle_capacity_m_per_yr"] + rows["retired_capacity_m_per_yr"]
    rows["life"] = rows["technology"].map(p.tech["life_yr"]).astype(float)
    existing = rows[KEYS].merge(p.residual, how="left")["capacity_m_per_yr"].fillna(0.0)
    rows["from_existing"] = np.minimum(rows["amount"], existing.to_numpy())
    rows["capex"] = rows[KEYS].merge(p.costs[KEYS + ["capex_jpy_per_unit_yr"]], how="left")[
        "capex_jpy_per_unit_yr"].fillna(0.0).to_numpy()
    value = rows["capex"] / rows["life"] * _existing_years(p, rows, existing.to_numpy())
    taken = _vintages_taken(b, rows)
    value = value + taken.groupby("row")["value"].sum().reindex(rows.index, fill_value=0.0)
    support = taken.groupby("row")["support"].sum().reindex(rows.index, fill_value=0.0)
    return rows.assign(remaining_capital_bjpy=value * BJPY_PER_MJPY,
                       support_received_bjpy=support * BJPY_PER_MJPY)[COLUMNS]


def _existing_years(p, rows: pd.DataFrame, existing: np.ndarray) -> pd.Series:
    """Capacity-years of life left of each row's oldest `from_existing` of existing
    capacity: a slice x of it lives while the profile stays above its value in the
    row's year less x, within the model years and the technology's life."""
    grid = p.residual[KEYS + ["capacity_m_per_yr"]].rename(columns={"year": "later"})
    later = rows[["technology", "year", "from_existing", "life"]].assign(
        now=existing, row=rows.index).merge(grid, on="technology")
    age = later["later"] - later["year"]
    later = later.loc[age >= 0]
    age = age.loc[later.index]
    span = np.clip(later["life"] - age, 0.0, p.step)   # years this model year counts
    standing = np.clip(later["from_existing"] - (later["now"] - later["capacity_m_per_yr"]),
                       0.0, later["from_existing"])
    return (standing * span).groupby(later["row"]).sum().reindex(rows.index, fill_value=0.0)


def _vintages_taken(b: Built, rows: pd.DataFrame) -> pd.DataFrame:
    """Per row, the builds standing that its stranded capacity beyond the existing is
    taken from, oldest first: their book value left and the support they received."""
    builds = _builds(b)
    alive = rows[["technology", "year", "amount", "from_existing", "life"]].assign(
        row=rows.index).merge(builds, on="technology")
    alive = alive.loc[(alive["vintage"] <= alive["year"])
                      & (alive["vintage"] + alive["life"] > alive["year"])] \
        .sort_values(["row", "vintage"])
    before = alive.groupby("row")["built"].cumsum() - alive["built"]
    taken = np.clip(alive["amount"] - alive["from_existing"] - before, 0.0, alive["built"])
    left = (alive["vintage"] + alive["life"] - alive["year"]) / alive["life"]
    return pd.DataFrame({"row": alive["row"], "value": taken * alive["capex"] * left,
                         "support": taken * alive["support_per_unit"]})


def _builds(b: Built) -> pd.DataFrame:
    """Each build: technology, vintage, amount built, capex and support per unit (JPY)."""
    support = b.vars["support"]
    x = values(support)
    paid = x * support["capex_jpy_per_unit_yr"].to_numpy() \
        * (support["subsidy_rate"] + support["tax_benefit"]).to_numpy()
    table = support[KEYS].assign(built=x, paid=paid, capex=x * support[
        "capex_jpy_per_unit_yr"].to_numpy()).groupby(KEYS, as_index=False).sum()
    table = table.loc[table["built"] > SHOWN_M_PER_YR]
    return table.assign(capex=table["capex"] / table["built"],
                        support_per_unit=table["paid"] / table["built"]) \
        .rename(columns={"year": "vintage"})
