"""Investment: capital charges and the support modes of the policy instruments.

Formulation section 5. Each build, new[k,y] on a new site or rebuilt[j,k,y] on the
site of retiring j (brownfield.py), is split over support modes m at its own capex:
  sum_{m in firm group g} support[j,k,y,m] = share_g * build[j,k,y]
A mode is a firm group (all, or large / SME), at most one subsidy programme
and at most one tax incentive (credit or special depreciation, at the tier the
technology's carbon-productivity gain reaches). Per unit of capex a mode gives
  subsidy s, tax base = (1 - s) if the base is net of subsidy else 1,
  tax benefit = base * (credit rate  or  PV of special depreciation),
  private capex factor f_m = 1 - s - tax benefit.
Constraints (MJPY):
  sum rate_g * capex * support          <= annual budget_g * step     (each programme)
  the same summed to each year          <= budget released so far      (subsidy_rounds.py)
  sum credit * base * capex * support   <= cap share * tax liability_s * step
  sum base * capex * support (incentive)<= plans_s * cap per plan * step
Support is paid for capacity placed and kept in service (M unit/yr): the builds under
a subsidy or tax incentive of the last H = support_in_use_years years are no more than
the capacity in use besides the plants running k (plant mode; 0 otherwise):
  sum_{v in (y-H, y]} sum_{m supported} support[k,v,m]
                                      <= act[k,y] / availability[k] - plants[k,y]
Cost: capex * annuity PV (only annuities inside the horizon) * f_m in the
private view, * 1 in the social view (transfers are not savings).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.formulation import finance
from decarb.formulation.components import investment_incentives
from decarb.formulation.built import Built
from decarb.formulation.tax_capacity import payer_rows
from decarb.formulation.components.subsidy_rounds import NAME as RELEASED
from decarb.formulation.components.subsidy_rounds import released_budget_rows
from decarb.formulation.components.brownfield import GREENFIELD, builds, rebuild_offers
from decarb.formulation.components.brownfield import KEYS as BUILD_KEYS
from decarb.formulation.components.capacity import plant_capacity
from decarb.formulation.plant import committed
from decarb.inputs.dataset import Dataset
from decarb.formulation.linear import add_constraints, add_var, terms_of
from decarb.formulation.parameters import (MJPY_PER_BJPY, Parameters, scope2_coefficients,
                                          splits_by_firm_size, subsidy_offers, vintages_of)

NO_PROGRAMME = ""
CAPITAL_AFTER_PLAN = "capital_after_plan"
ROUND = "subsidy_round"    # the public flow of a programme whose budget is released by year
CN_TAX = ("credit", "special_depreciation")
INCENTIVES = ("none", *CN_TAX, investment_incentives.CREDIT, investment_incentives.EXPENSING)
# A gain this close below a tier's threshold reaches it: intensities 1.2 -> 1.0 t/t are
# a 20% gain that floating point makes 0.19999999999999996 (fraction).
GAIN_TOLERANCE = 1e-9


def add(b: Built) -> None:
    ds, p, m = b.ds, b.p, b.m
    modes = aggregate_modes(ds, p, b.vars.get("committed_build"))
    support = add_var(m, "support", modes[BUILD_KEYS + ["mode"]],
                      "New capacity financed under a support mode (M unit/yr)")
    support = support.merge(modes, on=BUILD_KEYS + ["mode"]).assign(open=True)
    b.vars["support"] = support

    shares = modes[BUILD_KEYS + ["group", "group_share"]].drop_duplicates()
    build_share = builds(b).merge(shares, on=BUILD_KEYS)
    group_keys = {k: k for k in BUILD_KEYS + ["group"]}
    b.cons["split_investment_by_mode"] = add_constraints(
        m, "split_investment_by_mode",
        pd.concat([terms_of(support, 1.0, **group_keys),
                   terms_of(build_share, -build_share["group_share"], **group_keys)]),
        BUILD_KEYS + ["group"], "==", 0.0,
        "Builds of each firm group (on a new or an old site) = sum of its support modes "
        "(M unit/yr)")
    for name, (terms, keys, rhs, doc) in limits(ds, p, support,
                                                b.vars.get("plant_support")).items():
        b.cons[name] = add_constraints(m, name, terms, keys, "<=", rhs, doc)
    _support_in_service(b, support)
    register_capital(b)
    register_capital_after_plan(b)


def _support_in_service(b: Built, support: pd.DataFrame) -> None:
    """Supported capacity of the last `support_in_use_years` vintages <= capacity of the
    technology in use that year, so a supported build cannot run in its build year and
    stand idle the next while an unsupported one runs. In plant mode the plants running
    the technology count in use first (they are the older capacity): a supported new
    unit cannot stand idle while a plant's output fills the count. Modes count by what
    they are (a programme or an incentive), not by their rate, so a re-solve with other
    rates keeps the rows."""
    keys = ["technology", "year"]
    supported = support.loc[(support["programme"] != NO_PROGRAMME)
                            | (support["incentive"] != "none")]
    held = b.ds.settings.support_in_use_years
    vintages = vintages_of(supported[keys].drop_duplicates(), b.p.years,
                           b.p.tech["life_yr"])
    vintages = vintages.loc[vintages["year"] < vintages["vintage"] + held]
    in_use_years = supported.rename(columns={"year": "vintage"}).merge(
        vintages, on=["technology", "vintage"])
    act = b.vars["act"].merge(in_use_years[keys].drop_duplicates())
    availability = act["technology"].map(b.p.tech["availability"])
    in_use = (1.0 / availability).where(availability > 0, 0.0)
    plants = plant_capacity(b).merge(act[keys])
    b.cons["pay_support_in_service"] = add_constraints(
        b.m, "pay_support_in_service",
        pd.concat([terms_of(in_use_years, 1.0, technology="technology", year="year"),
                   terms_of(act, -in_use, technology="technology", year="year"),
                   terms_of(plants, "coef", technology="technology", year="year")]),
        keys, "<=", 0.0, "Supported builds of the last support_in_use_years vintages <= "
        "output / availability - plants running the technology: capacity in use besides "
        "the plants (M unit/yr)")


def support_for(b: Built, ds: Dataset) -> pd.DataFrame | None:
    """The support table of the built model (its `var`s) with the modes and factors of
    `ds` (other subsidy or tax rates, scheme, open years), or None when `ds` has a mode
    the model lacks. A mode the model has and `ds` lacks is not `open`: held at 0.
    Plant mode's switches carry their own modes (plant/incentives.py): None too."""
    if "plant_support" in b.vars:
        return None
    keys = BUILD_KEYS + ["mode"]
    modes = aggregate_modes(ds, b.p, b.vars.get("committed_build"))   # committed.csv: as built
    built = b.vars["support"]
    new = built[keys + ["var"]].merge(modes, on=keys, how="left", indicator=True)
    if len(new) != len(built) or len(modes.merge(built[keys], on=keys)) < len(modes):
        return None
    closed = (new.pop("_merge") == "left_only").to_numpy()
    factors = [c for c in modes.columns if c not in keys]
    new.loc[closed, factors] = built.loc[closed, factors].to_numpy()
    return new.assign(open=~closed)


