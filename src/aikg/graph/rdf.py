"""Extraction records → RDF (ontology/MODEL.md) → deterministic Turtle (written by aikg.build)."""

from __future__ import annotations

import hashlib

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from aikg.graph.namespaces import AIKG, ART, ENT, STMT, WD, bind_prefixes
from aikg.records import Extraction, Relation


def entity_iri(entity_id: str) -> URIRef:
    return ENT[entity_id]


def article_iri(article_key: str) -> URIRef:
    return ART[article_key]


def statement_iri(relation: Relation) -> URIRef:
    digest = hashlib.sha1(
        "\x1f".join((relation.subject, relation.predicate, relation.object, relation.article_key)).encode()
    ).hexdigest()
    return STMT[digest[:16]]


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def to_graph(extraction: Extraction) -> Graph:
    """The knowledge graph of an extraction: entities, articles, facts and their provenance."""
    graph = Graph()
    bind_prefixes(graph)
    add = graph.add
    for entity in extraction.entities.values():
        node = entity_iri(entity.id)
        add((node, RDF.type, AIKG[entity.type]))
        add((node, RDFS.label, Literal(entity.name)))
        for alias in entity.aliases:
            if alias != entity.name:
                add((node, SKOS.altLabel, Literal(alias)))
        for alt in entity.alt_types:
            add((node, AIKG.altType, AIKG[alt]))
        if entity.wikidata:
            add((node, SKOS.exactMatch, WD[entity.wikidata]))
        add((node, AIKG.mentionCount, _int(entity.mention_count)))
        for reason in entity.merged_by:
            add((node, AIKG.mergedBecause, Literal(reason)))
        for article_key in entity.articles:
            add((article_iri(article_key), AIKG.mentions, node))
    sources = {doc.slug: doc.path for doc in extraction.documents}
    for article in extraction.articles:
        node = article_iri(article.key)
        add((node, RDF.type, AIKG.Article))
        add((node, DCTERMS.identifier, Literal(article.id)))
        add((node, DCTERMS.title, Literal(article.title)))
        add((node, DCTERMS.source, Literal(sources[article.doc_slug])))
        add((node, AIKG.startOffset, _int(article.start)))
        add((node, AIKG.endOffset, _int(article.end)))
    for relation in extraction.relations:
        subject = entity_iri(relation.subject)
        predicate = AIKG[relation.predicate]
        obj = article_iri(relation.object) if relation.predicate == "authorOf" else entity_iri(relation.object)
        add((subject, predicate, obj))
        statement = statement_iri(relation)
        add((statement, RDF.type, RDF.Statement))
        add((statement, RDF.subject, subject))
        add((statement, RDF.predicate, predicate))
        add((statement, RDF.object, obj))
        add((statement, PROV.wasDerivedFrom, article_iri(relation.article_key)))
        add((statement, AIKG.evidence, Literal(relation.evidence)))
        add((statement, AIKG.startOffset, _int(relation.start)))
        add((statement, AIKG.endOffset, _int(relation.end)))
        add((statement, AIKG.rule, Literal(relation.rule)))
    return graph


def turtle_bytes(graph: Graph) -> bytes:
    """Turtle with sorted subjects and predicates: the same graph always gives the same bytes."""
    data = graph.serialize(format="turtle", encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")
