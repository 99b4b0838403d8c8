"""Regular expressions built from the cue-word lists of ``ontology/*.toml``."""

from __future__ import annotations

import re


def alternation(words, whole_words: bool = False) -> str:
    """The words as one regex alternation, longest first (ties in a fixed order); with
    ``whole_words``, a word that begins or ends with a Latin letter matches only as a whole word
    ("uses" is not in "causes")."""
    def bounded(word: str) -> str:
        head = r"(?<![A-Za-z])" if whole_words and re.match(r"[A-Za-z]", word) else ""
        tail = r"(?![A-Za-z])" if whole_words and re.search(r"[A-Za-z]$", word) else ""
        return head + re.escape(word) + tail

    return "|".join(bounded(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))
