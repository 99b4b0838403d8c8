"""`aikg push` and remote queries against a real Oxigraph server started on loopback.

The server is the ``oxigraph`` binary of the ``oxigraph`` PyPI package (the test
extra); a machine without it fails here with the install command, it does not skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from aikg.errors import AikgError
from aikg.push import bind_values, gsp_url, push, remote_query
from aikg.store import open_store

GRAPH_IRI = "https://w3id.org/aikg/graph/test"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
HOSTILE = [
    'x" } ; DROP ALL ; #',
    "x' } ; DROP ALL ; #",
    'x""" } DROP ALL #',
    "back\\slash \\u0022 } ; DROP ALL ; #",
    "line\nbreak\r} ; CLEAR DEFAULT",
    "> ; DROP ALL",
    "通义千问",
]


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).is_file():
        pytest.fail("the oxigraph server binary is missing: pip install oxigraph (it is in aikg's [test] extra)")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory):
    """Base URL of a fresh Oxigraph server on a free loopback port (stopped afterwards)."""
    location = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    log = open(location.parent / "oxigraph.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(location / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.close()
                pytest.fail(f"oxigraph serve did not start: {(location.parent / 'oxigraph.log').read_text()}")
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(10)
    log.close()


pytestmark = pytest.mark.usefixtures("cache_dir")


def _remote_count(base: str, graph: str | None = None) -> int:
    rows = list(remote_query(base + "/query", COUNT, graph_iri=graph))
    return int(rows[0]["n"].value)


def test_push_into_the_default_graph_then_a_named_graph(oxigraph: str, mini_copy: Path):
    local = len(open_store(mini_copy))
    url, sent = push(mini_copy, oxigraph)
    assert url.endswith("/store?default") and sent == local
    assert _remote_count(oxigraph) == local
    url, sent = push(mini_copy, oxigraph + "/store", GRAPH_IRI)
    assert "graph=" in url and sent == local
    assert _remote_count(oxigraph, GRAPH_IRI) == local
    rows = list(remote_query(oxigraph + "/query", f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH_IRI}> {{ ?s ?p ?o }} }}"))
    assert int(rows[0]["n"].value) == local


def test_push_replaces_the_graph(oxigraph: str, mini_copy: Path, tmp_path: Path):
    push(mini_copy, oxigraph, GRAPH_IRI)
    small = tmp_path / "small"
    small.mkdir()
    (small / "graph.ttl").write_text(
        '<https://w3id.org/aikg/entity/only> <http://www.w3.org/2000/01/rdf-schema#label> "only" .\n', encoding="utf-8"
    )
    _, sent = push(small, oxigraph, GRAPH_IRI)
    assert _remote_count(oxigraph, GRAPH_IRI) == sent < len(open_store(mini_copy))
    push(mini_copy, oxigraph, GRAPH_IRI)
    assert _remote_count(oxigraph, GRAPH_IRI) == len(open_store(mini_copy))


def test_remote_bindings_match_local_substitutions(oxigraph: str, mini_copy: Path):
    push(mini_copy, oxigraph)
    query = "SELECT ?e ?name WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?name } ORDER BY ?e"
    store = open_store(mini_copy)
    for row in list(store.query(query))[:5]:
        local = [(r["e"], r["name"]) for r in store.query(query, substitutions={ox.Variable("name"): row["name"]})]
        remote = [(r["e"], r["name"]) for r in remote_query(oxigraph + "/query", query, {"name": row["name"].value})]
        assert remote == local and local


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_stay_one_literal(oxigraph: str, mini_copy: Path, value: str):
    push(mini_copy, oxigraph)
    before = _remote_count(oxigraph)
    echoed = list(remote_query(oxigraph + "/query", "SELECT ?x WHERE { }", {"x": value}))
    assert [r["x"] for r in echoed] == [ox.Literal(value)]
    rows = list(remote_query(oxigraph + "/query", "SELECT ?e WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?name }", {"name": value}))
    assert rows == []
    assert _remote_count(oxigraph) == before > 0


def test_bad_iris_and_names_are_refused_before_sending():
    with pytest.raises(AikgError, match="not a valid IRI"):
        gsp_url("http://127.0.0.1:1", "http://x/> DROP ALL")
    with pytest.raises(AikgError, match="not a SPARQL variable"):
        bind_values("SELECT ?x WHERE { ?x ?p ?o }", {"x } DROP ALL": "a"})
    from rdflib import URIRef

    with pytest.raises(AikgError):
        bind_values("SELECT ?x WHERE { ?x ?p ?o }", {"x": URIRef("http://e/a> } ; DROP ALL ; <http://e/b")})
    with pytest.raises(AikgError, match="not an http"):
        gsp_url("file:///etc/passwd", None)


def test_bind_values_respects_strings_comments_and_construct_templates():
    query = '# { not the group\nCONSTRUCT { ?s <http://e/p> "{" } WHERE { ?s ?p ?o FILTER(?o != "}") }'
    bound = bind_values(query, {"o": "a"})
    assert bound.index("VALUES") > bound.index("WHERE")
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/q"), ox.Literal("a")))
    store.add(ox.Quad(ox.NamedNode("http://e/t"), ox.NamedNode("http://e/q"), ox.Literal("b")))
    assert {t.subject.value for t in store.query(bound)} == {"http://e/s"}


