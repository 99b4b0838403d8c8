"""Relation rules over the mentions of one sentence, driven by cue words and word order.

Rule names (recorded with every fact): ``byline``, ``bio-affiliation``,
``org-title-person``, ``affiliation-verb``, ``possessive-developer``,
``verb-developer``, ``passive-developer``, ``based-on``, ``based-on-modifier``,
``uses-technology``, ``uses-technology-modifier``, ``org-part``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aikg.extract.entities import Candidate
from aikg.extract.rules import RuleSet

MAKERS = ("Organization", "Person")
MADE = ("Model", "Tool", "Technology")
BUILDS = ("Model", "Tool")
COORDINATION = re.compile(r"^\s*(?:、|和|与|及|以及|跟|,|，|&|and)\s*$")
TITLE_WORDS = re.compile(r"^[\s的]*[\u4e00-\u9fffA-Za-z ]{0,12}$")


@dataclass(frozen=True)
class RawFact:
    """A fact between two mentions of a sentence (or a mention and an article)."""

    subject: Candidate
    predicate: str
    object: Candidate
    rule: str


def _clauses(text: str, rules: RuleSet) -> list[tuple[int, int]]:
    spans, start = [], 0
    for index, ch in enumerate(text):
        if ch in rules.clause_separators:
            spans.append((start, index))
            start = index + 1
    spans.append((start, len(text)))
    return [s for s in spans if s[1] > s[0]]


def _between(text: str, left: Candidate, right: Candidate) -> str:
    return text[left.end:right.start].strip()


def _group(mentions: list[Candidate], index: int, text: str, step: int) -> list[Candidate]:
    """The mention at index plus the ones coordinated with it ("A、B 和 C"), walking by step."""
    group = [mentions[index]]
    i = index
    while 0 <= i + step < len(mentions):
        a, b = sorted((mentions[i], mentions[i + step]), key=lambda m: m.start)
        if not COORDINATION.match(text[a.end:b.start]):
            break
        i += step
        group.append(mentions[i])
    return group


def sentence_facts(text: str, mentions: list[Candidate], rules: RuleSet, bio_person: Candidate | None = None) -> list[RawFact]:
    """Every fact the rules find in one sentence (mentions sorted by start, offsets relative)."""
    facts: list[RawFact] = []
    facts += _possessive(text, mentions, rules)
    facts += _org_parts(text, mentions, rules)
    facts += _org_title_person(text, mentions)
    for start, end in _clauses(text, rules):
        inside = [m for m in mentions if m.start >= start and m.end <= end]
        if len(inside) < 1:
            continue
        topic = _topic(text, mentions, start)
        facts += _verb_developer(text, inside, start, end, rules)
        facts += _cue_relation(text, inside, start, end, rules, "based_on", "basedOn", BUILDS, ("Model", "Tool", "Technology"), topic)
        facts += _cue_relation(text, inside, start, end, rules, "uses", "usesTechnology", BUILDS + ("Organization",), ("Technology",), topic)
        facts += _affiliation_verb(text, inside, start, end, rules)
    if bio_person is not None:
        facts += _bio_affiliations(text, mentions, bio_person, rules)
    return facts


def _topic(text: str, mentions: list[Candidate], clause_start: int) -> Candidate | None:
    """The sentence's topic: a mention that opens the sentence, carried into later clauses."""
    if clause_start == 0 or not mentions:
        return None
    first = mentions[0]
    if first.start <= 1 and first.end <= clause_start:
        return first
    return None


def _possessive(text: str, mentions: list[Candidate], rules: RuleSet) -> list[RawFact]:
    """'阿里巴巴的 Qwen 系列', 'OpenAI 推出的 o1', 'Meta Llama 3' → developedBy."""
    facts = []
    words = set(rules.relations["possessive"])
    for left, right in zip(mentions, mentions[1:]):
        if left.type not in MAKERS or right.type not in MADE:
            continue
        between = _between(text, left, right)
        if between in words or (between == "" and right.type == "Model" and left.type == "Organization"):
            facts.append(RawFact(right, "developedBy", left, "possessive-developer"))
    return facts


def _org_parts(text: str, mentions: list[Candidate], rules: RuleSet) -> list[RawFact]:
    """'蚂蚁集团程序分析团队', '清华 KVCache.AI 团队', 'X 旗下的 Y 实验室' → partOf."""
    facts = []
    links = set(rules.relations["part_of"]) | {""}
    suffixes = rules.relations["part_suffixes"]
    for left, right in zip(mentions, mentions[1:]):
        if left.type != "Organization" or right.type != "Organization":
            continue
        if _between(text, left, right) in links and right.text.rstrip().endswith(tuple(suffixes)):
            facts.append(RawFact(right, "partOf", left, "org-part"))
    return facts


def _org_title_person(text: str, mentions: list[Candidate]) -> list[RawFact]:
    """'英伟达高级科学家 Jim Fan', 'OpenAI CEO Sam Altman' → affiliatedWith."""
    facts = []
    for left, right in zip(mentions, mentions[1:]):
        if left.type == "Organization" and right.type == "Person":
            between = text[left.end:right.start]
            if between.strip() and TITLE_WORDS.match(between) and not re.search(r"[和与及、]", between):
                facts.append(RawFact(right, "affiliatedWith", left, "org-title-person"))
    return facts


