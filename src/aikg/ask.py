"""`aikg ask`: a question in plain words (Chinese or English) → SPARQL → answers with evidence.

How a question is read (no model, no LLM; every step is a lookup):

1. **Entities**: every span of the normalized question (NFKC, case-folded) whose compact form
   (no spaces, dashes, dots) is a label or alias of an entity, in the alias index
   ``aikg explore search`` uses (:mod:`aikg.names`), longest first; a Latin word one or two
   edits away from a name of four or more letters counts too, when nothing is named exactly. Articles are
   named by id (``A12``, ``Part 1``) or by title (in 《》 or quotes, or written out).
2. **Relation**: cue words from ``ontology/questions.toml`` (data, not code) name one of the
   six relations or ``mentions``; without one, the type of the named entity and the type
   asked for may imply one (``[implied]``: 阿里巴巴有哪些模型 → developedBy).
3. **Direction**: the ontology's domain and range (read from the store) say which end of the
   relation the named entity can be; where both fit, word order decides (see the file).
4. **Asked type**: 哪些模型 / which models → only Models (``[[asks]]``).
5. **Two hops**: two relation cues (or a cue and an implied relation) whose types chain
   through one middle node (蚂蚁集团的人开发了什么 → people affiliatedWith 蚂蚁集团, then what
   they developed) — used when exactly one chain fits the types.

Everything named in the question reaches SPARQL only as a bound RDF term (the store's
substitutions, or a checked VALUES block); the query text itself is built from fixed
fragments. A question that cannot be read this way is *declined* with the reason and
suggestions (closest entities, the relation words known) — never answered with a guess.

:func:`ask` returns an :class:`Answer`; :func:`evaluate_questions` scores a JSON Lines
question file (``aikg eval --questions``).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from aikg import paths
from aikg.errors import AikgError
from aikg.names import Named, NameIndex, compact, normalize

QUESTIONS_FILE = paths.ONTOLOGY_DIR / "questions.toml"
AIKG = "https://w3id.org/aikg/ontology#"
ENT = "https://w3id.org/aikg/entity/"
ART = "https://w3id.org/aikg/article/"
ARTICLE = "Article"
RELATIONS = ("authorOf", "affiliatedWith", "developedBy", "basedOn", "usesTechnology", "partOf", "mentions")
_LATIN = re.compile(r"[0-9a-z]")
_ARTICLE_ID = re.compile(r"(?<![0-9a-z])(?:(a)\s*0*(\d{1,3})|(?:p|part)\s*0*(\d{1,2}))(?![0-9a-z])")
_QUOTED = re.compile(r"《([^》]+)》|“([^”]+)”|\"([^\"]+)\"|「([^」]+)」")


# --- the cue words ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Narrow:
    """A [[narrow]] block: words that, in a question, keep only some of the answers."""

    words: tuple[str, ...]
    label_contains: tuple[str, ...] = ()  # keep answers whose label or an alias contains one
    label_excludes: tuple[str, ...] = ()  # drop answers whose label or an alias contains one
    evidence_contains: tuple[str, ...] = ()  # prefer answers whose evidence sentence contains one
    unless: tuple[str, ...] = ()  # the block does not apply to a question with one of these ("学习或工作过")
    evidence_requires: tuple[str, ...] = ()  # keep only answers whose evidence sentence contains one ("创始人")


@dataclass(frozen=True)
class Cues:
    """ontology/questions.toml, normalized."""

    cues: tuple[tuple[str, str, str], ...]  # (word, relation, left end)
    asks: tuple[tuple[str, str], ...]  # (word, type)
    question_words: tuple[str, ...]
    implied: dict
    not_entities: frozenset
    narrow: tuple[Narrow, ...] = ()
    others: tuple[str, ...] = ()
    team: tuple[str, ...] = ()  # "陈云霁团队": words after a person's name that mean their team
    titles: tuple[str, ...] = ()  # "胡文美教授团队": titles that may stand between the name and the team word
    not_qualifiers: frozenset = frozenset()  # "哪些开源模型": words between 哪些 and a type word that do not narrow
    measure_words: tuple[str, ...] = ()  # 个, 种, 家: stripped from such a qualifier
    unanswerable: tuple[str, ...] = ()  # "什么时候", "how many": questions the graph has no facts for
    every: tuple[str, ...] = ()  # "同时", "both": answers of every named thing, not of any
    unanswerable_patterns: tuple[re.Pattern, ...] = ()  # a year, a yes-or-no question
    topic_before: tuple[str, ...] = ()  # "article about": an article described by what its title names
    topic_after: tuple[str, ...] = ()  # "的文章"

    def relation_words(self, relation: str, n: int = 6) -> list[str]:
        return [w for w, r, _ in self.cues if r == relation][:n]


_cues: dict[str, Cues] = {}


def load_cues(path: Path | str | None = None) -> Cues:
    """The cue words of ``path`` (default ontology/questions.toml), read once per process."""
    import tomllib

    path = Path(path or QUESTIONS_FILE)
    key = str(path.resolve())
    if key not in _cues:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            raise AikgError(f"{path}: cannot read the question cue words ({err})") from None
        cues = []
        for block in data.get("cue", []):
            relation, left = block.get("relation"), block.get("left")
            if relation not in RELATIONS or left not in ("subject", "object"):
                raise AikgError(f"{path}: a [[cue]] needs relation (one of {', '.join(RELATIONS)}) and left = subject|object")
            cues += [(normalize(w), relation, left) for w in block.get("words", []) if normalize(w)]
        asks = [(normalize(w), block["type"]) for block in data.get("asks", []) for w in block.get("words", []) if normalize(w)]

        def listed(table: dict, name: str) -> tuple[str, ...]:
            return tuple(normalize(w) for w in table.get(name, []) if normalize(w))

        qualifiers = data.get("qualifiers", {})
        _cues[key] = Cues(
            tuple(cues), tuple(asks), listed(data, "question_words"),
            dict(data.get("implied", {})), frozenset(compact(w) for w in listed(data, "not_entities")),
            narrow=tuple(Narrow(*(listed(b, k) for k in ("words", "label_contains", "label_excludes", "evidence_contains", "unless", "evidence_requires")))
                         for b in data.get("narrow", [])),
            others=listed(data.get("others", {}), "words"),
            team=listed(data.get("team", {}), "words"), titles=listed(data.get("team", {}), "titles"),
            not_qualifiers=frozenset(listed(qualifiers, "not_qualifiers")), measure_words=listed(qualifiers, "measure_words"),
            unanswerable=listed(data.get("unanswerable", {}), "words"), every=listed(data.get("every", {}), "words"),
            unanswerable_patterns=_patterns(path, data.get("unanswerable", {}).get("patterns", [])),
            topic_before=listed(data.get("article_topic", {}), "before"), topic_after=listed(data.get("article_topic", {}), "after"),
        )
    return _cues[key]


def _patterns(path: Path, patterns: list) -> tuple[re.Pattern, ...]:
    try:
        return tuple(re.compile(p) for p in patterns)
    except (re.error, TypeError) as err:
        raise AikgError(f"{path}: a pattern of [unanswerable] is not a regular expression ({err})") from None


# --- what the graph knows, read from the store -------------------------------------------------

_NAMES_QUERY = """
SELECT ?e ?class ?label ?alias ?mentions WHERE {
  ?e a ?class ; rdfs:label ?label .
  ?class rdfs:subClassOf aikg:Entity .
  OPTIONAL { ?e skos:altLabel ?alias }
  OPTIONAL { ?e aikg:mentionCount ?mentions }
}"""
_ARTICLES_QUERY = """
SELECT ?a ?id ?title WHERE { ?a a aikg:Article ; dcterms:identifier ?id . OPTIONAL { ?a dcterms:title ?title } }"""
_SCHEMA_QUERY = """
SELECT ?p ?kind ?class WHERE {
  VALUES ?kind { rdfs:domain rdfs:range }
  ?p a owl:ObjectProperty .
  { ?p ?kind ?d . ?d owl:unionOf/rdf:rest*/rdf:first ?class } UNION { ?p ?kind ?class . FILTER(isIRI(?class)) }
}"""


@dataclass
class GraphNames:
    """The entities (as an alias index), the articles and the relations' end types of a graph."""

    index: NameIndex
    articles: dict[str, tuple[str, str]]  # article IRI → (id, title)
    ends: dict[str, tuple[frozenset, frozenset]]  # relation → (subject types, object types)
    unprefixed: dict[str, frozenset] = field(default_factory=dict)  # "计算机网络与协议实验室" → {华为计算机网络与协议实验室}


