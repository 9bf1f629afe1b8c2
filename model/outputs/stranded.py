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
    stranded = production.loc[production["idle_capacity_m_per_yr"]
                              + production["retired_capacity_m_per_yr"] > SHOWN_M_PER_YR]
    if stranded.empty:
        return pd.DataFrame(columns=COLUMNS)
    builds = _builds(b)
    rows = []
    for row in stranded.itertuples(index=False):
        k, y = row.technology, row.year
        amount = row.idle_capacity_m_per_yr + row.retired_capacity_m_per_yr
        life = int(p.tech.at[k, "life_yr"])
        capex = _capex(p.costs, k, y)
        existing = _existing_left(p, k, y)
        from_existing = min(amount, existing[0] if existing.size else 0.0)
        value = capex / life * _slice_years(existing, from_existing, p.step, life)
        support = 0.0
        alive = builds.loc[(builds["technology"] == k) & (builds["vintage"] <= y)
                           & (builds["vintage"] + life > y)].sort_values("vintage")
        left = amount - from_existing
        for vintage in alive.itertuples(index=False):
            if left <= 0:
                break
            taken = min(left, vintage.built)
            value += taken * vintage.capex * (vintage.vintage + life - y) / life
            support += taken * vintage.support_per_unit
            left -= taken
        rows.append((row.sector, k, y, row.idle_capacity_m_per_yr,
                     row.retired_capacity_m_per_yr, value * BJPY_PER_MJPY,
                     support * BJPY_PER_MJPY))
    return pd.DataFrame(rows, columns=COLUMNS)


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


def _capex(costs: pd.DataFrame, technology: str, year: int) -> float:
    row = costs.loc[(costs["technology"] == technology) & (costs["year"] == year),
                    "capex_jpy_per_unit_yr"]
    return float(row.iloc[0]) if len(row) else 0.0


def _existing_left(p, technology: str, year: int) -> np.ndarray:
    """Existing capacity of `technology` in `year` and each later model year (M unit/yr)."""
    r = p.residual.loc[(p.residual["technology"] == technology) & (p.residual["year"] >= year)]
    profile = r.set_index("year")["capacity_m_per_yr"].reindex(
        [y for y in p.years if y >= year], fill_value=0.0)
    return profile.to_numpy(float)


def _slice_years(profile: np.ndarray, amount: float, step: int, life: int) -> float:
    """Capacity-years of life left of the oldest `amount` of existing capacity: each
    slice x lives while the profile stays above profile[0] - x (at most `life` years).

    >>> _slice_years(np.array([2.0, 1.0, 0.0]), 2.0, 1, 40)   # 1 lives 1 yr, 1 lives 2
    3.0
    """
    if amount <= 0 or not profile.size:
        return 0.0
    years = np.minimum(np.arange(len(profile)) * step, life)
    standing = np.clip(amount - (profile[0] - profile), 0.0, amount)
    return float(np.sum(standing * np.diff(np.append(years, min(len(profile) * step,
                                                                   life)))))
