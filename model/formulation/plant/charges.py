"""What switching, relining and closing a plant cost (MJPY), in bulk with pandas.

A plant's first unit is its technology o of plants.csv (or the unit a committed build
adds), relined every L = life_yr[o] from R = next_reline_year. A retrofit keeps the
unit: the plant runs a technology of o's retrofit family (transitions.retrofit_families)
and keeps o's cycle. A rebuild into b at year y scraps the unit and starts b's:
windows y + n life[b]. Relining costs relining.csv's capex (else the greenfield
capex) of what runs at the window, x the plant's capacity. With `relining_windows =
false` there are no windows to pay nor stranded values.
- relinings: in each window w of the first unit, on run[p,k,w] for k in o's family;
- later relinings: in each window of a rebuilt unit, on the plant's rebuild switch
  and run[p,k,w] for k in b's family (switching.py);
- stranded value of the first unit, when the plant leaves its family (a rebuild
  scraps the unit, or the plant closes) in year y: relining[o] x S x min(1, max(0,
  (R - y) / L)), the book value left of the relining of R - L, straight line; none
  in a window. A retrofit pays none (the unit runs on). From R on, a relining inside
  the horizon is paid by annuities that keep running after a switch or closure,
  which is its stranded value, so no charge is added; the same holds for the capex
  of any switch. `stranded` is that value by plant and year (upkeep.py charges it);
- closing also costs relining.csv's decommissioning x S.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.formulation.components.brownfield import GREENFIELD, relining_capex
from decarb.formulation.parameters import Parameters
from decarb.inputs.dataset import Dataset
from decarb.inputs.transitions import retrofit_families

RELINING = ["plant", "technology", "year", "capex_mjpy", "life_yr"]
STRANDED = ["plant", "year", "stranded_mjpy"]
LATER = ["plant", "from_technology", "technology", "year", "run_technology", "window",
         "capex_mjpy", "life_yr"]


class Charges:
    def __init__(self, ds: Dataset, p: Parameters, plants: pd.DataFrame,
                 grid: pd.DataFrame, runs: pd.DataFrame) -> None:
        self.ds, self.p, self.grid, self.runs = ds, p, grid, runs
        self.plants = plants.set_index("plant")
        self.windows = ds.settings.relining_windows
        self.reline = relining_capex(ds, p)
        family = retrofit_families(ds.transitions)
        # sorted: a set's order follows the hash seed, and so would the model's columns
        self.family = pd.DataFrame([(t, k) for t in sorted(family) for k in sorted(family[t])],
                                   columns=["head", "technology"])
        self.size = runs.drop_duplicates(["plant", "technology"]).set_index(
            ["plant", "technology"])["size"]

    def _first_family(self, plant: pd.Series, technology: pd.Series) -> np.ndarray:
        """Whether `technology` runs on the plant's first unit (o's retrofit family)."""
        origin = plant.map(self.plants["origin"])
        pairs = pd.MultiIndex.from_frame(self.family)
        return pd.MultiIndex.from_arrays([origin, technology]).isin(pairs) \
            | (origin == technology).to_numpy()

    def stranded(self) -> pd.DataFrame:
        """plant, year, stranded_mjpy: the first unit's book value left if the plant
        leaves its first family in the year, where above 0 (none in a window, without
        windows, or for a unit built in the horizon, whose capex annuities carry it)."""
        grid = self.grid.loc[self.grid["existing"].astype(bool) & ~self.grid["window"]]
        if not self.windows or grid.empty:
            return pd.DataFrame(columns=STRANDED)
        reline = self.reline.reindex(pd.MultiIndex.from_arrays(
            [grid["origin"], np.full(len(grid), self.p.years[0])])).to_numpy()
        share = ((grid["next_reline_year"] - grid["year"]) / grid["cycle_yr"]).clip(0.0, 1.0)
        value = grid.assign(stranded_mjpy=reline * grid["size"].to_numpy() * share)
        return value.loc[value["stranded_mjpy"] > 0, STRANDED].reset_index(drop=True)

    def first_family(self) -> pd.DataFrame:
        """plant, technology: what each plant of plants.csv runs on its first unit."""
        runs = self.runs[["plant", "technology"]].drop_duplicates()
        runs = runs.loc[runs["plant"].map(self.plants["existing"]).astype(bool)]
        return runs.loc[self._first_family(runs["plant"], runs["technology"])]

    def of_switches(self, switches: pd.DataFrame) -> pd.DataFrame:
        """Capex per switch: the edge's x capacity, unless committed."""
        size = self.size.reindex(pd.MultiIndex.from_frame(
            switches[["plant", "technology"]])).to_numpy()
        committed = switches["committed"].to_numpy(bool)
        capex = np.where(committed, switches["capex_mjpy"].to_numpy(float),
                         switches["conversion_capex_jpy_per_unit_yr"].to_numpy(float) * size)
        return switches.assign(capex_mjpy=capex,
                               subsidy_mjpy=switches["subsidy_mjpy"].fillna(0.0),
                               programme=switches["programme"].fillna("")).drop(
            columns="conversion_capex_jpy_per_unit_yr")

    def relinings(self) -> pd.DataFrame:
        """The first unit's windows, on what the plant may run then of its family."""
        if not self.windows:
            return pd.DataFrame(columns=RELINING)
        windows = self.grid.loc[self.grid["window"], ["plant", "year", "cycle_yr"]]
        rows = self.runs.merge(windows, on=["plant", "year"])
        rows = rows.loc[self._first_family(rows["plant"], rows["technology"])]
        return self._priced(rows.rename(columns={"cycle_yr": "life_yr"}), "technology",
                            "year")[RELINING].reset_index(drop=True)

    def later_relinings(self, switches: pd.DataFrame) -> pd.DataFrame:
        """The windows of each unit a rebuild starts, on what of its family runs then."""
        rebuilds = switches.loc[(switches["kind"] == "rebuild")
                                & (switches["from_technology"] != GREENFIELD)]
        if not self.windows or rebuilds.empty:
            return pd.DataFrame(columns=LATER)
        life = rebuilds["technology"].map(self.p.tech["life_yr"]).astype(int)
        years, last = np.asarray(self.p.years), self.p.years[-1]
        found = []
        for n in range(1, (last - self.p.years[0]) // max(life.min(), 1) + 1):
            calendar = rebuilds["year"] + n * life
            kept = calendar <= last
            at = years[np.searchsorted(years, calendar[kept], side="right") - 1]
            found.append(rebuilds.loc[kept, ["plant", "from_technology", "technology",
                                             "year"]].assign(window=at, life_yr=life[kept]))
        if not found:
            return pd.DataFrame(columns=LATER)
        rows = pd.concat(found).merge(self.family.rename(columns={
            "head": "technology", "technology": "run_technology"}), on="technology")
        rows = rows.merge(self.runs[["plant", "technology", "year"]].rename(columns={
            "technology": "run_technology", "year": "window"}), on=["plant", "run_technology",
                                                                    "window"])
        return self._priced(rows, "run_technology", "window")[LATER].reset_index(drop=True)

    def _priced(self, rows: pd.DataFrame, technology: str, year: str) -> pd.DataFrame:
        """`rows` with capex_mjpy: the relining capex of `technology` in `year` x the
        plant's capacity running it."""
        capex = self.reline.reindex(pd.MultiIndex.from_arrays(
            [rows[technology], rows[year]])).to_numpy()
        size = self.size.reindex(pd.MultiIndex.from_arrays(
            [rows["plant"], rows[technology]])).to_numpy()
        return rows.assign(capex_mjpy=capex * size)
