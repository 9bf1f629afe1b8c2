"""Solved values of the model's variable tables, and the money unit of the results."""
from __future__ import annotations

import numpy as np
import pandas as pd

BJPY_PER_MJPY = 1e-3   # results report BJPY; the model works in MJPY


def values(table: pd.DataFrame) -> np.ndarray:
    """Solved values of a variable table's `var` column."""
    return np.array([v.value or 0.0 for v in table["var"]], dtype=float)
