"""Committed events (committed.csv): what they add, force and rule out.

In aggregate mode (`exits`, `aggregate_builds`) a close or switch event takes its
plant's capacity out of the existing capacity of its technology from its year, and a
switch or build event is a build fixed at its capacity, on a site of its own, at its
capex, with its award as the only support. In plant mode:

An event in year Y (the model year whose span holds it; events past the horizon are
left out):
- close: the plant runs its technology until Y and is closed from Y on (it pays
  the closure charges of charges.py, as any closure);
- switch: the plant runs its technology until Y and converts at Y along the edge to
  the event's technology, with the event's capacity from then on, its capex and its
  awarded subsidy (no other support): the switch is taken whether or not Y is a
  window and whatever the edge's lead time;
- build: a new unit (or one restarted) runs the technology from Y: a plant whose
  first year is Y, bought by a switch from nothing (GREENFIELD) at the event's capex.
Nothing else switches the plant before Y, nor, for a switch, at Y; after a switch
the plant may go on from the event's technology.
"""
from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from decarb.formulation.components.brownfield import COMMITTED_SITE, GREENFIELD
from decarb.formulation.parameters import MJPY_PER_BJPY, Parameters
from decarb.inputs.dataset import Dataset
from decarb.inputs.transitions import transition_graph

COMMITTED = "committed"   # the programme of an award that names none, and its mode
KEYS = ["plant", "from_technology", "technology", "year"]


def events(ds: Dataset, p: Parameters | None = None) -> pd.DataFrame:
    """committed.csv with `year` moved to its model year; events past the horizon left
    out (the years given `p`, else the settings')."""
    years = np.asarray(p.years if p is not None else ds.settings.years)
    step = ds.settings.year_step
    table = ds.committed
    table = table.loc[table["year"] < years[-1] + step]
    at = years[np.searchsorted(years, table["year"].to_numpy(), side="right") - 1]
    return table.assign(year=at).reset_index(drop=True)


def arriving(ds: Dataset, p: Parameters, runs: pd.DataFrame) -> pd.Series:
    """Capacity (M unit/yr) switch and build events bring into a technology, by
    (technology, year): each plant's capacity running the event's technology from its
    year (`runs`: plant, technology, year, size)."""
    table = events(ds, p)
    table = table.loc[table["event"] != "close", ["plant", "technology", "year"]]
    return runs.merge(table).groupby(["technology", "year"])["size"].sum()


def built_plants(ds: Dataset, p: Parameters) -> pd.DataFrame:
    """The units of build events as plants: running the event's technology from its year."""
    built = events(ds, p).query("event == 'build'")
    life = built["technology"].map(p.tech["life_yr"]).astype(int)
    return pd.DataFrame({
        "plant": built["plant"], "sector": built["technology"].map(p.tech["sector"]),
        "origin": built["technology"], "size": built["capacity_m_per_yr"],
        "next_reline_year": built["year"] + life, "cycle_yr": life,
        "start_year": built["year"], "existing": False})


def switches(ds: Dataset, p: Parameters, grid: pd.DataFrame) -> pd.DataFrame:
    """The switches of switch and build events: SWITCH_KEYS, kind, capex_mjpy, committed,
    subsidy_mjpy, programme."""
    table = events(ds, p)
    table = table.loc[table["event"] != "close"]
    if table.empty:
        return pd.DataFrame(columns=KEYS + ["kind", "capex_mjpy", "committed",
                                            "subsidy_mjpy", "programme", "project",
                                            "capacity_m_per_yr"])
    origin = grid.drop_duplicates("plant").set_index("plant")["origin"]
    edges = ds.transitions.set_index(["from_technology", "to_technology"])
    build = table["event"] == "build"
    source = table["plant"].map(origin).where(~build, GREENFIELD)
    edge = pd.MultiIndex.from_arrays([source, table["technology"]])
    size = table["capacity_m_per_yr"].fillna(table["plant"].map(
        grid.drop_duplicates("plant").set_index("plant")["size"]))
    greenfield = p.costs.set_index(["technology", "year"])["capex_jpy_per_unit_yr"] \
        .reindex(pd.MultiIndex.from_arrays([table["technology"], table["year"]])).to_numpy()
    per_unit = np.where(build, greenfield, edges["conversion_capex_jpy_per_unit_yr"]
                        .reindex(edge).to_numpy())
    capex = table["capex_bjpy"].mul(MJPY_PER_BJPY).fillna(pd.Series(per_unit * size,
                                                                   index=table.index))
    return pd.DataFrame({
        "plant": table["plant"], "from_technology": source,
        "technology": table["technology"], "year": table["year"],
        "kind": np.where(build, "build", edges["kind"].reindex(edge).to_numpy()),
        "capex_mjpy": capex, "committed": True,
        "subsidy_mjpy": table["subsidy_bjpy"] * MJPY_PER_BJPY,
        "programme": table["programme"].replace("", COMMITTED), "project": table["project"],
        "capacity_m_per_yr": size})


