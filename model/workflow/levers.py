"""Sweep levers: a name and values on the command line, case edits underneath.

Each lever value becomes the edits a case file would make, so a sweep point
is an ordinary case (stored resolved with its run) and is validated like one.

    carbon_price=0:20000:5        flat price in every year (JPY/t-CO2), 5 values
    carbon_price_scale=0.5,1,2    the base price path times a factor
    cap_scale=0.9,1               every CO2 cap times a factor
    budget_scale=1,2              every subsidy budget times a factor: annual budgets
                                  and the rounds' treasury-year tranches
                                  (budget_scale:PROGRAMME for one programme's)
    subsidy_rate=0.33,0.5         the rate of every subsidy programme
    subsidy_rate:gx_steel=0.5     the rate of one programme
    budget:gx_steel=100,400       one programme's annual budget (BJPY/yr)
    incentive_last_year=2030      last investment year of the tax scheme in force
                                  (incentive_last_year:SCHEME for another scheme)
    ccus_first_year=2035          no CCUS built before this year (after end_year: never)
    ets_band_scale=0.5,1,2        the GX-ETS price band (floor and ceiling) times a factor
    levy_scale=0,1,2              every fuel levy's rate path times a factor
                                  (levy_scale:LEVY for one levy of fuel_levies.csv)
    discount_rate_private=0.05    any run setting (settings.toml key)
"""
from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from decarb.inputs.dataset import Dataset
from decarb.errors import InputError, Problem
from decarb.inputs.settings import SETTING_FIELDS

Fragment = dict[str, Any]   # settings and table edits, as in a case file


def _carbon_price(value: float, ds: Dataset, _: str) -> Fragment:
    years = (ds.settings.start_year, ds.settings.end_year)
    return {"tables": {"carbon_price": {"drop": "all", "set": [
        {"year": y, "price_jpy_per_tco2": value, "source": "sweep lever carbon_price"}
        for y in sorted(set(years))]}}}


def _scale(table: str, column: str) -> Callable[[float, Dataset, str], Fragment]:
    return lambda value, ds, _: {"tables": {table: {"scale": {column: value}}}}


def _programme_rows(column: str) -> Callable[[float, Dataset, str], Fragment]:
    def fragment(value: float, ds: Dataset, programme: str) -> Fragment:
        known = ds.subsidies["programme"].tolist()
        if programme and programme not in known:
            raise _bad(f"{column}:{programme}", "name",
                       "a programme of subsidies.csv: " + ", ".join(known))
        programmes = [programme] if programme else known
        return {"tables": {"subsidies": {"set": [{"programme": p, column: value}
                                                 for p in programmes]}}}
    return fragment


def _annual_budgets(ds: Dataset) -> set[str]:
    """Programmes with an annual budget (the others are unlimited or paid from tranches)."""
    return set(ds.subsidies.dropna(subset=["budget_bjpy_per_yr"])["programme"])


def _budget_scale(value: float, ds: Dataset, programme: str) -> Fragment:
    annual = _annual_budgets(ds)
    released = set(ds.subsidy_budgets["programme"])
    if programme and programme not in annual | released:
        raise _bad(f"budget_scale:{programme}", "name",
                   "a programme with a budget (an annual one in subsidies.csv or tranches "
                   "in subsidy_budgets.csv): " + (", ".join(sorted(annual | released))
                                                  or "none has one"))
    edits = {}
    for table, column, has in (("subsidies", "budget_bjpy_per_yr", annual),
                               ("subsidy_budgets", "budget_bjpy", released)):
        if not programme and has:
            edits[table] = {"scale": {column: value}}
        elif programme in has:
            edits[table] = {"scale": [{"programme": programme, column: value}]}
    return {"tables": edits}


def _budget(value: float, ds: Dataset, programme: str) -> Fragment:
    annual = _annual_budgets(ds)
    if programme in set(ds.subsidy_budgets["programme"]) - annual:
        raise _bad(f"budget:{programme}", "name",
                   "a programme with an annual budget; this one is paid from treasury-year "
                   f"tranches (subsidy_budgets.csv): scale them with budget_scale:{programme}")
    return _programme_rows("budget_bjpy_per_yr")(value, ds, programme)


def _incentive_last_year(value: float, ds: Dataset, scheme: str) -> Fragment:
    scheme = scheme or ds.settings.tax_scheme
    known = ds.tax_schemes["scheme"].tolist()
    if scheme not in known:
        raise _bad(f"incentive_last_year:{scheme}", "name",
                   "a scheme of tax_schemes.csv: " + ", ".join(known))
    return {"tables": {"tax_schemes": {"set": [{"scheme": scheme, "last_year": int(value)}]}}}


