"""The persisted pyoxigraph store: built once per graph content, in the cache dir, read-only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from aikg import paths
from aikg.errors import AikgError
from aikg.store import cache_root, ensure_store, open_store, store_dir


pytestmark = pytest.mark.usefixtures("cache_dir")


def _triples(*files: Path) -> set:
    found = set()
    for path in files:
        with open(path, "rb") as handle:
            for t in ox.parse(handle, format=ox.RdfFormat.TURTLE):
                if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode):
                    found.add((t.subject, t.predicate, t.object))
    return found


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_store_holds_graph_and_ontology_and_lives_in_the_cache(mini_copy: Path, cache_dir: Path):
    before = _listing(mini_copy)
    store = open_store(mini_copy)
    expected = _triples(mini_copy / "graph.ttl", paths.ONTOLOGY)
    got = {
        (q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    }
    assert got == expected
    location = store_dir(mini_copy)
    assert location.is_dir() and location.is_relative_to(cache_dir / "aikg")
    assert cache_root() == cache_dir / "aikg"
    assert _listing(mini_copy) == before, "nothing may be written into the graph folder"


def test_second_open_reuses_the_store(mini_copy: Path):
    first = ensure_store(mini_copy)
    inode = (first / "db").stat().st_ino
    files = sorted(p.name for p in (first / "db").iterdir())
    open_store(mini_copy)
    second = ensure_store(mini_copy)
    assert second == first and (second / "db").stat().st_ino == inode
    assert sorted(p.name for p in (second / "db").iterdir()) == files


def test_changed_graph_gets_a_new_store(mini_copy: Path):
    old = ensure_store(mini_copy)
    graph = mini_copy / "graph.ttl"
    graph.write_text(
        graph.read_text(encoding="utf-8") + '\n<https://w3id.org/aikg/entity/zz-new> <http://www.w3.org/2000/01/rdf-schema#label> "新的" .\n',
        encoding="utf-8",
    )
    new = ensure_store(mini_copy)
    assert new != old
    store = open_store(mini_copy)
    ask = store.query('ASK { <https://w3id.org/aikg/entity/zz-new> <http://www.w3.org/2000/01/rdf-schema#label> "新的" }')
    assert bool(ask)


def test_store_is_read_only(mini_copy: Path):
    store = open_store(mini_copy)
    count = len(store)
    with pytest.raises((OSError, RuntimeError), match="read-write|read-only|Read"):
        store.update("DELETE WHERE { ?s ?p ?o }")
    assert len(open_store(mini_copy)) == count


def test_substitutions_bind_values_without_pasting(mini_copy: Path):
    store = open_store(mini_copy)
    query = "SELECT ?e ?name WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?name }"
    some = next(iter(store.query(query)))
    rows = list(store.query(query, substitutions={ox.Variable("name"): some["name"]}))
    assert [r["e"] for r in rows] == [some["e"]]
    hostile = list(store.query(query, substitutions={ox.Variable("name"): ox.Literal('x" } ; DROP ALL ; #')}))
    assert hostile == [] and len(store) > 0


def test_concurrent_first_opens_agree(mini_copy: Path):
    code = "import sys; from aikg.store import open_store; print(len(open_store(sys.argv[1])))"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(mini_copy)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outputs]
    counts = {out.strip() for out, _ in outputs}
    assert len(counts) == 1 and int(counts.pop()) > 0
    stores = [p for p in (cache_root() / "stores").iterdir() if not p.name.startswith(".")]
    assert len(stores) == 1, "one store per content; losers of the race discard theirs"
    assert not [p for p in (cache_root() / "stores").iterdir() if p.name.startswith(".")]


def test_missing_graph_is_a_user_error(tmp_path: Path):
    with pytest.raises(AikgError, match="no graph here"):
        open_store(tmp_path)


def test_broken_turtle_is_a_user_error_and_leaves_no_store(tmp_path: Path):
    (tmp_path / "graph.ttl").write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(AikgError, match="not valid Turtle"):
        open_store(tmp_path)
    assert not any(p for p in (cache_root() / "stores").iterdir())


def _rdflib_rows(graph, text: str, bind: dict) -> list[tuple]:
    import rdflib

    rows = graph.query(text, initBindings={k: rdflib.Literal(v) for k, v in bind.items()})
    return sorted(tuple("" if v is None else str(v) for v in row) for row in rows)


def _store_rows(store, text: str, bind: dict) -> list[tuple]:
    from aikg.store import query_store

    answer = query_store(store, text, bind)
    names = [v.value for v in answer.variables]
    return sorted(tuple("" if row[n] is None else row[n].value for n in names) for row in answer)


def test_named_queries_answer_like_rdflib_with_and_without_bindings(mini_copy: Path):
    """Bound values mean what rdflib's initBindings mean, also inside UNION/OPTIONAL/EXISTS groups."""
    import re

    import rdflib

    graph = rdflib.Graph().parse(mini_copy / "graph.ttl", format="turtle").parse(paths.ONTOLOGY, format="turtle")
    store = open_store(mini_copy)
    queries = sorted(paths.QUERIES_DIR.glob("*.rq"))
    assert queries, "queries/*.rq are missing"
    checked = 0
    for path in queries:
        text = path.read_text(encoding="utf-8")
        binds = [{}] + [{n: v} for n, v in re.findall(r"^#\s*bind:\s*\?(\w+).*?e\.g\.\s*(.+?)\s*$", text, re.M)]
        binds.append({n: 'x" } ; DROP ALL ; #' for n in re.findall(r"^#\s*bind:\s*\?(\w+)", text, re.M)[:1]})
        for bind in binds:
            assert _store_rows(store, text, bind) == _rdflib_rows(graph, text, bind), (path.name, bind)
            checked += 1
    assert checked > len(queries)
    assert len(open_store(mini_copy)) == len(store) > 0


