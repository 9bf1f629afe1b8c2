"""The input tables of carbon pricing as in force from FY2026 (formulation 9.1-9.3, 9.8):
companies, the GX-ETS, the levies on fossil-fuel carbon, and EU CBAM exposure.

Described like every other table (`schema.py` appends them to TABLES), so they are
loaded, checked and documented by the same machinery. Every one is optional: a
dataset without them runs as before, and a policy case switches each instrument on
(`ets_pricing`, `charge_fuel_levies`, `cbam_in_objective`).
"""
from __future__ import annotations

from decarb.inputs.schema import FIRM_SIZES, SOURCE, YEAR, Column, Table

COMPANY_KINDS = ("company", "group")
ALLOCATION_METHODS = ("benchmark", "grandfathering")

CARBON_TABLES: tuple[Table, ...] = (
    Table("companies", "The companies owning the plants of plants.csv: the unit of GX-ETS "
          "compliance (and of the per-company caps of tax credits).", ("company",), (
        Column("company", "str", "Company, as named in plants.csv `company`."),
        Column("kind", "str", "company: one firm; group: stands for many firms of the "
               "sector (a plants.csv group), covered at the sector's `covered_share` "
               "(ets_sectors.csv).", choices=COMPANY_KINDS),
        Column("size_class", "str", "Firm size under the tax law (large, sme; all for a "
               "group).", choices=FIRM_SIZES),
        Column("base_scope1_kt_per_yr", "float", "Direct CO2 of the whole company in the "
               "GX-ETS base years (FY2023-25 average); it is covered when this reaches the "
               "run's `ets_threshold_kt_per_yr`. Blank: from its plants (capacity x "
               "availability x the technology's direct factor), a lower bound where the "
               "company runs plants outside the dataset.", "kt-CO2/yr", required=False,
               min=0),
        SOURCE), required=False),
    Table("company_tax", "Corporate tax liability of each company by year (the base of "
          "per-company credit caps).", ("company", "year"), (
        Column("company", "str", "Company.", references="companies.company"),
        YEAR,
        Column("corporate_tax_bjpy_per_yr", "float", "Corporate tax the company owes.",
               "BJPY/yr", min=0),
        SOURCE), series=True, required=False),
    Table("ets_sectors", "GX-ETS coverage of each sector's direct emissions where firms "
          "are not resolved (aggregate mode; plant groups and capacity outside plants.csv "
          "in plant mode). A sector without a row is not covered.", ("sector",), (
        Column("sector", "str", "Sector.", references="sectors.sector"),
        Column("covered_share", "float", "Share of the sector's direct (scope 1) emissions "
               "emitted by companies at or above the coverage threshold.", "fraction",
               min=0, max=1),
        SOURCE), required=False),
    Table("ets_allocation", "GX-ETS free allocation, fixed ex ante: base activity (average "
          "output of the base years) x allowances per unit of it, by the technology that "
          "made the base output. Benchmark rows step from the median to the top-32.5% "
          "intensity by FY2030; grandfathering rows are the base intensity cut by a yearly "
          "rate. The covered share of the base (sector share, or the covered plants) "
          "receives it.", ("technology", "year"), (
        Column("technology", "str", "Technology whose base output is allocated to.",
               references="technologies.technology"),
        YEAR,
        Column("method", "str", "How the allowances per unit are set.",
               choices=ALLOCATION_METHODS),
        Column("base_activity_m_per_yr", "float", "Output of the technology in the base "
               "years (all firms; the covered share is applied).", "M unit/yr", min=0),
        Column("allowance_tco2_per_unit", "float", "Allowances per unit of base activity "
               "in the year.", "t-CO2/unit", min=0),
        SOURCE), series=True, required=False),
    Table("ets_prices", "GX-ETS price band and offsets by year; a year with a zero ceiling "
          "(and zero price) has no ETS.", ("year",), (
        YEAR,
        Column("floor_jpy_per_tco2", "float", "Adjustment (lower) reference price: an "
               "allowance can always be sold at it.", "JPY/t-CO2", min=0),
        Column("ceiling_jpy_per_tco2", "float", "Upper reference price: a shortfall can be "
               "paid at it instead of surrendering allowances.", "JPY/t-CO2", min=0),
        Column("price_jpy_per_tco2", "float", "Allowance price path of the exogenous "
               "pricing mode (clipped to the band); unused by the market mode.", "JPY/t-CO2",
               required=False, min=0),
        Column("offset_share", "float", "Most offsets (J-Credits, JCM) a covered tonne may "
               "be met with, as a share of covered emissions.", "fraction", min=0, max=1),
        Column("offset_price_jpy_per_tco2", "float", "Price of an offset credit.",
               "JPY/t-CO2", min=0),
        SOURCE), series=True, required=False),
    Table("fuel_levies", "Charges on the carbon of fossil fuels bought (the GX fossil-fuel "
          "levy, the tax for climate change mitigation), charged when `charge_fuel_levies` "
          "is true; a share passes into the price of `levy_pass_through_commodity`.",
          ("levy", "year"), (
        Column("levy", "str", "Levy identifier."),
        YEAR,
        Column("rate_jpy_per_tco2", "float", "Charge per t-CO2 of fuel carbon (the "
               "commodity's combustion factor).", "JPY/t-CO2", min=0),
        Column("pass_through_share", "float", "Share of the levy on power generation that "
               "reaches the price of the pass-through commodity: share x rate x its supply "
               "(scope 2) factor per unit bought.", "fraction", min=0, max=1),
        SOURCE), series=True, required=False),
    Table("exports", "Exports to the EU of products under its CBAM, with the EU's default "
          "intensity and benchmark for them.", ("product", "year"), (
        Column("product", "str", "Exported product.", references="commodities.commodity"),
        YEAR,
        Column("eu_exports_m_per_yr", "float", "Exports to the EU.", "M unit/yr", min=0),
        Column("default_tco2_per_unit", "float", "EU default embedded direct emissions for "
               "the country of origin (before the mark-up).", "t-CO2/unit", min=0),
        Column("eu_benchmark_tco2_per_unit", "float", "EU free-allocation benchmark "
               "deducted at the EU's remaining free-allocation share.", "t-CO2/unit",
               min=0),
        SOURCE), series=True, required=False),
    Table("cbam_prices", "EU carbon price, the EU's phase-out of free allocation for CBAM "
          "goods, and the mark-up on default values, by year.", ("year",), (
        YEAR,
        Column("eu_price_jpy_per_tco2", "float", "EU ETS allowance price (CBAM certificate "
               "price).", "JPY/t-CO2", min=0),
        Column("eu_free_allocation_share", "float", "Share of the benchmark EU producers "
               "still receive free (1 - CBAM phase-in).", "fraction", min=0, max=1),
        Column("default_markup", "float", "Mark-up on default values where no verified "
               "value is declared.", "fraction", min=0),
        SOURCE), series=True, required=False),
)
