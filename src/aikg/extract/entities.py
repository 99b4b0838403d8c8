"""Entity candidates in one sentence: the lexicon, and rules for names it does not know.

Each finder returns ``Candidate`` records with offsets relative to the sentence.
Rule families (the ``rule`` field): ``lexicon``, ``org-suffix``, ``org-latin``,
``latin-cue``, ``latin-shape``, ``latin-prefix``, ``latin-bare``, ``person-role``,
``person-title``, ``person-verb``, ``person-latin``, ``person-given-name``, ``person-token``,
``person-role-en`` ("Marie Laurent, chief executive of …"), ``person-bracket-org`` ("张伟（清华大学）"),
``org-jieba``, ``technology-suffix``, ``technology-compound`` ("FP8量化", "Append Attention"),
``person-list`` (every name of "by A, B and C", "王昊淳、杜晏睿、刘驰"), ``list-bold`` (the name a list item opens with),
``abbreviation-head``, ``byline``, ``echo`` (a name found elsewhere in the same document by one
of the others). A known tool or technique followed by a release number takes it into its
mention ("CC BY-NC 4.0"); a bare release number is no name.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache

from aikg.extract.lexicon import LexiconEntry, SurfaceMatcher, normalize
from aikg.extract.rules import RuleSet
from aikg.extract.wordtags import tag_table
from aikg.patterns import alternation

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{CJK}]")
LATIN_NAME = re.compile(
    r"(?<![A-Za-z0-9_.\-])"
    r"[A-Za-z][A-Za-z0-9]*(?:[-_.+][A-Za-z0-9]+)*(?:\.(?=[A-Z]))?"
    r"(?:[ \u00a0](?:[A-Z][A-Za-z0-9]*|\d+(?:\.\d+)*[A-Za-z]{0,2})(?:[-_.+][A-Za-z0-9]+)*){0,3}"
    r"(?![A-Za-z0-9_])"
)
LATIN_PERSON = re.compile(
    r"(?<![A-Za-z])[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?(?:[ \u00a0][A-Z]\.)?(?:[ \u00a0][A-Z][a-z]+(?:-[A-Z][a-z]+)?){1,2}(?![A-Za-z])"
)
# rule priorities: higher wins an overlap of equal standing
PRIORITY = {
    "lexicon": 5, "byline": 5, "echo": 4,
    "person-role": 3, "person-title": 3, "person-bracket-org": 3, "person-role-en": 3, "person-verb": 2, "person-latin": 3,
    "person-token": 2, "person-given-name": 3, "person-pinyin": 2, "person-list": 3, "cjk-product": 2, "technology-context": 3,
    "org-suffix": 3, "org-latin": 3, "org-jieba": 2, "latin-prefix": 3, "latin-cue": 3, "latin-shape": 3,
    "technology-suffix": 2, "abbreviation-head": 3, "latin-bare": 1, "technology-compound": 3, "list-bold": 3,
    "technology-variant": 3, "coordinated": 3, "lexicon-reading": 5, "acronym-definition": 3, "model-version": 3, "copula-kind": 3, "org-role": 2, "org-unit": 3,
}


@dataclass(frozen=True)
class Candidate:
    """A possible entity mention in a sentence (offsets relative to the sentence)."""

    start: int
    end: int
    text: str
    type: str
    rule: str
    key: str | None = None  # lexicon id when known

    @property
    def priority(self) -> int:
        return PRIORITY.get(self.rule, 0)


# "**BART** (来自 Facebook …": a product's maker in brackets after it
FROM_MAKER = re.compile(r"[*_`]*\s*[（(]\s*(?:来自|from)\s*$", re.I)
ENDS_BRACKETED_NAME = re.compile(r"\s*(?:[)）/,，、]|and\b|和)")  # the whole maker, not "Facebook" of "Facebook AI"

Token = tuple[int, int, str]  # (start, end, text) relative to the sentence


def lexicon_candidates(text: str, matcher: SurfaceMatcher, entries: dict[str, LexiconEntry], rule: str = "lexicon") -> list[Candidate]:
    found = []
    for start, end, _form, value in matcher.find(text):
        entry = entries.get(value) if isinstance(value, str) else None
        if entry is not None:
            found.append(Candidate(start, end, text[start:end], entry.type, rule, entry.id))
        elif isinstance(value, tuple):  # (type, rule, lexicon id or None) from a document gazetteer
            found.append(Candidate(start, end, text[start:end], value[0], value[1], value[2]))
    return found


def context_readings(text: str, candidates: list[Candidate], entries: dict[str, LexiconEntry], rules: RuleSet) -> list[Candidate]:
    """"向量数据库厂商 Weaviate", "Cursor 公司", "Weaviate 开源的 Verba", "DeepSeek 研究员": a known product that is also
    read as its maker (an Organization among its alt types) is read as the maker in this mention
    when a cue word next to it says so (rule lexicon-reading). The entity keeps its lexicon type;
    the reading lets the facts of this sentence use it as an organization."""
    read = []
    for cand in candidates:
        entry = entries.get(cand.key) if cand.key and cand.rule == "lexicon" else None
        if entry is not None and "Organization" in entry.alt_types:
            cue = _cue_type(text, cand.start, cand.end, rules)
            if cue == "Organization" or (cue is None and _maker_cue_after(text, cand.end, rules)) \
                    or rules.employer_roles_after.match(text, cand.end) or (FROM_MAKER.search(text, max(0, cand.start - 16), cand.start) and ENDS_BRACKETED_NAME.match(text, cand.end)):
                cand = dataclasses.replace(cand, type="Organization", rule="lexicon-reading")
        read.append(cand)
    return read


def _overlaps(start: int, end: int, taken: list[Candidate]) -> bool:
    """True when a mention already found covers part of text[start:end]."""
    return any(c.start < end and start < c.end for c in taken)


def _mask(text: str, taken: list[Candidate]) -> str:
    """The text with taken spans blanked out, so rules never match across known names."""
    chars = list(text)
    for cand in taken:
        for i in range(cand.start, cand.end):
            chars[i] = "\x00"
    return "".join(chars)


def _boundaries(tokens: list[Token]) -> set[int]:
    edges = {0}
    for start, end, _ in tokens:
        edges.add(start)
        edges.add(end)
    return edges


def word_tag(word: str) -> str | None:
    """jieba's dictionary part-of-speech tag of a word, or None if jieba does not know it."""
    return tag_table().get(word)


# jieba tags of words that never belong to a name: verbs, adverbs, pronouns, numerals, ...
NON_NAME_TAGS = frozenset(
    "v vd vg vi d dg c p r rr rz m mq q u uj ul uz ug uv ud f a ad ag an t tg b y e o z zg s".split()
)
NAME_TAGS = ("nr", "ns", "nt", "nz", "j", "eng", "nrt", "nrfg")
RARE_WORD = 500
FUNCTION_CHARS = tuple("是的在与和及由为被将把从对向于据")


