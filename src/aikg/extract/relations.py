"""Relation rules over the mentions of one sentence, driven by cue words and word order.

Rule names (recorded with every fact): ``byline`` (in extract/__init__),
``bio-affiliation``, ``org-title-person``, ``affiliation-verb``,
``possessive-developer``, ``verb-developer``, ``passive-developer``,
``copula-developer``, ``based-on``, ``based-on-modifier``, ``integrated-into``,
``uses-technology``, ``uses-technology-modifier``, ``is-a-technology-tool``, ``passive-adoption``, ``feature-of``,
``org-part``, ``brand-prefix`` (微软亚洲研究院 partOf 微软), ``brand-maker`` (NVIDIA NeMo developedBy
NVIDIA), ``first-person`` ("we introduce X" in a signed article, or in a README whose project
carries its maker's name), ``from-maker`` ("X (来自 Y)"), ``bracket-maker`` ("GPT-4（OpenAI）", "ByteDance(YunQue)"), ``bracket-technique`` ("BERT（Encoder-Only）"), ``by-makers`` ("X was proposed … by A, B
and C", "developed at Y"), ``creator-role`` ("Shire 的创始人"), ``bio-creation`` ("曾联合发起 Milvus"
in an author bio), ``role-en`` ("Sam Altman, chief executive of OpenAI", "Meta's chief AI scientist
Yann LeCun", "co-founded by X"), ``bracketed-affiliation`` ("Zhuohan Li (UC Berkeley)"),
``company-behind`` ("Hugging Face, the company behind Transformers"); a fact whose subject is the
document's topic carries ``+topic``. A word that stands for an organization named before it
("该公司", "其旗舰模型", "The company") is read as a mention of it (``organization_pronouns``). Structure rules live in ``structure.py``; the learned
model's facts are ``learned`` (``relmodel.py``). Every rule yields facts between mentions; the caller keeps only
facts whose ends have the types the ontology allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from aikg.extract.entities import FROM_MAKER, ROLE_OF_EN, Candidate
from aikg.extract.rules import RuleSet
from aikg.patterns import alternation

MAKERS = ("Organization", "Person")
MADE = ("Model", "Tool", "Technology")
BUILDS = ("Model", "Tool")
COORDINATION = re.compile(r"^\s*(?:、|和|与|及|以及|跟|,|，|&|/|／|and|或|,\s*and)\s*$")
ASIDE = re.compile(r"^\s*[（(][^()（）]{1,30}[)）]")
OPENS_ASIDE = re.compile(r"\s*[（(]\s*$")
CLOSES_ASIDE = re.compile(r"\s*[)）]")
TITLE_WORDS = re.compile(r"^[\s的]*[\u4e00-\u9fffA-Za-z ]{0,12}$")
EXPLICIT_AFFILIATION = ("现任", "曾任", "任职于", "就职于", "毕业于", "加入", "加盟", "供职于", "任教于", "就读于")
# … and the weaker ones, which need a role word after the organization ("在 X 读博", "是 X 教授")
AFFILIATION_CUES = re.compile("|".join(EXPLICIT_AFFILIATION + ("担任", "在", "是", "为")))
LIST_COMMAS = ","  # in English a comma also joins the items of a list
MAX_CUE_GAP = 10  # characters between a cue word and its first object
FOUNDED = re.compile(r"\s*(?:先后|此前|曾|随后|后来)?(?:联合|共同)?(?:创办|创立|创建|成立)了?\s*")
JOINTLY = re.compile(r"\s*(?:联合|携手|联手|协同)\s*")
OWNERSHIP = {"旗下的", "旗下", "下属的", "下属", "孵化的", "旗下的子公司", "的子公司"}
ROLE_WORDS = re.compile(
    r"教授|副教授|助理教授|研究员|科学家|工程师|负责人|创始人|联合创始人|CEO|CTO|总监|经理|项目经理|主任|院长|所长|架构师|顾问|"
    r"读博|攻读|就读|任职|工作|工作过|实习|访问学者|博士后|学生|成员|员工"
)


@dataclass(frozen=True)
class RawFact:
    """A fact between two mentions of a sentence."""

    subject: Candidate
    predicate: str
    object: Candidate
    rule: str


def _clauses(text: str, rules: RuleSet, mentions: list[Candidate] = ()) -> list[tuple[int, int]]:
    """The clauses of a sentence, cut at its separators except a comma inside a list of names of
    one type ("supports GPTQ, AWQ and SmoothQuant")."""
    ends = {m.end: m.type for m in mentions}
    starts = {m.start: m.type for m in mentions}
    spans, start = [], 0
    for index, ch in enumerate(text):
        if ch in LIST_COMMAS:
            left = ends.get(len(text[:index].rstrip()))
            right = starts.get(len(text) - len(text[index + 1:].lstrip()))
            if left is not None and left == right and left != "Person":
                continue
        if ch in rules.clause_separators:
            spans.append((start, index))
            start = index + 1
    spans.append((start, len(text)))
    return [s for s in spans if s[1] > s[0]]


def _between(text: str, left: Candidate, right: Candidate) -> str:
    return text[left.end:right.start].strip()


def _group(mentions: list[Candidate], index: int, text: str, step: int, rules: RuleSet | None = None) -> list[Candidate]:
    """The mention at index plus the ones coordinated with it ("A、B 和 C"), walking by step; with
    ``rules``, also across the type word each one carries ("A 底座模型和 B 对话模型")."""
    group = [mentions[index]]
    i = index
    while 0 <= i + step < len(mentions):
        a, b = sorted((mentions[i], mentions[i + step]), key=lambda m: m.start)
        gap = ASIDE.sub("", text[a.end:b.start])  # "A（a）、B 和 C": an alias in brackets keeps the list going
        # "A (MLA) and B": an alias in brackets that is a mention itself belongs to the list too
        bracketed = OPENS_ASIDE.fullmatch(gap) and CLOSES_ASIDE.match(text, b.end)
        closing = CLOSES_ASIDE.match(gap)
        if closing and OPENS_ASIDE.search(text, max(0, a.start - 8), a.start):
            gap = gap[closing.end():]
        if not bracketed and not COORDINATION.match(gap) and not (rules and COORDINATION.match(_drop_type_word(gap, rules))):
            break
        i += step
        group.append(mentions[i])
    return group


def _drop_type_word(gap: str, rules: RuleSet) -> str:
    """The gap without the type word it opens with ("底座模型和" → "和", "架构和" → "和")."""
    stripped = gap.lstrip()
    cue = next((c for c in _type_words(rules) if stripped.startswith(c)), None)
    return stripped[len(cue):] if cue else gap


@lru_cache(maxsize=4)
def _type_words(rules: RuleSet) -> tuple[str, ...]:
    """The kind nouns of models, tools and techniques, longest first."""
    return tuple(sorted(rules.latin_cues["Model"] + rules.latin_cues["Tool"] + rules.latin_cues["Technology"], key=len, reverse=True))


PRONOUN = re.compile(
    r"\s*(?:它们?|其|该(?:模型|框架|工具|项目|系列|平台|库|系统|产品|引擎|数据集)|这一(?:模型|框架|工具|项目|系列|平台|系统)|"
    r"这个(?:模型|框架|工具|项目|平台|系统)|此(?:模型|框架|工具|项目)|后者|前者|"
    r"(?:This|The) (?:model|framework|tool|library|project|system|platform|engine)\b|(?:It|Its|It's)\b)"
)


def brand_parts(mentions: list[Candidate], matcher, entries, rules: RuleSet, known: set[str]) -> list[RawFact]:
    """"华为计算机网络与协议实验室", "微软亚洲研究院": an organization whose name opens with another
    organization's name (one the document mentions) and ends like a unit is part of it
    (ANNOTATION.md: a brand prefix is a mention of its owner)."""
    suffixes = tuple(rules.relations["part_suffixes"])
    facts = []
    for mention in mentions:
        if mention.type != "Organization":
            continue
        for cut in range(len(mention.text) - 2, 1, -1):
            head, rest = mention.text[:cut], mention.text[cut:].strip()
            if len(rest) < 2 or not rest.endswith(suffixes):
                continue
            entry = _entry_named(head, matcher, entries)
            # a unit's name written after its owner's ("蚂蚁集团程序分析团队") is itself a mention of the owner
            if entry is None or entry.type != "Organization" or entry.id == mention.key or (entry.id not in known and mention.rule != "org-unit"):
                continue
            owner = Candidate(mention.start, mention.start + cut, head.strip(), "Organization", "brand-prefix", entry.id)
            facts.append(RawFact(mention, "partOf", owner, "brand-prefix"))
            break
    return facts + _brand_makers(mentions, matcher, entries)


NEGATABLE = ("basedOn", "usesTechnology")


def negated(text: str, fact: RawFact, rules: RuleSet) -> bool:
    """"本项目未涉及微调、训练过程", "trained via RL without supervised fine-tuning", "采用 A 而非 B":
    a basedOn or usesTechnology fact whose clause says no between its ends (or, when its subject is
    outside the sentence, before its object) is no fact (ANNOTATION.md: negated statements are not
    relations). A made-by fact is kept: "X 没有开源 Y" still says whose Y is."""
    if fact.predicate not in NEGATABLE:
        return False
    ends = [m for m in (fact.subject, fact.object) if m.start < m.end <= len(text) and text[m.start:m.end] == m.text]
    if fact.object not in ends:
        return False
    later = max(ends, key=lambda m: m.start)
    clause = max(text.rfind(c, 0, later.start) for c in rules.clause_separators) + 1
    earlier = min(ends, key=lambda m: m.start)
    start = earlier.end if len(ends) == 2 and earlier.end >= clause else clause
    stretch = text[start:later.start]
    for word in rules.relations["negation_exceptions"]:
        stretch = stretch.replace(word, " " * len(word))
    return rules.cue_pattern("negations").search(stretch) is not None


def unit_owners(facts: list[RawFact]) -> dict[tuple[int, int], Candidate]:
    """(start, end) of each unit the text names after its owner ("蚂蚁集团程序分析团队") → that owner;
    not a known whole name such as 微软亚洲研究院 (where one did a PhD is not where one works)."""
    return {(f.subject.start, f.subject.end): f.object for f in facts
            if f.predicate == "partOf" and f.rule == "brand-prefix" and f.subject.rule == "org-unit"}


def unit_affiliations(owners: dict[tuple[int, int], Candidate], facts: list[RawFact]) -> list[RawFact]:
    """"蚂蚁集团程序分析团队技术专家": whoever works in such a unit works for its owner too."""
    return [RawFact(f.subject, "affiliatedWith", owners[(f.object.start, f.object.end)], "unit-affiliation")
            for f in facts if f.predicate == "affiliatedWith" and (f.object.start, f.object.end) in owners]


def _entry_named(text: str, matcher, entries):
    """The lexicon entry whose alias is the whole of ``text``, or None."""
    hits = matcher.find(text)
    return entries.get(hits[0][3]) if hits and hits[0][:2] == (0, len(text)) else None


def _brand_makers(mentions: list[Candidate], matcher, entries) -> list[RawFact]:
    """"NVIDIA NeMo", "Google AI Studio", "Hugging Face Hub": a product whose name opens with an
    organization's name (whole words) is that organization's."""
    facts = []
    for mention in mentions:
        words = mention.text.split(" ")
        if mention.type not in BUILDS or len(words) < 2 or not mention.text.isascii():
            continue
        for count in range(len(words) - 1, 0, -1):
            head = " ".join(words[:count])
            entry = _entry_named(head, matcher, entries)
            if entry is not None and entry.type == "Organization" and entry.id != mention.key:
                owner = Candidate(mention.start, mention.start + len(head), head, "Organization", "brand-prefix", entry.id)
                facts.append(RawFact(mention, "developedBy", owner, "brand-maker"))
                break
    return facts


def first_person_facts(text: str, mentions: list[Candidate], authors: list[Candidate], rules: RuleSet, possessive: bool = False) -> list[RawFact]:
    """"We introduce SGLang …" in a signed article, "**[2023/09/26]** 发布 X" in a README's news: what
    the authors (the project's maker) say they made is developedBy them; with ``possessive`` (an
    interview's answer), also "我们的 Orbit-R2" ("join our Discord" in a README is no such claim)."""
    if not authors:
        return []
    match = _first_person(rules).search(text) or _dated_release(rules).match(text)
    if match is None and possessive:
        match = OUR.search(text)  # "我们的 Orbit-R2": the interviewee's organization's own product
    if match is None:
        return []
    after = [m for m in mentions if m.start >= match.end() and m.type in MADE]
    if not after:
        return []
    if after[0].start - match.end() > MAX_CUE_GAP * 2 and not KIND_PHRASE.fullmatch(text, match.end(), after[0].start):
        return []
    index = mentions.index(after[0])
    made = [m for m in _group(mentions, index, text, 1, rules) if m.type in MADE]
    return [RawFact(product, "developedBy", author, "first-person") for product in made for author in authors]


OUR = re.compile(r"(?<![A-Za-z])(?:我们的|我们自己的|[Oo]ur(?: own)?)\s*")
# "We introduce our first-generation reasoning models, X and Y": what is released, named after its kind
KIND_PHRASE = re.compile(r"\s*(?:[a-z0-9][\w-]*\s+){0,5}(?:models?|LLMs?|series|family|versions?|checkpoints?)\s*[,:：]\s*")


@lru_cache(maxsize=4)
def _first_person(rules: RuleSet) -> re.Pattern:
    subject = "|".join(re.escape(w) for w in sorted(rules.relations["first_person"], key=len, reverse=True))
    verb = "|".join(re.escape(w) for w in sorted(rules.relations["first_person_verbs"], key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z])(?:{subject})\s*(?:have |had |just |also |now |today |还|也|已经|已|正式|今天|近日|最近|刚刚|首次)*(?:{verb})(?![A-Za-z])")


@lru_cache(maxsize=4)
def _dated_release(rules: RuleSet) -> re.Pattern:
    verb = "|".join(re.escape(w) for w in sorted(rules.relations["first_person_verbs"], key=len, reverse=True))
    return re.compile(rf"{rules.dated_line.pattern}(?:{verb})(?![A-Za-z])")


# a clause whose subject is a person ("我们将使用…", "you can use…") is not about the document's topic
PERSONAL = re.compile(r"我们|您|你|(?<![A-Za-z])(?:[Ww]e|[Yy]ou|I|[Oo]ur|[Yy]our)(?![A-Za-z])")


def antecedent(previous: list[Candidate], text: str) -> Candidate | None:
    """What a sentence opening with a pronoun refers to: the previous sentence's first model or tool
    ("后者": its last)."""
    match = PRONOUN.match(text)
    built = [m for m in previous if m.type in BUILDS]
    if not match or not built:
        return None
    return built[-1] if match.group(0).strip() == "后者" else built[0]


def _kind_nouns(rules: RuleSet, types=("Model", "Tool")) -> str:
    """The cue words that name a kind of model or tool ("模型", "框架") as a regex alternation."""
    return "|".join(re.escape(c) for t in types for c in rules.latin_cues[t])


@lru_cache(maxsize=4)
def _organization_pronoun_pattern(rules: RuleSet) -> re.Pattern:
    words = rules.relations
    made = _kind_nouns(rules)
    return re.compile(
        rf"(?P<pronoun>{alternation(words['organization_pronouns'], whole_words=True)})"
        rf"|(?:^|(?<=[，,；;：:]))\s*(?P<opening>{alternation(words['organization_pronouns_opening'])})"
        rf"|(?P<possessive>{alternation(words['organization_possessives'])})(?=(?:{alternation(words['product_modifiers'])})*\s*(?:{made}))"
    )


def organization_pronouns(text: str, heads: list[Candidate], recent: list[Candidate], rules: RuleSet) -> list[Candidate]:
    """"该公司还推出了 X", "，公司正式推出 X", "其旗舰模型 X", "The company released X": a word that stands
    for an organization named before it — the sentence's first organization before the word, else
    the latest of ``recent`` (the first organizations of the sentences before) — as a mention of
    that organization (rule ``pronoun``), so the rules and the model read the sentence as if the
    name were written there."""
    stand_ins = []
    for match in _organization_pronoun_pattern(rules).finditer(text):
        start, end = match.span("pronoun") if match.group("pronoun") else match.span("opening") if match.group("opening") else match.span("possessive")
        if any(m.start < end and start < m.end for m in heads):
            continue
        before = [m for m in heads if m.end <= start and m.type == "Organization"]
        org = before[0] if before else (recent[0] if recent else None)
        if org is not None:
            stand_ins.append(Candidate(start, end, org.text, "Organization", "pronoun", org.key))
    return stand_ins


def sentence_facts(
    text: str,
    mentions: list[Candidate],
    rules: RuleSet,
    bio_person: Candidate | None = None,
    referent: Candidate | None = None,
    topic: Candidate | None = None,
) -> list[RawFact]:
    """Every fact the rules find in one sentence (mentions sorted by start, offsets relative).

    ``referent`` is what a sentence-opening pronoun ("它基于…", "后者…") stands for;
    ``topic`` is what a document is about (a README's project): the subject of a clause that
    has none of its own ("支持 FP8 量化" in PaddleNLP's README), recorded with rule ``…+topic``.
    """
    facts: list[RawFact] = []
    facts += _possessive(text, mentions, rules)
    facts += _org_parts(text, mentions, rules)
    facts += _org_title_person(text, mentions)
    facts += _copula(text, mentions, rules)
    facts += _feature_of(text, mentions)
    facts += _by_makers(text, mentions)
    facts += _english_affiliation(text, mentions)
    facts += _english_roles(text, mentions, rules)
    facts += _bracketed_affiliation(text, mentions)
    clauses = _clauses(text, rules, mentions)
    previous: list[Candidate] = []
    for start, end in clauses:
        inside = [m for m in mentions if m.start >= start and m.end <= end]
        carried = _carried_subject(text, mentions, previous, start)
        if referent is not None and PRONOUN.match(text[start:end]):
            carried = [referent]
        elif not carried and topic is not None and not any(m.type in BUILDS for m in mentions if m.end <= start) \
                and not PERSONAL.search(text[start:end]):
            carried = [topic]  # "支持 FP8 量化" in a README; not "我们将使用 LoRA 微调模型" in a tutorial
        if inside:
            facts += _verb_developer(text, inside, start, end, rules)
            facts += _cue_relation(text, inside, start, end, rules, "based_on", "basedOn", BUILDS, ("Model", "Tool", "Technology"), carried)
            facts += _cue_relation(text, inside, start, end, rules, "uses", "usesTechnology", BUILDS + ("Organization",), ("Technology",), carried)
            facts += _integrated_into(text, inside, start, end, rules)
            facts += _foundation(text, inside, start, end, carried)
            facts += _passive_adoption(text, inside, start, end, rules)
            facts += _support_of(text, inside, start, end, carried)
            earlier = {m.text: m for m in mentions if m.end <= start and m.type == "Person"}
            facts += _affiliation_verb(text, inside, start, end, list(earlier.values()) if len(earlier) == 1 else [])
        previous = inside
    facts += _trailing_support(text, mentions, rules, topic)
    facts += _creator_roles(text, mentions, rules, bio_person)
    if bio_person is not None:
        facts += _bio_affiliations(text, mentions, bio_person, rules)
        facts += _bio_creations(text, mentions, bio_person, rules)
    if topic is not None:
        facts = [RawFact(f.subject, f.predicate, f.object, f.rule + "+topic") if f.subject is topic else f for f in facts]
    return facts


def _carried_subject(text: str, mentions: list[Candidate], previous: list[Candidate], clause_start: int) -> list[Candidate]:
    """Who a clause without its own subject is about, best first.

    "KTransformers，便是采用了…": the mention closing the previous clause; else the
    models and tools of the sentence's opening clause ("微软提出的 MatterGen 走的是…，
    借助…" is about MatterGen), then its opening mention.
    """
    if clause_start == 0 or not mentions:
        return []
    if previous and clause_start - previous[-1].end <= 2:
        if len(previous) > 1 and _in_brackets(text, previous[-2], previous[-1]):
            return [previous[-2]]  # "**豆包 2.0**（字节跳动）：支持…": the item, not its aside
        return [previous[-1]]
    opening = [m for m in mentions if m.end <= clause_start and not _clause_break(text, 0, m.start)]
    if not opening:
        return []
    leads = opening[0].start <= 1 or bool(OPENING_NAME.match(text[:opening[0].start]))
    if leads and opening[0].type in BUILDS:
        return [opening[0]]  # "KTransformers 提供了…，实现了…", "- **MOSS Backend** - 基于 Go …": the sentence's own subject
    built = [m for m in opening if m.type in BUILDS]
    return built[-1:] + [opening[0]] if leads else built[-1:]


def _clause_break(text: str, start: int, end: int) -> bool:
    return any(ch in "，,；;。！？!?" for ch in text[start:end])


def _possessive(text: str, mentions: list[Candidate], rules: RuleSet) -> list[RawFact]:
    """'阿里巴巴的 Qwen 系列', 'OpenAI 推出的 o1', '谷歌 Vertex AI' → developedBy (to the whole list)."""
    facts = []
    words = set(rules.relations["possessive"])
    descriptor = _descriptor_pattern(rules)
    for index, (left, right) in enumerate(zip(mentions, mentions[1:])):
        if left.type not in MAKERS or right.type not in MADE:
            continue
        between = _between(text, left, right).lstrip("：:").strip()
        between = rules.time_phrase.sub("", between, count=1).strip() if between.startswith(("于", "在")) else between  # "X 在 1 月发布的 Y"
        # "英伟达的 GPU" is a class of hardware, not a product: techniques need "提出的"
        if right.type == "Technology" and not between.endswith(("提出的", "发明的")):
            continue
        # "Meta Llama 3", "谷歌 Vertex AI"; but not "IEEE ICST 2019" or "CCF TF"
        adjacent = between == "" and left.type == "Organization" and (right.type == "Model" or (right.type == "Tool" and right.key))
        described = descriptor.fullmatch(between) is not None
        if between in words or adjacent or described:
            # "百度 ERNIE、Qwen 和 Baichuan": a brand prefix names its own product only, not the list it opens
            listed = [right] if adjacent else _group(mentions, index + 1, text, 1)
            for position, made in enumerate(listed):
                # "OpenAI 的 Codex 和 GitHub 的 Copilot": GitHub starts a possessive of its own
                if position and (re.match(r"\s*的", text[made.end:]) or made.type in MAKERS):
                    break
                if made.type in MADE:
                    facts.append(RawFact(made, "developedBy", left, "possessive-developer"))
    return facts


@lru_cache(maxsize=4)
def _descriptor_pattern(rules: RuleSet) -> re.Pattern:
    """'<maker> 维护的数学库 <tool>': a possessive word, a few words, a type noun."""
    nouns = _kind_nouns(rules, ("Model", "Tool", "Technology"))
    possessives = sorted((w for w in rules.relations["possessive"] if w.endswith("的")), key=len, reverse=True)
    # "零一万物旗舰模型 Yi-Lightning", "智谱最新一代模型": no 的, a product word and a kind noun
    products = alternation(rules.relations["product_modifiers"])
    made = _kind_nouns(rules)
    return re.compile(
        "(?:" + "|".join(map(re.escape, possessives)) + r")[\u4e00-\u9fffA-Za-z0-9\s]{0,10}(?:" + nouns + ")"
        + rf"|(?:{products})(?:\s*(?:{products}))?\s*(?:{made})"
    )


@lru_cache(maxsize=4)
def _tool_nouns(rules: RuleSet) -> re.Pattern:
    """What a model or tool is called after the technique it is built as: "RAG 引擎", "MoE 模型",
    "(MoE) language model"; a bracketed alias may stand between."""
    nouns = "|".join(re.escape(c) for c in (*rules.latin_cues["Tool"], *rules.latin_cues["Model"]))
    return re.compile(r"\s*(?:[（(][^（()）]{1,30}[)）]\s*)?(?:" + nouns + "|" + rules.cue_pattern("kind_nouns_en").pattern + ")")


def _org_parts(text: str, mentions: list[Candidate], rules: RuleSet) -> list[RawFact]:
    """'蚂蚁集团程序分析团队', '清华 KVCache.AI 团队', 'X 旗下的 Y 实验室' → partOf."""
    facts = []
    links = set(rules.relations["part_of"]) | {""}
    suffixes = tuple(rules.relations["part_suffixes"])
    for left, right in zip(mentions, mentions[1:]):
        if left.type != "Organization" or right.type != "Organization":
            continue
        between = _between(text, left, right).lstrip("：:").strip()
        owned = between in OWNERSHIP
        if owned or (between in links and right.text.rstrip().endswith(suffixes)):
            facts.append(RawFact(right, "partOf", left, "org-part"))
    # "Y 隶属于 X", "Y 是 X 旗下的…"
    for index, right in enumerate(mentions):
        if right.type != "Organization":
            continue
        tail = text[right.end:]
        member = re.match(r"\s*(?:同样|也|则)?(?:隶属于|隶属|归属于|是)\s*", tail)
        if not member:
            continue
        parent = next((m for m in mentions[index + 1:] if m.type == "Organization"), None)
        if parent and re.fullmatch(r"\s*(?:同样|也|则)?(?:隶属于|隶属|归属于|是)\s*", text[right.end:parent.start]):
            if member.group(0).strip().endswith("是") and not re.match(r"\s*(?:旗下|下属)", text[parent.end:]):
                continue
            facts.append(RawFact(right, "partOf", parent, "org-part"))
    return facts


def _org_title_person(text: str, mentions: list[Candidate]) -> list[RawFact]:
    """'英伟达高级科学家 Jim Fan', 'X 的 A 与 B', 'David Baker 领导的 IPD', '杨植麟，月之暗面创始人',
    'A 创办了 B' → affiliatedWith."""
    facts = []
    for index, (left, right) in enumerate(zip(mentions, mentions[1:])):
        between = text[left.end:right.start]
        if left.type == "Organization" and right.type == "Person":
            if between.strip() and TITLE_WORDS.match(between) and not re.search(r"[和与及、]", between):
                for person in _group(mentions, index + 1, text, 1):
                    if person.type == "Person":
                        facts.append(RawFact(person, "affiliatedWith", left, "org-title-person"))
        elif left.type == "Person" and right.type == "Organization":
            if re.fullmatch(r"\s*(?:领导的|创立的|创办的|带领的|所在的|联合创立的|创建的)\s*", between) \
                    or FOUNDED.fullmatch(between) \
                    or (re.fullmatch(r"\s*[，,]\s*", between) and ROLE_WORDS.match(text[right.end:right.end + 8].lstrip(" 的\u00a0"))):
                # "杨植麟，月之暗面创始人", "Karpathy 创办了 Eureka Labs"
                facts.append(RawFact(left, "affiliatedWith", right, "org-title-person"))
    return facts


@lru_cache(maxsize=4)
def _copula_patterns(rules: RuleSet) -> tuple[re.Pattern, re.Pattern]:
    """The copula after a subject ("Zorvex 系列模型是": its kind noun may come first), and a maker's
    verb after the maker ("Quillmark 于 2023 年 3 月从零训练的")."""
    verbs = rules.cue_pattern("develop_verbs").pattern
    return (
        re.compile(rf"\s*(?:{_kind_nouns(rules)})?\s*(?:是|为|作为|[：:])|,?\s+(?:is|was)\s+(?:an?|the)\s|,\s+(?:an?|the)\s"),
        re.compile(rf"\s*(?:{rules.time_phrase.pattern})?\s*(?:(?!的)[\u4e00-\u9fff]){{0,4}}?(?:{verbs})的"),
    )


def _copula(text: str, mentions: list[Candidate], rules: RuleSet) -> list[RawFact]:
    """'X 是 ORG 开源的…', 'X 是一个基于… 的 RAG 引擎', 'X, a strong Mixture-of-Experts (MoE) language
    model' → developedBy / usesTechnology for X."""
    if not mentions or mentions[0].type not in BUILDS:
        return []
    subject = mentions[0]
    copula = _copula_patterns(rules)[0].match(text, subject.end)
    if not copula:
        return []
    start = copula.end()
    end = next((i for i in range(start, len(text)) if text[i] in rules.clause_separators and text[i] not in "：:"), len(text))
    rest = [m for m in mentions if m.start >= start and m.end <= end]
    facts = []
    made_by = _copula_patterns(rules)[1]
    for maker in (m for m in rest if m.type in MAKERS):
        if made_by.match(text, maker.end, end) \
                or re.search(r"(?<![A-Za-z])(?:from|by)\s+(?:the\s+)?$", text[start:maker.start]):
            # "X 是 ORG 开源的…", "Code Llama is a family of code models from Meta AI"
            facts.append(RawFact(subject, "developedBy", maker, "copula-developer"))
    # "… 的开源 RAG 引擎": a technology right before the tool noun that ends the clause
    for tech in (m for m in rest if m.type == "Technology"):
        cues = list(rules.cue_pattern("based_on").finditer(text, start, tech.start))
        governed = bool(cues) and "的" not in text[cues[-1].end():tech.start]  # "基于 RAG 引擎" vs "基于…的 RAG 引擎"
        if _tool_nouns(rules).match(text[tech.end:end]) and not governed:
            facts.append(RawFact(subject, "usesTechnology", tech, "is-a-technology-tool"))
    return facts


def _verb_developer(text: str, inside: list[Candidate], start: int, end: int, rules: RuleSet) -> list[RawFact]:
    """'<org> 发布/推出/开源 … <model/tool>' and '<model> 由 <org> 开发' → developedBy."""
    facts = []
    verbs = rules.cue_pattern("develop_verbs")
    based = rules.cue_pattern("based_on")
    nouns = [m.span() for m in rules.cue_pattern("develop_verb_nouns").finditer(text, start, end)]
    bases = [m.span() for m in based.finditer(text, start, end)]

    def based_between(a: int, b: int) -> bool:  # a based-on cue inside text[a:b] (found once per clause)
        return any(a <= cs and ce <= b for cs, ce in bases)

    for verb in verbs.finditer(text, start, end):
        if any(a <= verb.start() < b for a, b in nouns):
            continue  # "在发布会上介绍了 Blackwell": a launch event, not a release
        before = [i for i, m in enumerate(inside) if m.end <= verb.start()]
        # "推出多模态思考模型 Kimi k1.5": a technique that only modifies the product's kind is not the product
        after = [m for m in inside if m.start >= verb.end() and m.type in MADE and not modifier_technology(text, m, rules)]
        if not before or not after:
            continue
        last = before[-1]
        maker = inside[last]
        # "陈天奇在华盛顿大学读博期间发起了 TVM": the subject, not the place inside "在 … 期间"
        if last > 0 and re.search(r"在\s*$", text[inside[last - 1].end:maker.start]) and inside[last - 1].type in MAKERS:
            last -= 1
            maker = inside[last]
        if maker.type not in MAKERS or len(text[maker.end:verb.start()].strip()) > 12:
            continue
        if re.search(r"由\s*$", text[start:maker.start]):  # passive, handled below
            continue
        # "发布了基于扩散模型的 GenCast": the model it is based on is no product of the maker
        after = [m for m in after if not (text[m.end:m.end + 2].lstrip().startswith("的") and based_between(verb.end(), m.start))]
        if not after:
            continue
        first = after[0]
        if based_between(verb.end(), first.start) and first is not after[-1]:
            continue
        makers = [m for m in _group(inside, last, text, -1) if m.type in MAKERS][::-1]
        first_maker = inside.index(makers[0]) if makers else 0
        if first_maker and inside[first_maker - 1].type in MAKERS and JOINTLY.fullmatch(text[inside[first_maker - 1].end:makers[0].start]):
            makers.insert(0, inside[first_maker - 1])  # "智谱联合清华大学发布了 CogAgent": both made it
        products = [m for m in _group(inside, inside.index(first), text, 1) if m.type in MADE and not modifier_technology(text, m, rules)]
        if "分别" in text[maker.end:verb.start()] and len(makers) == len(products) > 1:
            # "OpenAI 和 Google 分别发布了 GPT-1 与 BERT": each maker its own product, in order
            facts.extend(RawFact(made, "developedBy", m, "verb-developer") for made, m in zip(products, makers))
            continue
        for made in products:
            facts.extend(RawFact(made, "developedBy", m, "verb-developer") for m in makers)
    for passive in re.finditer(r"由", text[start:end]):
        p = start + passive.start()
        made = [m for m in inside if m.end <= p and m.type in MADE]
        makers = [m for m in inside if m.start > p and m.type in MAKERS]
        if not (made and makers and verbs.search(text[makers[0].end:end])):
            continue
        maker_group = _group(inside, inside.index(makers[0]), text, 1)
        opening = made[0] if OPENING_NAME.match(text[start:made[0].start]) and not _clause_break(text, made[0].end, p) else None
        if opening is not None and opening is not made[-1]:
            # "**BORT** (来自 Alexa) 伴随论文 … For BERT 由 A, B 发布": the line's subject, not a name in the paper title
            facts.extend(RawFact(opening, "developedBy", maker, "passive-developer") for maker in maker_group)
            continue
        made_group = _group(inside, inside.index(made[-1]), text, -1)[::-1]
        if "分别" in text[made[-1].end:p + 1] and len(made_group) == len(maker_group):
            pairs = list(zip(made_group, maker_group))  # "A 与 B 分别由 X 和 Y 开源"
        else:
            pairs = [(made[-1], maker) for maker in maker_group]
        facts.extend(RawFact(m, "developedBy", maker, "passive-developer") for m, maker in pairs)
    return facts


# what may open a line before its subject: a list marker, emphasis, a number
OPENING_NAME = re.compile(r"^\s*(?:[-*+•]\s+|\d+[.)、]\s*)?[*_`\[【「“\"]*\s*$")
BRACKETED = re.compile(r"[*_`]*\s*[（(]\s*")
# "Qwen2-VL, the vision-language model from Alibaba Cloud", "Gemma from Google", "Llama 3 by Meta"
APPOSITIVE_MAKER = re.compile(r"[*_`]*(?:,\s*(?:(?:the|a|an)\s+(?:[a-z][\w-]*\s+){0,5}?)?)?\s*(?:from|by)\s+(?:the\s+)?")
# "Meta's LLaMA model", "Stanford’s Alpaca", "Google's open Gemma": an organization's product
ENGLISH_POSSESSIVE = re.compile(r"['’]s\s+(?:[a-z][\w-]*\s+){0,2}(?:[a-z][\w-]*,\s+)?")  # "Mistral AI's latest model, Codestral"
BEHIND = re.compile(
    r",\s*(?:the|a)\s+(?:[\w-]+\s+){0,2}?(?:company|startup|lab|team|organization|firm|group|people|creators?|makers?)\s+"
    r"(?:behind|that\s+(?:makes|made|built|builds|created|creates|develops|developed|released|maintains))\s+(?:the\s+)?"
)
# the verb nearest the maker ("Phi-2 was trained on …, and WizardLM was built by X": WizardLM's), and
# the first "by" after it ("trained by TII, topped the leaderboard hosted by Y": not Y)
BY_MAKERS = re.compile(
    r"(?s:.*)(?<![A-Za-z])(?P<verb>proposed|introduced|released|developed|created|presented|published|open-sourced|trained|built|written|made|contributed)"
    r"(?![A-Za-z])(?:(?!(?<![A-Za-z])by\s)[^.;!?]){0,160}?(?<![A-Za-z])by\s+(?:the\s+|a\s+)?(?:(?:[a-z]+\s+)?(?:team|group|researchers|collaboration)\s+(?:from|at|of)\s+(?:the\s+)?)?$"
)
# "vLLM was originally developed in the Sky Computing Lab at UC Berkeley": made at an organization
MADE_AT = re.compile(r"(?<![A-Za-z])(?P<verb>developed|created|built|incubated|started|born)\s+(?:[a-z]+\s+){0,2}?(?:at|in)\s+(?:the\s+)?$")


def _in_brackets(text: str, outer: Candidate, inner: Candidate) -> bool:
    """"outer（inner）": the inner mention fills the brackets right after the outer one."""
    return BRACKETED.fullmatch(text[outer.end:inner.start]) is not None and text[inner.end:inner.end + 2].lstrip().startswith((")", "）"))


# "Priya Raman and Tomasz Kowalski at Quillmark", "Jane Doe, a researcher at X", "Marie Laurent,
# Quillmark's chief executive"
PERSON_AT = re.compile(r"\s*(?:,\s*(?:a|an|the)?\s*(?:[a-z][\w-]*\s+){0,4}?)?(?:at|from|with)\s+(?:the\s+)?")
PERSON_ROLE_OF = re.compile(r"\s*,\s*(?:the\s+)?$")


def _english_affiliation(text: str, mentions: list[Candidate]) -> list[RawFact]:
    """People and the organization English prose places them at ("X and Y at Z", "X, Z's CEO")."""
    if re.search(r"[\u4e00-\u9fff]", text):
        return []
    facts = []
    for index, org in enumerate(mentions):
        if org.type != "Organization" or index == 0:
            continue
        person = mentions[index - 1]
        if person.type == "Person" and PERSON_AT.fullmatch(text[person.end:org.start]):
            facts.extend(RawFact(p, "affiliatedWith", org, "affiliation-en") for p in _group(mentions, index - 1, text, -1) if p.type == "Person")
        elif person.type == "Person" and PERSON_ROLE_OF.fullmatch(text[person.end:org.start]) and ROLE_OF_EN.match(text, org.end):
            facts.append(RawFact(person, "affiliatedWith", org, "affiliation-en"))
    return facts


@lru_cache(maxsize=4)
def _role_patterns(rules: RuleSet) -> dict[str, re.Pattern]:
    """The gaps between a person and an organization that English news uses for a role."""
    roles = alternation(rules.relations["roles_en"])
    verbs = alternation(rules.relations["person_org_verbs_en"])
    words = r"(?:(?!(?:and|or|by|with|from|to|who|which|that)\b)[\w-]+\s+){0,3}?"
    return {
        # "Sam Altman, chief executive of OpenAI", "Andrej Karpathy, formerly of Tesla", "X, who worked at Y"
        "person_role_of": re.compile(
            rf"\s*,\s*(?:(?:(?:a|an|the|its|former|formerly|then|now|currently|also|longtime|senior)\s+)*{words}(?:{roles})s?\s+(?:of|at|for|with)"
            rf"|(?:formerly|previously|now|currently|once)\s+(?:of|at|with)"
            rf"|who\s+(?:(?:has|had|previously|later|also|once|now)\s+)*(?:{verbs}))\s+(?:the\s+)?",
            re.I),
        # "Meta's chief AI scientist Yann LeCun", "OpenAI chief research officer Mark Chen"
        "org_role_person": re.compile(rf"\s*(?:['’]s\s+|\s)(?:(?:former|new|then|longtime|current)\s+)?{words}(?:{roles})\s*,?\s*", re.I),
        # "Mistral AI, the Paris-based startup co-founded by Arthur Mensch", "X, which was founded by Y"
        "org_founded_by": re.compile(
            rf"(?:\s*,\s*(?:[\w-]+\s+){{0,6}}?|\s+(?:(?:which|that|was|is|were|has\s+been|been|originally|also)\s+)*)(?:{alternation(rules.relations['founded_by_en'])})\s+",
            re.I),
        # "Ilya Sutskever co-founded OpenAI", "Jane Doe joined Quillmark"
        "person_verb_org": re.compile(
            rf"\s+(?:(?:has|had|previously|later|also|once|now|recently)\s+)*(?:{verbs})\s+(?:the\s+)?", re.I),
    }


def _english_roles(text: str, mentions: list[Candidate], rules: RuleSet) -> list[RawFact]:
    """People placed in an organization by an English role or verb (see :func:`_role_patterns`)."""
    if re.search(r"[\u4e00-\u9fff]", text):
        return []
    patterns = _role_patterns(rules)
    facts = []
    for index, (left, right) in enumerate(zip(mentions, mentions[1:])):
        gap = text[left.end:right.start]
        if left.type == "Person" and right.type == "Organization":
            if patterns["person_role_of"].fullmatch(gap) or patterns["person_verb_org"].fullmatch(gap):
                facts.extend(RawFact(left, "affiliatedWith", org, "role-en") for org in _group(mentions, index + 1, text, 1) if org.type == "Organization")
        elif left.type == "Organization" and right.type == "Person":
            if patterns["org_founded_by"].fullmatch(gap) or patterns["org_role_person"].fullmatch(gap):
                facts.extend(RawFact(p, "affiliatedWith", left, "role-en") for p in _group(mentions, index + 1, text, 1) if p.type == "Person")
    return facts


def _bracketed_affiliation(text: str, mentions: list[Candidate]) -> list[RawFact]:
    """"Zhuohan Li (UC Berkeley)", "张伟（清华大学）": an organization in brackets after a person's name."""
    return [
        RawFact(person, "affiliatedWith", org, "bracketed-affiliation")
        for person, org in zip(mentions, mentions[1:])
        if person.type == "Person" and org.type == "Organization" and _in_brackets(text, person, org)
    ]


def _by_makers(text: str, mentions: list[Candidate]) -> list[RawFact]:
    """"**ALBERT** (来自 Google Research) …", "X (from Meta)": the organization in brackets made X;
    "The LLaMA model was proposed in <paper> by A, B and C": the people after "by" made the
    sentence's subject (its first model or tool, not a name inside the paper title)."""
    facts = []
    for index, maker in enumerate(mentions):
        if maker.type not in MAKERS:
            continue
        made = mentions[index - 1] if index else None
        if made is not None and made.type in MADE and (FROM_MAKER.fullmatch(text[made.end:maker.start]) or APPOSITIVE_MAKER.fullmatch(text[made.end:maker.start])):
            facts.extend(RawFact(made, "developedBy", m, "from-maker") for m in _group(mentions, index, text, 1) if m.type in MAKERS)
            continue
        after = mentions[index + 1] if index + 1 < len(mentions) else None
        if maker.type == "Organization" and after is not None and after.type in MADE and BEHIND.fullmatch(text[maker.end:after.start]):
            facts.append(RawFact(after, "developedBy", maker, "company-behind"))  # "Hugging Face, the company behind Transformers"
            continue
        if maker.type == "Organization" and after is not None and after.type in MADE and ENGLISH_POSSESSIVE.fullmatch(text[maker.end:after.start]):
            facts.append(RawFact(after, "developedBy", maker, "possessive-developer"))  # "Meta's LLaMA model"
            continue
        for inner, outer in ((maker, made), (after, maker)):
            # "GPT-4（OpenAI）", "ByteDance(YunQue)": a product and its maker, one in brackets after the other
            if inner is None or outer is None or maker.type != "Organization" or not _in_brackets(text, outer, inner):
                continue
            product = made if inner is maker else after
            if product.type in BUILDS:
                facts.append(RawFact(product, "developedBy", maker, "bracket-maker"))
        if index and re.search(r"由\s*$", text[:maker.start]) and OPENING_NAME.match(text[:mentions[0].start]) and mentions[0].type in MADE:
            group = [m for m in _group(mentions, index, text, 1) if m.type in MAKERS]
            # a name the list goes on with that no rule found ("…, Y-Lan Boureau, Jason Weston 发布") does not end it
            if re.match(r"[ A-Za-z.,'’-]{0,60}?(?:等人?)?\s*(?:联合|共同)?(?:发布|提出|开发|开源|推出|创建)", text[group[-1].end:]):
                # "1. **ALBERT** (来自 …) 伴随论文 …, 由 A, B 发布": the item's subject, across commas
                facts.extend(RawFact(mentions[0], "developedBy", m, "passive-developer") for m in group)
            continue
        by = BY_MAKERS.match(text[:maker.start])  # anchored: the leading .* finds the nearest verb in one pass
        if by is None and maker.type == "Organization":
            by = MADE_AT.search(text[:maker.start])
        if by is None or (index > 1 and COORDINATION.match(text[mentions[index - 1].end:maker.start]) and mentions[index - 1].type in MAKERS):
            continue  # a maker coordinated with one before it was taken with that one's group
        subjects = [m for m in mentions[:index] if m.type in BUILDS and m.end <= by.start("verb")]
        if not subjects and re.fullmatch(r"\W*(?:[A-Z][a-z]+ly)?\s*", text[:by.start("verb")]):
            # "Originally developed at X, vLLM has …": the subject follows the fronted clause
            comma = text.find(",", maker.end)
            subjects = [m for m in mentions[index + 1:] if m.type in BUILDS and comma != -1 and m.start > comma][:1]
        if not subjects:
            continue
        subject = subjects[0] if OPENING_NAME.match(re.sub(r"^(?:The|the|A|An)\s+", "", text[:subjects[0].start])) else subjects[-1]
        facts.extend(RawFact(subject, "developedBy", m, "by-makers") for m in _group(mentions, index, text, 1) if m.type in MAKERS)
    return facts


def models_kind(text: str, mention: Candidate, mentions: list[Candidate], rules: RuleSet) -> bool:
    """A technique that says what kind the model named right after it is: "多模态思考模型 Kimi"."""
    following = next((m for m in mentions if m.start >= mention.end), None)
    if mention.type != "Technology" or following is None or following.type != "Model":
        return False
    kinds = "|".join(re.escape(w) for w, t in rules.copula_kinds if t == "Model")
    return re.fullmatch(rf"[ \u00a0]*[\u4e00-\u9fff]{{0,4}}?(?:{kinds})[ \u00a0]*", text[mention.end:following.start]) is not None


def modifier_technology(text: str, mention: Candidate, rules: RuleSet) -> bool:
    """A technique named only as a modifier: "机器学习加速器", "知识图谱平台" (not "Transformer 架构")."""
    if mention.type != "Technology":
        return False
    after = text[mention.end:mention.end + 6].lstrip(" \u00a0")
    if not after or not re.match(r"[\u4e00-\u9fff]", after) or after.startswith(("的", "、", "和", "与", "及", "等")):
        return False
    return not any(after.startswith(cue) for cue in rules.latin_cues["Technology"])


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
    carried: list[Candidate],
) -> list[RawFact]:
    """'X 基于/采用 Y' (subject before the cue) and '基于/采用 Y 的 X' (subject after)."""
    facts = []
    rule = "based-on" if predicate == "basedOn" else "uses-technology"
    for cue in rules.cue_pattern(cue_key).finditer(text, start, end):
        if cue.group(0) == "支持" and text[:cue.start()].rstrip().endswith("的"):
            continue  # "对 A 的支持": A is what is supported (see _support_of)
        objects = [m for m in inside if m.start >= cue.end() and m.type in object_types]
        if not objects:
            continue
        first = objects[0]
        gap = text[cue.end():first.start]
        if len(gap.strip()) > MAX_CUE_GAP or any(m.start >= cue.end() and m.end <= first.start for m in inside):
            continue
        targets = [t for t in _group(inside, inside.index(first), text, 1, rules) if t.type in object_types]
        before = [i for i, m in enumerate(inside) if m.end <= cue.start() and m.type in subject_types]
        tail = inside[inside.index(targets[-1]) + 1:]
        modifier = [
            m for m in tail
            if m.type in subject_types and re.fullmatch(r"\s*(?:[^，。；,;]{0,8}的)\s*", text[targets[-1].end:m.start])
        ]
        if modifier and not before:
            group = _group(inside, inside.index(modifier[0]), text, 1)
            subjects, how = [m for m in group if m.type in subject_types], rule + "-modifier"
        elif before and not (inside[before[-1]].type == "Organization" and len(text[inside[before[-1]].end:cue.start()].strip()) > 4):
            # an organization far from the cue is where the work came from, not what uses the technique
            nearest = before[-1]
            if len(before) > 1 and ENGLISH_PREPOSITION.search(text, max(0, inside[nearest].start - 16), inside[nearest].start):
                nearest = before[-2]  # "X is fine-tuned from Y using LoRA": Y is no subject, X is
            subjects, how = [m for m in _group(inside, nearest, text, -1) if m.type in subject_types], rule
        elif any(c.type in subject_types for c in carried) and not _noun_subject(text, cue, rules):
            subjects, how = [next(c for c in carried if c.type in subject_types)], rule
        elif modifier:
            subjects, how = [modifier[0]], rule + "-modifier"
        else:
            continue
        for subject in subjects:
            for target in targets:
                if target is not subject and target.text != subject.text:
                    facts.append(RawFact(subject, predicate, target, how))
    return facts


