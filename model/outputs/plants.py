"""Result tables of plant mode: the investment schedule per plant and the fleet per year.

A plant's output is its own decision where its technology has a minimum load
(plant/output.py), its capacity share of the technology's otherwise. `plant_investments` holds a
row per switch and per closure; a closure says what took over its output the year it
closed: the plants and aggregate technologies (new sites, or capacity the plants
leave) that made more of its product than the year before, and lower demand, in
shares of those gains.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.formulation.built import Built
from decarb.formulation.plant.committed import GREENFIELD
from decarb.outputs.results import BJPY_PER_MJPY, values

CLOSED = "closed"
NEW = "(new)"   # from_technology of a unit a committed event builds
ON = 0.5   # a binary at 1 (relaxed runs: any share above a half)
FIRST_YEAR = "closed in the first model year (no earlier output to compare)"
SCHEDULE = ["plant", "year", "from_technology", "to_technology", "capex_bjpy",
            "subsidy_bjpy", "programme", "incentive", "tax_benefit_bjpy", "net_capex_bjpy",
            "stranded_bjpy", "decommissioning_bjpy", "replaced_by"]


def plant_tables(b: Built, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The plant tables, and the run's investment schedule with the plants' switches
    added (so per-sector tables, compare and reports count them)."""
    fleet = plant_years(b, tables["production"])
    schedule = plant_investments(b, fleet)
    return {"plant_investments": schedule, "plants": fleet,
            "investments": with_switches(tables["investments"], schedule, b)}


def with_switches(investments: pd.DataFrame, schedule: pd.DataFrame, b: Built
                  ) -> pd.DataFrame:
    """The aggregate schedule (year, sector, technology) plus the switches into each
    technology: their capacity, capex, subsidy by programme, incentive, tax benefit."""
    schedule = schedule.loc[schedule["to_technology"] != CLOSED]
    if schedule.empty:
        return investments
    size = b.fleet.runs.drop_duplicates(["plant", "technology"]).set_index(
        ["plant", "technology"])["size"]
    rows = schedule.assign(technology=schedule["to_technology"],
                           sector=schedule["to_technology"].map(b.p.tech["sector"]),
                           new_capacity_m_per_yr=size.reindex(pd.MultiIndex.from_arrays(
                               [schedule["plant"], schedule["to_technology"]])).to_numpy())
    for programme in rows.loc[rows["programme"] != "", "programme"].unique():
        rows[f"subsidy_{programme}_bjpy"] = rows["subsidy_bjpy"].where(
            rows["programme"] == programme, 0.0)
    rows["tax_incentive"] = rows["incentive"]
    table = pd.concat([investments, rows[[c for c in rows.columns
                                          if c in investments.columns or
                                          c.startswith("subsidy_") and c != "subsidy_bjpy"]]],
                      ignore_index=True)
    keys = ["year", "sector", "technology"]
    numbers = [c for c in table.columns if c not in keys + ["tax_incentive"]]
    table[numbers] = table[numbers].fillna(0.0)
    incentive = table.loc[table["tax_incentive"] != "none"].groupby(keys)["tax_incentive"] \
        .agg(lambda v: "+".join(sorted(set("+".join(v).split("+")))))
    summed = table.groupby(keys, as_index=False)[numbers].sum()
    summed["tax_incentive"] = pd.Series(summed.set_index(keys).index.map(incentive),
                                        dtype=object).fillna("none").to_numpy()
    columns = keys + ["new_capacity_m_per_yr", "capex_bjpy",
                      *sorted(c for c in numbers if c.startswith("subsidy_")),
                      "tax_incentive", "tax_benefit_bjpy", "net_capex_bjpy"]
    return summed[columns].sort_values(keys).reset_index(drop=True)


def plant_investments(b: Built, fleet: pd.DataFrame) -> pd.DataFrame:
    """One row per switch made (plant, year, from -> to, capex, subsidy, incentive, tax
    benefit, net capex, stranded charge) and per closure (to `closed`: its stranded
    charge, decommissioning and what replaced its output); BJPY."""
    switch = b.vars["plant_switch"]
    x = values(switch)
    made = switch.assign(x=x).loc[x > ON]
    capex = made["capex_jpy_per_unit_yr"].to_numpy() * made["x"].to_numpy() * BJPY_PER_MJPY
    credit = b.vars["plant_credit"]
    claimed = credit[["plant", "from_technology", "technology", "year", "mode"]].assign(
        credit_bjpy=values(credit) * BJPY_PER_MJPY)
    made = made.merge(claimed, on=["plant", "from_technology", "technology", "year", "mode"],
                      how="left").fillna({"credit_bjpy": 0.0})
    table = pd.DataFrame({
        "plant": made["plant"], "year": made["year"],
        "from_technology": made["from_technology"].replace(GREENFIELD, NEW),
        "to_technology": made["technology"],
        "capex_bjpy": capex, "subsidy_bjpy": capex * made["subsidy_rate"].to_numpy(),
        "incentive": made["incentive"].to_numpy(),
        "tax_benefit_bjpy": capex * made["tax_benefit"].to_numpy()
        + made["credit_bjpy"].to_numpy(),
        "stranded_bjpy": _stranded_bjpy(b, made["plant"], made["year"], made[
            "from_technology"]) * (made["kind"] == "rebuild").to_numpy(),
        "decommissioning_bjpy": 0.0,
        "programme": made["programme"].to_numpy(), "replaced_by": ""})
    table["net_capex_bjpy"] = table["capex_bjpy"] - table["subsidy_bjpy"] \
        - table["tax_benefit_bjpy"]
    table = pd.concat([table, _closures(b, fleet)], ignore_index=True)
    return table[SCHEDULE].sort_values(["year", "plant"]).reset_index(drop=True)