def _name_like(word: str) -> bool:
    """A word that can carry a name: Latin, unknown to jieba's dictionary, or tagged as a proper noun."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.&\-]*", word):
        return True
    tag = word_tag(word)
    # rare dictionary words (星河, 蚂蚁, 面壁) are brand material; frequent ones (金融, 程序) are not
    return tag is None or tag.startswith(NAME_TAGS) or word_frequency(word) < RARE_WORD


def word_frequency(word: str) -> int:
    """How often jieba's dictionary has seen the word (0 if unknown)."""
    import jieba

    return jieba.dt.FREQ.get(word) or 0


def org_suffix_candidates(text: str, tokens: list[Token], taken: list[Candidate], rules: RuleSet) -> list[Candidate]:
    """'<name>公司/大学/实验室/团队…': extend left over name-like words from the suffix."""
    masked = _mask(text, taken)
    suffix_re = rules.words_pattern("org_suffixes")
    known_before = {c.end: c for c in taken}
    found = []
    for match in suffix_re.finditer(masked):
        suffix, start = match.group(0), match.start()
        pieces: list[tuple[int, int, str]] = []
        cursor = start
        # a token that ends with the suffix ("上海交通大学") carries the name's last piece
        straddle = next((t for t in tokens if t[0] < start < t[1] <= match.end()), None)
        if straddle is not None and "\x00" not in masked[straddle[0]:start]:
            pieces.append((straddle[0], start, text[straddle[0]:start]))
            cursor = straddle[0]
        for tok_start, tok_end, tok_text in reversed([t for t in tokens if t[1] <= cursor]):
            if masked[tok_end:cursor].strip(" \u00a0") or "\x00" in masked[tok_start:tok_end]:
                break
            word = tok_text.strip()
            if not word or word in rules.org_boundaries or word.endswith(FUNCTION_CHARS) or (
                word in rules.org_suffixes and word not in rules.org_weak_suffixes
            ):
                break
            if re.search(r"[\d亿万千百]", word):
                break  # "10 亿美金公司", "2001 年德州大学": a number is no part of a name
            if pieces and len(word) > 2 and word.endswith(rules.org_suffixes):
                break  # "上海交通大学 IPADS 实验室": the parent is its own name
            if not (_CJK_CHAR.search(word) or re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.&\-]*", word)):
                break
            tag = word_tag(word)
            if tag in NON_NAME_TAGS and not _name_like(word):
                break
            pieces.insert(0, (tok_start, tok_end, word))
            cursor = tok_start
            if len(pieces) >= 4 or start - cursor >= 14:
                break
        # "通义千问团队", "Qwen 团队": a known model or tool plus a team word is the team behind it
        known = known_before.get(len(text[:start].rstrip(" \u00a0"))) if not pieces else None
        if known is not None and known.type in ("Model", "Tool") and suffix in ("团队", "实验室"):
            found.append(Candidate(known.start, match.end(), text[known.start:match.end()], "Organization", "org-suffix"))
            continue
        while pieces and pieces[0][2] in rules.org_generic:  # "知名科技公司": a generic head is no name
            pieces.pop(0)
        if not pieces:
            continue
        words = [p[2] for p in pieces]
        name_text = text[pieces[0][0]:start].strip()
        # a generic head ("研发团队", "金融科技") is no name, except as a unit of the organization
        # right before it ("蚂蚁集团程序分析团队"); weak suffixes need a name right before them
        parent = known_before.get(len(text[:pieces[0][0]].rstrip(" \u00a0")))
        unit_of_parent = parent is not None and parent.type == "Organization"
        if not unit_of_parent and not any(_name_like(w) for w in words):
            continue
        if straddle is not None and _name_like(text[straddle[0]:straddle[1]]):
            words.append(text[straddle[0]:straddle[1]])
        if not unit_of_parent and suffix in rules.org_weak_suffixes and not _name_like(words[-1]):
            continue
        if any(w in rules.person_titles_after for w in words) or normalize(name_text) in rules.stop_forms:
            continue
        if unit_of_parent and parent.end == pieces[0][0]:
            # "华盛顿大学蛋白质设计研究所", "蚂蚁集团程序分析团队": written as one name, one organization
            found.append(Candidate(parent.start, match.end(), text[parent.start:match.end()], "Organization", "org-unit"))
            continue
        found.append(Candidate(pieces[0][0], match.end(), text[pieces[0][0]:match.end()], "Organization", "org-suffix"))
    return found


def latin_candidates(
    text: str,
    taken: list[Candidate],
    rules: RuleSet,
    prefix_matcher: SurfaceMatcher,
    entries: dict[str, LexiconEntry],
) -> list[Candidate]:
    """Latin-script names typed by the cue word around them, their shape, or a known prefix.

    Known models and tools stay visible to the pattern, so that "Gemini Nano" or
    "Veo 3" is found as one new thing extending a known one.
    """
    extendable = {c.start: c for c in taken if c.type in ("Model", "Tool") and c.key}
    masked = _mask(text, [c for c in taken if c.start not in extendable])
    found = []
    english = not _CJK_CHAR.search(text)
    for match in LATIN_NAME.finditer(masked):
        name = match.group(0).rstrip(".")
        start, end = match.start(), match.start() + len(name)
        if name.endswith(" AI") and masked[end:end + 6].lstrip(" \u00a0").startswith(rules.ai_compounds):
            name, end = name[:-3], end - 3  # "Unit Mesh AI 辅助研发": the AI opens "AI 辅助"
        if english:  # "introduce Vicuna-13B", "The Team": a leading English word is not part of a name
            while " " in name and _english_word(name.split(" ", 1)[0], rules):
                head = name.split(" ", 1)[0]
                name, start = name[len(head) + 1:], start + len(head) + 1
            if re.fullmatch(r"[\d.]+[KkMmBb]?", name):
                continue  # "70K": a number, not a name
        known = extendable.get(start)
        if known is not None:
            rest = name[len(known.text):].strip()
            if (known.type == "Tool" and rules.version_shape.fullmatch(rest)) or rest.lower() in rules.generic_heads_en:
                continue  # "PaddleNLP v3.0 Beta3" is PaddleNLP, "the LLaMA Model" is LLaMA
            if end > known.end and (known.key and prefix_matcher):
                # "vLLM Team", "Unsloth AI": a known product's name with an organization suffix is its maker
                org = any(name.endswith(" " + suffix) for suffix in rules.org_latin_suffixes)
                found.append(Candidate(start, end, name, "Organization" if org else known.type, "org-latin" if org else "latin-prefix"))
            continue
        if any(c.start < end and start < c.end for c in extendable.values()):
            continue  # runs into a known name from the left: leave both alone
        if normalize(name) in rules.stop_forms or not re.search(r"[A-Za-z]", name) or rules.version_shape.fullmatch(name):
            continue
        if " " in name and name.rsplit(" ", 1)[1] in rules.job_words_en:
            continue  # "Regional Director": a job title
        etype, rule = _cue_type(masked, start, end, rules), "latin-cue"
        title_case = all(w[:1].isupper() or w[:1].isdigit() for w in name.split())
        if etype is None and title_case and not re.search(r"-based\b", name) and any(name.endswith(" " + s) or name == s for s in rules.org_latin_suffixes):
            etype, rule = "Organization", "org-latin"
        if re.fullmatch(r"[A-Z]{1,2}", name) or not (title_case or re.search(r"[A-Z0-9]", name) or ENGLISH_SHAPES.fullmatch(name)):
            continue  # "QA", "TF"; "scaling 模型": too short or plain English
        prefix = _known_prefix(name, prefix_matcher, entries)
        variant = _technique_variant(name, prefix_matcher, entries) if etype is None else None
        if variant is not None:
            etype, rule = "Technology", "technology-variant"  # "ZeRO-3", "FlashAttention2": a numbered technique
        elif prefix is not None and prefix.type in ("Model", "Tool") and rule != "org-latin":
            # "Qwen2.5-Coder" extends a known model: same type, new thing
            etype, rule = prefix.type, "latin-prefix"
        elif etype is None and rules.model_shape.search(name):
            etype, rule = "Model", "latin-shape"
        if etype is None and _organization_by_context(name, masked, start, end, english, taken, rules, prefix_matcher):
            etype, rule = "Organization", "org-latin"
        if etype is None:
            if not _bare_name_ok(name, text, start, end, rules):
                continue
            etype, rule = "Tool", "latin-bare"
        found.append(Candidate(start, end, name, etype, rule))
    return found


