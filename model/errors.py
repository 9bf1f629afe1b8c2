"""Errors the library raises for a caller (the CLI) to turn into messages and exit codes."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is, what was found, what was expected."""

    file: str
    row: int | None      # 1-based data row (header: row 0); the line in settings.toml;
    #                      None for a whole file
    column: str | None
    value: str
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        found = f"found {self.value!r}; " if self.value != "" else ""
        return f"{where}: {found}expected {self.expected}"


class DecarbError(Exception):
    """Base of the errors the CLI reports without a traceback."""

    exit_code = 1


class InputError(DecarbError):
    """The input data is wrong; carries every problem found, not just the first."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the input:\n"
                         + "\n".join(f"  - {p}" for p in problems))


class OutputError(DecarbError):
    """A result cannot be written where it was asked to go."""

    exit_code = 1

    def __init__(self, path: object, reason: str):
        self.path = path
        super().__init__(f"Cannot write {path}: {reason}")


class SolverError(DecarbError):
    """The solver stopped without an optimal answer (time limit, numerical trouble)."""

    exit_code = 4


@dataclass(frozen=True)
class Shortfall:
    """A cap that cannot be met: by how much the cheapest plan still exceeds it."""

    cap: str          # sector, economy-wide or cumulative
    sector: str
    year: int         # 0 for the cumulative budget
    cap_mtco2: float
    shortfall_mtco2: float

    @property
    def who(self) -> str:
        return self.sector if self.cap == "sector" else "all sectors together"

    def __str__(self) -> str:
        when = "over the horizon" if self.year == 0 else f"in {self.year}"
        return (f"{self.who} cannot meet the {self.cap} cap {when}: cap "
                f"{self.cap_mtco2:,.3f} Mt-CO2, short by {self.shortfall_mtco2:,.3f} Mt-CO2")


class InfeasibleError(DecarbError):
    """The policy case has no solution; names the caps that cannot be met."""

    exit_code = 3

    def __init__(self, shortfalls: list[Shortfall], detail: str = ""):
        self.shortfalls = shortfalls
        lines = [str(s) for s in shortfalls] or [detail]
        super().__init__("The case is infeasible:\n" + "\n".join(f"  - {l}" for l in lines))


def printable(text: str) -> str:
    """`text` safe for a terminal: control and format characters (an escape sequence,
    a right-to-left override, from a file or a name) shown as escapes; lines and tabs kept."""
    return "".join(c if c in "\n\t" or not unicodedata.category(c).startswith("C")
                   else c.encode("unicode_escape").decode("ascii") for c in text)
