"""A run's result tables as IAMC long-format rows (the layout pyam's IamDataFrame reads).

Variables follow the IAMC hierarchy, `|` between levels. An aggregate equals
the sum of its children in every year it is reported; the marginal abatement
cost is a price, not a sum. CO2 embedded in imported materials (scope 3) is a
tree of its own, `Emissions|CO2|Embedded in Imports|...`, never part of the
direct and indirect totals of `Emissions|CO2|Industry`; so are the GX-ETS
(`Price|Carbon|GX-ETS`, `GX-ETS|...`, per participant), the fuel levies' revenue
(`Revenue|Government|Fuel Levies|...`) and CBAM (`CBAM|Exposure|...`,
`CBAM|Certificates`), per model year. Investment, subsidy and
tax benefit are spending per calendar year: a model year stands for `year_step`
calendar years and its builds are the period's, so the period total is divided
by `year_step`.
"""
from __future__ import annotations

import pandas as pd

from decarb.inputs.schema import SECTOR_ALL

COLUMNS = ["Model", "Scenario", "Region", "Variable", "Unit", "Year", "Value"]
INDUSTRY = "Industry"
EMISSIONS = "Mt CO2/yr"
MONEY = "billion JPY/yr"
ENERGY = "PJ/yr"
MAC = "JPY/t CO2"
EMBEDDED = "Emissions|CO2|Embedded in Imports"
# production.csv gives each output's unit; the table is in millions of it per year
PRODUCTION_UNITS = {"t": "Mt/yr", "GJ": "PJ/yr"}


def display_name(identifier: str) -> str:
    """A sector or carrier id as an IAMC name.

    >>> display_name("other_manufacturing")
    'Other Manufacturing'
    """
    return identifier.replace("_", " ").title()


def iamc_frame(tables: dict[str, pd.DataFrame], model: str, scenario: str, region: str,
               year_step: int = 1) -> pd.DataFrame:
    """Every IAMC variable of a run, one row per variable and year, blanks dropped."""
    parts = [*_emissions(tables["emissions"]), *_money(tables["investments"], year_step),
             _production(tables["production"]), *_energy(tables["energy"]),
             *_embedded(tables.get("materials")), *_carbon_pricing(tables)]
    rows = pd.concat(parts, ignore_index=True).dropna(subset=["Value"])
    rows = rows.astype({"Year": int, "Value": float}).sort_values(
        ["Variable", "Year"], kind="stable")
    return rows.assign(Model=model, Scenario=scenario, Region=region)[COLUMNS] \
        .reset_index(drop=True)


def _rows(variable: pd.Series | str, unit: pd.Series | str, year: pd.Series,
          value: pd.Series) -> pd.DataFrame:
    """Columns by position: the parts come from differently indexed selections."""
    return pd.DataFrame({"Variable": _plain(variable), "Unit": _plain(unit),
                         "Year": year.to_numpy(), "Value": value.to_numpy(dtype=float)})


def _plain(column: pd.Series | str) -> object:
    return column.to_numpy() if isinstance(column, pd.Series) else column


def _path(*levels: pd.Series | str) -> pd.Series | str:
    """Join hierarchy levels with `|`; any level may be a column of names."""
    path = levels[0]
    for level in levels[1:]:
        path = path + "|" + level
    return path


def _emissions(e: pd.DataFrame) -> list[pd.DataFrame]:
    by_sector = e.loc[e["sector"] != SECTOR_ALL].reset_index(drop=True)
    total = e.loc[e["sector"] == SECTOR_ALL].reset_index(drop=True)
    sector = by_sector["sector"].map(display_name)
    co2 = _path("Emissions|CO2", INDUSTRY, sector)
    capture = _path("Carbon Capture", INDUSTRY, sector)
    mac = _path("Marginal Abatement Cost", INDUSTRY, sector)
    year, all_year = by_sector["year"], total["year"]
    return [
        _rows(co2, EMISSIONS, year, by_sector["total_mtco2"]),              # scope 1+2
        _rows(_path(co2, "Direct"), EMISSIONS, year, by_sector["scope1_mtco2"]),
        _rows(_path(co2, "Indirect"), EMISSIONS, year, by_sector["scope2_mtco2"]),
        _rows(f"Emissions|CO2|{INDUSTRY}", EMISSIONS, all_year, total["total_mtco2"]),
        _rows(capture, EMISSIONS, year, by_sector["captured_mtco2"]),
        _rows(f"Carbon Capture|{INDUSTRY}", EMISSIONS, all_year, total["captured_mtco2"]),
        # blank where no cap applies to the sector (or the economy): dropped as blanks
        _rows(mac, MAC, year, by_sector["mac_jpy_per_tco2"]),
        _rows(f"Marginal Abatement Cost|{INDUSTRY}", MAC, all_year,
              total["mac_jpy_per_tco2"]),
    ]


