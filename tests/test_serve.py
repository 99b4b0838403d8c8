"""`aikg serve` as a real server on loopback, spoken to by real HTTP clients."""

from __future__ import annotations

import csv
import io
import json
import re
import time
import urllib.parse
from pathlib import Path
from xml.etree import ElementTree

import pytest
import rdflib
from serving import Server, running_server

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
TIMEOUT = 2.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, mini_dir: Path):
    base = tmp_path_factory.mktemp("serve")
    graph = base / "graph"
    graph.mkdir()
    (graph / "graph.ttl").write_bytes((mini_dir / "graph.ttl").read_bytes())
    site = base / "site"
    (site / "entity").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><title>site home</title><p>站点</p>", encoding="utf-8")
    (site / "entity" / "qwen.html").write_text("<!doctype html><title>qwen</title>", encoding="utf-8")
    (base / "secret.txt").write_text("not to be served", encoding="utf-8")
    with running_server(graph, base / "cache", "--site", str(site), "--timeout", str(TIMEOUT), "--workers", "2") as running:
        yield running


def _count(server: Server) -> int:
    status, _, body = server.get(COUNT)
    assert status == 200
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def _local_count(graph: Path) -> int:
    from aikg import paths

    g = rdflib.Graph().parse(graph / "graph.ttl", format="turtle").parse(paths.ONTOLOGY, format="turtle")
    return len(g)


def test_get_select_answers_sparql_json(server: Server):
    status, headers, body = server.get(COUNT)
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    assert _count(server) == _local_count(server.graph)


