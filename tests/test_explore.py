"""`aikg explore`: the library functions, the typer commands and the interactive shell."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
import rdflib
import typer.main
from rdflib import RDF, RDFS
from rdflib.namespace import SKOS
from typer.testing import CliRunner

from aikg import explore
from aikg.cli import app
from aikg.errors import AikgError

AIKG = rdflib.Namespace("https://w3id.org/aikg/ontology#")
ENT = rdflib.Namespace("https://w3id.org/aikg/entity/")
SUBCOMMANDS = ("search", "show", "neighbors", "path", "top", "communities", "article")


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real console entry point (exit codes and error lines as a user sees them)."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "aikg", *args], capture_output=True, text=True, env=full_env, timeout=120)


@pytest.fixture(scope="module")
def kg(built_graph: Path):
    return explore.load(built_graph)


@pytest.fixture(scope="module")
def rdf(built_graph: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(built_graph / "graph.ttl", format="turtle")


# -- search and names ---------------------------------------------------------------------------


def test_search_chinese_alias_finds_qwen(kg, rdf):
    hits = explore.search(kg, "千问")
    assert hits, "no hit for 千问"
    assert hits[0].entity == "qwen" and hits[0].label == str(rdf.value(ENT.qwen, RDFS.label))
    assert "千问" in hits[0].matched and hits[0].type == "Model"
    # every hit really contains the text in its label, an alias or its id
    for hit in hits:
        forms = [str(rdf.value(ENT[hit.entity], RDFS.label)), *map(str, rdf.objects(ENT[hit.entity], SKOS.altLabel)), hit.entity]
        assert any("千问" in f for f in forms)


def test_search_is_case_insensitive_nfkc_and_ranked(kg):
    lower = explore.search(kg, "qwen")
    assert lower[0].entity == "qwen" and lower[0].how == "exact"
    assert [h.entity for h in explore.search(kg, "ＱＷＥＮ")] == [h.entity for h in lower]  # full-width → NFKC
    assert [h.entity for h in explore.search(kg, "QWEN")] == [h.entity for h in lower]
    ranks = [("exact", "prefix", "contains").index(h.how) for h in lower]
    assert ranks == sorted(ranks)
    assert all("qwen" in (h.matched.casefold().replace(" ", "") + h.entity) for h in lower)
    typed = explore.search(kg, "qwen", entity_type="organization")
    assert all(h.type == "Organization" for h in typed)


def test_resolve_by_label_alias_and_id(kg):
    assert explore.resolve(kg, "Qwen") == "qwen"
    assert explore.resolve(kg, "通义千问") == "qwen"
    assert explore.resolve(kg, "ent:qwen") == "qwen"
    assert explore.resolve(kg, "https://w3id.org/aikg/entity/qwen") == "qwen"
    with pytest.raises(AikgError) as err:
        explore.resolve(kg, "Qwem")
    assert "Qwen" in str(err.value) and "closest" in str(err.value)


def test_ambiguous_name_lists_the_candidates(mini_dir, tmp_path):
    graph = rdflib.Graph().parse(mini_dir / "graph.ttl", format="turtle")
    graph.add((ENT.alibaba, SKOS.altLabel, rdflib.Literal("Ali")))
    graph.add((ENT["ant-group"], SKOS.altLabel, rdflib.Literal("Ali")))
    graph.serialize(tmp_path / "graph.ttl", format="turtle")
    kg = explore.load(tmp_path)
    with pytest.raises(AikgError, match="ambiguous") as err:
        explore.resolve(kg, "ali")
    assert "alibaba" in str(err.value) and "ant-group" in str(err.value)
    result = run_cli("explore", "show", "Ali", "--graph", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "ambiguous" in result.stderr and "阿里巴巴" in result.stderr and "蚂蚁集团" in result.stderr


# -- show, neighbors, path, top, communities, article -----------------------------------------


def test_show_qwen_lists_developer_with_evidence(kg, rdf):
    view = explore.show(kg, "Qwen")
    assert view.type == "Model" and "通义千问" in view.aliases
    developers = [r for r in view.facts_out if r.predicate == "developedBy"]
    alibaba = [r for r in developers if r.other_label == "阿里巴巴"]
    assert alibaba, developers
    for row in alibaba:
        assert row.article and row.evidence
        assert "Qwen" in row.evidence or "千问" in row.evidence
    # every fact of qwen in the file is listed once per statement
    statements = [s for s in rdf.subjects(RDF.type, RDF.Statement) if ENT.qwen in (rdf.value(s, RDF.subject), rdf.value(s, RDF.object))]
    assert len(view.facts_out) + len(view.facts_in) == len(statements)
    assert {a for _, a, _ in view.articles} == {kg.articles[k].id for k in kg.entities["qwen"].articles}


def test_neighbors_depth_and_type_filter(kg):
    center = explore.top(kg, by="degree", limit=1)[0].entity
    one = explore.neighbors(kg, center)
    assert {n.node for n in one} == set(kg.simple_graph[center])
    assert all(n.distance == 1 and n.predicates for n in one)
    two = explore.neighbors(kg, center, depth=2)
    assert {n.node for n in one} <= {n.node for n in two}
    assert all(n.via in kg.simple_graph[n.node] for n in two)
    orgs = explore.neighbors(kg, center, depth=2, node_type="Organization")
    assert {n.node for n in orgs} == {n.node for n in two if n.type == "Organization"}
    with pytest.raises(AikgError, match="unknown type"):
        explore.neighbors(kg, center, node_type="Gadget")


def test_path_from_a_person_to_a_model_has_evidence_per_hop(kg):
    people = sorted(e for e, n in kg.entities.items() if n.type == "Person" and kg.degree[e])
    models = sorted(e for e, n in kg.entities.items() if n.type == "Model" and kg.degree[e])
    for person in people:
        for model in models:
            try:
                view = explore.path(kg, kg.entities[person].label, model)
            except AikgError:
                continue
            if view.via != "facts":
                continue
            assert view.nodes[0] == person and view.nodes[-1] == model and len(view.nodes) >= 2
            for step in view.steps:
                assert step.facts
                for row in step.facts:
                    assert row.other == step.target and row.evidence and row.article
            result = run_cli("explore", "path", person, model, "--graph", str(kg.source.parent))
            assert result.returncode == 0, result.stderr
            assert "via facts" in result.stdout and result.stdout.count("“") >= len(view.steps)
            return
    pytest.fail("no person is linked to a model by a chain of facts")


def test_top_and_communities_are_stable_across_runs(built_graph):
    first = run_cli("explore", "top", "--by", "pagerank", "--limit", "15", "--graph", str(built_graph))
    second = run_cli("explore", "top", "--by", "pagerank", "--limit", "15", "--graph", str(built_graph))
    assert first.returncode == 0 and first.stdout == second.stdout and first.stdout.strip()
    first = run_cli("explore", "communities", "--graph", str(built_graph))
    second = run_cli("explore", "communities", "--graph", str(built_graph))
    assert first.returncode == 0 and first.stdout == second.stdout and "communities (" in first.stdout


def test_top_orders_and_filters(kg):
    for by in ("degree", "pagerank", "mentions"):
        ranked = explore.top(kg, by=by, limit=10, entity_type="Tool")
        assert len(ranked) == 10 and all(r.type == "Tool" for r in ranked)
        values = [getattr(r, by) for r in ranked]
        assert values == sorted(values, reverse=True)
    most = explore.top(kg, by="mentions", limit=1)[0]
    assert most.mentions == max(e.mentions for e in kg.entities.values())
    with pytest.raises(AikgError):
        explore.top(kg, by="height")


def test_communities_view(kg):
    groups = explore.communities(kg, min_size=3)
    assert groups and all(g.size >= 3 and g.size == len(g.members) for g in groups)
    assert sum(n for _, n in groups[0].types) == groups[0].size


def test_article_view(kg, rdf):
    view = explore.article(kg, "A12")
    assert view.id == "A12" and "知识图谱" in view.title
    assert view.authors and all(kg.entities[a].type in ("Person", "Organization") for a, _ in view.authors)
    listed = {e for _, members in view.entities for e, _, _ in members}
    assert listed == set(kg.articles[view.key].mentions)
    assert all(f.evidence for f in view.facts)
    art = rdflib.URIRef("https://w3id.org/aikg/article/" + view.key)
    stated = [s for s in rdf.subjects(rdflib.namespace.PROV.wasDerivedFrom, art) if (s, rdflib.RDF.type, rdflib.RDF.Statement) in rdf]
    assert len(view.facts) == len(stated)
    with pytest.raises(AikgError, match="closest"):
        explore.article(kg, "A99")


# -- the command line ------------------------------------------------------------------------


def test_every_explore_command_has_help_text():
    group = typer.main.get_command(app).commands["explore"]
    assert (group.help or "").strip()
    assert set(SUBCOMMANDS) <= set(group.commands)
    runner = CliRunner()
    for name in SUBCOMMANDS:
        command = group.commands[name]
        assert (command.help or "").strip(), name
        for param in command.params:
            assert (getattr(param, "help", None) or "").strip(), f"{name} {param.name}"
        result = runner.invoke(app, ["explore", name, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0 and "--graph" in result.output, name
    viz = typer.main.get_command(app).commands["viz"]
    assert (viz.help or "").strip() and all((getattr(p, "help", None) or "").strip() for p in viz.params)


def test_cli_commands_print_results(built_graph):
    g = str(built_graph)
    result = run_cli("explore", "search", "千问", "--graph", g)
    assert result.returncode == 0 and "Qwen" in result.stdout
    result = run_cli("explore", "show", "Qwen", "--graph", g)
    assert result.returncode == 0 and "developedBy" in result.stdout and "阿里巴巴" in result.stdout
    result = run_cli("explore", "neighbors", "阿里巴巴", "--depth", "2", "--graph", g)
    assert result.returncode == 0 and "Qwen" in result.stdout
    result = run_cli("explore", "article", "A01", "--graph", g)
    assert result.returncode == 0 and "2024 年中国开源模型" in result.stdout
    result = run_cli("explore", "--graph", g, "top", "--type", "Model", "--by", "mentions")
    assert result.returncode == 0 and "top by mentions" in result.stdout


def test_unknown_names_give_candidates_and_exit_2(built_graph):
    g = str(built_graph)
    for args in (("show", "Qwem"), ("path", "Qwen", "Qwem"), ("neighbors", "Qwem"), ("search", "zzzqqqxxx"), ("article", "A99")):
        result = run_cli("explore", *args, "--graph", g)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr and result.stderr.startswith("aikg: error:")
        assert len(result.stderr.strip().splitlines()) == 1
    result = run_cli("explore", "show", "Qwem", "--graph", g)
    assert "closest" in result.stderr and "Qwen" in result.stderr
    result = run_cli("explore", "show", "Qwen", "--graph", str(Path(g) / "missing"))
    assert result.returncode == 2 and "no graph here" in result.stderr


def test_explore_writes_nothing_into_the_graph_folder(built_graph, tmp_path):
    before = {p.name: p.read_bytes() for p in built_graph.iterdir() if p.is_file()}
    run_cli("explore", "top", "--by", "betweenness", "--graph", str(built_graph))
    run_cli("explore", "communities", "--cooccurrence", "--graph", str(built_graph))
    assert {p.name: p.read_bytes() for p in built_graph.iterdir() if p.is_file()} == before


# -- the interactive shell ---------------------------------------------------------------------


def test_interactive_shell(built_graph, tmp_path):
    aikg = shutil.which("aikg")
    assert aikg, "the aikg console script is not on PATH (pip install -e .)"
    history = tmp_path / "history"
    env = {**os.environ, "HOME": str(tmp_path), "AIKG_HISTORY": str(history), "COLUMNS": "160", "TERM": "xterm"}
    child = pexpect.spawn(aikg, ["explore", "--graph", str(built_graph)], env=env, encoding="utf-8", timeout=60, dimensions=(40, 160))
    try:
        child.expect(r"aikg explore: \d+ entities")
        child.expect_exact("aikg> ")
        child.sendline("search qwen")
        child.expect("Qwen")
        child.expect_exact("aikg> ")
        assert "qwen" in child.before
        child.sendline("show 通义千问")
        child.expect("developedBy")
        child.expect_exact("aikg> ")
        child.sendline("show Qwem")  # unknown: an error line, and the shell goes on
        child.expect("error: no entity named 'Qwem'; closest: Qwen")
        child.expect_exact("aikg> ")
        child.sendline("help")
        child.expect("communities")
        child.expect_exact("aikg> ")
        child.sendline("help path")
        child.expect("shortest chain")
        child.expect_exact("aikg> ")
        child.send("sho\t")  # tab completes the command ...
        child.expect_exact("show ")
        child.send("alibab\t")  # ... and entity names (a bell when several names share the prefix)
        child.expect("alibab\x07?a")
        child.sendline("")
        child.expect("阿里巴巴")
        child.expect_exact("aikg> ")
        child.sendline("frobnicate")
        child.expect("unknown command 'frobnicate'")
        child.expect_exact("aikg> ")
        child.sendline("quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert "search qwen" in history.read_text(encoding="utf-8")
