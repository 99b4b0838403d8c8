"""Entity candidates in one sentence: the lexicon, and rules for names it does not know.

Each finder returns ``Candidate`` records with offsets relative to the sentence.
Rule families (the ``rule`` field): ``lexicon``, ``org-suffix``, ``org-latin``,
``latin-cue``, ``latin-shape``, ``latin-prefix``, ``latin-bare``, ``person-role``,
``person-title``, ``person-verb``, ``person-latin``, ``byline``, ``bio-name``, ``echo``
(a name found elsewhere in the same document by one of the others).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aikg.extract.lexicon import LexiconEntry, SurfaceMatcher, normalize
from aikg.extract.rules import RuleSet

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{CJK}]")
LATIN_NAME = re.compile(
    r"(?<![A-Za-z0-9_.\-])"
    r"[A-Za-z][A-Za-z0-9]*(?:[-_.+][A-Za-z0-9]+)*(?:\.(?=[A-Z]))?"
    r"(?:[ \u00a0](?:[A-Z][A-Za-z0-9]*|\d+(?:\.\d+)*[A-Za-z]{0,2})(?:[-_.+][A-Za-z0-9]+)*){0,3}"
    r"(?![A-Za-z0-9_])"
)
LATIN_PERSON = re.compile(r"(?<![A-Za-z])[A-Z][a-z]+(?:[ \u00a0][A-Z][a-z]+(?:-[A-Z][a-z]+)?){1,2}(?![A-Za-z])")
# rule priorities: higher wins an overlap of equal standing
PRIORITY = {
    "lexicon": 5, "byline": 5, "bio-name": 5, "echo": 4,
    "person-role": 3, "person-title": 3, "person-verb": 2, "person-latin": 3,
    "org-suffix": 3, "org-latin": 3, "latin-prefix": 3, "latin-cue": 3, "latin-shape": 3,
    "latin-bare": 1,
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
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab.get(word)


# jieba tags of words that never belong to a name: verbs, adverbs, pronouns, numerals, ...
NON_NAME_TAGS = frozenset(
    "v vd vg vi d dg c p r rr rz m mq q u uj ul uz ug uv ud f a ad ag an t tg b y e o z zg s".split()
)
NAME_TAGS = ("nr", "ns", "nt", "nz", "j", "eng", "nrt", "nrfg")
RARE_WORD = 500


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
    suffix_re = re.compile("|".join(re.escape(s) for s in rules.org_suffixes))
    known_before = {c.end: c for c in taken}
    found = []
    for match in suffix_re.finditer(masked):
        suffix, start = match.group(0), match.start()
        pieces: list[tuple[int, int, str]] = []
        cursor = start
        for tok_start, tok_end, tok_text in reversed([t for t in tokens if t[1] <= start]):
            if masked[tok_end:cursor].strip(" \u00a0") or "\x00" in masked[tok_start:tok_end]:
                break
            word = tok_text.strip()
            if not word or word in rules.org_boundaries:
                break
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
        if not unit_of_parent and suffix in rules.org_weak_suffixes and not _name_like(words[-1]):
            continue
        if any(w in rules.person_titles_after for w in words) or normalize(name_text) in rules.stop_forms:
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
    """Latin-script names typed by the cue word after them, their shape, or a known prefix."""
    masked = _mask(text, taken)
    found = []
    for match in LATIN_NAME.finditer(masked):
        name = match.group(0).rstrip(".")
        start, end = match.start(), match.start() + len(name)
        if normalize(name) in rules.stop_forms or not re.search(r"[A-Za-z]", name):
            continue
        after = masked[end:end + 12].lstrip(" \u00a0")
        etype, rule = None, None
        for cue_type in ("Organization", "Model", "Tool", "Technology"):
            if any(after.startswith(cue) for cue in rules.latin_cues[cue_type]):
                etype, rule = cue_type, "latin-cue"
                break
        if etype is None and any(name.endswith(" " + s) or name == s for s in rules.org_latin_suffixes):
            etype, rule = "Organization", "org-latin"
        prefix = _known_prefix(name, prefix_matcher, entries)
        if prefix is not None and prefix.type in ("Model", "Tool"):
            # "Qwen2.5-Coder" extends a known model: same type, new thing
            etype, rule = prefix.type, "latin-prefix"
        elif etype is None and rules.model_shape.search(name):
            etype, rule = "Model", "latin-shape"
        if etype is None:
            if not _bare_name_ok(name, text, start, end, rules):
                continue
            etype, rule = "Tool", "latin-bare"
        found.append(Candidate(start, end, name, etype, rule))
    return found


def _known_prefix(name: str, matcher: SurfaceMatcher, entries: dict[str, LexiconEntry]) -> LexiconEntry | None:
    head = re.split(r"[-_ ]", name, maxsplit=1)[0]
    for start, end, _form, value in matcher.find(head):
        if start == 0 and end == len(head) and head != name and isinstance(value, str):
            return entries.get(value)
    return None


def _bare_name_ok(name: str, text: str, start: int, end: int, rules: RuleSet) -> bool:
    """A Latin word with no cue counts only if it looks like a product name in Chinese prose."""
    if len(name) < rules.min_bare_length or " " in name:
        return False
    inner_caps = re.search(r"[a-z][A-Z]|[A-Z]{2,}[a-z]|^[a-z]+[A-Z]", name) is not None
    if not inner_caps:
        return False
    before = text[max(0, start - 3):start]
    after = text[end:end + 3]
    return bool(_CJK_CHAR.search(before) or _CJK_CHAR.search(after))


def person_candidates(text: str, tokens: list[Token], taken: list[Candidate], rules: RuleSet) -> list[Candidate]:
    """Chinese names next to a role or title word, and Latin names with a role or speech verb."""
    masked = _mask(text, taken)
    edges = _boundaries(tokens)
    found = []
    roles = "|".join(re.escape(r) for r in rules.person_roles_before)
    titles = "|".join(re.escape(t) for t in rules.person_titles_after)
    verbs = "|".join(re.escape(v) for v in rules.person_verbs_after)

    def chinese_name_at(start: int) -> tuple[int, int] | None:
        for length in (3, 2, 4):
            end = start + length
            chunk = masked[start:end]
            if len(chunk) < length or not re.fullmatch(f"[{CJK}]+", chunk):
                continue
            surname_ok = chunk[:1] in rules.surnames or chunk[:2] in rules.surnames
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
        if verbs and re.match(verbs, after) and normalize(match.group(0)) not in rules.stop_forms:
            found.append(Candidate(match.start(), match.end(), match.group(0), "Person", "person-verb"))
    return found


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
