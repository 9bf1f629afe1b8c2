"""Seeded fuzzer of damaged run folders: corrupt one file of a stored run at a time and
check that every command reading it says so clearly, and that the store still lists.

    python benchmarks/fuzz_runs.py [--n 300] [--seed 0] [--data data/japan] [--show 3]

It solves the dataset's default case once into a store, beside a second good run, then
per corruption copies the store and damages one file of the first run (a result table
or run.json) in one way that must be rejected. Each corrupted store goes through five
commands, in process: `compare`, `report`, `export --format csv` and `--format iamc` of
the damaged run must exit 2 naming the file (and its row and column where the damage has
them) without a traceback; `runs` must exit 0, mark the damaged run `damaged` and list
the good one. Two more kinds check names rather than files: a run folder whose name holds
glob characters beside runs its glob would match must read as itself, and a run named
like a case must make `compare NAME` an error naming both. A command that exits 0 on a
damaged run counts as `accepted` (a silently wrong answer).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from decarb.cli import main  # noqa: E402
from decarb.inputs.cases import list_cases  # noqa: E402
from decarb.outputs.runfiles import RESULTS  # noqa: E402
from decarb.outputs.runstore import RESULT_TABLES  # noqa: E402

OUTCOMES = ("clear", "accepted", "unnamed", "traceback", "other_exit")
TABLES = ("emissions", "costs", "investments", "production", "energy", "materials")
TOTALS = {"emissions": ("sector", "all"), "costs": ("component", "total")}


@dataclass(frozen=True)
class Damage:
    kind: str
    file: str                      # within the run folder
    row: int | None
    column: str | None
    content: bytes | None          # None: the file is deleted


def rows_of(data: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    return rows[0], rows[1:]


def text(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue().encode()


def table_damages(rng: random.Random, name: str, data: bytes) -> list[Damage]:
    """Every kind of damage of a result table that must be rejected, at random cells."""
    header, rows = rows_of(data)
    schema = RESULTS[name]
    file = f"{name}.csv"
    numbers = [c.name for c in schema.columns if c.dtype == "float" and c.name in header]
    required = [c.name for c in schema.columns if c.required and c.name in header]
    found = [Damage("empty_file", file, None, None, b""),
             Damage("invalid_utf8", file, None, None, data[:len(data) // 2] + b"\xff"
                    + data[len(data) // 2:])]
    if name in RESULT_TABLES:    # runs stored before materials.csv lack it: legal
        found.append(Damage("missing_file", file, None, None, None))
    column = rng.choice(required)
    i = header.index(column)
    found += [Damage("missing_column", file, 0, column,
                     text(header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows])),
              Damage("renamed_column", file, 0, column,
                     text(header[:i] + [column + "_x"] + header[i + 1:], rows)),
              Damage("duplicate_column", file, 0, header[-1],
                     text(header + [header[-1]], [r + [r[-1]] for r in rows]))]
    if not rows:
        return found
    if name in TOTALS:
        found.append(Damage("header_only", file, None, None, text(header, [])))
        key, total = TOTALS[name]
        at = [k for k, r in enumerate(rows) if r[header.index(key)] == total]
        k = rng.choice(at)
        found.append(Damage("missing_total_row", file, None, None,
                            text(header, rows[:k] + rows[k + 1:])))
    r = rng.randrange(len(rows))

    def cell(kind: str, column: str, value: str) -> Damage:
        changed = [list(row) for row in rows]
        changed[r][header.index(column)] = value
        return Damage(kind, file, r + 1, column, text(header, changed))

    found += [cell("text_in_number", rng.choice(numbers), "lots"),
              cell("nan_in_number", rng.choice(numbers), "nan"),
              cell("inf_in_number", rng.choice(numbers), "inf"),
              cell("blank_required_cell", column, "")]
    if "year" in header:
        found.append(cell("fraction_in_year", "year", rows[r][header.index("year")] + ".5"))
    if schema.key:
        found.append(Damage("duplicate_row", file, len(rows) + 1, ", ".join(schema.key),
                            text(header, rows + [rows[r]])))
    found.append(Damage("extra_cells", file, None, None, text(header, rows[:r] + [
        rows[r] + ["1", "2"]] + rows[r + 1:])))
    lines = data.split(b"\n")     # cut inside the first cell of a row: the rest is gone
    found.append(Damage("truncated_file", file, r + 1, None,
                        b"\n".join(lines[:r + 1] + [lines[r + 1][:1]])))
    if name == "emissions":
        years = sorted({row[1] for row in rows})
        sector = rng.choice(sorted({row[0] for row in rows} - {"all"}))
        year = rng.choice(years)
        found.append(Damage("missing_year_of_a_sector", file, None, "year", text(header, [
            row for row in rows if not (row[0] == sector and row[1] == year)])))
    return found


def meta_damages(data: bytes) -> list[Damage]:
    meta = json.loads(data)

    def changed(edit) -> bytes:
        copy = json.loads(data)
        edit(copy)
        return json.dumps(copy).encode()

    return [Damage("json_bad_syntax", "run.json", None, None, data[:len(data) // 2]),
            Damage("json_not_object", "run.json", None, None, b"[1, 2]"),
            Damage("json_invalid_utf8", "run.json", None, None, b"\xff" + data),
            Damage("json_nested", "run.json", None, None, b"[" * 5000 + b"]" * 5000),
            Damage("json_wrong_type", "run.json", None, "settings.year_step",
                   changed(lambda m: m["settings"].update(year_step="one"))),
            Damage("json_wrong_type", "run.json", None, "run.status",
                   changed(lambda m: m["run"].update(status=7))),
            Damage("json_missing_year_step", "run.json", None, "settings.year_step",
                   changed(lambda m: m["settings"].pop("year_step"))),
            Damage("json_year_step_zero", "run.json", None, "settings.year_step",
                   changed(lambda m: m["settings"].update(year_step=0)))] if meta else []


def classify(result, damage: Damage, folder: Path, listing: bool) -> str:
    if result.exception and not isinstance(result.exception, SystemExit):
        return "traceback"
    if "Traceback" in result.output:
        return "traceback"
    if listing:
        lines = {line.split()[0]: line for line in result.output.splitlines()[1:3] if line}
        ok = result.exit_code == 0 and "damaged" in lines.get("a", "") \
            and "optimal" in lines.get("b", "")
        return "clear" if ok else "accepted" if result.exit_code == 0 else "other_exit"
    if result.exit_code == 0:
        return "accepted"
    if result.exit_code != 2:
        return "other_exit"
    named = str(folder / damage.file) in result.output or (
        damage.content is None and str(folder) in result.output)
    if damage.row is not None:
        named &= f"row {damage.row}" in result.output
    if damage.column is not None:
        named &= damage.column in result.output
    return "clear" if named else "unnamed"


def commands(store: Path, data: Path) -> list[tuple[str, list[str]]]:
    run = store / "a"
    return [("compare", ["compare", str(run), "--results", str(store), "--data", str(data)]),
            ("report", ["report", str(run), "--results", str(store), "--data", str(data),
                        "--html", str(store.parent / "r.html")]),
            ("export csv", ["export", str(run), "--format", "csv", "--out",
                            str(store.parent / "csv")]),
            ("export iamc", ["export", str(run), "--format", "iamc", "--out",
                             str(store.parent / "iamc.csv")]),
            ("runs", ["runs", "--results", str(store)])]


def name_checks(runner: CliRunner, pristine: Path, data: Path, work: Path) -> Counter:
    """Glob characters in run names, and a run named like a case."""
    counts: Counter = Counter()
    for i, name in enumerate(("a*", "a?", "[a]")):
        store = work / f"glob{i}"
        shutil.copytree(pristine, store)
        shutil.copytree(store / "a", store / name)
        costs = store / name / "costs.csv"
        costs.write_text(costs.read_text().replace("cost,total,", "cost,total,1", 1))
        result = runner.invoke(main, ["compare", str(store / name), str(store / "b"),
                                      "--out", str(work / "g.csv")])
        expected = float(next(r for r in csv.reader(costs.read_text().splitlines())
                              if r[:2] == ["cost", "total"])[2])
        got = None
        if result.exit_code == 0:
            table = list(csv.DictReader(open(work / "g.csv")))
            got = float(next(r[name] for r in table if r["kpi"] == "private NPV"))
        counts["clear" if got is not None and abs(got - expected) < 1e-6 * abs(expected)
               else "accepted" if result.exit_code == 0 else "other_exit"] += 1
    case = next(iter(list_cases(data)), None)
    if case is None:     # a dataset without cases: no name to share
        return counts
    store = work / "named_like_a_case"
    shutil.copytree(pristine, store)
    shutil.copytree(store / "a", store / case)
    result = runner.invoke(main, ["compare", case, "--results", str(store),
                                  "--data", str(data)])
    counts["clear" if result.exit_code == 2 and "the case" in result.output
           else "accepted" if result.exit_code == 0 else "other_exit"] += 1
    return counts


def fuzz(n: int, seed: int, data: Path, show: int = 0
         ) -> tuple[dict[str, Counter], dict[str, list[str]]]:
    """Outcomes by kind of `n` corruptions x 5 commands and the name checks (and up to
    `show` failures of each kind)."""
    rng = random.Random(seed)
    runner = CliRunner()
    outcomes: dict[str, Counter] = defaultdict(Counter)
    shown: dict[str, list[str]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pristine = work / "pristine"
        for name in ("a", "b"):
            result = runner.invoke(main, ["run", "--data", str(data), "--out",
                                          str(pristine / name)])
            assert result.exit_code == 0, result.output
        files = {f.name: f.read_bytes() for f in (pristine / "a").iterdir()}
        for i in range(n):
            target = rng.choice([t for t in TABLES if f"{t}.csv" in files] + ["run.json"] * 2)
            found = (meta_damages(files["run.json"]) if target == "run.json"
                     else table_damages(rng, target, files[f"{target}.csv"]))
            damage = rng.choice(found)
            store = work / f"s{i}" / "store"
            shutil.copytree(pristine, store)
            path = store / "a" / damage.file
            if damage.content is None:
                path.unlink()
            else:
                path.write_bytes(damage.content)
            for label, command in commands(store, data):
                result = runner.invoke(main, command)
                outcome = classify(result, damage, store / "a", label == "runs")
                outcomes[damage.kind][outcome] += 1
                if outcome != "clear" and len(shown[damage.kind]) < show:
                    shown[damage.kind].append(f"{label} on {damage.file} row {damage.row} "
                                              f"column {damage.column}: exit "
                                              f"{result.exit_code}: {result.output[-300:]!r}")
            shutil.rmtree(work / f"s{i}")
        outcomes["names (glob, run vs case)"] = name_checks(runner, pristine, data, work)
    return outcomes, shown


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="corruptions of files")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "japan")
    parser.add_argument("--show", type=int, default=3, help="failures shown per kind")
    args = parser.parse_args()
    t0 = time.perf_counter()
    outcomes, shown = fuzz(args.n, args.seed, args.data, args.show)
    print(f"{args.n} corruptions x 5 commands (+ 4 name checks) on {args.data}, seed "
          f"{args.seed}, {time.perf_counter() - t0:.0f} s\n")
    print("| kind | checks | " + " | ".join(OUTCOMES) + " |")
    print("| --- | ---: | " + " | ".join("---:" for _ in OUTCOMES) + " |")
    total: Counter = Counter()
    for kind in sorted(outcomes):
        counts = outcomes[kind]
        total.update(counts)
        print(f"| {kind} | {sum(counts.values())} | "
              + " | ".join(str(counts[o]) for o in OUTCOMES) + " |")
    print(f"| **all** | {sum(total.values())} | "
          + " | ".join(str(total[o]) for o in OUTCOMES) + " |")
    for kind, lines in shown.items():
        print(f"\n{kind}:\n  " + "\n  ".join(lines))


if __name__ == "__main__":
    main_()