# an English preposition right before a name: the name is its object, not a clause's subject
ENGLISH_PREPOSITION = re.compile(r"(?<![A-Za-z])(?:from|of|on|upon|than|like|over|to|into|for|versus|vs\.?)\s+(?:the\s+)?$", re.I)


def _noun_subject(text: str, cue: re.Match, rules: RuleSet) -> bool:
    """"Preliminary evaluations based on GPT-4": a lower-case English word before an English cue is
    its subject."""
    if not cue.group(0).isascii():
        return False
    word = re.search(r"(?<![A-Za-z])([a-z]+)\s*$", text[:cue.start()])
    return word is not None and word.group(1) not in rules.relations["topic_verb_links_en"]


def _foundation(text: str, inside: list[Candidate], start: int, end: int, carried: list[Candidate]) -> list[RawFact]:
    """'X 以 Y 为基座', '由 Y 演进而来的 X', 'X 在 Y 的基础上微调而来' → basedOn."""
    facts = []
    patterns = (
        (r"以\s*$", r"^\s*为(?:基座|基础|底座|骨干|蓝本)"),
        (r"(?:在|从)\s*$", r"^\s*(?:的)?(?:基础上|之上)"),
        (r"由\s*$", r"^\s*(?:演进|演化|衍生|改进|发展|蒸馏|微调)而来"),
        # "X 在 Y 上微调得到"
        (r"在\s*$", r"^\s*上\s*(?:进行|经过|通过|使用)?[\u4e00-\u9fffA-Za-z ]{0,8}?(?:微调|训练|蒸馏|对齐)(?:得到|而来|而成)"),
    )
    for index, base in enumerate(inside):
        if base.type not in ("Model", "Tool", "Technology"):
            continue
        before, after = text[start:base.start], text[base.end:end]
        for lead, trail in patterns:
            if not (re.search(lead, before) and re.search(trail, after)):
                continue
            derived_after = lead.startswith("由")
            if derived_after:
                subject = next((m for m in inside[index + 1:] if m.type in BUILDS), None)
            else:
                subject = next((m for m in reversed(inside[:index]) if m.type in BUILDS), None)
                subject = subject or next((c for c in carried if c.type in BUILDS), None)
            if subject is not None and subject is not base:
                facts.append(RawFact(subject, "basedOn", base, "based-on"))
    return facts


