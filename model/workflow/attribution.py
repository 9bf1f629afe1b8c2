"""What each policy instrument adds: the case against itself with that instrument off.

For every instrument in force (each subsidy programme paying a rate, the tax
incentive scheme, the carbon price) the case is solved again with that one
switched off and the others held (in the same model, changed in place where it
can be). Against that counterfactual the instrument adds, over the plan's
years: abatement (cumulative emissions avoided, by sector and in all), public
cost (subsidies paid + tax revenue forgone), net fiscal cost (that, less carbon
and levy revenue), private and resource cost (NPV), and public cost per tonne it
adds. Where a cap binds, an instrument can move abatement between sectors
rather than add it: `moved_mtco2` is the abatement gained in the sectors that
abate more, and the effect says which it mostly does.
"""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from decarb.inputs.cases import Case, derive
from decarb.inputs.dataset import Dataset
from decarb.inputs.loading import Reader
from decarb.inputs.schema import SECTOR_ALL
from decarb.outputs.compare import cumulative_emissions
from decarb.solving.resolve import Session
from decarb.workflow import levers
from decarb.workflow.run import RunResult, run_case

COLUMNS = ["instrument", "sector", "abated_mtco2", "moved_mtco2", "public_cost_bjpy",
           "net_fiscal_cost_bjpy", "private_npv_bjpy", "resource_cost_bjpy",
           "public_cost_per_t_jpy_per_tco2", "effect"]
LABEL = "attribution"
NOTHING_MTCO2 = 1e-6      # abatement below this adds nothing: no cost per tonne
MOVES = "moves more abatement between sectors than it adds (a binding cap holds the total)"
ADDS, NONE, RAISES = "adds abatement", "adds no abatement", "raises emissions"


def instruments(ds: Dataset) -> dict[str, levers.Fragment]:
    """Each instrument in force in `ds` and the case edits that switch it off."""
    found: dict[str, levers.Fragment] = {}
    paying = ds.subsidies.loc[(ds.subsidies["rate"] > 0) | (ds.subsidies["rate_sme"] > 0)]
    for programme, sme in zip(paying["programme"], paying["rate_sme"].notna()):
        off = {"programme": programme, "rate": 0.0, **({"rate_sme": 0.0} if sme else {})}
        found[f"subsidy:{programme}"] = {"tables": {"subsidies": {"set": [off]}}}
    if (ds.tax_schemes["scheme"] == ds.settings.tax_scheme).any():
        found[f"tax:{ds.settings.tax_scheme}"] = {"settings": {"tax_scheme": "none"}}
    if (ds.carbon_price["price_jpy_per_tco2"] > 0).any():
        found["carbon_price"] = levers.fragment("carbon_price_scale", 0.0, ds)
    return found


def attribute(case: Case, ds: Dataset, result: RunResult, session: Session | None = None,
              reader: Reader | None = None,
              progress: Callable[[str], None] = lambda _: None) -> pd.DataFrame:
    """The attribution table of a solved case (`result` of `ds`): one block of rows per
    instrument, sector `all` first. `session` re-solves the case's model in place."""
    session, reader = session or Session(), reader or Reader()
    blocks = []
    for name, off in instruments(ds).items():
        progress(name)
        without = run_case(reader.read(case.dataset, derive(case, f"{LABEL}:{name}", off)),
                           session)
        blocks.append(contribution(name, result.tables, without.tables, ds.settings.year_step))
    if not blocks:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(blocks, ignore_index=True)[COLUMNS]


def contribution(name: str, on: dict[str, pd.DataFrame], off: dict[str, pd.DataFrame],
                 step: int) -> pd.DataFrame:
    """Rows of one instrument: what the run `on` has beyond the run `off` without it."""
    emitted = {label: cumulative_emissions(tables["emissions"].assign(run=label),
                                           {label: step}).set_index("sector")["cumulative"]
               for label, tables in (("on", on), ("off", off))}
    abated = (emitted["off"] - emitted["on"]).rename("abated_mtco2")
    sectors = abated.drop(SECTOR_ALL, errors="ignore")
    moved = float(sectors.clip(lower=0).sum() - max(float(abated.get(SECTOR_ALL, 0.0)), 0.0))
    money = {label: _money(tables["costs"]) for label, tables in (("on", on), ("off", off))}
    added = {k: money["on"][k] - money["off"][k] for k in money["on"]}
    total = float(abated.get(SECTOR_ALL, 0.0))
    binding = _caps_bind(on["emissions"]) or _caps_bind(off["emissions"])
    rows = [{"sector": SECTOR_ALL, "abated_mtco2": total, "moved_mtco2": max(moved, 0.0),
             **added,
             "public_cost_per_t_jpy_per_tco2": 1000.0 * added["public_cost_bjpy"] / total
             if total > NOTHING_MTCO2 else float("nan"),
             "effect": _effect(total, max(moved, 0.0), binding)}]
    rows += [{"sector": s, "abated_mtco2": float(v)} for s, v in sectors.items()]
    return pd.DataFrame(rows).assign(instrument=name).reindex(columns=COLUMNS)


def _effect(total: float, moved: float, binding: bool) -> str:
    if binding and moved > max(abs(total), NOTHING_MTCO2):
        return MOVES
    return ADDS if total > NOTHING_MTCO2 else RAISES if total < -NOTHING_MTCO2 else NONE


def _money(costs: pd.DataFrame) -> dict[str, float]:
    """Public cost, net fiscal cost, private and resource NPV of the plan (BJPY)."""
    def pick(kind: str, component: str, column: str) -> float:
        row = costs.loc[(costs["kind"] == kind) & (costs["component"] == component), column]
        return float(row.iloc[0]) if len(row) and pd.notna(row.iloc[0]) else 0.0
    return {"public_cost_bjpy": pick("public", "total", "public_cost_bjpy"),
            "net_fiscal_cost_bjpy": pick("fiscal", "net", "public_cost_bjpy"),
            "private_npv_bjpy": pick("cost", "total", "private_npv_bjpy"),
            "resource_cost_bjpy": pick("cost", "total", "social_npv_bjpy")}


def _caps_bind(emissions: pd.DataFrame) -> bool:
    """Whether some cap of the run binds in some year: met with equality or with a
    positive marginal cost."""
    capped = emissions.loc[emissions["cap_mtco2"].notna()]
    return bool(((capped["counted_mtco2"] >= capped["cap_mtco2"] - NOTHING_MTCO2)
                 | (capped["mac_jpy_per_tco2"].fillna(0.0) > 0)).any())


def summary_lines(table: pd.DataFrame) -> list[str]:
    """The attribution as text, one line per instrument (the totals) and its effect."""
    lines = ["What each instrument adds against the case without it (the others held), "
             "over the plan's years:"]
    for row in table.loc[table["sector"] == SECTOR_ALL].itertuples(index=False):
        per_t = ("-" if pd.isna(row.public_cost_per_t_jpy_per_tco2)
                 else f"{row.public_cost_per_t_jpy_per_tco2:,.0f} JPY/t")
        lines.append(f"  {row.instrument}: abates {row.abated_mtco2:,.2f} Mt-CO2, moves "
                     f"{row.moved_mtco2:,.2f} Mt between sectors; public cost "
                     f"{row.public_cost_bjpy:,.0f} BJPY ({per_t}), net fiscal "
                     f"{row.net_fiscal_cost_bjpy:,.0f} BJPY; {row.effect}")
    return lines