_CJK_REST = re.compile(r"[\u4e00-\u9fff]{4,}")


def _unprefixed(index: NameIndex) -> dict[str, frozenset]:
    """Names with the owner's brand left off: an entity named 'ORG + at least four Chinese
    characters' (华为计算机网络与协议实验室) is also found by the characters alone, unless
    they are some entity's own name."""
    owners = {form for form, ids in index.by_compact.items() if any(index.entities[e].type == "Organization" for e in ids)}
    found: dict[str, set] = {}
    for form, ids in index.by_compact.items():
        owner = next((k for k in range(len(form) - 1, 1, -1) if form[:k] in owners), None)  # the longest: 阿里巴巴, not 阿里
        rest = form[owner:] if owner else ""
        if _CJK_REST.fullmatch(rest) and rest not in index.by_compact:
            found.setdefault(rest, set()).update(ids)
    return {rest: frozenset(ids) for rest, ids in found.items()}


_graphs: dict[str, GraphNames] = {}


def _local(iri: str, ns: str) -> str:
    return iri[len(ns):] if iri.startswith(ns) else iri


_NAMES_FILE = "ask-names.v2.json"  # beside the store it was read from (the store's folder is named by the graph's hash)


def _with_lexicon_names(entities: list[Named]) -> list[Named]:
    """Each entity the lexicon knows also goes by the lexicon's names for it ("Knowledge Graph" for
    知识图谱), though the text used only one: a question may use another."""
    from aikg.extract.lexicon import load_lexicon

    known = {e.id: e for e in load_lexicon(paths.LEXICON)}
    out = []
    for entity in entities:
        entry = known.get(entity.id)
        if entry is not None and entry.type == entity.type:
            extra = tuple(a for a in entry.aliases if a != entity.label and a not in entity.aliases)
            entity = Named(entity.id, entity.label, entity.type, entity.aliases + extra, entity.mentions)
        out.append(entity)
    return out


