"""The W3C SPARQL 1.1 Protocol query cases and results-format cases, against a real `aikg serve`.

The server's store is the one aikg builds for the mini graph, with the W3C data added as
named graphs before the server opens it read-only: the protocol cases' data1/2/3.rdf,
and the data of each results-format case, which a request selects with
``default-graph-uri`` (so those cases also exercise the protocol's dataset rules).
Files under tests/w3c/ (see its README for what is W3C's and what is written here).
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
from pathlib import Path
from xml.etree import ElementTree

import pytest
import rdflib
from serving import Server, running_server

W3C = Path(__file__).resolve().parent / "w3c"
KASEI = "http://kasei.us/2009/09/sparql/data/"
D0, D1, D2, D3 = (urllib.parse.quote(f"{KASEI}data{i}.rdf", safe="") for i in range(4))
DATA = {  # named graph -> file; the results-format cases query one of them as their default graph
    "urn:w3c:csv-tsv-res:data.ttl": W3C / "csv-tsv-res" / "data.ttl",
    "urn:w3c:csv-tsv-res:data2.ttl": W3C / "csv-tsv-res" / "data2.ttl",
    "urn:w3c:json-res:data.ttl": W3C / "json-res" / "data.ttl",
}
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory: pytest.TempPathFactory, mini_dir: Path):
    import pyoxigraph as ox

    from aikg.store import ensure_store

    base = tmp_path_factory.mktemp("w3c")
    graph = base / "graph"
    graph.mkdir()
    (graph / "graph.ttl").write_bytes((mini_dir / "graph.ttl").read_bytes())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(base / "cache"))
        patch.delenv("AIKG_CACHE_DIR", raising=False)
        store = ox.Store(str(ensure_store(graph) / "db"))
    store.load(path=str(W3C / "protocol" / "data.trig"), format=ox.RdfFormat.TRIG)
    for name, path in DATA.items():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(name))
    store.flush()
    del store
    with running_server(graph, base / "cache", "--workers", "1") as running:
        yield running


# --- the protocol's query cases (manifest.ttl, transcribed: method, path, content type, body, expected)

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
ASK_12 = f"ASK {{ <{KASEI}data1.rdf> a ?type . <{KASEI}data2.rdf> a ?type . }}"
ASK_G12 = f"ASK {{ GRAPH ?g1 {{ <{KASEI}data1.rdf> a ?type }} GRAPH ?g2 {{ <{KASEI}data2.rdf> a ?type }} }}"
ASK_FULL = (f"ASK {{\n  <{KASEI}data3.rdf> a ?type\n  GRAPH ?g1 {{ <{KASEI}data1.rdf> a ?type }}\n"
            f"  GRAPH ?g2 {{ <{KASEI}data2.rdf> a ?type }}\n}}")
ASK_FROM3 = (f"ASK FROM <{KASEI}data3.rdf> {{ GRAPH ?g1 {{ <{KASEI}data1.rdf> a ?type }} "
             f"GRAPH ?g2 {{ <{KASEI}data2.rdf> a ?type }} }}")
q = urllib.parse.quote

QUERY_CASES = {
    "query_post_form": ("POST", f"/sparql/?default-graph-uri={D0}", FORM, "query=ASK%20%7B%7D", "true"),
    "query_dataset_default_graphs_get": (
        "GET", f"/sparql/?query={q(ASK_12, safe='')}&default-graph-uri={D1}&default-graph-uri={D2}", None, None, "true"),
    "query_dataset_default_graphs_post": (
        "POST", f"/sparql/?default-graph-uri={D1}&default-graph-uri={D2}", QUERY, ASK_12, "true"),
    "query_dataset_named_graphs_post": (
        "POST", f"/sparql/?named-graph-uri={D1}&named-graph-uri={D2}", QUERY, ASK_G12, "true"),
    "query_dataset_named_graphs_get": (
        "GET", f"/sparql/?query={q(ASK_G12, safe='')}&named-graph-uri={D1}&named-graph-uri={D2}", None, None, "true"),
    "query_dataset_full": (
        "POST", f"/sparql/?default-graph-uri={D3}&named-graph-uri={D1}&named-graph-uri={D2}", QUERY, ASK_FULL, "true"),
    # the manifest's path encodes the '&' between the two named graphs as %26 (one odd IRI);
    # the case as its author implemented it names two graphs (w3c/rdf-tests#78): sent that way
    "query_multiple_dataset": ("POST", f"/sparql/?named-graph-uri={D1}&named-graph-uri={D2}", QUERY, ASK_FROM3, "true"),
    "query_get": ("GET", f"/sparql/?query=ASK%20%7B%7D&default-graph-uri={D0}", None, None, "true"),
    "query_content_type_select": ("POST", f"/sparql/?default-graph-uri={D0}", QUERY, "SELECT (1 AS ?value) {}", "tabular"),
    "query_content_type_ask": ("POST", f"/sparql/?default-graph-uri={D0}", QUERY, "ASK {}", "boolean"),
    "query_content_type_describe": ("POST", f"/sparql/?default-graph-uri={D0}", QUERY, "DESCRIBE <http://example.org/>", "rdf"),
    "query_content_type_construct": ("POST", f"/sparql/?default-graph-uri={D0}", QUERY, "CONSTRUCT { <s> <p> 1 } WHERE {}", "rdf"),
    "query_post_direct": ("POST", "/sparql/", QUERY, "ASK {}", "true"),
    "bad_query_method": ("PUT", f"/sparql/?query=ASK%20%7B%7D&default-graph-uri={D0}", FORM, "", "4xx"),
    "bad_multiple_queries": ("GET", "/sparql/?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", None, None, "4xx"),
    "bad_query_wrong_media_type": ("POST", "/sparql/", "text/plain", "ASK {}", "4xx"),
    "bad_query_missing_form_type": ("POST", "/sparql/", None, "query=ASK%20%7B%7D", "4xx"),
    "bad_query_missing_direct_type": ("POST", "/sparql/", None, "ASK {}", "4xx"),
    "bad_query_non_utf8": ("POST", "/sparql/", f"{QUERY}; charset=UTF-16", "ASK {}".encode("utf-16"), "4xx"),
    "bad_query_syntax": ("GET", "/sparql/?query=ASK%20%7B", None, None, "4xx"),
}

# update cases: the endpoint is read-only, so every one is refused (403 / 4xx) and changes nothing
USING1 = "using-graph-uri=" + D1
UPDATE_CASES = {
    "update_dataset_default_graph": ("POST", f"/sparql/?{USING1}", UPDATE, "CLEAR ALL ; INSERT DATA { GRAPH <http://e/g> { <http://e/s> a <http://e/C> } }"),
    "update_dataset_default_graphs": ("POST", f"/sparql/?{USING1}&using-graph-uri={D2}", UPDATE, "DROP ALL"),
    "update_dataset_named_graphs": ("POST", f"/sparql/?using-named-graph-uri={D1}", UPDATE, "DROP ALL"),
    "update_dataset_full": ("POST", f"/sparql/?{USING1}&using-named-graph-uri={D2}", UPDATE, "DROP ALL"),
    "update_post_form": ("POST", "/sparql/", FORM, "update=CLEAR+ALL"),
    "update_post_direct": ("POST", "/sparql/", UPDATE, "CLEAR ALL"),
    "update_base_uri": ("POST", "/sparql/", UPDATE, "INSERT DATA { GRAPH <http://example.org/protocol-base-test/> { <http://example.org/s> <http://example.org/p> <test> } }"),
    "bad_update_get": ("GET", "/sparql/?update=CLEAR%20ALL", None, None),
    "bad_multiple_updates": ("POST", "/sparql/", FORM, "update=CLEAR%20NAMED&update=CLEAR%20DEFAULT"),
    "bad_update_wrong_media_type": ("POST", "/sparql/", "text/plain", "CLEAR NAMED"),
    "bad_update_missing_form_type": ("POST", "/sparql/", None, "update=CLEAR%20NAMED"),
    "bad_update_non_utf8": ("POST", "/sparql/", f"{UPDATE}; charset=UTF-16", "CLEAR NAMED".encode("utf-16")),
    "bad_update_syntax": ("POST", "/sparql/", FORM, "update=CLEAR%20XYZ"),
    "bad_update_dataset_conflict": ("POST", "/sparql/?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople", UPDATE,
                                    "WITH <http://example/addresses> DELETE { ?p <http://e/n> 'Bill' } WHERE { ?p <http://e/n> 'Bill' }"),
}


def _send(server: Server, method: str, path: str, content_type: str | None, body):
    headers = {"Content-Type": content_type} if content_type else {}
    if body is not None and content_type is None:
        headers["Content-Type"] = ""  # no media type at all, as the case sends
    return server.request(method, path, body, headers)


def _boolean(headers: dict, body: bytes) -> bool:
    media = headers["Content-Type"].split(";")[0]
    if media in ("application/sparql-results+json", "application/json"):
        return json.loads(body)["boolean"]
    assert media in ("application/sparql-results+xml", "application/xml"), media
    return ElementTree.fromstring(body).find(f"{SPARQL_RESULTS}boolean").text == "true"


@pytest.mark.parametrize("case", list(QUERY_CASES))
def test_w3c_protocol_query_case(w3c_server: Server, case: str):
    method, path, content_type, body, expected = QUERY_CASES[case]
    status, headers, answer = _send(w3c_server, method, path, content_type, body)
    if expected == "4xx":
        assert 400 <= status < 500, (status, answer)
        assert b"Traceback" not in answer and answer.count(b"\n") <= 1
        return
    assert 200 <= status < 400, (status, answer)
    media = headers["Content-Type"].split(";")[0]
    if expected in ("true", "boolean"):
        value = _boolean(headers, answer)
        assert value is True or expected == "boolean"
    elif expected == "tabular":
        assert media in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                         "text/tab-separated-values")
        assert json.loads(answer)["head"]["vars"] == ["value"]
    else:
        assert media in ("text/turtle", "application/rdf+xml", "application/n-triples", "application/ld+json")
        graph = rdflib.Graph().parse(data=answer.decode(), format="turtle")
        if "CONSTRUCT" in body:  # <s> and <p> resolved against the endpoint's URL
            assert set(graph) == {(rdflib.URIRef(w3c_server.url + "s"), rdflib.URIRef(w3c_server.url + "p"), rdflib.Literal(1))}


@pytest.mark.parametrize("case", list(UPDATE_CASES))
def test_w3c_protocol_update_case_is_refused(w3c_server: Server, case: str):
    before = w3c_server.get(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} # {case}")[2]
    status, _, answer = _send(w3c_server, *UPDATE_CASES[case])
    assert 400 <= status < 500, (status, answer)
    if case.startswith("update_") or case in ("bad_update_get", "bad_multiple_updates", "bad_update_syntax",
                                              "bad_update_dataset_conflict", "bad_update_non_utf8"):
        assert status == 403 and b"read-only" in answer
    after = w3c_server.get(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} # {case} after")[2]
    assert json.loads(after) == json.loads(before)


def test_the_manifests_query_multiple_dataset_as_written_names_one_graph(w3c_server: Server):
    """The manifest's path, %26 included: one named graph with an odd IRI that holds nothing, so the
    protocol dataset (which replaces FROM) has no data1/data2 graph: false, as §2.1.4 says."""
    odd = f"{D1}%26named-graph-uri%3D{D2}"
    status, headers, answer = _send(w3c_server, "POST", f"/sparql/?named-graph-uri={odd}", QUERY, ASK_FROM3)
    assert status == 200 and _boolean(headers, answer) is False


def test_default_graph_uri_alone_sees_no_named_graphs(w3c_server: Server):
    ask = "ASK { GRAPH ?g { ?s ?p ?o } }"
    assert _boolean(*w3c_server.get(ask)[1:]) is True
    assert _boolean(*w3c_server.get(ask, **{"default-graph-uri": f"{KASEI}data1.rdf"})[1:]) is False
    status, _, answer = w3c_server.get(ask, **{"default-graph-uri": "not an iri"})
    assert status == 400 and answer.count(b"\n") == 1


# --- the results-format cases ------------------------------------------------------------


def _select(server: Server, folder: str, query: str, data: str, accept: str) -> tuple[dict, bytes]:
    sparql = (W3C / folder / query).read_text(encoding="utf-8")
    status, headers, body = server.get(sparql, accept, **{"default-graph-uri": data})
    assert status == 200, body
    assert headers["Content-Type"].split(";")[0] == accept
    return headers, body


def _json_rows(document: dict) -> tuple[list[str], list[dict]]:
    """(vars, bindings) with SPARQL 1.0's typed-literal, xsd:string and blank node labels normalized."""
    rows = []
    for binding in document["results"]["bindings"]:
        row = {}
        for name, term in binding.items():
            term = dict(term, type="literal" if term["type"] == "typed-literal" else term["type"])
            if term.get("datatype") == "http://www.w3.org/2001/XMLSchema#string":
                del term["datatype"]
            if term["type"] == "bnode":
                term["value"] = "_"
            row[name] = term
        rows.append(row)
    return document["head"]["vars"], sorted(rows, key=lambda r: json.dumps(r, sort_keys=True))


