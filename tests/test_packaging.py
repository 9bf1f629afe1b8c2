"""The installed package: every library folder is in it, under the name `decarb` only."""
from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from click.testing import CliRunner

from decarb.cli import main
from decarb.cli_common import DEFAULT_DATA

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_folder_of_model_is_installed_as_decarb():
    setup = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    folders = {".".join(("decarb",) + p.parent.relative_to(ROOT / "model").parts)
               for p in (ROOT / "model").rglob("__init__.py")}
    assert set(setup["packages"]) == folders | {"decarb.data"}
    assert setup["package-dir"] == {"decarb": "model", "decarb.data": "data"}


def test_the_default_dataset_is_the_shipped_japan_folder():
    assert DEFAULT_DATA == ROOT / "data" / "japan"       # an editable install: the checkout


def test_version_is_printed():
    out = CliRunner().invoke(main, ["--version"])
    assert out.exit_code == 0 and out.output.startswith("decarb, version ")


def test_every_dependency_has_a_lower_bound_that_ci_pins():
    from tests.lowest_bounds import lowest_pins

    pins = lowest_pins()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert len(pins) == len({spec.split(">=")[0].split("[")[0].strip().lower()
                             for spec in project["dependencies"] + [
                                 s for extra in project["optional-dependencies"].values()
                                 for s in extra]})
    assert "pandas==2.2" in pins and "tomli-w==1.0" in pins
    assert "lowest_bounds" in (ROOT / ".ci" / "run").read_text()


def test_a_run_does_not_load_the_charting_library():
    """`decarb run` draws nothing; importing matplotlib (and with it pyomo's hook that
    loads pyplot) cost 0.4 s of a 2.6 s run."""
    code = ("import sys, decarb.cli, decarb.workflow.commands, decarb.workflow.run; "
            "print('matplotlib' in sys.modules)")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "False"
