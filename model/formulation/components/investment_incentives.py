"""The FY2026 investment incentive: a tax credit or first-year expensing for large
investments, one more support mode beside the CN investment tax (formulation 9.7).

The incentive of `investment_incentive` (investment_incentives.csv) offers each
investment of at least its size threshold (by firm size), made in its open years:
  credit      `credit_rate` x tax base, claimed against its own cap
              (`credit_cap_share` x corporate tax of the payer: tax_capacity.py);
  expensing   the value of deducting `expensing_rate` of the base in the first year
              (finance.special_depreciation_value at the incentive's tax rate).
A mode has one tax incentive, so the incentive and the CN tax exclude each other per
investment. An aggregate build's investment is one unit of the technology (unit size
x capex); a technology without a unit size is taken as smaller than any threshold.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.formulation import finance
from decarb.formulation.parameters import MJPY_PER_BJPY
from decarb.inputs.dataset import Dataset

CREDIT, EXPENSING = "bold_credit", "bold_expensing"
COLUMNS = ["incentive", "benefit_rate", "credit_rate", "sd_rate"]


def incentive_in_force(ds: Dataset) -> pd.Series | None:
    rows = ds.investment_incentives.loc[ds.investment_incentives["incentive"]
                                        == ds.settings.investment_incentive]
    return None if rows.empty else rows.iloc[0]


def offers(ds: Dataset, groups: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per investment and firm group (`groups`: keys, group, sector, investment_mjpy):
    the credit and the expensing where the investment qualifies."""
    incentive = incentive_in_force(ds)
    if incentive is None:
        return pd.DataFrame(columns=keys + COLUMNS)
    threshold = np.where(groups["group"] == "sme", incentive["min_investment_bjpy_sme"],
                         incentive["min_investment_bjpy_large"]) * MJPY_PER_BJPY
    size = groups["investment_mjpy"] if "investment_mjpy" in groups else np.nan
    qualifies = groups["year"].between(incentive["first_year"], incentive["last_year"]) \
        & (pd.Series(size, index=groups.index).fillna(0.0) >= threshold)
    rows = groups.loc[qualifies, keys + ["sector"]]
    life = rows["sector"].map(ds.sectors.set_index("sector")["statutory_life_yr"])
    value = life.map({n: finance.special_depreciation_value(
        incentive["tax_rate"], ds.settings.discount_rate_private, int(n),
        incentive["expensing_rate"]) for n in life.unique()})
    credit = rows.assign(incentive=CREDIT, benefit_rate=incentive["credit_rate"],
                         credit_rate=incentive["credit_rate"], sd_rate=0.0)
    expensing = rows.assign(incentive=EXPENSING, benefit_rate=value, credit_rate=0.0,
                            sd_rate=incentive["expensing_rate"])
    found = pd.concat([credit.loc[credit["credit_rate"] > 0],
                       expensing.loc[expensing["sd_rate"] > 0]], ignore_index=True)
    return found[keys + COLUMNS]