def _ccus_first_year(value: float, ds: Dataset, _: str) -> Fragment:
    # an availability entry without first_year keeps the pathway out of the horizon
    never = value > ds.settings.end_year
    return {"availability": [{"pathway": "ccus"} if never else
                             {"pathway": "ccus", "first_year": int(value)}]}


def _ets_band_scale(value: float, ds: Dataset, _: str) -> Fragment:
    return {"tables": {"ets_prices": {"scale": {"floor_jpy_per_tco2": value,
                                                "ceiling_jpy_per_tco2": value}}}}


def _levy_scale(value: float, ds: Dataset, levy: str) -> Fragment:
    known = sorted(set(ds.fuel_levies["levy"]))
    if levy and levy not in known:
        raise _bad(f"levy_scale:{levy}", "name",
                   "a levy of fuel_levies.csv: " + (", ".join(known) or "it has none"))
    if not levy:
        return {"tables": {"fuel_levies": {"scale": {"rate_jpy_per_tco2": value}}}}
    return {"tables": {"fuel_levies": {"scale": [{"levy": levy, "rate_jpy_per_tco2": value}]}}}


LEVERS: dict[str, Callable[[float, Dataset, str], Fragment]] = {
    "carbon_price": _carbon_price,
    "carbon_price_scale": _scale("carbon_price", "price_jpy_per_tco2"),
    "cap_scale": _scale("caps", "cap_mtco2"),
    "budget_scale": _budget_scale,
    "subsidy_rate": _programme_rows("rate"),
    "budget": _budget,
    "incentive_last_year": _incentive_last_year,
    "ccus_first_year": _ccus_first_year,
    "ets_band_scale": _ets_band_scale,
    "levy_scale": _levy_scale,
}


def parse_lever(text: str) -> tuple[str, list[Any]]:
    """'name=v1,v2,...' or 'name=start:stop:count' (count values, both ends included)."""
    name, _, values = text.partition("=")
    name = name.strip()
    base, _, programme = name.partition(":")
    if base not in LEVERS and name not in SETTING_FIELDS or (base == "budget" and not programme):
        raise _bad(text, "name", "a lever (" + ", ".join(LEVERS) + ", budget:PROGRAMME) "
                   "or a run setting")
    kind = SETTING_FIELDS[name].type if name in SETTING_FIELDS else "float"
    if not values.strip():
        raise _bad(text, "values", "values after '=': v1,v2,... or start:stop:count")
    parts = values.split(":")
    if len(parts) == 3 and "str" not in kind:
        try:
            start, stop, count = float(parts[0]), float(parts[1]), int(parts[2])
        except ValueError:
            raise _bad(text, "values", "start:stop:count with numbers") from None
        if count < 1:
            raise _bad(text, "values", "a count of at least 1")
        return name, [_typed(kind, f"{v:.12g}", text) for v in np.linspace(start, stop, count)]
    return name, [_typed(kind, v.strip(), text) for v in values.split(",")]


def _typed(kind: str, value: str, text: str) -> Any:
    try:
        if kind.startswith("bool"):
            if value not in ("true", "false"):
                raise ValueError
            return value == "true"
        if kind.startswith("int"):
            return int(value)
        if kind.startswith("float"):
            return float(value)
        return value
    except ValueError:
        raise _bad(text, "values", f"values of type {kind.split('|')[0].strip()}") from None


def _bad(text: str, part: str, expected: str) -> InputError:
    return InputError([Problem("--lever", None, part, text, expected)])


def grid(levers: list[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
    """Every combination of the levers' values, the first lever varying slowest."""
    names = [name for name, _ in levers]
    return [dict(zip(names, combo)) for combo in itertools.product(*[v for _, v in levers])]


def fragment(name: str, value: Any, ds: Dataset) -> Fragment:
    """The case edits that set lever `name` to `value` on dataset `ds`."""
    if name in SETTING_FIELDS:
        return {"settings": {name: value}}
    base, _, programme = name.partition(":")
    return LEVERS[base](value, ds, programme)


def label(point: dict[str, Any]) -> str:
    def text(v: Any) -> str:
        return str(v).lower() if isinstance(v, bool) else f"{v:g}" if isinstance(v, float) \
            else str(v)
    return ",".join(f"{k}={text(v)}" for k, v in point.items())
