"""Seeded fuzzer of requests to `decarb serve`: send malformed and hostile requests and
check that each is refused with a 4xx and a message, that nothing is written, and that
the server still answers.

    python benchmarks/fuzz_serve.py [--n 1000] [--seed 0] [--data DIR] [--show 3]

It serves a dataset (default: the tiny test dataset, so that a request that slips
through solves in milliseconds) from a thread, and sends each request with exactly the
headers it is given (http.client). A request is `clear` when it gets a 4xx whose body is
a JSON object with a non-empty `error`; `accepted` when it gets a 2xx; `server_error`
for a 5xx; `no_answer` when the connection breaks or times out. After every request the
server must answer /api/state, and the case and run folders must be as they were
(`written` counts a request after which they are not).
"""
from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from decarb.inputs.cases import dataset_case  # noqa: E402
from decarb.serve.app import MAX_BODY_BYTES, Page, _Handler, server  # noqa: E402
from tests.test_serve import tiny_data  # noqa: E402

OUTCOMES = ("clear", "accepted", "server_error", "no_answer", "written", "down")
HOSTS = ["evil.example", "evil.example:{port}", "127.0.0.1", "127.0.0.1:1", "localhost",
         "127.0.0.1.evil.example:{port}", "[::1]:{port}", "", "LOCALHOST:{port} x"]
TYPES = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
         "application/jsonp", "", "text/json", "application/xml"]
ORIGINS = ["http://evil.example", "null", "http://127.0.0.1", "https://127.0.0.1:{port}",
           "http://localhost:{port}.evil.example", "file://"]
NAMES = ["..", ".", "/etc/x", "../../x", "a/b", "", " ", "x" * 300, "nul\x00", "ta\tb",
         "\u202etxt", 7, ["a"], {"a": 1}, True, ".hidden"]   # null: the default name
VALUES = [None, True, "text", "", [], {}, -1, 1e308, -1e308, 10**30, "1e999", "NaN",
          [1, 2], {"a": 1}, "\x00", "é" * 50]
ROUTES = ["/api/solve", "/api/store", "/api/save"]


class Fuzzer:
    def __init__(self, url: str, rng: random.Random) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.token = urllib.parse.parse_qs(parts.query)["token"][0]
        self.rng = rng
        self.levers: list[dict] = []

    def headers(self, **changes) -> dict:
        base = {"Host": f"127.0.0.1:{self.port}", "X-Decarb-Token": self.token,
                "Content-Type": "application/json"}
        base.update(changes)
        return {k: v for k, v in base.items() if v is not None}

    def body(self, levers: object = None, **extra) -> bytes:
        return json.dumps({"levers": {} if levers is None else levers, **extra},
                          allow_nan=True).encode()

    def lever(self) -> str:
        return self.rng.choice([lever["name"] for lever in self.levers])

    def make(self, kind: str) -> tuple[str, str, bytes | None, dict]:
        """One request of `kind`: method, path, body, headers."""
        r, port = self.rng, self.port
        route = r.choice(ROUTES)
        if kind == "bad_host":
            return "POST", route, self.body(), self.headers(Host=r.choice(HOSTS).format(
                port=port))
        if kind == "no_or_wrong_token":
            return "POST", route, self.body(), self.headers(**{"X-Decarb-Token": r.choice(
                [None, "", "x", self.token[:-1], self.token + "x", self.token.upper()])})
        if kind == "not_json_content_type":
            return "POST", route, self.body(), self.headers(**{"Content-Type": r.choice(
                TYPES)})
        if kind == "foreign_origin":
            return "POST", route, self.body(), self.headers(Origin=r.choice(ORIGINS).format(
                port=port))
        if kind == "oversized_body":
            return "POST", route, b" " * (MAX_BODY_BYTES + r.randrange(1, 10**6)), \
                self.headers()
        if kind == "bad_length":
            return "POST", route, self.body(), self.headers(**{"Content-Length": r.choice(
                ["-1", "abc", "", "1e3", str(10**12)]), "_raw_length": True})
        if kind == "not_json":
            return "POST", route, bytes(r.randrange(256) for _ in range(r.randrange(1, 64))) \
                + b"{", self.headers()
        if kind == "json_not_object":
            return "POST", route, json.dumps(r.choice([[], [1], 3, "x", None, True])).encode(), \
                self.headers()
        if kind == "nested_json":
            depth = r.randrange(1000, 30000)
            return "POST", route, b"[" * depth + b"]" * depth, self.headers()
        if kind == "huge_number":
            return "POST", route, b'{"levers": {"%s": %s}}' % (
                self.lever().encode(), b"9" * r.randrange(4301, 20000)), self.headers()
        if kind == "nonfinite":
            return "POST", route, b'{"levers": {"%s": %s}}' % (
                self.lever().encode(), r.choice([b"NaN", b"Infinity", b"-Infinity", b"1e999"])),\
                self.headers()
        if kind == "unknown_lever":
            return "POST", route, self.body({r.choice(["", "x", "carbon", "__proto__",
                                                       "budget:nowhere"]): 1}), self.headers()
        if kind == "wrong_type_lever":
            return "POST", route, self.body({self.lever(): r.choice(VALUES)}), self.headers()
        if kind == "levers_not_object":
            return "POST", route, self.body(r.choice([[1], "x", 3, True])), self.headers()
        if kind == "bad_name":
            return "POST", r.choice(ROUTES[1:]), self.body(name=r.choice(NAMES)), \
                self.headers()
        if kind == "bad_purpose":
            return "POST", "/api/save", self.body(name="fuzz_ok", purpose=r.choice(
                [7, None, ["a"], {"a": 1}, True])), self.headers()
        if kind == "unknown_route":
            return r.choice(["GET", "POST", "PUT", "DELETE"]), r.choice(
                ["/api", "/api/", "/api/x", "/x", "/api/state/x", "/static/",
                 "/static/../app.py", "/static/%2e%2e/app.py", "/%00"]), None, self.headers()
        if kind == "wrong_method":
            return r.choice(["GET", "PUT", "DELETE", "PATCH"]), route, None, self.headers()
        raise ValueError(kind)