def _passive_adoption(text: str, inside: list[Candidate], start: int, end: int, rules: RuleSet) -> list[RawFact]:
    """'Y 已被 A、B 等框架采用/集成/支持' → A, B usesTechnology (or basedOn) Y."""
    facts = []
    uses = rules.cue_pattern("uses")
    for passive in re.finditer(r"被", text[start:end]):
        p = start + passive.start()
        things = [m for m in inside if m.end <= p]
        agents = [m for m in inside if m.start > p]
        if not things or not agents or len(text[things[-1].end:p].strip()) > 4 or len(text[p + 1:agents[0].start].strip()) > 2:
            continue
        group = _group(inside, inside.index(agents[0]), text, 1)
        verb = re.match(r"[^，。；,;]{0,10}?(集成|接入|内置|" + uses.pattern + ")", text[group[-1].end:end])
        if not verb:
            continue
        thing = things[-1]
        predicate = "usesTechnology" if thing.type == "Technology" else "basedOn"
        facts.extend(RawFact(agent, predicate, thing, "passive-adoption") for agent in group if agent.type in BUILDS + ("Organization",))
    return facts


def _support_of(text: str, inside: list[Candidate], start: int, end: int, carried: list[Candidate]) -> list[RawFact]:
    """'X 实现了对 MoE 大模型的支持', 'X 提供了对 A、B 的支持' → X usesTechnology A, B."""
    facts = []
    for found in re.finditer(r"对([^对]{0,40}?)的支持", text[start:end]):
        o0, o1 = start + found.start(1), start + found.end(1)
        objects = [m for m in inside if o0 <= m.start and m.end <= o1 and m.type == "Technology"]
        before = [m for m in inside if m.end <= start + found.start() and m.type in BUILDS]
        subject = before[-1] if before else next((c for c in carried if c.type in BUILDS), None)
        if subject is not None:
            facts.extend(RawFact(subject, "usesTechnology", o, "uses-technology") for o in objects)
    return facts


