"""Exploring a built graph: plain functions that return data (the CLI prints it).

Names typed by a user are matched in Python against the loaded graph (labels,
aliases and ids, NFKC-normalised and case-folded); they never reach a query
string. An unknown or ambiguous name raises :class:`aikg.errors.AikgError`
listing the closest candidates.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from aikg import analyze, names
from aikg.analyze import ARTICLE, ARTICLE_PREFIX, Fact, KnowledgeGraph, PathResult
from aikg.errors import AikgError
from aikg.records import ENTITY_TYPES

NODE_TYPES = (*ENTITY_TYPES, ARTICLE)
_loaded: dict[tuple[str, int, int], KnowledgeGraph] = {}


def load(graph_dir: Path | str | None = None) -> KnowledgeGraph:
    """The graph in ``graph_dir`` (default aikg.paths.DEFAULT_OUT), parsed once per process
    while the file is unchanged (kept in memory only)."""
    path = analyze.graph_path(graph_dir)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _loaded:
        _loaded.clear()
        _loaded[key] = analyze.load(path)
    return _loaded[key]


# -- names (the alias index lives in aikg.names; `aikg ask` uses the same one) ----------------

normalize = names.normalize
_compact = names.compact
SearchHit = names.SearchHit


def name_index(kg: KnowledgeGraph) -> names.NameIndex:
    """The alias index of a loaded graph (built once per graph)."""
    if "index" not in kg._cache:
        kg._cache["index"] = names.NameIndex(
            names.Named(eid, e.label, e.type, tuple(e.aliases), e.mentions) for eid, e in kg.entities.items()
        )
    return kg._cache["index"]


def _names(kg: KnowledgeGraph) -> dict[str, list[tuple[str, str]]]:
    """entity id → [(normalized form, kind)] with kind 'label', 'alias' or 'id'."""
    return name_index(kg).forms


def search(kg: KnowledgeGraph, text: str, *, entity_type: str | None = None, limit: int | None = 20) -> list[SearchHit]:
    """Entities whose label, alias or id contains ``text`` (case-insensitive, NFKC, also
    ignoring spaces and dashes), best first: exact before prefix before contains, then the
    most mentioned, then label matches before alias matches."""
    if not normalize(text):
        raise AikgError("empty search text")
    entity_type = check_type(entity_type) if entity_type else None
    return name_index(kg).search(text, entity_type=entity_type, limit=limit)


def suggestions(kg: KnowledgeGraph, text: str, n: int = 5) -> list[str]:
    """Entity ids closest to ``text``: partial matches first, then difflib's close matches."""
    return name_index(kg).suggestions(text, n)


def describe(kg: KnowledgeGraph, eid: str) -> str:
    entity = kg.entities[eid]
    return f"{entity.label} ({entity.type}, id {eid})"


def resolve(kg: KnowledgeGraph, name: str) -> str:
    """The entity id ``name`` denotes: an id (also ``ent:id`` or the full IRI), or exactly
    a label or alias (normalised). A name shared by several entities is ambiguous unless
    it is the label of exactly one of them."""
    raw = name.strip()
    for prefix in ("ent:", analyze.ENT_NS):
        if raw.startswith(prefix) and raw[len(prefix):] in kg.entities:
            return raw[len(prefix):]
    if raw in kg.entities:
        return raw
    wanted = normalize(raw)
    if not wanted:
        raise AikgError("empty entity name")
    by_label = [eid for eid, forms in _names(kg).items() if (wanted, "label") in forms]
    by_any = [eid for eid, forms in _names(kg).items() if any(form == wanted for form, _ in forms)]
    if len(by_label) == 1:
        return by_label[0]
    if len(by_any) == 1:
        return by_any[0]
    if by_any:
        listed = "; ".join(describe(kg, e) for e in by_any[:8])
        raise AikgError(f"{name!r} is ambiguous: {listed}. Give the id instead.")
    close = suggestions(kg, raw)
    hint = f"; closest: {'; '.join(describe(kg, e) for e in close)}" if close else ""
    raise AikgError(f"no entity named {name!r}{hint}")


def check_type(name: str | None, *, allow_article: bool = False) -> str | None:
    """A type name as given by a user ('model', 'Tool') → its canonical spelling."""
    if name is None:
        return None
    allowed = NODE_TYPES if allow_article else ENTITY_TYPES
    for t in allowed:
        if t.casefold() == name.strip().casefold():
            return t
    raise AikgError(f"unknown type {name!r}: use one of {', '.join(allowed)}")


