"""Shared pytest fixtures: repository paths, the mini graph, synthetic graphs."""

from __future__ import annotations

import hashlib
import random
import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, Namespace
from rdflib.namespace import DCTERMS, PROV, SKOS

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"

AIKG = Namespace("https://w3id.org/aikg/ontology#")
ENT = Namespace("https://w3id.org/aikg/entity/")
ART = Namespace("https://w3id.org/aikg/article/")
STMT = Namespace("https://w3id.org/aikg/statement/")

# (predicate, subject types, object types) as in shared/ANNOTATION.md; authorOf's object is an article.
RELATION_SIGNATURES = (
    ("authorOf", ("Person", "Organization"), ("Article",)),
    ("affiliatedWith", ("Person",), ("Organization",)),
    ("developedBy", ("Model", "Tool", "Technology"), ("Organization", "Person")),
    ("basedOn", ("Model", "Tool"), ("Model", "Tool", "Technology")),
    ("usesTechnology", ("Model", "Tool", "Organization"), ("Technology",)),
    ("partOf", ("Organization",), ("Organization",)),
)


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory):
    """Stores and extraction caches of the test run live in a temporary folder, not ~/.cache."""
    import os

    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private, empty cache folder for one test (stores and extraction results)."""
    root = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(root))
    monkeypatch.delenv("AIKG_CACHE_DIR", raising=False)
    return root


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository checkout."""
    return REPO


@pytest.fixture(scope="session")
def mini_dir() -> Path:
    """Folder holding the hand-written mini graph (read-only: copy before changing)."""
    return FIXTURES / "mini"


@pytest.fixture()
def mini_graph(mini_dir: Path) -> rdflib.Graph:
    """A fresh parse of tests/fixtures/mini/graph.ttl; safe to modify."""
    return rdflib.Graph().parse(mini_dir / "graph.ttl", format="turtle")


@pytest.fixture()
def mini_copy(mini_dir: Path, tmp_path: Path) -> Path:
    """A writable copy of the mini graph folder."""
    dest = tmp_path / "mini"
    shutil.copytree(mini_dir, dest)
    return dest


def synthetic_graph(n_entities: int = 1000, n_facts: int = 1500, n_articles: int = 18, seed: int = 7) -> rdflib.Graph:
    """A random graph in ontology/MODEL.md's shape that satisfies the shapes.

    Used for timing: 1000 entities and 1500 facts give about 21k triples.
    """
    rng = random.Random(seed)
    g = rdflib.Graph()
    types = ("Model", "Organization", "Person", "Tool", "Technology")
    by_type: dict[str, list] = {t: [] for t in types}
    articles = []
    for i in range(n_articles):
        art = ART[f"synthetic-A{i:02d}"]
        articles.append((art, i * 10_000, (i + 1) * 10_000))
        g.add((art, RDF.type, AIKG.Article))
        g.add((art, DCTERMS.identifier, Literal(f"A{i:02d}")))
        g.add((art, DCTERMS.title, Literal(f"文章 {i}")))
        g.add((art, DCTERMS.source, Literal("synthetic.txt")))
        g.add((art, AIKG.startOffset, Literal(i * 10_000)))
        g.add((art, AIKG.endOffset, Literal((i + 1) * 10_000)))
    for i in range(n_entities):
        kind = types[i % len(types)]
        node = ENT[f"{kind.lower()}-{i}"]
        by_type[kind].append(node)
        g.add((node, RDF.type, AIKG[kind]))
        g.add((node, RDFS.label, Literal(f"{kind} {i}")))
        g.add((node, SKOS.altLabel, Literal(f"别名{i}")))
        g.add((node, AIKG.mentionCount, Literal(rng.randint(1, 50))))
        for art, _, _ in rng.sample(articles, 2):
            g.add((art, AIKG.mentions, node))
    seen: set[str] = set()
    i = 0
    while len(seen) < n_facts:
        pred, subj_types, obj_types = RELATION_SIGNATURES[i % len(RELATION_SIGNATURES)]
        i += 1
        subj = rng.choice(by_type[rng.choice(subj_types)])
        art, start, end = rng.choice(articles)
        obj = art if obj_types == ("Article",) else rng.choice(by_type[rng.choice(obj_types)])
        key = f"{subj}|{pred}|{obj}|{art}"
        if key in seen or subj == obj:
            continue
        seen.add(key)
        g.add((subj, AIKG[pred], obj))
        st = STMT[hashlib.sha256(key.encode()).hexdigest()[:16]]
        g.add((st, RDF.type, RDF.Statement))
        g.add((st, RDF.subject, subj))
        g.add((st, RDF.predicate, AIKG[pred]))
        g.add((st, RDF.object, obj))
        g.add((st, PROV.wasDerivedFrom, art))
        g.add((st, AIKG.evidence, Literal(f"证据句 {i}")))
        s = rng.randint(start, end - 100)
        g.add((st, AIKG.startOffset, Literal(s)))
        g.add((st, AIKG.endOffset, Literal(s + rng.randint(5, 99))))
        g.add((st, AIKG.rule, Literal("synthetic")))
    return g


@pytest.fixture(scope="session")
def large_graph() -> rdflib.Graph:
    """A ~21k-triple synthetic graph (do not modify; session-scoped)."""
    return synthetic_graph()


@pytest.fixture(scope="session")
def built_graph(tmp_path_factory) -> Path:
    """The bundled report built once per session into a temporary folder (holds graph.ttl)."""
    from aikg.build import build

    out = tmp_path_factory.mktemp("built")
    build(None, out)
    return out