def _organization_by_context(name: str, masked: str, start: int, end: int, english: bool, taken: list[Candidate],
                             rules: RuleSet, prefix_matcher: SurfaceMatcher) -> bool:
    """An unknown name its neighbours make an organization: "Quillmark releases Zorbo-2", "developed
    by Quillmark" (one word: who makes a thing), "Priya Raman at Quillmark", "Quillmark's CEO"
    (where people work), "Weaviate 开源的 Verba"."""
    one_word = " " not in name
    if not english:
        return one_word and _maker_cue_after(masked, end, rules) and not prefix_matcher.find(name)
    if not name[:1].isupper():
        return False
    if one_word and MAKER_VERB_EN.match(masked, end) and not name.isupper() and name.lower() not in rules.english_function_words:
        return True
    if one_word and MADE_BY_EN.search(masked, 0, start):
        return True
    return _after_person_at(masked, start, taken) or ROLE_OF_EN.match(masked, end) is not None


def _maker_cue_after(text: str, end: int, rules: RuleSet) -> bool:
    """A maker's cue right after a name: "Weaviate 开源的 Verba", "X 推出的", "Quillmark 于 2023 年推出的"."""
    return _maker_after(rules).match(text, end) is not None


@lru_cache(maxsize=4)
def _maker_after(rules: RuleSet) -> re.Pattern:
    adverbs = alternation(rules.maker_adverbs)
    cues = alternation(rules.maker_cues_after)
    return re.compile(rf"[ \u00a0]*(?:{rules.time_phrase.pattern})?\s*(?:{adverbs})*(?:{cues})")


def _after_person_at(masked: str, start: int, taken: list[Candidate]) -> bool:
    """True when a person's name and "at" stand right before ``start`` ("Jane Doe at Quillmark")."""
    at = re.search(r"\s+at\s+$", masked[:start])
    if at is None:
        return False
    before = len(masked[:at.start()].rstrip(" ,"))
    return any(c.end == before and c.type == "Person" for c in taken)


# "Quillmark's chief executive": an organization and a person's role in it
ROLE_OF_EN = re.compile(r"\s*(?:'s|’s)\s+(?:co-?founder|founder|chief|CEO|CTO|president|head of)\b")
MADE_BY_EN = re.compile(r"(?<![A-Za-z])(?:developed|created|built|trained|released|made|designed|published|maintained|open-sourced|introduced|proposed) by (?:the )?$")
MAKER_VERB_EN = re.compile(r" (?:releases|released|launches|launched|unveils|unveiled|open-sources|open-sourced|debuts|debuted) (?=[A-Z])")


def _english_word(word: str, rules: RuleSet) -> bool:
    """A lower-case word, or a function word or gerund, leading a run of Latin words in English prose."""
    return bool(re.fullmatch(r"[a-z]+", word)) or word.lower() in rules.english_function_words or bool(re.fullmatch(r"[A-Z][a-z]+ing", word))


def _cue_type(masked: str, start: int, end: int, rules: RuleSet) -> str | None:
    """The type a cue word right after (or right before) a name gives it: "Fluxora 框架", "模型 Zephyr"."""
    after = masked[end:end + 14].lstrip(" \u00a0")
    for cue_type in ("Organization", "Model", "Tool", "Technology"):
        if any(after.startswith(cue) and not _runs_on(cue, after[len(cue):len(cue) + 1]) for cue in rules.latin_cues[cue_type]):
            return cue_type
    before = masked[max(0, start - 10):start].rstrip(" \u00a0")
    for cue_type in ("Model", "Tool", "Organization"):
        if any(before.endswith(cue) and not _runs_on(cue, before[-len(cue) - 1:-len(cue)]) for cue in rules.latin_cues[cue_type] if len(cue) >= 2):
            return cue_type
    return None


def _runs_on(cue: str, neighbour: str) -> bool:
    """A Latin cue is a whole word: "App" is not the start of "Apple"."""
    return cue.isascii() and neighbour.isascii() and neighbour.isalnum()


def _known_prefix(name: str, matcher: SurfaceMatcher, entries: dict[str, LexiconEntry]) -> LexiconEntry | None:
    head = re.split(r"[-_ ]", name, maxsplit=1)[0]
    for start, end, _form, value in matcher.find(head):
        if start == 0 and end == len(head) and head != name and isinstance(value, str):
            return entries.get(value)
    return None


TECHNIQUE_NUMBER = re.compile(r"[-_ ]?v?\d+(?:\.\d+)*$")


def _technique_variant(name: str, matcher: SurfaceMatcher, entries: dict[str, LexiconEntry]) -> LexiconEntry | None:
    """The known technique a name numbers ("ZeRO" for "ZeRO-3", "FlashAttention" for "FlashAttention2")."""
    base = TECHNIQUE_NUMBER.sub("", name)
    return _known_technique(base, matcher, entries) if base != name else None


def _known_technique(name: str, matcher: SurfaceMatcher, entries: dict[str, LexiconEntry]) -> LexiconEntry | None:
    """The lexicon technique this whole name is an alias of."""
    if len(name) < 2:
        return None
    for start, end, _form, value in matcher.find(name):
        if start == 0 and end == len(name) and isinstance(value, str):
            entry = entries.get(value)
            return entry if entry is not None and entry.type == "Technology" else None
    return None