TRAILING_SUPPORT = re.compile(r"(?<![A-Za-z-])support(?![A-Za-z-])")


def _trailing_support(text: str, mentions: list[Candidate], rules: RuleSet, topic: Candidate | None) -> list[RawFact]:
    """"AVX, AVX2 and AMX support", "Vulkan and SYCL backend support": techniques listed before the
    noun are what the sentence's model or tool (else the document's topic) supports."""
    facts = []
    for found in TRAILING_SUPPORT.finditer(text):
        listed = [m for m in mentions if m.end <= found.start()]
        if not listed or listed[-1].type != "Technology" or not re.fullmatch(r"\s*(?:[a-z]+\s+)?", text[listed[-1].end:found.start()]):
            continue
        objects = [listed[-1]]
        for left in reversed(listed[:-1]):
            gap = text[left.end:objects[0].start]
            if left.type != "Technology" or not gap.strip() or not rules.coordination.fullmatch(gap):
                break
            objects.insert(0, left)
        before = [m for m in mentions if m.end <= objects[0].start and m.type in BUILDS]
        subject = before[-1] if before else topic if not PERSONAL.search(text) else None
        if subject is not None:
            facts.extend(RawFact(subject, "usesTechnology", o, "uses-technology") for o in objects)
    return facts


def _feature_of(text: str, mentions: list[Candidate]) -> list[RawFact]:
    """'GPT 模型的 Function Calling 功能', 'BERT（Encoder-Only）' → GPT/BERT usesTechnology …"""
    facts = []
    for left, right in zip(mentions, mentions[1:]):
        if left.type in BUILDS and right.type == "Technology":
            if re.fullmatch(r"\s*(?:模型|框架|平台|系统)?的\s*", text[left.end:right.start]) and re.match(
                r"\s*(?:功能|能力|特性|机制|支持)", text[right.end:]
            ):
                facts.append(RawFact(left, "usesTechnology", right, "feature-of"))
            elif _in_brackets(text, left, right):
                # "BERT（Encoder-Only）", "GPT (Decoder-Only)": a model and, in brackets, what it is built as
                facts.append(RawFact(left, "usesTechnology", right, "bracket-technique"))
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