def graph_names(store, key: str) -> GraphNames:
    """What :func:`ask` needs to know of the graph in ``store``; ``key`` names it (the store's
    folder, where a copy is kept as JSON: reading it beats three queries on every `aikg ask`)."""
    if key in _graphs:
        return _graphs[key]
    saved = _names_file(key)
    try:
        if saved is None:
            raise OSError("no store folder to keep the names in")
        data = json.loads(saved.read_text(encoding="utf-8"))
        entities = [Named(e["id"], e["label"], e["type"], tuple(e["aliases"]), e["mentions"]) for e in data["entities"]]
        articles = {iri: (aid, title) for iri, aid, title in data["articles"]}
        ends = {r: (frozenset(s), frozenset(o)) for r, (s, o) in data["ends"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        entities, articles, ends = _read_names(store)
        entities = _with_lexicon_names(entities)
        if saved is not None:
            _save_names(saved, entities, articles, ends)
    index = NameIndex(entities)
    _graphs.clear()
    _graphs[key] = GraphNames(index, articles, ends, _unprefixed(index))
    return _graphs[key]


def _names_file(key: str) -> Path | None:
    """Where the names of the store ``key`` (its folder, or its db inside) are kept; None for any
    other key (a graph folder, a test's name): only a store's own folder is named by its content."""
    from aikg.store import cache_root

    folder = Path(key)
    folder = folder.parent if folder.name == "db" else folder
    try:
        stores = (cache_root() / "stores").resolve()
        return folder / _NAMES_FILE if folder.parent.resolve() == stores and folder.is_dir() else None
    except OSError:
        return None


def _save_names(path: Path, entities: list[Named], articles: dict, ends: dict) -> None:
    """Write the names beside the store, atomically; a folder that cannot be written is no error."""
    from aikg.store import write_cache_file

    data = {"entities": [asdict(e) for e in entities], "articles": [[iri, aid, title] for iri, (aid, title) in sorted(articles.items())],
            "ends": {r: [sorted(s), sorted(o)] for r, (s, o) in sorted(ends.items())}}
    write_cache_file(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _read_names(store) -> tuple[list[Named], dict, dict]:
    """The entities, articles and relation end types, by three queries of the store."""
    from aikg.sparql import PREFIXES

    entities: dict[str, dict] = {}
    for row in store.query(_NAMES_QUERY, prefixes=PREFIXES):
        iri = row["e"].value
        if not iri.startswith(ENT):
            continue
        item = entities.setdefault(iri, {"type": _local(row["class"].value, AIKG), "label": row["label"].value, "aliases": set(), "mentions": 0})
        if row["alias"] is not None:
            item["aliases"].add(row["alias"].value)
        if row["mentions"] is not None:
            item["mentions"] = int(row["mentions"].value)
    named = [Named(_local(iri, ENT), e["label"], e["type"], tuple(sorted(e["aliases"])), e["mentions"])
             for iri, e in sorted(entities.items())]
    articles = {row["a"].value: (row["id"].value, row["title"].value if row["title"] is not None else "")
                for row in store.query(_ARTICLES_QUERY, prefixes=PREFIXES)}
    entity_types = frozenset(e.type for e in named) | {"Model", "Organization", "Person", "Tool", "Technology"}
    ends: dict[str, tuple[set, set]] = {}
    for row in store.query(_SCHEMA_QUERY, prefixes=PREFIXES):
        relation = _local(row["p"].value, AIKG)
        if relation not in RELATIONS:
            continue
        kind = 0 if row["kind"].value.endswith("domain") else 1
        cls = _local(row["class"].value, AIKG)
        types = entity_types if cls == "Entity" else {cls}
        ends.setdefault(relation, (set(), set()))[kind].update(types)
    return named, articles, {r: (frozenset(s), frozenset(o)) for r, (s, o) in ends.items()}


# --- reading a question ------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    """An entity or article named in the question."""

    span: Span
    ids: tuple[str, ...]  # entity ids, or article IRIs
    type: str  # entity type, or "Article"
    label: str
    how: str = "name"  # "name", "typo", "article id", "title"

    @property
    def key(self) -> tuple[str, ...]:
        return self.ids


def _is_latin(ch: str) -> bool:
    return bool(_LATIN.match(ch))


def _boundary(q: str, i: int) -> bool:
    """True where a name may start or end: not inside a run of Latin letters and digits."""
    return i <= 0 or i >= len(q) or not (_is_latin(q[i - 1]) and _is_latin(q[i]))


def _find_words(q: str, words, blocked: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Non-overlapping occurrences of ``words`` in ``q`` (longest first; Latin words whole)."""
    found = []
    for word in sorted(set(words), key=lambda w: (-len(w), w)):  # not set order: answers must not depend on the hash seed
        start = 0
        while True:
            i = q.find(word, start)
            if i < 0:
                break
            j = i + len(word)
            start = i + 1
            if _is_latin(word[0]) and not _boundary(q, i):
                continue
            if _is_latin(word[-1]) and not _boundary(q, j):
                continue
            if any(i < b and a < j for a, b in blocked):
                continue
            blocked.append((i, j))
            found.append((i, j, word))
    return sorted(found)


def _edits(a: str, b: str, limit: int) -> int:
    """Damerau–Levenshtein distance (adjacent swaps count once), capped at ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _pick(index: NameIndex, ids) -> tuple[str, ...]:
    return tuple(sorted(ids, key=lambda e: (-index.entities[e].mentions, e)))


def link_entities(q: str, graph: GraphNames, cues: Cues) -> list[Mention]:
    """Entities and articles named in the normalized question ``q``, in order."""
    index = graph.index
    stop = cues.not_entities | {compact(w) for w, _, _ in cues.cues} | {compact(w) for w, _ in cues.asks} | {compact(w) for w in cues.question_words}
    longest = max((len(f) for f in index.by_compact), default=0) + 8
    candidates = []
    for i in range(len(q)):
        if q[i].isspace() or not _boundary(q, i):
            continue
        for j in range(min(len(q), i + longest), i, -1):
            if q[j - 1].isspace() or not _boundary(q, j):
                continue
            key = compact(q[i:j])
            if len(key) < 2 or key in stop:
                continue
            ids = index.by_compact.get(key) or graph.unprefixed.get(key)
            if not ids and len(key) > 4 and key.endswith("s") and _is_latin(key[-2]):
                ids = index.by_compact.get(key[:-1])  # "knowledge graphs" names Knowledge Graph
            if ids:
                candidates.append((i, j, ids))
                break
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    # articles by title (quoted, or written out) and by id
    for article, (aid, title) in sorted(graph.articles.items()):
        t = normalize(title)
        if len(compact(t)) >= 6:
            i = q.find(t)
            if i >= 0:
                taken.append((i, i + len(t)))
                found.append(Mention(Span(i, i + len(t), q[i:i + len(t)]), (article,), ARTICLE, aid, "title"))
    for match in _QUOTED.finditer(q):
        inner = next(g for g in match.groups() if g is not None)
        if any(a <= match.start() < b for a, b in taken):
            continue
        close = [a for a, (aid, title) in graph.articles.items() if title and compact(normalize(title)) == compact(inner)]
        if len(close) == 1:
            taken.append((match.start(), match.end()))
            found.append(Mention(Span(match.start(), match.end(), match.group(0)), (close[0],), ARTICLE, graph.articles[close[0]][0], "title"))
    for match in _ARTICLE_ID.finditer(q):
        wanted = f"A{int(match.group(2)):02d}" if match.group(1) else f"P{int(match.group(3))}"
        hits = [a for a, (aid, _) in graph.articles.items() if aid.upper() == wanted]
        if len(hits) == 1 and not any(a < match.end() and match.start() < b for a, b in taken):
            taken.append((match.start(), match.end()))
            found.append(Mention(Span(match.start(), match.end(), match.group(0)), (hits[0],), ARTICLE, wanted, "article id"))
    for i, j, ids in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0])):
        if any(i < b and a < j for a, b in taken):
            continue
        taken.append((i, j))
        ids = _pick(index, ids)
        first = index.entities[ids[0]]
        same = [e for e in ids if index.entities[e].type == first.type]
        found.append(Mention(Span(i, j, q[i:j]), tuple(same), first.type, first.label))
    # small typos in Latin words of four or more letters, when nothing is named exactly
    if found or candidates:
        found.sort(key=lambda n: n.span.start)
        return _dedupe(found)
    words = {w for w, _, _ in cues.cues} | {w for w, _ in cues.asks} | set(cues.question_words)
    for match in re.finditer(r"[0-9a-z][0-9a-z.\-]*[0-9a-z]", q):
        i, j, word = match.start(), match.end(), match.group(0)
        if len(word) < 4 or word in words or any(i < b and a < j for a, b in taken):
            continue
        limit = 1 if len(word) < 8 else 2
        best = []
        for form, ids in index.by_compact.items():
            if len(form) >= 4 and _is_latin(form[0]) and abs(len(form) - len(word)) <= limit:
                d = _edits(compact(word), form, limit)
                if d <= limit:
                    best.append((d, form, ids))
        if best:
            best.sort(key=lambda b: (b[0], b[1]))
            top = [b for b in best if b[0] == best[0][0]]
            ids = {e for b in top for e in b[2]}
            if len({index.entities[e].type for e in ids}) == 1:
                taken.append((i, j))
                ids = _pick(index, ids)
                found.append(Mention(Span(i, j, word), ids, index.entities[ids[0]].type, index.entities[ids[0]].label, "typo"))
    found.sort(key=lambda n: n.span.start)
    return _dedupe(found)


def _dedupe(found: list[Mention]) -> list[Mention]:
    merged: list[Mention] = []
    for named in found:  # "Microsoft (微软)", "通义千问 Qwen": one thing named twice
        if any(m.ids == named.ids for m in merged):
            continue
        merged.append(named)
    return merged


@dataclass(frozen=True)
class Hop:
    relation: str
    known_is: str  # "subject" or "object": which end of the relation the known node is


@dataclass(frozen=True)
class Reading:
    """How a question was understood."""

    anchors: tuple[Mention, ...]  # what the question names (the answers are related to these)
    hops: tuple[Hop, ...]  # one or two
    asked: str | None  # the type asked for, if any
    mid: str | None = None  # type of the middle node of a two-hop question
    narrow: tuple[Narrow, ...] = ()  # the [[narrow]] blocks the question's words call up ("哪所大学")
    others: bool = False  # the named thing itself is not an answer ("其他机构")
    qualifier: str | None = None  # "哪种信息抽取技术": answers' names must contain 信息抽取
    every: bool = False  # "同时提到 A 和 B", "both": answers must hold for every named thing, not any

    def describe(self) -> str:
        names = (" & " if self.every else " + ").join(a.label for a in self.anchors)
        parts = []
        for hop in self.hops:
            parts.append(f"? {hop.relation} {{known}}" if hop.known_is == "object" else f"{{known}} {hop.relation} ?")
        text = names
        for part in parts:
            text = part.replace("{known}", text).replace("?", "(?)", 1)
            text = f"[{text}]"
        asked = f" → {self.asked}" if self.asked else ""
        return f"{text}{asked}"


@dataclass
class Declined(Exception):
    reason: str
    suggestions: list[str] = field(default_factory=list)


def _other(end: str) -> str:
    return "object" if end == "subject" else "subject"


def _fits(graph: GraphNames, relation: str, known_type: str, known_is: str) -> bool:
    subjects, objects = graph.ends.get(relation, (frozenset(), frozenset()))
    return known_type in (subjects if known_is == "subject" else objects)


def _answer_types(graph: GraphNames, relation: str, known_is: str) -> frozenset:
    subjects, objects = graph.ends.get(relation, (frozenset(), frozenset()))
    return objects if known_is == "subject" else subjects


def _roles(graph, relation, known_type, asked, cue=None, anchor=None, qwords=()) -> list[str]:
    """The ends of ``relation`` a node of ``known_type`` can be, given the asked type and word order.

    Word order, when both ends fit: the named thing and the question word nearest the cue stand
    on its two sides (the named thing takes its side), or on one side, where the nearer of the
    two takes that side ("What is X based on": X; "Qwen 是谁开发的": 谁)."""
    roles = [end for end in ("subject", "object") if _fits(graph, relation, known_type, end)]
    if asked:
        typed = [end for end in roles if asked in _answer_types(graph, relation, end)]
        roles = typed or roles
    if len(roles) == 2 and cue is not None and anchor is not None:
        roles = [_side(cue, anchor, qwords)]
    return roles


def _side(cue, anchor, qwords) -> str:
    """The end of the cue's relation that word order gives the named thing (see :func:`_roles`)."""
    start, end, left = cue
    entity_left = anchor.span.end <= start
    side = left if entity_left else _other(left)
    near = sorted(qwords, key=lambda w: min(abs(w[1] - start), abs(w[0] - end)))
    if near:
        q_start, q_end = near[0]
        q_left = q_end <= start
        if q_left == entity_left:
            entity_gap = start - anchor.span.end if entity_left else anchor.span.start - end
            q_gap = start - q_end if q_left else q_start - end
            if q_gap < entity_gap:
                side = _other(side)
    return side


def read(question: str, graph: GraphNames, cues: Cues) -> Reading:
    """How ``question`` maps onto the graph; raises :class:`Declined` when it cannot be mapped."""
    import dataclasses

    reading = _read(question, graph, cues)
    q = normalize(question)
    spans = [(a.span.start, a.span.end) for a in reading.anchors]
    narrow = tuple(b for b in cues.narrow if _find_words(q, b.words, list(spans)) and not _find_words(q, b.unless, list(spans)))
    others = bool(_find_words(q, cues.others, []))
    every = bool(_find_words(q, cues.every, list(spans)))
    return dataclasses.replace(reading, narrow=narrow, others=others, every=every, qualifier=_qualifier(q, cues, spans))


def _qualifier(q: str, cues: Cues, anchors) -> str | None:
    """The Chinese words between a question word and the type word it asks for ("哪种信息抽取技术"
    → 信息抽取), when they are not a generic word; None otherwise. Latin qualifiers are left alone:
    the graph's names are mostly Chinese or proper names, so an English description rarely
    appears in them."""
    ends = [j for _, j, _ in _find_words(q, cues.question_words, list(anchors))]
    for i, _, _ in _find_words(q, [w for w, _ in cues.asks], list(anchors)):
        for j in ends:
            text = q[j:i].strip()
            for w in sorted(cues.measure_words, key=len, reverse=True):
                if text.startswith(w):
                    text = text[len(w):].strip()
                    break
            if 0 < i - j <= 10 and text and re.fullmatch(r"[\u4e00-\u9fff]{2,}", text) and text not in cues.not_qualifiers \
                    and compact(text) not in cues.not_entities and "的" not in text \
                    and not any(w in text for w in (*(w for w, _ in cues.asks), *(w for w, _, _ in cues.cues))):
                return text  # not "哪家公司的模型": a type word or a cue in it is not a qualifier
    return None


def _article_by_topic(q: str, named: list[Mention], graph: GraphNames, cues: Cues) -> list[Mention]:
    """"the article about the RAG market in 2024": the description (up to the question's end, or
    from its start to "的文章") names one article when a thing it names stands in that title alone;
    the description then is that article (its dates and words are not read as a question)."""
    if any(n.type == ARTICLE for n in named):
        return named
    spans = []
    for i, j, _ in _find_words(q, cues.topic_before, []):
        end = next((k for k in range(j, len(q)) if q[k] in "?？,，;；"), len(q))
        spans.append((i, j, end))
    for i, j, _ in _find_words(q, cues.topic_after, []):
        start = max((k + 1 for k in range(i) if q[k] in "?？,，;；。"), default=0)
        spans.append((start, start, j))
    titles = {iri: compact(normalize(title)) for iri, (_, title) in graph.articles.items() if title}
    for whole_start, start, end in spans:
        inside = [n for n in named if start <= n.span.start and n.span.end <= end]
        hits = set()
        for n in inside:
            names = {compact(normalize(f)) for e in n.ids for f in (graph.index.entities[e].label, *graph.index.entities[e].aliases)}
            hits |= {iri for iri, title in titles.items() if any(name and name in title for name in names)}
        if len(hits) == 1:
            article = hits.pop()
            span = Span(whole_start, end, q[whole_start:end])
            kept = [n for n in named if n.span.end <= whole_start or n.span.start >= end]
            return sorted(kept + [Mention(span, (article,), ARTICLE, graph.articles[article][0], "title")], key=lambda n: n.span.start)
    return named


def _read(question: str, graph: GraphNames, cues: Cues) -> Reading:
    q = normalize(question)
    if not q:
        raise Declined("the question is empty")
    named = _article_by_topic(q, link_entities(q, graph, cues), graph, cues)
    blocked = [(n.span.start, n.span.end) for n in named]
    unasked = [w for _, _, w in _find_words(q, cues.unanswerable, list(blocked))]
    masked = "".join(" " if any(a <= i < b for a, b in blocked) else ch for i, ch in enumerate(q))  # names are not read
    unasked += [m.group(0).strip() for p in cues.unanswerable_patterns for m in [p.search(masked)] if m]
    if unasked:
        said = ", ".join(dict.fromkeys(unasked))
        raise Declined(f"it asks '{said}': the graph records no dates, counts, reasons or yes-or-no answers, only who made, "
                       f"wrote, uses, is based on, is part of or is affiliated with what, and which articles mention what")
    # "陈云霁团队属于…", "Bill Dally's team belongs to…": a person's team is part of what the person is affiliated with
    titles = "|".join(map(re.escape, cues.titles))
    team_word = re.compile(rf"\s*(?:(?:{titles})\s*)?(?:的|'s|’s)?\s*(?:" + "|".join(map(re.escape, cues.team)) + ")") if cues.team else None
    team = bool(team_word) and any(n.type == "Person" and team_word.match(q, n.span.end) for n in named)
    cue_words = {}
    for word, relation, left in cues.cues:
        relation = "affiliatedWith" if team and relation == "partOf" else relation
        cue_words.setdefault(word, []).append((relation, left))
    # question words where they stand, inside a cue too ("是哪家"): word order reads them
    qwords = [(i, j) for i, j, _ in _find_words(q, cues.question_words, list(blocked))]
    found_cues = []
    for i, j, word in _find_words(q, list(cue_words), blocked):
        found_cues.append((i, j, word, cue_words[word]))
    ask_words = dict(cues.asks)
    asked_found = []
    for i, j, word in _find_words(q, list(ask_words), list(blocked)):
        asked_found.append((i, j, ask_words[word]))
    if not named:
        words = re.findall(r"[0-9a-z][0-9a-z.\-]+|[\u4e00-\u9fff]{2,}", q)
        close: list[str] = []
        for word in sorted(words, key=len, reverse=True)[:4]:
            for eid in graph.index.suggestions(word, 3):
                label = graph.index.entities[eid].label
                if label not in close:
                    close.append(label)
        raise Declined("it names nothing the graph knows (no entity, article id or title)", close[:6])

    # a type word right next to a name describes that name ("the model Qwen", "Qwen 模型")
    artifacts = {"Model", "Tool", "Technology"}

    def describes(i: int, j: int, t: str) -> bool:
        for n in named:
            if t != n.type and not {t, n.type} <= artifacts:
                continue  # "Hugging Face employees": people of it, not a word for it
            gap_after = q[n.span.end:i]
            gap_before = q[j:n.span.start]
            if n.span.end <= i and re.fullmatch(r"\s*(?:的|'s|’s)?\s*", gap_after):
                return True
            if j <= n.span.start and re.fullmatch(r"\s*(?:the\s+)?", gap_before):
                return True
        return False

    asked_types = [(i, t) for i, j, t in asked_found if not describes(i, j, t)]
    # prefer the type word right after a question word (哪些模型, which models)
    after_q = [t for i, t in asked_types if any(0 <= i - (qw_end) <= 1 for qw_end in _qword_ends(q, cues, blocked))]
    asked_list = list(dict.fromkeys(after_q or [t for _, t in asked_types]))
    asked_direct = list(dict.fromkeys(after_q))

    # names that only qualify another ("OpenAI's o1", "趋境科技的大模型知识推理一体机", "哪种信息抽取技术")
    def qualifier(n: Mention) -> bool:
        for m in named:
            if m is n or m.span.start < n.span.end:
                continue
            if re.fullmatch(r"\s*(?:的|'s|’s)\s*", q[n.span.end:m.span.start]):
                return True
        return False

    def inside_asked_phrase(n: Mention) -> bool:
        before = q[max(0, n.span.start - 3):n.span.start].strip()
        after = q[n.span.end:n.span.end + 4].strip()
        return any(before.endswith(w) for w in cues.question_words if not _is_latin(w[0])) and any(
            after.startswith(w) for w, _ in cues.asks if not _is_latin(w[0]))

    anchors_all = [n for n in named if not inside_asked_phrase(n)] or named
    asked_options = asked_list or [None]

    def cue_info(c):
        return [(relation, (c[0], c[1], left)) for relation, left in c[3]]

    # one hop per cue
    one_hop: list[Reading] = []
    in_order: list[Reading] = []  # readings whose ends stand the way the cue's words put them
    nearest: dict[str, tuple] = {}  # relation → the cue naming it nearest to a named thing
    for c in found_cues:
        distance = min(min(abs(c[0] - n.span.end), abs(n.span.start - c[1])) for n in anchors_all)
        for relation, _ in c[3]:
            if relation not in nearest or distance < nearest[relation][0]:
                nearest[relation] = (distance, c)
    for c in found_cues:
        for relation, cue in cue_info(c):
            if nearest[relation][1] is not c:
                continue
            for asked in asked_options:
                fit = []
                for n in anchors_all:
                    roles = _roles(graph, relation, n.type, asked, cue, n, qwords)
                    if len(roles) == 1:
                        fit.append((n, roles[0]))
                if not fit:
                    continue
                primary = [f for f in fit if not qualifier(f[0])] or fit
                by_role: dict[str, list] = {}
                for n, role in primary:
                    by_role.setdefault(role, []).append(n)
                if len(by_role) != 1:
                    continue  # names on both ends: not a question about one of them
                role, ns = next(iter(by_role.items()))
                answer_types = _answer_types(graph, relation, role)
                use_asked = asked if asked in answer_types else None
                if asked and use_asked is None and len(asked_options) > 1:
                    continue
                if asked and use_asked is None and not ({asked} | set(answer_types)) <= artifacts:
                    continue  # "哪些项目" asks for things, not the organizations partOf gives (框架 for a technique is fine)
                one_hop.append(Reading(tuple(ns), (Hop(relation, role),), use_asked))
                if all(_side(cue, n, qwords) == role for n in ns):
                    in_order.append(one_hop[-1])
    if asked_list and any(r.asked for r in one_hop):  # readings that fit the type asked for win
        one_hop = [r for r in one_hop if r.asked]
    # two hops: two cues (or a cue and a relation implied by two type words) chained through a middle node
    two_hop: list[Reading] = []
    chains = []
    for a in found_cues:
        for b in found_cues:
            if a is b or any(w in a[2] for w in cues.question_words):
                continue  # a cue holding a question word ("是哪家", "在哪里工作") asks: it is not the anchor's hop
            lo, hi = sorted((a, b))[0][1], sorted((a, b))[1][0]
            gap = q[lo:hi]
            first = min(a, b)
            if _only_asking(gap.strip(), cues) or (any(w in first[2] for w in cues.question_words) and _only_asking(gap.strip(), cues, qword=False)):
                continue  # "基于什么开发的", "是哪家公司旗下的": one slot asked by both words, not two hops
            if {r for r, _ in a[3]} & {r for r, _ in b[3]} and (
                    any(w in c[2] for c in (a, b) for w in cues.question_words) or not (
                    any(w in gap for w, _ in cues.asks) or any(w in gap for w in cues.question_words)
                    or any(lo <= n.span.start < hi for n in named))):
                continue  # "在哪个机构任职", "release or build": one relation said twice, not two hops
            chains.append((a, b))
    if len(found_cues) == 1 and len(asked_list) >= 2:
        for mid_t in asked_list:
            for ans_t in asked_list:
                rel = cues.implied.get(f"{mid_t}>{ans_t}")
                if mid_t != ans_t and rel:
                    chains.append((found_cues[0], (None, None, rel, [(rel, "subject")], mid_t, ans_t)))
    for a, b in chains:
        for rel1, cue1 in cue_info(a):
            rel2s = cue_info(b) if b[0] is not None else [(b[2], None)]
            for rel2, cue2 in rel2s:
                for n in anchors_all:
                    for role1 in ("subject", "object"):
                        if not _fits(graph, rel1, n.type, role1):
                            continue
                        if _roles(graph, rel1, n.type, None, cue1, n, qwords) not in ([role1], [role1, _other(role1)]):
                            continue
                        for mid_t in sorted(_answer_types(graph, rel1, role1)):
                            if b[0] is None and mid_t != b[4]:
                                continue
                            for role2 in ("subject", "object"):
                                if not _fits(graph, rel2, mid_t, role2):
                                    continue
                                ans_types = _answer_types(graph, rel2, role2)
                                wanted = b[5] if b[0] is None else None
                                asks = [t for t in asked_list if t in ans_types and t != mid_t] if b[0] is not None else [wanted]
                                if asked_direct and not any(t in ans_types for t in asked_direct):
                                    continue
                                if asked_list and not asks and any(t not in (mid_t, n.type) for t in asked_list):
                                    continue
                                reading = Reading((n,), (Hop(rel1, role1), Hop(rel2, role2)), asks[0] if asks else None, mid_t)
                                two_hop.append(reading)
                                if cue2 is not None:  # the middle node stands where the first cue is
                                    start2, _, left2 = cue2
                                    if role2 == (left2 if cue1[1] <= start2 else _other(left2)):
                                        in_order.append(reading)
    if two_hop:
        # keep chains whose middle type is named by a word of the question, when any is
        named_mid = [r for r in two_hop if r.mid in asked_list]
        pool = named_mid or two_hop
        ordered = [r for r in pool if r in in_order]
        for candidates in (pool, ordered):  # where the types leave two chains, word order decides
            shapes = {(r.anchors, r.hops, r.asked) for r in candidates}
            if len(shapes) == 1:
                return candidates[0]
            collapsed = {(r.anchors, r.hops) for r in candidates}
            if len(collapsed) == 1:
                return Reading(candidates[0].anchors, candidates[0].hops, candidates[0].asked)
    if not one_hop and not found_cues:
        for asked in asked_list:
            for n in anchors_all:
                relation = cues.implied.get(f"{n.type}>{asked}") or cues.implied.get(f"Entity>{asked}")
                if not relation:
                    continue
                roles = _roles(graph, relation, n.type, asked)
                if len(roles) == 1:
                    one_hop.append(Reading((n,), (Hop(relation, roles[0]),), asked if asked in _answer_types(graph, relation, roles[0]) else None))
    distinct = list(dict.fromkeys((r.anchors, r.hops, r.asked) for r in one_hop))
    ordered = [r for r in one_hop if r in in_order]
    if len(distinct) > 1 and ordered and len({r.hops for r in ordered}) == 1:
        # "卢向东是哪家公司的 CEO": types put 卢向东 where 哪家公司的 (developedBy) wants the product; the reading
        # whose ends stand as its words put them (affiliatedWith, by CEO) wins
        one_hop = ordered
        distinct = list(dict.fromkeys((r.anchors, r.hops, r.asked) for r in one_hop))
    if len(distinct) == 1:
        return one_hop[0]
    if len(distinct) > 1:
        relations = {r[1] for r in distinct}
        if len(relations) == 1:  # same relation, several typings: keep the narrowest asked type
            typed = [r for r in one_hop if r.asked]
            return typed[0] if typed else one_hop[0]
        listed = "; ".join(Reading(*r).describe() for r in distinct[:4])
        raise Declined(f"it can be read more than one way ({listed})")
    labels = ", ".join(f"{n.label} ({n.type})" for n in named)
    if found_cues:
        relations = sorted({r for c in found_cues for r, _ in c[3]})
        raise Declined(f"it names {labels}, but no reading of {', '.join(relations)} fits "
                       f"{'it' if len(named) == 1 else 'them'}{' and the type asked for' if asked_list else ''}")
    known = "; ".join(f"{r}: {'/'.join(cues.relation_words(r, 4))}" for r in RELATIONS)
    raise Declined(f"it names {labels}, but no relation word I know ({known})")


def _only_asking(text: str, cues: Cues, qword: bool = True) -> bool:
    """True for a question word, alone or with a type word ("什么", "哪家公司", "which model"); with
    ``qword=False``, for a type word alone or nothing ("公司")."""
    if qword:
        word = next((w for w in sorted(cues.question_words, key=len, reverse=True) if text.startswith(w)), None)
        if word is None:
            return False
        text = text[len(word):].strip()
    return not text or any(text == w for w, _ in cues.asks)


def _qword_ends(q: str, cues: Cues, blocked) -> list[int]:
    return [j for _, j, _ in _find_words(q, cues.question_words, list(blocked))]


# --- SPARQL ------------------------------------------------------------------------------------

_PREFIXES = """PREFIX aikg: <https://w3id.org/aikg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


def _triple(known: str, unknown: str, hop: Hop, pred: str) -> str:
    return f"{known} {pred} {unknown} ." if hop.known_is == "subject" else f"{unknown} {pred} {known} ."


def _evidence(known: str, unknown: str, hop: Hop, pred: str, n: int) -> str:
    s, o = (known, unknown) if hop.known_is == "subject" else (unknown, known)
    return (f"  OPTIONAL {{ ?st{n} rdf:subject {s} ; rdf:predicate {pred} ; rdf:object {o} ; prov:wasDerivedFrom ?art{n} ; aikg:evidence ?evidence{n} .\n"
            f"             ?art{n} dcterms:identifier ?article{n} .\n"
            f"             OPTIONAL {{ ?st{n} aikg:startOffset ?start{n} ; aikg:endOffset ?end{n} }} }}\n")


def build_sparql(reading: Reading) -> str:
    """The query for a reading: fixed text; ?anchor, ?p1, ?p2 and ?want are bound, never pasted."""
    lines = [_PREFIXES, "SELECT DISTINCT ?answer ?answerLabel ?answerClass"]
    two = len(reading.hops) == 2
    lines[-1] += " ?mid ?midLabel ?article1 ?evidence1 ?start1 ?end1" if two else " ?article1 ?evidence1 ?start1 ?end1"
    if two:
        lines[-1] += " ?article2 ?evidence2 ?start2 ?end2"
    lines.append("WHERE {")
    first = reading.hops[0]
    if two:
        lines.append("  " + _triple("?anchor", "?mid", first, "?p1"))
        lines.append("  " + _triple("?mid", "?answer", reading.hops[1], "?p2"))
        lines.append("  FILTER (!BOUND(?others) || ?answer != ?anchor)")
        lines.append("  OPTIONAL { ?mid rdfs:label ?midL } OPTIONAL { ?mid dcterms:identifier ?midId }")
        lines.append("  BIND (COALESCE(?midL, ?midId) AS ?midLabel)")
    else:
        lines.append("  " + _triple("?anchor", "?answer", first, "?p1"))
    lines.append("  ?answer a ?answerClass .")
    lines.append("  FILTER (STRSTARTS(STR(?answerClass), STR(aikg:)))")
    lines.append("  FILTER (!BOUND(?want) || ?answerClass = ?want || (?want = aikg:Organization && EXISTS { ?answer aikg:altType ?want }))")
    lines.append("  OPTIONAL { ?answer rdfs:label ?label } OPTIONAL { ?answer dcterms:identifier ?answerId }")
    lines.append("  BIND (COALESCE(?label, ?answerId) AS ?answerLabel)")
    if two:
        lines.append(_evidence("?anchor", "?mid", first, "?p1", 1) + _evidence("?mid", "?answer", reading.hops[1], "?p2", 2))
    else:
        lines.append(_evidence("?anchor", "?answer", first, "?p1", 1))
    lines.append("}")
    lines.append("ORDER BY LCASE(STR(?answerLabel)) ?answer")
    return "\n".join(lines)


# --- answering ---------------------------------------------------------------------------------


@dataclass
class Evidence:
    article: str | None  # article id (A12)
    sentence: str | None
    start: int | None = None
    end: int | None = None
    via: str | None = None  # the middle node, on a two-hop answer
    hop: int = 1


@dataclass
class AnswerItem:
    id: str  # entity id, or article id for an article
    label: str
    type: str
    aliases: tuple[str, ...] = ()
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Answer:
    question: str
    answers: list[AnswerItem]
    reading: str | None = None
    sparql: str | None = None
    bindings: dict = field(default_factory=dict)
    declined: str | None = None
    suggestions: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def answered(self) -> bool:
        return bool(self.answers)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["answered"] = self.answered
        return data


def _store_key(graph_dir) -> tuple:
    from aikg.store import ensure_store

    return str(ensure_store(graph_dir))


def ask(question: str, graph_dir: Path | str | None = None, *, store=None, key: str | None = None,
        cues: Cues | None = None) -> Answer:
    """Answer ``question`` from the graph in ``graph_dir`` (default extracted/); ``store`` (an open
    store of that graph) and ``key`` (any string naming it) skip finding the store."""
    import pyoxigraph as ox

    from aikg.sparql import PREFIXES
    from aikg.store import open_store, query_store

    started = time.perf_counter()
    graph_dir = Path(graph_dir or paths.DEFAULT_OUT)
    key = key or _store_key(graph_dir)
    if store is None:
        store = _open_cached(key, graph_dir, open_store)
    graph = graph_names(store, key)
    cues = cues or load_cues()
    try:
        reading = read(question, graph, cues)
    except Declined as declined:
        return Answer(question, [], declined=declined.reason, suggestions=declined.suggestions, seconds=time.perf_counter() - started)
    sparql = build_sparql(reading)
    answers: dict[str, AnswerItem] = {}
    bindings: dict[str, list[str]] = {}

    def pred(relation: str):
        return ox.NamedNode(AIKG + relation)

    per_anchor: list[set[str]] = []  # the answers' IRIs found from each named thing
    for anchor in reading.anchors:
        per_anchor.append(set())
        for node in anchor.ids:
            iri = node if anchor.type == ARTICLE else ENT + node
            bind = {"anchor": ox.NamedNode(iri), "p1": pred(reading.hops[0].relation)}
            if len(reading.hops) == 2:
                bind["p2"] = pred(reading.hops[1].relation)
            if reading.asked:
                bind["want"] = ox.NamedNode(AIKG + reading.asked)
            if reading.others and len(reading.hops) == 2:
                bind["others"] = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
            for name, term in bind.items():
                bindings.setdefault(name, [])
                if term.value not in bindings[name]:
                    bindings[name].append(term.value)
            for row in query_store(store, sparql, bind, prefixes=PREFIXES):
                _collect(answers, row, graph, len(reading.hops) == 2)
                per_anchor[-1].add(_value(row, "answer"))
    if reading.every and len(per_anchor) > 1:  # "同时提到 KAG 和 GraphRAG": answers of each named thing
        answers = {iri: item for iri, item in answers.items() if all(iri in found for found in per_anchor)}
    found = sorted(answers.values(), key=lambda a: (a.label.casefold(), a.id))
    items = _narrowed(found, reading)
    for item in items:
        item.evidence.sort(key=lambda e: (e.hop, e.via or "", e.article or "", e.start or 0))
    declined = None
    if found and not items:  # say what the graph has, rather than "nothing"
        wanted = [f"a name or evidence containing {reading.qualifier!r}"] if reading.qualifier else []
        wanted += [f"the '{b.words[0]}' asked for" for b in reading.narrow if b.label_contains or b.label_excludes]
        wanted += [f"an evidence sentence saying '{b.evidence_requires[0]}'" for b in reading.narrow if b.evidence_requires]
        declined = (f"the graph answers {reading.describe()} with {', '.join(a.label for a in found[:6])}"
                    f"{' …' if len(found) > 6 else ''}, but none of them fits {' and '.join(wanted) or 'the question'}")
    return Answer(question, items, reading.describe(), sparql, bindings, declined=declined, seconds=time.perf_counter() - started)


def _said(items: list[AnswerItem], words) -> list[AnswerItem]:
    """The answers with an evidence sentence containing one of ``words``."""
    return [a for a in items if any(w in normalize(e.sentence or "") for e in a.evidence for w in words)]


def _narrowed(items: list[AnswerItem], reading: Reading) -> list[AnswerItem]:
    """The answers that fit the question's narrowing words (the [[narrow]] blocks, the qualifier)."""
    def names(a: AnswerItem) -> list[str]:
        return [normalize(n) for n in (a.label, *a.aliases)]

    for block in reading.narrow:
        if block.label_contains:
            items = [a for a in items if any(w in n for n in names(a) for w in block.label_contains)]
        if block.label_excludes:
            items = [a for a in items if not any(w in n for n in names(a) for w in block.label_excludes)]
        if block.evidence_contains:  # a preference: only when some evidence says it in those words
            items = _said(items, block.evidence_contains) or items
        if block.evidence_requires:
            items = _said(items, block.evidence_requires)
    if reading.qualifier:  # "什么推理技术": named so (…推理…), or said of it where it is stated (o1's 思维链 "…推理…")
        said = _said(items, (reading.qualifier,))
        items = [a for a in items if a in said or any(reading.qualifier in n for n in names(a))]
    return items


_stores: dict[str, object] = {}


def _open_cached(key: str, graph_dir: Path, open_store):
    if key not in _stores:
        _stores.clear()
        _stores[key] = open_store(graph_dir)
    return _stores[key]


def _value(row, name):
    try:
        term = row[name]
    except (KeyError, IndexError):
        return None
    return None if term is None else term.value


def _collect(answers: dict[str, AnswerItem], row, graph: GraphNames, two: bool) -> None:
    iri = _value(row, "answer")
    cls = _local(_value(row, "answerClass") or "", AIKG)
    if iri is None:
        return
    if cls == ARTICLE or iri in graph.articles:
        aid, title = graph.articles.get(iri, (_value(row, "answerLabel") or iri, ""))
        item = answers.setdefault(iri, AnswerItem(aid, aid, ARTICLE, (title,) if title else ()))
    else:
        eid = _local(iri, ENT)
        entity = graph.index.entities.get(eid)
        item = answers.setdefault(iri, AnswerItem(
            eid, entity.label if entity else (_value(row, "answerLabel") or eid), entity.type if entity else cls,
            entity.aliases if entity else ()))
    hops = (1, 2) if two else (1,)
    via = _value(row, "midLabel") if two else None
    for n in hops:
        sentence = _value(row, f"evidence{n}")
        article = _value(row, f"article{n}")
        start, end = _value(row, f"start{n}"), _value(row, f"end{n}")
        ev = Evidence(article, sentence, int(start) if start else None, int(end) if end else None, via, n)
        if sentence is None and any(e.hop == n and e.via == via for e in item.evidence):
            continue
        if ev not in item.evidence:
            item.evidence = [e for e in item.evidence if not (e.hop == n and e.via == via and e.sentence is None)] + [ev]


# --- scoring a question set ----------------------------------------------------------------------


def _norm_name(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return "".join(ch for ch in folded if not (ch.isspace() or unicodedata.category(ch).startswith("P")))


def answer_matches(expected: str, item: AnswerItem) -> bool:
    """An expected name matches an answer when it equals (normalized: NFKC, case-folded, no spaces
    or punctuation) its label or any alias; an article answer by its article id."""
    wanted = _norm_name(expected)
    if not wanted:
        return False
    names = (item.id,) if item.type == ARTICLE else (item.label, *item.aliases)
    return any(_norm_name(n) == wanted for n in names)


@dataclass
class QuestionScore:
    id: str
    question: str
    answerable: bool
    expected: list[str]
    printed: list[str]
    correct: int  # printed answers that match an expected one
    right: bool  # the answer set matches (answerable), or declined (unanswerable)
    declined: str | None
    reading: str | None


@dataclass
class QuestionReport:
    file: str
    questions: int
    answerable: int
    unanswerable: int
    fully_right: int
    printed: int
    printed_correct: int
    declined_unanswerable: int
    scores: list[QuestionScore]
    seconds: float

    @property
    def accuracy(self) -> float:
        return self.fully_right / self.answerable if self.answerable else 0.0

    @property
    def precision(self) -> float:
        return self.printed_correct / self.printed if self.printed else 1.0

    @property
    def declined_share(self) -> float:
        return self.declined_unanswerable / self.unanswerable if self.unanswerable else 1.0

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(accuracy=round(self.accuracy, 4), precision=round(self.precision, 4), declined_share=round(self.declined_share, 4))
        return data


def read_questions(path: Path | str) -> list[dict]:
    """The questions of a JSON Lines file (id, question, answerable, answers, …)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise AikgError(f"{path}: cannot read ({err})") from None
    items = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as err:
            raise AikgError(f"{path}:{number}: not JSON ({err.msg})") from None
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise AikgError(f"{path}:{number}: each line needs a \"question\" string")
        answers = item.get("answers") or []
        if not isinstance(answers, list):
            raise AikgError(f"{path}:{number}: \"answers\" must be a list")
        item.setdefault("id", f"line{number}")
        item["answerable"] = bool(item.get("answerable", bool(answers)))
        items.append(item)
    if not items:
        raise AikgError(f"{path}: no questions")
    return items


def evaluate_questions(path: Path | str, graph_dir: Path | str | None = None) -> QuestionReport:
    """Ask every question of ``path`` and score the answers: accuracy (answer set matches, over the
    answerable questions), precision of the printed answers (all questions), and the share of
    unanswerable questions declined (no answer printed)."""
    started = time.perf_counter()
    items = read_questions(path)
    scores = []
    for item in items:
        result = ask(item["question"], graph_dir)
        expected = [str(a) for a in item.get("answers") or []]
        printed = [a.label for a in result.answers]
        correct = sum(1 for a in result.answers if item["answerable"] and any(answer_matches(e, a) for e in expected))
        if item["answerable"]:
            covered = all(any(answer_matches(e, a) for a in result.answers) for e in expected)
            right = bool(expected) and covered and correct == len(result.answers)
        else:
            right = not result.answers
        scores.append(QuestionScore(str(item["id"]), item["question"], item["answerable"], expected, printed, correct, right,
                                    result.declined, result.reading))
    answerable = [s for s in scores if s.answerable]
    unanswerable = [s for s in scores if not s.answerable]
    return QuestionReport(
        str(path), len(scores), len(answerable), len(unanswerable),
        sum(s.right for s in answerable), sum(len(s.printed) for s in scores), sum(s.correct for s in scores),
        sum(s.right for s in unanswerable), scores, time.perf_counter() - started,
    )
