"""The page's levers, and a lever state as the case edits `decarb run --case` applies.

Each lever is a sweep lever of `decarb.workflow.levers` (or a run setting), so a
state becomes the same edits a sweep point or a case file would make. Levers
left at their default make no edit; the page always solves the LP relaxation
(`integer_units = false`), and that setting is part of every state's case, so a
saved case reproduces the page's solution exactly.
"""
from __future__ import annotations

import math
import re
import sysconfig
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from decarb.errors import InputError, Problem
from decarb.inputs.cases import CASES_FOLDER, Case, case_toml, derive
from decarb.inputs.dataset import Dataset
from decarb.inputs.settings import SETTING_FIELDS
from decarb.inputs.validation import show
from decarb.outputs.atomic import staged
from decarb.workflow import levers
from decarb.workflow.levers import Fragment

SERVE_SETTINGS = {"integer_units": False}   # a re-solve in place in well under a second
LABEL = "decarb serve"                      # names the page's edits in errors and run.json
SCALE, FLAT = "scale", "flat"               # carbon price modes
AS_IN_CASE, NEVER = "as in the case", "never"
CCUS_STEP_YR = 5
CASE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


@dataclass(frozen=True)
class Lever:
    """One control of the page: a sweep lever name, or a page-only choice (mode)."""

    name: str
    label: str
    group: str
    default: Any
    unit: str = ""
    min: float | None = None
    max: float | None = None
    step: float | None = None
    choices: tuple = ()
    nullable: bool = False     # blank means "as in the case" (an unlimited budget)
    whole: bool = False        # a year: whole numbers only

    def check(self, value: Any) -> Problem | None:
        """A problem naming the lever, the value and what was expected, or None."""
        if self.choices:
            if value not in self.choices:
                return _problem(self.name, value, "one of " + ", ".join(map(str, self.choices)))
            return None
        if value is None and self.nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value):
            return _problem(self.name, value, "a number" + (" (or blank)" if self.nullable
                                                            else ""))
        if not self.min <= value <= self.max or self.whole and value != int(value):
            return _problem(self.name, value, f"{'a whole' if self.whole else 'a'} number "
                            f"from {self.min:g} to {self.max:g}"
                            + (f" {self.unit}" if self.unit else ""))
        return None


def _problem(name: str, value: Any, expected: str) -> Problem:
    return Problem("lever", None, name, show(value), expected)


def page_levers(ds: Dataset) -> list[Lever]:
    """The levers of the page for a base dataset, with the base's values as defaults."""
    s = ds.settings
    prices = ds.carbon_price["price_jpy_per_tco2"]
    flat_default = float(round(prices.mean(), -2)) if len(prices) else 0.0
    found = [
        Lever("carbon_price_mode", "carbon price", "carbon price", SCALE,
              choices=(SCALE, FLAT)),
        Lever("carbon_price_scale", "price path", "carbon price", 1.0, "x base path",
              0.0, 5.0, 0.05),
        Lever("carbon_price", "flat price", "carbon price", flat_default, "JPY/t-CO2",
              0.0, 50000.0, 250.0),
    ]
    if len(ds.caps):
        found.append(Lever("cap_scale", "every CO2 cap", "caps", 1.0, "x base caps",
                           0.0, 3.0, 0.05))
    rounds = set(ds.subsidy_budgets["programme"])
    for row in ds.subsidies.drop_duplicates("programme").itertuples():
        budget = row.budget_bjpy_per_yr
        unlimited = budget != budget      # NaN: no budget limit
        group = f"subsidy {row.programme}"
        found.append(Lever(f"subsidy_rate:{row.programme}", "rate", group, float(row.rate),
                           "of capex", 0.0, 1.0, 0.01))
        if unlimited and row.programme in rounds:   # a round: its tranches, scaled
            found.append(Lever(f"budget_scale:{row.programme}", "budget", group, 1.0,
                               "x tranches", 0.0, 5.0, 0.05))
        else:
            found.append(Lever(f"budget:{row.programme}", "budget", group,
                               None if unlimited else float(budget), "BJPY/yr", 0.0,
                               max(1000.0, 4 * (0 if unlimited else budget)), 5.0,
                               nullable=True))
    schemes = ds.tax_schemes["scheme"].tolist()
    found.append(Lever("tax_scheme", "scheme", "tax incentive", s.tax_scheme,
                       choices=("none", *schemes)))
    if schemes:
        last = scheme_last_years(ds)    # a scheme may end before the horizon (seed2021)
        found.append(Lever("incentive_last_year", "last investment year", "tax incentive",
                           last.get(s.tax_scheme, s.end_year), "year",
                           min(s.start_year, *last.values()), s.end_year, 1, whole=True))
    if not ds.ets_prices.empty:
        found += [Lever("ets_pricing", "pricing", "GX-ETS", s.ets_pricing,
                        choices=SETTING_FIELDS["ets_pricing"].metadata["choices"]),
                  Lever("ets_band_scale", "price band", "GX-ETS", 1.0, "x floor and ceiling",
                        0.0, 5.0, 0.05)]
    if s.charge_fuel_levies:
        found += [Lever(f"levy_scale:{levy}", "rate", f"levy {levy}", 1.0, "x rate path",
                        0.0, 5.0, 0.05) for levy in sorted(set(ds.fuel_levies["levy"]))]
    if ds.technologies["pathway"].eq("ccus").any():
        years = range(s.start_year + CCUS_STEP_YR - s.start_year % CCUS_STEP_YR, s.end_year + 1,
                      CCUS_STEP_YR)
        found.append(Lever("ccus_first_year", "CCUS from", "CCUS", AS_IN_CASE,
                           choices=(AS_IN_CASE, *map(str, years), NEVER)))
    return found


