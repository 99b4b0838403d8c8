"""Graph analytics: the RDF graph projected to networkx, centrality, communities, paths.

``load(graph_dir)`` reads ``graph_dir/graph.ttl`` (the shape of ontology/MODEL.md)
with pyoxigraph's Turtle parser (about 30x faster than rdflib's: a 20k-triple
graph loads and projects in a few hundredths of a second) into a
:class:`KnowledgeGraph`: entities, articles and facts with their provenance.
Measures that cost a networkx/scipy import and a computation (degree,
PageRank, betweenness, communities) are kept as JSON in the user's cache dir
(``aikg.store.cache_root()/analytics``), keyed by the sha256 of graph.ttl and of
this module, and reused by later processes; a changed graph gets a new key.
Nothing is written beside the graph, so a build folder stays byte-identical to a
fresh ``aikg build``.

The projection (:attr:`KnowledgeGraph.facts_graph`) is a ``networkx.MultiDiGraph``:

* one node per entity (id = the entity's local name, e.g. ``qwen``) with
  ``type``, ``label``, ``aliases``, ``mentions`` (mention count), ``wikidata``,
  ``alt_types`` and ``articles`` (keys of the articles mentioning it);
* one node per article (id = ``art:`` + the article key, type ``Article``),
  because ``authorOf`` points at articles;
* one edge per ``rdf:Statement`` (fact, article): key = the statement's local
  name, attributes ``predicate``, ``article``, ``evidence``, ``rule``,
  ``start``, ``end``.

Mention co-occurrence (two entities mentioned by the same article, weight =
number of shared articles) is a separate, optional undirected graph
(:meth:`KnowledgeGraph.cooccurrence`), or extra ``kind="cooccurrence"`` edges
with :func:`to_networkx`.

Every result is deterministic: nodes and edges are inserted in sorted order,
Louvain and sampled betweenness use fixed seeds, and ties are broken by label
and id.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: a cached `aikg explore top` never needs it (~0.35 s)
    import networkx as nx

from aikg import paths
from aikg.errors import AikgError
from aikg.records import ENTITY_TYPES, PREDICATES

AIKG_NS = "https://w3id.org/aikg/ontology#"
ENT_NS = "https://w3id.org/aikg/entity/"
ART_NS = "https://w3id.org/aikg/article/"
STMT_NS = "https://w3id.org/aikg/statement/"
WD_NS = "http://www.wikidata.org/entity/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = RDF_NS + "type"
RDF_STATEMENT = RDF_NS + "Statement"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
SKOS_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"
DCT = "http://purl.org/dc/terms/"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"

ARTICLE = "Article"
ARTICLE_PREFIX = "art:"
SEED = 42  # Louvain, sampled betweenness and layouts
BETWEENNESS_EXACT_MAX = 1000  # above this many nodes, betweenness samples this many sources
ANALYTICS_FORMAT = "1"  # bump when what the analytics cache holds changes
KEEP_ANALYTICS = 16  # analytics files kept in the cache (least recently written go first)


@dataclass(frozen=True)
class EntityNode:
    """One entity of the graph."""

    id: str  # local name under ent:, or the full IRI for a foreign node
    type: str  # one of ENTITY_TYPES
    label: str
    aliases: tuple[str, ...] = ()
    alt_types: tuple[str, ...] = ()
    wikidata: str | None = None  # "Q123"
    mentions: int = 0
    articles: tuple[str, ...] = ()  # keys of the articles that mention it


@dataclass(frozen=True)
class ArticleNode:
    """One article (or unsigned part) of a source document."""

    key: str  # local name under art:, e.g. "china-open-source-2024-A01"
    id: str  # dcterms:identifier, e.g. "A01"
    title: str
    source: str
    start: int
    end: int
    authors: tuple[str, ...] = ()  # entity ids with authorOf this article
    mentions: tuple[str, ...] = ()  # entity ids it mentions

    @property
    def node(self) -> str:
        """Its node id in the projection."""
        return ARTICLE_PREFIX + self.key


@dataclass(frozen=True)
class Fact:
    """A fact with its provenance: one rdf:Statement (or a bare triple without one)."""

    subject: str  # node id
    predicate: str  # one of PREDICATES
    object: str  # node id (an article node for authorOf)
    article: str | None  # article key it was derived from
    evidence: str | None
    rule: str | None = None
    start: int | None = None
    end: int | None = None
    statement: str | None = None  # local name under stmt:


@dataclass
class KnowledgeGraph:
    """A loaded graph: entities, articles, facts, and their networkx projection."""

    source: Path
    entities: dict[str, EntityNode]
    articles: dict[str, ArticleNode]
    facts: list[Fact]
    _cache: dict = field(default_factory=dict, repr=False)
    digest: str = ""  # sha256 of graph.ttl's bytes: the key of its persisted analytics

    # -- naming -------------------------------------------------------------------------------
    def is_article(self, node: str) -> bool:
        return node.startswith(ARTICLE_PREFIX) and node[len(ARTICLE_PREFIX):] in self.articles

    def article_of(self, node: str) -> ArticleNode:
        return self.articles[node[len(ARTICLE_PREFIX):]]

    def node_type(self, node: str) -> str:
        return ARTICLE if self.is_article(node) else self.entities[node].type

    def label(self, node: str) -> str:
        """Display name of a node: an entity's label, an article's id."""
        if self.is_article(node):
            return self.article_of(node).id
        return self.entities[node].label

    # -- projections --------------------------------------------------------------------------
    @cached_property
    def facts_graph(self) -> nx.MultiDiGraph:
        """Entities and articles as nodes, one edge per fact statement."""
        return to_networkx(self)

    @cached_property
    def simple_graph(self) -> nx.Graph:
        """Undirected fact graph, parallel facts collapsed; ``weight`` = number of statements."""
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from(self.facts_graph.nodes(data=True))
        weights: dict[tuple[str, str], int] = defaultdict(int)
        for fact in self.facts:
            if fact.subject != fact.object:
                weights[tuple(sorted((fact.subject, fact.object)))] += 1
        graph.add_weighted_edges_from((u, v, w) for (u, v), w in sorted(weights.items()))
        return graph

    @cached_property
    def entity_graph(self) -> nx.Graph:
        """:attr:`simple_graph` without article nodes (authorOf edges dropped)."""
        return self.simple_graph.subgraph(sorted(self.entities)).copy()

    def cooccurrence(self) -> nx.Graph:
        """Entities as nodes; an edge between two entities mentioned by the same article,
        ``weight`` = number of shared articles, ``articles`` = their keys (sorted)."""
        if "cooccurrence" not in self._cache:
            import networkx as nx

            shared: dict[tuple[str, str], list[str]] = defaultdict(list)
            for key in sorted(self.articles):
                members = sorted(self.articles[key].mentions)
                for i, u in enumerate(members):
                    for v in members[i + 1:]:
                        shared[(u, v)].append(key)
            graph = nx.Graph()
            graph.add_nodes_from((e, {"type": self.entities[e].type}) for e in sorted(self.entities))
            graph.add_edges_from(
                (u, v, {"weight": len(keys), "articles": tuple(keys)}) for (u, v), keys in sorted(shared.items())
            )
            self._cache["cooccurrence"] = graph
        return self._cache["cooccurrence"]

    # -- measures -----------------------------------------------------------------------------
    @cached_property
    def adjacency(self) -> dict[str, dict[str, None]]:
        """:attr:`simple_graph`'s adjacency without networkx: the same nodes and neighbours,
        inserted in the same order (so a breadth-first search visits them as networkx does)."""
        adjacency: dict[str, dict[str, None]] = {eid: {} for eid in self.entities}
        adjacency.update((a.node, {}) for a in self.articles.values())
        pairs = set()
        for fact in self.facts:
            adjacency.setdefault(fact.subject, {})
            adjacency.setdefault(fact.object, {})
            if fact.subject != fact.object:
                pairs.add(tuple(sorted((fact.subject, fact.object))))
        for u, v in sorted(pairs):
            adjacency[u][v] = None
            adjacency[v][u] = None
        return adjacency

    @cached_property
    def fact_index(self) -> dict[tuple[str, str], dict[str, Fact]]:
        """(subject, object) → {edge key: fact}, the edges of :attr:`facts_graph` without networkx
        (a later fact with the same key replaces an earlier one, as in the MultiDiGraph)."""
        index: dict[tuple[str, str], dict[str, Fact]] = defaultdict(dict)
        for i, fact in enumerate(self.facts):
            index[(fact.subject, fact.object)][fact.statement or f"triple-{i}"] = fact
        return dict(index)

    def persisted(self, name: str, compute):
        """``compute()``'s JSON value, read from this graph's analytics file when it is there
        (see the module docstring), else computed and added to it."""
        stored = self._cache.get("persisted")
        if stored is None:
            stored = self._cache["persisted"] = _read_analytics(self)
        if name not in stored:
            stored[name] = compute()
            _write_analytics(self, stored)
        return stored[name]

    @cached_property
    def degree(self) -> dict[str, int]:
        """Number of distinct nodes each node shares a fact with (articles count for authorOf)."""
        return self.persisted("degree", lambda: {node: self.simple_graph.degree(node) for node in self.simple_graph})

    @cached_property
    def pagerank(self) -> dict[str, float]:
        """PageRank over the directed fact graph (facts point at developers, bases, techniques,
        employers, parents, articles); parallel statements add weight."""
        return self.persisted("pagerank", self._pagerank)

    def _pagerank(self) -> dict[str, float]:
        import networkx as nx

        directed = nx.DiGraph()
        directed.add_nodes_from(self.facts_graph.nodes)
        weights: dict[tuple[str, str], int] = defaultdict(int)
        for fact in self.facts:
            if fact.subject != fact.object:
                weights[(fact.subject, fact.object)] += 1
        directed.add_weighted_edges_from((u, v, w) for (u, v), w in sorted(weights.items()))
        if directed.number_of_nodes() == 0:
            return {}
        ranks = nx.pagerank(directed, alpha=0.85, weight="weight", tol=1e-10, max_iter=500)
        return {node: round(value, 10) for node, value in ranks.items()}

    @cached_property
    def betweenness(self) -> dict[str, float]:
        """Betweenness centrality on the undirected fact graph (sampled with a fixed seed
        above BETWEENNESS_EXACT_MAX nodes)."""
        return self.persisted("betweenness", self._betweenness)

    def _betweenness(self) -> dict[str, float]:
        import networkx as nx

        graph = self.simple_graph
        k = None if graph.number_of_nodes() <= BETWEENNESS_EXACT_MAX else BETWEENNESS_EXACT_MAX
        values = nx.betweenness_centrality(graph, k=k, seed=SEED, normalized=True)
        return {node: round(value, 10) for node, value in values.items()}


# -- the analytics cache -------------------------------------------------------------------------


def _analytics_path(kg: KnowledgeGraph) -> Path | None:
    """The JSON file of ``kg``'s analytics: keyed by its graph, this module's code and networkx's version."""
    if not kg.digest:
        return None
    from importlib.metadata import PackageNotFoundError, version

    from aikg.store import cache_root

    digest = hashlib.sha256(f"aikg-analytics {ANALYTICS_FORMAT}\0{kg.digest}\0".encode())
    digest.update(Path(__file__).read_bytes())
    try:
        digest.update(version("networkx").encode())
    except PackageNotFoundError:
        pass
    return cache_root() / "analytics" / f"{digest.hexdigest()}.json"