def _closures(b: Built, fleet: pd.DataFrame) -> pd.DataFrame:
    """A row per closure: the year the plant runs nothing, what it ran, its charges."""
    ran = fleet.sort_values(["plant", "year"])
    before = ran.groupby("plant")["technology"].shift()
    closing = ran.loc[(ran["technology"] == CLOSED) & before.notna() & (before != CLOSED)]
    closing = closing.assign(from_technology=before[closing.index])
    first = b.fleet.plants.set_index("plant")
    as_it_stands = fleet.loc[(fleet["year"] == b.p.years[0]) & (fleet["technology"] == CLOSED)
                             & fleet["plant"].map(first["existing"]).astype(bool)]
    closing = pd.concat([closing, as_it_stands.assign(
        from_technology=as_it_stands["plant"].map(first["origin"]))])
    decommissioning = closing["from_technology"].map(b.ds.relining.set_index("technology")[
        "decommissioning_jpy_per_unit_yr"]).fillna(0.0) * b.fleet.runs.drop_duplicates(
        ["plant", "technology"]).set_index(["plant", "technology"])["size"].reindex(
        pd.MultiIndex.from_arrays([closing["plant"], closing["from_technology"]])).to_numpy()
    closing = closing.assign(
        stranded_bjpy=_stranded_bjpy(b, closing["plant"], closing["year"],
                                     closing["from_technology"]),
        decommissioning_bjpy=decommissioning.to_numpy() * BJPY_PER_MJPY)
    return closing.assign(to_technology=CLOSED, capex_bjpy=0.0, subsidy_bjpy=0.0,
                          programme="", incentive="none", tax_benefit_bjpy=0.0,
                          net_capex_bjpy=0.0,
                          replaced_by=_replacements(b, fleet, closing))


def _stranded_bjpy(b: Built, plant: pd.Series, year: pd.Series, left: pd.Series
                   ) -> np.ndarray:
    """The first unit's book value written off when the plant leaves `left` in `year`
    (0 unless `left` is of its first family; charges.py)."""
    value = b.fleet.stranded.set_index(["plant", "year"])["stranded_mjpy"].reindex(
        pd.MultiIndex.from_arrays([plant, year])).fillna(0.0).to_numpy()
    first = pd.MultiIndex.from_arrays([plant, left]).isin(
        pd.MultiIndex.from_frame(b.fleet.first_family))
    return np.where(first, value * BJPY_PER_MJPY, 0.0)


def _replacements(b: Built, fleet: pd.DataFrame, closing: pd.DataFrame) -> list[str]:
    """Per closure, who made more of its product that year than the year before, and
    lower demand, as its share of those gains (M unit/yr, largest first)."""
    product = b.p.tech["output"]
    source = _output_by_source(b, fleet)
    demand = b.ds.demand.set_index(["commodity", "year"])["demand_m_per_yr"]
    previous = dict(zip(b.p.years[1:], b.p.years[:-1]))
    lost = fleet.groupby(["plant", "year"])["output_m_per_yr"].sum()
    found = []
    for row in closing.itertuples(index=False):
        good, before = product[row.from_technology], previous.get(row.year)
        if before is None:
            found.append(FIRST_YEAR)
            continue
        here = source.loc[source["product"] == good]
        change = (here.loc[here["year"] == row.year].set_index("source")["output_m_per_yr"]
                  .sub(here.loc[here["year"] == before].set_index("source")[
                      "output_m_per_yr"], fill_value=0.0))
        gains = change.loc[change > 1e-6]
        fall = demand.get((good, before), 0.0) - demand.get((good, row.year), 0.0)
        if fall > 1e-6:
            gains["lower demand"] = fall
        share = lost.get((row.plant, before), 0.0) / max(-change.loc[change < 0].sum(), 1e-12)
        found.append("; ".join(f"{name} {amount * min(share, 1.0):.2f}" for name, amount in
                               gains.sort_values(ascending=False).head(3).items()))
    return found