def test_post_form_and_post_sparql_query(server: Server):
    query = "SELECT ?label WHERE { ?e a <https://w3id.org/aikg/ontology#Model> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
    status, _, form_body = server.post_form({"query": query})
    assert status == 200
    status, _, direct_body = server.request("POST", "/sparql", query.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 200 and json.loads(direct_body) == json.loads(form_body)
    labels = [b["label"]["value"] for b in json.loads(form_body)["results"]["bindings"]]
    local = rdflib.Graph().parse(server.graph / "graph.ttl", format="turtle")
    assert labels == sorted(str(r[0]) for r in local.query(query))


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/json"),
        ("text/html;q=0.9, text/csv", "text/csv"),
    ],
)
def test_select_formats_by_accept(server: Server, accept: str, media: str):
    query = "SELECT ?e WHERE { ?e a <https://w3id.org/aikg/ontology#Person> } ORDER BY ?e"
    status, headers, body = server.get(query, accept)
    assert status == 200 and headers["Content-Type"].split(";")[0] == media
    text = body.decode("utf-8")
    if media.endswith("xml"):
        root = ElementTree.fromstring(body)
        uris = [u.text for u in root.iter("{http://www.w3.org/2005/sparql-results#}uri")]
    elif media == "text/csv":
        uris = [row[0] for row in list(csv.reader(io.StringIO(text)))[1:]]
    elif media == "text/tab-separated-values":
        uris = [line.strip("<>") for line in text.splitlines()[1:]]
    else:
        uris = [b["e"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert uris and all(u.startswith("https://w3id.org/aikg/entity/") for u in uris)


def test_ask_answers_a_boolean(server: Server):
    status, _, body = server.get("ASK { ?s a <https://w3id.org/aikg/ontology#Article> }")
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, body = server.get("ASK { ?s a <https://w3id.org/aikg/ontology#Nothing> }", "application/sparql-results+xml")
    assert status == 200 and b"<boolean>false</boolean>" in body


def test_construct_and_describe_as_turtle_or_json_ld(server: Server):
    query = "CONSTRUCT { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { ?e a <https://w3id.org/aikg/ontology#Model> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    status, headers, body = server.get(query)
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    turtle = rdflib.Graph().parse(data=body.decode(), format="turtle")
    assert len(turtle) > 0
    status, headers, body = server.get(query, "application/ld+json")
    assert status == 200 and headers["Content-Type"].startswith("application/ld+json")
    assert len(rdflib.Graph().parse(data=body.decode(), format="json-ld")) == len(turtle)
    subject = next(iter(turtle.subjects()))
    status, _, body = server.get(f"DESCRIBE <{subject}>", "text/turtle")
    assert status == 200 and len(rdflib.Graph().parse(data=body.decode(), format="turtle")) > 0


def test_updates_are_refused_and_change_nothing(server: Server):
    before = _count(server)
    status, _, body = server.request("POST", "/sparql", b"DROP ALL", {"Content-Type": "application/sparql-update"})
    assert status == 403 and b"read-only" in body
    status, _, _ = server.post_form({"update": "DELETE WHERE { ?s ?p ?o }"})
    assert status == 403
    status, _, _ = server.request("GET", "/sparql?" + urllib.parse.urlencode({"update": "CLEAR DEFAULT"}))
    assert status == 403
    status, _, body = server.post_form({"query": "DELETE WHERE { ?s ?p ?o }"})
    assert status == 400, "an update sent as a query is a malformed query"
    status, _, _ = server.request("PUT", "/sparql", b"<a> <b> <c> .", {"Content-Type": "text/turtle"})
    assert status == 405
    assert _count(server) == before > 0


def test_service_is_refused(server: Server):
    import socket

    with socket.socket() as listener:  # a port that would see the server's request if it made one
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.5)
        port = listener.getsockname()[1]
        status, _, body = server.get(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
        assert status == 403 and b"SERVICE" in body
        with pytest.raises(OSError):
            listener.accept()


def test_malformed_and_missing_queries_are_400(server: Server):
    status, _, body = server.get("SELECT WHERE {")
    assert status == 400 and b"malformed" in body
    status, _, _ = server.request("GET", "/sparql")
    assert status == 400
    status, _, _ = server.request("POST", "/sparql", b"x", {"Content-Type": "text/plain"})
    assert status == 415


def test_a_slow_query_times_out_and_the_server_keeps_answering(server: Server):
    started = time.monotonic()
    status, _, body = server.get(SLOW)
    elapsed = time.monotonic() - started
    assert status == 503 and b"timed out" in body
    assert TIMEOUT <= elapsed < TIMEOUT + 5
    # both workers still answer (the killed one was replaced)
    for _ in range(4):
        assert _count(server) > 0


def test_two_slow_queries_at_once_do_not_block_the_server_for_long(server: Server):
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        slow = [pool.submit(server.get, SLOW) for _ in range(2)]
        statuses = [f.result()[0] for f in slow]
    assert statuses == [503, 503]
    assert _count(server) > 0


def test_host_header_is_checked_and_no_cors(server: Server):
    status, _, _ = server.request("GET", "/", headers={"Host": "attacker.example"})
    assert status == 403
    status, _, _ = server.request("GET", "/", headers={"Host": f"localhost:{server.port}"})
    assert status == 200
    status, headers, _ = server.request("GET", "/sparql?" + urllib.parse.urlencode({"query": COUNT}), headers={"Origin": "https://attacker.example"})
    assert status == 200 and not any(h.lower().startswith("access-control-") for h in headers)


def test_query_page_is_offline_and_escapes_results(server: Server):
    status, headers, body = server.request("GET", "/")
    page = body.decode("utf-8")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert 'id="yasgui"' in page and 'src="yasgui/yasgui.min.js"' in page and 'src="query.js"' in page
    assert 'id="question"' in page  # the question box (aikg ask)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "no CDN or external resource"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    status, headers, script = server.request("GET", "/query.js")
    js = script.decode("utf-8")
    assert status == 200 and "textContent" in js and "innerHTML" not in js and "http" not in js
    status, _, body = server.request("GET", "/queries.json")
    assert status == 200 and isinstance(json.loads(body), list)


def test_site_pages_are_served_without_escaping_the_folder(server: Server):
    status, headers, body = server.request("GET", "/site/")
    assert status == 200 and "站点" in body.decode("utf-8") and headers["Content-Type"].startswith("text/html")
    status, _, body = server.request("GET", "/site/entity/qwen.html")
    assert status == 200 and b"qwen" in body
    for path in ("/site/../secret.txt", "/site/%2e%2e/secret.txt", "/site/..%2fsecret.txt", "/site/entity/../../secret.txt"):
        status, _, body = server.request("GET", path)
        assert status == 404 and b"not to be served" not in body, path


SW_SELECT = ("SELECT ?label WHERE { ?e a <https://w3id.org/aikg/ontology#Model> ; "
             "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
SW_CONSTRUCT = ("CONSTRUCT { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { "
                "?e a <https://w3id.org/aikg/ontology#Model> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }")
GRAPH_FORMATS = ("xml", "rdf+xml", "rdf", "turtle", "n3", "json-ld", "json")
SPARQLWRAPPER_CHECKS = (  # every return format SPARQLWrapper has for each query form: 20 checks
    [("SELECT", f) for f in ("json", "xml", "csv", "tsv")] + [("ASK", f) for f in ("json", "xml")]
    + [("CONSTRUCT", f) for f in GRAPH_FORMATS] + [("DESCRIBE", f) for f in GRAPH_FORMATS]
)


def _graph_of(converted, fmt: str) -> rdflib.Graph:
    if isinstance(converted, rdflib.Graph):
        return converted
    return rdflib.Graph().parse(data=converted.decode("utf-8"), format="n3" if fmt == "n3" else "turtle")


@pytest.mark.parametrize(("form", "fmt"), SPARQLWRAPPER_CHECKS, ids=[f"{f}-{m}" for f, m in SPARQLWRAPPER_CHECKS])
def test_sparqlwrapper_gets_correct_answers_in_every_format(server: Server, form: str, fmt: str):
    """SPARQLWrapper sends format=, output= and results= beside its Accept header; each answer must convert."""
    import warnings

    from SPARQLWrapper import SPARQLWrapper

    local = rdflib.Graph().parse(server.graph / "graph.ttl", format="turtle")
    model = next(iter(local.query(SW_CONSTRUCT)))[0]
    query = {"SELECT": SW_SELECT, "ASK": "ASK { ?s a <https://w3id.org/aikg/ontology#Model> }",
             "CONSTRUCT": SW_CONSTRUCT, "DESCRIBE": f"DESCRIBE <{model}>"}[form]
    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "Sending Accept header '*/*'" for json/rdf graphs
        converted = client.query().convert()
    if form == "SELECT":
        expected = sorted(str(row[0]) for row in local.query(SW_SELECT))
        if fmt == "json":
            got = [b["label"]["value"] for b in converted["results"]["bindings"]]
        elif fmt == "xml":
            got = [node.firstChild.data for node in converted.getElementsByTagName("literal")]
        else:
            rows = converted.decode("utf-8").splitlines()
            assert rows[0] == ("label" if fmt == "csv" else "?label")
            got = [next(csv.reader([r]))[0] if fmt == "csv" else r.strip('"') for r in rows[1:]]
        assert sorted(got) == expected and expected
    elif form == "ASK":
        got = converted["boolean"] if fmt == "json" else converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
        assert got is True
    elif form == "CONSTRUCT":
        assert set(_graph_of(converted, fmt)) == set(local.query(SW_CONSTRUCT).graph) != set()
    else:
        status, _, body = server.get(query, "application/n-triples")
        assert status == 200
        described = set(rdflib.Graph().parse(data=body.decode(), format="nt"))
        assert set(_graph_of(converted, fmt)) == described and any(t[0] == model for t in described)


def test_sparqlwrapper_ask_as_csv_or_tsv_is_refused(server: Server):
    """CSV and TSV define no boolean form: 406, which SPARQLWrapper reports as an error."""
    from urllib.error import HTTPError

    from SPARQLWrapper import SPARQLWrapper

    for fmt in ("csv", "tsv"):
        client = SPARQLWrapper(server.url + "sparql")
        client.setQuery("ASK { ?s ?p ?o }")
        client.setReturnFormat(fmt)
        with pytest.raises(HTTPError) as refused:
            client.query()
        assert refused.value.code == 406


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # a triple cross product


def test_runaway_queries_do_not_starve_a_named_query(tmp_path: Path, mini_dir: Path, repo_root: Path):
    """2 × --workers runaway queries at once: a named query still answers within 1 s, and the
    runaways beyond --workers are stopped with 503 and Retry-After instead of holding workers."""
    import concurrent.futures

    graph = tmp_path / "graph"
    graph.mkdir()
    (graph / "graph.ttl").write_bytes((mini_dir / "graph.ttl").read_bytes())
    named = (repo_root / "queries" / "models-by-organization.rq").read_text(encoding="utf-8")
    workers = 2
    with running_server(graph, tmp_path / "cache", "--workers", str(workers), "--timeout", "20") as srv:
        assert srv.get("ASK {}")[0] == 200  # the workers are up
        with concurrent.futures.ThreadPoolExecutor(2 * workers) as pool:
            runaways = [pool.submit(srv.get, f"{RUNAWAY} # {i}") for i in range(2 * workers)]
            time.sleep(0.2)  # they hold every worker now
            started = time.monotonic()
            status, _, body = srv.request("POST", "/sparql", named.encode(), {"Content-Type": "application/sparql-query"})
            elapsed = time.monotonic() - started
            assert status == 200 and json.loads(body)["results"]["bindings"], body
            assert elapsed < 1.0, f"a named query took {elapsed:.2f} s behind runaway queries"
            deadline = time.monotonic() + 10
            while sum(f.done() for f in runaways) < workers and time.monotonic() < deadline:
                time.sleep(0.05)
            stopped = [f.result() for f in runaways if f.done()]
            assert len(stopped) == workers and all(s == 503 and "Retry-After" in h and b"long queries are already running" in b for s, h, b in stopped)
            srv.process.terminate()  # the other runaways end with the server
