"""`decarb serve`: one case, its levers and charts on a local page, each change
re-solved in the model kept by a `Session` (in place where it can be).

The server is Bottle (one module, no dependencies) on the standard library's WSGI
server with a thread per request; solves take a lock, so one runs at a time.
It binds to 127.0.0.1 only. Bad lever values, names that cannot be saved and
infeasible states are answered with a JSON error (4xx) the page shows; the
server stays up.
"""
from __future__ import annotations

import hmac
import html
import json
import secrets
import shlex
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import bottle

from decarb.errors import InfeasibleError, InputError, OutputError, Problem, SolverError
from decarb.inputs.cases import CASES_FOLDER, Case, derive, load_case
from decarb.inputs.loading import Reader
from decarb.inputs.validation import show
from decarb.outputs.runstore import default_run_name
from decarb.serve.state import (LABEL, SERVE_SETTINGS, check_name, check_state, describe,
                               page_levers, save_case, state_case, state_fragment)
from decarb.serve.views import Reference, reference_of, view
from decarb.solving.resolve import Session
from decarb.workflow.run import run_and_store, run_case

HOST = "127.0.0.1"
LOOPBACK_NAMES = (HOST, "localhost")
STATIC = Path(__file__).resolve().parent / "static"
REFERENCE_CASE = "reference"    # the shipped counterfactual, if the dataset has one
REQUEST_TIMEOUT_S = 15          # an idle connection is closed after this
MAX_THREADS = 8                 # requests served at once; solves queue on a lock anyway
MAX_BODY_BYTES = 64 * 1024      # a lever state with a name and purpose is under 2 kB
TOKEN_HEADER = "X-Decarb-Token"
TOKEN_SLOT = "{{token}}"        # in index.html: the page's copy of this start's token
CSP = ("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "frame-ancestors 'none'")
_BUSY_BODY = b'{"error": "busy: too many requests at once; try again"}'
BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(_BUSY_BODY) + _BUSY_BODY)
LP_NOTE = ("The page solves the LP relaxation (integer_units = false): unit-sized plants "
           "may be built in fractions, so each change re-solves in place in well under a "
           "second. Saved cases and stored runs say so too.")


