"""Limits: a query that runs too long is stopped with a clear message; results are capped and say so.

The pathological queries are cartesian products over a synthetic graph (about 4,000
triples: a four-way product is ~2.6e14 rows, which no engine finishes). The server's
own timeout (worker process killed, 503) is tested in tests/test_serve.py.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import synthetic_graph
from serving import running_server

PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
PAIRS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"  # ~1.6e7 rows, streamed
ENGINES = ["oxigraph", "rdflib"]


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("limits") / "graph"
    folder.mkdir()
    synthetic_graph(n_entities=200, n_facts=300, n_articles=6).serialize(folder / "graph.ttl", format="turtle")
    return folder


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return dict(os.environ, AIKG_CACHE_DIR=str(tmp_path_factory.mktemp("cache")), COLUMNS="200")


def aikg(*args, env: dict, engine: str = "oxigraph", timeout: float = 120) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "aikg", *map(str, args)], capture_output=True, text=True,
                            env={**env, "AIKG_QUERY_ENGINE": engine}, timeout=timeout)
    return result, time.monotonic() - started


@pytest.mark.parametrize("engine", ENGINES)
def test_a_runaway_query_is_stopped_at_the_timeout_with_a_clear_message(engine: str, graph: Path, env: dict):
    aikg("query", "--graph", graph, "--sparql", "ASK { ?s ?p ?o }", env=env, engine=engine)  # store built, imports warm
    result, seconds = aikg("query", "--graph", graph, "--sparql", PRODUCT, "--timeout", "1", env=env, engine=engine, timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == "aikg: error: query timed out after 1 s"
    assert result.stdout == ""
    assert seconds < 15, seconds  # stopped at the timeout, and the process exits (no thread keeps it alive)


def test_timeouts_have_sane_defaults_and_refuse_nonsense(graph: Path, env: dict):
    from aikg import query
    from aikg.cli.query import query_command
    from aikg.cli.serve import serve

    default = inspect.signature(query_command).parameters["timeout"].default.default
    assert default == query.DEFAULT_TIMEOUT and 0 < default <= 120
    assert inspect.signature(query.run).parameters["timeout"].default == query.DEFAULT_TIMEOUT
    assert 0 < inspect.signature(serve).parameters["timeout"].default.default <= 120
    for bad in ("0", "-1"):
        result, _ = aikg("query", "--graph", graph, "--sparql", "ASK {}", "--timeout", bad, env=env)
        assert result.returncode == 2 and "Traceback" not in result.stderr and "--timeout" in result.stderr


@pytest.mark.parametrize("engine", ENGINES)
def test_results_are_capped_at_limit_and_say_so(engine: str, graph: Path, env: dict):
    result, seconds = aikg("query", "--graph", graph, "--sparql", PAIRS, "--limit", "5", env=env, engine=engine)
    assert result.returncode == 0, result.stderr
    assert "5 rows (capped at 5; raise --limit for more)" in result.stdout
    assert seconds < 30  # the 1.6e7-row product is never computed, only its first rows
    result, _ = aikg("query", "--graph", graph, "--sparql", PAIRS, "--limit", "5", "--format", "csv", env=env, engine=engine)
    assert result.returncode == 0 and len(result.stdout.strip().splitlines()) == 1 + 5
    assert result.stderr.strip() == "aikg: note: output capped at 5 rows (use --limit)"


def test_default_limit_caps_large_answers(graph: Path, env: dict):
    result, _ = aikg("query", "--graph", graph, "--sparql", "SELECT * WHERE { ?s ?p ?o }", "--format", "tsv", env=env)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 1 + 1000
    assert "capped at 1000" in result.stderr
    result, _ = aikg("query", "--graph", graph, "--sparql", "SELECT * WHERE { ?s ?p ?o }", "--limit", "0", env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_an_answer_under_the_limit_is_not_marked_capped(graph: Path, env: dict):
    result, _ = aikg("query", "--graph", graph, "--sparql", "SELECT * WHERE { ?s a <https://w3id.org/aikg/ontology#Article> }",
                     "--limit", "6", env=env)
    assert result.returncode == 0 and "6 rows" in result.stdout and "capped" not in result.stdout + result.stderr


@pytest.fixture(scope="module")
def server(graph: Path, tmp_path_factory: pytest.TempPathFactory):
    """`aikg serve` on the synthetic graph with a 3 s query timeout."""
    with running_server(graph, tmp_path_factory.mktemp("serve-cache"), "--timeout", "3", "--workers", "1") as served:
        yield served.url + "sparql"


def test_remote_runaway_query_stops_at_the_server_or_client_timeout(server: str, env: dict):
    # the server stops it (worker killed) and says so; the client prints that on one line
    result, seconds = aikg("query", "--endpoint", server, "--sparql", PRODUCT, "--timeout", "30", env=env, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "503" in result.stderr and "timed out after 3 s" in result.stderr and len(result.stderr.splitlines()) == 1
    assert seconds < 20
    # the client's own --timeout is shorter than the server's
    result, seconds = aikg("query", "--endpoint", server, "--sparql", PRODUCT, "--timeout", "1", env=env, timeout=60)
    assert result.returncode == 2 and "no answer within 1 s" in result.stderr, result.stderr
    assert seconds < 15
    # and the server answers the next query
    result, _ = aikg("query", "--endpoint", server, "--sparql", "ASK { ?s ?p ?o }", env=env)
    assert result.returncode == 0 and "true" in result.stdout, result.stderr


def test_remote_results_are_capped_at_limit_and_say_so(server: str, env: dict):
    result, _ = aikg("query", "--endpoint", server, "--sparql", "SELECT * WHERE { ?s ?p ?o }", "--limit", "7",
                     "--format", "csv", env=env)
    assert result.returncode == 0 and len(result.stdout.strip().splitlines()) == 1 + 7, result.stderr
    assert "capped at 7" in result.stderr

