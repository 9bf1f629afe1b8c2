"""Finance as pure functions: annuities, discounting, the value of tax incentives.

Conventions: running costs of calendar year t are discounted to the first model
year y0 by (1 + r) ** -(t - y0); capital is spent at the start of its build
year and repaid by an annuity at the end of each year of its life.
"""
from __future__ import annotations

import numpy as np


def capital_recovery_factor(rate: float, life_yr: int) -> float:
    """Annuity per unit of capital over `life_yr` years at `rate`.

    >>> round(capital_recovery_factor(0.08, 20), 6)
    0.101852
    >>> capital_recovery_factor(0.0, 4)
    0.25
    """
    if rate == 0:
        return 1.0 / life_yr
    growth = (1 + rate) ** life_yr
    return rate * growth / (growth - 1)


def discount_factors(rate: float, first_year: int, years: np.ndarray) -> np.ndarray:
    """(1 + rate) ** -(year - first_year), element-wise."""
    return (1.0 + rate) ** -(np.asarray(years, dtype=float) - first_year)


def period_weights(rate: float, years: list[int], step: int,
                   steady_years: int = 0) -> dict[int, float]:
    """Sum of the discount factors of the calendar years each model year stands for.

    A model year y stands for y, y+1, ..., y+step-1, and the last one also for the
    `steady_years` after the horizon (the steady state that removes the end
    effect); a per-year flow in y is multiplied by this weight in a present-value
    cost. With step 1 it is the plain discount factor; with rate 0 it is the
    number of calendar years.

    >>> period_weights(0.0, [2025, 2030], 5, steady_years=20)
    {2025: 5.0, 2030: 25.0}
    """
    first, last = years[0], years[-1]
    return {y: float(discount_factors(rate, first, np.arange(
        y, y + step + (steady_years if y == last else 0))).sum()) for y in years}


def annuity_weight(rate: float, life_yr: int, build_year: int, first_year: int,
                   horizon_end: int, step: int = 1, steady_years: int = 0) -> float:
    """Present value, per unit of capital, of the annuities that fall inside the horizon.

    Capital spent at the start of `build_year` is repaid by CRF(rate, life) at
    the end of each year of its life, so a build repaid wholly inside the
    horizon costs exactly its capital, discounted to the build year. Only the
    years before `horizon_end` (exclusive) count, so a late build is not
    charged for service beyond the horizon. A build still standing in the last
    model year (`horizon_end - step`) serves the `steady_years` after the horizon
    too, renewed at the same cost: its annuities run on to their end.

    >>> round(annuity_weight(0.08, 10, 2025, 2025, 2040), 6)  # whole life inside
    1.0
    >>> round(annuity_weight(0.0, 10, 2045, 2025, 2051), 6)   # 6 of 10 years inside
    0.6
    >>> round(annuity_weight(0.0, 10, 2045, 2025, 2051, steady_years=20), 6)  # to 2071
    2.6
    """
    standing_at_end = build_year + life_yr > horizon_end - step
    last = horizon_end + steady_years if steady_years and standing_at_end \
        else min(build_year + life_yr, horizon_end)
    year_ends = np.arange(build_year, last) + 1
    return capital_recovery_factor(rate, life_yr) * float(
        discount_factors(rate, first_year, year_ends).sum())


def special_depreciation_value(tax_rate: float, rate: float, statutory_life_yr: int,
                               sd_rate: float) -> float:
    """Present value of special depreciation per unit of investment.

    Total depreciation stays equal to the investment; what changes is timing.
    The normal schedule deducts I/N in years 1..N; the accelerated one deducts
    sd_rate*I + (1 - sd_rate)*I/N in year 1 and (1 - sd_rate)*I/N in years 2..N.
    The value is tax_rate times the difference of the discounted deductions.

    >>> round(special_depreciation_value(0.30, 0.08, 14, 0.5), 4)
    0.0506
    """
    n = statutory_life_yr
    df = discount_factors(rate, 0, np.arange(1, n + 1))
    normal = df.sum() / n
    accelerated = sd_rate * df[0] + (1 - sd_rate) * normal
    return tax_rate * float(accelerated - normal)
