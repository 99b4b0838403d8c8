"""Extraction records → RDF (ontology/MODEL.md) → deterministic Turtle (written by aikg.build)."""

from __future__ import annotations

import hashlib

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from aikg.graph.namespaces import AIKG, ART, ENT, MEASURE, OBS, SCHEMA, STMT, UNIT, WD, WDT, bind_prefixes
from aikg.records import Extraction, Observation, Relation


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


def observation_iri(obs: Observation) -> URIRef:
    parts = (*obs.about, obs.measure, obs.value, obs.low, obs.high, obs.date, obs.period, obs.rank, obs.category,
             obs.subject_label, obs.article_key, obs.start)
    digest = hashlib.sha1("\x1f".join("" if p is None else str(p) for p in parts).encode()).hexdigest()
    return OBS[digest[:16]]


def number_literal(text: str) -> Literal:
    """A normalized decimal string as xsd:integer when whole, else xsd:decimal."""
    return Literal(text, datatype=XSD.decimal if "." in text else XSD.integer)


def date_literal(iso: str) -> Literal:
    """"2024" → xsd:gYear, "2024-10" → xsd:gYearMonth, "2023-06-13" → xsd:date."""
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(iso), XSD.date)
    return Literal(iso, datatype=datatype)


def add_measures(graph: Graph) -> None:
    """The controlled list of measures (ontology/measures.toml) with labels and alignments."""
    from aikg.extract.quantities import load_measures

    add = graph.add
    for measure in load_measures().values():
        node = MEASURE[measure.id]
        add((node, RDF.type, AIKG.Measure))
        add((node, RDFS.label, Literal(measure.label_en, lang="en")))
        add((node, RDFS.label, Literal(measure.label_zh, lang="zh")))
        add((node, AIKG.measureKind, Literal(measure.kind)))
        if measure.unit:
            add((node, AIKG.unit, UNIT[measure.unit]))
        # the Wikidata property that states the same thing (skos:exactMatch is kept for entities → items)
        if measure.wikidata:
            add((node, AIKG.wikidataProperty if measure.match == "exact" else SKOS.closeMatch, WDT[measure.wikidata]))
        if measure.schema:
            add((node, SKOS.closeMatch, SCHEMA[measure.schema]))
        if measure.property:
            add((node, AIKG.directProperty, AIKG[measure.property]))


def add_observations(graph: Graph, extraction: Extraction) -> None:
    from aikg.extract.quantities import load_measures

    measures = load_measures()
    add = graph.add
    for obs in extraction.observations:
        node = observation_iri(obs)
        article = article_iri(obs.article_key)
        add((node, RDF.type, AIKG.Observation))
        for key in obs.about:
            add((node, AIKG.about, entity_iri(key)))
        if not obs.about:
            add((node, AIKG.about, article))
        add((node, AIKG.measure, MEASURE[obs.measure]))
        if obs.value is not None:
            add((node, AIKG.value, number_literal(obs.value)))
        if obs.low is not None:
            add((node, AIKG.minValue, number_literal(obs.low)))
            add((node, AIKG.maxValue, number_literal(obs.high)))
        if obs.unit:
            add((node, AIKG.unit, UNIT[obs.unit]))
        if obs.date:
            add((node, AIKG.date, date_literal(obs.date)))
            direct = measures[obs.measure].property
            for key in obs.about if direct else ():
                add((entity_iri(key), AIKG[direct], date_literal(obs.date)))
        if obs.period:
            add((node, AIKG.period, date_literal(obs.period)))
        if obs.qualifier:
            add((node, AIKG.qualifier, Literal(obs.qualifier)))
        if obs.rank is not None:
            add((node, AIKG.rank, _int(obs.rank)))
        if obs.category:
            add((node, AIKG.category, Literal(obs.category)))
        if obs.subject_label:
            add((node, AIKG.subjectLabel, Literal(obs.subject_label)))
        add((node, AIKG.statedAs, Literal(obs.stated)))
        add((node, PROV.wasDerivedFrom, article))
        add((node, AIKG.evidence, Literal(obs.evidence)))
        add((node, AIKG.startOffset, _int(obs.start)))
        add((node, AIKG.endOffset, _int(obs.end)))
        add((node, AIKG.rule, Literal(obs.rule)))


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
    add_measures(graph)
    add_observations(graph, extraction)
    return graph


def turtle_bytes(graph: Graph) -> bytes:
    """Turtle with sorted subjects and predicates: the same graph always gives the same bytes."""
    data = graph.serialize(format="turtle", encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")
