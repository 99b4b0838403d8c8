"""A synthetic 1M-triple graph of the same shape: load time and query latency, rdflib vs Oxigraph.

rdflib parses the file into an in-memory Graph; Oxigraph bulk-loads it into an
on-disk store (aikg.store's way). Each engine runs in its own process (peak RSS
per engine). Queries: joins and aggregates in the shape of the named queries,
plus every named query of queries/ with its default bindings.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from common import REPO, fmt, run_child, scratch, table

P = """PREFIX aikg: <https://w3id.org/aikg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
QUERIES = {
    "lookup: entity by label": (P + 'SELECT ?e ?type WHERE { ?e rdfs:label "Model 5005" ; a ?type }', "lookup"),
    "aggregate: entities per type": (P + "SELECT ?type (COUNT(?e) AS ?n) WHERE { ?e a ?type } GROUP BY ?type ORDER BY DESC(?n)", "aggregate"),
    "aggregate+join: top developers": (
        P + "SELECT ?org (COUNT(?m) AS ?n) WHERE { ?m aikg:developedBy ?org . ?org a aikg:Organization } "
        "GROUP BY ?org ORDER BY DESC(?n) ?org LIMIT 10", "aggregate"),
    "join: facts with provenance (count)": (
        P + "SELECT (COUNT(*) AS ?n) WHERE { ?st rdf:subject ?s ; rdf:predicate aikg:basedOn ; rdf:object ?o ; "
        "prov:wasDerivedFrom ?a . ?a dcterms:title ?title . ?s rdfs:label ?sl . ?o rdfs:label ?ol }", "join"),
    "join: 2-hop colleagues (count)": (
        P + "SELECT (COUNT(*) AS ?n) WHERE { ?p aikg:affiliatedWith ?org . ?m aikg:developedBy ?org . ?m a aikg:Model }", "join"),
    "join: one entity's facts + evidence": (
        P + "SELECT ?p ?o ?evidence WHERE { VALUES ?s { <https://w3id.org/aikg/entity/model-5005> } "
        "?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; aikg:evidence ?evidence }", "lookup"),
}

RDFLIB = """
import ctypes, json, statistics, threading, time
import rdflib
t = time.perf_counter()
g = rdflib.Graph().parse({graph!r}, format="turtle")
load = time.perf_counter() - t
queries = json.loads({queries!r})


def timed(text, limit):
    box = {{}}
    def work():
        try:
            t = time.perf_counter(); box["rows"] = len(list(g.query(text))); box["s"] = time.perf_counter() - t
        except BaseException:
            pass
    worker = threading.Thread(target=work, daemon=True)
    worker.start(); worker.join(limit)
    if worker.is_alive():  # rdflib is pure Python: interrupt it at its next bytecode
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(KeyboardInterrupt))
        worker.join(30)
        return None
    return box["s"], box["rows"]


times = {{}}
for name, text in queries.items():
    first = timed(text, {limit})
    if first is None:
        times[name] = None
        continue
    runs = [first[0]] + ([] if first[0] > 10 else [timed(text, {limit})[0] for _ in range({repeat} - 1)])
    times[name] = [statistics.median(runs) * 1000, first[1]]
RESULT = dict(load=load, triples=len(g), times=times)
"""
OXIGRAPH = """
import json, time, statistics
import pyoxigraph as ox
t = time.perf_counter()
store = ox.Store({location!r})
store.bulk_load(path={graph!r}, format=ox.RdfFormat.TURTLE)
store.flush(); store.optimize(); del store
store = ox.Store.read_only({location!r})
load = time.perf_counter() - t
queries = json.loads({queries!r})
times = {{}}
for name, text in queries.items():
    t = time.perf_counter(); list(store.query(text)); warm = time.perf_counter() - t
    runs = []
    for _ in range(3 if warm > 1 else {repeat}):
        t = time.perf_counter(); rows = list(store.query(text)); runs.append(time.perf_counter() - t)
    times[name] = [statistics.median(runs) * 1000, len(rows)]
RESULT = dict(load=load, triples=len(store), times=times)
"""


# named queries that stay under ~2 s on Oxigraph at 1M unbound; the others return 60k-120k rows
# (or, co-mention pairs, tens of millions) and say nothing about the engines that these do not
NAMED_1M = ("article-authors", "article-overview", "based-on", "developer-of", "models-by-organization",
            "person-affiliations", "statements-by-rule", "technologies-used-by", "most-mentioned-entities")


def named_queries() -> dict[str, tuple[str, str]]:
    from bench_queries import named_query_texts

    texts = named_query_texts()
    return {f"named: {name}": (texts[name], "named") for name in NAMED_1M if name in texts}


def main(size: int = 1_000_000, rdflib_repeat: int = 3, oxigraph_repeat: int = 9, rdflib_limit: float = 300.0) -> str:
    import synth

    work = scratch("1m")
    graph = work / "graph.ttl"
    written = synth.write(graph, size)
    queries = {**QUERIES, **named_queries()}
    texts = json.dumps({name: q for name, (q, _) in queries.items()})
    print(f"  1M: {written} triples written; loading with Oxigraph...", file=sys.stderr)
    ox_result = run_child(OXIGRAPH.format(graph=str(graph), location=str(work / "store"), queries=texts, repeat=oxigraph_repeat))
    print("  1M: loading with rdflib (minutes, GBs)...", file=sys.stderr)
    rdf_result = run_child(RDFLIB.format(graph=str(graph), queries=texts, repeat=rdflib_repeat, limit=rdflib_limit), timeout=14400)
    rows = [[
        "load", f"{rdf_result['load']:.1f} s", f"{ox_result['load']:.1f} s",
        fmt(rdf_result["load"] / ox_result["load"], 1) + "x", "",
    ]]
    rows.append(["peak memory", f"{rdf_result['peak_mib']:.0f} MiB", f"{ox_result['peak_mib']:.0f} MiB", "", ""])
    for name, (_, kind) in queries.items():
        o_ms, o_rows = ox_result["times"][name]
        if rdf_result["times"][name] is None:
            rows.append([name, f"> {rdflib_limit:.0f} s (stopped)", f"{o_ms:.1f} ms", f"> {rdflib_limit * 1000 / o_ms:.0f}x", o_rows])
            continue
        r_ms, r_rows = rdf_result["times"][name]
        same = "" if r_rows == o_rows else f" (rows differ: {r_rows} vs {o_rows})"
        rows.append([name, f"{r_ms:.1f} ms", f"{o_ms:.1f} ms", fmt(r_ms / max(o_ms, 1e-3), 1) + "x", f"{o_rows}{same}"])
    return table(["1M triples", "rdflib", "Oxigraph", "rdflib / Oxigraph", "rows"], rows,
                 f"Synthetic graph, {ox_result['triples']:,} triples (rdflib median of {rdflib_repeat}, Oxigraph median of {oxigraph_repeat})")


if __name__ == "__main__":
    print(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
