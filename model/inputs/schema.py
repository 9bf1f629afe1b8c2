"""The input tables, described once as data.

The loader, the validator and the generated data reference (`docs/data.md`)
all read these descriptions, so a column documented here is a column checked
and loaded, and nothing else is.

Conventions (also printed at the top of the data reference):
- Quantities of a commodity are in millions of its unit: Mt for `t`
  commodities, PJ (= 10^6 GJ) for `GJ` commodities, Mt-CO2 for `t-CO2`.
  Technology activity and capacity are in millions of the output's unit per
  year. Ratios (`..._per_unit`) are per unit of the technology's output.
- Money in tables is in JPY per unit (prices, capex, O&M) or in BJPY
  (budgets, caps, tax liabilities); the model works in MJPY
  (JPY/unit x M units = MJPY).
- Time series (tables with a `year` column) may give anchor years only:
  model years between two anchors are interpolated linearly; a model year
  after the last anchor holds its value; one before the first anchor is a
  missing-year error.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Dtype = Literal["str", "float", "int"]

SECTOR_ALL = "all"  # caps.csv: the economy-wide (all sectors) cap
PATHWAYS = ("incumbent", "efficiency", "electrification", "hydrogen", "ccus",
            "recycling", "fuel_switch")
COMMODITY_KINDS = ("product", "energy", "material", "heat", "co2")
COMMODITY_UNITS = ("t", "GJ", "t-CO2")
FIRM_SIZES = ("all", "large", "sme")
TRANSITION_KINDS = ("retrofit", "rebuild")
BOOLEANS = ("true", "false")
# Tables a range of ranges.csv may apply to: their rows are named by technology,
# commodity or year alone.
RANGE_TABLES = ("technologies", "technology_costs", "technology_flows", "commodity_prices",
                "carbon_price", "demand", "supply_limits")
COMMITTED_EVENTS = ("close", "switch", "build")


@dataclass(frozen=True)
class Column:
    name: str
    dtype: Dtype
    description: str
    unit: str = ""
    required: bool = True           # a value must be present in every row
    default: float | str | None = None  # used where an optional value is blank
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    references: str | None = None   # "table.column" the value must exist in
    extra_values: tuple[str, ...] = ()  # allowed besides the referenced keys


@dataclass(frozen=True)
class Table:
    name: str                       # file is f"{name}.csv"
    description: str
    key: tuple[str, ...]            # unique per row
    columns: tuple[Column, ...]
    series: bool = False            # has a `year` column, interpolated over model years
    required: bool = True           # the file must exist

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def scalable(self) -> list[str]:
        """The columns a `scale` edit or an uncertain range may multiply: numeric and
        not part of the key."""
        return [c.name for c in self.columns if c.dtype == "float" and c.name not in self.key]


SOURCE = Column("source", "str", "Where the row's figures come from (a source key of the "
                "reference brief, or `PLACEHOLDER: ...` for a labelled assumption).",
                required=False, default="")
YEAR = Column("year", "int", "Calendar year of the value (an anchor year; model years "
              "between anchors are interpolated, later ones hold the last anchor's value).",
              unit="year", min=1990, max=2100)


TABLES: tuple[Table, ...] = (
    Table("sectors", "Industrial sectors and the per-sector data the tax incentive needs "
          "in aggregate mode.", ("sector",), (
        Column("sector", "str", "Sector identifier."),
        Column("name", "str", "Readable name.", required=False, default=""),
        Column("corporate_tax_bjpy_per_yr", "float", "Corporate tax liability of the "
               "sector's firms; the tax credit is capped at a share of it.", "BJPY/yr", min=0),
        Column("sme_share", "float", "Share of the sector's investment made by small and "
               "medium enterprises (SME tiers apply to it).", "fraction", min=0, max=1),
        Column("certified_plans_per_yr", "float", "Number of certified investment plans "
               "assumed per year; times the per-plan cap gives the eligible-investment cap.",
               "plans/yr", min=0),
        Column("statutory_life_yr", "int", "Statutory (tax) depreciation life of the "
               "sector's machinery, for the special-depreciation value.", "yr", min=1, max=60),
        SOURCE)),
    Table("commodities", "Products, energy carriers, materials, heat bands and captured CO2.",
          ("commodity",), (
        Column("commodity", "str", "Commodity identifier."),
        Column("kind", "str", "product (demanded output of a sector), energy, material, "
               "heat (a temperature band, per sector), co2 (captured CO2: exactly one).",
               choices=COMMODITY_KINDS),
        Column("unit", "str", "Physical unit; tables count it in millions (Mt, PJ, Mt-CO2).",
               choices=COMMODITY_UNITS),
        Column("sector", "str", "Owning sector; required for products and heat bands.",
               required=False, default="", references="sectors.sector"),
        Column("temperature_max_c", "float", "Upper temperature of a heat band; heat from a "
               "hotter band of the same sector may serve a cooler one, never the reverse.",
               "degC", required=False, min=0),
        Column("combustion_ef_tco2_per_unit", "float", "Direct CO2 released when a technology "
               "consumes one unit (scope 1).", "t-CO2/unit", required=False, default=0.0, min=0),
        Column("embedded_ef_tco2_per_unit", "float", "CO2 emitted abroad to make one unit of "
               "an imported commodity (scope 3, e.g. smelting of primary aluminium); "
               "reported for the using sector, counted in its emissions and caps only when "
               "`count_embedded_imports` is true.", "t-CO2/unit", required=False, default=0.0,
               min=0),
        SOURCE)),
    Table("demand", "Demand for products (and other demanded commodities) by year.",
          ("commodity", "year"), (
        Column("commodity", "str", "Demanded commodity.", references="commodities.commodity"),
        YEAR,
        Column("demand_m_per_yr", "float", "Demand, in millions of the commodity's unit per "
               "year (Mt/yr or PJ/yr).", "M unit/yr", min=0),
        SOURCE), series=True),
    Table("commodity_prices", "Purchase prices and supply (scope 2) emission factors of "
          "commodities that can be bought. For the co2 commodity the price is the cost of "
          "transport and storage per tonne stored.", ("commodity", "year"), (
        Column("commodity", "str", "Commodity bought.", references="commodities.commodity"),
        YEAR,
        Column("price_jpy_per_unit", "float", "Price paid per unit bought (per t stored "
               "for co2).", "JPY/unit", min=0),
        Column("scope2_ef_tco2_per_unit", "float", "Indirect CO2 of one unit bought (grid "
               "factor for electricity, supply chain for hydrogen), counted as scope 2 of the "
               "consuming sector.", "t-CO2/unit", required=False, default=0.0, min=0),
        SOURCE), series=True),
    Table("supply_limits", "Upper limits on what can be bought (scrap, biomass, hydrogen) "
          "or stored (co2: injection capacity).", ("commodity", "year"), (
        Column("commodity", "str", "Limited commodity.", references="commodities.commodity"),
        YEAR,
        Column("max_m_per_yr", "float", "Most that can be bought or stored per year.",
               "M unit/yr", min=0),
        SOURCE), series=True, required=False),
    Table("technologies", "Processes: one sector, one main output, and the data that does "
          "not change by year.", ("technology",), (
        Column("technology", "str", "Technology identifier."),
        Column("sector", "str", "Sector that owns, pays for and emits from it.",
               references="sectors.sector"),
        Column("name", "str", "Readable name.", required=False, default=""),
        Column("pathway", "str", "Decarbonisation pathway it belongs to.", choices=PATHWAYS),
        Column("output", "str", "Main output; activity is counted in it.",
               references="commodities.commodity"),
        Column("process_ef_tco2_per_unit", "float", "Process (non-combustion) CO2 per unit of "
               "output, before capture.", "t-CO2/unit", required=False, default=0.0, min=0),
        Column("capture_rate", "float", "Share of direct CO2 captured; it becomes the co2 "
               "commodity.", "fraction", required=False, default=0.0, min=0, max=1),
        Column("life_yr", "int", "Economic and technical life of new capacity.", "yr",
               min=1, max=100),
        Column("first_year", "int", "First year new capacity can be built.", "year",
               min=1900, max=2100),
        Column("availability", "float", "Maximum activity per unit of capacity.", "fraction",
               required=False, default=1.0, min=0, max=1),
        Column("unit_size_m_per_yr", "float", "If given, capacity is built in whole units of "
               "this size (makes the run a MIP).", "M unit/yr", required=False, min=0),
        Column("max_growth_per_yr", "float", "If given, installed capacity grows at most by "
               "this rate per year (diffusion limit) plus the growth seed.", "1/yr",
               required=False, min=0),
        Column("growth_seed_m_per_yr", "float", "Capacity that may exist regardless of the "
               "growth limit (lets a new technology start); with whole units, at least one "
               "unit, or none fits where nothing stands (a warning says so).", "M unit/yr",
               required=False, default=0.0, min=0),
        Column("replaces", "str", "Technology it is compared with for the carbon-productivity "
               "gain; default: the incumbent with the same output.", required=False,
               default="", references="technologies.technology"),
        SOURCE)),
    Table("technology_costs", "Costs of each technology by year.", ("technology", "year"), (
        Column("technology", "str", "Technology.", references="technologies.technology"),
        YEAR,
        Column("capex_jpy_per_unit_yr", "float", "Overnight investment per unit of annual "
               "capacity on a new site (greenfield; JPY per t/yr or per GJ/yr). Blank: the "
               "technology is not built on a new site, only reached by converting or "
               "relining an existing unit (relining.csv, transitions.csv).", "JPY/(unit/yr)",
               required=False, min=0),
        Column("fixed_om_jpy_per_unit_yr", "float", "Fixed O&M per unit of installed capacity "
               "per year.", "JPY/(unit/yr)/yr", required=False, default=0.0, min=0),
        Column("var_om_jpy_per_unit", "float", "Variable O&M per unit of output (energy and "
               "materials excluded: they are flows).", "JPY/unit", required=False, default=0.0,
               min=0),
        SOURCE), series=True),
    Table("technology_flows", "Inputs and by-products per unit of a technology's output.",
          ("technology", "commodity", "direction"), (
        Column("technology", "str", "Technology.", references="technologies.technology"),
        Column("commodity", "str", "Commodity consumed or produced.",
               references="commodities.commodity"),
        Column("direction", "str", "in (consumed) or out (by-product).", choices=("in", "out")),
        Column("amount_per_unit", "float", "Units of the commodity per unit of output.",
               "unit/unit", min=0),
        SOURCE)),
    Table("heat_cascade", "Losses where heat of a band passes to the next cooler band of "
          "its sector. Heat passes down without loss (steam let down, hot water) unless a "
          "row says otherwise; a row with efficiency below 1 is a recovery step, e.g. a "
          "waste-heat boiler raising steam from furnace heat.", ("hotter",), (
        Column("hotter", "str", "Heat band the heat leaves.",
               references="commodities.commodity"),
        Column("cooler", "str", "The next cooler band of the same sector.",
               references="commodities.commodity"),
        Column("efficiency", "float", "Heat arriving in `cooler` per unit leaving `hotter`.",
               "fraction", min=0, max=1),
        Column("capex_jpy_per_unit_yr", "float", "Capital cost of the recovery step (e.g. the "
               "waste-heat boiler) per unit/yr of heat it delivers to `cooler`, charged as "
               "an annuity on the heat delivered (blank: no equipment).", "JPY/(unit/yr)",
               required=False, default=0.0, min=0),
        Column("fixed_om_jpy_per_unit_yr", "float", "Fixed O&M of the recovery step per "
               "unit/yr of heat it delivers, charged on the heat delivered.",
               "JPY/(unit/yr)/yr", required=False, default=0.0, min=0),
        Column("life_yr", "int", "Life of the recovery step's equipment (its annuity's "
               "term); needed with a capex.", "yr", required=False, default=0, min=0),
        SOURCE), required=False),
    Table("existing_capacity", "Capacity standing before the first model year, by the year "
          "it is still available (its retirement profile).", ("technology", "year"), (
        Column("technology", "str", "Technology.", references="technologies.technology"),
        YEAR,
        Column("capacity_m_per_yr", "float", "Existing capacity still available that year.",
               "M unit/yr", min=0),
        SOURCE), series=True, required=False),
    Table("caps", "CO2 caps per sector and year (sector `all`: economy-wide cap over all "
          "sectors). Scope 1 or scope 1+2 is a run setting.", ("sector", "year"), (
        Column("sector", "str", "Capped sector, or `all`.", references="sectors.sector",
               extra_values=(SECTOR_ALL,)),
        YEAR,
        Column("cap_mtco2", "float", "Most CO2 the sector may emit that year.", "Mt-CO2/yr",
               min=0),
        SOURCE), series=True, required=False),
    Table("carbon_price", "Carbon price path (levy or ETS price) on direct emissions.",
          ("year",), (
        YEAR,
        Column("price_jpy_per_tco2", "float", "Price per tonne of CO2.", "JPY/t-CO2", min=0),
        SOURCE), series=True, required=False),
    Table("subsidies", "Capital subsidy programmes.", ("programme",), (
        Column("programme", "str", "Programme identifier."),
        Column("rate", "float", "Share of capex paid by the programme (to large firms where "
               "`rate_sme` is given).", "fraction", min=0, max=1),
        Column("rate_sme", "float", "Share of capex paid for the SME part of a sector's "
               "investment (split by `sme_share`); blank: `rate`.", "fraction", required=False,
               min=0, max=1),
        Column("first_year", "int", "First year investments may receive it.", "year",
               min=1900, max=2100),
        Column("last_year", "int", "Last year investments may receive it.", "year",
               min=1900, max=2100),
        Column("budget_bjpy_per_yr", "float", "Annual budget; blank means unlimited.",
               "BJPY/yr", required=False, min=0),
        SOURCE), required=False),
    Table("subsidy_eligibility", "Technologies each subsidy programme may fund.",
          ("programme", "technology"), (
        Column("programme", "str", "Programme.", references="subsidies.programme"),
        Column("technology", "str", "Eligible technology.",
               references="technologies.technology"),
        SOURCE), required=False),
    Table("tax_schemes", "Carbon-neutral investment promotion tax schemes (choose one in "
          "the run settings).", ("scheme",), (
        Column("scheme", "str", "Scheme identifier."),
        Column("first_year", "int", "First year investments qualify.", "year",
               min=1900, max=2100),
        Column("last_year", "int", "Last year investments qualify.", "year",
               min=1900, max=2100),
        Column("tax_rate", "float", "Corporate tax rate used to value special depreciation.",
               "fraction", min=0, max=1),
        Column("credit_cap_share", "float", "Credits are capped at this share of corporate "
               "tax.", "fraction", min=0, max=1),
        Column("eligible_cap_bjpy_per_plan", "float", "Eligible investment per certified plan.",
               "BJPY", min=0),
        SOURCE), required=False),
    Table("tax_tiers", "Tiers of a scheme: a carbon-productivity gain of at least min_gain "
          "earns credit_rate as a credit or sd_rate as special depreciation.",
          ("scheme", "firm_size", "min_gain"), (
        Column("scheme", "str", "Scheme.", references="tax_schemes.scheme"),
        Column("firm_size", "str", "Firms the tier applies to (all, large, sme).",
               choices=FIRM_SIZES),
        Column("min_gain", "float", "Minimum carbon-productivity gain.", "fraction", min=0),
        Column("credit_rate", "float", "Tax credit as share of the investment.", "fraction",
               min=0, max=1),
        Column("sd_rate", "float", "Extra first-year depreciation as share of the investment.",
               "fraction", min=0, max=1),
        SOURCE), required=False),
    # Where published sources disagree: the spread `decarb uncertainty` draws from.
    Table("ranges", "Low / central / high values of inputs whose sources disagree "
          "(docs/calibration.md). A case's `[[uncertain]]` entry naming a range draws one "
          "multiplier for all its rows: triangular(low/central, 1, high/central), or "
          "uniform(low/central, high/central), on the column of the rows it names.",
          ("range", "technology", "commodity", "year"), (
        Column("range", "str", "Range identifier (lower-case letters, digits, _); its "
               "rows share table, column, distribution, first year and relative spread."),
        Column("table", "str", "Input table the range applies to.",
               choices=RANGE_TABLES),
        Column("column", "str", "Numeric column of that table (not a key)."),
        Column("technology", "str", "The technology whose rows it applies to (tables "
               "with a technology column).", required=False, default="",
               references="technologies.technology"),
        Column("commodity", "str", "The commodity whose rows it applies to (tables with "
               "a commodity column).", required=False, default="",
               references="commodities.commodity"),
        Column("year", "int", "Year the three values refer to (they are checked against "
               "the dataset's value of that year).", "year", min=1990, max=2100),
        Column("first_year", "int", "If given (not 0), the multiplier applies to the anchor "
               "rows of this year and later only.", "year", required=False, default=0, min=0,
               max=2100),
        Column("low", "float", "Lowest value of the sources, in the column's unit.", min=0),
        Column("central", "float", "The value the dataset holds (the central rule of "
               "docs/calibration.md).", min=0),
        Column("high", "float", "Highest value of the sources.", min=0),
        Column("distribution", "str", "triangular (most likely at central) or uniform.",
               required=False, default="triangular", choices=("triangular", "uniform")),
        SOURCE), required=False),
    # Plant mode (settings `mode = "plant"`): the fleet and the switches it may make.
    Table("plants", "Existing plants (plant mode): each runs one technology and is relined "
          "or overhauled every `life_yr` of it from its next relining year.", ("plant",), (
        Column("plant", "str", "Plant identifier."),
        Column("sector", "str", "Sector of the plant (that of its technology).",
               references="sectors.sector"),
        Column("technology", "str", "Technology the plant runs now.",
               references="technologies.technology"),
        Column("capacity_m_per_yr", "float", "Capacity, in millions of the technology's "
               "output unit per year.", "M unit/yr", min=0),
        Column("next_reline_year", "int", "Calendar year of the next relining or major "
               "refurbishment: the plant's first relining window.", "year", min=1900,
               max=2200),
        Column("company", "str", "Owning company.", required=False, default=""),
        Column("site", "str", "Site (works, town).", required=False, default=""),
        SOURCE), required=False),
    Table("transitions", "Allowed switches of a plant's technology (plant mode): the edges "
          "of the transition graph.", ("from_technology", "to_technology"), (
        Column("from_technology", "str", "Technology a plant leaves.",
               references="technologies.technology"),
        Column("to_technology", "str", "Technology it switches to (same sector).",
               references="technologies.technology"),
        Column("kind", "str", "retrofit (the plant is converted) or rebuild (replaced on "
               "its site).", choices=TRANSITION_KINDS),
        Column("conversion_capex_jpy_per_unit_yr", "float", "Investment of the switch per "
               "unit of the plant's annual capacity.", "JPY/(unit/yr)", min=0),
        Column("lead_time_yr", "int", "Years from decision to operation: the first switch "
               "year is the first model year plus this.", "yr", min=0, max=50),
        Column("window_only", "str", "true: only in a relining window of the plant; false: "
               "any year, outside a window with the stranded-asset charge.",
               choices=BOOLEANS),
        SOURCE), required=False),
    Table("relining", "Costs on a unit's own site (brownfield): the relining or major "
          "refurbishment that keeps a unit of the technology running for another `life_yr` "
          "(its relining cycle), and decommissioning a unit that closes. Without a row a "
          "unit is relined at its greenfield capex (technology_costs.csv).", ("technology",), (
        Column("technology", "str", "Technology relined (for a retrofit, the host unit "
               "with the retrofit on it).", references="technologies.technology"),
        Column("relining_capex_jpy_per_unit_yr", "float", "Investment of one relining per "
               "unit of annual capacity.", "JPY/(unit/yr)", min=0),
        Column("decommissioning_jpy_per_unit_yr", "float", "One-off cost of closing a unit "
               "for good (plant mode), per unit of annual capacity.", "JPY/(unit/yr)",
               required=False, default=0.0, min=0),
        SOURCE), required=False),
    Table("min_load", "Lowest annual output of an open plant (plant mode): below it the "
          "plant closes; a technology without a row has no floor.", ("technology",), (
        Column("technology", "str", "Technology.", references="technologies.technology"),
        Column("min_load", "float", "Lowest output of an open plant in a year, as a share "
               "of its capacity (at most the technology's availability).", "fraction",
               min=0, max=1),
        SOURCE), required=False),
    Table("committed", "Announced events the model takes as given: a plant closes, a "
          "plant is converted, or a new unit is built or restarted, in the year stated. "
          "In aggregate mode a closure or conversion takes the plant's capacity out of its "
          "technology's existing capacity, and a conversion or build is a fixed build at "
          "its capex with its award.",
          ("project",), (
        Column("project", "str", "Event identifier."),
        Column("event", "str", "close (the plant runs until the year before, then closes), "
               "switch (the plant runs its technology until the year before and converts "
               "along an edge of transitions.csv in the year) or build (a new or restarted "
               "unit, named in `plant`, runs from the year).", choices=COMMITTED_EVENTS),
        Column("plant", "str", "Plant of plants.csv (close, switch), or the new unit's "
               "name (build)."),
        Column("year", "int", "First model year of the new state (closed, converted, "
               "running).", "year", min=1900, max=2200),
        Column("technology", "str", "Technology after a switch or of a build; blank for a "
               "closure.", required=False, default="", references="technologies.technology"),
        Column("capacity_m_per_yr", "float", "Capacity after a switch or of a build; blank "
               "for a switch: the plant's.", "M unit/yr", required=False, min=0),
        Column("capex_bjpy", "float", "Investment of the project; blank: the edge's "
               "conversion capex (switch) or the greenfield capex (build) times the "
               "capacity.", "BJPY", required=False, min=0),
        Column("subsidy_bjpy", "float", "Subsidy awarded to the project (the switch or "
               "build takes no other support).", "BJPY", required=False, default=0.0, min=0),
        Column("programme", "str", "Subsidy programme (subsidies.csv) the award is paid "
               "from, sharing its budget; blank: reported as `committed`.", required=False,
               default="", references="subsidies.programme"),
        Column("company", "str", "Owning company (of a build).", required=False, default=""),
        Column("site", "str", "Site (of a build).", required=False, default=""),
        SOURCE), required=False),
)

# Carbon pricing in force from FY2026 (companies, GX-ETS, fuel levies, CBAM): described in a
# module of its own, which needs the Column and Table above.
from decarb.inputs.schema_carbon import CARBON_TABLES  # noqa: E402
from decarb.inputs.schema_support import SUPPORT_TABLES  # noqa: E402

TABLES += CARBON_TABLES + SUPPORT_TABLES
TABLE_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
