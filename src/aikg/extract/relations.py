"""Relation rules over the mentions of one sentence, driven by cue words and word order.

Rule names (recorded with every fact): ``byline`` (in extract/__init__),
``bio-affiliation``, ``org-title-person``, ``affiliation-verb``,
``possessive-developer``, ``verb-developer``, ``passive-developer``,
``copula-developer``, ``based-on``, ``based-on-modifier``, ``integrated-into``,
``uses-technology``, ``uses-technology-modifier``, ``is-a-technology-tool``,
``org-part``. Every rule yields facts between mentions; the caller keeps only
facts whose ends have the types the ontology allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aikg.extract.entities import Candidate
from aikg.extract.rules import RuleSet

MAKERS = ("Organization", "Person")
MADE = ("Model", "Tool", "Technology")
BUILDS = ("Model", "Tool")
COORDINATION = re.compile(r"^\s*(?:、|和|与|及|以及|跟|,|，|&|and|或)\s*$")
TITLE_WORDS = re.compile(r"^[\s的]*[\u4e00-\u9fffA-Za-z ]{0,12}$")
MAX_CUE_GAP = 10  # characters between a cue word and its first object


@dataclass(frozen=True)
class RawFact:
    """A fact between two mentions of a sentence."""

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
    facts += _copula(text, mentions, rules)
    clauses = _clauses(text, rules)
    previous: list[Candidate] = []
    for start, end in clauses:
        inside = [m for m in mentions if m.start >= start and m.end <= end]
        carried = _carried_subject(text, mentions, previous, start)
        if inside:
            facts += _verb_developer(text, inside, start, end, rules)
            facts += _cue_relation(text, inside, start, end, rules, "based_on", "basedOn", BUILDS, ("Model", "Tool", "Technology"), carried)
            facts += _cue_relation(text, inside, start, end, rules, "uses", "usesTechnology", BUILDS + ("Organization",), ("Technology",), carried)
            facts += _integrated_into(text, inside, start, end, rules)
            facts += _affiliation_verb(text, inside, start, end)
        previous = inside
    if bio_person is not None:
        facts += _bio_affiliations(text, mentions, bio_person, rules)
    return facts


def _carried_subject(text: str, mentions: list[Candidate], previous: list[Candidate], clause_start: int) -> Candidate | None:
    """The subject a clause inherits: the mention closing the previous clause, else the sentence's opener.

    "KTransformers，便是采用了…" — the new clause has no subject of its own.
    """
    if clause_start == 0 or not mentions:
        return None
    if previous and clause_start - previous[-1].end <= 2:
        return previous[-1]
    first = mentions[0]
    if first.start <= 1 and first.end <= clause_start:
        return first
    return None


def _possessive(text: str, mentions: list[Candidate], rules: RuleSet) -> list[RawFact]:
    """'阿里巴巴的 Qwen 系列', 'OpenAI 推出的 o1', '谷歌 Vertex AI' → developedBy (to the whole list)."""
    facts = []
    words = set(rules.relations["possessive"])
    for index, (left, right) in enumerate(zip(mentions, mentions[1:])):
        if left.type not in MAKERS or right.type not in MADE:
            continue
        between = _between(text, left, right)
        adjacent = between == "" and left.type == "Organization" and right.type in BUILDS
        if between in words or adjacent:
            for made in _group(mentions, index + 1, text, 1):
                if made.type in MADE:
                    facts.append(RawFact(made, "developedBy", left, "possessive-developer"))
    return facts


def _org_parts(text: str, mentions: list[Candidate], rules: RuleSet) -> list[RawFact]:
    """'蚂蚁集团程序分析团队', '清华 KVCache.AI 团队', 'X 旗下的 Y 实验室' → partOf."""
    facts = []
    links = set(rules.relations["part_of"]) | {""}
    suffixes = tuple(rules.relations["part_suffixes"])
    for left, right in zip(mentions, mentions[1:]):
        if left.type != "Organization" or right.type != "Organization":
            continue
        if _between(text, left, right) in links and right.text.rstrip().endswith(suffixes):
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


def _copula(text: str, mentions: list[Candidate], rules: RuleSet) -> list[RawFact]:
    """'X 是 ORG 开源的…', 'X 是一个基于… 的 RAG 引擎' → developedBy / usesTechnology for X."""
    if not mentions or mentions[0].type not in BUILDS:
        return []
    subject = mentions[0]
    copula = re.match(r"\s*(?:是|为|作为)", text[subject.end:])
    if not copula:
        return []
    start = subject.end + copula.end()
    end = next((i for i in range(start, len(text)) if text[i] in rules.clause_separators), len(text))
    rest = [m for m in mentions if m.start >= start and m.end <= end]
    facts = []
    verbs = rules.cue_pattern("develop_verbs")
    for maker in (m for m in rest if m.type in MAKERS):
        if re.match(r"\s*(?:" + verbs.pattern + r")的", text[maker.end:end]):
            facts.append(RawFact(subject, "developedBy", maker, "copula-developer"))
    # "… 的开源 RAG 引擎": a technology right before the tool noun that ends the clause
    tool_nouns = "|".join(re.escape(c) for c in rules.latin_cues["Tool"])
    for tech in (m for m in rest if m.type == "Technology"):
        if re.match(r"\s*(?:" + tool_nouns + r")", text[tech.end:end]) and not rules.cue_pattern("based_on").search(text[start:tech.start]):
            facts.append(RawFact(subject, "usesTechnology", tech, "is-a-technology-tool"))
    return facts


def _verb_developer(text: str, inside: list[Candidate], start: int, end: int, rules: RuleSet) -> list[RawFact]:
    """'<org> 发布/推出/开源 … <model/tool>' and '<model> 由 <org> 开发' → developedBy."""
    facts = []
    verbs = rules.cue_pattern("develop_verbs")
    based = rules.cue_pattern("based_on")
    for verb in verbs.finditer(text, start, end):
        before = [i for i, m in enumerate(inside) if m.end <= verb.start()]
        after = [m for m in inside if m.start >= verb.end() and m.type in MADE]
        if not before or not after:
            continue
        last = before[-1]
        maker = inside[last]
        if maker.type not in MAKERS or len(text[maker.end:verb.start()].strip()) > 12:
            continue
        if re.search(r"由\s*$", text[start:maker.start]):  # passive, handled below
            continue
        first = after[0]
        if based.search(text[verb.end():first.start]):
            continue
        makers = [m for m in _group(inside, last, text, -1) if m.type in MAKERS]
        for made in _group(inside, inside.index(first), text, 1):
            if made.type in MADE:
                facts.extend(RawFact(made, "developedBy", m, "verb-developer") for m in makers)
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
    carried: Candidate | None,
) -> list[RawFact]:
    """'X 基于/采用 Y' (subject before the cue) and '基于/采用 Y 的 X' (subject after)."""
    facts = []
    rule = "based-on" if predicate == "basedOn" else "uses-technology"
    for cue in rules.cue_pattern(cue_key).finditer(text, start, end):
        objects = [m for m in inside if m.start >= cue.end() and m.type in object_types]
        if not objects:
            continue
        first = objects[0]
        gap = text[cue.end():first.start]
        if len(gap.strip()) > MAX_CUE_GAP or any(m.start >= cue.end() and m.end <= first.start for m in inside):
            continue
        targets = [t for t in _group(inside, inside.index(first), text, 1) if t.type in object_types]
        before = [i for i, m in enumerate(inside) if m.end <= cue.start() and m.type in subject_types]
        tail = inside[inside.index(targets[-1]) + 1:]
        modifier = [
            m for m in tail
            if m.type in subject_types and re.fullmatch(r"\s*(?:[^，。；,;]{0,8}的)\s*", text[targets[-1].end:m.start])
        ]
        if modifier and not before:
            subjects, how = [modifier[0]], rule + "-modifier"
        elif before:
            subjects, how = [m for m in _group(inside, before[-1], text, -1) if m.type in subject_types], rule
        elif carried is not None and carried.type in subject_types:
            subjects, how = [carried], rule
        elif modifier:
            subjects, how = [modifier[0]], rule + "-modifier"
        else:
            continue
        for subject in subjects:
            for target in targets:
                if target is not subject and target.text != subject.text:
                    facts.append(RawFact(subject, predicate, target, how))
    return facts


def _integrated_into(text: str, inside: list[Candidate], start: int, end: int, rules: RuleSet) -> list[RawFact]:
    """'<model> 被集成到/接入 <tool>、<tool>' → the tools are basedOn the model."""
    facts = []
    for cue in re.finditer(r"(?:被|已被|已经被)?(?:集成到|集成进|接入到|接入了|被接入|整合进|内置于)", text[start:end]):
        c0, c1 = start + cue.start(), start + cue.end()
        models = [m for m in inside if m.end <= c0 and m.type in BUILDS]
        hosts = [m for m in inside if m.start >= c1 and m.type in BUILDS]
        if models and hosts and len(text[c1:hosts[0].start].strip()) <= MAX_CUE_GAP:
            for host in _group(inside, inside.index(hosts[0]), text, 1):
                if host.type in BUILDS:
                    facts.append(RawFact(host, "basedOn", models[-1], "integrated-into"))
    return facts


def _affiliation_verb(text: str, inside: list[Candidate], start: int, end: int) -> list[RawFact]:
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
    if not rules.cue_pattern("affiliation_cues").search(text):
        return []
    blockers = tuple(rules.relations["affiliation_blockers"])
    honours = rules.cue_pattern("affiliation_post_blockers")
    facts = []
    orgs = [m for m in mentions if m.type == "Organization" and m.text != person.text]
    for index, mention in enumerate(orgs):
        before = text[max(0, mention.start - 4):mention.start].rstrip()
        coordinated = index > 0 and COORDINATION.match(text[orgs[index - 1].end:mention.start])
        if before.endswith(blockers) and not coordinated:
            continue
        if honours.match(text[mention.end:mention.end + 12].lstrip()):
            continue  # "微软最有价值专家（MVP）", "X 中文社区" are honours and hobbies, not employers
        facts.append(RawFact(person, "affiliatedWith", mention, "bio-affiliation"))
    return facts