# In English prose a capitalized word or an acronym is no sign of a name: only these shapes are.
ENGLISH_SHAPES = re.compile(
    r"[A-Za-z]*[a-z][A-Z][A-Za-z0-9]*"  # LangChain, vLLM, NanoFlow
    r"|[A-Za-z]+[0-9][A-Za-z0-9]*"  # llama2, SV3D
    r"|[A-Za-z][A-Za-z0-9]*\.(?:cpp|c|js|py|rs|go|ai)"  # llama.cpp, bitnet.cpp
)
BARE_SHAPES = re.compile(
    r"[A-Za-z]*[a-z][A-Z][A-Za-z0-9]*"  # camelCase inside: LangChain, vLLM, KTransformers
    r"|[A-Z][A-Z0-9]{2,7}"  # acronyms: MLIR, ONNX, RK3588
    r"|[A-Za-z]+[0-9][A-Za-z0-9]*"  # letters with digits: Books3, A18
    r"|[A-Z][a-z]{3,}"  # a capitalized word: Runway, Dolma (common English words are in the stoplist)
)


def _bare_name_ok(name: str, text: str, start: int, end: int, rules: RuleSet) -> bool:
    """A Latin name with no cue counts only if it looks like a product name inside Chinese prose."""
    if len(name) < rules.min_bare_length:
        return False
    words = name.split()

    def shaped_word(index: int, word: str) -> bool:
        head, *rest = word.split("-")
        if rest:  # "Uni-Fold", "ESM-2", "DeePMD-kit": a shaped or capitalized head, alphanumeric parts
            return bool(re.fullmatch(r"[A-Z][A-Za-z0-9]+", head) or BARE_SHAPES.fullmatch(head)) and all(p.isalnum() for p in rest)
        return bool(BARE_SHAPES.fullmatch(word) or (index and re.fullmatch(r"[A-Z][A-Za-z0-9]*|\d+(\.\d+)*", word)))

    if not _CJK_CHAR.search(text):
        head, *rest = words[0].split("-")
        first_ok = bool(ENGLISH_SHAPES.fullmatch(words[0]) or (rest and (ENGLISH_SHAPES.fullmatch(head) or re.fullmatch(r"[A-Z][A-Za-z0-9]*", head)) and all(p.isalnum() for p in rest) and any(re.search(r"[A-Z0-9]", p) for p in rest)))
        return first_ok and all(re.fullmatch(r"[A-Z][A-Za-z0-9.-]*|\d+(\.\d+)*", w) for w in words[1:]) and normalize(head) not in rules.stop_forms
    shaped = all(shaped_word(i, w) for i, w in enumerate(words))
    if not shaped or any(normalize(w.split("-")[0]) in rules.stop_forms for w in words[:1]):
        return False  # "ISCA-2015": a conference and its year
    before = text[max(0, start - 3):start]
    after = text[end:end + 3]
    return bool(_CJK_CHAR.search(before) or _CJK_CHAR.search(after))


def person_candidates(text: str, tokens: list[Token], taken: list[Candidate], rules: RuleSet) -> list[Candidate]:
    """Chinese names next to a role or title word, and Latin names with a role or speech verb."""
    masked = _mask(text, taken)
    edges = _boundaries(tokens)
    found = []
    roles = rules.words_pattern("person_roles_before").pattern
    titles = rules.words_pattern("person_titles_after").pattern
    verbs = rules.words_pattern("person_verbs_after").pattern

    def chinese_name_at(start: int) -> tuple[int, int] | None:
        for length in (3, 2, 4):
            end = start + length
            chunk = masked[start:end]
            if len(chunk) < length or not re.fullmatch(f"[{CJK}]+", chunk):
                continue
            surname_ok = chunk[:1] in rules.surnames or chunk[:2] in rules.surnames
            if length == 3 and chunk[0] in COORDINATING_CHARS and chunk[1] in rules.surnames:
                continue  # "赵森栋副教授和秦兵教授": 和 joins two names (和 is also a rare surname)
            if chunk[-1] in rules.person_not_last:
                continue
            tag = word_tag(chunk)
            common_word = tag is not None and not tag.startswith("nr")
            if surname_ok and end in edges and not common_word and chunk not in rules.org_boundaries:
                return start, end
        return None

    for match in re.finditer(f"(?:{roles})[ \u00a0]?", masked):
        span = chinese_name_at(match.end())
        if span:
            found.append(Candidate(span[0], span[1], text[span[0]:span[1]], "Person", "person-role"))
        latin = LATIN_PERSON.match(masked, match.end())
        if latin:
            found.append(Candidate(latin.start(), latin.end(), latin.group(0), "Person", "person-latin"))
    for match in re.finditer(f"(?:{titles})", masked):
        for length in (3, 2):
            start = match.start() - length
            if start >= 0 and start in edges:
                span = chinese_name_at(start)
                if span and span[1] == match.start():
                    found.append(Candidate(span[0], span[1], text[span[0]:span[1]], "Person", "person-title"))
                    break
    for match in LATIN_PERSON.finditer(masked):
        after = masked[match.end():match.end() + 4].lstrip(" \u00a0")
        if normalize(match.group(0)) in rules.stop_forms:
            continue
        if verbs and re.match(verbs, after):
            found.append(Candidate(match.start(), match.end(), match.group(0), "Person", "person-verb"))
        elif not any(after.startswith(c) for cues in rules.latin_cues.values() for c in cues):
            words = match.group(0).split()
            hyphen_words = [part for w in words for part in w.split("-")]
            if words[0].split("-")[0] in rules.given_names and all(part[:1].isupper() for part in hyphen_words) \
                    and words[-1] not in rules.technology_latin_suffixes:  # not "Ray-based Reinforced Finetuning"
                found.append(Candidate(match.start(), match.end(), match.group(0), "Person", "person-given-name"))
            elif all(rules.pinyin_word.fullmatch(part) for w in words if not w.endswith(".") for part in w.split("-")):
                # a Chinese name in pinyin: "Zhuohan Li", "Wei-Lin Chiang", "Ying Sheng"
                found.append(Candidate(match.start(), match.end(), match.group(0), "Person", "person-pinyin"))
    # "said Marie Laurent", "founded by Jane Doe", "Jane Doe said": an English speech or credit word
    for match in rules.words_pattern("person_verbs_en", whole_words=True).finditer(masked):
        latin = LATIN_PERSON.match(masked, match.end() + 1) if masked[match.end():match.end() + 1] == " " else None
        if latin and normalize(latin.group(0)) not in rules.stop_forms:
            found.append(Candidate(latin.start(), latin.end(), latin.group(0), "Person", "person-verb"))
        before = LATIN_PERSON.search(masked, max(0, match.start() - 40), match.start())
        if before and before.end() == match.start() - 1 and match.group(0) in ("said", "says", "wrote", "writes", "told") \
                and normalize(before.group(0)) not in rules.stop_forms:
            found.append(Candidate(before.start(), before.end(), before.group(0), "Person", "person-verb"))
    # "Marie Laurent, chief executive of Quillmark": a name and its role in an organization
    role_after = _role_after_name(rules)
    for match in LATIN_PERSON.finditer(masked):
        if role_after.match(masked, match.end()) and normalize(match.group(0)) not in rules.stop_forms:
            found.append(Candidate(match.start(), match.end(), match.group(0), "Person", "person-role-en"))
    found += _name_lists(masked, found, rules)
    # a lone Western given name in Chinese prose: "应用: Charles / 视频PPT提取"
    for match in re.finditer(r"(?<![A-Za-z])[A-Z][a-z]{2,}(?![A-Za-z])", masked):
        name = match.group(0)
        around = masked[max(0, match.start() - 3):match.start()] + masked[match.end():match.end() + 3]
        neighbours = masked[max(0, match.start() - 2):match.start()] + masked[match.end():match.end() + 2]
        if name in rules.given_names and _CJK_CHAR.search(around) and not re.search(r"[A-Za-z]", neighbours):
            found.append(Candidate(match.start(), match.end(), name, "Person", "person-given-name"))
    # a three-character word jieba does not know, opening with a surname: "林晓岚", "陈天奇"
    for tok_start, tok_end, tok_text in tokens:
        if (
            tok_end - tok_start == 3
            and re.fullmatch(f"[{CJK}]{{3}}", masked[tok_start:tok_end])
            and tok_text[0] in rules.surnames
            and tok_text[-1] not in rules.person_not_last
            and word_tag(tok_text) is None
        ):
            found.append(Candidate(tok_start, tok_end, tok_text, "Person", "person-token"))
    # "团队成员：张伟（清华大学）、李娜（北京大学）": a name with its organization in brackets
    for org in taken:
        opening = re.search(r"[（(][ \u00a0]*$", masked[:org.start])
        if org.type != "Organization" or opening is None or not re.match(r"[ \u00a0]*[)）]", text[org.end:]):
            continue
        end = len(masked[:opening.start()].rstrip(" \u00a0"))
        for length in (3, 2):
            start = end - length
            if start >= 0 and start in edges and chinese_name_at(start) == (start, end) \
                    and (start == 0 or masked[start - 1] in "、，,：:；; \u00a0\n"):
                found.append(Candidate(start, end, text[start:end], "Person", "person-bracket-org"))
                break
    return found + _chinese_name_lists(masked, found, chinese_name_at, edges)