def resolve_article(kg: KnowledgeGraph, name: str) -> str:
    """An article key from its id ('A01'), its key, or its exact title."""
    raw = name.strip()
    if raw.startswith(ARTICLE_PREFIX):
        raw = raw[len(ARTICLE_PREFIX):]
    if raw in kg.articles:
        return raw
    wanted = normalize(raw)
    matches = sorted(k for k, a in kg.articles.items() if normalize(a.id) == wanted or normalize(a.title) == wanted)
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise AikgError(f"{name!r} is ambiguous: articles {', '.join(matches)}. Give the full key.")
    forms = {normalize(a.id): k for k, a in kg.articles.items()}
    forms.update({normalize(a.title): k for k, a in kg.articles.items()})
    close = [forms[f] for f in difflib.get_close_matches(wanted, sorted(forms), n=5, cutoff=0.4)]
    close += [k for k, a in kg.articles.items() if wanted and wanted in normalize(a.title) and k not in close]
    close = list(dict.fromkeys(close))[:5]
    hint = f"; closest: {', '.join(f'{kg.articles[k].id} ({kg.articles[k].title})' for k in close)}" if close else ""
    raise AikgError(f"no article {name!r}{hint}")


# -- views ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactRow:
    """A fact seen from one node: the other end, the direction, and its provenance."""

    predicate: str
    direction: str  # "out" (node is the subject) or "in"
    other: str  # node id
    other_label: str
    other_type: str
    article: str | None  # article id (A01), or key when ids collide
    article_key: str | None
    evidence: str | None


@dataclass(frozen=True)
class EntityView:
    id: str
    label: str
    type: str
    alt_types: tuple[str, ...]
    aliases: tuple[str, ...]
    wikidata: str | None
    mentions: int
    degree: int
    pagerank: float
    facts_out: tuple[FactRow, ...]
    facts_in: tuple[FactRow, ...]
    articles: tuple[tuple[str, str, str], ...]  # (key, id, title)
    observations: tuple = ()  # its numbers and dates (aikg.observations.ObservationRow)


def _article_id(kg: KnowledgeGraph, key: str | None) -> str | None:
    if key is None:
        return None
    article = kg.articles.get(key)
    return article.id if article else key


def _row(kg: KnowledgeGraph, fact: Fact, node: str) -> FactRow:
    outgoing = fact.subject == node
    other = fact.object if outgoing else fact.subject
    return FactRow(
        fact.predicate, "out" if outgoing else "in", other, kg.label(other), kg.node_type(other),
        _article_id(kg, fact.article), fact.article, fact.evidence,
    )


def show(kg: KnowledgeGraph, name: str) -> EntityView:
    """Everything the graph says about one entity."""
    eid = resolve(kg, name)
    entity = kg.entities[eid]

    def order(row: FactRow):
        return (row.predicate, row.other_label, row.other, row.article_key or "")

    out_rows = sorted((_row(kg, f, eid) for f in kg.facts if f.subject == eid), key=order)
    in_rows = sorted((_row(kg, f, eid) for f in kg.facts if f.object == eid and f.subject != eid), key=order)
    articles = tuple((k, kg.articles[k].id, kg.articles[k].title) for k in entity.articles if k in kg.articles)
    from aikg.observations import about_entity, load_observations

    numbers = tuple(about_entity(load_observations(kg.source), eid))
    return EntityView(
        eid, entity.label, entity.type, entity.alt_types, entity.aliases, entity.wikidata, entity.mentions,
        kg.degree.get(eid, 0), kg.pagerank.get(eid, 0.0), tuple(out_rows), tuple(in_rows), articles, numbers,
    )


@dataclass(frozen=True)
class Neighbor:
    node: str
    label: str
    type: str
    distance: int
    via: str  # the node it is reached from (on a shortest path)
    via_label: str
    predicates: tuple[str, ...]  # predicates linking it to ``via``, with arrows


def neighbors(kg: KnowledgeGraph, name: str, *, depth: int = 1, node_type: str | None = None) -> list[Neighbor]:
    """Nodes within ``depth`` fact hops of an entity (facts followed in either direction),
    nearest first; ``node_type`` keeps only that type (paths may still pass through others)."""
    if depth < 1:
        raise AikgError("--depth must be at least 1")
    eid = resolve(kg, name)
    wanted = check_type(node_type, allow_article=True)
    graph = kg.adjacency  # the simple graph's neighbours, without importing networkx
    distance = {eid: 0}
    parent: dict[str, str] = {}
    frontier = [eid]
    for level in range(1, depth + 1):
        following = []
        for node in frontier:
            for other in sorted(graph[node]):
                if other not in distance:
                    distance[other] = level
                    parent[other] = node
                    following.append(other)
        frontier = following
    result = []
    for node, dist in distance.items():
        if node == eid or (wanted and kg.node_type(node) != wanted):
            continue
        via = parent[node]
        preds = sorted({
            (f"{f.predicate} →" if f.subject == via else f"← {f.predicate}")
            for f in analyze.facts_between(kg, via, node)
        })
        result.append(Neighbor(node, kg.label(node), kg.node_type(node), dist, via, kg.label(via), tuple(preds)))
    result.sort(key=lambda n: (n.distance, -kg.degree.get(n.node, 0), n.label, n.node))
    return result


