"""The support modes of each candidate switch: subsidy, tax credit or special depreciation.

A switch is one investment I = conversion capex x plant size (MJPY), so its
support is exact (formulation section 7): per mode m (a binary of the switch)
  subsidy       s_m * I                      (shares the programme's budget)
  eligible      E = min(tax base * I, per-plan cap)   (the CN tax's cap, per switch;
                the FY2026 investment incentive takes the whole base)
  special dep.  sd_value * E                 (on the binary; so first-year expensing)
  credit        credit[p,e,y,m] <= credit_rate * E * x[p,e,y,m]   (MJPY, continuous:
                the credit claimed; the credit cap per sector and year bounds the sum)
The carbon-productivity gain is the switch's own, intensity[from] / intensity[to] - 1.
Plants are taken to belong to large firms: where a scheme has large / SME tiers,
the large-firm tiers apply.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.formulation.components import investment_incentives
from decarb.formulation.components.investment import (CN_TAX, carbon_intensity,
                                                      productivity_gain, support_modes)
from decarb.formulation.parameters import MJPY_PER_BJPY, Parameters
from decarb.inputs.dataset import Dataset

KEYS = ("plant", "from_technology", "technology", "year")
CREDITS = ("credit", investment_incentives.CREDIT)        # claimed up to a cap
EXPENSING = ("special_depreciation", investment_incentives.EXPENSING)   # valued on choice


def switch_modes(ds: Dataset, p: Parameters, switches: pd.DataFrame) -> pd.DataFrame:
    """Rows of KEYS + mode with the investment component's support columns, capex
    per switch in MJPY (`capex_jpy_per_unit_yr`: the unit is the whole switch), and
    `max_credit_mjpy` for credit modes."""
    intensity = carbon_intensity(ds, p)
    gain = productivity_gain(switches["from_technology"].map(intensity),
                             switches["technology"].map(intensity))
    builds = switches[list(KEYS)].assign(gain=gain, investment_mjpy=switches["capex_mjpy"])
    modes = support_modes(ds, p, builds, KEYS)
    if (modes["group"] != "all").any():
        modes = modes.loc[modes["group"] == "large"]
    modes = modes.drop(columns=["group_share", "capex_jpy_per_unit_yr"]).merge(
        switches[list(KEYS) + ["capex_mjpy"]], on=list(KEYS))
    scheme = ds.tax_schemes.loc[ds.tax_schemes["scheme"] == ds.settings.tax_scheme]
    cap = (scheme["eligible_cap_bjpy_per_plan"].iloc[0] * MJPY_PER_BJPY if len(scheme)
           else np.inf)
    capex = modes["capex_mjpy"]
    # The per-plan cap is the CN investment tax's; other incentives take the whole base.
    eligible = np.where(modes["incentive"].isin(CN_TAX), np.minimum(
        modes["tax_base"] * capex, cap), modes["tax_base"] * capex)
    sd = modes["incentive"].isin(EXPENSING)
    with np.errstate(divide="ignore", invalid="ignore"):
        eligible_share = (eligible / capex).where(capex > 0, 0.0)
    modes["tax_base"] = eligible_share
    modes["tax_benefit"] = np.where(sd, eligible_share * modes["benefit_rate"], 0.0)
    modes["private_factor"] = 1 - modes["subsidy_rate"] - modes["tax_benefit"]
    modes["max_credit_mjpy"] = np.where(modes["incentive"].isin(CREDITS),
                                        modes["credit_rate"] * eligible, 0.0)
    modes["capex_jpy_per_unit_yr"] = capex
    return modes.drop(columns="capex_mjpy").reset_index(drop=True)


def credit_rows(credits: pd.DataFrame) -> pd.DataFrame:
    """The credit variables as support rows: 1 MJPY of credit per unit, all of it a tax
    benefit (private cost -1 per MJPY, annualised like the investment; no social cost)."""
    return credits.assign(capex_jpy_per_unit_yr=1.0, subsidy_rate=0.0, programme="",
                          tax_base=0.0, tax_benefit=1.0, private_factor=-1.0,
                          social_factor=0.0)
