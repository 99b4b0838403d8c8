"""The alias index: every entity's label, aliases and id, normalized, and search over them.

One index serves ``aikg explore search`` (built from a loaded graph) and ``aikg ask``
(built from the persisted store, without importing networkx or rdflib). Forms are
NFKC-normalized, case-folded and whitespace-collapsed; a second, *compact* form also
drops spaces, dashes, dots and middle dots, so 'Qwen 2.5', 'qwen-2.5' and 'QWEN2.5'
are one name.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

_COMPACT = re.compile(r"[\s\-_·・.]+")


def normalize(text: str) -> str:
    """NFKC, case-folded, inner whitespace collapsed: 'ＱＷＥＮ  2' → 'qwen 2'."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def compact(text: str) -> str:
    """A normalized form without spaces, dashes, underscores, dots and middle dots."""
    return _COMPACT.sub("", text)


@dataclass(frozen=True)
class Named:
    """What the index needs to know about one entity."""

    id: str
    label: str
    type: str
    aliases: tuple[str, ...] = ()
    mentions: int = 0


@dataclass(frozen=True)
class SearchHit:
    entity: str  # id
    label: str
    type: str
    mentions: int
    matched: str  # the label or alias that matched
    how: str  # "exact", "prefix" or "contains"


_HOW = ("exact", "prefix", "contains")
_KIND_RANK = {"label": 0, "alias": 1, "id": 2}


class NameIndex:
    """Entities by every name they go by."""

    def __init__(self, entities):
        self.entities: dict[str, Named] = {e.id: e for e in entities}
        self.forms: dict[str, list[tuple[str, str]]] = {}  # id → [(normalized form, kind)]
        self.by_compact: dict[str, set[str]] = {}  # compact form → ids (labels and aliases only)
        for eid, entity in self.entities.items():
            forms = [(normalize(entity.label), "label")]
            forms += [(normalize(alias), "alias") for alias in entity.aliases]
            forms.append((normalize(eid), "id"))
            self.forms[eid] = forms
            for form, kind in forms:
                if kind != "id" and compact(form):
                    self.by_compact.setdefault(compact(form), set()).add(eid)

    def search(self, text: str, *, entity_type: str | None = None, limit: int | None = 20) -> list[SearchHit]:
        """Entities whose label, alias or id contains ``text`` (case-insensitive, NFKC, also
        ignoring spaces and dashes), best first: exact before prefix before contains, then the
        most mentioned, then label matches before alias matches."""
        query = normalize(text)
        short = compact(query)
        scored = []
        for eid, forms in self.forms.items():
            entity = self.entities[eid]
            if entity_type and entity.type != entity_type:
                continue
            best = None
            for form, kind in forms:
                for candidate, target in ((form, query), (compact(form), short)):
                    if not target:
                        continue
                    if candidate == target:
                        how = 0
                    elif candidate.startswith(target):
                        how = 1
                    elif target in candidate:
                        how = 2
                    else:
                        continue
                    rank = (how, _KIND_RANK[kind])
                    if best is None or rank < best[0]:
                        best = (rank, form if kind != "label" else entity.label, kind)
            if best is not None:
                (how, kind_rank), form, kind = best
                matched = entity.label if kind == "label" else next(
                    (a for a in (*entity.aliases, eid) if normalize(a) == form), form
                )
                scored.append(((how, -entity.mentions, kind_rank, entity.label, eid), SearchHit(
                    eid, entity.label, entity.type, entity.mentions, matched, _HOW[how])))
        scored.sort(key=lambda item: item[0])
        hits = [hit for _, hit in scored]
        return hits if limit is None else hits[:limit]

    def close_forms(self, text: str, n: int = 5, cutoff: float = 0.5) -> list[tuple[str, str]]:
        """(normalized form, entity id) pairs whose form is closest to ``text`` (difflib)."""
        owner: dict[str, str] = {}
        for eid, forms in self.forms.items():
            for form, _ in forms:
                owner.setdefault(form, eid)
        return [(form, owner[form]) for form in difflib.get_close_matches(normalize(text), sorted(owner), n=n, cutoff=cutoff)]

    def suggestions(self, text: str, n: int = 5) -> list[str]:
        """Entity ids closest to ``text``: partial matches first, then difflib's close matches."""
        found = [hit.entity for hit in self.search(text, limit=n)] if normalize(text) else []
        for _, eid in self.close_forms(text, n=n * 2):
            if eid not in found:
                found.append(eid)
        return found[:n]