def _output_by_source(b: Built, fleet: pd.DataFrame) -> pd.DataFrame:
    """product, year, source, output_m_per_yr: each plant (named with what it runs) and
    each technology's aggregate capacity ('aggregate <technology>')."""
    product = b.p.tech["output"]
    running = fleet.loc[fleet["technology"] != CLOSED]
    plants = pd.DataFrame({"product": running["technology"].map(product),
                           "year": running["year"],
                           "source": running["plant"] + " (" + running["technology"] + ")",
                           "output_m_per_yr": running["output_m_per_yr"]})
    act = b.vars["act"]
    total = act[["technology", "year"]].assign(output_m_per_yr=values(act))
    by_plants = running.groupby(["technology", "year"])["output_m_per_yr"].sum()
    total["output_m_per_yr"] -= by_plants.reindex(pd.MultiIndex.from_frame(
        total[["technology", "year"]])).fillna(0.0).to_numpy()
    aggregate = pd.DataFrame({"product": total["technology"].map(product),
                              "year": total["year"],
                              "source": "aggregate " + total["technology"],
                              "output_m_per_yr": total["output_m_per_yr"].clip(lower=0.0)})
    return pd.concat([plants, aggregate], ignore_index=True)


def plant_years(b: Built, production: pd.DataFrame) -> pd.DataFrame:
    """Per plant and year: the technology run (or closed), capacity, output and scope-1
    emissions. Output is the plant's own where its technology has a minimum load
    (plant/output.py); elsewhere open plants of a technology are alike and share its
    activity by capacity (output x capacity / installed capacity, from `production`,
    the run's production table)."""
    run = b.vars["plant_run"]
    keys = ["plant", "technology", "year"]
    running = run[keys + ["size"]].assign(x=values(run)).loc[lambda t: t["x"] > ON]
    by_tech = ["technology", "year"]
    installed = production["installed_capacity_m_per_yr"].to_numpy(float)
    made = production["output_m_per_yr"].to_numpy(float)
    share = production[by_tech].assign(per_capacity=np.divide(
        made, installed, out=np.zeros_like(made), where=installed > 1e-12))
    running = running.merge(share, on=by_tech, how="left")
    running["output_m_per_yr"] = running["size"] * running["x"] * running["per_capacity"]
    out = b.vars.get("plant_output")
    if out is not None:
        own = out[keys].assign(own=values(out))
        running = running.merge(own, on=keys, how="left")
        running["output_m_per_yr"] = running["own"].fillna(running["output_m_per_yr"])
    running["scope1_mtco2"] = running["output_m_per_yr"] * running["technology"].map(
        b.p.tech["scope1_tco2_per_unit"])
    plants = b.fleet.plants
    grid = plants[["plant", "sector", "start_year"]].merge(
        pd.DataFrame({"year": b.p.years}), how="cross")
    grid = grid.loc[grid["year"] >= grid["start_year"]]
    table = grid.merge(running[["plant", "year", "technology", "size", "output_m_per_yr",
                                "scope1_mtco2"]], on=["plant", "year"], how="left")
    table = table.fillna({"technology": CLOSED, "output_m_per_yr": 0.0, "scope1_mtco2": 0.0})
    table["capacity_m_per_yr"] = table["size"].fillna(0.0)
    return table[["plant", "sector", "year", "technology", "capacity_m_per_yr",
                  "output_m_per_yr", "scope1_mtco2"]].sort_values(["plant", "year"]) \
        .reset_index(drop=True)


def next_switches(investments: pd.DataFrame) -> pd.DataFrame:
    """Per plant its first switch or closure in the schedule: plant, year, change."""
    first = investments.sort_values("year", kind="stable").drop_duplicates("plant")
    closed = first["to_technology"] == CLOSED
    replaced = first["replaced_by"].fillna("")
    first_year = replaced.map({FIRST_YEAR: " in the first model year"}).fillna("")
    closure = np.where(replaced.isin(["", FIRST_YEAR]), "closed" + first_year,
                       "closed; output to: " + replaced)
    change = np.where(closed, closure, first["from_technology"] + " -> "
                      + first["to_technology"] + " (" + first["incentive"] + ")")
    return first.assign(change=change)[["plant", "year", "change"]] \
        .sort_values(["year", "plant"]).reset_index(drop=True)


def format_next_switches(tables: dict[str, pd.DataFrame], shown: int = 40) -> str:
    """The terminal lines of each plant's next switch or closure (the first `shown`)."""
    rows = next_switches(tables["plant_investments"])
    if rows.empty:
        return "\nNo plant switches or closes."
    lines = [f"\nNext switch per plant ({len(rows)} of "
             f"{tables['plants']['plant'].nunique()} plants)"]
    lines += [f"  {r.year:>4}  {r.plant:<32}  {r.change}"
              for r in rows.head(shown).itertuples(index=False)]
    if len(rows) > shown:
        lines.append(f"  ... {len(rows) - shown} more in plant_investments.csv")
    return "\n".join(lines)