@pytest.mark.parametrize("case", ["jsonres01", "jsonres02"])
def test_w3c_json_results_select(w3c_server: Server, case: str):
    _, body = _select(w3c_server, "json-res", f"{case}.rq", "urn:w3c:json-res:data.ttl", "application/sparql-results+json")
    expected = json.loads((W3C / "json-res" / f"{case}.srj").read_text(encoding="utf-8"))
    assert _json_rows(json.loads(body)) == _json_rows(expected)  # head vars in order of first appearance


@pytest.mark.parametrize("case", ["jsonres03", "jsonres04"])
def test_w3c_json_results_ask(w3c_server: Server, case: str):
    _, body = _select(w3c_server, "json-res", f"{case}.rq", "urn:w3c:json-res:data.ttl", "application/sparql-results+json")
    expected = json.loads((W3C / "json-res" / f"{case}.srj").read_text(encoding="utf-8"))
    assert json.loads(body)["boolean"] is expected["boolean"]


def _csv_cells(text: str) -> list[list[str]]:
    return [[re.sub(r"^_:\w+$", "_:", cell) for cell in row] for row in csv.reader(io.StringIO(text))]


XSD_STRING = "^^<http://www.w3.org/2001/XMLSchema#string>"


def _tsv_cells(text: str) -> list[list[str]]:
    """TSV cells as RDF 1.1 terms: "x"^^xsd:string is "x"; blank node labels dropped."""
    rows = []
    for line in text.splitlines():
        cells = [cell[: -len(XSD_STRING)] if cell.endswith(XSD_STRING) else cell for cell in line.split("\t")]
        rows.append([re.sub(r"^_:\w+$", "_:", cell) for cell in cells])
    return rows


