"""Marginal abatement cost curve per sector and year, from levelised costs.

A measure is a switch of the output of one commodity (a product, a heat band, a
service) from one technology to a cleaner one. For each commodity and year the
candidates are the technologies that make it (for heat, also those of a hotter band
of the sector, which the cascade lets serve it), each a point (intensity, levelised
cost without carbon) with the intensity of the cap scope. From the commodity's
incumbent the measures follow the lower convex hull of these points towards lower
intensity: each step goes to the candidate reached at the lowest cost per tonne,
so within a commodity the measures come in rising cost and no tonne is counted
twice; dominated technologies (dearer and dirtier than another) are no measure.

  cost per tonne = (cost[to] - cost[from]) / (intensity[from] - intensity[to])
  abatement      = (intensity[from] - intensity[to]) * volume of the commodity

The volume is what the run makes of the commodity that year, used or demanded
(demand + inputs of every technology). The curve of a sector orders its measures
by cost per tonne. It is a static technology curve: growth limits, supply limits
(scrap, biomass, hydrogen, CO2 storage) and the heat cascade's sharing are the
optimisation's business, not the curve's.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.inputs.dataset import Dataset
from decarb.outputs.levelised import PER_UNIT, commodity_makers

COLUMNS = ["sector", "year", "commodity", "from_technology", "to_technology", "pathway",
           "cost_jpy_per_tco2", "abatement_mtco2_per_yr", "volume_m_per_yr",
           "cumulative_mtco2_per_yr"]


def volumes(ds: Dataset, production: pd.DataFrame) -> pd.DataFrame:
    """Commodity, year, volume_m_per_yr: demand plus every technology's use of it."""
    inputs = ds.technology_flows.loc[ds.technology_flows["direction"] == "in"]
    used = production[["technology", "year", "output_m_per_yr"]].merge(inputs, on="technology")
    used = used.assign(volume_m_per_yr=used["output_m_per_yr"] * used["amount_per_unit"])
    both = pd.concat([used[["commodity", "year", "volume_m_per_yr"]],
                      ds.demand.rename(columns={"demand_m_per_yr": "volume_m_per_yr"})[
                          ["commodity", "year", "volume_m_per_yr"]]])
    return both.groupby(["commodity", "year"], as_index=False)["volume_m_per_yr"].sum()


def candidates(ds: Dataset) -> pd.DataFrame:
    """Commodity -> technology that can make it (its own output, or a hotter band of
    the same sector for heat)."""
    tech = ds.technologies[["technology", "output"]]
    heat = ds.commodities.loc[ds.commodities["kind"] == "heat",
                              ["commodity", "sector", "temperature_max_c"]]
    served = heat.merge(heat, on="sector", suffixes=("", "_maker"))
    served = served.loc[served["temperature_max_c_maker"] >= served["temperature_max_c"]]
    pairs = pd.concat([tech.rename(columns={"output": "commodity"}),
                       served[["commodity", "commodity_maker"]].merge(
                           tech, left_on="commodity_maker", right_on="output")[
                           ["technology", "commodity"]]])
    return pairs.drop_duplicates().reset_index(drop=True)


def mac_curve(ds: Dataset, levelised: pd.DataFrame, production: pd.DataFrame) -> pd.DataFrame:
    """The measures of every sector and year, cheapest first (COLUMNS)."""
    intensity = ("scope12_tco2_per_unit" if ds.settings.cap_scope == "scope1+2"
                 else "scope1_tco2_per_unit")
    points = levelised.assign(cost=levelised["levelised" + PER_UNIT]
                              - levelised["carbon" + PER_UNIT],
                              intensity=levelised[intensity])[
        ["sector", "technology", "year", "cost", "intensity"]]
    points = points.merge(candidates(ds), on="technology").dropna(subset=["cost"])
    points = points.assign(start=points["technology"] == points["commodity"].map(
        commodity_makers(ds))).sort_values(["commodity", "year"], kind="stable")
    amount = volumes(ds, production).set_index(["commodity", "year"])["volume_m_per_yr"]
    keys = list(zip(points["commodity"], points["year"]))
    bounds = [0] + [i for i in range(1, len(keys)) if keys[i] != keys[i - 1]] + [len(keys)]
    names, sector = points["technology"].to_numpy(), points["sector"].to_numpy()
    cost, intensity = points["cost"].to_numpy(float), points["intensity"].to_numpy(float)
    first = points["start"].to_numpy()
    measures = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        volume = amount.get(keys[lo], 0.0)
        starts = lo + first[lo:hi].nonzero()[0]
        if not len(starts) or volume <= 0:
            continue
        for here, to, slope in _hull_steps(int(starts[0]), cost, intensity, lo, hi):
            measures.append({"sector": sector[here], "year": keys[lo][1],
                             "commodity": keys[lo][0], "from_technology": names[here],
                             "to_technology": names[to], "cost_jpy_per_tco2": slope,
                             "abatement_mtco2_per_yr": (intensity[here] - intensity[to])
                             * volume, "volume_m_per_yr": volume})
    if not measures:
        return pd.DataFrame(columns=COLUMNS)
    curve = pd.DataFrame(measures)
    curve["pathway"] = curve["to_technology"].map(
        ds.technologies.set_index("technology")["pathway"])
    sectors = {name: i for i, name in enumerate(ds.sectors["sector"])}
    curve = curve.sort_values(["sector", "year", "cost_jpy_per_tco2"], kind="stable",
                              key=lambda c: c.map(sectors) if c.name == "sector" else c)
    curve["cumulative_mtco2_per_yr"] = curve.groupby(["sector", "year"])[
        "abatement_mtco2_per_yr"].cumsum()
    return curve[COLUMNS].reset_index(drop=True)


def _hull_steps(here: int, cost: np.ndarray, intensity: np.ndarray, lo: int, hi: int
                ) -> list[tuple[int, int, float]]:
    """From point `here`, each step (from, to, cost per tonne) to the cleaner point of
    lo..hi-1 reached at the least cost per tonne (the farther one on a tie)."""
    steps = []
    while True:
        cleaner = lo + np.nonzero(intensity[lo:hi] < intensity[here] - 1e-9)[0]
        if not len(cleaner):
            return steps
        abated = intensity[here] - intensity[cleaner]
        slope = (cost[cleaner] - cost[here]) / abated
        best = np.lexsort((-abated, slope.round(6)))[0]
        steps.append((here, int(cleaner[best]), float(slope[best])))
        here = int(cleaner[best])
