"""Export a run folder for others: CSV tables, an Excel workbook, or IAMC long format.

Nothing is recomputed: the CSV export copies the run's tables, the workbook
holds the same numbers with readable unit headers, and the IAMC table
reshapes them (model/iamc.py). Every output is written beside its target
and moved into place at the end, so a failed export leaves nothing half-written.
"""
from __future__ import annotations

import errno
import json
import shutil
from collections.abc import Iterable, Mapping
from importlib.metadata import version
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from decarb.errors import InputError, Problem
from decarb.outputs import percentiles
from decarb.outputs.iamc import iamc_frame
from decarb.outputs.atomic import check_writable, staged
from decarb.outputs.runfiles import Run, read_run

FORMATS = ("csv", "xlsx", "iamc")
# run-folder table -> exported table, in the order they are written (schedule first)
TABLES = {"investments": "investment_schedule", "emissions": "emissions",
          "production": "production", "energy": "energy", "costs": "costs"}
# exported after TABLES when the run has them: plant mode's, the imported materials,
# levelised costs and the MAC curve (runs stored before these were written lack them),
# the carbon-pricing tables (only runs with those instruments), the support tables and
# public cost by instrument
WHEN_PRESENT = {"plant_investments": "plant_investments", "plants": "plants",
                "materials": "materials", "levelised_costs": "levelised_costs",
                "mac_curve": "mac_curve", "ets": "ets", "levies": "levies", "cbam": "cbam",
                "public_costs": "public_costs", "hydrogen_contracts": "hydrogen_contracts",
                "ccs": "ccs", "companies": "companies"}
RUN_SHEET = "run"
DEFAULT_NAMES = {"csv": "export-csv", "xlsx": "export.xlsx", "iamc": "export-iamc.csv"}
# column-name suffix -> unit; the most specific suffix first
UNIT_SUFFIXES = (("_jpy_per_tco2", "JPY/t-CO2"), ("_pj_per_yr", "PJ/yr"),
                 ("_m_per_yr", "M unit/yr"), ("_mtco2_per_yr", "Mt-CO2/yr"),
                 ("_mtco2", "Mt-CO2/yr"), ("_bjpy", "BJPY"), ("_jpy_per_unit", "JPY/unit"),
                 ("_tco2_per_unit", "t-CO2/unit"))
NUMBER_WIDTH = 12          # Excel's General format shows up to 11 characters of a number
MAX_WIDTH = 48


def split_unit(column: str) -> tuple[str, str]:
    """The quantity and unit a result-table column names by its suffix ('' if none).

    >>> split_unit("mac_jpy_per_tco2")
    ('mac', 'JPY/t-CO2')
    """
    for suffix, unit in UNIT_SUFFIXES:
        if column.endswith(suffix):
            return column.removesuffix(suffix).replace("_", " "), unit
    return column.replace("_", " "), ""


def column_header(column: str) -> str:
    quantity, unit = split_unit(column)
    return f"{quantity} [{unit}]" if unit else quantity


def iamc_table(run_dir: Path, region: str = "Japan") -> pd.DataFrame:
    """The run as IAMC long format: Model, Scenario, Region, Variable, Unit, Year, Value."""
    return _iamc(read_run(Path(run_dir)), region)


def export_run(run_dir: Path, fmt: str, out: Path | None = None,
               region: str = "Japan") -> Path:
    """Write the run in `fmt` to `out` (default: inside the run folder) and return the
    path written: a folder for csv, a file for xlsx and iamc (xlsx if `out` ends so)."""
    run_dir = Path(run_dir)
    if fmt not in FORMATS:
        raise InputError([Problem(str(run_dir), None, None, fmt,
                                  f"an export format: {', '.join(FORMATS)}")])
    if (run_dir / percentiles.SET_FILE).is_file():
        return export_set(run_dir, fmt, out, region)
    run = read_run(run_dir)
    target = Path(out) if out is not None else run_dir / DEFAULT_NAMES[fmt]
    if fmt == "csv":
        return _write_csv(run, target)
    if target.is_dir():
        target = target / DEFAULT_NAMES[fmt]
    if fmt == "xlsx":
        return _write_xlsx(run, target)
    table = _iamc(run, region)
    with staged(target, replace=True) as staging:
        if target.suffix.lower() == ".xlsx":
            workbook = Workbook()
            _fill_sheet(workbook.active, "data", table, list(table.columns))
            workbook.save(staging)
        else:
            table.to_csv(staging, index=False, float_format="%.10g")
    return target


def _iamc(run: Run, region: str) -> pd.DataFrame:
    model_version = (run.meta.get("versions") or {}).get("decarb") or version("decarb")
    year_step = int((run.meta.get("settings") or {}).get("year_step", 1))
    return iamc_frame(run.tables, f"decarb {model_version}", run.scenario, region, year_step)


