"""decarb: the command line. It parses and prints; the library does the work.

Exit codes: 0 solved, 1 a file that cannot be written, 2 bad input, 3 infeasible
(with the caps that cannot be met), 4 solver failure or time limit without a
solution.
"""
from __future__ import annotations

import functools
import sys
import time
from pathlib import Path

import click

from model.errors import DecarbError

ROOT = Path(__file__).resolve().parent
DEFAULT_DATA = ROOT / "data" / "japan"
DEFAULT_RESULTS = ROOT / "results"

data_option = click.option("--data", "data_dir", type=click.Path(path_type=Path),
                           default=DEFAULT_DATA, show_default="data/japan",
                           help="Dataset folder (CSV tables + settings.toml).")


def reports_errors(command):
    """Turn the library's known errors into a message and its exit code."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DecarbError as error:
            click.secho(str(error), fg="red", err=True)
            sys.exit(error.exit_code)
        except OSError as error:      # e.g. a run folder that cannot be written
            click.secho(f"{error.strerror or error}: {error.filename or ''}", fg="red",
                        err=True)
            sys.exit(1)
    return wrapper


@click.group()
def main() -> None:
    """Plan industrial decarbonisation investment under caps, carbon prices,
    subsidies and tax incentives."""


@main.command()
@data_option
@reports_errors
def validate(data_dir: Path) -> None:
    """Check a dataset without solving it."""
    from model.loading import read_dataset

    ds = read_dataset(data_dir)
    for warning in ds.warnings:
        click.secho(f"warning: {warning}", fg="yellow")
    click.echo(f"{data_dir}: valid ({len(ds.technologies)} technologies, "
               f"{len(ds.sectors)} sectors, years {ds.years[0]}-{ds.years[-1]})")


@main.command()
@data_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Run folder to write (default: results/<dataset>-<time>).")
@reports_errors
def run(data_dir: Path, out_dir: Path | None) -> None:
    """Solve a dataset and write its run folder."""
    from model.loading import read_dataset
    from model.report import format_summary, sector_summary
    from model.run import run_case
    from model.runstore import default_run_dir, write_run

    t0 = time.perf_counter()
    ds = read_dataset(data_dir)
    load_s = time.perf_counter() - t0
    for warning in ds.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    result = run_case(ds)
    result.meta["data"] = str(data_dir.resolve())
    result.meta["times_s"] = {"load_and_validate": round(load_s, 4), **result.meta["times_s"]}
    folder = write_run(out_dir or default_run_dir(DEFAULT_RESULTS, data_dir),
                       result.tables, result.meta)
    click.echo(format_summary(sector_summary(result.tables, ds.years)))
    solver = result.meta["solver"]
    costs = result.tables["costs"].set_index(["kind", "component"])
    note = " (MIP; MACs from the LP with integer decisions fixed)" if solver["mip"] else ""
    click.echo(f"\nSolved: {solver['status']}{note}. Present-value cost "
               f"{costs.loc[('cost', 'total'), 'private_npv_bjpy']:,.0f} BJPY (private), "
               f"public cost {costs.loc[('public', 'total'), 'public_cost_bjpy']:,.0f} BJPY."
               f"\nRun folder: {folder}")

if __name__ == "__main__":
    main()
