"""The ontology (ontology/aikg.ttl) and the SHACL shapes (ontology/shapes.ttl) on real graphs."""

from __future__ import annotations

import re

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, SKOS, XSD

from aikg import paths
from aikg.records import ENTITY_TYPES, PREDICATES
from aikg.shacl import validate

from conftest import AIKG, ENT, RELATION_SIGNATURES, synthetic_graph

SCHEMA = Namespace("https://schema.org/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
SH = Namespace("http://www.w3.org/ns/shacl#")
ONTOLOGY_IRI = URIRef("https://w3id.org/aikg/ontology")


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(paths.ONTOLOGY, format="turtle")


def classes_of(graph: rdflib.Graph, node) -> set[str]:
    """Local names of a class expression: a named class or an owl:unionOf list."""
    if isinstance(node, URIRef):
        return {str(node).split("#")[-1]}
    members = graph.value(node, OWL.unionOf)
    assert members is not None, f"{node} is neither a named class nor a union"
    return {str(m).split("#")[-1] for m in Collection(graph, members)}


def labels(graph: rdflib.Graph, node, prop=RDFS.label) -> dict[str, str]:
    return {lit.language: str(lit) for lit in graph.objects(node, prop) if isinstance(lit, Literal)}


# --- the ontology ------------------------------------------------------------------


def test_header_describes_the_ontology(onto):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert onto.value(ONTOLOGY_IRI, OWL.versionIRI) is not None
    assert {"en", "zh"} <= set(labels(onto, ONTOLOGY_IRI))
    assert {"en", "zh"} <= set(labels(onto, ONTOLOGY_IRI, RDFS.comment))
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.creator):
        assert onto.value(ONTOLOGY_IRI, prop) is not None, prop
    # offline: nothing to fetch
    assert not list(onto.objects(ONTOLOGY_IRI, OWL.imports))


def test_entity_classes_are_disjoint_subclasses_of_entity(onto):
    for name in ("Entity", "Article", *ENTITY_TYPES):
        assert (AIKG[name], RDF.type, OWL.Class) in onto, name
    for name in ENTITY_TYPES:
        assert (AIKG[name], RDFS.subClassOf, AIKG.Entity) in onto, name
    disjoint = [Collection(onto, onto.value(node, OWL.members)) for node in onto.subjects(RDF.type, OWL.AllDisjointClasses)]
    assert any({str(c).split("#")[-1] for c in members} == set(ENTITY_TYPES) for members in disjoint)
    assert (AIKG.Entity, OWL.disjointWith, AIKG.Article) in onto
    # the finer Tool classes stay under Tool
    for name in ("Software", "Dataset", "Benchmark"):
        assert (AIKG[name], RDFS.subClassOf, AIKG.Tool) in onto, name


@pytest.mark.parametrize("predicate, domain, range_", RELATION_SIGNATURES)
def test_relation_domains_and_ranges_follow_the_annotation_guidelines(onto, predicate, domain, range_):
    prop = AIKG[predicate]
    assert (prop, RDF.type, OWL.ObjectProperty) in onto
    assert classes_of(onto, onto.value(prop, RDFS.domain)) == set(domain)
    assert classes_of(onto, onto.value(prop, RDFS.range)) == set(range_)
    assert {"en", "zh"} <= set(labels(onto, prop)), predicate
    assert {"en", "zh"} <= set(labels(onto, prop, RDFS.comment)), predicate


def test_relation_signatures_cover_exactly_the_six_predicates():
    assert [p for p, _, _ in RELATION_SIGNATURES] == list(PREDICATES)


def test_mentions_and_data_properties_are_declared(onto):
    assert classes_of(onto, onto.value(AIKG.mentions, RDFS.domain)) == {"Article"}
    assert classes_of(onto, onto.value(AIKG.mentions, RDFS.range)) == {"Entity"}
    for name in ("evidence", "startOffset", "endOffset", "rule", "mentionCount"):
        assert (AIKG[name], RDF.type, OWL.DatatypeProperty) in onto, name
    for name in ("startOffset", "endOffset", "mentionCount"):
        assert onto.value(AIKG[name], RDFS.range) == XSD.integer, name
    assert (AIKG.altType, RDF.type, OWL.AnnotationProperty) in onto


