"""CCS hubs and their cost-gap support (formulation 9.5); Mt-CO2/yr, MJPY.

With `ccs_hubs`, captured CO2 (operation.py's store[y]) goes to hubs h, each with an
injection capacity K[h,y] from its start year and a storage cost, from sites s at a
transport cost T[s,h] (the cheaper of pipeline and ship, by route length; parameters
below). A site not in sites.csv, and in aggregate mode all capture, ships at each hub's
average cost over the sites (weighted by their plants' gross direct CO2), so in
aggregate mode the hubs are a storage supply curve used in cost order.
  sum_{s,h} stored[s,h,y] = store[y]                          (ccs_store_at_hubs)
  sum_s stored[s,h,y] <= K[h,y]                               (ccs_limit_hub)
  plant mode, per site s (and "" for the rest):
  sum_h stored[s,h,y] <= sum_{p at s, k capturing} avail_k size_p capture_k run[p,k,y]
                         (+ for "": capture_k avail_k (residual + builds alive)[k,y])
                                                              (ccs_limit_site_capture)
Costs: stored x storage cost (`co2_storage`) and x transport (`co2_transport`).
Support, at supported hubs: gap_y = max(levelised cost_y - carbon price_y, 0) per t,
  supported[h,y] <= sum_s stored[s,h,y]                      (ccs_support_within_stored)
  sum step * gap * supported <= budget                        (ccs_support_budget)
  private cost -gap (a transfer: none in the social view), public flow `ccs_support:<h>`.
The carbon price is the one known before solving: the ETS price (the floor in the market
mode) plus the carbon price path.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from decarb.formulation.built import Built
from decarb.formulation.carbon_parameters import ets_years
from decarb.formulation.linear import add_constraints, add_var, terms_of
from decarb.formulation.parameters import MJPY_PER_BJPY, Parameters
from decarb.formulation.public_flows import register_transfer
from decarb.inputs.dataset import Dataset

EARTH_RADIUS_KM = 6371.0
REST = ""        # the site of capture not placed at a site of sites.csv
INSTRUMENT = "ccs_support"


def active(ds: Dataset) -> bool:
    return ds.settings.ccs_hubs and not ds.ccs_hubs.empty


def hub_years(ds: Dataset, p: Parameters) -> pd.DataFrame:
    """hub, kind, supported (bool), year, capacity (0 before the start year, Mt/yr),
    storage (JPY/t)."""
    hubs = ds.ccs_hubs.merge(ds.ccs_hub_paths, on="hub")
    hubs = hubs.loc[hubs["year"].isin(p.years)]
    capacity = hubs["capacity_mtco2_per_yr"].where(hubs["year"] >= hubs["start_year"], 0.0)
    return pd.DataFrame({"hub": hubs["hub"], "kind": hubs["kind"],
                         "supported": hubs["supported"] == "true", "year": hubs["year"],
                         "capacity": capacity, "storage": hubs["storage_jpy_per_tco2"]}
                        ).reset_index(drop=True)


def route_costs(ds: Dataset) -> pd.DataFrame:
    """The cheapest way from each site to each hub it can reach: site, hub, mode,
    route_km, transport (JPY/t). A pipeline reaches domestic hubs within its reach,
    a ship leaves from a coastal site."""
    pairs = ds.sites.merge(ds.ccs_hubs, how="cross", suffixes=("", "_hub"))
    km = great_circle_km(pairs["latitude"], pairs["longitude"], pairs["latitude_hub"],
                         pairs["longitude_hub"])
    options = pairs[["site", "hub", "kind", "coastal"]].assign(km=km).merge(
        ds.ccs_transport, how="cross")
    options["route_km"] = options["km"] * options["detour_factor"]
    reach = options["max_km"].fillna(np.inf)
    pipeline = (options["mode"] == "pipeline") & (options["kind"] == "domestic") \
        & (options["route_km"] <= reach)
    ship = (options["mode"] == "ship") & (options["coastal"] == "true") \
        & (options["route_km"] <= reach)
    options = options.loc[pipeline | ship]
    options = options.assign(transport=options["fixed_jpy_per_tco2"]
                             + options["jpy_per_tco2_km"] * options["route_km"])
    best = options.sort_values("transport").drop_duplicates(["site", "hub"])
    return best[["site", "hub", "mode", "route_km", "transport"]] \
        .sort_values(["site", "hub"]).reset_index(drop=True)


def great_circle_km(lat1: pd.Series, lon1: pd.Series, lat2: pd.Series,
                    lon2: pd.Series) -> np.ndarray:
    """Haversine distance (km)."""
    a1, b1, a2, b2 = (np.radians(np.asarray(x, dtype=float)) for x in (lat1, lon1, lat2,
                                                                       lon2))
    h = np.sin((a2 - a1) / 2) ** 2 + np.cos(a1) * np.cos(a2) * np.sin((b2 - b1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


def site_routes(ds: Dataset, p: Parameters) -> pd.DataFrame:
    """The routes the model may use: each placed site's, and REST's at each hub's
    average cost over the sites, weighted by their plants' gross direct CO2 (Mt/yr;
    equally where no plant stands)."""
    routes = route_costs(ds)
    plants = ds.plants
    weight = (plants["capacity_m_per_yr"] * plants["technology"].map(p.tech["availability"])
              * plants["technology"].map(p.tech["gross_tco2_per_unit"]))
    weight = weight.groupby(plants["site"]).sum()
    # Equal weights where no plant stands (a tiny positive weight for every site).
    weighted = routes.assign(w=routes["site"].map(weight).fillna(0.0) + 1e-9)
    average = (weighted["w"] * weighted["transport"]).groupby(weighted["hub"]).sum() \
        / weighted.groupby("hub")["w"].sum()
    rest = pd.DataFrame({"site": REST, "hub": average.index, "mode": "average",
                         "route_km": np.nan, "transport": average.to_numpy()})
    if ds.settings.mode != "plant":
        return rest
    return pd.concat([routes.loc[routes["site"].isin(capturing_sites(ds, p))], rest],
                     ignore_index=True)


def capturing_sites(ds: Dataset, p: Parameters) -> set[str]:
    """Sites of sites.csv with a plant that may run a capturing technology."""
    capture = set(p.tech.index[p.tech["captured_tco2_per_unit"] > 0])
    reachable = set(ds.transitions.loc[ds.transitions["to_technology"].isin(capture),
                                       "from_technology"]) | capture
    plants = ds.plants.loc[ds.plants["technology"].isin(reachable)
                           | ds.plants["technology"].isin(capture)]
    return set(plants["site"]) & set(ds.sites["site"])


def support_gap(ds: Dataset, p: Parameters) -> pd.Series:
    """JPY/t the support pays per tonne stored at a supported hub, by model year."""
    years = pd.Index(p.years, name="year")
    cost = ds.ccs_support.set_index("year")["levelised_cost_jpy_per_tco2"] \
        .reindex(years, fill_value=0.0)
    ets = ets_years(ds).set_index("year")["price"].reindex(years, fill_value=0.0)
    path = ds.carbon_price.set_index("year")["price_jpy_per_tco2"] \
        .reindex(years, fill_value=0.0)
    return (cost - ets - path).clip(lower=0.0).where(cost > 0, 0.0)


def add(b: Built) -> None:
    if not active(b.ds):
        return
    m, ds, p = b.m, b.ds, b.p
    hubs = hub_years(ds, p)
    routes = site_routes(ds, p)
    open_hubs = hubs.loc[hubs["capacity"] > 0]
    stored = add_var(m, "ccs_stored", routes[["site", "hub"]].merge(
        open_hubs[["hub", "year"]]), "CO2 from a site stored at a hub (Mt-CO2/yr)")
    stored = stored.merge(routes, on=["site", "hub"]).merge(hubs, on=["hub", "year"])
    b.vars["ccs_stored"] = stored
    b.cons["ccs_store_at_hubs"] = add_constraints(
        m, "ccs_store_at_hubs", pd.concat([
            terms_of(stored, 1.0, year="year"),
            terms_of(b.vars["store"], -1.0, year="year")]), ["year"], "==", 0.0,
        "CO2 stored at the hubs = captured CO2 sent to storage (Mt-CO2/yr)")
    b.cons["ccs_limit_hub"] = add_constraints(
        m, "ccs_limit_hub", terms_of(stored, 1.0, hub="hub", year="year"),
        ["hub", "year"], "<=", open_hubs[["hub", "year"]].assign(rhs=open_hubs["capacity"]),
        "CO2 stored at a hub <= its injection capacity (Mt-CO2/yr)")
    if ds.settings.mode == "plant" and "plant_run" in b.vars:
        _limit_site_capture(b, stored)
    b.add_flow_cost("co2_storage", stored.assign(sector="all"), "storage")
    b.add_flow_cost("co2_transport", stored.assign(sector="all"), "transport")
    _support(b, stored)


def _limit_site_capture(b: Built, stored: pd.DataFrame) -> None:
    """Each site stores at most what its running capturing plants capture; the rest
    (REST) at most what plants without a placed site and the capacity outside the
    plants capture."""
    p, tech = b.p, b.p.tech
    per_unit = tech["captured_tco2_per_unit"] * tech["availability"]
    placed = set(stored["site"]) - {REST}
    site = b.ds.plants.set_index("plant")["site"]
    run = b.vars["plant_run"]
    run = run.loc[run["technology"].map(per_unit) > 0]
    run = run.assign(site=run["plant"].map(site).where(run["plant"].map(site).isin(placed),
                                                       REST))
    keys = dict(site="site", year="year")
    capturing = per_unit.loc[per_unit > 0]
    alive = p.vintages.loc[p.vintages["technology"].isin(capturing.index)].merge(
        b.vars["new"].rename(columns={"year": "vintage"}), on=["technology", "vintage"])
    residual = p.residual.loc[p.residual["technology"].isin(capturing.index)]
    rhs = residual.assign(rhs=residual["capacity_m_per_yr"]
                          * residual["technology"].map(per_unit)).groupby(
        "year", as_index=False)["rhs"].sum().assign(site=REST)
    b.cons["ccs_limit_site_capture"] = add_constraints(
        b.m, "ccs_limit_site_capture", pd.concat([
            terms_of(stored, 1.0, **keys),
            terms_of(run, -run["technology"].map(per_unit) * run["size"], **keys),
            terms_of(alive, -alive["technology"].map(per_unit), site=REST, year="year")]),
        ["site", "year"], "<=", rhs,
        "CO2 stored from a site <= what its running capturing plants capture (Mt-CO2/yr)")


def _support(b: Built, stored: pd.DataFrame) -> None:
    gap = support_gap(b.ds, b.p)
    hubs = stored.loc[stored["supported"], ["hub", "year"]].drop_duplicates()
    hubs = hubs.assign(gap=hubs["year"].map(gap))
    hubs = hubs.loc[hubs["gap"] > 0]
    if hubs.empty:
        return
    m, p = b.m, b.p
    supported = add_var(m, "ccs_supported", hubs[["hub", "year"]], "CO2 stored at a hub "
                        "under the cost-gap support (Mt-CO2/yr)").merge(hubs,
                                                                         on=["hub", "year"])
    b.vars["ccs_supported"] = supported
    keys = dict(hub="hub", year="year")
    b.cons["ccs_support_within_stored"] = add_constraints(
        m, "ccs_support_within_stored", pd.concat([
            terms_of(supported, 1.0, **keys),
            terms_of(stored.merge(hubs[["hub", "year"]]), -1.0, **keys)]),
        ["hub", "year"], "<=", 0.0, "CO2 supported <= CO2 stored at the hub (Mt-CO2/yr)")
    budget = b.ds.settings.ccs_support_budget_bjpy
    if budget is not None:
        b.cons["ccs_support_budget"] = add_constraints(
            m, "ccs_support_budget", terms_of(supported, supported["gap"] * p.step,
                                              budget="all"),
            ["budget"], "<=", budget * MJPY_PER_BJPY,
            "CCS cost-gap support paid <= budget (MJPY)")
    b.add_cost(INSTRUMENT, supported.assign(
        sector="all", private=-supported["gap"] * supported["year"].map(p.weights["private"]),
        social=0.0))
    register_transfer(b, supported, INSTRUMENT, supported["hub"], supported["gap"])
