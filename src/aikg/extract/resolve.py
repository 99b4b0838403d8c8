"""Entity resolution: every surface form of one thing becomes one node, and why.

A mention resolves, in order, to: the lexicon entry it matched; the lexicon entry
whose alias has the same normalized form (NFKC, case, spaces, dashes); or a new
entity keyed by its normalized form. A new entity's type is the one its strongest
rules voted for, and its id is an ascii slug of its name, unique in the build.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict

from aikg.extract.entities import Candidate
from aikg.extract.lexicon import LexiconEntry, normalize
from aikg.records import Entity


def slug(text: str) -> str:
    """Short lowercase ascii slug; names without ascii letters get a stable hash."""
    from pypinyin import lazy_pinyin

    romanized = " ".join(lazy_pinyin(text)) if re.search(r"[\u4e00-\u9fff]", text) else text
    ascii_text = unicodedata.normalize("NFKD", romanized).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(base) < 2 or not re.search(r"[a-z]", base):
        base = (base + "-" if base else "e-") + hashlib.sha1(text.encode()).hexdigest()[:8]
    return base[:48].strip("-")


class Resolver:
    """Collects mentions from every document, then fixes one entity per real thing."""

    def __init__(self, entries: dict[str, LexiconEntry]):
        self.entries = entries
        self.alias_index: dict[str, str] = {}
        for entry in entries.values():
            for alias in entry.aliases:
                self.alias_index.setdefault(normalize(alias), entry.id)
        self.parent: dict[str, str] = {}  # union-find over provisional keys: "X（Y）" aliases
        self.heads: dict[str, str] = {}  # root key → the written-out name its aliases abbreviate
        self.type_votes: dict[str, Counter] = defaultdict(Counter)
        self.forms: dict[str, Counter] = defaultdict(Counter)
        self.reasons: dict[str, set[str]] = defaultdict(set)
        self.strong_votes: dict[str, Counter] = defaultdict(Counter)
        self._splits: dict[str, list[str]] | None = None

    def raw_key(self, cand: Candidate) -> str:
        """Key of a mention by itself: 'lex:<id>' or 'new:<normalized form>'."""
        if cand.key:
            return "lex:" + cand.key
        norm = normalize(cand.text)
        if norm in self.alias_index:
            return "lex:" + self.alias_index[norm]
        return "new:" + norm

    def _find(self, key: str) -> str:
        while self.parent.get(key, key) != key:
            key = self.parent[key]
        return key

    def key(self, cand: Candidate) -> str:
        """The entity key of a mention, after merging written-out aliases.

        A new name that strong rules read as two types ("Mamba" the architecture in
        one article, a product "Mamba" in another) stays two entities, one per type.
        """
        key = self._find(self.raw_key(cand))
        types = self._split_types().get(key)
        if types:
            return f"{key}#{cand.type if cand.type in types else types[0]}"
        return key

    def _split_types(self) -> dict[str, list[str]]:
        if self._splits is None:
            self._splits = {}
            for key, votes in self.strong_votes.items():
                strong = sorted(t for t, v in votes.items() if v >= 2)
                if key.startswith("new:") and len(strong) > 1:
                    self._splits[key] = sorted(strong, key=lambda t: (-votes[t], t))
        return self._splits

    def link(self, alias: Candidate, head: Candidate, reason: str = "is written as an alias of {head!r} in parentheses") -> None:
        """Merge an alias ("head（alias）", a surname) into its head; a lexicon entry stays the root."""
        a, h = self._find(self.raw_key(alias)), self._find(self.raw_key(head))
        if a == h or (a.startswith("lex:") and h.startswith("lex:")):
            return
        child, root = (h, a) if a.startswith("lex:") else (a, h)
        self.parent[child] = root
        self.heads.setdefault(root, head.text)
        self.reasons[root].add(f"{alias.text!r} " + reason.format(head=head.text))

    def add(self, cand: Candidate) -> None:
        """Count one mention: its surface form, its type vote, why it lands on its key."""
        key = self._find(self.raw_key(cand))
        self._splits = None
        if cand.priority >= 3:
            self.strong_votes[key][cand.type] += 1
        self.forms[key][(cand.text, cand.type)] += 1
        self.type_votes[key][cand.type] += cand.priority
        if cand.key:
            self.reasons[key].add(f"lexicon alias {cand.text!r}")
        elif key.startswith("lex:"):
            self.reasons[key].add(f"normalized form of {cand.text!r} equals a lexicon alias ({cand.rule})")
        else:
            self.reasons[key].add(f"normalized form {key[4:]!r} ({cand.rule})")

    def entities(self) -> dict[str, Entity]:
        """Final entities by entity key; ids unique and stable for the same input."""
        groups: dict[str, Counter] = defaultdict(Counter)  # entity key → surface form counts
        roots: dict[str, str] = {}
        splits = self._split_types()
        for key, forms in self.forms.items():
            for (text, etype), count in forms.items():
                final = key
                if key in splits:
                    final = f"{key}#{etype if etype in splits[key] else splits[key][0]}"
                groups[final][text] += count
                roots[final] = key
        result: dict[str, Entity] = {}
        used = set(self.entries)
        for key in sorted(groups):
            forms, root = groups[key], roots[key]
            if root.startswith("lex:"):
                entry = self.entries[root[4:]]
                entity = Entity(
                    id=entry.id, type=entry.type, name=entry.name, alt_types=entry.alt_types, wikidata=entry.wikidata
                )
            else:
                name = self.heads.get(root) or sorted(forms.items(), key=lambda item: (-item[1], -len(item[0]), item[0]))[0][0]
                etype = key.rsplit("#", 1)[1] if "#" in key else sorted(
                    self.type_votes[root].items(), key=lambda item: (-item[1], item[0])
                )[0][0]
                ident = slug(name)
                if ident in used:
                    ident = f"{ident}-{etype.lower()}"
                while ident in used:
                    ident = f"{ident}-{hashlib.sha1(key.encode()).hexdigest()[:4]}"
                used.add(ident)
                entity = Entity(id=ident, type=etype, name=name)
            entity.aliases = set(forms) - {entity.name}
            entity.merged_by = set(self.reasons[root])
            if root in splits:
                entity.merged_by.add(f"kept apart from the {'/'.join(t for t in splits[root] if t != entity.type)} of the same name by type")
            result[key] = entity
        return result