def _read_analytics(kg: KnowledgeGraph) -> dict:
    path = _analytics_path(kg)
    try:
        stored = json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):  # missing, or half-written by a crashed process: compute again
        return {}
    return stored.get("values", {}) if isinstance(stored, dict) and stored.get("graph") == kg.digest else {}


def _write_analytics(kg: KnowledgeGraph, values: dict) -> None:
    """Write the file atomically; an unwritable cache is skipped; the oldest files beyond KEEP_ANALYTICS go."""
    from aikg.store import write_cache_file

    path = _analytics_path(kg)
    document = {"format": ANALYTICS_FORMAT, "graph": kg.digest, "values": values}
    if path is None or not write_cache_file(path, json.dumps(document, ensure_ascii=False, sort_keys=True).encode()):
        return
    def written(other: Path) -> float:
        try:
            return other.stat().st_mtime
        except OSError:  # removed meanwhile by another process
            return 0.0

    for old in sorted(path.parent.glob("*.json"), key=written)[:-KEEP_ANALYTICS]:
        old.unlink(missing_ok=True)


# -- loading ------------------------------------------------------------------------------------


def graph_path(graph_dir: Path | str | None) -> Path:
    """``graph_dir/graph.ttl`` (default: aikg.paths.DEFAULT_OUT), or a clear error."""
    given = Path(graph_dir) if graph_dir is not None else Path(paths.DEFAULT_OUT)
    path = given / paths.GRAPH_FILE if given.is_dir() else given
    if not path.is_file():
        raise AikgError(f"{path}: no graph here (run `aikg build --out {given}` first)")
    return path