class Page:
    """The state behind the page: the base case, its levers, the kept model."""

    def __init__(self, base: Case, results: Path) -> None:
        self.base = base
        self.results = Path(results)
        self.reader = Reader()   # the dataset's files parsed once; a state costs its edits
        self.base_ds = self.reader.read(base.dataset, base)   # levers are edits of this
        self.levers = page_levers(self.base_ds)
        self.session = Session()
        self.lock = threading.Lock()
        self.reference = self._reference()
        self._build_widest()
        self.first = self.solve({})

    def _build_widest(self) -> None:
        """Build the kept model for the widest state of the levers that open builds or
        support modes (the incentive open to the horizon's end, CCUS from its earliest
        year), so that moving them back and forth changes it in place."""
        values = {lever.name: lever.default for lever in self.levers}
        by_name = {lever.name: lever for lever in self.levers}
        if "incentive_last_year" in by_name and values["tax_scheme"] != "none":
            values["incentive_last_year"] = by_name["incentive_last_year"].max
        if "ccus_first_year" in by_name:
            t = self.base_ds.technologies
            earliest = [int(c) for c in by_name["ccus_first_year"].choices if c.isdigit()]
            values["ccus_first_year"] = min(earliest + t.loc[t["pathway"] == "ccus",
                                                             "first_year"].tolist())
        case = state_case(self.base, state_fragment(self.levers, values, self.base_ds))
        self.session.solve(self.reader.read(case.dataset, case))

    def _reference(self) -> Reference | None:
        path = Path(self.base.dataset) / CASES_FOLDER / f"{REFERENCE_CASE}.toml"
        if not path.is_file():
            return None
        case = derive(load_case(path), LABEL, {"settings": dict(SERVE_SETTINGS)})
        ds = self.reader.read(case.dataset, case)
        return reference_of(case.name, run_case(ds).tables, ds.settings.year_step)

    def case_of(self, state: Any) -> tuple[Case, dict]:
        """The case of a lever state (InputError naming each bad lever)."""
        values = check_state(self.levers, state)
        fragment = state_fragment(self.levers, values, self.base_ds)
        return state_case(self.base, fragment), fragment

    def solve(self, state: Any) -> dict:
        t0 = time.perf_counter()
        case, _ = self.case_of(state)
        with self.lock:
            ds = self.reader.read(case.dataset, case)
            result = run_case(ds, self.session)
        answer = {"view": view(result.tables, ds.years, ds.settings.year_step,
                               self.reference),
                  "solve": {"seconds": round(time.perf_counter() - t0, 4),
                            "model": result.meta["solver"]["model"],
                            "objective_mjpy": result.solution.objective_mjpy,
                            "status": result.meta["solver"]["status"]}}
        return answer

    def store(self, state: Any, name: Any) -> dict:
        name = default_run_name(f"{self.base.name}-serve") if name is None else name
        check_name("store run", "run", name)
        if (self.results / name).exists():
            raise InputError([Problem(str(self.results / name), None, "name", name,
                                      "a new run name (this run folder exists)")])
        t0 = time.perf_counter()
        case, _ = self.case_of(state)
        with self.lock:
            ds = self.reader.read(case.dataset, case)
            folder, _ = run_and_store(ds, self.results / name, name, case, case.dataset,
                                      time.perf_counter() - t0, self.session)
        run = shlex.quote(str(folder))
        compare = (f"decarb compare {REFERENCE_CASE} {run} --data "
                   f"{shlex.quote(str(self.base.dataset))} --results "
                   f"{shlex.quote(str(self.results))}" if self.reference
                   else f"decarb compare {run}")
        return {"folder": str(folder), "name": name,
                "commands": [compare, f"decarb report {run}"]}

    def save(self, state: Any, name: Any, purpose: Any) -> dict:
        _, fragment = self.case_of(state)
        if not isinstance(purpose, str):
            raise InputError([Problem("save as case", None, "purpose", show(purpose),
                                      "one line of text")])
        path = save_case(self.base, fragment, name, purpose)
        return {"path": str(path), "commands": [f"decarb run --case {shlex.quote(str(path))}"]}

    def describe(self) -> dict:
        return {"case": self.base.name, "purpose": self.base.purpose,
                "dataset": str(self.base.dataset), "note": LP_NOTE,
                "reference": self.reference.name if self.reference else None,
                **describe(self.base_ds, self.levers), "first": self.first}


def make_app(page: Page, token: str) -> bottle.Bottle:
    """The page's routes behind the guard (`_guard`): only this machine's page, started
    with `token`, may use them."""
    app = bottle.Bottle()
    app.add_hook("before_request", lambda: _guard(token))
    app.default_error_handler = _error_page

    @app.get("/")
    def index():
        bottle.response.set_header("Content-Security-Policy", CSP)
        bottle.response.set_header("X-Frame-Options", "DENY")
        return (STATIC / "index.html").read_text(encoding="utf-8").replace(
            TOKEN_SLOT, html.escape(token))

    @app.get("/favicon.ico")
    def favicon():
        bottle.response.status = 204

    @app.get("/static/<name>")
    def static(name: str):
        return bottle.static_file(name, root=str(STATIC))

    @app.get("/api/state")
    def state():
        return _json(page.describe())

    @app.post("/api/solve")
    def solve():
        return _answer(lambda body: page.solve(body.get("levers", {})))

    @app.post("/api/store")
    def store():
        return _answer(lambda body: page.store(body.get("levers", {}), body.get("name")))

    @app.post("/api/save")
    def save():
        return _answer(lambda body: page.save(body.get("levers", {}), body.get("name"),
                                              body.get("purpose", "")))

    return app


