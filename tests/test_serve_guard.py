"""The page is ours alone: `decarb serve` answers only this machine's page (loopback Host,
the token of this start, JSON from the page's own origin, a bounded body), with a bounded
number of threads; every malformed request is a 4xx with a message; stores and saves of
one name under concurrency write one whole file; names from the data are escaped."""
from __future__ import annotations

import http.client
import json
import socket
import sysconfig
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from decarb.inputs.cases import dataset_case
from decarb.serve import app as serve_app
from decarb.serve.app import MAX_BODY_BYTES, MAX_THREADS, Page, server
from tests.cdp import Browser, api, chromium_path
from tests.test_serve import tiny_data
from tests.test_sweep import CHANGES
from tests.tiny import frame, one_year, tiny_frames, write_case

HOSTILE = 'p"><b id=pwned>x</b><img src=x onerror="document.body.dataset.pwned=1">'


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("guard")
    data = tiny_data(root / "data")
    httpd = server(Page(dataset_case(data), root / "results"), 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.url, data, root / "results"
    httpd.shutdown()
    httpd.server_close()
    thread.join(10)


def raw(url: str, method: str, path: str, body: bytes | None = None,
        headers: dict | None = None) -> tuple[int, dict | str]:
    """One request with exactly these headers (http.client adds only Host unless told)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.putrequest(method, path, skip_host="Host" in (headers or {}),
                          skip_accept_encoding=True)
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    if body is not None and "Content-Length" not in (headers or {}):
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    answer = connection.getresponse()
    text = answer.read().decode()
    connection.close()
    try:
        return answer.status, json.loads(text)
    except ValueError:
        return answer.status, text


def token_of(url: str) -> str:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["token"][0]


def saved(data: Path) -> list[str]:
    return sorted(p.name for p in (data / "cases").iterdir())


def test_the_page_is_served_only_with_its_token_and_carries_it(served):
    url, _, _ = served
    status, page = raw(url, "GET", "/?" + urllib.parse.urlsplit(url).query)
    assert status == 200 and f'content="{token_of(url)}"' in page
    for path in ("/", "/?token=guess"):
        status, answer = raw(url, "GET", path)
        assert status == 403 and "the address `decarb serve` printed" in answer["error"]


@pytest.mark.parametrize("headers, status, says", [
    ({"Host": "evil.example"}, 403, "Host header"),                       # DNS rebinding
    ({"Host": "127.0.0.1:1"}, 403, "Host header"),
    ({"X-Decarb-Token": ""}, 403, "X-Decarb-Token"),
    ({"X-Decarb-Token": "guess"}, 403, "X-Decarb-Token"),
    ({"Content-Type": "text/plain"}, 415, "application/json"),            # a CORS-free POST
    ({"Origin": "http://evil.example"}, 403, "not from http://evil.example"),
    ({"Origin": "null"}, 403, "not from null"),
    ({"Content-Length": str(MAX_BODY_BYTES + 1)}, 413, "at most"),
    ({"Transfer-Encoding": "chunked"}, 411, "Content-Length"),
])
def test_a_request_not_from_this_machines_page_saves_nothing(served, headers, status, says):
    url, data, _ = served
    before = saved(data)
    port = urllib.parse.urlsplit(url).port
    body = json.dumps({"levers": {}, "name": "from_elsewhere"}).encode()
    sent = {"Host": f"127.0.0.1:{port}", "X-Decarb-Token": token_of(url),
            "Content-Type": "application/json", **headers}
    if "Transfer-Encoding" in headers:
        sent["Content-Length"] = None
        body_sent = b"0\r\n\r\n"
    else:
        body_sent = body
    got, answer = raw(url, "POST", "/api/save",
                      body_sent, {k: v for k, v in sent.items() if v is not None})
    assert got == status and says in answer["error"], answer
    assert saved(data) == before


def test_the_pages_own_origin_and_a_client_without_one_are_served(served):
    url, _, _ = served
    port = urllib.parse.urlsplit(url).port
    for origin in ({"Origin": f"http://localhost:{port}"}, {}):
        status, answer = api(url, "/api/solve", {"levers": {}}, headers=origin)
        assert status == 200, answer


@pytest.mark.parametrize("method, path, body, status", [
    ("GET", "/nowhere", None, 404),
    ("GET", "/api/solve", None, 405),
    ("POST", "/api/state", b"{}", 405),
    ("POST", "/api/solve", b"[" * 30000 + b"]" * 30000, 400),     # nested past recursion
    ("POST", "/api/solve", b'{"levers": {"carbon_price": ' + b"9" * 5000 + b"}}", 400),
    ("POST", "/api/solve", b'{"levers": {"cap_scale": 1e999}}', 400),
    ("POST", "/api/solve", b'{"levers": {"cap_scale": NaN}}', 400),
    ("POST", "/api/solve", b'{"levers": null}', 400),
    ("POST", "/api/save", b'{"levers": {}, "name": {"a": 1}}', 400),
    ("POST", "/api/save", b'{"levers": {}, "name": "ok_name", "purpose": [1]}', 400),
    ("POST", "/api/store", b'{"levers": {}, "name": 7}', 400),
    ("POST", "/api/solve", b"\xff\xfe", 400),
    ("GET", "/static/../app.py", None, 404),
])
def test_every_malformed_request_is_a_4xx_with_a_message(served, method, path, body, status):
    url, _, _ = served
    headers = {"Host": f"127.0.0.1:{urllib.parse.urlsplit(url).port}",
               "X-Decarb-Token": token_of(url), "Content-Type": "application/json"}
    got, answer = raw(url, method, path, body, headers)
    assert got == status and isinstance(answer, dict) and answer["error"], answer
    assert api(url, "/api/state")[0] == 200


def test_beyond_max_threads_a_request_is_told_busy_and_later_served(served):
    url, _, _ = served
    parts = urllib.parse.urlsplit(url)
    idle = [socket.create_connection((parts.hostname, parts.port)) for _ in range(MAX_THREADS)]
    try:
        time.sleep(0.5)
        status, answer = raw(url, "GET", "/api/state",
                             headers={"Host": f"127.0.0.1:{parts.port}",
                                      "X-Decarb-Token": token_of(url)})
        assert status == 503 and "busy" in answer["error"]
        assert threading.active_count() < 40
    finally:
        for connection in idle:
            connection.close()
    time.sleep(0.5)
    assert api(url, "/api/state")[0] == 200


@pytest.mark.parametrize("path, key", [("/api/save", "path"), ("/api/store", "folder")])
def test_two_writes_of_one_name_at_once_keep_one_whole(served, path, key):
    url, data, results = served
    name = f"race_{path.rsplit('/', 1)[1]}"
    answers = []

    def write(price: float) -> None:
        answers.append(api(url, path, {"levers": {"carbon_price_mode": "flat",
                                                  "carbon_price": price}, "name": name}))

    threads = [threading.Thread(target=write, args=(p,)) for p in (100.0, 900.0)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    statuses = sorted(status for status, _ in answers)
    assert statuses[0] == 200 and statuses[1] in (400, 409), answers
    written = Path(next(a[key] for s, a in answers if s == 200))
    if key == "path":
        assert "carbon_price" in written.read_text() and written.parent == data / "cases"
    else:
        assert json.loads((written / "run.json").read_text())["run"]["name"] == name
    assert not [p for p in written.parent.iterdir() if p.name.startswith(".")]


def test_save_as_case_refuses_an_installed_dataset_and_says_where_to_put_it(served,
                                                                           monkeypatch):
    url, data, _ = served
    before = saved(data)
    monkeypatch.setattr(sysconfig, "get_paths",
                        lambda: {"purelib": str(data.parent), "platlib": str(data.parent)})
    status, answer = api(url, "/api/save", {"levers": {}, "name": "mine"})
    assert status == 400 and "a dataset of your own" in answer["error"]
    assert "decarb serve --data" in answer["error"] and saved(data) == before


def test_names_from_the_data_are_text_in_the_page(tmp_path):
    executable = chromium_path()
    if executable is None:
        pytest.skip("no chromium binary on PATH (.ci/run installs Debian's chromium)")
    pytest.importorskip("websocket", reason="websocket-client (the test extra) drives it")
    frames = tiny_frames(**{**CHANGES, "subsidies": frame([dict(
        programme=HOSTILE, rate=0.1, first_year=2025, last_year=2025,
        budget_bjpy_per_yr=0.5)]), "subsidy_eligibility": frame([dict(
            programme=HOSTILE, technology="new")])})
    data = write_case(tmp_path / "data", frames, one_year())
    httpd = server(Page(dataset_case(data), tmp_path / "results"), 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        with Browser(executable, tmp_path / "profile") as browser:
            browser.open(httpd.url)
            browser.wait_for("document.body && document.body.dataset.ready === 'true'")
            assert browser.evaluate("document.getElementById('pwned') === null")
            assert browser.evaluate("document.body.dataset.pwned === undefined")
            box = browser.evaluate(f"document.getElementById({json.dumps('lever-budget:' + HOSTILE)})"
                                   " !== null")
            assert box
            legend = browser.evaluate("[...document.querySelectorAll('legend')]"
                                      ".map(l => l.textContent).join('|')")
            assert f"subsidy {HOSTILE}" in legend
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)
    assert serve_app.MAX_THREADS == MAX_THREADS