def _local(iri: str, namespace: str) -> str:
    return iri[len(namespace):] if iri.startswith(namespace) else iri


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def load(graph_dir: Path | str | None = None) -> KnowledgeGraph:
    """Parse a built graph (a folder holding graph.ttl, or the .ttl file itself)."""
    import pyoxigraph as ox

    path = graph_path(graph_dir)
    fact_predicates = {AIKG_NS + p: p for p in PREDICATES}
    class_names = {AIKG_NS + t: t for t in (*ENTITY_TYPES, ARTICLE)}

    types: dict[str, str] = {}
    statements: set[str] = set()
    props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    mentions: dict[str, set[str]] = defaultdict(set)
    triples: set[tuple[str, str, str]] = set()
    wanted = {
        RDFS_LABEL, SKOS_ALT, SKOS_MATCH, AIKG_NS + "altType", AIKG_NS + "mentionCount",
        DCT + "identifier", DCT + "title", DCT + "source", AIKG_NS + "startOffset", AIKG_NS + "endOffset",
        RDF_NS + "subject", RDF_NS + "predicate", RDF_NS + "object", PROV_DERIVED,
        AIKG_NS + "evidence", AIKG_NS + "rule",
    }
    try:
        data = path.read_bytes()
        for triple in ox.parse(data, format=ox.RdfFormat.TURTLE):
            s, p, o = triple.subject, triple.predicate.value, triple.object
            if not isinstance(s, ox.NamedNode):
                continue
            subject = s.value
            if p == RDF_TYPE:
                if o.value == RDF_STATEMENT:
                    statements.add(subject)
                elif o.value in class_names and subject not in types:
                    types[subject] = class_names[o.value]
            elif p == AIKG_NS + "mentions":
                mentions[subject].add(o.value)
            elif p in fact_predicates:
                triples.add((subject, fact_predicates[p], o.value))
            elif p in wanted:
                props[subject][p].append(o.value)
    except (SyntaxError, ValueError) as err:
        raise AikgError(f"{path}: not valid Turtle ({err})") from None
    except OSError as err:
        raise AikgError(f"{path}: cannot read ({err.strerror})") from None

    def one(subject: str, prop: str) -> str | None:
        values = props[subject].get(prop)
        return min(values) if values else None

    def node_id(iri: str) -> str | None:
        kind = types.get(iri)
        if kind is None:
            return None
        if kind == ARTICLE:
            return ARTICLE_PREFIX + _local(iri, ART_NS)
        return _local(iri, ENT_NS)

    mentioned_by: dict[str, set[str]] = defaultdict(set)
    for article_iri, targets in mentions.items():
        if types.get(article_iri) == ARTICLE:
            for target in targets:
                if types.get(target) in ENTITY_TYPES:
                    mentioned_by[target].add(_local(article_iri, ART_NS))

    entities: dict[str, EntityNode] = {}
    for iri in sorted(i for i, t in types.items() if t != ARTICLE):
        eid = _local(iri, ENT_NS)
        label = one(iri, RDFS_LABEL) or eid
        wikidata = one(iri, SKOS_MATCH)
        entities[eid] = EntityNode(
            id=eid,
            type=types[iri],
            label=label,
            aliases=tuple(sorted(set(props[iri].get(SKOS_ALT, ())) - {label})),
            alt_types=tuple(sorted(_local(t, AIKG_NS) for t in props[iri].get(AIKG_NS + "altType", ()))),
            wikidata=_local(wikidata, WD_NS) if wikidata else None,
            mentions=_int(one(iri, AIKG_NS + "mentionCount")) or 0,
            articles=tuple(sorted(mentioned_by[iri])),
        )

    facts: list[Fact] = []
    stated: set[tuple[str, str, str]] = set()
    for st in sorted(statements):
        subject, predicate, obj = (one(st, RDF_NS + x) for x in ("subject", "predicate", "object"))
        if predicate not in fact_predicates:
            continue
        u, v = node_id(subject or ""), node_id(obj or "")
        if u is None or v is None:
            continue
        derived = one(st, PROV_DERIVED)
        facts.append(
            Fact(
                subject=u, predicate=fact_predicates[predicate], object=v,
                article=_local(derived, ART_NS) if derived else None,
                evidence=one(st, AIKG_NS + "evidence"), rule=one(st, AIKG_NS + "rule"),
                start=_int(one(st, AIKG_NS + "startOffset")), end=_int(one(st, AIKG_NS + "endOffset")),
                statement=_local(st, STMT_NS),
            )
        )
        stated.add((subject, fact_predicates[predicate], obj))
    for subject, predicate, obj in sorted(triples - stated):  # a bare triple: a fact without provenance
        u, v = node_id(subject), node_id(obj)
        if u is not None and v is not None:
            facts.append(Fact(u, predicate, v, None, None))
    facts.sort(key=lambda f: (f.subject, f.predicate, f.object, f.article or "", f.statement or ""))

    authors: dict[str, set[str]] = defaultdict(set)
    for fact in facts:
        if fact.predicate == "authorOf" and fact.object.startswith(ARTICLE_PREFIX):
            authors[fact.object[len(ARTICLE_PREFIX):]].add(fact.subject)
    articles: dict[str, ArticleNode] = {}
    for iri in sorted(i for i, t in types.items() if t == ARTICLE):
        key = _local(iri, ART_NS)
        articles[key] = ArticleNode(
            key=key,
            id=one(iri, DCT + "identifier") or key,
            title=one(iri, DCT + "title") or "",
            source=one(iri, DCT + "source") or "",
            start=_int(one(iri, AIKG_NS + "startOffset")) or 0,
            end=_int(one(iri, AIKG_NS + "endOffset")) or 0,
            authors=tuple(sorted(authors[key], key=lambda e: (entities[e].label, e) if e in entities else ("", e))),
            mentions=tuple(sorted(_local(t, ENT_NS) for t in mentions.get(iri, ()) if types.get(t) in ENTITY_TYPES)),
        )
    return KnowledgeGraph(source=path, entities=entities, articles=articles, facts=facts, digest=hashlib.sha256(data).hexdigest())