def scheme_last_years(ds: Dataset) -> dict[str, int]:
    """Each tax scheme's last investment year in the base: the incentive lever's
    default, which the page takes up when the scheme changes."""
    return {str(k): int(v) for k, v in
            ds.tax_schemes.set_index("scheme")["last_year"].items()}


def describe(ds: Dataset, defs: list[Lever]) -> dict:
    """The levers `defs` (the page's, of `ds`) as the page draws them."""
    return {"levers": [asdict(lever) for lever in defs],
            "scheme_last_years": scheme_last_years(ds)}


def check_state(defs: list[Lever], state: Any) -> dict[str, Any]:
    """Every lever's value (defaults for those not given); InputError naming each bad one."""
    if not isinstance(state, dict):
        raise InputError([Problem("lever", None, None, show(state),
                                  "an object of lever name: value")])
    by_name = {lever.name: lever for lever in defs}
    problems = [_problem(name, state[name], "a lever of this page: " + ", ".join(by_name))
                for name in state if name not in by_name]
    values = {name: state.get(name, lever.default) for name, lever in by_name.items()}
    problems += [p for name, lever in by_name.items()
                 if (p := lever.check(values[name])) is not None]
    if problems:
        raise InputError(problems)
    return values


def state_fragment(defs: list[Lever], values: dict[str, Any], ds: Dataset) -> Fragment:
    """The case edits of a checked lever state on the base dataset `ds`: the page's
    settings, and the sweep levers' edits of every lever moved off its default."""
    default = {lever.name: lever.default for lever in defs}
    moved: list[tuple[str, Any]] = []
    for name, value in values.items():
        if name in ("carbon_price_mode", "incentive_last_year", "ccus_first_year"):
            continue
        if name == "carbon_price":
            if values["carbon_price_mode"] == FLAT:
                moved.append((name, float(value)))
        elif name == "carbon_price_scale":
            if values["carbon_price_mode"] == SCALE and value != default[name]:
                moved.append((name, float(value)))
        elif value != default[name] and value is not None:
            moved.append((name, value if isinstance(value, str) else float(value)))
    scheme = values["tax_scheme"]
    if "incentive_last_year" in values and scheme != "none" \
            and values["incentive_last_year"] != scheme_last_years(ds)[scheme]:
        moved.append((f"incentive_last_year:{scheme}", int(values["incentive_last_year"])))
    ccus = values.get("ccus_first_year", AS_IN_CASE)
    if ccus != AS_IN_CASE:
        moved.append(("ccus_first_year", ds.settings.end_year + 1 if ccus == NEVER
                      else int(ccus)))
    return merge([{"settings": dict(SERVE_SETTINGS)},
                  *(levers.fragment(name, value, ds) for name, value in moved)])


def merge(fragments: list[Fragment]) -> Fragment:
    """One fragment doing what the fragments do one after the other (the page's levers
    edit different columns, so each table's drops, sets and scales keep their order)."""
    merged: Fragment = {"settings": {}, "tables": {}, "availability": []}
    for fragment in fragments:
        merged["settings"].update(fragment.get("settings", {}))
        merged["availability"] += fragment.get("availability", [])
        for table, ops in fragment.get("tables", {}).items():
            into = merged["tables"].setdefault(table, {})
            for op, value in ops.items():
                if op == "scale" and isinstance(value, dict):
                    into.setdefault(op, {}).update(value)
                elif value == "all":
                    into[op] = value
                else:
                    into[op] = into.get(op, []) + value
    return {key: value for key, value in merged.items() if value}


def state_case(base: Case, fragment: Fragment) -> Case:
    return derive(base, LABEL, fragment)


# ---- saving a state as a case file ----------------------------------------------------

def check_name(action: str, named: str, name: Any) -> None:
    """InputError unless `name` can name the `named` thing (a run, a case) as a file or
    folder; the problem is located at the page's `action`."""
    if not isinstance(name, str) or not CASE_NAME.fullmatch(name):
        raise InputError([Problem(action, None, "name", show(name),
                                  f"a {named} name: letters, digits, _ or -, up to 64")])


def save_case(base: Case, fragment: Fragment, name: Any, purpose: str) -> Path:
    """Write the state as `<dataset>/cases/<name>.toml`, inheriting from the base case;
    InputError for a bad name or one that is taken (shipped cases are never replaced)."""
    check_name("save as case", "case", name)
    installed = next((Path(p) for p in {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
                      if Path(base.dataset).resolve().is_relative_to(Path(p).resolve())), None)
    if installed is not None:   # pip replaces it on upgrade; it may not be writable
        raise InputError([Problem("save as case", None, "dataset", str(base.dataset),
                                  f"a dataset of your own, not the one installed under "
                                  f"{installed}: copy it (cp -r {base.dataset} mydata) and "
                                  "serve that (decarb serve --data mydata) to save cases "
                                  "beside it")])
    path = Path(base.dataset) / CASES_FOLDER / f"{name}.toml"
    if path.exists():
        raise InputError([Problem(str(path), None, "name", name,
                                  "a new case name (this case file exists)")])
    with staged(path) as staging:
        staging.write_text(_saved_case_text(base, fragment, purpose, path.parent),
                           encoding="utf-8")
    return path


def _saved_case_text(base: Case, fragment: Fragment, purpose: str, folder: Path) -> str:
    """The state's case file: inheriting the base case by name when it lies in `folder`."""
    leaf = Path(base.files[-1]) if base.files else None
    inherits = None if leaf is None else leaf.stem if leaf.parent == folder else str(leaf)
    return case_toml(" ".join(purpose.split()) or "Saved from decarb serve", inherits,
                     fragment, "Saved by decarb serve; like the page, it solves the LP "
                     "relaxation.")