def _verb_developer(text: str, inside: list[Candidate], start: int, end: int, rules: RuleSet) -> list[RawFact]:
    """'<org> 发布/推出/开源 … <model/tool>' and '<model> 由 <org> 开发' → developedBy."""
    facts = []
    verbs = rules.cue_pattern("develop_verbs")
    clause = text[start:end]
    based = rules.cue_pattern("based_on")
    for verb in verbs.finditer(clause):
        v_start, v_end = start + verb.start(), start + verb.end()
        before = [i for i, m in enumerate(inside) if m.end <= v_start]
        after = [m for m in inside if m.start >= v_end and m.type in MADE]
        if not before or not after:
            continue
        last = before[-1]
        gap = text[inside[last].end:v_start]
        # passive: "<model> 由 <org> 开发"
        if inside[last].type in MAKERS and re.search(r"由\s*$", text[start:inside[last].start]):
            continue
        if inside[last].type not in MAKERS or len(gap.strip()) > 6:
            continue
        makers = [m for m in _group(inside, last, text, -1) if m.type in MAKERS]
        first = after[0]
        if based.search(text[v_end:first.start]):
            continue
        for made in _group(inside, inside.index(first), text, 1):
            if made.type in MADE:
                facts.extend(RawFact(made, "developedBy", maker, "verb-developer") for maker in makers)
    for passive in re.finditer(r"由", text[start:end]):
        p = start + passive.start()
        made = [m for m in inside if m.end <= p and m.type in MADE]
        makers = [m for m in inside if m.start > p and m.type in MAKERS]
        if made and makers and verbs.search(text[makers[0].end:end]):
            for maker in _group(inside, inside.index(makers[0]), text, 1):
                facts.append(RawFact(made[-1], "developedBy", maker, "passive-developer"))
    return facts


def _cue_relation(
    text: str,
    inside: list[Candidate],
    start: int,
    end: int,
    rules: RuleSet,
    cue_key: str,
    predicate: str,
    subject_types: tuple[str, ...],
    object_types: tuple[str, ...],
    topic: Candidate | None,
) -> list[RawFact]:
    """'X 基于/采用 Y' (subject before the cue) and '基于/采用 Y 的 X' (subject after)."""
    facts = []
    rule = "based-on" if predicate == "basedOn" else "uses-technology"
    for cue in rules.cue_pattern(cue_key).finditer(text, start, end):
        objects = [m for m in inside if m.start >= cue.end() and m.type in object_types]
        if not objects:
            continue
        first = objects[0]
        if text[cue.end():first.start].strip(" 了对的") and len(text[cue.end():first.start].strip()) > 4:
            continue
        targets = _group(inside, inside.index(first), text, 1)
        targets = [t for t in targets if t.type in object_types]
        subjects_before = [m for m in inside if m.end <= cue.start() and m.type in subject_types]
        tail = inside[inside.index(targets[-1]) + 1:]
        modifier = [
            m for m in tail
            if m.type in subject_types and re.fullmatch(r"\s*(?:\S{0,6}的)\s*", text[targets[-1].end:m.start])
        ]
        if modifier:
            subjects, how = [modifier[0]], rule + "-modifier"
        elif subjects_before:
            subjects, how = [subjects_before[-1]], rule
        elif topic is not None and topic.type in subject_types:
            subjects, how = [topic], rule
        else:
            continue
        for subject in subjects:
            for target in targets:
                if target is not subject and target.text != subject.text:
                    facts.append(RawFact(subject, predicate, target, how))
    return facts


def _affiliation_verb(text: str, inside: list[Candidate], start: int, end: int, rules: RuleSet) -> list[RawFact]:
    """'<person> 现任/曾任/就职于/毕业于/加入 <org>' → affiliatedWith."""
    facts = []
    for cue in re.finditer(r"现任|曾任|任职于|就职于|毕业于|加入|供职于|任教于|就读于", text[start:end]):
        c = start + cue.start()
        people = [m for m in inside if m.end <= c and m.type == "Person"]
        orgs = [m for m in inside if m.start >= c and m.type == "Organization"]
        if people and orgs and len(text[people[-1].end:c].strip()) <= 4:
            facts.append(RawFact(people[-1], "affiliatedWith", orgs[0], "affiliation-verb"))
    return facts


def _bio_affiliations(text: str, mentions: list[Candidate], person: Candidate, rules: RuleSet) -> list[RawFact]:
    """In an author bio, the organizations the sentence ties the author to."""
    cues = rules.cue_pattern("affiliation_cues")
    if not cues.search(text):
        return []
    blockers = rules.relations["affiliation_blockers"]
    facts = []
    for mention in mentions:
        if mention.type != "Organization" or mention.text == person.text:
            continue
        before = text[max(0, mention.start - 4):mention.start].rstrip()
        if before.endswith(tuple(blockers)):
            continue
        facts.append(RawFact(person, "affiliatedWith", mention, "bio-affiliation"))
    return facts