def to_networkx(kg: KnowledgeGraph, *, cooccurrence: bool = False) -> nx.MultiDiGraph:
    """The projection: entity and article nodes, one edge per fact statement; with
    ``cooccurrence`` also one ``kind="cooccurrence"`` edge per pair of entities mentioned
    by a common article (``weight`` = number of shared articles)."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    graph.add_nodes_from(
        (
            eid,
            {
                "type": e.type, "label": e.label, "aliases": e.aliases, "alt_types": e.alt_types,
                "mentions": e.mentions, "wikidata": e.wikidata, "articles": e.articles,
            },
        )
        for eid, e in kg.entities.items()
    )
    graph.add_nodes_from(
        (a.node, {"type": ARTICLE, "label": a.id, "title": a.title, "source": a.source, "key": a.key})
        for a in kg.articles.values()
    )
    for index, fact in enumerate(kg.facts):
        graph.add_edge(
            fact.subject, fact.object, key=fact.statement or f"triple-{index}", kind="fact",
            predicate=fact.predicate, article=fact.article, evidence=fact.evidence, rule=fact.rule,
            start=fact.start, end=fact.end,
        )
    if cooccurrence:
        for u, v, data in kg.cooccurrence().edges(data=True):
            graph.add_edge(u, v, key="cooccurrence", kind="cooccurrence", weight=data["weight"], articles=data["articles"])
    return graph


# -- rankings and groups ------------------------------------------------------------------------

RANKINGS = ("degree", "pagerank", "mentions", "betweenness")


def ranking(kg: KnowledgeGraph, by: str = "degree", entity_type: str | None = None, limit: int | None = 10) -> list[str]:
    """Entity ids, best first by ``by``; ties by degree, mentions, label, id."""
    if by not in RANKINGS:
        raise AikgError(f"unknown ranking {by!r}: use one of {', '.join(RANKINGS)}")
    measure = {
        "degree": kg.degree,
        "pagerank": kg.pagerank,
        "betweenness": kg.betweenness if by == "betweenness" else {},
        "mentions": {eid: e.mentions for eid, e in kg.entities.items()},
    }[by]
    chosen = [eid for eid, e in kg.entities.items() if entity_type is None or e.type == entity_type]
    chosen.sort(
        key=lambda e: (-measure.get(e, 0), -kg.degree.get(e, 0), -kg.entities[e].mentions, kg.entities[e].label, e)
    )
    return chosen if limit is None else chosen[:limit]


@dataclass(frozen=True)
class Community:
    """A group of entities more densely connected to each other than to the rest."""

    index: int  # 1-based, largest first
    members: tuple[str, ...]  # entity ids, most central (PageRank) first


def communities(kg: KnowledgeGraph, *, cooccurrence: bool = False, min_size: int = 2, resolution: float = 1.0) -> list[Community]:
    """Louvain communities (seed fixed: the same graph always gives the same groups) of the
    entity fact graph; with ``cooccurrence`` the co-occurrence edges join in at weight
    shared-articles / 4 (a stated fact counts more than being mentioned together)."""
    cache_key = ("communities", cooccurrence, min_size, resolution)
    if cache_key not in kg._cache:
        groups = kg.persisted(
            f"communities {cooccurrence} {min_size} {resolution!r}",
            lambda: [list(c.members) for c in _communities(kg, cooccurrence, min_size, resolution)],
        )
        kg._cache[cache_key] = [Community(index=i + 1, members=tuple(members)) for i, members in enumerate(groups)]
    return kg._cache[cache_key]


def _communities(kg: KnowledgeGraph, cooccurrence: bool, min_size: int, resolution: float) -> list[Community]:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(sorted(kg.entities))
    weights: dict[tuple[str, str], float] = defaultdict(float)
    for u, v, w in kg.entity_graph.edges(data="weight"):
        weights[tuple(sorted((u, v)))] += float(w)
    if cooccurrence:
        for u, v, w in kg.cooccurrence().edges(data="weight"):
            weights[tuple(sorted((u, v)))] += w / 4.0
    graph.add_weighted_edges_from((u, v, w) for (u, v), w in sorted(weights.items()))
    groups = nx.community.louvain_communities(graph, weight="weight", resolution=resolution, seed=SEED)
    pr = kg.pagerank

    def order(members) -> tuple[str, ...]:
        return tuple(sorted(members, key=lambda e: (-pr.get(e, 0.0), -kg.entities[e].mentions, kg.entities[e].label, e)))

    ordered = sorted((order(g) for g in groups if len(g) >= min_size), key=lambda m: (-len(m), min(m)))
    return [Community(index=i + 1, members=members) for i, members in enumerate(ordered)]


# -- paths and neighbourhoods -------------------------------------------------------------------


@dataclass(frozen=True)
class Hop:
    """One step of a path: the facts linking two nodes (either direction), or, on a
    co-occurrence path, the articles mentioning both."""

    source: str
    target: str
    facts: tuple[Fact, ...] = ()
    shared_articles: tuple[str, ...] = ()


@dataclass(frozen=True)
class PathResult:
    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]
    via: str  # "facts" or "cooccurrence"
    note: str | None = None


def facts_between(kg: KnowledgeGraph, u: str, v: str) -> tuple[Fact, ...]:
    """Every fact statement linking u and v, in either direction (stable order)."""
    found: list[Fact] = []
    for a, b in ((u, v), (v, u)):
        for key, fact in sorted(kg.fact_index.get((a, b), {}).items()):
            found.append(
                Fact(a, fact.predicate, b, fact.article, fact.evidence, fact.rule,
                     fact.start, fact.end, None if key.startswith("triple-") else key)
            )
    return tuple(found)


def shortest_path(kg: KnowledgeGraph, source: str, target: str) -> PathResult:
    """The shortest chain of facts from ``source`` to ``target`` (either direction along each
    fact); when the facts do not connect them, the shortest co-occurrence chain, with a note."""
    for node in (source, target):
        if node not in kg.adjacency:
            raise AikgError(f"{node!r} is not a node of the graph")
    if source == target:
        return PathResult((source,), (), "facts")
    nodes = _bidirectional_path(kg.adjacency, source, target)
    if nodes is not None:
        hops = tuple(Hop(u, v, facts=facts_between(kg, u, v)) for u, v in zip(nodes, nodes[1:]))
        return PathResult(tuple(nodes), hops, "facts")
    import networkx as nx

    co = kg.cooccurrence()
    if source in co and target in co:
        try:
            nodes = nx.shortest_path(co, source, target)
        except nx.NetworkXNoPath:
            nodes = None
        if nodes:
            hops = tuple(Hop(u, v, facts=facts_between(kg, u, v), shared_articles=co[u][v]["articles"]) for u, v in zip(nodes, nodes[1:]))
            return PathResult(
                tuple(nodes), hops, "cooccurrence",
                note=f"no chain of facts links {kg.label(source)} and {kg.label(target)}; "
                "this path goes through entities mentioned together in the same article",
            )
    raise AikgError(f"no path between {kg.label(source)} and {kg.label(target)}: neither facts nor shared articles connect them")


def _bidirectional_path(adjacency: dict[str, dict[str, None]], source: str, target: str) -> list[str] | None:
    """networkx's ``bidirectional_shortest_path`` on an undirected adjacency (the same
    search, so the same path among equally short ones); None when there is none."""
    if source == target:
        return [source]
    pred: dict[str, str | None] = {source: None}
    succ: dict[str, str | None] = {target: None}
    forward, reverse = [source], [target]
    meet = None
    while forward and reverse and meet is None:
        if len(forward) <= len(reverse):
            level, forward = forward, []
            for v in level:
                for w in adjacency[v]:
                    if w not in pred:
                        forward.append(w)
                        pred[w] = v
                    if w in succ:
                        meet = w
                        break
                if meet is not None:
                    break
        else:
            level, reverse = reverse, []
            for v in level:
                for w in adjacency[v]:
                    if w not in succ:
                        succ[w] = v
                        reverse.append(w)
                    if w in pred:
                        meet = w
                        break
                if meet is not None:
                    break
    if meet is None:
        return None
    path = []
    node: str | None = meet
    while node is not None:
        path.append(node)
        node = pred[node]
    path.reverse()
    node = succ[path[-1]]
    while node is not None:
        path.append(node)
        node = succ[node]
    return path


def ego_nodes(kg: KnowledgeGraph, center: str, radius: int = 1) -> dict[str, int]:
    """Nodes within ``radius`` fact hops of ``center`` (either direction) → their distance."""
    if center not in kg.simple_graph:
        raise AikgError(f"{center!r} is not a node of the graph")
    import networkx as nx

    return dict(nx.single_source_shortest_path_length(kg.simple_graph, center, cutoff=max(0, radius)))


def ego_network(kg: KnowledgeGraph, center: str, radius: int = 1) -> nx.MultiDiGraph:
    """The fact subgraph induced by the nodes within ``radius`` of ``center``."""
    return kg.facts_graph.subgraph(sorted(ego_nodes(kg, center, radius))).copy()


def scaled(value: float, low: float, high: float, top: float) -> float:
    """Map 0..top to low..high on a square-root scale (for node sizes)."""
    if top <= 0:
        return low
    return low + (high - low) * math.sqrt(max(0.0, value) / top)