def _money(inv: pd.DataFrame, year_step: int) -> list[pd.DataFrame]:
    """Capex by technology, subsidy by programme, tax benefit, with sector and industry
    totals. A year without builds has no rows: a total where its children are blank
    would read as inconsistent to an aggregate check such as pyam's."""
    programmes = {c: c.removeprefix("subsidy_").removesuffix("_bjpy")
                  for c in inv.columns if c.startswith("subsidy_") and c.endswith("_bjpy")}
    # float: a run without builds has an empty schedule, which reads as text
    per_year = inv.assign(**{c: inv[c].astype(float) / year_step
                             for c in ["capex_bjpy", "tax_benefit_bjpy", *programmes]})
    per_year["subsidy_bjpy"] = per_year[list(programmes)].sum(axis=1)
    parts = [_rows(_path("Investment", INDUSTRY, per_year["sector"].map(display_name),
                         per_year["technology"]), MONEY, per_year["year"],
                   per_year["capex_bjpy"])]
    sector = per_year.groupby(["sector", "year"], as_index=False)[
        ["capex_bjpy", "subsidy_bjpy", "tax_benefit_bjpy", *programmes]].sum()
    industry = sector.groupby("year", as_index=False).sum(numeric_only=True)
    name = sector["sector"].map(display_name)
    for column, programme in programmes.items():
        parts.append(_rows(_path("Subsidy", INDUSTRY, name, programme), MONEY,
                           sector["year"], sector[column]))
    for variable, column in (("Investment", "capex_bjpy"), ("Subsidy", "subsidy_bjpy"),
                             ("Tax Benefit", "tax_benefit_bjpy")):
        parts.append(_rows(_path(variable, INDUSTRY, name), MONEY, sector["year"],
                           sector[column]))
        parts.append(_rows(_path(variable, INDUSTRY), MONEY, industry["year"],
                           industry[column]))
    return parts


def _production(p: pd.DataFrame) -> pd.DataFrame:
    """Output by technology; no sector total, since outputs differ in unit and kind."""
    unit = p["unit"].map(lambda u: PRODUCTION_UNITS.get(u, f"million {u}/yr"))
    return _rows(_path("Production", INDUSTRY, p["sector"].map(display_name),
                       p["technology"]), unit, p["year"], p["output_m_per_yr"])


def _energy(energy: pd.DataFrame) -> list[pd.DataFrame]:
    sector = energy.groupby(["sector", "year"], as_index=False)["use_pj_per_yr"].sum()
    industry = energy.groupby("year", as_index=False)["use_pj_per_yr"].sum()
    return [
        _rows(_path("Final Energy", INDUSTRY, energy["sector"].map(display_name),
                    energy["commodity"].map(display_name)), ENERGY, energy["year"],
              energy["use_pj_per_yr"]),
        _rows(_path("Final Energy", INDUSTRY, sector["sector"].map(display_name)), ENERGY,
              sector["year"], sector["use_pj_per_yr"]),
        _rows(f"Final Energy|{INDUSTRY}", ENERGY, industry["year"],
              industry["use_pj_per_yr"]),
    ]


def _embedded(materials: pd.DataFrame | None) -> list[pd.DataFrame]:
    """CO2 embedded in the imported materials each sector uses, and its industry total;
    only nonzero rows, and nothing for a run stored without materials.csv."""
    if materials is None:
        return []
    # float: an empty table reads as text
    used = materials.assign(embedded_mtco2=materials["embedded_mtco2"].astype(float))
    used = used.loc[used["embedded_mtco2"] != 0]
    sector = used.groupby(["sector", "year"], as_index=False)["embedded_mtco2"].sum()
    industry = used.groupby("year", as_index=False)["embedded_mtco2"].sum()
    return [_rows(_path(EMBEDDED, INDUSTRY, sector["sector"].map(display_name)), EMISSIONS,
                  sector["year"], sector["embedded_mtco2"]),
            _rows(f"{EMBEDDED}|{INDUSTRY}", EMISSIONS, industry["year"],
                  industry["embedded_mtco2"])]


def _carbon_pricing(tables: dict[str, pd.DataFrame]) -> list[pd.DataFrame]:
    """The GX-ETS market and each participant's covered emissions and net cost, the
    levies' revenue, the CBAM exposure per product: for a run that has those tables."""
    parts = []
    ets = tables.get("ets")
    if ets is not None:
        market = ets.loc[ets["participant"] == "market"]
        members = ets.loc[ets["participant"] != "market"]
        parts.append(_rows("Price|Carbon|GX-ETS", MAC, market["year"],
                           market["price_jpy_per_tco2"]))
        for variable, column, unit in (
                ("Covered Emissions", "covered_mtco2", EMISSIONS),
                ("Free Allocation", "allocation_mtco2", EMISSIONS),
                ("Offsets", "offsets_mtco2", EMISSIONS),
                ("Ceiling Payments", "ceiling_mtco2", EMISSIONS),
                ("Cost", "ets_cost_bjpy", MONEY),
                ("Free Allocation Value", "allocation_value_bjpy", MONEY),
                ("Net Cost", "net_cost_bjpy", MONEY)):
            parts.append(_rows(f"GX-ETS|{variable}", unit, market["year"], market[column]))
            if variable in ("Covered Emissions", "Net Cost"):
                parts.append(_rows(_path(f"GX-ETS|{variable}",
                                         members["participant"].map(display_name)),
                                   unit, members["year"], members[column]))
    levies = tables.get("levies")
    if levies is not None:
        total = levies.groupby("year", as_index=False)["revenue_bjpy"].sum()
        parts += [_rows(_path("Revenue|Government|Fuel Levies",
                              levies["levy"].map(display_name)), MONEY, levies["year"],
                        levies["revenue_bjpy"]),
                  _rows("Revenue|Government|Fuel Levies", MONEY, total["year"],
                        total["revenue_bjpy"])]
    cbam = tables.get("cbam")
    if cbam is not None:
        total = cbam.groupby("year", as_index=False)[["exposure_bjpy",
                                                      "certificates_mtco2"]].sum()
        parts += [_rows(_path("CBAM|Exposure", cbam["product"].map(display_name)), MONEY,
                        cbam["year"], cbam["exposure_bjpy"]),
                  _rows("CBAM|Exposure", MONEY, total["year"], total["exposure_bjpy"]),
                  _rows("CBAM|Certificates", EMISSIONS, total["year"],
                        total["certificates_mtco2"])]
    return parts

