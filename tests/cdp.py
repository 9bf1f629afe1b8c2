"""Headless Chromium driven over the DevTools protocol (a websocket), for page tests
and the serve benchmark: open a URL, evaluate JavaScript, wait for a condition; and
`decarb serve` started as a user starts it."""
from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

START_TIMEOUT_S = 30.0


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One headless Chromium with one page; a context manager that always ends it."""

    def __init__(self, executable: str, profile: Path, timeout_s: float = 30.0) -> None:
        import websocket   # the test extra's websocket-client

        profile.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu",
             "--remote-debugging-port=0", f"--user-data-dir={profile}",
             "--no-first-run", "--window-size=1280,1800", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            port = self._port(profile / "DevToolsActivePort")
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list",
                                        timeout=timeout_s) as answer:
                page = next(t for t in json.load(answer) if t["type"] == "page")
            self.socket = websocket.create_connection(page["webSocketDebuggerUrl"],
                                                      timeout=timeout_s, suppress_origin=True)
        except BaseException:
            self.close()
            raise
        self.next_id = 0

    def _port(self, file: Path) -> int:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with code {self.process.returncode}")
            if file.is_file() and file.read_text().strip():
                return int(file.read_text().split()[0])
            time.sleep(0.05)
        raise TimeoutError("chromium did not open its DevTools port")

    def call(self, method: str, **params: Any) -> dict:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:      # events arrive in between; the answer carries our id
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (promises awaited)."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout_s: float = 30.0) -> Any:
        """Poll until `expression` is truthy; its value."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(expression)
            except RuntimeError:   # the page is still loading
                value = None
            if value:
                return value
            time.sleep(0.02)
        raise TimeoutError(f"not true within {timeout_s:g} s: {expression}")

    def close(self) -> None:
        socket = getattr(self, "socket", None)
        if socket is not None:
            socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()


@contextmanager
def serving(root: Path, *args: str, timeout_s: float = 120.0) -> Iterator[str]:
    """`decarb serve --port 0 --no-browser *args` from the checkout `root` (port 0: a
    free one); yields the URL it prints, and ends the server after."""
    process = subprocess.Popen(
        [sys.executable, str(root / "cli.py"), "serve", "--port", "0", "--no-browser", *args],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONPATH": str(root), "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + timeout_s
        line = ""
        while "http://" not in line:
            ready, _, _ = select.select([process.stdout], [], [], 1.0)
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"decarb serve did not start: {line!r}")
            if ready:
                line = process.stdout.readline()
        yield line.split()[2]     # the page's address, with this start's token
    finally:
        process.terminate()
        process.wait(timeout=30)


def set_lever(name: str, value: Any) -> str:
    """JavaScript that types a value into a lever's box (or chooses it) and commits it,
    as a user does."""
    return (f"(() => {{ const e = document.getElementById('lever-{name}'); "
            f"e.value = {json.dumps(str(value))}; "
            "e.dispatchEvent(new Event('change')); return true; })()")


def api(page: str, path: str, body: Any = None, headers: dict | None = None,
        timeout_s: float = 600) -> tuple[int, Any]:
    """Call the API of the page at `page` (the address `decarb serve` prints) as the page
    does: with its token, JSON in (a POST when there is a `body`) and out."""
    parts = urllib.parse.urlsplit(page)
    token = urllib.parse.parse_qs(parts.query).get("token", [""])[0]
    data = None if body is None else body if isinstance(body, bytes) else \
        json.dumps(body).encode()
    request = urllib.request.Request(
        f"{parts.scheme}://{parts.netloc}{path}", data=data,
        method="GET" if data is None else "POST",
        headers={"X-Decarb-Token": token, "Content-Type": "application/json",
                 **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)
