"""The installed package: every library folder is in it, under the name `decarb` only."""
from __future__ import annotations

import tomllib
from pathlib import Path

from click.testing import CliRunner

from decarb.cli import DEFAULT_DATA, main

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