def test_every_aikg_term_of_the_model_is_declared_and_labelled_in_two_languages(onto):
    model = (paths.ONTOLOGY_DIR / "MODEL.md").read_text(encoding="utf-8")
    used = set(re.findall(r"\baikg:([A-Za-z]+)\b", model))
    assert {"Model", "developedBy", "evidence", "mentionCount", "altType"} <= used
    for name in used:
        term = AIKG[name]
        assert (term, RDF.type, None) in onto, f"aikg:{name} is used in MODEL.md but not declared"
    for term in set(onto.subjects(RDF.type, None)):
        if isinstance(term, URIRef) and str(term).startswith(str(AIKG)):
            assert {"en", "zh"} <= set(labels(onto, term)), term
            assert onto.value(term, RDFS.comment) is not None, term


def test_alignments_point_the_right_way(onto):
    expected = [
        (AIKG.Person, RDFS.subClassOf, SCHEMA.Person),
        (AIKG.Person, RDFS.subClassOf, PROV.Person),
        (AIKG.Organization, RDFS.subClassOf, SCHEMA.Organization),
        (AIKG.Organization, RDFS.subClassOf, PROV.Organization),
        (AIKG.Article, RDFS.subClassOf, SCHEMA.Article),
        (AIKG.Article, RDFS.subClassOf, PROV.Entity),
        (AIKG.Software, RDFS.subClassOf, SCHEMA.SoftwareApplication),
        (AIKG.Dataset, RDFS.subClassOf, SCHEMA.Dataset),
        (AIKG.developedBy, RDFS.subPropertyOf, WDT.P178),
        (AIKG.affiliatedWith, RDFS.subPropertyOf, SCHEMA.affiliation),
        (AIKG.authorOf, OWL.inverseOf, AIKG.hasAuthor),
        (AIKG.hasAuthor, RDFS.subPropertyOf, SCHEMA.author),
        (AIKG.hasAuthor, RDFS.subPropertyOf, WDT.P50),
        (AIKG.partOf, RDFS.subPropertyOf, WDT.P361),
        (AIKG.usesTechnology, RDFS.subPropertyOf, WDT.P2283),
        (AIKG.mentions, RDFS.subPropertyOf, SCHEMA.mentions),
        (AIKG.basedOn, SKOS.closeMatch, WDT.P144),
        (AIKG.affiliatedWith, SKOS.narrowMatch, WDT.P108),
        (AIKG.affiliatedWith, SKOS.narrowMatch, WDT.P69),
    ]
    missing = [t for t in expected if t not in onto]
    assert not missing
    # P50 and schema:author go work -> author: only the inverse helper may specialise them
    assert (AIKG.authorOf, RDFS.subPropertyOf, WDT.P50) not in onto
    assert (AIKG.authorOf, RDFS.subPropertyOf, SCHEMA.author) not in onto
    # a dataset or benchmark is a Tool but not software
    assert (AIKG.Tool, RDFS.subClassOf, SCHEMA.SoftwareApplication) not in onto
    # equivalence only where meanings are equal: none is claimed
    assert not list(onto.triples((None, OWL.equivalentClass, None)))
    assert not list(onto.triples((None, OWL.equivalentProperty, None)))


# --- SHACL -------------------------------------------------------------------------


def test_every_shape_constraint_says_what_is_wrong():
    shapes = rdflib.Graph().parse(paths.SHAPES, format="turtle")
    for prop_shape in shapes.objects(None, SH.property):
        assert shapes.value(prop_shape, SH.message) is not None, shapes.value(prop_shape, SH.path)
    for node_shape in shapes.subjects(RDF.type, SH.NodeShape):
        has_own = any(shapes.value(node_shape, p) is not None for p in (SH["class"], SH["or"], SH.pattern))
        if has_own:
            assert shapes.value(node_shape, SH.message) is not None, node_shape
    for sparql in shapes.objects(None, SH.sparql):
        assert shapes.value(sparql, SH.message) is not None