def exits(ds: Dataset, residual: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Aggregate mode: `residual` (technology, year, capacity_m_per_yr) no more than the
    first model year's capacity less the plants' that close and switch events have taken
    out of the technology by the year (an exit the retirement profile holds already is
    not taken twice); and what leaves in each model year (technology, year,
    capacity_m_per_yr), which is not rebuilt on its site (brownfield.py)."""
    years = ds.settings.years
    table = events(ds).query("event != 'build'")
    plants = ds.plants.drop_duplicates("plant").set_index("plant")
    leaving = pd.DataFrame({"technology": table["plant"].map(plants["technology"]),
                            "year": table["year"],
                            "capacity_m_per_yr": table["plant"].map(
                                plants["capacity_m_per_yr"])}).groupby(
        ["technology", "year"], as_index=False)["capacity_m_per_yr"].sum()
    if leaving.empty:
        return residual, leaving
    gone = leaving.rename(columns={"year": "since", "capacity_m_per_yr": "gone"}).merge(
        pd.DataFrame({"year": years}), how="cross").query("year >= since") \
        .groupby(["technology", "year"], as_index=False)["gone"].sum()
    start = residual.loc[residual["year"] == years[0]].set_index("technology")[
        "capacity_m_per_yr"]
    rows = residual.merge(gone, how="left")
    ceiling = (rows["technology"].map(start) - rows["gone"]).clip(lower=0.0)
    rows["capacity_m_per_yr"] = np.fmin(rows["capacity_m_per_yr"], ceiling)   # NaN: none
    return rows.loc[rows["capacity_m_per_yr"] > 1e-9, residual.columns], leaving


def aggregate_builds(ds: Dataset, p: Parameters) -> pd.DataFrame:
    """Aggregate mode: switch and build events as builds, each on its own site
    (from_technology COMMITTED_SITE + project): technology, year, capacity_m_per_yr,
    capex_jpy_per_unit_yr (its capex over its capacity), subsidy_rate (its award over its
    capex) and programme."""
    grid = ds.plants.rename(columns={"technology": "origin", "capacity_m_per_yr": "size"})
    made = switches(ds, p, grid)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = (made["subsidy_mjpy"] / made["capex_mjpy"]).where(made["capex_mjpy"] > 0, 0.0)
    return pd.DataFrame({
        "from_technology": COMMITTED_SITE + made["project"], "technology": made["technology"],
        "year": made["year"], "capacity_m_per_yr": made["capacity_m_per_yr"],
        "capex_jpy_per_unit_yr": made["capex_mjpy"] / made["capacity_m_per_yr"],
        "subsidy_rate": rate.astype(float), "programme": made["programme"]}) \
        .reset_index(drop=True)


def seeds(ds: Dataset, first: pd.DataFrame) -> pd.DataFrame:
    """What each plant may switch out of first (plant, technology, from_year): a plant
    with a switch event only the event's technology from its year (it leaves its own
    only by the event), a plant with a closure nothing."""
    table = events(ds).set_index("plant")
    event = first["plant"].map(table["event"])
    switched = event == "switch"
    first = first.assign(
        technology=first["technology"].where(~switched, first["plant"].map(
            table["technology"])),
        from_year=first["from_year"].where(~switched, first["plant"].map(table["year"])))
    return first.loc[event != "close"]


def open_years(ds: Dataset, runs: pd.DataFrame) -> pd.DataFrame:
    """Run rows without those of a closed plant from its closure on."""
    closing = events(ds).query("event == 'close'").set_index("plant")["year"]
    return runs.loc[~(runs["year"] >= runs["plant"].map(closing))]


def sizes(ds: Dataset, plants: pd.DataFrame) -> pd.DataFrame:
    """plant, technology, size: the capacity a switch event gives the plant when it runs
    the event's technology or anything that follows it in the graph."""
    table = events(ds).query("event == 'switch'").dropna(subset=["capacity_m_per_yr"])
    graph = transition_graph(ds.transitions)
    rows = [(e.plant, t, e.capacity_m_per_yr) for e in table.itertuples()
            for t in sorted({e.technology} | (nx.descendants(graph, e.technology)
                                              if e.technology in graph else set()))]
    return pd.DataFrame(rows, columns=["plant", "technology", "size"])


def forced(ds: Dataset, plants: pd.DataFrame, runs: pd.DataFrame,
           switches: pd.DataFrame) -> pd.DataFrame:
    """plant, technology, year: what an event makes the plant run (its technology until
    the event, the event's from its year)."""
    table = events(ds)
    until = runs.merge(table.loc[table["event"] != "build", ["plant", "year"]]
                       .rename(columns={"year": "until"}), on="plant")
    origin = until["plant"].map(plants.set_index("plant")["origin"])
    until = until.loc[(until["year"] < until["until"]) & (until["technology"] == origin)]
    arrival = switches.loc[switches["committed"], ["plant", "technology", "year"]]
    return pd.concat([until[["plant", "technology", "year"]], arrival], ignore_index=True)


def modes(switch_modes: pd.DataFrame, switches: pd.DataFrame) -> pd.DataFrame:
    """The support modes of the candidate switches, a committed one's replaced by its
    award alone: its subsidy share of the capex from its programme, no tax incentive."""
    award = switches.loc[switches["committed"], KEYS + ["subsidy_mjpy", "capex_mjpy",
                                                        "programme"]]
    if award.empty:
        return switch_modes
    chosen = switch_modes.merge(award[KEYS], on=KEYS, how="left", indicator=True)
    committed = (chosen.pop("_merge") == "both").to_numpy()
    plain = switch_modes.loc[~committed]
    base = switch_modes.loc[committed & (switch_modes["incentive"] == "none").to_numpy()
                            & (switch_modes["programme"] == "").to_numpy()]
    base = base.drop_duplicates(KEYS).drop(columns="programme").merge(award, on=KEYS)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = (base["subsidy_mjpy"] / base["capex_mjpy"]).where(base["capex_mjpy"] > 0, 0.0)
    base = base.assign(mode=COMMITTED, subsidy_rate=rate, private_factor=1 - rate,
                       tax_base=0.0, tax_benefit=0.0)
    return pd.concat([plain, base[plain.columns]], ignore_index=True)