KINDS = ("bad_host", "no_or_wrong_token", "not_json_content_type", "foreign_origin",
         "oversized_body", "bad_length", "not_json", "json_not_object", "nested_json",
         "huge_number", "nonfinite", "unknown_lever", "wrong_type_lever",
         "levers_not_object", "bad_name", "bad_purpose", "unknown_route", "wrong_method")


def send(host: str, port: int, method: str, path: str, body: bytes | None,
         headers: dict) -> tuple[int | None, object]:
    raw_length = headers.pop("_raw_length", False)
    try:
        connection = http.client.HTTPConnection(host, port, timeout=60)
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        if body is not None and not raw_length:
            connection.putheader("Content-Length", str(len(body)))
        try:
            connection.endheaders(body)
        except OSError:    # refused before the body was all sent: the answer is there
            pass
        answer = connection.getresponse()
        text = answer.read()
        connection.close()
    except (OSError, http.client.HTTPException):
        return None, None
    try:
        return answer.status, json.loads(text)
    except ValueError:
        return answer.status, text[:200]


def snapshot(*folders: Path) -> set[str]:
    return {str(p) for folder in folders if folder.exists() for p in folder.rglob("*")}


def fuzz(n: int, seed: int, data: Path | None = None, show: int = 0
         ) -> tuple[dict[str, Counter], dict[str, list[str]]]:
    """Outcomes by kind of `n` requests (and up to `show` failures of each kind)."""
    rng = random.Random(seed)
    _Handler.log_request = lambda *args, **kwargs: None    # the refusals are counted here
    outcomes: dict[str, Counter] = defaultdict(Counter)
    shown: dict[str, list[str]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        data = data or tiny_data(Path(tmp) / "data")
        results = Path(tmp) / "results"
        httpd = server(Page(dataset_case(data), results), 0)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            fuzzer = Fuzzer(httpd.url, rng)
            state = send(fuzzer.host, fuzzer.port, "GET", "/api/state", None,
                         fuzzer.headers())
            fuzzer.levers = state[1]["levers"]
            before = snapshot(data / "cases", results)
            for _ in range(n):
                kind = rng.choice(KINDS)
                method, path, body, headers = fuzzer.make(kind)
                status, answer = send(fuzzer.host, fuzzer.port, method, path, body,
                                      dict(headers))
                outcome = ("no_answer" if status is None else "accepted" if status < 300
                           else "server_error" if status >= 500
                           else "clear" if status >= 400 and isinstance(answer, dict)
                           and answer.get("error") else "no_answer")
                after = snapshot(data / "cases", results)
                if after != before:
                    outcome, before = "written", after
                if send(fuzzer.host, fuzzer.port, "GET", "/api/state", None,
                        fuzzer.headers())[0] != 200:
                    outcome = "down"
                outcomes[kind][outcome] += 1
                if outcome != "clear" and len(shown[kind]) < show:
                    shown[kind].append(f"{method} {path} {headers} {str(body)[:80]}: "
                                       f"{status} {str(answer)[:160]}")
        finally:
            httpd.shutdown()
            httpd.server_close()
    return outcomes, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=None, help="default: the tiny dataset")
    parser.add_argument("--show", type=int, default=3)
    args = parser.parse_args()
    t0 = time.perf_counter()
    outcomes, shown = fuzz(args.n, args.seed, args.data, args.show)
    print(f"{args.n} requests, seed {args.seed}, {time.perf_counter() - t0:.0f} s\n")
    print("| kind | requests | " + " | ".join(OUTCOMES) + " |")
    print("| --- | ---: | " + " | ".join("---:" for _ in OUTCOMES) + " |")
    total: Counter = Counter()
    for kind in KINDS:
        counts = outcomes[kind]
        total.update(counts)
        print(f"| {kind} | {sum(counts.values())} | "
              + " | ".join(str(counts[o]) for o in OUTCOMES) + " |")
    print(f"| **all** | {sum(total.values())} | "
          + " | ".join(str(total[o]) for o in OUTCOMES) + " |")
    for kind, lines in shown.items():
        print(f"\n{kind}:\n  " + "\n  ".join(lines))


if __name__ == "__main__":
    main()
