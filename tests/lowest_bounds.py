"""The oldest versions that pyproject.toml's lower bounds allow, as pip constraints.

    python -m tests.lowest_bounds > lowest.txt
    pip install -c lowest.txt -e '.[test]' && pytest

Every dependency (the test extra's too) is pinned at its lower bound, so the suite run
in such a venv checks that the bounds are true; what they depend on resolves as usual.
.ci/run does this in a second fresh venv. Standard library only: it runs before any
install.
"""
from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
BOUND = re.compile(r"\s*([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*>=\s*([^,;\s]+)\s*")


def lowest_pins(pyproject: Path = PYPROJECT) -> list[str]:
    """`name==bound` for every dependency; ValueError for one without a `>=` bound."""
    project = tomllib.loads(pyproject.read_text())["project"]
    specs = project["dependencies"] + [spec for extra in project.get(
        "optional-dependencies", {}).values() for spec in extra]
    pins = {}
    for spec in specs:
        match = BOUND.fullmatch(spec)
        if match is None:
            raise ValueError(f"{pyproject}: dependency {spec!r} has no lower bound (>=)")
        pins[match.group(1).lower()] = f"{match.group(1)}=={match.group(3)}"
    return sorted(pins.values())


if __name__ == "__main__":
    sys.stdout.write("\n".join(lowest_pins()) + "\n")
