"""Talk to an external SPARQL store: push the graph (Graph Store Protocol), run queries (SPARQL Protocol).

``push(graph_dir, endpoint, graph_iri)`` sends graph.ttl and ontology/aikg.ttl as one
N-Triples document with one HTTP ``PUT`` (SPARQL 1.1 Graph Store Protocol), which
replaces the target graph atomically: the named graph ``graph_iri``, or the default
graph when none is given. ``endpoint`` is either a server's base URL (Oxigraph:
``http://host:7878`` → ``http://host:7878/store``) or a Graph Store URL as given
(Fuseki: ``http://host:3030/ds/data``).

``remote_query(endpoint, sparql, bind, graph_iri)`` POSTs a query (form encoded) to
a SPARQL query endpoint and parses the JSON results. Bound values never become
query text by string pasting: :func:`aikg.sparql.bind_values` turns each into a
validated RDF term in a one-row ``VALUES`` block placed in every group of the WHERE
clause, and checks with Oxigraph's parser that the block gives back exactly the
intended terms, so a value such as ``x" } ; DROP ALL ; #`` stays one string
literal. With ``graph_iri`` the
query is sent with ``default-graph-uri=graph_iri`` (SPARQL 1.1 Protocol), so named
queries written for the default graph read the pushed named graph unchanged.
"""

from __future__ import annotations

import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from aikg import paths
from aikg.errors import AikgError
from aikg.results import answer_result
from aikg.sparql import PREFIXES, bind_values, bound_terms, check_iri, sparql_tokens
from aikg.store import graph_file

USER_AGENT = "aikg"


# --- Graph Store Protocol: push --------------------------------------------------------------


def gsp_url(endpoint: str, graph_iri: str | None) -> str:
    """The Graph Store Protocol URL for ``graph_iri`` (or the default graph) at ``endpoint``."""
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AikgError(f"{endpoint}: not an http(s) URL")
    path = parts.path if parts.path not in ("", "/") else "/store"  # Oxigraph's GSP path
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k not in ("graph", "default")]
    if graph_iri:
        query.append(("graph", check_iri(graph_iri)))
        encoded = urllib.parse.urlencode(query)
    else:
        encoded = "&".join(filter(None, [urllib.parse.urlencode(query), "default"]))
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, encoded, ""))


def graph_payload(graph_dir: Path | str, handle) -> int:
    """Write graph.ttl + the ontology as N-Triples to ``handle``; the number of triples."""
    import pyoxigraph as ox

    store = ox.Store()  # in memory: blank nodes of the two files stay distinct
    for source in (graph_file(graph_dir), paths.ONTOLOGY):
        try:
            store.bulk_load(path=str(source), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        except SyntaxError as err:
            raise AikgError(f"{source}: not valid Turtle ({err})") from None
    store.dump(handle, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return len(store)


def push(graph_dir: Path | str, endpoint: str, graph_iri: str | None = None, *, timeout: float = 300.0) -> tuple[str, int]:
    """PUT the graph into the store at ``endpoint``; (the URL written to, triples sent)."""
    url = gsp_url(endpoint, graph_iri)
    with tempfile.TemporaryFile() as body:
        triples = graph_payload(graph_dir, body)
        size = body.tell()
        body.seek(0)
        request = urllib.request.Request(
            url,
            data=body,
            method="PUT",
            headers={"Content-Type": "application/n-triples", "Content-Length": str(size), "User-Agent": USER_AGENT},
        )
        _send(request, timeout, f"PUT {url}")
    return url, triples


def _send(request: urllib.request.Request, timeout: float, what: str) -> tuple[str, bytes]:
    """(media type, body) of the answer; HTTP and network errors as AikgError."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) checked above
            media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            return media, response.read()
    except urllib.error.HTTPError as err:
        detail = err.read(2000).decode("utf-8", "replace").strip().splitlines()
        raise AikgError(f"{what}: HTTP {err.code} {err.reason}" + (f": {detail[0]}" if detail else "")) from None
    except urllib.error.URLError as err:
        raise AikgError(f"{what}: cannot reach the server ({err.reason})") from None
    except TimeoutError:
        raise AikgError(f"{what}: no answer within {timeout:g} s") from None


# --- SPARQL Protocol: queries -----------------------------------------------------------------

def remote_query(
    endpoint: str,
    sparql: str,
    bind: dict | None = None,
    graph_iri: str | None = None,
    *,
    timeout: float = 60.0,
    accept: str = "application/sparql-results+json",
):
    """POST ``sparql`` (``bind`` as a verified VALUES block) to a SPARQL endpoint; pyoxigraph results.

    A ``QuerySolutions`` (SELECT) or ``QueryBoolean`` (ASK) parsed from SPARQL JSON
    results, or a list of ``Triple`` for an N-Triples/Turtle answer (CONSTRUCT/DESCRIBE).
    aikg's prefixes are declared in front of the query (a query's own declarations,
    coming later, win).
    """
    import pyoxigraph as ox

    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AikgError(f"{endpoint}: not an http(s) URL")
    prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
    form = [("query", prologue + bind_values(sparql, bind, prefixes=PREFIXES))]
    if graph_iri:
        form.append(("default-graph-uri", check_iri(graph_iri)))
    request = urllib.request.Request(
        endpoint,
        data=urllib.parse.urlencode(form).encode(),
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept, "User-Agent": USER_AGENT},
    )
    media, body = _send(request, timeout, f"query {endpoint}")
    try:
        if media in ("application/n-triples", "text/turtle", "application/x-turtle"):
            fmt = ox.RdfFormat.N_TRIPLES if media == "application/n-triples" else ox.RdfFormat.TURTLE
            return [quad.triple for quad in ox.parse(body, format=fmt)]
        fmt = ox.QueryResultsFormat.XML if media.endswith("xml") else ox.QueryResultsFormat.JSON
        return ox.parse_query_results(body, format=fmt)
    except (SyntaxError, ValueError) as err:
        raise AikgError(f"query {endpoint}: the answer is not SPARQL results ({err})") from None


def remote_run(
    endpoint: str,
    sparql: str,
    bind: dict[str, str] | None = None,
    *,
    graph_iri: str | None = None,
    limit: int = 1000,
    timeout: float | None = 60.0,
):
    """``aikg.query.run`` against a remote SPARQL endpoint: the same QueryResult, same binding rules."""
    import time

    if limit < 1:
        raise AikgError(f"limit must be at least 1 (got {limit})")
    variables, _ = sparql_tokens(sparql)
    terms = bound_terms(variables, bind)
    started = time.perf_counter()
    answer = remote_query(
        endpoint, sparql, terms, graph_iri, timeout=timeout or 3600.0,
        accept="application/sparql-results+json, application/n-triples;q=0.9",
    )
    result = answer_result(answer, limit)
    result.seconds = time.perf_counter() - started
    return result
