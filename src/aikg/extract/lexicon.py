"""The lexicon of known AI-ecosystem entities and a fast surface-form matcher over it."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from aikg.errors import AikgError
from aikg.records import ENTITY_TYPES

LEXICON_COLUMNS = ["id", "type", "name", "aliases", "wikidata", "alt_types"]
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_SPACES = {" ", "\t", "\u3000", "\u00a0"}


@dataclass(frozen=True)
class LexiconEntry:
    """One known entity: id, type, canonical name, every surface form, Wikidata id."""

    id: str
    type: str
    name: str
    aliases: tuple[str, ...]
    wikidata: str | None
    alt_types: tuple[str, ...]


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """One character, NFKC-folded and lower-cased, only when that keeps it one character."""
    folded = unicodedata.normalize("NFKC", ch).lower()
    return folded if len(folded) == 1 else ch.lower() if len(ch.lower()) == 1 else ch


def fold(text: str) -> str:
    """Length-preserving fold (full-width → ASCII, case), so offsets stay valid."""
    return "".join(map(fold_char, text))


_NORMALIZE_DROP = re.compile(r"[\s\-_·•・'\"“”‘’()（）]+")


def normalize(text: str) -> str:
    """The key two surface forms share when they name the same thing: NFKC, case, spaces, dashes."""
    return _normalize_name(text) if len(text) <= 64 else _normalize(text)


def _normalize(text: str) -> str:
    return _NORMALIZE_DROP.sub("", unicodedata.normalize("NFKC", text).casefold())


_normalize_name = lru_cache(maxsize=32768)(_normalize)  # names recur in every sentence that mentions them


def load_lexicon(path: Path) -> list[LexiconEntry]:
    """Read the lexicon TSV; a malformed line is an error naming the line."""
    if not path.is_file():
        raise AikgError(f"lexicon not found: {path}")
    entries: list[LexiconEntry] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or [h.strip() for h in header[: len(LEXICON_COLUMNS)]] != LEXICON_COLUMNS:
            raise AikgError(f"{path}: header must be {' '.join(LEXICON_COLUMNS)}")
        for number, row in enumerate(reader, start=2):
            if not row or not row[0].strip() or row[0].startswith("#"):
                continue
            row = (row + [""] * len(LEXICON_COLUMNS))[: len(LEXICON_COLUMNS)]
            ident, etype, name, aliases, wikidata, alt_types = (cell.strip() for cell in row)
            if etype not in ENTITY_TYPES:
                raise AikgError(f"{path}:{number}: unknown type {etype!r}")
            forms = tuple(dict.fromkeys([name, *(a.strip() for a in aliases.split("|") if a.strip())]))
            entries.append(
                LexiconEntry(
                    id=ident,
                    type=etype,
                    name=name,
                    aliases=forms,
                    wikidata=wikidata or None,
                    alt_types=tuple(t for t in alt_types.split("|") if t in ENTITY_TYPES),
                )
            )
    return entries


class SurfaceMatcher:
    """Finds every known surface form in a text: longest match, case- and width-insensitive.

    Spaces inside a form are optional in the text ("可灵 AI" matches "可灵AI"), and a
    Latin-script form only matches as a whole word, so "Go" never fires inside "Google"
    and "Qwen2" never inside "Qwen2.5".
    """

    def __init__(self, forms: dict[str, object], words: frozenset[str] = frozenset()):
        self._trie: dict = {}
        self._words = words  # capitalized words ("Swift") that an all-capitals acronym ("SWIFT") is not
        for form, value in forms.items():
            key = "".join(ch for ch in fold(form) if ch not in _SPACES)
            if not key:
                continue
            node = self._trie
            for ch in key:
                node = node.setdefault(ch, {})
            node.setdefault("\0", (form, value))

    def find(self, text: str) -> list[tuple[int, int, str, object]]:
        """Non-overlapping matches (start, end, form, value), leftmost-longest."""
        folded = fold(text)
        matches = []
        position = 0
        length = len(folded)
        trie = self._trie
        while position < length:
            # most characters start no form: skip them before the word-boundary checks
            best = self._longest_at(text, folded, position) if folded[position] in trie else None
            if best is None:
                position += 1
                continue
            matches.append(best)
            position = best[1]
        return matches

    def _shouted(self, surface: str, form: str) -> bool:
        """"SWIFT" is an acronym of its own, not the language "Swift" (four letters or more)."""
        return form in self._words and len(surface) >= 4 and surface.isupper()

    def _longest_at(self, text: str, folded: str, start: int):
        if start > 0 and _continues_word(text, start - 1, start):
            node = None
        else:
            node = self._trie.get(folded[start])
        best = None
        index = start + 1
        while node is not None:
            if "\0" in node and not _continues_word(text, index - 1, index) and not self._shouted(text[start:index], node["\0"][0]):
                form, value = node["\0"]
                best = (start, index, form, value)
            if index >= len(folded):
                break
            ch = folded[index]
            if ch in _SPACES:
                # skip a run of spaces only if the form continues after it
                skip = index
                while skip < len(folded) and folded[skip] in _SPACES:
                    skip += 1
                if skip < len(folded) and folded[skip] in node:
                    node = node[folded[skip]]
                    index = skip + 1
                    continue
                break
            node = node.get(ch)
            index += 1
        return best


def _continues_word(text: str, left: int, right: int) -> bool:
    """True if the boundary between text[left] and text[right] is inside a Latin word or version."""
    if left < 0 or right >= len(text):
        return False
    a, b = text[left], text[right]
    if _ASCII_ALNUM.match(a) and _ASCII_ALNUM.match(b):
        return True
    # "Qwen2" | ".5", "GLM" | "-4": a dash or dot joining alphanumerics continues the name
    if a.isascii() and a.isalnum() and b in "-." and right + 1 < len(text) and _ASCII_ALNUM.match(text[right + 1]):
        return True
    if a in "-." and b.isascii() and b.isalnum() and left - 1 >= 0 and _ASCII_ALNUM.match(text[left - 1]):
        return True
    return False


@lru_cache(maxsize=4)
def lexicon_matcher(path: Path) -> tuple[SurfaceMatcher, dict[str, LexiconEntry]]:
    """The matcher over every alias of the lexicon at path, and the entries by id."""
    entries = load_lexicon(path)
    by_id = {entry.id: entry for entry in entries}
    forms: dict[str, object] = {}
    for entry in entries:
        for alias in entry.aliases:
            forms.setdefault(alias, entry.id)
    # a technique named by a capitalized word (a language: "Swift", "Rust") is not an acronym in capitals
    words = frozenset(f for f, key in forms.items() if by_id[key].type == "Technology" and f.istitle() and f.isascii() and f.isalpha())
    return SurfaceMatcher(forms, words), by_id
