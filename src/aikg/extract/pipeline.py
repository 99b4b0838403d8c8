"""The spaCy pipeline: blank Chinese with the jieba segmenter (blank English for English
sentences) plus aikg's own components.

Components (registered factories, configured by file paths):
- ``aikg_entities``: lexicon matches, then rules for names the lexicon lacks;
  the chosen mentions go to ``doc.spans["aikg"]`` (span label = entity type,
  ``kb_id_`` = lexicon id when known) and, exactly, to ``doc.user_data["aikg"]``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from aikg import paths
from aikg.extract.entities import (
    Candidate,
    abbreviation_candidates,
    acronym_definitions,
    context_readings,
    copula_candidates,
    role_org_candidates,
    choose,
    coordinated,
    jieba_org_candidates,
    latin_candidates,
    license_names,
    lexicon_candidates,
    org_suffix_candidates,
    person_candidates,
    technology_candidates,
    technology_in_context,
    technology_compounds,
    versioned,
    list_head_candidates,
)
from aikg.extract.lexicon import SurfaceMatcher, lexicon_matcher
from aikg.extract.rules import load_rules

# names inside URLs and e-mail addresses are not mentions (ANNOTATION.md)
URL = re.compile(r"(?:https?://|www\.)[^\s，。；、）)」]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|cn)(?:/[^\s，。；、）)」]*)?")
MENTIONS_KEY = "aikg"
SHAPE_ONLY_RULES = {"person-pinyin", "person-given-name", "latin-bare", "org-latin"}
GAZETTEER_KEY = "aikg_gazetteer"  # doc.user_data: a document-level SurfaceMatcher of names found by rules


def _register() -> None:
    from spacy.language import Language

    if Language.has_factory("aikg_entities"):
        return

    @Language.factory("aikg_entities", default_config={"lexicon": str(paths.LEXICON), "rules": str(paths.RULES)})
    def make_entities(nlp, name: str, lexicon: str, rules: str):
        return EntityFinder(Path(lexicon), Path(rules))


class EntityFinder:
    """Finds entity mentions: lexicon first, then rules over what is left."""

    def __init__(self, lexicon: Path, rules: Path):
        self.lexicon_path, self.rules_path = lexicon, rules
        self.matcher, self.entries = lexicon_matcher(lexicon)
        self.rules = load_rules(rules)

    def __call__(self, doc):
        text = doc.text
        tokens = [(t.idx, t.idx + len(t.text), t.text) for t in doc if not t.is_space]
        candidates = lexicon_candidates(text, self.matcher, self.entries)
        gazetteer: SurfaceMatcher | None = doc.user_data.get(GAZETTEER_KEY)
        if gazetteer is not None:
            candidates += lexicon_candidates(text, gazetteer, self.entries)
        taken = context_readings(text, choose(candidates), self.entries, self.rules)
        candidates = taken + org_suffix_candidates(text, tokens, taken, self.rules)
        candidates += person_candidates(text, tokens, taken, self.rules)
        candidates += jieba_org_candidates(text, tokens, taken, self.rules)
        candidates += role_org_candidates(text, tokens, taken, self.rules) + copula_candidates(text, taken, self.rules)
        candidates += technology_candidates(text, tokens, taken, self.rules) + technology_in_context(text, taken, self.rules, self.entries)
        taken = versioned(text, choose(candidates), self.rules)
        acronyms, expansions = acronym_definitions(text, taken, self.rules)
        shaped = [c for c in latin_candidates(text, taken, self.rules, self.matcher, self.entries)
                  if not any(s <= c.start and c.end <= e for s, e in expansions)]
        candidates = taken + acronyms + shaped
        taken = choose(candidates)
        taken = choose(taken + technology_compounds(text, taken, self.rules) + list_head_candidates(text, taken, self.rules))
        candidates = taken + abbreviation_candidates(text, tokens, taken, self.rules)
        links = [m.span() for m in URL.finditer(text)] + [m.span() for m in self.rules.file_name.finditer(text)]
        chosen = [c for c in choose(candidates) if not any(s < c.end and c.start < e for s, e in links)]
        if self.rules.citation_line.match(text):  # a bibliography entry: only names known by other means
            chosen = [c for c in chosen if c.rule not in SHAPE_ONLY_RULES]
        chosen = license_names(text, coordinated(text, chosen, self.rules), self.rules)
        doc.user_data[MENTIONS_KEY] = chosen
        spans = []
        for cand in chosen:
            span = doc.char_span(cand.start, cand.end, label=cand.type, kb_id=cand.key or "", alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[MENTIONS_KEY] = spans
        return doc


def build_nlp(lexicon: Path | None = None, rules: Path | None = None):
    """spaCy blank('zh') with jieba, taught every lexicon term, plus aikg's components."""
    return _build_nlp(lexicon or paths.LEXICON, rules or paths.RULES)


@lru_cache(maxsize=2)
def _build_nlp(lexicon: Path, rules: Path):
    import logging

    import jieba
    import spacy

    jieba.setLogLevel(logging.WARNING)
    _register()
    _, entries = lexicon_matcher(lexicon)
    # jieba must know lexicon terms before anything is segmented, or a term and the
    # text it should match are split differently
    for entry in entries.values():
        for alias in entry.aliases:
            if " " not in alias:
                jieba.add_word(alias, freq=2000)
    for suffix in load_rules(rules).org_suffixes:
        jieba.add_word(suffix, freq=2000)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("aikg_entities", config={"lexicon": str(lexicon), "rules": str(rules)})
    return nlp


@lru_cache(maxsize=2)
def _english_nlp(lexicon: Path, rules: Path):
    """spaCy blank('en') (its rule-based English tokenizer) with the same aikg components."""
    import spacy

    _register()
    nlp = spacy.blank("en")
    nlp.add_pipe("aikg_entities", config={"lexicon": str(lexicon), "rules": str(rules)})
    return nlp


def find_mentions(nlp, text: str, gazetteer: SurfaceMatcher | None = None) -> list[Candidate]:
    """Run the pipeline on one sentence and return its chosen candidates; a sentence in English
    is tokenized as English (``spacy.blank("en")``), anything else with jieba."""
    from aikg.extract.relmodel import language

    if language(text) == "en":
        component = nlp.get_pipe("aikg_entities")
        nlp = _english_nlp(component.lexicon_path, component.rules_path)
    doc = nlp.make_doc(text)
    if gazetteer is not None:
        doc.user_data[GAZETTEER_KEY] = gazetteer
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc.user_data[MENTIONS_KEY]
