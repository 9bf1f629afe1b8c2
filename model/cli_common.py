"""What the commands of decarb share: the dataset and run-store options, printing made
safe for a terminal, and the known errors turned into exit codes (cli.py)."""
from __future__ import annotations

import functools
import shlex
import sys
from pathlib import Path

import click

from decarb import shipped_dataset
from decarb.errors import DecarbError, printable

DEFAULT_DATA = shipped_dataset("japan")
DEFAULT_RESULTS = Path("results")          # under the folder the command runs in

data_option = click.option("--data", "data_dir", type=click.Path(path_type=Path),
                           default=DEFAULT_DATA, show_default="data/japan",
                           help="Dataset folder (CSV tables + settings.toml).")


def echo(text: object = "", **kwargs) -> None:
    """click.echo of text made safe for a terminal (text from data files and names)."""
    click.echo(printable(str(text)), **kwargs)


def secho(text: object = "", **kwargs) -> None:
    click.secho(printable(str(text)), **kwargs)


def command_line() -> str:
    """The command as typed, for run.json."""
    return shlex.join(["decarb", *sys.argv[1:]])


def recover(store: Path) -> None:
    """Put right what a killed writer left in the run store (see `atomic.recover`)."""
    from decarb.outputs.atomic import recover as put_right

    for folder in put_right(store):
        secho(f"put back {folder}: a replacement of it was killed half-way", err=True)


def reports_errors(command):
    """Turn the library's known errors into a message and its exit code."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DecarbError as error:
            secho(str(error), fg="red", err=True)
            sys.exit(error.exit_code)
        except OSError as error:      # e.g. a run folder that cannot be written
            secho(f"{error.strerror or error}: {error.filename or ''}", fg="red",
                        err=True)
            sys.exit(1)
    return wrapper


results_option = click.option("--results", "results_dir", type=click.Path(path_type=Path),
                              default=DEFAULT_RESULTS, show_default="results",
                              help="Run store: the folder holding run folders.")