@dataclass(frozen=True)
class PathStep:
    source: str
    source_label: str
    target: str
    target_label: str
    facts: tuple[FactRow, ...]  # seen from ``source``
    shared_articles: tuple[str, ...]  # article ids, on a co-occurrence hop


@dataclass(frozen=True)
class PathView:
    nodes: tuple[str, ...]
    labels: tuple[str, ...]
    steps: tuple[PathStep, ...]
    via: str
    note: str | None


def path(kg: KnowledgeGraph, a: str, b: str) -> PathView:
    """The shortest chain of facts between two entities, each hop with its evidence."""
    source, target = resolve(kg, a), resolve(kg, b)
    found: PathResult = analyze.shortest_path(kg, source, target)
    steps = []
    for hop in found.hops:
        rows = tuple(_row(kg, f, hop.source) for f in hop.facts)
        steps.append(PathStep(
            hop.source, kg.label(hop.source), hop.target, kg.label(hop.target), rows,
            tuple(_article_id(kg, k) or k for k in hop.shared_articles),
        ))
    return PathView(found.nodes, tuple(kg.label(n) for n in found.nodes), tuple(steps), found.via, found.note)


@dataclass(frozen=True)
class Ranked:
    rank: int
    entity: str
    label: str
    type: str
    degree: int
    pagerank: float
    mentions: int


def top(kg: KnowledgeGraph, *, entity_type: str | None = None, by: str = "degree", limit: int = 10) -> list[Ranked]:
    """The most central or most mentioned entities."""
    if limit < 1:
        raise AikgError("--limit must be at least 1")
    entity_type = check_type(entity_type)
    ids = analyze.ranking(kg, by=by, entity_type=entity_type, limit=limit)
    return [
        Ranked(i + 1, e, kg.entities[e].label, kg.entities[e].type, kg.degree.get(e, 0), kg.pagerank.get(e, 0.0), kg.entities[e].mentions)
        for i, e in enumerate(ids)
    ]


@dataclass(frozen=True)
class CommunityView:
    index: int
    size: int
    types: tuple[tuple[str, int], ...]  # (type, count), most common first
    members: tuple[tuple[str, str, str], ...]  # (id, label, type), most central first


def communities(kg: KnowledgeGraph, *, cooccurrence: bool = False, min_size: int = 2) -> list[CommunityView]:
    """Groups of entities linked by facts (Louvain, fixed seed), largest first."""
    views = []
    for community in analyze.communities(kg, cooccurrence=cooccurrence, min_size=max(1, min_size)):
        counts: dict[str, int] = defaultdict(int)
        for e in community.members:
            counts[kg.entities[e].type] += 1
        views.append(CommunityView(
            community.index, len(community.members),
            tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0]))),
            tuple((e, kg.entities[e].label, kg.entities[e].type) for e in community.members),
        ))
    return views


@dataclass(frozen=True)
class ArticleFact:
    subject: str
    subject_label: str
    predicate: str
    object: str
    object_label: str
    evidence: str | None


@dataclass(frozen=True)
class ArticleView:
    key: str
    id: str
    title: str
    source: str
    start: int
    end: int
    authors: tuple[tuple[str, str], ...]  # (entity id, label)
    entities: tuple[tuple[str, tuple[tuple[str, str, int], ...]], ...]  # type → ((id, label, mentions), ...)
    facts: tuple[ArticleFact, ...]


def article(kg: KnowledgeGraph, name: str) -> ArticleView:
    """What one article contributes: title, authors, entities by type, facts."""
    key = resolve_article(kg, name)
    art = kg.articles[key]
    by_type: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for e in art.mentions:
        entity = kg.entities[e]
        by_type[entity.type].append((e, entity.label, entity.mentions))
    grouped = tuple(
        (t, tuple(sorted(by_type[t], key=lambda item: (-item[2], item[1], item[0]))))
        for t in ENTITY_TYPES if by_type.get(t)
    )
    facts = tuple(
        ArticleFact(f.subject, kg.label(f.subject), f.predicate, f.object, kg.label(f.object), f.evidence)
        for f in sorted(kg.facts, key=lambda f: (f.start if f.start is not None else -1, f.subject, f.predicate, f.object))
        if f.article == key
    )
    return ArticleView(
        key, art.id, art.title, art.source, art.start, art.end,
        tuple((a, kg.label(a)) for a in art.authors), grouped, facts,
    )


def completions(kg: KnowledgeGraph) -> list[str]:
    """Names worth tab-completing: ids, and labels and aliases without spaces."""
    names = set(kg.entities)
    for entity in kg.entities.values():
        names.update(n for n in (entity.label, *entity.aliases) if n and not any(ch.isspace() for ch in n))
    names.update(a.id for a in kg.articles.values())
    return sorted(names)
