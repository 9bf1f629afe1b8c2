"""Scenarios of a two-stage plan: a case's `[[scenario]]` tables, or draws of its ranges.

A scenario is a set of case edits with a probability, written in a case file (or
a scenarios file given with `--scenarios`) as

    [[scenario]]
    name = "dear_hydrogen"                 # short id: names its run folder
    probability = 0.3                      # the probabilities sum to 1
    [scenario.settings]                    # optional: any key of settings.toml
    [scenario.tables.commodity_prices]     # optional: edits of a table, as in a case
    scale = [{ commodity = "hydrogen", price_jpy_per_unit = 1.5 }]

Or, with `--samples N`, N equally likely scenarios drawn from the case's
`[[uncertain]]` ranges by the seeded Latin hypercube of `decarb uncertainty`
(`ranges.draw`), each the list-form `scale` edits of its multipliers.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from decarb.errors import InputError, Problem
from decarb.inputs.cases import Case, derive, expected_name
from decarb.inputs.decoding import parse_toml
from decarb.inputs.loading import Reader
from decarb.inputs.validation import show
from decarb.workflow import ranges

SCENARIO_KEYS = ("name", "probability", "settings", "tables", "availability")
PROBABILITY_TOLERANCE = 1e-6


@dataclass(frozen=True)
class ScenarioCase:
    name: str
    probability: float
    case: Case


def from_tables(base: Case, path: Path) -> list[ScenarioCase]:
    """The `[[scenario]]` entries of a TOML file as cases on top of `base`."""
    file = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InputError([Problem(file, None, None, str(error.strerror),
                                  "a readable TOML file")])
    parsed, problems = parse_toml(file, data)
    if problems:
        raise InputError(problems)
    raw = parsed.get("scenario")
    if not isinstance(raw, list) or not raw:
        raise InputError([Problem(file, None, "scenario", show(raw) if raw else "",
                                  "[[scenario]] entries, each a name, a probability and "
                                  "case edits (docs/cases.md)")])
    found: list[ScenarioCase] = []
    for i, entry in enumerate(raw):
        key = f"scenario[{i}]"
        if not isinstance(entry, dict):
            problems.append(Problem(file, None, key, show(entry), "a table"))
            continue
        problems += [Problem(file, None, f"{key}.{k}", "", expected_name(
            "a key of a scenario", k, SCENARIO_KEYS)) for k in entry if k not in SCENARIO_KEYS]
        name, probability = entry.get("name"), entry.get("probability")
        if not isinstance(name, str) or not ranges.NAME.fullmatch(name):
            problems.append(Problem(file, None, f"{key}.name", show(name),
                                    "an id of lower-case letters, digits and _"))
        if isinstance(probability, bool) or not isinstance(probability, (int, float)) \
                or not 0 < probability <= 1:
            problems.append(Problem(file, None, f"{key}.probability", show(probability),
                                    "a number in (0, 1]"))
        if problems:
            continue
        fragment = {k: v for k, v in entry.items() if k in ("settings", "tables",
                                                             "availability")}
        try:
            case = derive(base, f"{file} ({key}: {name})", fragment)
        except InputError as error:
            problems += error.problems
            continue
        found.append(ScenarioCase(name, float(probability), case))
    names = [s.name for s in found]
    problems += [Problem(file, None, "scenario", n, "a name used by one scenario only")
                 for n in sorted({n for n in names if names.count(n) > 1})]
    total = sum(s.probability for s in found)
    if not problems and abs(total - 1) > PROBABILITY_TOLERANCE:
        problems.append(Problem(file, None, "scenario.probability", f"{total:g}",
                                "probabilities that sum to 1"))
    if problems:
        raise InputError(problems)
    return found


def sampled(base: Case, case_file: Path, samples: int, seed: int,
            reader: Reader) -> list[ScenarioCase]:
    """`samples` equally likely scenarios drawn from the case file's `[[uncertain]]`."""
    if samples < 1:
        raise InputError([Problem("--samples", None, None, str(samples), "at least 1")])
    entries = ranges.read_ranges(case_file)
    ds = reader.read(base.dataset, base)
    entries = ranges.with_dataset(str(case_file), entries, ds)
    matches = ranges.resolve(str(case_file), entries, ds,
                             reader.case_tables(base.dataset, base, ds.settings.end_year))
    drawn = ranges.draw(entries, samples, seed)
    return [ScenarioCase(f"sample{number:03d}", 1.0 / samples,
                         derive(base, f"{case_file} (sample {number}, seed {seed})",
                                ranges.fragment(entries, matches, row.to_dict())))
            for number, row in drawn.iterrows()]

