"""Public payments of per-year instruments (levies, ETS, price-gap contracts, credits) in
the transfer registry, so public cost and the objective read the same variables."""
from __future__ import annotations

import pandas as pd

from decarb.formulation.built import Built


def register_transfer(b: Built, table: pd.DataFrame, instrument: str,
                      programme: str | pd.Series, cash_per_unit: pd.Series,
                      sector: str | pd.Series = "all") -> None:
    """A public flow per model year (positive: the state pays): cash (MJPY per unit of the
    variable in `table`) over the calendar years the model year stands for; social: its
    present value."""
    social = b.p.weights["social"]

    def column(value: str | pd.Series):
        return value.to_numpy() if isinstance(value, pd.Series) else value

    rows = pd.DataFrame({
        "instrument": instrument, "programme": column(programme), "sector": column(sector),
        "year": table["year"].to_numpy(), "var": table["var"].to_numpy(),
        "cash": cash_per_unit.to_numpy(float) * b.p.step,
        "social": cash_per_unit.to_numpy(float) * table["year"].map(social).to_numpy()})
    b.transfers.append(rows.loc[rows["cash"] != 0])