def _guard(token: str) -> None:
    """Refuse (4xx, with a message) what does not come from this machine's page: a Host
    other than this server's loopback name and port (DNS rebinding); an API call
    without the token the page carries; a POST that is not JSON (a cross-site form or
    a text/plain fetch), from another origin, or larger than MAX_BODY_BYTES."""
    request = bottle.request
    port = request.environ.get("SERVER_PORT", "")
    hosts = {f"{name}:{port}" for name in LOOPBACK_NAMES}
    if request.get_header("Host", "") not in hosts:
        _refuse(403, f"the Host header must be one of {', '.join(sorted(hosts))}")
    path = request.path
    if path == "/" and not hmac.compare_digest(request.query.get("token", ""), token):
        _refuse(403, "open the page at the address `decarb serve` printed: it carries "
                     "the page's token")
    if path.startswith("/api/") and not hmac.compare_digest(
            request.get_header(TOKEN_HEADER, ""), token):
        _refuse(403, f"the {TOKEN_HEADER} header the page sends")
    if request.method != "POST":
        return
    origin = request.get_header("Origin")
    if origin is not None and origin not in {f"http://{h}" for h in hosts}:
        _refuse(403, f"a request from this page, not from {origin}")
    if request.content_type.split(";")[0].strip().lower() != "application/json":
        _refuse(415, "a JSON body (Content-Type: application/json)")
    if request.get_header("Transfer-Encoding"):
        _refuse(411, "a body with a Content-Length")
    length = request.get_header("Content-Length", "")
    if not length.isdigit():
        _refuse(411, "a body with a Content-Length")
    if int(length) > MAX_BODY_BYTES:
        _refuse(413, f"a body of at most {MAX_BODY_BYTES // 1024} kB")


def _refuse(status: int, expected: str) -> None:
    raise bottle.HTTPResponse(json.dumps({"error": f"Refused: expected {expected}"}),
                              status, {"Content-Type": "application/json"})


def _error_page(error: bottle.HTTPError) -> str:
    """Bottle's own refusals (no such route, a wrong method) as JSON messages."""
    bottle.response.content_type = "application/json"
    return json.dumps({"error": f"{error.status}: {error.body}"})


def _json(payload: dict, status: int = 200) -> str:
    bottle.response.status = status
    bottle.response.content_type = "application/json"
    return json.dumps(payload, allow_nan=False)


def _answer(handler: Callable[[dict], dict]) -> str:
    """Run `handler` on the request's JSON object; errors become JSON the page shows."""
    try:
        body = json.loads(bottle.request.body.read() or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        return _json({"error": f"the request is not JSON: {type(error).__name__}: "
                               f"{str(error)[:200]}"}, 400)
    if not isinstance(body, dict):
        return _json({"error": "the request must be a JSON object"}, 400)
    try:
        return _json(handler(body))
    except InputError as error:
        return _json({"error": "Not solved: " + str(error),
                      "problems": [str(p) for p in error.problems]}, 400)
    except InfeasibleError as error:
        return _json({"error": str(error)}, 422)
    except OutputError as error:      # e.g. a run or case of that name appeared meanwhile
        return _json({"error": str(error)}, 409)
    except SolverError as error:
        return _json({"error": str(error)}, 503)
    except OSError as error:
        return _json({"error": f"{error.strerror or error}: {error.filename or ''}"}, 500)
    except Exception as error:     # a bug must not take the page down: say it and go on
        traceback.print_exc()
        return _json({"error": f"internal error: {type(error).__name__}: {error}"}, 500)


class _Server(ThreadingMixIn, WSGIServer):
    """A thread per request, at most MAX_THREADS at once: a request beyond them is
    answered 503 at once rather than given a thread."""

    daemon_threads = True
    slots = threading.BoundedSemaphore(MAX_THREADS)   # replaced per server in `server`

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            try:
                request.sendall(BUSY)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], (TimeoutError, ConnectionError)):
            super().handle_error(request, client_address)


class _Handler(WSGIRequestHandler):
    timeout = REQUEST_TIMEOUT_S

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if str(code)[:1] in ("4", "5"):      # only refusals and failures
            super().log_request(code, size)


def server(page: Page, port: int) -> WSGIServer:
    """The page's HTTP server on 127.0.0.1:`port` (0: any free port), not yet serving;
    `url` is the page's address with the token made for this start."""
    token = secrets.token_urlsafe(24)
    httpd = make_server(HOST, port, make_app(page, token), server_class=_Server,
                        handler_class=_Handler)
    httpd.slots = threading.BoundedSemaphore(MAX_THREADS)
    httpd.token = token
    httpd.url = f"http://{HOST}:{httpd.server_port}/?token={token}"
    return httpd