def _affiliation_verb(text: str, inside: list[Candidate], start: int, end: int, earlier: list[Candidate] = ()) -> list[RawFact]:
    """'<person> 现任/曾任/就职于/毕业于/加入 <org>', '<person> 在 <org> 读博/任职', '<person> 是 <org> 教授';
    a clause opening with an explicit cue is about the one person named before it in the sentence
    ("王某曾任 A，毕业于 B")."""
    facts = []
    for cue in AFFILIATION_CUES.finditer(text, start, end):
        c = cue.start()
        people = [m for m in inside if m.end <= c and m.type == "Person"]
        orgs = [m for m in inside if m.start >= c and m.type == "Organization"]
        opening = not people and len(text[start:c].strip()) <= 2  # "，曾在 A 工作": a weak cue still needs its role word
        if opening:
            people = list(earlier)
        if orgs and not people and cue.group(0) in EXPLICIT_AFFILIATION:
            later = [m for m in inside if m.start >= orgs[0].end]
            if later and later[0].type == "Person" and TITLE_WORDS.match(text[orgs[0].end:later[0].start]):
                facts.append(RawFact(later[0], "affiliatedWith", orgs[0], "affiliation-verb"))
            continue
        if not people or not orgs or (len(text[people[-1].end:c].strip()) > 6 and not opening):
            continue
        org = orgs[0]
        if any(m.start >= c and m.end <= org.start for m in inside):
            continue
        # "曾在微软亚洲研究院和阿里巴巴达摩院工作": every organization of the list, the role after the last
        listed = [m for m in _group(inside, inside.index(org), text, 1) if m.type == "Organization"]
        explicit = cue.group(0) in EXPLICIT_AFFILIATION
        role_after = ROLE_WORDS.match(re.sub(r"^(?:担任|出任|任)", "", text[listed[-1].end:listed[-1].end + 12].lstrip(" 的\u00a0")))
        if explicit or (role_after and len(text[c:org.start].strip()) <= 6):
            facts.extend(RawFact(people[-1], "affiliatedWith", o, "affiliation-verb") for o in listed)
    # "<org> 由 <person> (联合)创办/创立" and "由 <person> 等人创立的 <org>"
    for found in re.finditer(r"由", text[start:end]):
        f = start + found.start()
        after = [m for m in inside if m.start > f]
        if not after or after[0].type != "Person":
            continue
        tail = text[after[0].end:end]
        if not re.match(r"\s*(?:等人?)?\s*(?:联合)?(?:创办|创立|创建|成立|创始)", tail):
            continue
        orgs_before = [m for m in inside if m.end <= f and m.type == "Organization"]
        orgs_after = [m for m in inside if m.start >= after[0].end and m.type == "Organization"]
        target = orgs_before[-1] if orgs_before else (orgs_after[0] if orgs_after else None)
        if target is not None:
            facts.append(RawFact(after[0], "affiliatedWith", target, "affiliation-verb"))
    return facts