def test_mini_graph_conforms(mini_graph):
    conforms, report = validate(mini_graph)
    assert conforms, report


def test_mini_graph_evidence_is_the_corpus_text_at_its_offsets(mini_graph):
    """The fixture is real: each evidence sentence sits at its offsets, inside its article."""
    text = paths.DEFAULT_CORPUS.read_text(encoding="utf-8")
    statements = list(mini_graph.subjects(RDF.type, RDF.Statement))
    assert len(statements) >= len(PREDICATES)
    for st in statements:
        start = mini_graph.value(st, AIKG.startOffset).toPython()
        end = mini_graph.value(st, AIKG.endOffset).toPython()
        assert text[start:end] == str(mini_graph.value(st, AIKG.evidence))
        article = mini_graph.value(st, PROV.wasDerivedFrom)
        assert mini_graph.value(article, AIKG.startOffset).toPython() <= start
        assert end <= mini_graph.value(article, AIKG.endOffset).toPython()
    covered = {mini_graph.value(st, RDF.predicate) for st in statements}
    assert covered == {AIKG[p] for p in PREDICATES}
    types = {mini_graph.value(e, RDF.type) for e in mini_graph.subjects(AIKG.mentionCount, None)}
    assert types == {AIKG[t] for t in ENTITY_TYPES}


def _statement(graph, rule: str):
    return next(graph.subjects(AIKG.rule, Literal(rule)))


def _wrong_object_class(g):
    g.add((ENT.qwen, AIKG.developedBy, ENT.mla))


def _no_evidence(g):
    g.remove((_statement(g, "based-on-verb"), AIKG.evidence, None))


def _start_after_end(g):
    g.set((_statement(g, "based-on-verb"), AIKG.endOffset, Literal(10)))


def _start_equals_end(g):
    st = _statement(g, "based-on-verb")
    g.set((st, AIKG.endOffset, g.value(st, AIKG.startOffset)))


def _wrong_subject_class(g):
    g.add((ENT.mla, AIKG.partOf, ENT["ant-group"]))


def _fact_without_statement(g):
    st = _statement(g, "based-on-verb")
    for triple in list(g.triples((st, None, None))):
        g.remove(triple)


def _statement_without_fact(g):
    g.remove((ENT.kag, AIKG.basedOn, ENT.openspg))


def _evidence_outside_article(g):
    st = _statement(g, "based-on-verb")
    g.set((st, AIKG.startOffset, Literal(10)))
    g.set((st, AIKG.endOffset, Literal(20)))


def _derived_from_an_entity(g):
    g.set((_statement(g, "based-on-verb"), PROV.wasDerivedFrom, ENT.kag))


def _predicate_not_a_relation(g):
    g.set((_statement(g, "based-on-verb"), RDF.predicate, AIKG.mentions))


def _no_rule(g):
    g.remove((_statement(g, "based-on-verb"), AIKG.rule, None))


def _string_offset(g):
    g.set((_statement(g, "based-on-verb"), AIKG.startOffset, Literal("46073")))


def _two_types(g):
    g.add((ENT.qwen, RDF.type, AIKG.Tool))


def _two_labels(g):
    g.add((ENT.qwen, RDFS.label, Literal("Qwen2")))


def _negative_mentions(g):
    g.set((ENT.qwen, AIKG.mentionCount, Literal(-1)))


def _mentions_a_non_entity(g):
    g.add((URIRef("https://w3id.org/aikg/article/china-open-source-2024-A01"), AIKG.mentions, ENT.nobody))


def _bad_entity_iri(g):
    g.add((ENT["Not A Slug"], RDF.type, AIKG.Model))
    g.add((ENT["Not A Slug"], RDFS.label, Literal("x")))


