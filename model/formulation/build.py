"""Build the Pyomo model from a validated dataset, one concern at a time."""
from __future__ import annotations

import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from decarb.formulation.built import Built
from decarb.formulation.linear import add_objective
from decarb.formulation.components import (brownfield, capacity, carbon_market, cbam,
                                           ccs_hubs, committed_builds, emissions,
                                           hydrogen_contracts, investment, operation,
                                           production_credits)
from decarb.formulation.recourse import add_recourse
from decarb.formulation.plant import output, switching
from decarb.inputs.dataset import Dataset
from decarb.formulation.parameters import prepare

# Later components use the variables of earlier ones; rebuilds, committed builds and
# plants are capacity sources, so they come before capacity (plant mode takes committed
# events plant by plant); plant output needs activity and capacity; the
# support instruments price flows and capacity already built.
SUPPORT = (hydrogen_contracts, ccs_hubs, production_credits)
ORDER = (brownfield, committed_builds, capacity, operation, emissions, investment,
         carbon_market, cbam, *SUPPORT)
PLANT_ORDER = (brownfield, switching, capacity, output, operation, emissions, investment,
               carbon_market, cbam, *SUPPORT)


def build_model(ds: Dataset, with_slack: bool = False, block: pyo.Block | None = None,
                recourse: bool = False) -> Built:
    """The ConcreteModel of `ds`. With `with_slack`, caps get penalised slack
    (used to diagnose an infeasible case). With `block`, the model is built in that
    block of a larger model (a scenario of the extensive form). With `recourse`
    (stochastic scenarios), caps get the slack, and demand and support limits a penalised
    shortfall (`recourse.py`)."""
    m = pyo.ConcreteModel(name="decarb") if block is None else block
    b = Built(ds=ds, p=prepare(ds), m=m, with_slack=with_slack or recourse)
    with PauseGC():
        for component in PLANT_ORDER if ds.settings.mode == "plant" else ORDER:
            component.add(b)
        if recourse:
            add_recourse(b)
        _add_objective(b)
    return b


def _add_objective(b: Built) -> None:
    """Minimise the registry's present-value cost in the run's perspective (MJPY)."""
    view = b.ds.settings.perspective
    add_objective(b.m, "total_cost", b.cost_table()[["var", view]].rename(columns={view: "coef"}),
                  "Present value of the cost of meeting demand (MJPY)")
