"""The extractor's word lists (ontology/rules.toml), loaded once and compiled."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from aikg.errors import AikgError
from aikg.extract.lexicon import normalize
from aikg.patterns import alternation


def _coordination(words: list[str], brackets: str) -> re.Pattern:
    """What may stand between two names of one list: a coordinator, brackets closing an aside."""
    around = rf"[{re.escape(brackets)}\s]*"
    return re.compile(rf"{around}(?:(?:{alternation(words, whole_words=True)}){around})?")


@dataclass(frozen=True, eq=False)
class RuleSet:
    """Cue words and lists, as sets and compiled patterns."""

    stop_forms: frozenset[str]
    org_generic: frozenset[str]
    org_suffixes: tuple[str, ...]
    org_weak_suffixes: frozenset[str]
    org_legal_forms: tuple[str, ...]  # longest first
    org_trade_words: tuple[str, ...]  # longest first
    org_latin_suffixes: tuple[str, ...]
    org_boundaries: frozenset[str]
    person_titles_after: tuple[str, ...]
    person_roles_before: tuple[str, ...]
    copula_kinds: tuple[tuple[str, str], ...]  # (kind noun, type), longest first
    copula_kinds_en: tuple[tuple[str, str], ...]  # (English kind noun, type)
    copula_not_last: str  # "人类语言就是…": a name never ends in these before 是
    interviewers: tuple[str, ...]  # "问：", "记者：": a line of the interviewer, not an answer
    person_verbs_after: tuple[str, ...]
    person_verbs_en: tuple[str, ...]
    surnames: frozenset[str]
    person_not_last: frozenset[str]
    given_names: frozenset[str]
    pinyin_word: re.Pattern  # one or two pinyin syllables, a whole word
    english_function_words: frozenset[str]
    job_words_en: frozenset[str]
    ai_compounds: tuple[str, ...]
    acronym_heads: dict[str, str]  # lower-cased head word of an expansion → the acronym's type
    generic_heads_en: frozenset[str]
    structure: dict[str, tuple[str, ...]]  # table header words: maker_headers, product_headers
    citation_line: re.Pattern
    file_name: re.Pattern
    dated_line: re.Pattern
    planned_item: re.Pattern  # an unchecked to-do item: a plan, no fact
    org_final_chars: tuple[str, ...]
    technology_suffixes: tuple[str, ...]
    technology_latin_suffixes: tuple[str, ...]
    technology_generic_heads: frozenset[str]
    non_modifier_final_chars: str
    technology_heads: tuple[str, ...]
    latin_cues: dict[str, tuple[str, ...]]  # type → cue words after a Latin name
    maker_cues_after: tuple[str, ...]  # "开源的": the Latin name before it made something
    maker_adverbs: tuple[str, ...]  # "从零": may stand between that name and its cue
    time_phrase: re.Pattern  # "于 2023 年 3 月": between a maker and its verb
    technology_in_context: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...]  # (word, entry, not after, not before)
    employer_roles_after: re.Pattern  # "研究员", "CEO": the known product before it is read as its maker
    model_shape: re.Pattern
    coordination: re.Pattern  # what may stand between two names of one list
    version_shape: re.Pattern
    min_bare_length: int
    relations: dict[str, tuple[str, ...]]
    clause_separators: str
    signatures: dict[str, tuple[frozenset[str], frozenset[str]]]

    def cue_pattern(self, key: str) -> re.Pattern:
        """The relation cue list ``key`` as one regex, longest cue first."""
        return _compiled(self, key)

    def words_pattern(self, field_name: str, whole_words: bool = False) -> re.Pattern:
        """One of the word-list fields (``org_suffixes``, ``person_roles_before``, …) as one regex;
        with ``whole_words``, a Latin word matches only whole ("said" not in "saidst")."""
        return _compiled_field(self, field_name, whole_words)


@lru_cache(maxsize=64)
def _compiled(rules: RuleSet, key: str) -> re.Pattern:
    return re.compile(alternation(list(rules.relations[key]), whole_words=True))


@lru_cache(maxsize=64)
def _compiled_field(rules: RuleSet, field_name: str, whole_words: bool = False) -> re.Pattern:
    return re.compile(alternation(list(getattr(rules, field_name)), whole_words))


def _pinyin_word(initials: list[str], finals: list[str]) -> re.Pattern:
    syllable = f"(?:{alternation(initials)})?(?:{alternation(finals)})"
    return re.compile(f"(?:{syllable}){{1,2}}", re.I)


@lru_cache(maxsize=4)
def load_rules(path: Path) -> RuleSet:
    """Parse rules.toml; a missing or malformed file is a user-facing error."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AikgError(f"rules file not found: {path}") from None
    except tomllib.TOMLDecodeError as err:
        raise AikgError(f"{path}: {err}") from None
    person = data["person"]
    latin = data["latin"]
    org = data["organization"]
    return RuleSet(
        stop_forms=frozenset(normalize(w) for w in data["stoplist"]["generic"]),
        org_generic=frozenset(data["stoplist"]["org_generic_modifiers"]),
        org_suffixes=tuple(sorted(org["suffixes"], key=len, reverse=True)),
        org_weak_suffixes=frozenset(org["weak_suffixes"]),
        org_legal_forms=tuple(sorted(org["legal_forms"], key=len, reverse=True)),
        org_trade_words=tuple(sorted(org["trade_words"], key=len, reverse=True)),
        org_latin_suffixes=tuple(sorted(org["latin_suffixes"], key=len, reverse=True)),
        org_boundaries=frozenset(org["boundary_words"]),
        person_titles_after=tuple(sorted(person["titles_after"], key=len, reverse=True)),
        person_roles_before=tuple(sorted(person["roles_before"], key=len, reverse=True)),
        copula_kinds=tuple(sorted(((w, t) for t, key in (("Organization", "kinds_organization"), ("Model", "kinds_model"), ("Tool", "kinds_tool"))
                                   for w in data["copula"][key]), key=lambda wt: -len(wt[0]))),
        copula_kinds_en=tuple((w, t) for t, key in (("Organization", "kinds_en_organization"), ("Model", "kinds_en_model"), ("Tool", "kinds_en_tool"))
                              for w in data["copula"][key]),
        copula_not_last=data["copula"]["not_last_chars"],
        interviewers=tuple(data["structure"]["interviewers"]),
        person_verbs_after=tuple(person["verbs_after"]),
        person_verbs_en=tuple(person["verbs_en"]),
        surnames=frozenset(person["surnames"].split()),
        person_not_last=frozenset(person["not_last"]),
        given_names=frozenset(person["given_names"].split()),
        pinyin_word=_pinyin_word(person["pinyin_initials"], person["pinyin_finals"]),
        english_function_words=frozenset(w.lower() for w in latin["english_function_words"]),
        job_words_en=frozenset(latin["job_words_en"]),
        ai_compounds=tuple(latin["ai_compounds"]),
        acronym_heads={w.lower(): t for t, key in (("Technology", "acronym_heads_technology"), ("Model", "acronym_heads_model")) for w in latin[key]},
        generic_heads_en=frozenset(w.lower() for w in latin["generic_heads_en"]),
        structure={k: tuple(v) for k, v in data["structure"].items() if isinstance(v, list)},
        citation_line=re.compile(data["structure"]["citation_line"]),
        file_name=re.compile(data["structure"]["file_name"]),
        dated_line=re.compile(data["relations"]["dated_line"]),
        planned_item=re.compile(data["structure"]["planned_item"]),
        org_final_chars=tuple(data["jieba"]["org_final_chars"].split()),
        technology_suffixes=tuple(sorted(data["technology"]["suffixes"], key=len, reverse=True)),
        technology_latin_suffixes=tuple(sorted(data["technology"]["latin_suffixes"], key=len, reverse=True)),
        technology_generic_heads=frozenset(data["technology"]["generic_heads"]),
        non_modifier_final_chars=data["technology"]["non_modifier_final_chars"],
        technology_heads=tuple(data["technology"]["abbreviated_heads"]),
        latin_cues={
            "Model": tuple(latin["model_cues"]),
            "Tool": tuple(latin["tool_cues"]),
            "Technology": tuple(latin["technology_cues"]),
            "Organization": tuple(latin["organization_cues"]),
        },
        maker_cues_after=tuple(latin["maker_cues_after"]),
        maker_adverbs=tuple(latin["maker_adverbs"]),
        time_phrase=re.compile(latin["time_phrase"]),
        technology_in_context=tuple(
            (t["word"], t["entry"], tuple(t["not_after"]), tuple(t["not_before"])) for t in data.get("technology_in_context", [])
        ),
        employer_roles_after=re.compile(rf"[ \u00a0]*(?:{alternation(latin['employer_roles_after'], whole_words=True)})"),
        model_shape=re.compile(latin["model_shape"]),
        coordination=_coordination(latin["coordinators"], latin["list_brackets"]),
        version_shape=re.compile(latin["version_shape"]),
        min_bare_length=int(latin["min_bare_length"]),
        relations={k: tuple(v) for k, v in data["relations"].items() if isinstance(v, list)},
        clause_separators=data["relations"]["clause_separators"],
        signatures={
            predicate: (frozenset(ends[0]), frozenset(ends[1])) for predicate, ends in data["signatures"].items()
        },
    )