def _article_without_title(g):
    g.remove((None, DCTERMS.title, Literal("2024 年中国开源模型：崛起与变革")))


BROKEN = [
    (_wrong_object_class, "developedBy object must be an Organization or Person"),
    (_wrong_subject_class, "partOf subject must be an Organization"),
    (_no_evidence, "statement must have exactly one non-empty aikg:evidence string"),
    (_start_after_end, "less than its aikg:endOffset"),
    (_start_equals_end, "less than its aikg:endOffset"),
    (_string_offset, "integer aikg:startOffset"),
    (_no_rule, "exactly one aikg:rule string"),
    (_fact_without_statement, "has no rdf:Statement giving its provenance"),
    (_statement_without_fact, "describes a triple that is not asserted"),
    (_evidence_outside_article, "outside the span of its article"),
    (_derived_from_an_entity, "prov:wasDerivedFrom, an aikg:Article"),
    (_predicate_not_a_relation, "one of the six aikg relation properties"),
    (_two_types, "exactly one of the five entity classes"),
    (_two_labels, "exactly one rdfs:label"),
    (_negative_mentions, "non-negative xsd:integer"),
    (_mentions_a_non_entity, "exactly one of the five entity classes"),
    (_bad_entity_iri, "lowercase ascii slug"),
    (_article_without_title, "exactly one dcterms:title"),
]


@pytest.mark.parametrize("break_it, message", BROKEN, ids=[f.__name__.strip("_") for f, _ in BROKEN])
def test_broken_graph_fails_with_the_expected_message(mini_graph, break_it, message):
    break_it(mini_graph)
    conforms, report = validate(mini_graph)
    assert not conforms
    messages = [line.split("Message:", 1)[1].strip() for line in report.splitlines() if "Message:" in line]
    assert any(message in m for m in messages), messages


def _messages(report: str) -> list[str]:
    return sorted(line.split("Message:", 1)[1].strip() for line in report.splitlines() if "Message:" in line)


@pytest.mark.parametrize("break_it, message", BROKEN, ids=[f.__name__.strip("_") for f, _ in BROKEN])
def test_oxigraph_sparql_constraints_agree_with_pyshacl_alone(mini_graph, break_it, message):
    """The graph-wide SHACL-SPARQL checks moved to Oxigraph find what pyshacl finds with the whole shapes file."""
    import pyshacl

    break_it(mini_graph)
    conforms, report = validate(mini_graph)
    shapes = rdflib.Graph().parse(paths.SHAPES, format="turtle")
    alone, _, alone_report = pyshacl.validate(mini_graph, shacl_graph=shapes, inference="none", advanced=False)
    assert conforms == alone
    ours, theirs = _messages(report), _messages(alone_report)
    assert len(ours) == len(theirs)
    # values are written out differently ({?value}); the text before the first one must match
    assert sorted(m.split("<")[0].split("https:")[0] for m in ours) == sorted(m.split("<")[0].split("https:")[0] for m in theirs)


def test_validation_reads_the_graph_without_changing_it(mini_graph):
    before = set(mini_graph)
    _wrong_object_class(mini_graph)
    changed = set(mini_graph)
    validate(mini_graph)
    assert set(mini_graph) == changed and len(changed) == len(before) + 1


def test_synthetic_generator_makes_a_conforming_graph_of_about_20k_triples(large_graph):
    assert 19_000 <= len(large_graph) <= 23_000
    conforms, report = validate(large_graph)
    assert conforms, report[:2000]


def test_synthetic_graph_is_deterministic():
    assert set(synthetic_graph(50, 60, 4)) == set(synthetic_graph(50, 60, 4))


def test_committed_real_graph_conforms(repo_root):
    graph = rdflib.Graph().parse(repo_root / "extracted" / "graph.ttl", format="turtle")
    conforms, report = validate(graph)
    assert conforms, report[:2000]
