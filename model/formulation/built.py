"""The model under construction and its registries, shared by every component."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from decarb.inputs.dataset import Dataset
from decarb.formulation.parameters import Parameters

COST_COLUMNS = ["component", "sector", "year", "var", "private", "social", "flow_mjpy"]
TRANSFER_COLUMNS = ["instrument", "programme", "sector", "year", "var", "cash", "social"]


@dataclass
class Built:
    """A model under construction and the tables that map it back to the data.

    `vars` and `cons` hold, per family, its index columns and the Pyomo objects;
    `costs` is the cost registry: rows of COST_COLUMNS, present-value MJPY per
    unit of the variable in each perspective (and for a per-year flow, `flow_mjpy`:
    MJPY per unit in the year, which the PV weights discount). The objective and
    the reported cost breakdown both come from it. `transfers` are public payments (subsidies,
    tax revenue forgone): `cash` MJPY per unit in the year paid, `social` its PV.
    `revenues` names the cost components paid to the state (carbon price, levies): the
    firms' cost, a transfer in the social view, public revenue in the fiscal flows.
    """

    ds: Dataset
    p: Parameters
    m: pyo.ConcreteModel
    with_slack: bool = False
    vars: dict[str, pd.DataFrame] = field(default_factory=dict)
    cons: dict[str, pd.DataFrame] = field(default_factory=dict)
    costs: list[pd.DataFrame] = field(default_factory=list)
    transfers: list[pd.DataFrame] = field(default_factory=list)
    # Operating capacity from other sources than builds and existing capacity (plant
    # mode: the plants): technology, year, var, coef (M unit/yr per unit of var).
    capacity_sources: list[pd.DataFrame] = field(default_factory=list)
    fleet: Any = None   # plant mode: the plants' parameters (plant/fleet.py)
    revenues: set[str] = field(default_factory=set)   # cost components paid to the state

    def add_cost(self, component: str, terms: pd.DataFrame) -> None:
        """Register cost terms (columns sector, year, var, private, social; optional
        flow_mjpy)."""
        if "flow_mjpy" not in terms:
            terms = terms.assign(flow_mjpy=np.nan)
        self.costs.append(terms.assign(component=component)[COST_COLUMNS])

    def add_flow_cost(self, component: str, table: pd.DataFrame, price: str,
                      to_treasury: bool = False) -> None:
        """Register a per-year flow cost: `table[price]` (JPY per unit of the variable,
        so MJPY per M unit) times each perspective's present-value weight of the year.
        A payment `to_treasury` (a carbon price, a levy) is a transfer: the firms' cost,
        nobody's in the social view, and public revenue."""
        pv = {perspective: table[price] * table["year"].map(weight)
              for perspective, weight in self.p.weights.items()}
        if to_treasury:
            pv["social"] = 0.0 * pv["social"]
            self.revenues.add(component)
        self.add_cost(component, table.assign(flow_mjpy=table[price], **pv))

    def reweight(self, p: Parameters) -> None:
        """Take the discount rates of `p`: every per-year flow cost is weighted anew
        (capital charges are the investment component's to register again)."""
        self.p = p
        for terms in self.costs:
            flow = terms["flow_mjpy"].notna()
            revenue = terms["component"].isin(self.revenues)
            for perspective, weight in p.weights.items():
                weighted = flow & ~revenue if perspective == "social" else flow
                terms.loc[weighted, perspective] = terms.loc[weighted, "flow_mjpy"] \
                    * terms.loc[weighted, "year"].map(weight)

    def reregister(self, component: str, register: Callable[[Built], None]) -> None:
        """Register a component's cost terms anew (e.g. a new carbon price), in its place."""
        at = next((i for i, c in enumerate(self.costs)   # an empty frame is no component's
                   if len(c) and c["component"].eq(component).all()), None)
        if at is not None:
            del self.costs[at]
        register(self)
        if at is not None:
            self.costs.insert(at, self.costs.pop())

    def cost_table(self) -> pd.DataFrame:
        return pd.concat(self.costs, ignore_index=True)

    def transfer_table(self) -> pd.DataFrame:
        if not self.transfers:
            return pd.DataFrame(columns=TRANSFER_COLUMNS)
        return pd.concat(self.transfers, ignore_index=True)