@lru_cache(maxsize=4)
def _creator_pattern(rules: RuleSet) -> re.Pattern:
    links = "|".join(re.escape(w) for w in sorted(rules.relations["creator_links"], key=len, reverse=True))
    roles = "|".join(re.escape(w) for w in sorted(rules.relations["creator_roles"], key=len, reverse=True))
    return re.compile(rf"\s*(?:the\s+)?(?:(?:{links})\s*)*(?P<role>{roles})(?![A-Za-z])", re.I)


def _creator_roles(text: str, mentions: list[Candidate], rules: RuleSet, bio_person: Candidate | None) -> list[RawFact]:
    """"Shire 的创始人", "ArchGuard 的核心开发者": the role's person (the bio's, or the person
    named right after the role) made the product; "X, the creator of Y" in English."""
    pattern = _creator_pattern(rules)
    facts = []
    for index, made in enumerate(mentions):
        if made.type not in MADE:
            continue
        role = pattern.match(text, made.end)
        if role is not None and not role.group("role").isascii():
            after = next((m for m in mentions[index + 1:] if m.start >= role.end()), None)
            if after is not None and after.type == "Person" and after.start - role.end() <= 2:
                facts.append(RawFact(made, "developedBy", after, "creator-role"))
            elif bio_person is not None and (after is None or after.start > role.end()):
                facts.append(RawFact(made, "developedBy", bio_person, "creator-role"))
            continue
        # "Guido, the creator of Python", "he is the author of X" (the bio's person)
        before = re.search(r"(?P<role>[A-Za-z-]+(?: [A-Za-z]+)?) of\s*$", text[max(0, made.start - 30):made.start])
        if before is None or not pattern.fullmatch(" " + before.group("role")):
            continue
        people = [m for m in mentions[:index] if m.type == "Person" and made.start - m.end <= 30]
        maker = people[-1] if people else bio_person
        if maker is not None:
            facts.append(RawFact(made, "developedBy", maker, "creator-role"))
    return facts


