"""The review app under load: ``briefdesk serve`` over a store of many articles, on loopback, with a bounded
number of requests from concurrent clients; reports latency percentiles and the server's CPU per request.

It lives on the web side because it measures the web app; the store it serves comes from
``workflow.bench.fill``.
"""

from __future__ import annotations

import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from web.serve import default_workers
from workflow.bench import cpu
from workflow.bench.fill import fill
from workflow.config import Config
from workflow.store import Store

FILTERS = ["/?status=new&lang=km", "/?status=approved", "/?lang=zh&page=3"]
"""The filtered queue pages the clients open (each also warmed up once per client)."""


def run(config: Config, articles: int = 10_000, requests: int = 400, clients: int = 8,
        workers: int | None = None, database_url: str | None = None) -> dict:
    """Fill a private store with ``articles``, serve it on loopback with ``briefdesk serve``, and time queue
    and article pages under ``clients`` concurrent clients making ``requests`` requests in all (bounded, then it
    stops). First an untimed round: each client opens each kind of page once, as a running server has open
    connections and has compiled its templates and statements (the first of each kind in a worker costs 5-60 ms
    more, enough to set a short run's p95).
    The store is SQLite in a private data dir, or the (empty or earlier filled) database at ``database_url``."""
    workers = workers or default_workers()
    serve_home = config.home / "bench" / f"serve-{articles}"
    store = Store(Config.at(serve_home, database_url=database_url).database_url)
    fill_seconds = fill(store, articles)
    store.close()
    server, base = _serve(serve_home, database_url, workers)
    try:
        opener = _logged_in(base)
        _warm_up(opener, base, clients, ["/?page=2", *FILTERS, "/?q=Phnom", f"/articles/bench-{articles - 1:05d}"])
        server_cpu = _cpu_seconds(server.pid)
        timings, failures, wall = _load(opener, base, _plan(requests, articles), clients)
        server_cpu = _cpu_seconds(server.pid) - server_cpu if server_cpu is not None else None
    finally:
        server.terminate()
        server.wait(timeout=30)
    every = [t for values in timings.values() for t in values]
    return {"database": store.engine.dialect.name, "articles": articles, "requests": requests, "clients": clients,
            "workers": workers,
            "failures": failures, "fill_seconds": round(fill_seconds, 1),
            "requests_per_second": round(requests / wall, 1),
            "server_cpu_ms_per_request": round(server_cpu * 1000 / requests, 1) if server_cpu is not None else None,
            "p50_ms": _percentile(every, 50), "p95_ms": _percentile(every, 95),
            **{f"{kind}_p95_ms": _percentile(values, 95) for kind, values in sorted(timings.items())}, "cpu": cpu()}


def _serve(home: Path, database_url: str | None, workers: int) -> tuple[subprocess.Popen, str]:
    """``briefdesk serve`` over ``home`` (or ``database_url``) on a free loopback port, once it answers."""
    env = {**os.environ, "BRIEFDESK_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "workflow", "serve", "--port", str(port),
                               "--workers", str(workers)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/login")
    except BaseException:
        server.terminate()
        server.wait(timeout=30)
        raise
    return server, base


def _logged_in(base: str) -> urllib.request.OpenerDirector:
    """An opener with the ``bench`` editor's session (one cookie jar, shared by the clients)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    opener.open(base + "/login", urllib.parse.urlencode(
        {"username": "bench", "password": "bench-password", "csrf_token": token}).encode()).read()
    return opener


def _plan(requests: int, articles: int) -> list[tuple[str, str]]:
    """The timed requests, (kind, path), the same for every run of the same size."""
    rng = random.Random(10_000)
    paths = []
    for _ in range(requests):
        kind = rng.choice(["queue", "queue", "filter", "search", "article", "article"])
        paths.append((kind, {
            "queue": f"/?page={rng.randint(1, articles // 50)}",
            "filter": rng.choice(FILTERS),
            "search": f"/?q={rng.choice(['Hun+Sen', 'election', 'garment', 'Phnom'])}",
            "article": f"/articles/bench-{rng.randrange(articles):05d}",
        }[kind]))
    return paths


def _warm_up(opener: urllib.request.OpenerDirector, base: str, clients: int, kinds: list[str]) -> None:
    """Each client opens each kind of page once, each starting at another kind."""
    def open_all(first: int) -> None:
        for path in kinds[first:] + kinds[:first]:
            opener.open(base + path).read()

    _together([threading.Thread(target=open_all, args=(i % len(kinds),)) for i in range(clients)])


def _load(opener: urllib.request.OpenerDirector, base: str, paths: list[tuple[str, str]],
          clients: int) -> tuple[dict[str, list[float]], int, float]:
    """``paths`` shared out between ``clients`` threads: milliseconds per kind, failures, wall seconds."""
    timings: dict[str, list[float]] = {}
    lock = threading.Lock()
    failures = [0]

    def client(share: list) -> None:
        for kind, path in share:
            start = time.perf_counter()
            try:
                with opener.open(base + path) as response:
                    response.read()
                    ok = response.status == 200 and "/login" not in response.url  # not sent to log in
            except OSError:
                ok = False
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                timings.setdefault(kind, []).append(elapsed)
                failures[0] += not ok

    wall = time.perf_counter()
    _together([threading.Thread(target=client, args=(paths[i::clients],)) for i in range(clients)])
    return timings, failures[0], time.perf_counter() - wall


def _together(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _percentile(values: list[float], q: int) -> float:
    return round(statistics.quantiles(values, n=100)[q - 1], 1) if len(values) > 1 else round(values[0], 1)


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of a process and its children that are alive (Linux /proc; None elsewhere)."""
    proc = Path("/proc")
    if not (proc / str(pid)).exists():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in proc.iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split() if entry.name.isdigit() else None
        except OSError:
            continue
        if fields and (int(entry.name) == pid or int(fields[1]) == pid):
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not start")