COORDINATING_CHARS = "和与及跟同"
FORMER = ("前", "原", "现")  # "前星衡智能研究员": a word before an employer's name
DEMONSTRATIVES = "这那该此其每各本某"  # "这家公司是…", "该团队创始人…": no name
MODIFIER_TAGS = frozenset({"a", "b"})  # adjectives and distinguishing words may be part of a name
COPULA_SUBJECT = re.compile(r"^[\s*_#>\-]*(?P<name>[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9.\-]{1,11}?)\s*是(?:一家|一个|一款|一种|一支|家|个|款)")


def copula_candidates(text: str, taken: list[Candidate], rules: RuleSet) -> list[Candidate]:
    """"星衡智能是一家……创业公司": the unknown name a sentence opens with takes the type of the kind
    noun that ends its first clause; "Quillserve is a fast library for …" the first kind noun of
    the noun phrase after "is a"."""
    english = COPULA_SUBJECT_EN.match(text)
    if english is not None:
        return _english_copula(english, taken, rules)
    match = COPULA_SUBJECT.match(text)
    if match is None or _overlaps(*match.span("name"), taken):
        return []
    name = match.group("name")
    tag = word_tag(name)
    if normalize(name) in rules.stop_forms or name[0] in DEMONSTRATIVES or (tag is not None and tag not in NAME_TAGS) \
            or name[-1] in rules.copula_not_last:
        return []
    kind = kind_ending(text[match.end():], rules)
    return [Candidate(match.start("name"), match.end("name"), name, kind, "copula-kind")] if kind else []


def kind_ending(said: str, rules: RuleSet) -> str | None:
    """The type of the kind noun that ends the first clause of ``said`` ("…的大模型创业公司" →
    Organization, "…的大语言模型" → Model), or None."""
    clause = re.split(r"[，,。；;：:！？!?\n]", said, maxsplit=1)[0].rstrip(" 。*_")
    return next((t for w, t in rules.copula_kinds if clause.endswith(w)), None)


COPULA_SUBJECT_EN = re.compile(
    r"^[\s*_#>\-]*(?P<name>[A-Z][\w.+-]{1,30}(?: [A-Z][\w.+-]{1,30}){0,2})\s+(?:is|was)\s+(?:an?|the)\s+(?P<phrase>[^.,;:!?()]{0,80})"
)
# where the noun phrase after "is a" ends: "a fast library for serving models" is a library
PHRASE_END_EN = re.compile(r"\s(?:for|that|which|who|with|to|by|on|in|from|at|built|designed|trained|developed|used)\s")


def _english_copula(match: re.Match, taken: list[Candidate], rules: RuleSet) -> list[Candidate]:
    start, end = match.span("name")
    if _overlaps(start, end, taken) or normalize(match.group("name")) in rules.stop_forms \
            or match.group("name").split()[0].lower() in rules.english_function_words:
        return []
    kind = english_kind(match.group("phrase"), rules)
    return [Candidate(start, end, match.group("name"), kind, "copula-kind")] if kind else []


def english_kind(phrase: str, rules: RuleSet) -> str | None:
    """The type the first kind noun of an English noun phrase gives ("a fast library for serving
    models" → Tool, "a family of open models" → Model), or None."""
    words = PHRASE_END_EN.split(" " + phrase + " ", maxsplit=1)[0].split()
    for index in range(len(words)):
        kind = next((t for w, t in rules.copula_kinds_en if " ".join(words[index:index + len(w.split())]) == w), None)
        if kind is not None:
            return kind
    return None


def role_org_candidates(text: str, tokens: list[Token], taken: list[Candidate], rules: RuleSet) -> list[Candidate]:
    """"星衡智能创始人兼 CEO 王海涛", "对话星衡智能 CEO 王海涛": the word right before a role title that
    names a person is where that person works."""
    masked = _mask(text, taken)
    found = []
    roles = rules.words_pattern("person_roles_before").pattern
    ending_at = {t[1]: t for t in tokens}
    for match in re.finditer(rf"(?:{roles})", masked):
        cursor, pieces = len(masked[:match.start()].rstrip(" \u00a0")), []
        while len(pieces) < 3:  # "星衡 智能": jieba cuts an unknown name into pieces
            left = ending_at.get(cursor)
            if left is None or not re.fullmatch(f"[{CJK}]+", left[2]) or "\x00" in masked[left[0]:left[1]] \
                    or left[2] in rules.org_boundaries or left[2].endswith(FUNCTION_CHARS) or left[2][0] in DEMONSTRATIVES \
                    or word_tag(left[2]) in NON_NAME_TAGS - MODIFIER_TAGS:
                break
            pieces.insert(0, left)
            cursor = left[0]
        if not pieces:
            continue
        start, end = pieces[0][0], pieces[-1][1]
        if pieces[0][2][0] in FORMER and (len(pieces[0][2]) == 1 or word_tag(pieces[0][2]) is None) and end - start > 2:
            start += 1  # "前星衡智能研究员" (jieba: 前星衡 / 智能): the person worked there before
        word = text[start:end]
        tag = word_tag(word)
        if len(word) < 2 or (len(word) == 2 and tag not in NAME_TAGS) or (tag is not None and tag not in NAME_TAGS) \
                or normalize(word) in rules.stop_forms:
            continue
        person = re.match(rf"\s*(?:兼\s*(?:{roles})\s*)?(?:(?P<cjk>[{CJK}]{{2,3}})|[A-Z][a-z]+ [A-Z])", masked[match.end():match.end() + 16])
        if person is None or (person.group("cjk") and person.group("cjk")[0] not in rules.surnames):
            continue  # a person's name follows the role
        found.append(Candidate(start, end, word, "Organization", "org-role"))
    return found


