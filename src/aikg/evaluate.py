"""Score a built graph against hand-made gold annotations (shared/ANNOTATION.md format).

How the figures are defined
---------------------------
* **Scope.** Each gold file is one *part*; its ``articles`` ids ("A01", "P1", or a
  file stem for single-article files) are matched to the graph's article nodes by
  ``dcterms:identifier``, comparing slugified forms. Only those articles count.
  Two gold files may not cover the same article; a gold article the graph lacks is
  an error (scoring it would silently report zero recall).
* **Unit of scoring: (part, entity).** Every part is scored on its own and the
  counts are summed over parts (micro-average). A part's gold entities are the
  entities of its file; its predicted entities are the entity nodes that any of
  its articles ``aikg:mentions``. An entity that two parts both mention is
  therefore expected (and counted) once in each part. Gold entities are never
  merged across files, so a name that means different things in two parts
  cannot collide.
* **Entity matching.** Surface forms are normalized (NFKC, casefold, whitespace
  and punctuation removed, except ``#`` so "C#" stays distinct from "C"). A
  predicted node (rdfs:label + skos:altLabel) and a gold entity (name + aliases)
  *match* when they share a normalized form. P/R/F1 use a one-to-one assignment
  (maximum bipartite matching: as many pairs as possible, then as many shared
  forms as possible, then nodes whose rdfs:label is a gold form), so a second
  node for the same thing is a false positive while a node that merges two
  things still finds one of them. The *typed* figures use
  a separate assignment over the pairs whose predicted ``rdf:type`` equals the
  gold ``type`` or is one of its ``alt_types``.
* **Duplication** = predicted nodes that match some gold entity / gold entities
  matched by some node (many-to-one allowed); 1.0 is perfect, 2.0 means every
  found thing is split over two nodes on average. ``merged`` counts nodes that
  match two or more gold entities (over-merging, which pulls the ratio down).
* **Relations.** A predicted fact is an ``rdf:Statement`` (subject, predicate,
  object, ``prov:wasDerivedFrom`` article) whose article is in scope. It matches
  a gold relation when predicate and article are equal and subject and object
  match the gold subject/object entities (a node matches a gold entity when they
  share a normalized form; for ``authorOf`` the object is the article, compared
  by identifier). One-to-one assignment again, the same way.
* **Zero denominators.** Precision with nothing predicted is 1.0 when there is
  nothing to find and 0.0 otherwise (recall likewise), so an empty row scores
  1.0 and a row with only misses or only false positives scores 0.0.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from aikg.errors import AikgError
from aikg.records import ENTITY_TYPES, PREDICATES

AIKG_NS = "https://w3id.org/aikg/ontology#"
_KEEP_PUNCT = {"#"}


# --------------------------------------------------------------------------- normalization


def normalize_form(text: str) -> str:
    """The comparison key of a surface form: NFKC, casefold, no whitespace or punctuation."""
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    kept = "".join(
        ch
        for ch in text
        if not ch.isspace()
        and (ch in _KEEP_PUNCT or not unicodedata.category(ch).startswith(("P", "Z", "C")))
    )
    return unicodedata.normalize("NFC", kept)  # removing a space can leave a combining mark to compose


def slug(text: str) -> str:
    """The slug an article id or file stem gets in the graph (as aikg.corpus.slugify)."""
    from aikg.corpus import slugify

    return slugify(text)


# --------------------------------------------------------------------------- report records


@dataclass
class Score:
    """Counts behind a precision/recall/F1 row.

    ``matched_predicted`` and ``matched_gold`` are equal for a one-to-one
    assignment; they differ in per-type rows, where a predicted Tool may match a
    gold Organization whose alt_types allow Tool.
    """

    predicted: int = 0
    gold: int = 0
    matched_predicted: int = 0
    matched_gold: int = 0

    @property
    def tp(self) -> int:
        return self.matched_gold

    @property
    def fp(self) -> int:
        return self.predicted - self.matched_predicted

    @property
    def fn(self) -> int:
        return self.gold - self.matched_gold

    @property
    def precision(self) -> float:
        if self.predicted:
            return self.matched_predicted / self.predicted
        return 1.0 if self.gold == 0 else 0.0

    @property
    def recall(self) -> float:
        if self.gold:
            return self.matched_gold / self.gold
        return 1.0 if self.predicted == 0 else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.predicted += other.predicted
        self.gold += other.gold
        self.matched_predicted += other.matched_predicted
        self.matched_gold += other.matched_gold

    def to_dict(self) -> dict[str, Any]:
        return {
            "predicted": self.predicted, "gold": self.gold, "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
        }


@dataclass
class Duplication:
    """Many-to-one matching counts: nodes that match some gold entity, gold entities matched."""

    nodes: int = 0
    gold: int = 0
    merged: int = 0  # nodes matching two or more gold entities

    @property
    def rate(self) -> float:
        return self.nodes / self.gold if self.gold else 1.0

    def add(self, other: Duplication) -> None:
        self.nodes += other.nodes
        self.gold += other.gold
        self.merged += other.merged


@dataclass(frozen=True)
class EntityRef:
    """A gold entity (key = its id) or a predicted node (key = the IRI local name)."""

    part: str
    key: str
    name: str
    type: str
    forms: tuple[str, ...]
    count: int = 0  # predicted node: its aikg:mentionCount; gold entity: the gold relations it is in


@dataclass(frozen=True)
class TypeMismatch:
    """A gold entity found only under a type its type/alt_types do not allow."""

    part: str
    gold_key: str
    gold_name: str
    gold_type: str
    alt_types: tuple[str, ...]
    node: str
    predicted_type: str


@dataclass(frozen=True)
class RelationRef:
    """A gold relation or a predicted statement, with names for display."""

    part: str
    article: str
    subject: str
    predicate: str
    object: str
    evidence: str
    subject_key: str = ""
    object_key: str = ""
    rule: str = ""


@dataclass(frozen=True)
class MergedNode:
    """A predicted node whose surface forms match two or more gold entities (over-merging)."""

    part: str
    node: str
    label: str
    gold: tuple[str, ...]  # names of the gold entities it matches


@dataclass
class PartReport:
    """The figures of one gold file."""

    part: str
    file: str
    articles: list[str]
    graph_articles: list[str]  # the article nodes (IRI local names) in scope
    entity: Score = field(default_factory=Score)
    entity_typed: Score = field(default_factory=Score)
    duplication: Duplication = field(default_factory=Duplication)
    relation: Score = field(default_factory=Score)


@dataclass
class EvalReport:
    """Everything ``aikg eval`` prints: overall, per type, per predicate and per part, plus the errors."""

    graph: str
    gold_files: list[str]
    parts: list[PartReport]
    entity: Score
    entity_typed: Score
    per_type: dict[str, Score]
    dup: Duplication
    relation: Score
    per_predicate: dict[str, Score]
    entity_misses: list[EntityRef]
    entity_false_positives: list[EntityRef]
    type_mismatches: list[TypeMismatch]
    merged_nodes: list[MergedNode]
    relation_misses: list[RelationRef]
    relation_false_positives: list[RelationRef]
    # by the language of each gold part (Chinese or English): keys entity, entity_typed, relation and each predicate
    per_language: dict[str, dict[str, Score]] = field(default_factory=dict)
    # gold type → predicted type → entities matched (untyped), the typer's confusion
    type_confusion: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def duplication(self) -> float:
        return self.dup.rate

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``: every figure and the complete lists of errors."""
        return {
            "graph": self.graph,
            "gold_files": self.gold_files,
            "entity": self.entity.to_dict(),
            "entity_typed": self.entity_typed.to_dict(),
            "per_type": {t: s.to_dict() for t, s in self.per_type.items()},
            "duplication": {
                "rate": round(self.dup.rate, 4), "nodes": self.dup.nodes,
                "gold_matched": self.dup.gold, "merged_nodes": self.dup.merged,
            },
            "relation": self.relation.to_dict(),
            "per_predicate": {p: s.to_dict() for p, s in self.per_predicate.items()},
            "parts": [
                {
                    "part": p.part, "file": p.file, "articles": p.articles, "graph_articles": p.graph_articles,
                    "entity": p.entity.to_dict(), "entity_typed": p.entity_typed.to_dict(),
                    "duplication": round(p.duplication.rate, 4), "relation": p.relation.to_dict(),
                }
                for p in self.parts
            ],
            "entity_misses": [asdict(e) for e in self.entity_misses],
            "entity_false_positives": [asdict(e) for e in self.entity_false_positives],
            "type_mismatches": [asdict(e) for e in self.type_mismatches],
            "merged_nodes": [asdict(m) for m in self.merged_nodes],
            "relation_misses": [asdict(r) for r in self.relation_misses],
            "relation_false_positives": [asdict(r) for r in self.relation_false_positives],
            "per_language": {lang: {k: v.to_dict() for k, v in scores.items()} for lang, scores in self.per_language.items()},
            "type_confusion": self.type_confusion,
        }


