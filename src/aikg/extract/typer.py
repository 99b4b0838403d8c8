"""Entity typing by context: a learned typer for names that only their shape typed.

A name the lexicon does not know and no cue word typed ("Fluxora" in "用 Fluxora 微调",
"SV3D", "NanoFlow") gets a type from the words around it and its own shape, by a linear
model over ENTITY_TYPES fitted by ``aikg train`` on ``annotations/`` and shipped as JSON
beside this module. Only mentions found by the shape rules are retyped, and only when the
model is confident.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from pathlib import Path

from aikg.extract.entities import Candidate
from aikg.extract.linear import LinearModel
from aikg.extract.relmodel import cue_features, edge_token, language, tokens
from aikg.extract.rules import RuleSet
from aikg.records import ENTITY_TYPES

MODEL_FILE = Path(__file__).with_name("model") / "types.json"
RETYPED_RULES = frozenset({"latin-bare", "latin-shape", "cjk-product", "list-bold"})
SHAPES = (
    ("camel", re.compile(r"[A-Za-z]*[a-z][A-Z]")),
    ("digit", re.compile(r"\d")),
    ("acronym", re.compile(r"^[A-Z0-9]{2,}$")),
    ("hyphen", re.compile(r"-")),
    ("dot-ext", re.compile(r"\.[a-z]{1,3}$")),
    ("size", re.compile(r"(?i)\d+(?:\.\d+)?[bmk]\b")),
    ("version", re.compile(r"(?i)(?:^|[-_ ])v?\d+(?:\.\d+)+")),
    ("cjk", re.compile(r"[\u4e00-\u9fff]")),
    ("space", re.compile(r" ")),
    ("lower", re.compile(r"^[a-z]")),
)


class TypeModel(LinearModel):
    """A linear model over ENTITY_TYPES."""

    expected_labels = ENTITY_TYPES


def mention_features(text: str, mention: Candidate, rules: RuleSet) -> list[str]:
    """Shape of the name and the words around it (never the name itself: that is the lexicon's job)."""
    name = mention.text
    features = [f"shape:{label}" for label, pattern in SHAPES if pattern.search(name)]
    parts = re.split(r"[-_ ]", name)
    features.append(f"last:{parts[-1].lower()}" if len(parts) > 1 else "last:_")
    features.append(f"len:{min(len(name), 12) // 3}")
    before, after = text[max(0, mention.start - 12):mention.start], text[mention.end:mention.end + 12]
    features += [f"l:{edge_token(before, True)}", f"r:{edge_token(after, False)}", f"lang:{language(text)}"]
    features += [f"la:{t}" for t in set(tokens(before))] + [f"ra:{t}" for t in set(tokens(after))]
    features += cue_features(rules, l=before, r=after)
    for etype, cues in rules.latin_cues.items():
        if any(after.lstrip().startswith(c) for c in cues):
            features.append(f"cue-after:{etype}")
    return sorted(set(features))


@lru_cache(maxsize=4)
def load_typer(path: Path = MODEL_FILE) -> TypeModel | None:
    """The shipped typer, or None when none has been trained yet."""
    return TypeModel.load(path)


def retype(text: str, mentions: list[Candidate], rules: RuleSet, model: TypeModel | None) -> list[Candidate]:
    """The mentions, with those only a shape rule typed retyped where the typer is confident."""
    if model is None:
        return mentions
    out = []
    all_types = tuple(range(len(ENTITY_TYPES)))
    for mention in mentions:
        if mention.rule in RETYPED_RULES:
            probability, index = model.probabilities(mention_features(text, mention, rules), all_types)[0]
            if probability >= model.threshold and ENTITY_TYPES[index] != mention.type:
                mention = dataclasses.replace(mention, type=ENTITY_TYPES[index])
        out.append(mention)
    return out
