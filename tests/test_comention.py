"""The co-mention named queries answered from aikg.comention's index: the SPARQL's rows, in its order."""

from __future__ import annotations

from pathlib import Path

import pytest

from aikg import comention, paths
from aikg.results import answer_result
from aikg.sparql import PREFIXES, bind_term
from aikg.store import memory_store, open_store, query_store

BINDINGS = {
    "articles-mentioning-both": [
        {}, {"a": "阿里巴巴"}, {"b": "Qwen"}, {"a": "阿里巴巴", "b": "Qwen"}, {"a": "qwen"}, {"a": "ent:qwen"},
        {"b": "通义千问"}, {"a": "no such entity"}, {"a": "DeepSeek", "b": "ent:deepseek"}, {"a": '"ent:qwen"'},
    ],
    "co-mentioned-with": [{}, {"name": "Qwen"}, {"name": "QWEN"}, {"name": "ent:qwen"}, {"name": "通义千问"}, {"name": "nobody"}],
}


def _terms(result) -> list[tuple[str, ...]]:
    return [tuple(str(t) for t in row) for row in result.terms]


@pytest.mark.parametrize("which", ["memory", "persisted"])
@pytest.mark.parametrize("name", sorted(BINDINGS))
def test_same_rows_in_the_same_order_as_the_sparql_on_the_real_build(built_graph: Path, cache_dir: Path, name: str, which: str):
    store = (memory_store if which == "memory" else open_store)(built_graph)
    text = (paths.QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
    nonempty = 0
    for bind in BINDINGS[name]:
        terms = {k: bind_term(v) for k, v in bind.items()}
        fast = comention.answer(store, text, terms, 1000)
        assert fast is not None, bind
        sparql = answer_result(query_store(store, text, terms, prefixes=PREFIXES), 1000)
        assert fast.variables == sparql.variables
        assert _terms(fast) == _terms(sparql), (name, bind)
        nonempty += bool(fast.terms)
    assert nonempty >= 4
    capped = comention.answer(store, text, {}, 7)
    assert len(capped.terms) == 7 and capped.capped


def test_anything_else_runs_the_sparql(built_graph: Path, tmp_path: Path):
    text = (paths.QUERIES_DIR / "co-mentioned-with.rq").read_text(encoding="utf-8")
    store = memory_store(built_graph)
    assert comention.answer(store, text.replace("LIMIT 200", "LIMIT 20"), {}, 1000) is None  # an edited query
    assert comention.answer(store, text, {"entity": bind_term("ent:qwen")}, 1000) is None  # not one of its parameters
    # an entity with two labels: the SPARQL's cross product is not the index's business
    graph = tmp_path / "graph"
    graph.mkdir()
    (graph / "graph.ttl").write_text(
        (built_graph / "graph.ttl").read_text(encoding="utf-8")
        + '\n<https://w3id.org/aikg/entity/qwen> <http://www.w3.org/2000/01/rdf-schema#label> "Qwen again" .\n',
        encoding="utf-8",
    )
    assert comention.answer(memory_store(graph), text, {}, 1000) is None