# --------------------------------------------------------------------------- gold files


@dataclass
class _GoldEntity:
    id: str
    name: str
    type: str
    alt_types: tuple[str, ...]
    forms: frozenset[str]
    aliases: tuple[str, ...]


@dataclass
class _GoldRelation:
    subject: str
    predicate: str
    object: str  # gold entity id, or the article slug for authorOf
    article: str  # article slug
    evidence: str


@dataclass
class _GoldPart:
    path: Path
    part: str
    articles: list[str]  # as written
    entities: list[_GoldEntity]
    relations: list[_GoldRelation]


def _strings(value: Any, where: str, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AikgError(f"{where}: '{what}' must be a list of strings")
    return value


def _load_gold(path: Path) -> _GoldPart:
    if not path.exists():
        raise AikgError(f"gold file not found: {path}")
    if not path.is_file():
        raise AikgError(f"gold file is not a file: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise AikgError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as err:
        raise AikgError(f"{path}: malformed JSON (line {err.lineno}, column {err.colno}: {err.msg})") from None
    if not isinstance(data, dict):
        raise AikgError(f"{path}: not a gold annotation (expected a JSON object with part, articles, entities, relations)")
    for key in ("part", "articles", "entities", "relations"):
        if key not in data:
            raise AikgError(f"{path}: not a gold annotation (no '{key}'; see shared/ANNOTATION.md)")
    part = data["part"]
    if not isinstance(part, str) or not part.strip():
        raise AikgError(f"{path}: 'part' must be a non-empty string")
    articles = _strings(data["articles"], str(path), "articles")
    if not articles:
        raise AikgError(f"{path}: 'articles' is empty")
    article_slugs = {slug(a) for a in articles}
    if not isinstance(data["entities"], list) or not isinstance(data["relations"], list):
        raise AikgError(f"{path}: 'entities' and 'relations' must be lists")

    entities: list[_GoldEntity] = []
    ids: set[str] = set()
    for number, item in enumerate(data["entities"], start=1):
        where = f"{path}: entity #{number}"
        if not isinstance(item, dict):
            raise AikgError(f"{where} is not an object")
        for key in ("id", "name", "type"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise AikgError(f"{where} has no '{key}'")
        ident, etype = item["id"], item["type"]
        where = f"{path}: entity {ident!r}"
        if ident in ids:
            raise AikgError(f"{where} is defined twice")
        ids.add(ident)
        if etype not in ENTITY_TYPES:
            raise AikgError(f"{where} has unknown type {etype!r} (one of {', '.join(ENTITY_TYPES)})")
        alt_types = _strings(item.get("alt_types"), where, "alt_types")
        bad = [t for t in alt_types if t not in ENTITY_TYPES]
        if bad:
            raise AikgError(f"{where} has unknown alt_types {bad}")
        aliases = _strings(item.get("aliases"), where, "aliases")
        unknown = [a for a in _strings(item.get("articles"), where, "articles") if slug(a) not in article_slugs]
        if unknown:
            raise AikgError(f"{where} lists articles {unknown} that are not in the file's 'articles'")
        forms = frozenset(f for f in (normalize_form(s) for s in [item["name"], *aliases]) if f)
        if not forms:
            raise AikgError(f"{where} has no name with letters or digits")
        entities.append(_GoldEntity(ident, item["name"], etype, tuple(alt_types), forms, tuple(aliases)))

    relations: list[_GoldRelation] = []
    for number, item in enumerate(data["relations"], start=1):
        where = f"{path}: relation #{number}"
        if not isinstance(item, dict):
            raise AikgError(f"{where} is not an object")
        for key in ("subject", "predicate", "object", "article"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise AikgError(f"{where} has no '{key}'")
        predicate = item["predicate"]
        if predicate not in PREDICATES:
            raise AikgError(f"{where} has unknown predicate {predicate!r} (one of {', '.join(PREDICATES)})")
        if item["subject"] not in ids:
            raise AikgError(f"{where}: subject {item['subject']!r} is not an entity id of the file")
        if slug(item["article"]) not in article_slugs:
            raise AikgError(f"{where}: article {item['article']!r} is not in the file's 'articles'")
        if predicate == "authorOf":
            obj = slug(item["object"])
        else:
            obj = item["object"]
            if obj not in ids:
                raise AikgError(f"{where}: object {obj!r} is not an entity id of the file")
        evidence = item.get("evidence") if isinstance(item.get("evidence"), str) else ""
        relations.append(_GoldRelation(item["subject"], predicate, obj, slug(item["article"]), evidence))
    return _GoldPart(path, part, articles, entities, relations)


# --------------------------------------------------------------------------- the graph


@dataclass
class _Node:
    key: str  # IRI local name
    label: str
    type: str  # "" when the node has no aikg entity class
    forms: frozenset[str]
    labels: tuple[str, ...]
    mentions: int


@dataclass
class _Statement:
    iri: str
    subject: str  # node IRI
    predicate: str
    object: str  # node IRI (entity or article)
    article: str  # article node IRI
    evidence: str
    rule: str


class _Graph:
    """The parts of graph.ttl the evaluation reads, as plain Python data."""

    def __init__(self, graph_path: Path) -> None:
        import rdflib
        from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

        aikg = rdflib.Namespace(AIKG_NS)
        graph = rdflib.Graph()
        try:
            graph.parse(graph_path, format="turtle")
        except Exception as err:  # noqa: BLE001 - any parser failure is a bad input file
            reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise AikgError(f"{graph_path}: not a readable Turtle graph ({reason[:200]})") from None
        self.article_id: dict[str, str] = {}  # article IRI -> dcterms:identifier
        for art in graph.subjects(RDF.type, aikg.Article):
            ident = graph.value(art, DCTERMS.identifier)
            if ident is not None:
                self.article_id[str(art)] = str(ident)
        if not self.article_id:
            raise AikgError(f"{graph_path}: the graph has no articles (aikg:Article with dcterms:identifier)")
        self.mentions: dict[str, set[str]] = defaultdict(set)
        for art, node in graph.subject_objects(aikg.mentions):
            self.mentions[str(art)].add(str(node))
        classes = {aikg[t]: t for t in ENTITY_TYPES}
        self._graph = graph
        self._classes = classes
        self._ns = (aikg, RDF, RDFS, SKOS)
        self._nodes: dict[str, _Node] = {}
        self.statements: list[_Statement] = []
        for st in graph.subjects(RDF.type, RDF.Statement):
            values = [graph.value(st, p) for p in (RDF.subject, RDF.predicate, RDF.object, PROV.wasDerivedFrom)]
            if any(v is None for v in values):
                continue
            subject, predicate, obj, article = (str(v) for v in values)
            if not predicate.startswith(AIKG_NS) or predicate[len(AIKG_NS):] not in PREDICATES:
                continue
            self.statements.append(
                _Statement(
                    str(st), subject, predicate[len(AIKG_NS):], obj, article,
                    str(graph.value(st, aikg.evidence) or ""), str(graph.value(st, aikg.rule) or ""),
                )
            )
        self.statements.sort(key=lambda s: s.iri)

    def node(self, iri: str) -> _Node:
        """Type, labels and normalized forms of an entity node (cached)."""
        cached = self._nodes.get(iri)
        if cached is not None:
            return cached
        import rdflib

        aikg, RDF, RDFS, SKOS = self._ns
        ref = rdflib.URIRef(iri)
        g = self._graph
        types = sorted(self._classes[t] for t in g.objects(ref, RDF.type) if t in self._classes)
        label = g.value(ref, RDFS.label)
        labels = [str(label)] if label is not None else []
        labels += sorted(str(a) for a in g.objects(ref, SKOS.altLabel))
        count = g.value(ref, aikg.mentionCount)
        try:
            mentions = int(count) if count is not None else 0
        except (TypeError, ValueError):
            mentions = 0
        key = iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        node = _Node(
            key=key,
            label=labels[0] if labels else key,
            type=types[0] if types else "",
            forms=frozenset(f for f in (normalize_form(s) for s in labels) if f),
            labels=tuple(labels),
            mentions=mentions,
        )
        self._nodes[iri] = node
        return node


def _graph_file(graph_dir: Path) -> Path:
    path = Path(graph_dir)
    if path.is_file():
        return path
    if not path.exists():
        raise AikgError(f"graph folder not found: {path} (build one with `aikg build --out {path}`)")
    from aikg.paths import GRAPH_FILE

    file = path / GRAPH_FILE
    if not file.is_file():
        raise AikgError(f"no {GRAPH_FILE} in {path} (build one with `aikg build --out {path}`)")
    return file


# --------------------------------------------------------------------------- matching


def _assign(candidates: list[tuple[int, Any, Any]]) -> dict[Any, Any]:
    """One-to-one assignment over (shared forms, left, right) pairs: left -> right.

    A maximum-weight bipartite matching whose weight puts the number of matched
    pairs first and the number of shared forms second, so no pair is lost to an
    unlucky tie, and among equally large assignments the closest pairs win.
    Edges are added in sorted order, so equal inputs give equal outputs.
    """
    if not candidates:
        return {}
    import networkx as nx

    big = 1 + 2 * max(shared for shared, _, _ in candidates) * len(candidates)
    graph = nx.Graph()
    for shared, left, right in sorted(candidates, key=lambda c: (repr(c[1]), repr(c[2]))):
        graph.add_edge(("L", left), ("R", right), weight=big + shared)
    result: dict[Any, Any] = {}
    for a, b in nx.max_weight_matching(graph):
        (side, x), (_, y) = (a, b) if a[0] == "L" else (b, a)
        result[x] = y
    return result


def _type_ok(predicted: str, gold: _GoldEntity) -> bool:
    return predicted == gold.type or predicted in gold.alt_types


def evaluate(gold_paths: list[Path], graph_dir: Path | None = None) -> EvalReport:
    """Score ``graph_dir``/graph.ttl (default: the project's extracted/) against gold files."""
    from aikg import paths

    if not gold_paths:
        raise AikgError("no gold files given")
    unique: list[Path] = []
    seen: set[Path] = set()
    for p in gold_paths:
        resolved = Path(p).resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(Path(p))
    golds = [_load_gold(p) for p in unique]
    covered: dict[str, Path] = {}
    for gold in golds:
        for article in gold.articles:
            other = covered.get(slug(article))
            if other is not None and other != gold.path:
                raise AikgError(f"article {article!r} is covered by two gold files: {other} and {gold.path}")
            covered[slug(article)] = gold.path

    graph_path = _graph_file(Path(graph_dir) if graph_dir is not None else paths.DEFAULT_OUT)
    graph = _Graph(graph_path)
    by_slug: dict[str, list[str]] = defaultdict(list)
    for iri, ident in sorted(graph.article_id.items()):
        by_slug[slug(ident)].append(iri)
    missing = [(a, g.path.name) for g in golds for a in g.articles if slug(a) not in by_slug]
    if missing:
        listed = ", ".join(f"{a} ({f})" for a, f in missing[:8]) + (" …" if len(missing) > 8 else "")
        raise AikgError(f"{graph_path}: no article with identifier {listed}; was it built from the same text?")

    parts: list[PartReport] = []
    entity, entity_typed, relation, dup = Score(), Score(), Score(), Duplication()
    per_type = {t: Score() for t in ENTITY_TYPES}
    per_predicate = {p: Score() for p in PREDICATES}
    entity_misses: list[EntityRef] = []
    entity_fps: list[EntityRef] = []
    mismatches: list[TypeMismatch] = []
    merged_nodes: list[MergedNode] = []
    relation_misses: list[RelationRef] = []
    relation_fps: list[RelationRef] = []
    per_language: dict[str, dict[str, Score]] = {}
    confusion: dict[str, dict[str, int]] = {t: {} for t in ENTITY_TYPES}

    for gold in golds:
        scope: dict[str, str] = {}  # article IRI -> article slug
        for article in gold.articles:
            for iri in by_slug[slug(article)]:
                scope[iri] = slug(article)
        report = PartReport(
            part=gold.part, file=str(gold.path), articles=list(gold.articles),
            graph_articles=sorted(iri.rsplit("/", 1)[-1] for iri in scope),
        )
        name = gold.part

        # ---- entities
        node_iris = sorted({n for iri in scope for n in graph.mentions.get(iri, ())})
        nodes = {iri: graph.node(iri) for iri in node_iris}
        by_form: dict[str, list[int]] = defaultdict(list)
        for index, ent in enumerate(gold.entities):
            for form in ent.forms:
                by_form[form].append(index)

        def gold_matches(iri: str) -> dict[int, int]:
            """Gold entity index -> number of shared normalized forms."""
            shared: dict[int, int] = defaultdict(int)
            for form in graph.node(iri).forms:
                for index in by_form.get(form, ()):
                    shared[index] += 1
            return shared

        pairs = {iri: gold_matches(iri) for iri in node_iris}

        def closeness(iri: str, g: int, shared: int) -> int:
            """Shared forms, and a half point more when the node's label is one of the gold forms."""
            return 2 * shared + (normalize_form(nodes[iri].label) in gold.entities[g].forms)

        untyped = _assign([(closeness(iri, g, n), iri, g) for iri, m in pairs.items() for g, n in m.items()])
        typed = _assign([
            (closeness(iri, g, n), iri, g)
            for iri, m in pairs.items() for g, n in m.items() if _type_ok(nodes[iri].type, gold.entities[g])
        ])
        n_pred, n_gold = len(node_iris), len(gold.entities)
        report.entity = Score(n_pred, n_gold, len(untyped), len(untyped))
        report.entity_typed = Score(n_pred, n_gold, len(typed), len(typed))
        matched_gold_any = {g for m in pairs.values() for g in m}
        report.duplication = Duplication(
            nodes=sum(1 for m in pairs.values() if m),
            gold=len(matched_gold_any),
            merged=sum(1 for m in pairs.values() if len(m) >= 2),
        )
        for iri, m in pairs.items():
            if len(m) >= 2:
                merged_nodes.append(MergedNode(
                    name, nodes[iri].key, nodes[iri].label, tuple(gold.entities[g].name for g in sorted(m)),
                ))
        for t in ENTITY_TYPES:
            per_type[t].add(Score(
                predicted=sum(1 for n in nodes.values() if n.type == t),
                gold=sum(1 for e in gold.entities if e.type == t),
                matched_predicted=sum(1 for iri in typed if nodes[iri].type == t),
                matched_gold=sum(1 for g in typed.values() if gold.entities[g].type == t),
            ))
        relation_count: dict[str, int] = defaultdict(int)
        for rel in gold.relations:
            relation_count[rel.subject] += 1
            relation_count[rel.object] += 1
        untyped_gold = {g: iri for iri, g in untyped.items()}
        typed_gold = set(typed.values())
        for index, ent in enumerate(gold.entities):
            if index not in untyped_gold:
                entity_misses.append(EntityRef(
                    name, ent.id, ent.name, ent.type, tuple(dict.fromkeys([ent.name, *ent.aliases])),
                    relation_count[ent.id],
                ))
            elif index not in typed_gold:
                node = nodes[untyped_gold[index]]
                mismatches.append(TypeMismatch(
                    name, ent.id, ent.name, ent.type, ent.alt_types, node.key, node.type or "(none)",
                ))
        for iri in node_iris:
            if iri not in untyped:
                node = nodes[iri]
                entity_fps.append(EntityRef(name, node.key, node.label, node.type, node.labels, node.mentions))

        # ---- relations
        golds_rel = gold.relations
        preds_rel = [s for s in graph.statements if s.article in scope]
        candidates = []
        for s in preds_rel:
            subject_match = gold_matches(s.subject)
            object_match = {} if s.predicate == "authorOf" else gold_matches(s.object)
            article = scope[s.article]
            by_id = {gold.entities[g].id: n for g, n in subject_match.items()}
            obj_by_id = {gold.entities[g].id: n for g, n in object_match.items()}
            author_of = graph.article_id.get(s.object) if s.predicate == "authorOf" else None
            for index, rel in enumerate(golds_rel):
                if rel.predicate != s.predicate or rel.article != article or rel.subject not in by_id:
                    continue
                score = by_id[rel.subject]
                if rel.predicate == "authorOf":
                    if author_of is None or slug(author_of) != rel.object:
                        continue
                else:
                    if rel.object not in obj_by_id:
                        continue
                    score += obj_by_id[rel.object]
                candidates.append((score, s.iri, index))
        assigned = _assign(candidates)
        report.relation = Score(len(preds_rel), len(golds_rel), len(assigned), len(assigned))
        matched_rel = set(assigned.values())
        part_predicates = {p: Score(
            predicted=sum(1 for s in preds_rel if s.predicate == p),
            gold=sum(1 for r in golds_rel if r.predicate == p),
            matched_predicted=sum(1 for s in preds_rel if s.iri in assigned and s.predicate == p),
            matched_gold=sum(1 for i in matched_rel if golds_rel[i].predicate == p),
        ) for p in PREDICATES}
        for p, score in part_predicates.items():
            per_predicate[p].add(score)
        names = {e.id: e.name for e in gold.entities}
        article_names = {slug(a): a for a in gold.articles}
        for index, rel in enumerate(golds_rel):
            if index not in matched_rel:
                obj = article_names.get(rel.object, rel.object) if rel.predicate == "authorOf" else names[rel.object]
                relation_misses.append(RelationRef(
                    name, article_names[rel.article], names[rel.subject], rel.predicate, obj, rel.evidence,
                    subject_key=rel.subject, object_key=rel.object,
                ))
        for s in preds_rel:
            if s.iri not in assigned:
                subj = graph.node(s.subject)
                if s.predicate == "authorOf":
                    obj_name = graph.article_id.get(s.object, s.object.rsplit("/", 1)[-1])
                    obj_key = s.object.rsplit("/", 1)[-1]
                else:
                    obj_node = graph.node(s.object)
                    obj_name, obj_key = obj_node.label, obj_node.key
                relation_fps.append(RelationRef(
                    name, graph.article_id.get(s.article, s.article), subj.label, s.predicate, obj_name,
                    s.evidence, subject_key=subj.key, object_key=obj_key, rule=s.rule,
                ))

        for iri, g in untyped.items():
            row = confusion.setdefault(gold.entities[g].type, {})
            predicted = nodes[iri].type or "(none)"
            row[predicted] = row.get(predicted, 0) + 1
        lang = per_language.setdefault(_language(gold), {k: Score() for k in ("entity", "entity_typed", "relation", *PREDICATES)})
        lang["entity"].add(report.entity)
        lang["entity_typed"].add(report.entity_typed)
        lang["relation"].add(report.relation)
        for p, score in part_predicates.items():
            lang[p].add(score)
        entity.add(report.entity)
        entity_typed.add(report.entity_typed)
        dup.add(report.duplication)
        relation.add(report.relation)
        parts.append(report)

    entity_misses.sort(key=lambda e: -e.count)  # stable: gold file order within equal counts
    entity_fps.sort(key=lambda e: -e.count)
    return EvalReport(
        graph=str(graph_path), gold_files=[str(g.path) for g in golds], parts=parts,
        entity=entity, entity_typed=entity_typed, per_type=per_type, dup=dup,
        relation=relation, per_predicate=per_predicate,
        entity_misses=entity_misses, entity_false_positives=entity_fps, type_mismatches=mismatches,
        merged_nodes=merged_nodes,
        relation_misses=relation_misses, relation_false_positives=relation_fps,
        per_language=dict(sorted(per_language.items())),
        type_confusion={t: dict(sorted(row.items())) for t, row in confusion.items() if row},
    )


def _language(gold: _GoldPart) -> str:
    """'zh' or 'en': the language of a gold part, read from its quotes and names."""
    from aikg.extract.relmodel import language

    return language(" ".join([*(r.evidence for r in gold.relations), *(a for e in gold.entities for a in e.aliases)]))


# --------------------------------------------------------------------------- output


SHORT = {"authorOf": "auth", "affiliatedWith": "affil", "developedBy": "dev", "basedOn": "based", "usesTechnology": "uses", "partOf": "part"}


def _pct(value: float) -> str:
    return f"{value:.3f}"


QUALITY_HEADER = (
    "| gold set | entities P / R / F1 | typed F1 | relations P / R / F1 | "
    + " | ".join(PREDICATES) + " |\n|" + "---|" * (4 + len(PREDICATES))
)


def quality_row(name: str, scores: dict[str, Score]) -> str:
    """One row of the README's quality table: ``scores`` has entity, entity_typed, relation and
    each predicate (an ``EvalReport.per_language`` entry, or ``report_scores(report)``)."""
    e, r = scores["entity"], scores["relation"]
    cells = [
        name,
        f"{e.precision:.3f} / {e.recall:.3f} / **{e.f1:.3f}**",
        f"{scores['entity_typed'].f1:.3f}",
        f"{r.precision:.3f} / {r.recall:.3f} / **{r.f1:.3f}**",
        *(f"{scores[p].f1:.2f}" if scores[p].gold or scores[p].predicted else "–" for p in PREDICATES),
    ]
    return "| " + " | ".join(cells) + " |"


def report_scores(report: EvalReport) -> dict[str, Score]:
    """A whole report's figures in the shape quality_row takes."""
    return {"entity": report.entity, "entity_typed": report.entity_typed, "relation": report.relation, **report.per_predicate}


def report_renderables(report: EvalReport, show: int = 0) -> list[Any]:
    """The report as rich tables and texts (the CLI prints them; format_report renders them to text)."""
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    def score_table(title: str, first: str, rows: list[tuple[str, Score]]) -> Table:
        table = Table(title=title, title_justify="left", title_style="bold")
        table.add_column(first)
        for col in ("gold", "pred", "tp", "fp", "fn", "P", "R", "F1"):
            table.add_column(col, justify="right")
        for label, s in rows:
            tp = str(s.tp) if s.matched_predicted == s.matched_gold else f"{s.matched_predicted}/{s.matched_gold}"
            table.add_row(label, str(s.gold), str(s.predicted), tp, str(s.fp), str(s.fn),
                          _pct(s.precision), _pct(s.recall), _pct(s.f1))
        if any(s.matched_predicted != s.matched_gold for _, s in rows):
            table.caption = "tp a/b: a nodes of this type matched, b gold entities of this type matched (alt_types)"
            table.caption_justify = "left"
        return table

    out: list[Any] = []
    part_names = ", ".join(p.part for p in report.parts)
    n_articles = sum(len(p.articles) for p in report.parts)
    out.append(Text(f"graph {report.graph} vs {len(report.parts)} gold file(s): {part_names} ({n_articles} articles)"))
    out.append(score_table("Entities", "", [("untyped", report.entity), ("typed", report.entity_typed)]))
    d = report.dup
    out.append(Text(
        f"duplication {d.rate:.3f}: {d.nodes} matching node(s) for {d.gold} gold entities found"
        f" (1.0 = one node per thing); {d.merged} node(s) match 2+ gold entities"
    ))
    out.append(score_table("Entities by type (typed)", "type", list(report.per_type.items())))
    out.append(score_table("Relations", "predicate", [("all", report.relation), *report.per_predicate.items()]))

    if len(report.per_language) > 1 or show:
        langs = Table(title="By language (F1; P/R for entities and relations)", title_justify="left", title_style="bold")
        for col in ("lang", "ent P/R", "typed", "rel P/R", "rel F1", *(SHORT[p] for p in PREDICATES)):
            langs.add_column(col, justify="left" if col == "lang" else "right")
        langs.caption = "per predicate: F1 (" + ", ".join(f"{SHORT[p]} {p}" for p in PREDICATES) + ")"
        langs.caption_justify = "left"
        for lang, scores in report.per_language.items():
            e, r = scores["entity"], scores["relation"]
            langs.add_row(lang, f"{_pct(e.precision)}/{_pct(e.recall)}", _pct(scores["entity_typed"].f1),
                          f"{_pct(r.precision)}/{_pct(r.recall)}", _pct(r.f1),
                          *(_pct(scores[p].f1) if scores[p].gold or scores[p].predicted else "-" for p in PREDICATES))
        out.append(langs)
    confusion = Table(title="Types: gold (rows) vs predicted (columns), entities found", title_justify="left", title_style="bold")
    columns = sorted({t for row in report.type_confusion.values() for t in row}, key=lambda t: (t not in ENTITY_TYPES, t))
    confusion.add_column("gold")
    for t in columns:
        confusion.add_column(t, justify="right")
    for gold_type, row in report.type_confusion.items():
        confusion.add_row(gold_type, *(str(row.get(t, 0)) for t in columns))
    out.append(confusion)

    parts = Table(title="By part", title_justify="left", title_style="bold")
    for col in ("part", "ent P", "ent R", "ent F1", "typed F1", "dup", "rel P", "rel R", "rel F1"):
        parts.add_column(col, justify="left" if col == "part" else "right")
    for p in report.parts:
        label = p.part if p.articles == [p.part] else f"{p.part} ({', '.join(p.articles)})"
        parts.add_row(
            escape(label), _pct(p.entity.precision), _pct(p.entity.recall), _pct(p.entity.f1),
            _pct(p.entity_typed.f1), f"{p.duplication.rate:.2f}", _pct(p.relation.precision),
            _pct(p.relation.recall), _pct(p.relation.f1),
        )
    out.append(parts)

    if show > 0:
        def listing(title: str, lines: list[str], total: int) -> Text:
            head = f"{title} ({min(show, total)} of {total})"
            return Text("\n".join([head, *(f"  {line}" for line in lines)]) if lines else f"{title}: none")

        out.append(listing("Missed gold entities", [
            f"[{e.part}] {e.name} ({e.type}; {' | '.join(e.forms)})" for e in report.entity_misses[:show]
        ], len(report.entity_misses)))
        out.append(listing("False-positive entities", [
            f"[{e.part}] {e.name} ({e.type or 'no type'}; node {e.key}; mentionCount {e.count})"
            for e in report.entity_false_positives[:show]
        ], len(report.entity_false_positives)))
        out.append(listing("Over-merged nodes (match 2+ gold entities)", [
            f"[{m.part}] node {m.node} ({m.label}) = {' + '.join(m.gold)}" for m in report.merged_nodes[:show]
        ], len(report.merged_nodes)))
        out.append(listing("Wrong types (found, but typed match fails)", [
            f"[{m.part}] {m.gold_name}: gold {m.gold_type}"
            + (f" (alt {', '.join(m.alt_types)})" if m.alt_types else "")
            + f", node {m.node} is {m.predicted_type}"
            for m in report.type_mismatches[:show]
        ], len(report.type_mismatches)))
        out.append(listing("Missed gold relations", [
            f"[{r.article}] {r.subject} {r.predicate} {r.object} — “{r.evidence}”"
            for r in report.relation_misses[:show]
        ], len(report.relation_misses)))
        out.append(listing("False-positive relations", [
            f"[{r.article}] {r.subject} {r.predicate} {r.object} ({r.rule or 'no rule'}) — “{_clip(r.evidence)}”"
            for r in report.relation_false_positives[:show]
        ], len(report.relation_false_positives)))
    return out


def _clip(text: str, limit: int = 80) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_report(report: EvalReport, show: int = 0, width: int = 110) -> str:
    """The report as plain text tables (no colours); ``show`` lists up to that many errors of each kind."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, highlight=False)
    for item in report_renderables(report, show):
        console.print(item)
    return buffer.getvalue()
