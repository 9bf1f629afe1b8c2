"""Result tables of plant mode: the investment schedule per plant and the fleet per year.

A technology's output is shared among the plants running it (and any
aggregate capacity of it) in proportion to capacity, so a plant's output and
emissions are its share of its technology's in the year.
"""
from __future__ import annotations

import pandas as pd

from decarb.formulation.built import Built
from decarb.outputs.results import BJPY_PER_MJPY, values

CLOSED = "closed"
ON = 0.5   # a binary at 1 (relaxed runs: any share above a half)


def plant_tables(b: Built, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The plant tables, and the run's investment schedule with the plants' switches
    added (so per-sector tables, compare and reports count them)."""
    schedule = plant_investments(b)
    return {"plant_investments": schedule, "plants": plant_years(b, tables["production"]),
            "investments": with_switches(tables["investments"], schedule, b)}


def with_switches(investments: pd.DataFrame, schedule: pd.DataFrame, b: Built
                  ) -> pd.DataFrame:
    """The aggregate schedule (year, sector, technology) plus the switches into each
    technology: their capacity, capex, subsidy by programme, incentive, tax benefit."""
    if schedule.empty:
        return investments
    size = b.fleet.plants.set_index("plant")["size"]
    rows = schedule.assign(technology=schedule["to_technology"],
                           sector=schedule["to_technology"].map(b.p.tech["sector"]),
                           new_capacity_m_per_yr=schedule["plant"].map(size))
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


def plant_investments(b: Built) -> pd.DataFrame:
    """One row per switch made: plant, year, from -> to, capex, subsidy, incentive,
    tax benefit, stranded charge and net capex (BJPY)."""
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
        "from_technology": made["from_technology"], "to_technology": made["technology"],
        "capex_bjpy": capex, "subsidy_bjpy": capex * made["subsidy_rate"].to_numpy(),
        "incentive": made["incentive"].to_numpy(),
        "tax_benefit_bjpy": capex * made["tax_benefit"].to_numpy()
        + made["credit_bjpy"].to_numpy(),
        "stranded_bjpy": made["stranded_mjpy"].to_numpy() * made["x"].to_numpy()
        * BJPY_PER_MJPY,
        "programme": made["programme"].to_numpy()})
    table["net_capex_bjpy"] = table["capex_bjpy"] - table["subsidy_bjpy"] \
        - table["tax_benefit_bjpy"]
    columns = ["plant", "year", "from_technology", "to_technology", "capex_bjpy",
               "subsidy_bjpy", "programme", "incentive", "tax_benefit_bjpy", "net_capex_bjpy",
               "stranded_bjpy"]
    return table[columns].sort_values(["year", "plant"]).reset_index(drop=True)


def plant_years(b: Built, production: pd.DataFrame) -> pd.DataFrame:
    """Per plant and year: the technology run (or closed), output and scope-1 emissions."""
    run = b.vars["plant_run"]
    running = run.assign(x=values(run)).loc[lambda t: t["x"] > ON]
    keys = ["technology", "year"]
    standing = production["installed_capacity_m_per_yr"] \
        + production["retired_capacity_m_per_yr"]
    load = production[keys].assign(per_capacity=(production["output_m_per_yr"] / standing)
                                    .where(standing > 1e-12, 0.0))
    running = running.merge(load, on=keys, how="left").fillna({"per_capacity": 0.0})
    running["output_m_per_yr"] = running["size"] * running["x"] * running["per_capacity"]
    running["scope1_mtco2"] = running["output_m_per_yr"] * running["technology"].map(
        b.p.tech["scope1_tco2_per_unit"])
    plants = b.fleet.plants
    grid = plants[["plant", "sector"]].merge(pd.DataFrame({"year": b.p.years}), how="cross")
    table = grid.merge(running[["plant", "year", "technology", "output_m_per_yr",
                                "scope1_mtco2"]], on=["plant", "year"], how="left")
    table = table.fillna({"technology": CLOSED, "output_m_per_yr": 0.0, "scope1_mtco2": 0.0})
    table = table.merge(plants[["plant", "size"]].rename(columns={
        "size": "capacity_m_per_yr"}), on="plant")
    return table[["plant", "sector", "year", "technology", "capacity_m_per_yr",
                  "output_m_per_yr", "scope1_mtco2"]].sort_values(["plant", "year"]) \
        .reset_index(drop=True)


def next_switches(investments: pd.DataFrame, plants: pd.DataFrame) -> pd.DataFrame:
    """Per plant its first switch (or closure) in the schedule: plant, year, change."""
    first = investments.sort_values("year").drop_duplicates("plant")
    rows = first.assign(change=first["from_technology"] + " -> " + first["to_technology"]
                        + " (" + first["incentive"] + ")")[["plant", "year", "change"]]
    closed = plants.loc[plants["technology"] == CLOSED].sort_values("year") \
        .drop_duplicates("plant")
    closed = closed.loc[~closed["plant"].isin(rows["plant"])]
    rows = pd.concat([rows, closed[["plant", "year"]].assign(change=CLOSED)])
    return rows.sort_values(["year", "plant"]).reset_index(drop=True)


def format_next_switches(tables: dict[str, pd.DataFrame], shown: int = 40) -> str:
    """The terminal lines of each plant's next switch or closure (the first `shown`)."""
    rows = next_switches(tables["plant_investments"], tables["plants"])
    if rows.empty:
        return "\nNo plant switches or closes."
    lines = [f"\nNext switch per plant ({len(rows)} of "
             f"{tables['plants']['plant'].nunique()} plants)"]
    lines += [f"  {r.year:>4}  {r.plant:<32}  {r.change}"
              for r in rows.head(shown).itertuples(index=False)]
    if len(rows) > shown:
        lines.append(f"  ... {len(rows) - shown} more in plant_investments.csv")
    return "\n".join(lines)
