"""Named queries, aikg.query.run (both engines), result formats and the query/queries/stats commands."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS
from typer.testing import CliRunner

from aikg import paths, query
from aikg.cli import app
from aikg.errors import AikgError
from aikg.records import ENTITY_TYPES, PREDICATES
from aikg.stats import graph_stats

from conftest import AIKG, ART, ENT, STMT

QUERIES = query.list_queries()
INJECTION = 'x" } ; DROP ALL ; #'


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    """The pyoxigraph store engine keeps stores in a cache folder: a private one per test."""
    monkeypatch.setenv("AIKG_CACHE_DIR", str(tmp_path_factory.mktemp("aikg-cache")))


@pytest.fixture(params=["store", "rdflib"])
def engine(request, monkeypatch) -> str:
    """Run the test once on the persisted pyoxigraph store and once on the rdflib fallback."""
    monkeypatch.setenv("AIKG_QUERY_ENGINE", request.param)
    return request.param


def run(graph_dir, name: str, bind: dict | None = None, **kw) -> query.QueryResult:
    return query.run(graph_dir, query.load_query(name).sparql, bind, **kw)


def engine_of(result: query.QueryResult) -> str:
    modules = {type(t).__module__.split(".")[0] for row in result.terms for t in row if t is not None}
    assert len(modules) == 1, modules
    return {"pyoxigraph": "store", "rdflib": "rdflib"}[modules.pop()]


def label(graph: rdflib.Graph, name: str) -> URIRef:
    """The one entity whose label or alias is ``name`` (looked up with the graph API, not SPARQL)."""
    found = {s for p in (RDFS.label, SKOS.altLabel) for s in graph.subjects(p, Literal(name))}
    assert len(found) == 1, (name, found)
    return found.pop()


# --- the named query files -------------------------------------------------------


def test_there_are_at_least_14_named_queries_with_kebab_case_names():
    assert len(QUERIES) >= 14
    for named in QUERIES:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", named.name), named.name


@pytest.mark.parametrize("named", QUERIES, ids=lambda q: q.name)
def test_header_is_complete_and_matches_the_query(named):
    text = named.sparql
    assert text.startswith("# title: ")
    assert named.title and named.title != named.name
    assert len(named.description) > 20
    assert named.binds, "every named query has at least one bindable variable"
    _, variables = query.prepare(text)
    for bind in named.binds:
        assert bind.var in variables, f"?{bind.var} is declared but not used"
        assert bind.description and bind.example, bind
    assert "ORDER BY" in text, "rows must come in a deterministic order"
    # values are bound by the engine, never formatted into the text
    assert "{" + "name" + "}" not in text and "%s" not in text


def test_readme_lists_every_named_query():
    readme = (paths.QUERIES_DIR / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z-]+)` \|", readme, re.M))
    assert listed == {q.name for q in QUERIES}


def test_queries_are_data_not_python_literals():
    for module in (query.__file__, graph_stats.__code__.co_filename):
        source = Path(module).read_text(encoding="utf-8")
        assert not re.search(r"WHERE\s*\{|SELECT\s+[?*(]", source), module


# --- every query on the mini graph, on both engines --------------------------------


@pytest.mark.parametrize("named", QUERIES, ids=lambda q: q.name)
def test_query_returns_rows_unbound_and_for_each_example(named, mini_dir, engine):
    everything = run(mini_dir, named.name)
    assert everything.kind == "select" and everything.rows, "no rows with nothing bound"
    assert engine_of(everything) == engine
    assert not everything.capped
    for bind in named.binds:
        bound = run(mini_dir, named.name, {bind.var: bind.example})
        assert bound.rows, f"no rows for ?{bind.var}={bind.example}"
        assert bound.variables == everything.variables
    if len(named.binds) > 1:
        assert run(mini_dir, named.name, {b.var: b.example for b in named.binds}).rows


@pytest.mark.parametrize("named", QUERIES, ids=lambda q: q.name)
def test_both_engines_give_the_same_rows_in_the_same_order(named, mini_dir, monkeypatch):
    cases = [{}] + [{b.var: b.example} for b in named.binds] + [{b.var: b.example.lower() for b in named.binds}]
    for bind in cases:
        answers = []
        for name in ("store", "rdflib"):
            monkeypatch.setenv("AIKG_QUERY_ENGINE", name)
            answers.append(run(mini_dir, named.name, bind).rows)
        assert answers[0] == answers[1], bind


# --- answers checked against the graph itself ----------------------------------------


def test_models_by_organization_answers_what_the_graph_states(mini_graph, mini_dir, engine):
    alibaba = label(mini_graph, "阿里巴巴")
    expected = {
        str(m) for m in mini_graph.subjects(AIKG.developedBy, alibaba) if (m, RDF.type, AIKG.Model) in mini_graph
    }
    assert expected
    for spelling in ("阿里巴巴", "alibaba", "ALIBABA", "阿里", "ent:alibaba", f"<{alibaba}>"):
        result = run(mini_dir, "models-by-organization", {"org": spelling})
        assert {row[2] for row in result.rows} == expected, spelling
        assert {row[0] for row in result.rows} == {str(alibaba)}
    everything = run(mini_dir, "models-by-organization")
    stated = {(str(d), str(m)) for m, d in mini_graph.subject_objects(AIKG.developedBy) if (m, RDF.type, AIKG.Model) in mini_graph}
    assert {(row[0], row[2]) for row in everything.rows} == stated


def test_entity_aliases_finds_an_entity_by_any_alias_case_insensitively(mini_graph, mini_dir, engine):
    qwen = label(mini_graph, "Qwen")
    aliases = {str(a) for a in mini_graph.objects(qwen, SKOS.altLabel)}
    for spelling in ("通义千问", "qwen", "通义千问 QWEN"):
        result = run(mini_dir, "entity-aliases", {"name": spelling})
        assert {row[0] for row in result.rows} == {str(qwen)}, spelling
        assert {row[3] for row in result.rows} == aliases
        assert {row[1] for row in result.rows} == {"Model"}
    assert not run(mini_dir, "entity-aliases", {"name": "Qwe"}).rows  # whole names only


def test_evidence_for_fact_is_the_source_text_at_its_offsets(mini_dir, engine):
    text = paths.DEFAULT_CORPUS.read_text(encoding="utf-8")
    result = run(mini_dir, "evidence-for-fact", {"subject": "qwen", "predicate": "developedBy", "object": "阿里巴巴"})
    assert len(result.rows) == 1
    row = dict(zip(result.variables, result.rows[0]))
    assert row["relation"] == "developedBy" and row["articleId"] == "A01"
    assert text[row["start"]:row["end"]] == row["evidence"]
    assert "阿里巴巴的 Qwen" in row["evidence"] and row["rule"]
    # authorOf facts point at an article: the article id stands in for the object's name
    byline = run(mini_dir, "evidence-for-fact", {"predicate": "aikg:authorOf", "object": "a12"})
    assert [dict(zip(byline.variables, r))["subjectLabel"] for r in byline.rows] == ["梁磊"]


def test_counts_agree_with_the_graph(mini_graph, mini_dir, engine):
    by_type = {row[0]: row[2] for row in run(mini_dir, "entities-by-type-count").rows}
    assert by_type == {t: len(set(mini_graph.subjects(RDF.type, AIKG[t]))) for t in ENTITY_TYPES}
    by_relation = {row[0]: row[2:] for row in run(mini_dir, "relations-by-predicate-count").rows}
    for name in PREDICATES:
        facts = len(list(mini_graph.triples((None, AIKG[name], None))))
        statements = len(set(mini_graph.subjects(RDF.predicate, AIKG[name])))
        assert by_relation[name] == (facts, statements), name
    a01 = {row[0]: row[2] for row in run(mini_dir, "entities-by-type-count", {"articleId": "a01"}).rows}
    mentioned = set(mini_graph.objects(ART["china-open-source-2024-A01"], AIKG.mentions))
    assert sum(a01.values()) == len(mentioned)


def test_most_mentioned_is_ordered_and_filtered_by_type(mini_dir, engine):
    rows = run(mini_dir, "most-mentioned-entities").rows
    counts = [row[3] for row in rows]
    assert counts == sorted(counts, reverse=True)
    for spelling in ("Organization", "organization", "aikg:Organization"):
        orgs = run(mini_dir, "most-mentioned-entities", {"type": spelling}).rows
        assert orgs and {row[2] for row in orgs} == {"Organization"}
        assert [r for r in rows if r[2] == "Organization"] == orgs


def test_part_of_hierarchy_follows_partof_transitively(mini_copy, engine):
    graph = rdflib.Graph().parse(mini_copy / "graph.ttl", format="turtle")
    parent, top = ENT["ant-group"], ENT["alibaba-holding"]
    graph.add((top, RDF.type, AIKG.Organization))
    graph.add((top, RDFS.label, Literal("阿里控股")))
    graph.add((parent, AIKG.partOf, top))
    st = STMT["0000000000000001"]
    for p, o in ((RDF.type, RDF.Statement), (RDF.subject, parent), (RDF.predicate, AIKG.partOf), (RDF.object, top),
                 (PROV.wasDerivedFrom, ART["china-open-source-2024-A14"]), (AIKG.evidence, Literal("蚂蚁集团")),
                 (AIKG.startOffset, Literal(62838)), (AIKG.endOffset, Literal(62842)), (AIKG.rule, Literal("test"))):
        graph.add((st, p, o))
    graph.serialize(mini_copy / "graph.ttl", format="turtle")
    rows = run(mini_copy, "part-of-hierarchy", {"org": "阿里控股"}).rows
    assert {(row[1], row[4]) for row in rows} == {("蚂蚁集团", True), ("蚂蚁集团程序分析团队", False)}
    assert rows[0][4] is True  # direct links first


def test_pairs_are_listed_once_unbound_and_from_the_bound_side(mini_dir, engine):
    pairs = run(mini_dir, "articles-mentioning-both").rows
    keys = [(row[0], row[3], row[5]) for row in pairs]
    assert len(keys) == len(set(keys))
    assert all(first < second for _, first, second in keys)
    from_alibaba = run(mini_dir, "articles-mentioning-both", {"a": "阿里巴巴"}).rows
    assert {row[4] for row in from_alibaba} == {"阿里巴巴"} and len(from_alibaba) == 8
    co = run(mini_dir, "co-mentioned-with", {"name": "Qwen"}).rows
    shared = {row[3]: row[4] for row in co}
    assert shared["DeepSeek"] == 2 and shared["阿里巴巴"] == 1
    assert [row[4] for row in co] == sorted((row[4] for row in co), reverse=True)


# --- binding is safe -----------------------------------------------------------------


def test_injection_through_a_bound_name_matches_nothing_and_changes_nothing(mini_copy, engine):
    graph_file = mini_copy / "graph.ttl"
    digest = hashlib.sha256(graph_file.read_bytes()).hexdigest()
    before = run(mini_copy, "entity-aliases").rows
    for named in QUERIES:
        for bind in named.binds:
            rows = run(mini_copy, named.name, {bind.var: INJECTION}).rows
            # count queries list every type or relation, with zero counts when nothing matches
            counts = [v for row in rows for v in row if isinstance(v, int) and not isinstance(v, bool)]
            assert not rows or (counts and not any(counts)), (named.name, bind.var, rows)
    assert run(mini_copy, "entity-aliases").rows == before
    assert hashlib.sha256(graph_file.read_bytes()).hexdigest() == digest


def test_a_bound_value_is_a_term_even_with_quotes_and_braces(mini_copy, engine):
    sparql = "SELECT ?x WHERE { BIND (?v AS ?x) }"
    result = query.run(mini_copy, sparql, {"v": INJECTION})
    assert result.rows == [(INJECTION,)]
    iri = query.run(mini_copy, "SELECT ?x WHERE { BIND (?v AS ?x) }", {"v": "ent:qwen"})
    assert iri.rows == [(str(ENT.qwen),)]
    forced = query.run(mini_copy, "SELECT ?x WHERE { BIND (?v AS ?x) }", {"v": '"ent:qwen"'})
    assert forced.rows == [("ent:qwen",)]


@pytest.mark.parametrize("value", ["<not an iri>", "<>", "<http://x/\"y>"])
def test_a_bad_iri_is_refused(mini_dir, engine, value):
    with pytest.raises(AikgError, match="IRI"):
        query.run(mini_dir, "SELECT ?x WHERE { BIND (?v AS ?x) }", {"v": value})


# --- errors --------------------------------------------------------------------------


def test_binding_a_variable_the_query_lacks_is_an_error(mini_dir, engine):
    with pytest.raises(AikgError, match=r"no variable \?nosuch"):
        run(mini_dir, "models-by-organization", {"nosuch": "x"})


@pytest.mark.parametrize(
    "sparql, message",
    [
        ("SELEC ?x WHERE { ?x ?p ?o }", "malformed"),
        ("SELECT ?x WHERE { ?x ?p ", "malformed"),
        ("SELECT ?x WHERE { ?x nope:thing ?o }", "malformed"),
        ("DROP ALL", "not allowed"),
        ("INSERT DATA { <http://a> <http://b> <http://c> }", "not allowed"),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", "FROM"),
        ("   ", "empty"),
    ],
)
def test_bad_sparql_is_a_one_line_user_error(mini_dir, engine, sparql, message):
    with pytest.raises(AikgError) as caught:
        query.run(mini_dir, sparql)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_unknown_query_suggests_close_names():
    with pytest.raises(AikgError) as caught:
        query.load_query("models-by-org")
    assert "did you mean models-by-organization" in str(caught.value)
    with pytest.raises(AikgError, match="known queries: .*entity-aliases"):
        query.load_query("zzzzzz")
    with pytest.raises(AikgError, match="no query file"):
        query.load_query("missing/thing.rq")


def test_missing_graph_is_an_error(tmp_path, engine):
    with pytest.raises(AikgError, match="no graph|run `?aikg build"):
        run(tmp_path, "entity-aliases")


def test_limit_caps_rows_and_says_so(mini_dir, engine):
    full = run(mini_dir, "entity-aliases")
    capped = run(mini_dir, "entity-aliases", limit=3)
    assert capped.capped and capped.rows == full.rows[:3]
    exact = run(mini_dir, "entity-aliases", limit=len(full.rows))
    assert not exact.capped and exact.rows == full.rows
    assert "capped at 3" in query.format_result(capped, "table")


def test_a_slow_rdflib_query_times_out_and_its_worker_stops(mini_dir, monkeypatch):
    monkeypatch.setenv("AIKG_QUERY_ENGINE", "rdflib")
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.perf_counter()
    with pytest.raises(AikgError, match=r"query timed out after 0.5 s"):
        query.run(mini_dir, slow, timeout=0.5)
    assert time.perf_counter() - started < 5
    deadline = time.monotonic() + 10
    while any(t.name == "aikg-query" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(t.name == "aikg-query" for t in threading.enumerate()), "the timed-out worker kept running"


# --- other query forms and the output formats ----------------------------------------


def test_ask_and_construct(mini_dir, engine):
    ask = query.run(mini_dir, "ASK { ?m aikg:developedBy ?o }")
    assert ask.kind == "ask" and ask.boolean is True
    assert json.loads(query.format_result(ask, "json")) == {"head": {}, "boolean": True}
    graph = query.run(mini_dir, "CONSTRUCT { ?m <urn:by> ?o } WHERE { ?m aikg:developedBy ?o }")
    assert graph.kind == "graph" and graph.variables == ["subject", "predicate", "object"]
    assert len(graph.rows) == 6 and all(row[1] == "urn:by" for row in graph.rows)


TRICKY = 'SELECT ?text ?n ?iri ?none WHERE { BIND ("tab\\there \\"quoted\\"\\nnew line, comma" AS ?text) BIND (42 AS ?n) BIND (ent:qwen AS ?iri) }'


def test_csv_is_parseable_and_round_trips_values(mini_dir, engine):
    result = run(mini_dir, "facts-from-article", {"articleId": "A01"})
    rows = list(csv.reader(io.StringIO(query.format_result(result, "csv"), newline="")))
    assert rows[0] == result.variables
    assert rows[1:] == [[("" if v is None else str(v)) for v in row] for row in result.rows]
    tricky = query.run(mini_dir, TRICKY)
    parsed = list(csv.reader(io.StringIO(query.format_result(tricky, "csv"), newline="")))
    assert parsed[1] == ['tab\there "quoted"\nnew line, comma', "42", str(ENT.qwen), ""]


def test_tsv_has_one_line_per_row_in_sparql_syntax(mini_dir, engine):
    tricky = query.run(mini_dir, TRICKY)
    lines = query.format_result(tricky, "tsv").splitlines()
    assert lines[0] == "?text\t?n\t?iri\t?none"
    assert lines[1].split("\t") == ['"tab\\there \\"quoted\\"\\nnew line, comma"', "42", f"<{ENT.qwen}>", ""]
    result = run(mini_dir, "entity-aliases")
    assert len(query.format_result(result, "tsv").splitlines()) == len(result.rows) + 1


def test_json_follows_the_sparql_results_format(mini_dir, engine):
    result = run(mini_dir, "most-mentioned-entities", {"type": "Model"})
    document = json.loads(query.format_result(result, "json"))
    assert document["head"]["vars"] == result.variables
    bindings = document["results"]["bindings"]
    assert len(bindings) == len(result.rows)
    first = bindings[0]
    assert first["entity"]["type"] == "uri" and first["entity"]["value"].startswith(str(ENT))
    assert first["mentions"] == {"type": "literal", "value": str(result.rows[0][3]),
                                 "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
    assert first["label"]["type"] == "literal" and "datatype" not in first["label"] or \
        first["label"]["datatype"] == "http://www.w3.org/2001/XMLSchema#string"
    tricky = json.loads(query.format_result(query.run(mini_dir, TRICKY), "json"))
    assert tricky["results"]["bindings"][0]["text"]["value"] == 'tab\there "quoted"\nnew line, comma'
    assert "none" not in tricky["results"]["bindings"][0]  # unbound: left out


def test_table_shortens_iris_and_counts_rows(mini_dir, engine):
    result = run(mini_dir, "models-by-organization", {"org": "阿里巴巴"})
    table = query.format_result(result, "table", width=160)
    assert "ent:alibaba" in table and "ent:qwen" in table and "1 row" in table
    assert "https://w3id.org" not in table
    with pytest.raises(AikgError, match="unknown format"):
        query.format_result(result, "xml")


# --- stats ---------------------------------------------------------------------------


def test_stats_count_what_the_graph_holds(mini_graph, mini_dir):
    stats = graph_stats(mini_dir)
    assert stats["triples"] == len(mini_graph)
    assert stats["entities"] == {t: len(set(mini_graph.subjects(RDF.type, AIKG[t]))) for t in ENTITY_TYPES}
    assert stats["entities_total"] == sum(stats["entities"].values()) == 26  # 22 in facts, 4 only in observations
    assert stats["relations"] == {p: len(list(mini_graph.triples((None, AIKG[p], None)))) for p in PREDICATES}
    assert stats["statements"] == len(set(mini_graph.subjects(RDF.type, RDF.Statement))) == stats["relations_total"]
    assert stats["articles"] == 5
    assert stats["mentions"] == len(list(mini_graph.triples((None, AIKG.mentions, None))))
    assert stats["aliases"] == len(list(mini_graph.triples((None, SKOS.altLabel, None))))


# --- the commands --------------------------------------------------------------------

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_cli_query_prints_rows(mini_dir):
    result = invoke("query", "models-by-organization", "--graph", str(mini_dir), "--bind", "org=alibaba")
    assert result.exit_code == 0, result.output
    assert "ent:qwen" in result.output and "1 row" in result.output
    result = invoke("query", "entity-aliases", "-g", str(mini_dir), "-b", "name=qwen", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert {b["alias"]["value"] for b in document["results"]["bindings"]} == {"通义千问", "通义千问 Qwen"}


def test_cli_query_runs_a_file_and_inline_sparql(mini_dir, tmp_path):
    path = tmp_path / "models.rq"
    path.write_text("SELECT ?m WHERE { ?m a aikg:Model } ORDER BY ?m", encoding="utf-8")
    from_file = invoke("query", str(path), "-g", str(mini_dir), "-f", "csv")
    inline = invoke("query", "--sparql", path.read_text(encoding="utf-8"), "-g", str(mini_dir), "-f", "csv")
    assert from_file.exit_code == inline.exit_code == 0
    assert from_file.output == inline.output
    assert from_file.output.splitlines()[1:] == [str(ENT[n]) for n in ("codex", "deepseek", "glm", "qwen", "qwen2-1-5b")]


def test_cli_limit_note_goes_to_stderr(mini_dir):
    result = CliRunner().invoke(app, ["query", "entity-aliases", "-g", str(mini_dir), "-f", "csv", "-n", "2"])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 3
    assert "capped at 2 rows" in result.stderr


def test_cli_queries_lists_every_named_query():
    result = invoke("queries")
    assert result.exit_code == 0
    for named in QUERIES:
        assert named.name in result.output
    verbose = invoke("queries", "--verbose")
    assert "e.g. 阿里巴巴" in verbose.output


def test_cli_stats(mini_dir):
    table = invoke("stats", "--graph", str(mini_dir))
    assert table.exit_code == 0 and "provenance statements" in table.output
    as_json = invoke("stats", "--graph", str(mini_dir), "--json")
    assert json.loads(as_json.output) == graph_stats(mini_dir)


@pytest.mark.parametrize("command", ["query", "queries", "stats"])
def test_every_command_and_option_has_help(command):
    import click
    import typer.main

    result = invoke(command, "--help")
    assert result.exit_code == 0 and "Usage" in result.output
    click_command = typer.main.get_command(app).commands[command]
    assert (click_command.help or "").strip()
    for param in click_command.params:
        assert (getattr(param, "help", None) or "").strip(), f"{command} {param.name}"


def aikg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aikg", *args], capture_output=True, text=True, cwd=cwd, env=os.environ.copy(), timeout=120,
    )


def test_real_subprocess_prints_rows(mini_dir):
    done = aikg("query", "person-affiliations", "--graph", str(mini_dir), "--bind", "name=tiezhen", "--format", "tsv")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("?person\t") and len(lines) == 2
    assert "\"Hugging Face\"" in lines[1] and "A01" in lines[1]


@pytest.mark.parametrize(
    "args, message",
    [
        (["query", "models-by-org"], "did you mean models-by-organization"),
        (["query", "--sparql", "SELEC nothing"], "malformed"),
        (["query", "entity-aliases", "--bind", "nosuch=1"], "no variable ?nosuch"),
        (["query", "entity-aliases", "--bind", "noequals"], "--bind expects NAME=VALUE"),
        (["query"], "give either a query"),
        (["stats", "--graph", "/nonexistent/aikg"], "graph"),
    ],
)
def test_user_errors_exit_2_with_one_line_and_no_traceback(mini_dir, args, message):
    if "--graph" not in args:
        args = [*args, "--graph", str(mini_dir)]
    done = aikg(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith("aikg: error: ") and message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr and done.stdout == ""


# --- the committed build of the bundled report ----------------------------------------


@pytest.mark.parametrize("named", QUERIES, ids=lambda q: q.name)
def test_every_named_query_answers_on_the_real_graph(named, repo_root, monkeypatch):
    """extracted/graph.ttl is committed: each question must have an answer there (fast store engine)."""
    monkeypatch.setenv("AIKG_QUERY_ENGINE", "store")
    result = run(repo_root / "extracted", named.name)
    assert result.rows and engine_of(result) == "store"
