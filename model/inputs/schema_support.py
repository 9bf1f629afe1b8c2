"""The input tables of Japan's support for industrial decarbonisation in force from 2026
(formulation 9.4-9.8): subsidy rounds, hydrogen price-gap contracts, CCS hubs and their
support, production tax credits and the FY2026 investment incentive.

Described like every other table (`schema.py` appends them to TABLES), so they are
loaded, checked and documented by the same machinery. Every one is optional: a
dataset without them runs as before, and a policy case switches each instrument on
(`hydrogen_contracts`, `ccs_hubs`, `production_credits`, `investment_incentive`); the
per-technology rates and treasury-year budgets of subsidy programmes apply wherever
they have rows.
"""
from __future__ import annotations

from decarb.inputs.schema import BOOLEANS, SOURCE, YEAR, Column, Table

HUB_KINDS = ("domestic", "overseas")
TRANSPORT_MODES = ("pipeline", "ship")

LATITUDE = Column("latitude", "float", "Latitude (WGS84).", "deg", min=-90, max=90)
LONGITUDE = Column("longitude", "float", "Longitude (WGS84).", "deg", min=-180, max=180)

SUPPORT_TABLES: tuple[Table, ...] = (
    Table("subsidy_rates", "A subsidy programme's rate for one eligible technology where it "
          "differs from the programme's (the hard-to-abate rounds: 1/3 for fuel or process "
          "conversion, 1/2 for structural conversion).", ("programme", "technology"), (
        Column("programme", "str", "Programme.", references="subsidies.programme"),
        Column("technology", "str", "Technology (a row of subsidy_eligibility.csv for the "
               "programme).", references="technologies.technology"),
        Column("rate", "float", "Share of capex paid.", "fraction", min=0, max=1),
        SOURCE), required=False),
    Table("subsidy_budgets", "A programme's budget released per treasury (fiscal) year: the "
          "subsidies committed up to a year are at most the budget released up to that "
          "year (what is not spent carries forward). Years are not interpolated.",
          ("programme", "year"), (
        Column("programme", "str", "Programme.", references="subsidies.programme"),
        Column("year", "int", "Treasury year the tranche is released.", "year", min=1990,
               max=2100),
        Column("budget_bjpy", "float", "Budget released that year.", "BJPY", min=0),
        SOURCE), required=False),
    Table("hydrogen_contracts", "Price-gap contracts (CfD) for low-carbon hydrogen or its "
          "carriers (used when `hydrogen_contracts` is true): firms buy up to the volume "
          "at the reference price for the term from the start year, the state pays the "
          "strike minus the reference per unit.", ("contract",), (
        Column("contract", "str", "Contract identifier."),
        Column("commodity", "str", "Commodity delivered (bought under the contract).",
               references="commodities.commodity"),
        Column("start_year", "int", "First year of supply.", "year", min=1990, max=2100),
        Column("term_yr", "int", "Years of support from the start year.", "yr", min=1,
               max=50),
        Column("volume_m_per_yr", "float", "Most delivered per year under the contract.",
               "M unit/yr", min=0),
        Column("strike_jpy_per_unit", "float", "Strike (base) price: the supply cost the "
               "contract guarantees.", "JPY/unit", min=0),
        Column("reference_commodity", "str", "Commodity whose price is the reference "
               "(parity) price firms pay, per unit of the same energy unit.",
               references="commodities.commodity"),
        Column("max_supply_tco2_per_unit", "float", "Low-carbon threshold: in a year the "
               "commodity's supply factor (commodity_prices.csv scope 2) exceeds it, "
               "nothing is delivered under the contract.", "t-CO2/unit", min=0),
        SOURCE), required=False),
    Table("ccs_hubs", "CO2 storage hubs (the advanced CCS projects), used when `ccs_hubs` "
          "is true in place of the national storage price and limit of the co2 "
          "commodity.", ("hub",), (
        Column("hub", "str", "Hub identifier."),
        Column("location", "str", "Where CO2 is stored.", required=False, default=""),
        Column("kind", "str", "domestic (reached by pipeline or ship) or overseas (by ship "
               "only).", choices=HUB_KINDS),
        LATITUDE, LONGITUDE,
        Column("start_year", "int", "First year of injection; no capacity before.", "year",
               min=1990, max=2100),
        Column("supported", "str", "true: CO2 stored there may receive the CCS cost-gap "
               "support (ccs_support.csv).", choices=BOOLEANS),
        SOURCE), required=False),
    Table("ccs_hub_paths", "Injection capacity and storage cost of each hub by year.",
          ("hub", "year"), (
        Column("hub", "str", "Hub.", references="ccs_hubs.hub"),
        YEAR,
        Column("capacity_mtco2_per_yr", "float", "Most CO2 injected per year (from the "
               "hub's start year).", "Mt-CO2/yr", min=0),
        Column("storage_jpy_per_tco2", "float", "Cost of injection and storage per tonne "
               "(transport excluded).", "JPY/t-CO2", min=0),
        SOURCE), series=True, required=False),
    Table("ccs_transport", "Cost of moving captured CO2 from a site to a hub: fixed + per "
          "km of route (straight-line distance x detour factor). A pipeline reaches "
          "domestic hubs within its reach; a ship serves coastal sites and any hub.",
          ("mode",), (
        Column("mode", "str", "pipeline or ship.", choices=TRANSPORT_MODES),
        Column("fixed_jpy_per_tco2", "float", "Cost independent of distance (compression, "
               "liquefaction, port and loading).", "JPY/t-CO2", min=0),
        Column("jpy_per_tco2_km", "float", "Cost per km of route.", "JPY/(t-CO2 km)", min=0),
        Column("detour_factor", "float", "Route length over straight-line distance.",
               "ratio", min=1),
        Column("max_km", "float", "Longest route; blank: no limit.", "km", required=False,
               min=0),
        SOURCE), required=False),
    Table("sites", "Where the plants of plants.csv stand (their `site`), for the transport "
          "of captured CO2 to hubs. A site not listed ships at each hub's average cost.",
          ("site",), (
        Column("site", "str", "Site, as named in plants.csv `site`."),
        LATITUDE, LONGITUDE,
        Column("coastal", "str", "true: has a port a CO2 ship can load at.",
               choices=BOOLEANS),
        SOURCE), required=False),
    Table("ccs_support", "CCS cost-gap support per year: the levelised cost of capture, "
          "transport and storage it pays down to the carbon price, per tonne stored at a "
          "supported hub (total budget: `ccs_support_budget_bjpy`); 0: no support.",
          ("year",), (
        YEAR,
        Column("levelised_cost_jpy_per_tco2", "float", "Levelised cost of CCS the support "
               "tops up to.", "JPY/t-CO2", min=0),
        SOURCE), series=True, required=False),
    Table("production_credits", "Production tax credits per unit of qualifying output "
          "(used when `production_credits` is true): capped at a share of corporate tax, "
          "per company in plant mode, per sector in aggregate mode.", ("credit",), (
        Column("credit", "str", "Credit identifier."),
        Column("last_start_year", "int", "Capacity built or switched to a qualifying "
               "technology up to this year earns the credit (plans certified in time).",
               "year", min=1990, max=2100),
        Column("tax_cap_share", "float", "Credits are capped at this share of corporate "
               "tax.", "fraction", min=0, max=1),
        SOURCE), required=False),
    Table("production_credit_rates", "Credit per unit of qualifying output, by technology "
          "and year (the taper of the last years included; 0 outside the credit years).",
          ("credit", "technology", "year"), (
        Column("credit", "str", "Credit.", references="production_credits.credit"),
        Column("technology", "str", "Qualifying technology.",
               references="technologies.technology"),
        YEAR,
        Column("jpy_per_unit", "float", "Credit per unit of output.", "JPY/unit", min=0),
        SOURCE), series=True, required=False),
    Table("investment_incentives", "Investment tax incentives besides the CN investment "
          "tax (choose one in `investment_incentive`): a credit or first-year expensing, "
          "for investments of at least a size, exclusive with the CN tax per investment.",
          ("incentive",), (
        Column("incentive", "str", "Incentive identifier."),
        Column("first_year", "int", "First year investments qualify.", "year", min=1900,
               max=2100),
        Column("last_year", "int", "Last year investments qualify.", "year", min=1900,
               max=2100),
        Column("credit_rate", "float", "Tax credit as share of the investment.", "fraction",
               min=0, max=1),
        Column("expensing_rate", "float", "Share of the investment deducted in its first "
               "year instead (1: immediate expensing).", "fraction", min=0, max=1),
        Column("tax_rate", "float", "Corporate tax rate, to value the expensing.",
               "fraction", min=0, max=1),
        Column("credit_cap_share", "float", "Credits are capped at this share of "
               "corporate tax.", "fraction", min=0, max=1),
        Column("min_investment_bjpy_large", "float", "Smallest qualifying investment of a "
               "large firm.", "BJPY", min=0),
        Column("min_investment_bjpy_sme", "float", "Smallest qualifying investment of an "
               "SME.", "BJPY", min=0),
        SOURCE), required=False),
)
