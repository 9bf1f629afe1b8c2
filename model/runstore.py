"""Run folders: written completely or not at all.

A run is written into a temporary folder beside its destination and renamed
into place at the end, so an interrupted or failed run leaves no half-written
folder and never damages an earlier run of the same name.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import pandas as pd


def default_run_dir(results: Path, dataset: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return results / f"{dataset.name}-{stamp}"


def write_run(destination: Path, tables: dict[str, pd.DataFrame], meta: dict) -> Path:
    """Write `tables` as CSV and `meta` as run.json into `destination`, atomically.

    An existing folder of that name is replaced only once the new one is complete.
    """
    destination = destination.resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    try:
        for name, table in tables.items():
            table.to_csv(staging / f"{name}.csv", index=False, float_format="%.10g")
        (staging / "run.json").write_text(json.dumps(meta, indent=2, default=str) + "\n")
        if destination.exists():
            retired = destination.with_name(f".{destination.name}.old")
            os.replace(destination, retired)
            os.replace(staging, destination)
            shutil.rmtree(retired)
        else:
            os.replace(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return destination