def run_rows(run: Run) -> pd.DataFrame:
    """Key metadata of the run as (key, value) rows; settings one per row."""
    info, case = run.meta.get("run") or {}, run.meta.get("case") or {}
    rows = {"name": run.name, "case": case.get("name"), "purpose": case.get("purpose"),
            "status": run.status,
            "created": info.get("created"), "input_hash": run.meta.get("input_hash"),
            "decarb": (run.meta.get("versions") or {}).get("decarb"),
            "data": run.meta.get("data")}
    rows.update({f"settings.{k}": v for k, v in (run.meta.get("settings") or {}).items()})
    return pd.DataFrame({"key": list(rows), "value": [
        json.dumps(v) if isinstance(v, (list, dict)) else v for v in rows.values()]},
        dtype=object)


def _write_csv(run: Run, target: Path) -> Path:
    check_writable(target, folder=True)
    _check_csv_target(target, [*TABLES.values(), *WHEN_PRESENT.values(), RUN_SHEET])
    with staged(target, folder=True, replace=True) as staging:
        for table, exported in _exported(run).items():
            shutil.copyfile(run.folder / f"{table}.csv", staging / f"{exported}.csv")
        run_rows(run).to_csv(staging / f"{RUN_SHEET}.csv", index=False)
    return target


def _exported(run: Run) -> dict[str, str]:
    """The run's tables to export: every run has TABLES, and those of WHEN_PRESENT it has."""
    return {**TABLES, **{t: e for t, e in WHEN_PRESENT.items() if t in run.tables}}


def _check_csv_target(target: Path, tables: Iterable[str]) -> None:
    """An earlier export (a folder holding only `tables`' CSV files) may be replaced; any
    other existing file or folder is left alone."""
    names = {f"{t}.csv" for t in tables}
    if target.exists() and not (target.is_dir()
                                and all(p.name in names for p in target.iterdir())):
        raise FileExistsError(errno.EEXIST, "exists and is not an earlier csv export; "
                              "give a new folder", str(target))


def set_tables(s: percentiles.SampleSet) -> dict[str, pd.DataFrame]:
    """An uncertainty set's percentile tables and its samples and tornado, by export name."""
    fan = percentiles.emissions_fan(s).reset_index()
    tables = {"percentiles": percentiles.kpi_percentiles(s),
              "emissions_percentiles": fan.rename(columns={
                  q: f"{q}_counted_mtco2" for q in percentiles.QUANTILES}),
              "investment_percentiles": percentiles.investment_fan(s).reset_index().rename(
                  columns={q: f"{q}_capex_bjpy" for q in percentiles.QUANTILES}),
              "samples": s.samples}
    if not s.tornado.empty:
        tables["tornado"] = s.tornado
    return tables


def export_set(folder: Path, fmt: str, out: Path | None = None,
               region: str = "Japan") -> Path:
    """An uncertainty set as CSV tables (a folder), one workbook, or IAMC rows with one
    scenario per percentile (`<case>|P10`, `<case>|P50`, `<case>|P90`)."""
    s = percentiles.read_set(folder)
    target = Path(out) if out is not None else s.folder / DEFAULT_NAMES[fmt]
    if fmt != "csv" and target.is_dir():
        target = target / DEFAULT_NAMES[fmt]
    if fmt == "iamc":
        table = percentiles.iamc_percentiles(s, f"decarb {version('decarb')}", region)
        with staged(target, replace=True) as staging:
            table.to_csv(staging, index=False, float_format="%.10g")
        return target
    tables = set_tables(s)
    if fmt == "csv":
        _check_csv_target(target, tables)
        with staged(target, folder=True, replace=True) as staging:
            for name, table in tables.items():
                table.to_csv(staging / f"{name}.csv", index=False, float_format="%.10g")
        return target
    return _write_workbook(tables, target)


def _write_xlsx(run: Run, target: Path) -> Path:
    return _write_workbook({**{exported: run.tables[table] for table, exported
                               in _exported(run).items()}, RUN_SHEET: run_rows(run)}, target)


def _write_workbook(tables: Mapping[str, pd.DataFrame], target: Path) -> Path:
    """One sheet per table, in order, headed by each column's quantity [unit]."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, table in tables.items():
        _fill_sheet(workbook.create_sheet(), name, table,
                    [column_header(str(c)) for c in table.columns])
    with staged(target, replace=True) as staging:
        workbook.save(staging)
    return target


def _fill_sheet(sheet: Worksheet, title: str, frame: pd.DataFrame,
                headers: list[str]) -> None:
    """Header row (bold, frozen) over the rows; numbers stay numbers, blanks stay empty."""
    sheet.title = title
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in frame.astype(object).itertuples(index=False):
        sheet.append([None if pd.isna(v) else v for v in row])
    sheet.freeze_panes = "A2"
    for i, (header, column) in enumerate(zip(headers, frame.columns), start=1):
        values = frame[column].dropna()
        longest = (NUMBER_WIDTH if pd.api.types.is_float_dtype(values)
                   else max(map(len, values.astype(str)), default=0))
        width = min(max(len(header), longest) + 2, MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(i)].width = width


