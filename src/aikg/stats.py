"""Counts that summarise a built graph: entities per class, articles, facts, statements."""

from __future__ import annotations

from pathlib import Path

from aikg.records import ENTITY_TYPES, PREDICATES


def graph_stats(graph_dir: Path | str) -> dict:
    """Counts over ``graph_dir/graph.ttl`` alone (the ontology is not loaded).

    Keys: graph, triples, entities (per class), entities_total, articles,
    mentions (article→entity links), aliases, relations (facts per
    property), relations_total, statements, wikidata_links.
    """
    from rdflib import RDF
    from rdflib.namespace import SKOS

    from aikg.graph.namespaces import AIKG
    from aikg.query import graph_path, load_graph

    graph = load_graph(graph_dir, ontology=False)
    entities = {kind: sum(1 for _ in graph.subjects(RDF.type, AIKG[kind])) for kind in ENTITY_TYPES}
    relations = {name: sum(1 for _ in graph.triples((None, AIKG[name], None))) for name in PREDICATES}
    return {
        "graph": str(graph_path(graph_dir)),
        "triples": len(graph),
        "entities": entities,
        "entities_total": sum(entities.values()),
        "articles": sum(1 for _ in graph.subjects(RDF.type, AIKG.Article)),
        "mentions": sum(1 for _ in graph.triples((None, AIKG.mentions, None))),
        "aliases": sum(1 for _ in graph.triples((None, SKOS.altLabel, None))),
        "relations": relations,
        "relations_total": sum(relations.values()),
        "statements": sum(1 for _ in graph.subjects(RDF.type, RDF.Statement)),
        "wikidata_links": sum(1 for _ in graph.triples((None, SKOS.exactMatch, None))),
    }
