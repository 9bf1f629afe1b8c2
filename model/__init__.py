"""decarb: industrial decarbonisation investment planning.

inputs -> Dataset -> Pyomo model -> HiGHS -> results -> run store -> reports.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def shipped_dataset(name: str) -> Path:
    """The folder of a dataset shipped with the package (`data/<name>` in a checkout)."""
    return Path(str(resources.files("decarb.data").joinpath(name)))