def jieba_org_candidates(text: str, tokens: list[Token], taken: list[Candidate], rules: RuleSet) -> list[Candidate]:
    """Words jieba's dictionary tags as organization names (nt) that end like one: "中科院", "华盛顿大学"."""
    masked = _mask(text, taken)
    found = []
    for tok_start, tok_end, tok_text in tokens:
        if (
            len(tok_text) >= 2
            and "\x00" not in masked[tok_start:tok_end]
            and word_tag(tok_text) == "nt"
            and tok_text.endswith(rules.org_final_chars)
        ):
            found.append(Candidate(tok_start, tok_end, tok_text, "Organization", "org-jieba"))
    return found


# one name of a list of authors: "Timothée Lacroix", "Adrian de Wynter", "Eric P. Xing", "Diego de las Casas", "Y-Lan Boureau"
LISTED_NAME = r"(?:[A-Z][^\W\d_]+|[A-Z]-[A-Z][^\W\d_]+)(?:-[A-Za-z][^\W\d_]+)?(?: (?:de|van|von|der|den|da|di|le|la|las|los|du|del|dos|bin|ter)){0,2}(?: [A-Z]\.)?(?: [A-Z][^\W\d_]+(?:-[A-Z][^\W\d_]+)?){1,2}"
NAME_LIST = re.compile(rf"(?<![\w-])(?:{LISTED_NAME})(?:(?:,? and |, |，|、| 和 )(?:{LISTED_NAME}))+(?![\w-])")
NAME_LIST_LEADS = re.compile(r"(?:(?<![A-Za-z])by|由|Authors?:?|作者[:：]?)\s*$")


def _name_lists(masked: str, found: list[Candidate], rules: RuleSet) -> list[Candidate]:
    """Every name of a list of names is a person when the list follows "by"/"由"/"Authors:" or one
    of its names already is one: "by Hugo Touvron, Thibaut Lavril, … and Guillaume Lample"."""
    people = {(c.start, c.end) for c in found if c.type == "Person"}
    listed = []
    for run in NAME_LIST.finditer(masked):
        names = list(re.finditer(LISTED_NAME, run.group(0)))
        spans = [(run.start() + m.start(), run.start() + m.end()) for m in names]
        led = NAME_LIST_LEADS.search(masked[max(0, run.start() - 12):run.start()])
        if not led and not any(s in people for s in spans):
            continue
        for (s, e), m in zip(spans, names):
            if (s, e) not in people and normalize(m.group(0)) not in rules.stop_forms:
                listed.append(Candidate(s, e, m.group(0), "Person", "person-list"))
    return listed


@lru_cache(maxsize=4)
def _role_after_name(rules: RuleSet) -> re.Pattern:
    roles = alternation(rules.relations["roles_en"], whole_words=True)
    return re.compile(rf",\s*(?:(?:a|an|the|its|former|then|now|currently|longtime|senior)\s+)*(?:[a-z][\w-]*\s+){{0,3}}?(?:{roles})s?\s+(?:of|at)\s")


def _chinese_name_lists(masked: str, found: list[Candidate], name_at, edges: set[int]) -> list[Candidate]:
    """"王昊淳、杜晏睿、刘驰完成": the names listed with a Chinese name already found (a surname, then
    one or two characters ending a word) are persons too."""
    spans = {(c.start, c.end) for c in found if c.type == "Person" and re.fullmatch(f"[{CJK}]+", c.text)}
    listed, todo = [], sorted(spans)
    while todo:
        start, end = todo.pop()
        following = re.match(r"[  ]?[、和与及][  ]?", masked[end:end + 3])
        ahead = name_at(end + following.end()) if following else None
        behind = None
        if masked[start - 1:start] == "、":
            behind = next(((start - 1 - n, start - 1) for n in (3, 2) if start - 1 - n in edges and name_at(start - 1 - n) == (start - 1 - n, start - 1)), None)
        for span in (ahead, behind):
            if span and span not in spans and not any(a < span[1] and span[0] < b for a, b in spans):
                spans.add(span)
                todo.append(span)
                listed.append(Candidate(span[0], span[1], masked[span[0]:span[1]], "Person", "person-list"))
    return listed


# a list item that opens with a bold name: "1. **ALBERT** (来自 …", "- **vLLM**: …"
BOLD_HEAD = re.compile(r"^\s*(?:[-*+•]|\d+[.)、])\s+(?:\[[xX]\]\s*)?\*\*(?P<name>[A-Za-z\u4e00-\u9fff][\w.+&' \u4e00-\u9fff-]{0,38}[\w+])\*\*")


# a list item (a checked box may open it) that is a name, or a name then its description in brackets or after a dash:
# "- Enchanted (macOS native)", "- Hollama", "- Open WebUI - …" (an awesome-list's entries; not
# "- Quantizations: GPTQ, AWQ", a label)
PLAIN_HEAD = re.compile(r"^\s*(?:[-*+•]|\d+[.)、])\s+(?:\[[xX]\]\s*)?(?P<name>[A-Z][\w.+-]*[\w+](?: [A-Z0-9][\w.+-]*[\w+]){0,3})(?=\s*(?:[（(]|\s[-–—]\s|$))")


ACRONYM_DEFINITION = re.compile(r"(?<![A-Za-z0-9])([A-Z][A-Z0-9]{1,9})\s*[（(]\s*([A-Za-z][A-Za-z\- ]{4,80}?)\s*[)）]")


def acronym_definitions(text: str, taken: list[Candidate], rules: RuleSet) -> tuple[list[Candidate], list[tuple[int, int]]]:
    """"SWIFT (Scalable lightWeight Infrastructure for Fine-Tuning)": an acronym its bracket spells
    out is a name, typed by the head of the expansion; returns the names and the expansions' spans
    (no shape rule takes a name out of them)."""
    found, spans = [], []
    for match in ACRONYM_DEFINITION.finditer(text):
        acronym, expansion = match.group(1), match.group(2)
        words = expansion.split()
        head_part = re.split(r"\s(?:for|of|with|on|in)\s", expansion, maxsplit=1)[0]  # "… Launcher for LLMs"
        spellings = {"".join(w[0] for w in re.split(r"[\s-]+", part) if w and w.lower() not in rules.english_function_words).lower()
                     for part in (expansion, head_part)}
        spellings.add("".join(ch for ch in expansion if ch.isupper()).lower())  # "lightWeight" gives its W
        if "".join(ch for ch in acronym if ch.isalpha()).lower() not in spellings:
            continue
        spans.append(match.span(2))
        if _overlaps(*match.span(1), taken):
            continue
        known = next((c for c in taken if (c.start, c.end) == match.span(2) and c.key), None)
        if known is not None:  # "HF (Hugging Face)": another name of a known thing
            found.append(Candidate(match.start(1), match.end(1), acronym, known.type, "acronym-definition", known.key))
            continue
        head = next((w for w, after in zip(words, words[1:]) if after.lower() in ("for", "of", "with", "on", "in")), words[-1])
        kind = rules.acronym_heads.get(head.lower(), "Tool")
        found.append(Candidate(match.start(1), match.end(1), acronym, kind, "acronym-definition"))
    return found, spans


