"""The build end to end: RDF round-trip, provenance, SHACL, determinism, atomic writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import rdflib
from rdflib.compare import isomorphic
from rdflib import RDF
from rdflib.namespace import DCTERMS, PROV, RDFS

from aikg import paths
from aikg.build import build
from aikg.corpus import read_corpus
from aikg.extract import extract
from aikg.extract.quantities import extract_observations
from aikg.graph.namespaces import AIKG
from aikg.graph.rdf import to_graph, turtle_bytes
from aikg.shacl import validate

REPO = Path(__file__).resolve().parents[1]


def load(folder: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(folder / "graph.ttl", format="turtle")


def test_turtle_parses_back_to_the_same_graph(built_graph: Path):
    documents = read_corpus([paths.DEFAULT_CORPUS])
    extraction = extract(documents)
    extraction.observations = extract_observations(documents, extraction)  # as aikg.build does
    graph = to_graph(extraction)
    parsed = rdflib.Graph().parse(data=turtle_bytes(graph).decode("utf-8"), format="turtle")
    assert isomorphic(graph, parsed)
    assert isomorphic(parsed, load(built_graph))


def test_built_graph_passes_the_shapes(built_graph: Path):
    conforms, report = validate(load(built_graph))
    assert conforms, report


def test_all_articles_with_titles_and_authors(built_graph: Path):
    graph = load(built_graph)
    ids = {str(o) for o in graph.objects(None, DCTERMS.identifier)}
    assert {f"A{i:02d}" for i in range(1, 17)} | {"P1", "P3"} == ids
    authored = {
        str(graph.value(article, DCTERMS.identifier))
        for article in graph.objects(None, AIKG.authorOf)
    }
    assert authored == {f"A{i:02d}" for i in range(1, 17)}


def test_every_statement_points_at_its_evidence_in_the_source(built_graph: Path):
    graph = load(built_graph)
    text = paths.DEFAULT_CORPUS.read_text(encoding="utf-8-sig")
    statements = list(graph.subjects(RDF.type, RDF.Statement))
    assert len(statements) >= 50
    for statement in statements:
        s, p, o = (graph.value(statement, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        assert (s, p, o) in graph  # the plain triple is there too
        start = int(graph.value(statement, AIKG.startOffset))
        end = int(graph.value(statement, AIKG.endOffset))
        evidence = str(graph.value(statement, AIKG.evidence))
        assert text[start:end].startswith(evidence[:60])
        article = graph.value(statement, PROV.wasDerivedFrom)
        assert int(graph.value(article, AIKG.startOffset)) <= start < end <= int(graph.value(article, AIKG.endOffset))
        assert graph.value(statement, AIKG.rule) is not None


def test_entities_have_one_label_and_known_ones_a_wikidata_id(built_graph: Path):
    graph = load(built_graph)
    entities = set(graph.subjects(AIKG.mentionCount, None))
    assert len(entities) >= 200
    for entity in entities:
        assert len(list(graph.objects(entity, RDFS.label))) == 1
    matches = list(graph.subject_objects(rdflib.SKOS.exactMatch))
    assert matches and all(str(o).startswith("http://www.wikidata.org/entity/Q") for _, o in matches)


def test_committed_extracted_equals_a_fresh_build(built_graph: Path):
    committed = REPO / "extracted" / "graph.ttl"
    assert committed.read_bytes() == (built_graph / "graph.ttl").read_bytes(), "run `aikg build` and commit extracted/"


def test_rebuild_is_byte_identical_under_another_hash_seed(tmp_path: Path, built_graph: Path):
    env = dict(os.environ, PYTHONHASHSEED="12345")
    command = [sys.executable, "-m", "aikg", "build", "--quiet", "--no-cache", "--out", str(tmp_path)]
    subprocess.run(command, check=True, env=env)
    assert (tmp_path / "graph.ttl").read_bytes() == (built_graph / "graph.ttl").read_bytes()


def test_build_of_other_input_writes_the_same_set_of_files(tmp_path: Path):
    source = tmp_path / "in" / "post.md"
    source.parent.mkdir()
    source.write_text("# 测试\n\n文/李雷\n\n智谱发布了 GLM-4 模型。\n", encoding="utf-8")
    report = build([source.parent], tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["graph.ttl"]
    assert report.articles == 1 and report.relations >= 2
    graph = load(tmp_path / "out")
    assert (None, AIKG.developedBy, None) in graph


def test_failed_build_leaves_the_previous_graph_intact(tmp_path: Path):
    good = tmp_path / "good.md"
    good.write_text("# 好\n\n智谱发布了 GLM-4 模型。\n", encoding="utf-8")
    build([good], tmp_path / "out")
    before = (tmp_path / "out" / "graph.ttl").read_bytes()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"PK\x03\x04\x00\x00\x08\x00" * 64)
    result = subprocess.run(
        [sys.executable, "-m", "aikg", "build", str(bad), "--out", str(tmp_path / "out")], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.startswith("aikg: error: ") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (tmp_path / "out" / "graph.ttl").read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["graph.ttl"]
