"""Why a fact is in the graph: its evidence sentences and rules, and why its ends are the nodes they are."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aikg.errors import AikgError
from aikg.records import PREDICATES


@dataclass(frozen=True)
class Evidence:
    """One statement of the fact: where it was read and which rule read it."""

    article_id: str
    article_title: str
    evidence: str
    start: int | None
    end: int | None
    rule: str


@dataclass(frozen=True)
class Explanation:
    """A fact, every place it was stated, and why its subject and object are one node each."""

    subject: str
    subject_label: str
    predicate: str
    object: str
    object_label: str
    evidence: tuple[Evidence, ...]
    subject_merges: tuple[str, ...]
    object_merges: tuple[str, ...]


def merge_reasons(graph_file: Path, entity_ids: set[str]) -> dict[str, tuple[str, ...]]:
    """The aikg:mergedBecause notes of the given entities."""
    import pyoxigraph as ox

    from aikg.analyze import AIKG_NS, ENT_NS

    wanted = {ENT_NS + eid for eid in entity_ids}
    found: dict[str, list[str]] = {eid: [] for eid in entity_ids}
    with open(graph_file, "rb") as handle:
        for triple in ox.parse(handle, format=ox.RdfFormat.TURTLE):
            if triple.predicate.value == AIKG_NS + "mergedBecause" and triple.subject.value in wanted:
                found[triple.subject.value[len(ENT_NS):]].append(triple.object.value)
    return {eid: tuple(sorted(reasons)) for eid, reasons in found.items()}


def explain(graph_dir: Path | str | None, subject: str, predicate: str, obj: str) -> Explanation:
    """Explain ``subject predicate obj`` (names, aliases or ids; obj may be an article id for authorOf)."""
    from aikg import explore
    from aikg.analyze import ARTICLE_PREFIX, graph_path

    if predicate not in PREDICATES:
        raise AikgError(f"unknown predicate {predicate!r}; one of: {', '.join(PREDICATES)}")
    kg = explore.load(graph_dir)
    s = explore.resolve(kg, subject)
    o = ARTICLE_PREFIX + explore.resolve_article(kg, obj) if predicate == "authorOf" else explore.resolve(kg, obj)
    facts = [f for f in kg.facts if f.subject == s and f.predicate == predicate and f.object == o]
    if not facts:
        raise AikgError(f"the graph does not state {kg.label(s)} {predicate} {kg.label(o)}")
    evidence = []
    for fact in sorted(facts, key=lambda f: (f.start or 0, f.article or "")):
        article = kg.articles.get(fact.article or "")
        evidence.append(
            Evidence(
                article_id=article.id if article else "?",
                article_title=article.title if article else "",
                evidence=fact.evidence or "",
                start=fact.start,
                end=fact.end,
                rule=fact.rule or "",
            )
        )
    ends = {s} | ({o} if o in kg.entities else set())
    merges = merge_reasons(graph_path(graph_dir), ends)
    return Explanation(
        subject=s,
        subject_label=kg.label(s),
        predicate=predicate,
        object=o,
        object_label=kg.label(o),
        evidence=tuple(evidence),
        subject_merges=merges.get(s, ()),
        object_merges=merges.get(o, ()),
    )
