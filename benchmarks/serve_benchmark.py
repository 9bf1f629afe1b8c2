"""Time `decarb serve` on the default Japan case: lever to answer, and lever to redrawn charts.

    python benchmarks/serve_benchmark.py                 # 3 moves per lever
    python benchmarks/serve_benchmark.py --moves 5 --no-browser

Starts `decarb serve --no-browser` on a free port and moves each kind of lever back
and forth between two values, the other levers at the case's values. "Server" is the
solve the server reports (read and validate the state's dataset, change the kept model
in place or rebuild it, HiGHS, result tables, chart JSON); "HTTP" is the round trip of
POST /api/solve from this script. "Browser" moves the same lever on the page in
headless Chromium and reads the page's own lever-change-to-redrawn-charts time
and how much of it is drawing the charts and tables (needs chromium and
websocket-client, the test extra). The first move of each lever
also puts the previous lever back, so it is left out; figures are medians (seconds).
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.cdp import Browser, api, chromium_path, serving, set_lever  # noqa: E402

# lever -> two values to move between (the page's own lever names and value forms)
MOVES = {
    "carbon_price_scale": (1.5, 0.8),
    "carbon_price": (5000, 8000),          # with carbon_price_mode = flat
    "cap_scale": (1.05, 1.02),
    "budget:gx_steel": (300, 400),
    "subsidy_rate:gx_steel": (0.4, 0.5),
    "tax_scheme": ("seed2021", "fy2024"),
    "incentive_last_year": (2030, 2032),
    "ccus_first_year": ("2035", "as in the case"),
}


def state(lever: str, value) -> dict:
    extra = {"carbon_price_mode": "flat"} if lever == "carbon_price" else {}
    return {**extra, lever: value}


def post(url: str, body: dict) -> dict:
    status, answer = api(url, "/api/solve", body)
    assert status == 200, answer
    return answer


def over_http(url: str, moves: int) -> dict[str, tuple[str, float, float]]:
    """lever -> (how the model was changed, server s, round trip s), medians."""
    figures = {}
    for lever, values in MOVES.items():
        server, trip, models = [], [], set()
        for i in range(moves + 1):
            t0 = time.perf_counter()
            answer = post(url, {"levers": state(lever, values[i % 2])})
            if i:
                trip.append(time.perf_counter() - t0)
                server.append(answer["solve"]["seconds"])
                models.add(answer["solve"]["model"])
        figures[lever] = (", ".join(sorted(models)), statistics.median(server),
                          statistics.median(trip))
    return figures


def in_browser(url: str, moves: int, profile: Path) -> dict[str, tuple[float, float]]:
    """lever -> medians of the page's lever-change-to-redrawn-charts time and of the
    drawing alone (charts and tables from the answer's JSON)."""
    figures = {}
    with Browser(chromium_path(), profile, timeout_s=600) as browser:
        browser.open(url)
        browser.wait_for("document.body && document.body.dataset.solves === '1'", 600)

        def move(lever: str, value) -> tuple[float, float]:
            counts = "document.body.dataset.solves + ' ' + document.body.dataset.errors"
            before = browser.evaluate(counts)
            browser.evaluate(set_lever(lever, value))
            browser.wait_for(f"{counts} !== {json.dumps(before)}", 600)
            if browser.evaluate(counts).split()[1] != before.split()[1]:
                raise RuntimeError(f"{lever} = {value}: " + browser.evaluate(
                    "document.getElementById('error').textContent"))
            return (float(browser.evaluate("document.body.dataset.redrawMs")) / 1000,
                    float(browser.evaluate("document.body.dataset.drawMs")) / 1000)

        defaults = {lever: browser.evaluate(f"document.getElementById('lever-{lever}').value")
                    for lever in [*MOVES, "carbon_price_mode"]}
        for lever, values in MOVES.items():
            if lever == "carbon_price":
                move("carbon_price_mode", "flat")
            times = [move(lever, values[i % 2]) for i in range(moves + 1)][1:]
            figures[lever] = (statistics.median(t for t, _ in times),
                              statistics.median(d for _, d in times))
            move(lever, defaults[lever])
            if lever == "carbon_price":
                move("carbon_price_mode", defaults["carbon_price_mode"])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        with serving(ROOT, "--results", str(Path(tmp) / "results"), timeout_s=600) as url:
            print(f"server up in {time.perf_counter() - t0:.1f} s (imports, the reference "
                  "case, the widest state's build and the first solve)")
            http = over_http(url, args.moves)
            print("over HTTP:", {k: round(v[1], 2) for k, v in http.items()}, flush=True)
            browser = ({} if args.no_browser or chromium_path() is None
                       else in_browser(url, args.moves, Path(tmp) / "profile"))
    print(f"\nmedians of {args.moves} moves per lever, seconds")
    print("| lever | model | server | HTTP round trip | browser: lever to redrawn charts "
          "| of which drawing |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for lever, (model, server, trip) in http.items():
        drawn, drawing = (f"{v:.2f}" for v in browser.get(lever, (math.nan, math.nan)))
        print(f"| {lever} | {model} | {server:.2f} | {trip:.2f} | {drawn} | {drawing} |")


if __name__ == "__main__":
    main()
