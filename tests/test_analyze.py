"""aikg.analyze: the networkx projection of real graph files, centrality, communities, paths."""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS
from rdflib.namespace import PROV, SKOS

from aikg import analyze
from aikg.errors import AikgError
from aikg.records import ENTITY_TYPES, PREDICATES

AIKG = rdflib.Namespace("https://w3id.org/aikg/ontology#")
ENT = "https://w3id.org/aikg/entity/"
ART = "https://w3id.org/aikg/article/"


def node_id(term) -> str:
    text = str(term)
    return "art:" + text[len(ART):] if text.startswith(ART) else text[len(ENT):]


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def rdf(built_graph: Path) -> rdflib.Graph:
    """The built graph parsed independently with rdflib."""
    return rdflib.Graph().parse(built_graph / "graph.ttl", format="turtle")


@pytest.fixture(scope="module")
def kg(built_graph: Path) -> analyze.KnowledgeGraph:
    return analyze.load(built_graph)


def test_entities_match_rdflib_parse(kg, rdf):
    expected = {}
    for t in ENTITY_TYPES:
        for node in rdf.subjects(RDF.type, AIKG[t]):
            expected[node_id(node)] = t
    assert len(expected) > 50
    assert {e: n.type for e, n in kg.entities.items()} == expected
    for eid, entity in kg.entities.items():
        iri = rdflib.URIRef(ENT + eid)
        assert entity.label == str(rdf.value(iri, RDFS.label))
        assert set(entity.aliases) == {str(a) for a in rdf.objects(iri, SKOS.altLabel)} - {entity.label}
        assert entity.mentions == int(rdf.value(iri, AIKG.mentionCount))
        assert set(entity.articles) == {str(a)[len(ART):] for a in rdf.subjects(AIKG.mentions, iri)}
        match = rdf.value(iri, SKOS.exactMatch)
        assert entity.wikidata == (str(match).rsplit("/", 1)[-1] if match else None)
    g = kg.facts_graph
    assert g.nodes["qwen"]["type"] == "Model" and "通义千问" in g.nodes["qwen"]["aliases"]


def test_one_edge_per_statement_with_its_provenance(kg, rdf):
    statements = list(rdf.subjects(RDF.type, RDF.Statement))
    assert len(statements) > 30
    g = kg.facts_graph
    assert g.number_of_edges() == len(statements)
    for st in statements:
        u, v = node_id(rdf.value(st, RDF.subject)), node_id(rdf.value(st, RDF.object))
        key = str(st).rsplit("/", 1)[-1]
        data = g.edges[u, v, key]
        assert data["predicate"] == str(rdf.value(st, RDF.predicate)).rsplit("#", 1)[-1]
        assert data["predicate"] in PREDICATES
        assert data["evidence"] == str(rdf.value(st, AIKG.evidence)) and data["evidence"]
        assert data["article"] == str(rdf.value(st, PROV.wasDerivedFrom))[len(ART):]
        assert data["article"] in kg.articles
        assert data["rule"] == str(rdf.value(st, AIKG.rule))
    # every plain fact triple has its statement
    plain = {(node_id(s), str(p).rsplit("#", 1)[-1], node_id(o)) for p in (AIKG[x] for x in PREDICATES) for s, o in rdf.subject_objects(p)}
    assert plain == {(u, d["predicate"], v) for u, v, d in g.edges(data=True)}


def test_authors_and_article_nodes(kg, rdf):
    for key, art in kg.articles.items():
        iri = rdflib.URIRef(ART + key)
        assert art.id == str(rdf.value(iri, rdflib.namespace.DCTERMS.identifier))
        assert set(art.authors) == {node_id(s) for s in rdf.subjects(AIKG.authorOf, iri)}
        assert kg.facts_graph.nodes[art.node]["type"] == "Article"
    assert any(art.authors for art in kg.articles.values())