def _bio_creations(text: str, mentions: list[Candidate], person: Candidate, rules: RuleSet) -> list[RawFact]:
    """In an author bio, a model or tool the bio says its person founded, started or built
    ("曾联合发起开源向量数据库项目 Milvus"): the first such product after the verb in its clause,
    when no other maker stands in between."""
    facts = []
    separators = "，,；;。"
    for verb in rules.cue_pattern("bio_creation_verbs").finditer(text):
        if re.search("参与|协助|帮助", text[max(0, verb.start() - 4):verb.start()]) or text[verb.end():verb.end() + 1] == "者":
            continue  # "参与开发 X": a contributor; "开发者": a role
        clause_end = next((i for i in range(verb.end(), len(text)) if text[i] in separators + "《》"), len(text))
        after = [m for m in mentions if verb.end() <= m.start < clause_end]
        made = next((m for m in after if m.type in BUILDS), None)
        if made is None or made.start - verb.end() > 20 or any(m.type in MAKERS and m.start < made.start for m in after):
            continue
        facts.append(RawFact(made, "developedBy", person, "bio-creation"))
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
        clause_after = re.split(r"[，,；;。、]", text[mention.end:mention.end + 24], maxsplit=1)[0]
        if "奖" in clause_after:
            continue  # "曾获 ACM 中国优秀博士学位论文奖": an award, not an employer
        honour = honours.match(text[mention.end:mention.end + 12].lstrip())
        if honour and not ROLE_WORDS.search(text[mention.end:mention.end + 16].lstrip()[honour.end():][:6]):
            continue  # "微软最有价值专家（MVP）", "X 中文社区" are honours and hobbies, not employers
        facts.append(RawFact(person, "affiliatedWith", mention, "bio-affiliation"))
    return facts
