"""The result tables of a run folder and its run.json, described as data with the input
schema's `Column` and `Table` (model/inputs/schema.py), for runfiles.py to check."""
from __future__ import annotations

import re
from dataclasses import replace

from decarb.inputs.schema import Column, Table

# Result columns carry their unit in the name; a column so named holds numbers.
NUMERIC = re.compile(r"year|.+_(mtco2|bjpy|m_per_yr|pj_per_yr|jpy_per_tco2|mtco2_per_yr"
                     r"|jpy_per_unit|tco2_per_unit|share)")
STATUSES = ("optimal", "infeasible", "solver_failed", "bad_input")


def _number(name: str, description: str, required: bool = True) -> Column:
    """A result column of numbers: no bounds, as a solver's zero may be -3e-13."""
    return Column(name, "float", description, name.rsplit("_", 1)[-1], required)


def _numbers(*names: str) -> tuple[Column, ...]:
    return tuple(_number(n, n.rsplit("_", 1)[0]) for n in names)


YEAR = Column("year", "int", "Model year.", "year", min=1900, max=2200)
SECTOR = Column("sector", "str", "Sector (`all`: every sector).")
TECHNOLOGY = Column("technology", "str", "Technology.")
COMMODITY = Column("commodity", "str", "Commodity.")
FULL = Column("full", "str", "Used up (a bool as pandas writes it).", choices=("True", "False"))

RESULTS: dict[str, Table] = {t.name: t for t in (
    Table("emissions", "Emissions per sector and model year.", ("sector", "year"), (
        SECTOR, YEAR, _number("scope1_mtco2", "Scope 1."), _number("scope2_mtco2", "Scope 2."),
        _number("embedded_mtco2", "Embedded CO2 of imports.", required=False),
        _number("captured_mtco2", "Captured CO2."),
        _number("total_mtco2", "Scope 1 + 2."), _number("counted_mtco2", "Counted by the cap."),
        _number("cap_mtco2", "The cap.", required=False),
        _number("mac_jpy_per_tco2", "The cap's dual.", required=False))),
    Table("production", "Output and capacity.", ("sector", "product", "kind", "technology",
                                                 "year"), (
        SECTOR, Column("product", "str", "Product."), Column("kind", "str", "Commodity kind."),
        TECHNOLOGY, YEAR, Column("unit", "str", "Unit."),
        _number("output_m_per_yr", "Output."),
        _number("installed_capacity_m_per_yr", "Installed capacity."),
        _number("idle_capacity_m_per_yr", "Installed, not used."),
        _number("retired_capacity_m_per_yr", "Retired early."))),
    Table("investments", "The investment schedule (and `subsidy_<programme>_bjpy` columns).",
          ("year", "sector", "technology"), (
        YEAR, SECTOR, TECHNOLOGY, _number("new_capacity_m_per_yr", "New capacity."),
        _number("capex_bjpy", "Capex."), Column("tax_incentive", "str", "Incentive chosen."),
        _number("tax_benefit_bjpy", "Tax benefit."), _number("net_capex_bjpy", "Net capex."))),
    Table("energy", "Energy use.", ("sector", "commodity", "year"), (
        SECTOR, COMMODITY, YEAR, _number("use_pj_per_yr", "Use."))),
    Table("materials", "Material use.", ("sector", "commodity", "year"), (
        SECTOR, COMMODITY, YEAR, _number("use_m_per_yr", "Use."),
        _number("embedded_mtco2", "Embedded CO2."))),
    Table("costs", "Present values and public cost by component.", ("kind", "component"), (
        Column("kind", "str", "cost, public or fiscal.", choices=("cost", "public", "fiscal")),
        Column("component", "str", "Component (`total`: their sum)."),
        *(_number(c, c, required=False) for c in ("private_npv_bjpy", "social_npv_bjpy",
                                                  "public_cost_bjpy", "public_cost_npv_bjpy")))),
    Table("plants", "Plant mode: each plant's year.", ("plant", "year"), (
        Column("plant", "str", "Plant."), YEAR)),
    Table("plant_investments", "Plant mode: the switches.", (), (
        Column("plant", "str", "Plant."), YEAR)),
    Table("ets", "GX-ETS: each participant's position and the market.", ("participant",
                                                                          "year"), (
        Column("participant", "str", "Company, sector or the market."), YEAR,
        _number("net_cost_bjpy", "Net cost."))),
    Table("levies", "Fuel levies: rate and revenue.", ("levy", "year"), (
        Column("levy", "str", "Levy."), YEAR, _number("revenue_bjpy", "Revenue."))),
    Table("cbam", "CBAM exposure of EU-bound exports.", ("product", "year"), (
        Column("product", "str", "Product."), YEAR, _number("exposure_bjpy", "Exposure."))),
    Table("levelised_costs", "Levelised cost of output.", ("technology", "year"), (
        TECHNOLOGY, YEAR, _number("levelised_jpy_per_unit", "Levelised cost."))),
    Table("stranded", "Capacity idle or retired early.", ("sector", "technology", "year"), (
        SECTOR, TECHNOLOGY, YEAR, _number("remaining_capital_bjpy", "Remaining capital."),
        _number("support_received_bjpy", "Support received."))),
    Table("attribution", "What each instrument adds.", ("instrument", "sector"), (
        Column("instrument", "str", "Instrument."), SECTOR,
        _number("abated_mtco2", "Abatement added."))),
    Table("mac_curve", "Marginal abatement cost curves.", (
        "sector", "year", "commodity", "from_technology", "to_technology"), (
        SECTOR, YEAR, COMMODITY, Column("from_technology", "str", "From."),
        Column("to_technology", "str", "To."),
        _number("cost_jpy_per_tco2", "Cost per tonne."))),
    Table("public_costs", "Public cash (+ paid by the state) per instrument and programme.",
          ("instrument", "programme", "year"), (Column("instrument", "str", "Instrument."),
          Column("programme", "str", "Programme.", required=False), YEAR, *_numbers(
              "public_cost_bjpy"))),
    Table("hydrogen_contracts", "Hydrogen price-gap contracts.", ("contract", "year"), (
        Column("contract", "str", "Contract."), COMMODITY, YEAR, FULL,
        *_numbers("volume_m_per_yr", "bought_m_per_yr", "public_cost_bjpy"))),
    Table("ccs", "CCS hubs: storage and its support.", ("hub", "year"), (
        Column("hub", "str", "Hub."), YEAR, FULL, replace(FULL, name="supported"),
        *_numbers("capacity_mtco2_per_yr", "stored_mtco2", "support_bjpy"))),
    Table("companies", "Plant mode: support and tax caps per company.", ("company", "year"), (
        Column("company", "str", "Company."), YEAR, *_numbers("capex_bjpy", "support_bjpy",
                                                             "tax_benefit_bjpy"))),
)}
# run.json, as one row whose columns are its (dotted) fields
RUN_JSON = Table("run", "The run's record.", (), (
    Column("run.name", "str", "Run name.", required=False),
    Column("run.status", "str", "How it ended.", required=False, choices=STATUSES),
    Column("run.created", "str", "When.", required=False),
    Column("case.name", "str", "The case.", required=False),
    Column("settings.start_year", "int", "First model year.", required=False, min=1900,
           max=2200),
    Column("settings.end_year", "int", "Last model year.", required=False, min=1900, max=2200),
    Column("settings.year_step", "int", "Years per model year.", required=False, min=1,
           max=100)))