def list_head_candidates(text: str, taken: list[Candidate], rules: RuleSet) -> list[Candidate]:
    """The name a list item opens with (bold, or alone before its description), when no other rule
    found it: a Latin name is a tool until its context (the typer) says otherwise."""
    match = BOLD_HEAD.match(text) or PLAIN_HEAD.match(text)
    if match is None or not re.search(r"[A-Za-z]", match.group("name")):
        return []
    start, end = match.span("name")
    name = match.group("name")
    if _overlaps(start, end, taken) or normalize(name) in rules.stop_forms or len(name.split()) > 3:
        return []
    return [Candidate(start, end, name, "Tool", "list-bold")]


def technology_candidates(text: str, tokens: list[Token], taken: list[Candidate], rules: RuleSet) -> list[Candidate]:
    """Chinese technique names ending in a technique word: "稀疏注意力", "投机解码", "张量并行"."""
    masked = _mask(text, taken)
    found = []
    suffix_re = rules.words_pattern("technology_suffixes")
    for match in suffix_re.finditer(masked):
        start = match.start()
        left = [t for t in tokens if t[1] == start]
        if not left:
            continue
        tok_start, _, word = left[0]
        if len(word) < 2 or not re.fullmatch(f"[{CJK}]+", word) or "\x00" in masked[tok_start:start]:
            continue
        if word in rules.org_boundaries or word in rules.technology_generic_heads or word_tag(word) in NON_NAME_TAGS \
                or word[-1] in rules.non_modifier_final_chars:
            continue
        name = text[tok_start:match.end()]
        if normalize(name) not in rules.stop_forms:
            found.append(Candidate(tok_start, match.end(), name, "Technology", "technology-suffix"))
    return found


def technology_in_context(text: str, taken: list[Candidate], rules: RuleSet, entries: dict[str, LexiconEntry]) -> list[Candidate]:
    """"支持量化", "离线量化": a word the lexicon leaves out because prose uses it otherwise ("量化分析")
    is its technique where no word beside it says otherwise (``technology_in_context`` in rules.toml)."""
    found = []
    for word, entry_id, not_after, not_before in rules.technology_in_context:
        entry = entries.get(entry_id)
        if entry is None:
            continue
        for match in re.finditer(re.escape(word), text):
            start, end = match.span()
            if _overlaps(start, end, taken) or text[:start].endswith(not_after) \
                    or text[end:].lstrip().startswith(not_before):
                continue
            found.append(Candidate(start, end, word, entry.type, "technology-context", entry.id))
    return found


# "FP8量化", "INT8/INT4量化", "4D 并行": a Latin code right before a Chinese technique word
LATIN_CODE = re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z/]*[0-9])(?:[A-Z0-9][A-Za-z0-9]*[0-9A-Z](?:/[A-Z0-9][A-Za-z0-9]*)*)[ \u00a0]?$")
LATIN_MODIFIER = re.compile(r"(?<![A-Za-z0-9-])(?:[A-Z][A-Za-z0-9]*(?:-[A-Za-z][a-z]*)?[ \u00a0]){1,3}$")


def versioned(text: str, taken: list[Candidate], rules: RuleSet) -> list[Candidate]:
    """A known tool or technique with its release number is that tool or technique, under a longer
    alias: "CC BY-NC 4.0", "GNU AGPL 3.0", "PaddleNLP v3.0" (a model's version is another model)."""
    out = []
    for c in taken:
        if c.rule == "lexicon" and c.type in ("Tool", "Technology"):
            number = re.match(rf"[ \u00a0-]?({rules.version_shape.pattern})(?![A-Za-z0-9.])", text[c.end:])
            if number is not None:
                c = Candidate(c.start, c.end + number.end(), text[c.start:c.end + number.end()], c.type, c.rule, c.key)
        elif c.rule == "lexicon" and c.type == "Model" and _CJK_CHAR.search(c.text[-1]):
            # "豆包 2.0", "混元-T2": a Chinese-named model with a version is a model of its own
            number = re.match(rf"[ \u00a0-]?(?:{rules.version_shape.pattern}|\d+|[A-Z]\d+(?:\.\d+)?)(?![A-Za-z0-9.%])", text[c.end:])
            if number is not None and not re.match(r"\s*(?:年|月|日|个|家|款|亿|万|倍|%|岁|位|名|次|种)", text[c.end + number.end():]):
                c = Candidate(c.start, c.end + number.end(), text[c.start:c.end + number.end()], "Model", "model-version")
        out.append(c)
    return out


def technology_compounds(text: str, taken: list[Candidate], rules: RuleSet) -> list[Candidate]:
    """Technique names made of a modifier and a technique word, over what shorter rules found:
    "FP8量化", "4D 并行", "Append Attention", "Speculative Decoding". The modifier may be a
    technique already found ("FP8"), or no mention at all; never a model, tool or organization."""
    found = []
    suffixes = [(w, False) for w in rules.technology_suffixes] + [(w, True) for w in rules.technology_latin_suffixes]
    for word, latin in suffixes:
        if word not in text:
            continue  # the pattern matches the word itself, case and all
        pattern = rf"{re.escape(word)}(?![A-Za-z])" if latin else re.escape(word)
        for match in re.finditer(pattern, text):
            before = text[max(0, match.start() - 40):match.start()]
            modifier = (LATIN_MODIFIER if latin else LATIN_CODE).search(before)
            if modifier is None:
                continue
            if normalize(modifier.group(0).strip()) in rules.stop_forms:
                continue  # "AI 嵌入": an umbrella word is no modifier
            start = match.start() - len(modifier.group(0))
            inside = [c for c in taken if c.start < match.end() and start < c.end]
            if any((c.type != "Technology" and c.rule != "latin-bare") or c.start < start or c.end > match.end() for c in inside):
                continue
            name = text[start:match.end()]
            if latin and any(w.lower() in rules.english_function_words for w in name.split()[:-1]):
                continue  # "The Attention", "With Flash": a function word is no modifier
            found.append(Candidate(start, match.end(), name, "Technology", "technology-compound"))
    return found


OPEN_PAREN = ("（", "(")
CLOSE_PAREN = ("）", ")")


