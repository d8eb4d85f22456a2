"""A small load generator: simulated visitors as threads, each with its own cookies, speaking HTTP/1.1 with
http.client to 127.0.0.1. No outside service. Every run is bounded by a deadline and a request budget and stops
by itself; a request that takes longer than the socket timeout counts as an error.
"""

import http.client
import mimetypes
import re
import secrets
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class BudgetExhausted(Exception):
    """The run's deadline or request budget is reached: the visitor stops."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def location(self) -> str:
        """The redirect target's path (Django may answer with a full URL)."""
        return urlsplit(self.headers.get("location", "")).path

    def csrf_token(self) -> str:
        match = CSRF_INPUT.search(self.body)
        if not match:
            raise ValueError("no csrfmiddlewaretoken in the page")
        return match.group(1).decode()


@dataclass
class Recorder:
    """Timings per page kind, errors with their cause, shared by every visitor of a run."""

    deadline: float
    budget: int
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def claim(self) -> None:
        with self.lock:
            if self.requests >= self.budget or time.monotonic() >= self.deadline:
                raise BudgetExhausted
            self.requests += 1

    def record(self, kind: str, ms: float) -> None:
        with self.lock:
            self.timings[kind].append(ms)

    def error(self, kind: str, cause: str) -> None:
        with self.lock:
            self.errors[kind].append(cause)

    @property
    def error_count(self) -> int:
        return sum(len(v) for v in self.errors.values())


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = "capilbench" + secrets.token_hex(8)
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in files.items():
        ctype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {ctype}\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One visitor: a cookie jar and a connection (re-opened when the server closes it, as sync gunicorn
    workers do after each response)."""

    def __init__(self, base_url: str, recorder: Recorder, *, cookies: dict[str, str] | None = None,
                 timeout: float = 30):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.recorder = recorder
        self.cookies = dict(cookies or {})
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def _send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Response:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "capil-bench/1 (Android; 390px)",
                   "Accept-Encoding": "gzip, br", **headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=headers)
            raw = self.conn.getresponse()
            data = raw.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        if raw.will_close:
            self.conn.close()
            self.conn = None
        response = Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data)
        for header, value in raw.getheaders():
            if header.lower() == "set-cookie":
                jar = SimpleCookie()
                jar.load(value)
                for name, morsel in jar.items():
                    self.cookies[name] = morsel.value
        return response

    def request(self, kind: str, method: str, path: str, *, body: bytes | None = None,
                headers: dict[str, str] | None = None, expect: tuple[int, ...] = (200,)) -> Response | None:
        """One timed request. An unexpected status or a network failure is recorded as an error of `kind`
        and returns None."""
        self.recorder.claim()
        start = time.perf_counter()
        try:
            response = self._send(method, path, body, headers or {})
        except (OSError, http.client.HTTPException) as exc:
            self.recorder.error(kind, f"{method} {path}: {type(exc).__name__}")
            return None
        self.recorder.record(kind, (time.perf_counter() - start) * 1000)
        if response.status not in expect:
            self.recorder.error(kind, f"{method} {path}: HTTP {response.status}")
            return None
        return response

    def get(self, kind: str, path: str, *, expect: tuple[int, ...] = (200,)) -> Response | None:
        return self.request(kind, "GET", path, expect=expect)

    def post_form(self, kind: str, path: str, fields: dict[str, str], *,
                  files: dict[str, tuple[str, bytes]] | None = None, referer: str | None = None,
                  expect: tuple[int, ...] = (200, 302, 303),
                  extra_headers: dict[str, str] | None = None) -> Response | None:
        if files:
            body, ctype = multipart(fields, files)
        else:
            body, ctype = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        headers = {"Content-Type": ctype, "Origin": f"http://{self.host}:{self.port}",
                   "Referer": f"http://{self.host}:{self.port}{referer or path}", **(extra_headers or {})}
        return self.request(kind, "POST", path, body=body, headers=headers, expect=expect)


def run_visitors(count: int, visitor, *, seconds: float, budget: int) -> Recorder:
    """Start `count` threads, each calling visitor(index, recorder) until the deadline or the budget ends the
    run. Returns the recorder once every thread has stopped."""
    recorder = Recorder(deadline=time.monotonic() + seconds, budget=budget)

    def body(index: int) -> None:
        try:
            visitor(index, recorder)
        except BudgetExhausted:
            pass

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return recorder


def think(recorder: Recorder, low: float, high: float, rng) -> None:
    """A visitor reading the page; returns early (BudgetExhausted) when the run is over."""
    pause = rng.uniform(low, high)
    if time.monotonic() + pause >= recorder.deadline:
        raise BudgetExhausted
    time.sleep(pause)
