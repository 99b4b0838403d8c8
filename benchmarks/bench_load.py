"""`aikg serve` under load, on loopback: req/s and p50/p99 latency at 1, 8 and 32 clients.

Starts a real ``aikg serve`` on 127.0.0.1 over the bundled graph. Each client is a
thread that opens a new connection per request (as SPARQLWrapper and curl do) and
POSTs a named query, for a bounded time and count per level; the server is stopped
at the end. Only 127.0.0.1 is ever contacted. Two runs: the same query text every
time ("repeated": answered from the server's answer cache after the first), and a
unique comment appended to each request ("distinct": every request is evaluated by
a worker).

    python benchmarks/bench_load.py [--seconds 5] [--workers 2]
"""

from __future__ import annotations

import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from common import REPO, scratch, table

QUERY = "models-by-organization"
LEVELS = (1, 8, 32)
MAX_REQUESTS = 20_000  # per level, whatever the time


def start_server(graph_dir: Path, workers: int) -> tuple[subprocess.Popen, int]:
    """``aikg serve`` on 127.0.0.1 with a fresh cache; (process, port) once it listens."""
    env = dict(os.environ, XDG_CACHE_HOME=str(scratch("load-cache")))
    process = subprocess.Popen(
        [sys.executable, "-m", "aikg", "serve", "--host", "127.0.0.1", "--port", "0", "--graph", str(graph_dir),
         "--workers", str(workers)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=REPO,
    )
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", process.stdout.readline())
    if not match:
        process.kill()
        raise RuntimeError("aikg serve did not start")
    return process, int(match.group(1))


def one_request(port: int, body: bytes) -> tuple[float, int]:
    """(seconds, HTTP status) of one POST on a new connection; status 0 when the connection failed."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/sparql", body, {"Content-Type": "application/sparql-query",
                                                "Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        response.read()
        return time.perf_counter() - started, response.status
    except OSError:
        return time.perf_counter() - started, 0
    finally:
        conn.close()


def level(port: int, body: bytes, clients: int, seconds: float, distinct: bool) -> dict:
    """Run ``clients`` concurrent clients for ``seconds`` (or MAX_REQUESTS in all)."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    pending: list[int] = []  # request numbers handed out (distinct texts)
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < stop_at:
            with lock:
                if len(latencies) >= MAX_REQUESTS:
                    return
            with lock:
                sent = len(latencies) + len(pending)
                pending.append(sent)
            text = body + f"\n# request {sent}\n".encode() if distinct else body
            elapsed, status = one_request(port, text)
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "clients": clients,
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "errors": sum(n for status, n in statuses.items() if status != 200),
    }


def main(graph_dir: Path | None = None, seconds: float = 5.0, workers: int = 2) -> str:
    from bench_queries import bundled_graph

    body = (REPO / "queries" / f"{QUERY}.rq").read_bytes()
    process, port = start_server(graph_dir or bundled_graph(), workers)
    try:
        one_request(port, body)  # warm up: the store is built and the workers are ready
        rows = []
        for distinct in (False, True):
            for clients in LEVELS:
                result = level(port, body, clients, seconds, distinct)
                rows.append(["distinct" if distinct else "repeated", result["clients"], result["requests"],
                             f"{result['rps']:.0f}", f"{result['p50']:.1f}", f"{result['p99']:.1f}", result["errors"]])
    finally:
        process.terminate()
        process.wait(10)
    return table(["query text", "clients", "requests", "req/s", "p50 ms", "p99 ms", "non-200"], rows,
                 f"aikg serve on loopback: `{QUERY}`, new connection per request, --workers {workers}, {seconds:g} s per level")


if __name__ == "__main__":
    args = sys.argv[1:]
    seconds = float(args[args.index("--seconds") + 1]) if "--seconds" in args else 5.0
    workers = int(args[args.index("--workers") + 1]) if "--workers" in args else 2
    print(main(seconds=seconds, workers=workers))
