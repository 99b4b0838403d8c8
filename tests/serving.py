"""A real `aikg serve` on 127.0.0.1 for tests: start it, speak HTTP to it, stop it."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import pytest


class Server:
    def __init__(self, process: subprocess.Popen, url: str, graph: Path):
        self.process = process
        self.url = url
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.graph = graph

    def request(self, method: str, path: str, body: bytes | str | None = None, headers: dict | None = None,
                source: str | None = None):
        """(status, headers, body) of one request on a new connection (from ``source``, a loopback address)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30, source_address=(source, 0) if source else None)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def get(self, query: str, accept: str | None = None, **params):
        path = "/sparql?" + urllib.parse.urlencode({"query": query, **params})
        return self.request("GET", path, headers={"Accept": accept} if accept else {})

    def post_form(self, fields: dict, accept: str | None = None):
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if accept:
            headers["Accept"] = accept
        return self.request("POST", "/sparql", urllib.parse.urlencode(fields), headers)


@contextmanager
def running_server(graph: Path, cache: Path, *args: str):
    """``aikg serve --port 0 --graph GRAPH ARGS`` with its cache in ``cache``; a Server while it runs."""
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    env.pop("AIKG_CACHE_DIR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "aikg", "serve", "--port", "0", "--graph", str(graph), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    line = process.stdout.readline()
    match = re.search(r"at (http://127\.0\.0\.1:\d+/) ", line)
    if not match:
        process.kill()
        pytest.fail(f"aikg serve did not start: {line!r} {process.stderr.read()}")
    try:
        yield Server(process, match.group(1), graph)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail("aikg serve did not stop on SIGTERM")