def test_cooccurrence_weights_count_shared_articles(kg, rdf):
    mentioned = defaultdict(set)
    for art, ent in rdf.subject_objects(AIKG.mentions):
        mentioned[node_id(ent)].add(str(art))
    co = kg.cooccurrence()
    pairs = list(co.edges(data=True))
    assert pairs
    for u, v, data in pairs[:: max(1, len(pairs) // 300)]:
        shared = mentioned[u] & mentioned[v]
        assert data["weight"] == len(shared) >= 1
        assert {ART + a for a in data["articles"]} == shared
    with_co = analyze.to_networkx(kg, cooccurrence=True)
    assert sum(1 for *_, d in with_co.edges(data=True) if d["kind"] == "cooccurrence") == co.number_of_edges()


def test_degree_counts_distinct_fact_neighbours(kg, rdf):
    neighbours = defaultdict(set)
    for p in PREDICATES:
        for s, o in rdf.subject_objects(AIKG[p]):
            if s != o:
                neighbours[node_id(s)].add(node_id(o))
                neighbours[node_id(o)].add(node_id(s))
    for eid in kg.entities:
        assert kg.degree[eid] == len(neighbours[eid])


def test_measures_and_communities_are_stable_across_loads(built_graph):
    first, second = analyze.load(built_graph), analyze.load(built_graph)
    assert first.pagerank == second.pagerank
    assert first.betweenness == second.betweenness
    assert analyze.communities(first) == analyze.communities(second)
    assert analyze.communities(first, cooccurrence=True) == analyze.communities(second, cooccurrence=True)
    for by in analyze.RANKINGS:
        assert analyze.ranking(first, by=by, limit=None) == analyze.ranking(second, by=by, limit=None)
    assert abs(sum(first.pagerank.values()) - 1.0) < 1e-6


def test_communities_partition_entities(kg):
    groups = analyze.communities(kg, min_size=1)
    members = [m for g in groups for m in g.members]
    assert sorted(members) == sorted(kg.entities)  # a partition of every entity
    sizes = [len(g.members) for g in groups]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] >= 3
    assert [g.index for g in groups] == list(range(1, len(groups) + 1))
    # a community of two or more holds no member without a fact to another member
    for group in groups:
        if len(group.members) > 1:
            inside = set(group.members)
            for m in group.members:
                assert inside & set(kg.entity_graph[m]), (group.index, m)
    big = analyze.communities(kg, min_size=3)
    assert all(len(g.members) >= 3 for g in big)


def test_shortest_path_over_facts_has_evidence_on_every_hop(kg):
    people = sorted(e for e, n in kg.entities.items() if n.type == "Person" and kg.degree[e])
    models = sorted(e for e, n in kg.entities.items() if n.type == "Model" and kg.degree[e])
    checked = 0
    for person in people:
        for model in models:
            try:
                found = analyze.shortest_path(kg, person, model)
            except AikgError:
                continue
            if found.via != "facts":
                continue
            assert found.nodes[0] == person and found.nodes[-1] == model
            assert len(found.hops) == len(found.nodes) - 1
            for hop in found.hops:
                assert hop.facts
                for fact in hop.facts:
                    assert {fact.subject, fact.object} == {hop.source, hop.target}
                    assert fact.evidence and fact.article in kg.articles
            checked += 1
    assert checked >= 3


def test_path_falls_back_to_cooccurrence_with_a_note(mini_dir):
    kg = analyze.load(mini_dir)
    # in the mini graph Tiezhen's only facts are at Hugging Face and A01; Qwen's at Alibaba
    found = analyze.shortest_path(kg, "tiezhen", "qwen")
    assert found.via == "cooccurrence" and "no chain of facts" in found.note
    assert found.hops[0].shared_articles == ("china-open-source-2024-A01",)
    direct = analyze.shortest_path(kg, "liang-lei", "openspg")
    assert direct.via == "facts" and direct.nodes == ("liang-lei", "ant-group", "kag", "openspg")
    assert [f.predicate for h in direct.hops for f in h.facts] == ["affiliatedWith", "developedBy", "basedOn"]


def test_ego_network(kg):
    center = analyze.ranking(kg, by="degree", limit=1)[0]
    one = analyze.ego_network(kg, center, 1)
    assert set(one.nodes) == {center, *kg.simple_graph[center]}
    two = analyze.ego_nodes(kg, center, 2)
    assert set(one.nodes) <= set(two) and max(two.values()) <= 2
    assert all(one.has_node(u) and one.has_node(v) for u, v in one.edges())


def test_loading_a_20k_triple_graph_is_fast(large_graph, tmp_path):
    path = tmp_path / "graph.ttl"
    large_graph.serialize(path, format="turtle")
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        kg = analyze.load(tmp_path)
        graph = kg.facts_graph
        timings.append(time.perf_counter() - start)
    assert len(large_graph) > 20_000
    assert graph.number_of_nodes() == 1000 + 18 and graph.number_of_edges() == len(list(large_graph.subjects(RDF.type, RDF.Statement)))
    assert min(timings) < 0.5, timings


def test_analysis_writes_nothing_into_the_graph_folder(built_graph):
    before = snapshot(built_graph)
    kg = analyze.load(built_graph)
    kg.pagerank, kg.betweenness, kg.cooccurrence(), analyze.communities(kg)
    assert snapshot(built_graph) == before


def test_missing_or_broken_graph_is_a_user_error(tmp_path):
    with pytest.raises(AikgError, match="no graph here"):
        analyze.load(tmp_path)
    (tmp_path / "graph.ttl").write_text("this is not turtle <<<", encoding="utf-8")
    with pytest.raises(AikgError, match="not valid Turtle"):
        analyze.load(tmp_path)


# --- the analytics cache and the networkx-free paths --------------------------------------------


def test_adjacency_and_paths_match_networkx_on_the_real_graph(kg):
    """explore neighbors/path run without networkx: same neighbours, same order, same paths."""
    import random

    import networkx as nx

    graph = kg.simple_graph
    assert {n: list(graph.adj[n]) for n in graph} == {n: list(adj) for n, adj in kg.adjacency.items()}
    nodes = sorted(graph)
    pairs = random.Random(7).sample([(a, b) for a in nodes[::3] for b in nodes[1::3]], 3000)
    connected = 0
    for a, b in pairs:
        try:
            expected = nx.shortest_path(graph, a, b)
        except nx.NetworkXNoPath:
            expected = None
        assert analyze._bidirectional_path(kg.adjacency, a, b) == expected, (a, b)
        connected += expected is not None
    assert connected > 100


def test_analytics_are_computed_once_per_graph_and_kept_as_json(built_graph, tmp_path, cache_dir):
    import json
    import shutil

    fresh = analyze.load(built_graph)
    expected = (fresh.degree, fresh.pagerank, analyze.communities(fresh), analyze.communities(fresh, cooccurrence=True))
    files = list((cache_dir / "aikg" / "analytics").glob("*.json"))
    assert len(files) == 1 and not list(cache_dir.rglob("*.pickle"))
    stored = json.loads(files[0].read_text(encoding="utf-8"))
    assert stored["graph"] == fresh.digest and set(stored["values"]) >= {"degree", "pagerank"}
    # a later process reads them back unchanged (no networkx computation needed)
    again = analyze.load(built_graph)
    assert "pagerank" in analyze._read_analytics(again)
    assert (again.degree, again.pagerank, analyze.communities(again), analyze.communities(again, cooccurrence=True)) == expected
    # a changed graph gets its own entry: its facts, not the cached ones
    changed = tmp_path / "changed"
    changed.mkdir()
    text = (built_graph / "graph.ttl").read_text(encoding="utf-8")
    statement = text.index("\nstmt:")
    (changed / "graph.ttl").write_text(text[:statement] + text[text.index("\n\n", statement + 1):], encoding="utf-8")
    other = analyze.load(changed)
    assert other.digest != fresh.digest and analyze._read_analytics(other) == {}
    assert other.degree == {node: other.simple_graph.degree(node) for node in other.simple_graph}
    assert len(list((cache_dir / "aikg" / "analytics").glob("*.json"))) == 2
    # a corrupt file is recomputed, not trusted
    files[0].write_text("{not json", encoding="utf-8")
    assert analyze.load(built_graph).pagerank == expected[1]
    shutil.rmtree(changed)