def test_bind_values_reaches_nested_groups_but_not_values_data_or_subqueries():
    from aikg.sparql import bind_values

    query = (
        "SELECT ?s WHERE { VALUES ?k { 1 2 } { ?s ?p ?o FILTER(?o = ?v) } UNION { ?o ?p ?s } "
        "OPTIONAL { ?s ?q ?r } FILTER NOT EXISTS { ?s ?p ?v } MINUS { ?s ?p ?z } { SELECT ?s WHERE { ?s ?p ?v } } }"
    )
    bound = bind_values(query, {"v": "a"})
    # top group, both UNION branches, OPTIONAL, NOT EXISTS, the subquery's WHERE: 6; not VALUES data, MINUS, wrapper
    assert bound.count('VALUES (?v) { ("a") }') == 6
    assert "VALUES ?k { 1 2 }" in bound and "MINUS { ?s ?p ?z }" in bound and "{ SELECT ?s" in bound


def test_small_graphs_are_queried_in_memory_with_the_persisted_stores_answers(built_graph: Path, cache_dir: Path):
    """`aikg query` on the bundled report runs on an in-memory store (no store is built in the
    cache); every named query, unbound and with its example bindings, gives the persisted store's rows."""
    import re

    from aikg.query import run
    from aikg.sparql import PREFIXES
    from aikg.store import MEMORY_MAX_BYTES, memory_store, query_store

    assert (built_graph / "graph.ttl").stat().st_size <= MEMORY_MAX_BYTES
    result = run(built_graph, (paths.QUERIES_DIR / "article-authors.rq").read_text(encoding="utf-8"))
    assert result.rows and not (cache_root() / "stores").exists()
    persisted, in_memory = open_store(built_graph), memory_store(built_graph)
    assert len(in_memory) == len(persisted)
    for path in sorted(paths.QUERIES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        for bind in [{}] + [{n: v} for n, v in re.findall(r"^#\s*bind:\s*\?(\w+).*?e\.g\.\s*(.+?)\s*$", text, re.M)]:
            rows = [list(query_store(store, text, bind, prefixes=PREFIXES)) for store in (persisted, in_memory)]
            assert [[str(t) for t in row] for row in rows[0]] == [[str(t) for t in row] for row in rows[1]], (path.name, bind)


def test_prune_tolerates_entries_that_vanish(tmp_path: Path, monkeypatch):
    """Another process renames its temporary store between our iterdir() and stat()."""
    from aikg import store as store_mod

    root = tmp_path / "stores"
    (root / "kept").mkdir(parents=True)
    (root / "kept" / store_mod._MARKER).write_text("")
    listed = [root / "kept", root / ".0744fd6a3dee6b1.gone", root / "gone-store"]
    monkeypatch.setattr(Path, "iterdir", lambda self: iter(listed) if self == root else iter(()))
    store_mod._prune(root, keep=root / "other", max_stores=1, min_age=0.0)
    assert not (root / "kept").exists(), "the real store beyond max_stores is still pruned"