def aggregate_modes(ds: Dataset, p: Parameters, fixed: pd.DataFrame | None = None
                    ) -> pd.DataFrame:
    """The support modes of every aggregate build, each at its own capex: on a new site
    (from_technology GREENFIELD, technology_costs.csv), on an old one (brownfield.py)
    and a committed build's (`fixed`, committed_builds.py) single mode: its award."""
    greenfield = support_modes(ds, p).assign(from_technology=GREENFIELD)
    parts = [greenfield]
    offers = rebuild_offers(ds, p)
    if not offers.empty:
        own = offers[BUILD_KEYS].assign(investment_mjpy=offers["technology"].map(  # one unit
            p.tech["unit_size_m_per_yr"]) * offers["capex_jpy_per_unit_yr"])
        rebuilt = support_modes(ds, p, own, tuple(BUILD_KEYS)).drop(
            columns="capex_jpy_per_unit_yr").merge(offers, on=BUILD_KEYS)
        parts.append(rebuilt)
    if fixed is not None:
        parts.append(fixed.assign(
            group="all", group_share=1.0, incentive="none", benefit_rate=0.0, credit_rate=0.0,
            sd_rate=0.0, tax_base=0.0, tax_benefit=0.0, mode=committed.COMMITTED,
            private_factor=1 - fixed["subsidy_rate"]))
    return pd.concat([part[greenfield.columns] for part in parts], ignore_index=True)