def test_cli_push_and_errors(oxigraph: str, mini_copy: Path, tmp_path: Path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    done = subprocess.run(
        [sys.executable, "-m", "aikg", "push", "--endpoint", oxigraph, "--graph", GRAPH_IRI, "--from", str(mini_copy)],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("pushed ") and GRAPH_IRI in done.stdout
    refused = subprocess.run(
        [sys.executable, "-m", "aikg", "push", "--endpoint", f"http://127.0.0.1:{free_port()}", "--from", str(mini_copy)],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert refused.returncode == 2 and refused.stderr.startswith("aikg: error: ") and "cannot reach" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def _named_cases():
    from aikg.query import list_queries

    cases = []
    for query in list_queries():
        cases.append((query, {}))
        cases += [(query, {b.var: b.example}) for b in query.binds if b.example]
    assert cases, "queries/*.rq are missing"
    return cases


@pytest.mark.parametrize("graph_iri", [None, GRAPH_IRI])
def test_named_queries_answer_the_same_rows_remotely(oxigraph: str, mini_copy: Path, graph_iri: str | None):
    from aikg.push import remote_run
    from aikg.query import format_result, run

    push(mini_copy, oxigraph, graph_iri)
    if graph_iri:  # the default graph holds something else: the query must read the named graph
        small = mini_copy.parent / "other"
        small.mkdir(exist_ok=True)
        (small / "graph.ttl").write_text('<https://w3id.org/aikg/entity/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n', encoding="utf-8")
        push(small, oxigraph)
    for query, bind in _named_cases():
        local = run(mini_copy, query.sparql, bind)
        remote = remote_run(oxigraph + "/query", query.sparql, bind, graph_iri=graph_iri)
        assert remote.variables == local.variables, query.name
        assert remote.rows == local.rows, (query.name, bind)
        assert format_result(remote, "json") == format_result(local, "json"), (query.name, bind)


def test_remote_run_refuses_hostile_bindings_and_keeps_the_store(oxigraph: str, mini_copy: Path):
    from aikg.push import remote_run
    from aikg.query import load_query

    push(mini_copy, oxigraph)
    before = _remote_count(oxigraph)
    query = load_query("entity-aliases")
    assert remote_run(oxigraph + "/query", query.sparql, {"name": 'x" } ; DROP ALL ; #'}).rows == []
    with pytest.raises(AikgError, match="not a valid IRI"):
        remote_run(oxigraph + "/query", query.sparql, {"name": "<http://e/a> } ; DROP ALL ; <x>"})
    with pytest.raises(AikgError, match="no variable"):
        remote_run(oxigraph + "/query", query.sparql, {"nope": "x"})
    assert _remote_count(oxigraph) == before


def test_cli_query_endpoint_prints_what_the_local_query_prints(oxigraph: str, mini_copy: Path, tmp_path: Path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    aikg = [sys.executable, "-m", "aikg"]
    pushed = subprocess.run([*aikg, "push", "-e", oxigraph, "--graph", GRAPH_IRI, "--from", str(mini_copy)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert pushed.returncode == 0, pushed.stderr
    for args in (["developer-of", "--bind", "name=Qwen"], ["entity-aliases"], ["most-mentioned-entities", "-f", "tsv"]):
        local = subprocess.run([*aikg, "query", *args, "--graph", str(mini_copy), "-f", "json"] if "-f" not in args
                               else [*aikg, "query", *args, "--graph", str(mini_copy)],
                               capture_output=True, text=True, env=env, timeout=120)
        remote = subprocess.run([*aikg, "query", *args, "--endpoint", oxigraph + "/query", "--remote-graph", GRAPH_IRI]
                                + ([] if "-f" in args else ["-f", "json"]),
                                capture_output=True, text=True, env=env, timeout=120)
        assert local.returncode == remote.returncode == 0, (local.stderr, remote.stderr)
        assert remote.stdout == local.stdout and local.stdout.strip()
    hostile = subprocess.run([*aikg, "query", "entity-aliases", "--bind", 'name=x" } ; DROP ALL ; #', "-e", oxigraph + "/query",
                              "--remote-graph", GRAPH_IRI, "-f", "csv"], capture_output=True, text=True, env=env, timeout=120)
    assert hostile.returncode == 0 and hostile.stdout.strip().count("\n") == 0, hostile.stderr
    assert _remote_count(oxigraph, GRAPH_IRI) == len(open_store(mini_copy))
    refused = subprocess.run([*aikg, "query", "entity-aliases", "-e", f"http://127.0.0.1:{free_port()}/query"],
                             capture_output=True, text=True, env=env, timeout=60)
    assert refused.returncode == 2 and refused.stderr.startswith("aikg: error: ") and len(refused.stderr.splitlines()) == 1