# (query, data, expected) per case; store_difference: the cells pyoxigraph canonicalizes on load
FORMAT_CASES = {
    "csv01": ("csvtsv01.rq", "data.ttl", "csvtsv01.csv"),
    "tsv01": ("csvtsv01.rq", "data.ttl", "csvtsv01.tsv"),
    "csv02": ("csvtsv02.rq", "data.ttl", "csvtsv02.csv"),
    "tsv02": ("csvtsv02.rq", "data.ttl", "csvtsv02.tsv"),
    "csv03": ("csvtsv01.rq", "data2.ttl", "csvtsv03.csv"),
    "tsv03": ("csvtsv01.rq", "data2.ttl", "csvtsv03.tsv"),
}
STORE_DIFFERENCES = {  # case -> {(row, column): (expected cell, pyoxigraph's canonical form)}
    "csv03": {(6, 2): ("1.0E6", "1000000")},
    "tsv03": {(3, 2): ('"-3"^^<http://www.w3.org/2001/XMLSchema#negativeInteger>', "-3"),
              (6, 2): ("1.0E6", '"1000000"^^<http://www.w3.org/2001/XMLSchema#double>')},
}


@pytest.mark.parametrize("case", list(FORMAT_CASES))
def test_w3c_csv_tsv_results(w3c_server: Server, case: str):
    query, data, expected_file = FORMAT_CASES[case]
    media = "text/csv" if case.startswith("csv") else "text/tab-separated-values"
    _, body = _select(w3c_server, "csv-tsv-res", query, f"urn:w3c:csv-tsv-res:{data}", media)
    cells = _csv_cells if media == "text/csv" else _tsv_cells
    got = cells(body.decode("utf-8"))
    expected = cells((W3C / "csv-tsv-res" / expected_file).read_text(encoding="utf-8"))
    assert len(got) == len(expected) and got[0] == expected[0]  # header: variables in order of appearance
    differences = {(r, c): (expected[r][c], got[r][c]) for r in range(len(got)) for c in range(len(got[r]))
                   if got[r][c] != expected[r][c]}
    assert differences == STORE_DIFFERENCES.get(case, {}), "only pyoxigraph's canonical forms may differ"


def test_ask_has_no_csv_or_tsv_form(w3c_server: Server):
    for media in ("text/csv", "text/tab-separated-values"):
        status, _, body = w3c_server.get("ASK {}", media)
        assert status == 406 and b"ASK answers come as" in body
    status, _, body = w3c_server.get("ASK {}", None, format="csv")
    assert status == 406


def test_carriage_return_survives_xml_results(w3c_server: Server):
    query = 'SELECT ?v WHERE { BIND("a\\r\\nb\\rc" AS ?v) }'
    status, _, body = w3c_server.get(query, "application/sparql-results+xml")
    assert status == 200
    literal = ElementTree.fromstring(body).find(f".//{SPARQL_RESULTS}literal")
    assert literal.text == "a\r\nb\rc"
    status, _, body = w3c_server.get("CONSTRUCT { <http://e/s> <http://e/p> ?v } WHERE { BIND(\"x\\ry\" AS ?v) }",
                                     "application/rdf+xml")
    assert status == 200 and str(next(iter(rdflib.Graph().parse(data=body.decode(), format="xml")))[2]) == "x\ry"