def parenthetical_aliases(text: str, mentions: list[Candidate]) -> list[tuple[Candidate, Candidate]]:
    """(alias, head) pairs written "head（alias）": "多序列比对（MSA）", "杭州映云科技 (EMQ)".

    Only a Latin-script alias of a name with Chinese in it, or an acronym of a Latin
    name, and never two lexicon entries: "GPT-4（OpenAI）" is no alias.
    """
    pairs = []
    for head, alias in zip(mentions, mentions[1:]):
        if text[head.end:alias.start].strip() not in OPEN_PAREN or not text[alias.end:alias.end + 2].lstrip().startswith(CLOSE_PAREN):
            continue
        if head.key and alias.key:
            continue
        latin_alias = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 .&+\-]*", alias.text) is not None
        acronym = re.fullmatch(r"[A-Z][A-Z0-9\-]{1,9}", alias.text) is not None
        if latin_alias and (_CJK_CHAR.search(head.text) or acronym):
            pairs.append((alias, head))
    return pairs


def abbreviation_candidates(text: str, tokens: list[Token], taken: list[Candidate], rules: RuleSet) -> list[Candidate]:
    """The Chinese term an acronym in parentheses abbreviates: "密度泛函理论（DFT）" → Technology."""
    masked = _mask(text, taken)
    found = []
    for match in re.finditer(r"[（(]\s*([A-Z][A-Za-z0-9\-]{1,9})\s*[)）]", text):
        end = match.start()
        pieces = []
        for tok_start, tok_end, tok_text in reversed([t for t in tokens if t[1] <= end]):
            if tok_end != (pieces[0][0] if pieces else end) or "\x00" in masked[tok_start:tok_end]:
                break
            if not re.fullmatch(f"[{CJK}]+", tok_text) or tok_text in rules.org_boundaries or tok_text.endswith(FUNCTION_CHARS):
                break
            pieces.insert(0, (tok_start, tok_end, tok_text))
            if len(pieces) >= 4:
                break
        while pieces and (pieces[0][2] in rules.org_generic or word_tag(pieces[0][2]) in NON_NAME_TAGS):
            pieces.pop(0)
        if not pieces or end - pieces[0][0] < 3:
            continue
        head = text[pieces[0][0]:end]
        if normalize(head) in rules.stop_forms:
            continue
        if head.endswith(rules.org_suffixes):
            etype = "Organization"
        elif head.endswith(rules.technology_heads):
            etype = "Technology"
        else:
            continue
        found.append(Candidate(pieces[0][0], end, head, etype, "abbreviation-head"))
    return found


def license_names(text: str, chosen: list[Candidate], rules: RuleSet) -> list[Candidate]:
    """"the Apache 2.0 license": a known license's name takes the English noun after it."""
    noun = _license_noun(rules)
    out = []
    for cand in chosen:
        after = noun.match(text, cand.end) if cand.type == "Technology" and cand.text[-1:].isalnum() else None
        if after is not None and not any(c.start < after.end() and cand.end <= c.start for c in chosen):
            cand = dataclasses.replace(cand, end=after.end(), text=text[cand.start:after.end()])
        out.append(cand)
    return out


@lru_cache(maxsize=4)
def _license_noun(rules: RuleSet) -> re.Pattern:
    return re.compile(rf"[ \u00a0](?:{alternation(rules.relations['license_nouns_en'])})(?![A-Za-z])")


def choose(candidates: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates: strong rules first, then the longer span."""
    ranked = sorted(candidates, key=lambda c: (c.priority >= 3, c.end - c.start, c.priority, -c.start), reverse=True)
    chosen: list[Candidate] = []
    occupied: set[int] = set()
    for cand in ranked:
        span = set(range(cand.start, cand.end))
        if span & occupied:
            continue
        chosen.append(cand)
        occupied |= span
    return sorted(chosen, key=lambda c: c.start)


# shape-only names a list can type: not "latin-shape", whose shape ("X-7B") already says model
LIST_TYPED_RULES = frozenset({"latin-bare", "cjk-product", "list-bold"})
# names whose type says nothing about their list's
NO_LIST_EVIDENCE = LIST_TYPED_RULES | {"latin-shape", "coordinated"}


def coordinated(text: str, chosen: list[Candidate], rules: RuleSet) -> list[Candidate]:
    """A name only its shape typed takes the type of the names it is listed with, when those
    agree: "DPO/IPO/cDPO 和 KTO" lists techniques, "Ray、vLLM 和 Foo" tools."""
    ordered = sorted(chosen, key=lambda c: (c.start, c.end))
    chains: list[list[Candidate]] = []
    for cand in ordered:
        gap = text[chains[-1][-1].end:cand.start] if chains else ""
        if chains and gap.strip() and rules.coordination.fullmatch(gap):
            chains[-1].append(cand)
        else:
            chains.append([cand])
    retyped: dict[int, str] = {}
    for chain in chains:
        known = {c.type for c in chain if c.rule not in NO_LIST_EVIDENCE}
        if len(chain) < 2 or len(known) != 1:
            continue
        (etype,) = known
        for c in chain:
            if c.rule in LIST_TYPED_RULES and c.type != etype:
                retyped[id(c)] = etype
    return [dataclasses.replace(c, type=retyped[id(c)], rule="coordinated") if id(c) in retyped else c for c in chosen]


# a list item's opening: bullet or number, a check box, emphasis or a link bracket
ITEM_HEAD = re.compile(r"\s*(?:[-*+•]|\d+[.)、])\s+(?:\[[ xX]\]\s*)?[*_\[`]*")
MIN_LIST_ITEMS = 3


def listed_types(sentences: list, found: list[list[Candidate]], text: str) -> list[list[Candidate]]:
    """The names that open the items of one list share a type: where the known ones agree (two or
    more, none against), a name only its shape typed takes it — "- [X] Falcon / - [X] Koala /
    - [X] BakLLaVA" under a list of models. ``sentences`` carry absolute ``start``/``end`` offsets."""
    runs: list[list[Candidate]] = []
    previous = None
    for sentence, mentions in zip(sentences, found):
        opening = ITEM_HEAD.match(sentence.text)
        head = next((m for m in mentions if opening and m.start == opening.end()), None)
        if head is None:
            previous = None
            continue
        contiguous = previous is not None and previous.article_id == sentence.article_id and not text[previous.end:sentence.start].strip()
        if contiguous:
            runs[-1].append(head)
        else:
            runs.append([head])
        previous = sentence
    retyped: dict[int, str] = {}
    for run in runs:
        known = [head.type for head in run if head.rule not in NO_LIST_EVIDENCE]
        if len(run) < MIN_LIST_ITEMS or len(known) < 2 or len(set(known)) != 1:
            continue
        for head in run:
            if head.rule in LIST_TYPED_RULES and head.type != known[0]:
                retyped[id(head)] = known[0]
    if not retyped:
        return found
    return [[dataclasses.replace(m, type=retyped[id(m)], rule="coordinated") if id(m) in retyped else m for m in mentions] for mentions in found]