def pooled_support(support: pd.DataFrame, plant: pd.DataFrame | None) -> pd.DataFrame:
    """The aggregate builds' support modes and, in plant mode, each switch's (plant/):
    one pool for budgets, credit caps and capital charges."""
    if plant is None:
        return support
    return pd.concat([support, plant.assign(open=True)], ignore_index=True)


def carbon_productivity_gain(ds: Dataset, p: Parameters) -> pd.Series:
    """intensity[reference] / intensity[k] - 1, per technology (fraction).

    Intensity is direct plus indirect CO2 per unit of output at the first model
    year's supply factors (later grid changes do not count, as in the FY2024
    rules). The reference is `replaces`, else the incumbent with the same output.
    """
    intensity = carbon_intensity(ds, p)
    incumbents = p.tech.loc[p.tech["pathway"] == "incumbent"].reset_index() \
        .drop_duplicates("output").set_index("output")["technology"]
    reference = p.tech["replaces"].where(p.tech["replaces"] != "",
                                         p.tech["output"].map(incumbents))
    return productivity_gain(reference.map(intensity), intensity).rename("gain")


def productivity_gain(before: pd.Series, after: pd.Series) -> pd.Series:
    """before / after - 1 of carbon intensities (fraction): 0 where `before` emits
    nothing, inf where only `before` emits (every tier reaches it)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        gain = before / after - 1
    return gain.where(before > 0, 0.0).fillna(0.0)


def carbon_intensity(ds: Dataset, p: Parameters) -> pd.Series:
    """Direct plus indirect CO2 per unit of output at the first model year's supply
    factors (t-CO2/unit), per technology: the base of the carbon-productivity gain."""
    s2 = scope2_coefficients(ds, p.flows)
    s2 = s2.loc[s2["year"] == p.years[0]].set_index("technology")["scope2_tco2_per_unit"]
    return p.tech["scope1_tco2_per_unit"] + s2.reindex(p.tech.index, fill_value=0.0)


def support_modes(ds: Dataset, p: Parameters, builds: pd.DataFrame | None = None,
                  keys: tuple[str, ...] = ("technology", "year")) -> pd.DataFrame:
    """Every support mode each build may use, with its capex factors.

    `builds` (default: every aggregate build) has the `keys` of a build, among them
    `technology` (what is built) and `year`; it may carry the carbon-productivity
    `gain` of the build (default: the technology's against its reference)."""
    s = ds.settings
    keys = list(keys)
    if builds is None:
        builds = p.builds
    builds = builds.assign(sector=builds["technology"].map(p.tech["sector"]))
    if "gain" not in builds:
        builds = builds.assign(gain=builds["technology"].map(carbon_productivity_gain(ds, p)))
    if "investment_mjpy" not in builds:   # one unit of the technology (unit size x capex)
        capex = builds.merge(p.costs[["technology", "year", "capex_jpy_per_unit_yr"]],
                             how="left")["capex_jpy_per_unit_yr"].to_numpy()
        builds = builds.assign(investment_mjpy=builds["technology"].map(
            p.tech["unit_size_m_per_yr"]).to_numpy() * capex)
    groups = _firm_groups(ds, builds)
    subsidies = pd.concat([groups[keys + ["group"]].assign(programme=NO_PROGRAMME, rate=0.0),
                           subsidy_offers(ds, groups, keys)])
    modes = groups.drop(columns=["gain", "sector", "investment_mjpy"]).merge(
        subsidies, on=keys + ["group"]) \
        .merge(_incentives(ds, groups, keys), on=keys + ["group"])
    modes = modes.rename(columns={"rate": "subsidy_rate"})
    modes["tax_base"] = 1 - modes["subsidy_rate"] if s.tax_base == "net" else 1.0
    modes["tax_benefit"] = modes["tax_base"] * modes["benefit_rate"]
    modes["private_factor"] = 1 - modes["subsidy_rate"] - modes["tax_benefit"]
    modes["mode"] = modes["group"] + "|" + modes["programme"] + "|" + modes["incentive"]
    modes["capex_jpy_per_unit_yr"] = modes.merge(
        p.costs, on=["technology", "year"], how="left")["capex_jpy_per_unit_yr"].to_numpy()
    return modes.reset_index(drop=True)


def _firm_groups(ds: Dataset, builds: pd.DataFrame) -> pd.DataFrame:
    """Firm groups: `all`, or `large` and `sme` split by the sector's SME share."""
    sme = builds["sector"].map(ds.sectors.set_index("sector")["sme_share"])
    if not splits_by_firm_size(ds):
        return builds.assign(group="all", group_share=1.0)
    return pd.concat([builds.assign(group="large", group_share=1 - sme),
                      builds.assign(group="sme", group_share=sme)], ignore_index=True)


def _incentives(ds: Dataset, groups: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per build and firm group: no incentive always; the credit and special
    depreciation of the highest tier the build's `gain` reaches, in the scheme's
    open years."""
    s = ds.settings
    keys = keys + ["group"]
    none = groups[keys].assign(incentive="none", benefit_rate=0.0, credit_rate=0.0,
                               sd_rate=0.0)
    columns = keys + ["incentive", "benefit_rate", "credit_rate", "sd_rate"]
    offered = investment_incentives.offers(ds, groups, keys)
    others = [offered[columns]] if len(offered) else []   # an empty frame would lose dtypes
    scheme = ds.tax_schemes.loc[ds.tax_schemes["scheme"] == s.tax_scheme]
    if scheme.empty:
        return pd.concat([none[columns], *others], ignore_index=True)
    scheme = scheme.iloc[0]
    tiers = ds.tax_tiers.loc[ds.tax_tiers["scheme"] == s.tax_scheme] \
        .rename(columns={"firm_size": "group"})
    # Tiers for all firms apply to each size where subsidies split the builds.
    tiers = pd.concat([tiers.loc[tiers["group"] != "all"]]
                      + [tiers.loc[tiers["group"] == "all"].assign(group=g)
                         for g in groups["group"].unique()])
    open_ = groups.loc[groups["year"].between(scheme["first_year"], scheme["last_year"]),
                       keys + ["sector", "gain"]].astype({"gain": float})
    candidates = open_.merge(tiers[["group", "min_gain", "credit_rate", "sd_rate"]],
                             on="group")
    reached = candidates.loc[candidates["gain"] >= candidates["min_gain"] - GAIN_TOLERANCE] \
        .sort_values("min_gain").drop_duplicates(keys, keep="last")
    life = reached["sector"].map(ds.sectors.set_index("sector")["statutory_life_yr"])
    sd_value = per_unique(lambda n, r: finance.special_depreciation_value(
        scheme["tax_rate"], s.discount_rate_private, int(n), r), life, reached["sd_rate"])
    credit = reached.assign(incentive="credit", benefit_rate=reached["credit_rate"])
    sd = reached.assign(incentive="special_depreciation", benefit_rate=sd_value)
    chosen = pd.concat([credit.loc[credit["credit_rate"] > 0], sd.loc[sd["sd_rate"] > 0]])
    return pd.concat([none[columns], chosen[columns], *others], ignore_index=True)


def budget_limits_mjpy(ds: Dataset, step: int) -> pd.DataFrame:
    """Most each budgeted programme may pay per model year (`programme`, `rhs` in MJPY):
    the annual budget times the calendar years the model year stands for."""
    budgets = ds.subsidies.dropna(subset=["budget_bjpy_per_yr"])
    return budgets[["programme"]].assign(rhs=budgets["budget_bjpy_per_yr"] * MJPY_PER_BJPY
                                         * step)


Limit = tuple[pd.DataFrame, list[str], pd.DataFrame, str]   # terms, keys, rhs, doc


def limits(ds: Dataset, p: Parameters, aggregate: pd.DataFrame,
           plant: pd.DataFrame | None = None) -> dict[str, Limit]:
    """The `<=` families on support modes (MJPY): budgets and credit caps over every
    open mode, the sector-year eligible-investment cap over the `aggregate` builds only
    (in plant mode each switch is its own plan). Their coefficients follow the subsidy
    and tax rates, so a re-solve with other rates changes them in place from here too
    (`resolve`)."""
    aggregate = aggregate.loc[aggregate["open"]]
    support = pooled_support(aggregate, plant)
    capex = support["capex_jpy_per_unit_yr"]
    support = support.assign(sector=support["technology"].map(p.tech["sector"]))
    aggregate = aggregate.assign(sector=aggregate["technology"].map(p.tech["sector"]))
    subsidised = support.loc[support["programme"] != NO_PROGRAMME]
    budgets = budget_limits_mjpy(ds, p.step)
    budgeted = subsidised.loc[subsidised["programme"].isin(budgets["programme"])]
    found: dict[str, Limit] = {}
    if not budgeted.empty:
        found["limit_subsidy_budget"] = (
            terms_of(budgeted, budgeted["subsidy_rate"] * capex, programme="programme",
                     year="year"), ["programme", "year"],
            budgeted[["programme", "year"]].drop_duplicates().merge(budgets),
            "Subsidies paid <= annual budget x years (MJPY)")
    released = released_budget_rows(ds, p, subsidised)
    if released is not None:
        found[RELEASED] = released

    credit_caps = [("limit_tax_credit", "credit", _scheme(ds), "Tax credits <= cap share x "
                    "corporate tax of the payer x years (MJPY)"),
                   ("limit_investment_credit", investment_incentives.CREDIT,
                    investment_incentives.incentive_in_force(ds), "Investment-incentive "
                    "credits <= cap share x corporate tax of the payer x years (MJPY)")]
    for name, incentive, rules, doc in credit_caps:
        rows = support.loc[support["incentive"] == incentive]
        if rules is None or rows.empty:
            continue
        terms, rhs = payer_rows(ds, p, rows, rows["tax_benefit"] * rows[
            "capex_jpy_per_unit_yr"], rules["credit_cap_share"])
        found[name] = (terms, ["payer", "year"], rhs, doc)
    # Per sector and year: CN-tax investment <= certified plans x eligible cap per plan.
    scheme = _scheme(ds)
    rows = aggregate.loc[aggregate["incentive"].isin(CN_TAX)]
    if scheme is not None and not rows.empty:
        sectors = ds.sectors.set_index("sector")
        rhs = rows[["sector", "year"]].drop_duplicates()
        rhs["rhs"] = rhs["sector"].map(sectors["certified_plans_per_yr"]) \
            * scheme["eligible_cap_bjpy_per_plan"] * MJPY_PER_BJPY * p.step
        found["limit_eligible_investment"] = (
            terms_of(rows, rows["tax_base"] * rows["capex_jpy_per_unit_yr"],
                     sector="sector", year="year"), ["sector", "year"], rhs,
            "Investment under the tax incentive <= plans x cap per plan x years (MJPY)")
    return found


def _scheme(ds: Dataset) -> pd.Series | None:
    """The CN investment tax scheme in force, or None."""
    scheme = ds.tax_schemes.loc[ds.tax_schemes["scheme"] == ds.settings.tax_scheme]
    return None if scheme.empty else scheme.iloc[0]


def register_capital(b: Built) -> None:
    """Annualised capital (private: net of support) of the annuities falling within the
    plan (to end_year), and the public transfers."""
    p = b.p
    support, capex, sector = _register_annuities(b, "capital", within_plan=True)
    social_df = support["year"].map(discount_by_year(p, p.rates["social"]))
    # Public cost: subsidies by programme (a round's, with a budget released per treasury
    # year, as `subsidy_round`); tax revenue forgone by incentive.
    rounds = support["programme"].isin(b.ds.subsidy_budgets["programme"])
    transfers = []
    for share, instrument, programme in (
            (support["subsidy_rate"], np.where(rounds, ROUND, "subsidy"),
             support["programme"]),
            (support["tax_benefit"], support["incentive"], NO_PROGRAMME)):
        paid = (share > 0) & support["open"]
        cash = (capex * share)[paid]
        transfers.append(pd.DataFrame({
            "instrument": instrument, "programme": programme, "sector": sector,
            "year": support["year"], "var": support["var"]}).loc[paid].assign(
                cash=cash, social=cash * social_df[paid]))
    # Only the capital's own public flows are registered anew; other components' stay.
    b.transfers = [t for t in b.transfers
                   if not t["instrument"].isin(("subsidy", ROUND, *INCENTIVES)).all()] \
        + transfers


def register_capital_after_plan(b: Built) -> None:
    """The annuities falling after the plan: in the extension years and the steady state
    (part of the objective, reported apart from the plan's cost)."""
    _register_annuities(b, CAPITAL_AFTER_PLAN, within_plan=False)


def _register_annuities(b: Built, component: str, within_plan: bool
                        ) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    p = b.p
    support = pooled_support(b.vars["support"], b.vars.get("plant_support"))
    capex = support["capex_jpy_per_unit_yr"]
    life = support["technology"].map(p.tech["life_yr"])
    plan = annuity_weights(p, life, support["year"], until=p.plan_end)
    if within_plan:
        weight = plan
    else:
        whole = annuity_weights(p, life, support["year"])
        weight = {perspective: whole[perspective] - plan[perspective] for perspective in whole}
    sector = support["technology"].map(p.tech["sector"])
    b.add_cost(component, support.assign(
        sector=sector, private=capex * support["private_factor"] * weight["private"],
        social=capex * weight["social"] * _social_factor(support)))
    return support, capex, sector


def _social_factor(support: pd.DataFrame) -> pd.Series | float:
    """1 for an investment; 0 for a plant's tax credit (a transfer, no social cost)."""
    return support["social_factor"].fillna(1.0) if "social_factor" in support else 1.0


def per_unique(func, *columns: pd.Series) -> np.ndarray:
    """func(*row) for each row of the columns, computed once per distinct row."""
    keys = pd.DataFrame({f"k{i}": c.to_numpy() for i, c in enumerate(columns)})
    distinct = keys.drop_duplicates()
    distinct["value"] = [func(*row) for row in distinct.itertuples(index=False, name=None)]
    return keys.merge(distinct, how="left")["value"].to_numpy(float)


def annuity_weights(p: Parameters, life_yr: pd.Series, year: pd.Series,
                    until: int | None = None) -> dict[str, np.ndarray]:
    """Per perspective, the present value per unit of capital of the annuities inside
    the horizon and its steady state (finance.annuity_weight) of capital spent in
    `year` over `life_yr`; with `until`, only of those falling before that year."""
    first = p.years[0]
    end, steady = (p.horizon_end, p.steady_years) if until is None else (until, 0)
    return {perspective: per_unique(
        lambda n, y, r=rate: finance.annuity_weight(r, int(n), int(y), first, end, p.step,
                                                    steady),
        life_yr, year) for perspective, rate in p.rates.items()}


def discount_by_year(p: Parameters, rate: float) -> dict[int, float]:
    """Model year -> its discount factor to the first model year at `rate`."""
    return dict(zip(p.years, finance.discount_factors(rate, p.years[0], p.years)))
