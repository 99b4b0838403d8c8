"""The learned relation model: features of a pair of mentions in one sentence, and their scoring.

A pair (earlier mention A, later mention B) gets one of eleven labels: ``none``, or a
predicate with a direction (``developedBy>``: A developedBy B; ``developedBy<``: B
developedBy A). Features are the words between, around and at the edges of the pair,
their types, distance, coordination, the sentence's language and which relation rules
fired on the pair. The weights are a multinomial logistic regression fitted by
``aikg train`` (``aikg.train``) and shipped as sorted JSON beside this module
(``aikg.extract.linear``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from aikg.extract.entities import Candidate
from aikg.extract.linear import LinearModel
from aikg.extract.relations import RawFact, models_kind
from aikg.extract.rules import RuleSet

MODEL_FILE = Path(__file__).with_name("model") / "relations.json"
LEARNED = ("affiliatedWith", "developedBy", "basedOn", "usesTechnology", "partOf")
LABELS = ("none",) + tuple(f"{p}{d}" for p in LEARNED for d in (">", "<"))
RULE_NAME = "learned"
MAX_GAP = 120  # characters between the two mentions of a pair
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*|\d+(?:\.\d+)?|[\u4e00-\u9fff]+|[^\sA-Za-z0-9\u4e00-\u9fff]")
CJK = re.compile(r"[\u4e00-\u9fff]")
COORDINATION = re.compile(r"^\s*(?:、|和|与|及|以及|,|，|&|/|／|and|or|或)\s*$", re.I)
SEPARATOR = re.compile(r"[，,；;：:]")


@lru_cache(maxsize=1024)  # asked of the same sentence by the tokenizer choice, the relation and the type models
def language(text: str) -> str:
    """'zh' when a tenth or more of the letters are Chinese characters, else 'en'."""
    letters = sum(1 for ch in text if ch.isalpha())
    return "zh" if letters and len(CJK.findall(text)) * 10 >= letters else "en"


def tokens(text: str) -> list[str]:
    """Lower-cased Latin words, numbers, punctuation; Chinese runs as characters and bigrams."""
    out: list[str] = []
    for match in TOKEN.finditer(text):
        token = match.group(0)
        if CJK.match(token):
            out.extend(token)
            out.extend(token[i:i + 2] for i in range(len(token) - 1))
        else:
            out.append(token.lower())
    return out


def edge_token(text: str, last: bool) -> str:
    """The word or Chinese bigram at one edge of a stretch of text."""
    found = TOKEN.findall(text)
    if not found:
        return "_"
    token = found[-1] if last else found[0]
    if CJK.match(token):
        return token[-2:] if last else token[:2]
    return token.lower()


def _bucket(value: int, bounds=(0, 2, 5, 10, 20, 40, 80)) -> str:
    return str(next((b for b in bounds if value <= b), "far"))


CUE_KEYS = ("develop_verbs", "develop_passive", "possessive", "based_on", "uses", "part_of", "affiliation_cues",
            "develop_en", "based_en", "uses_en", "part_en", "affiliation_en")


@lru_cache(maxsize=4)
def _cue_patterns(rules: RuleSet) -> tuple[tuple[str, re.Pattern], ...]:
    """Each relation cue list as one regex; Latin cues match whole words only."""
    out = []
    for key in CUE_KEYS:
        words = sorted(rules.relations.get(key, ()), key=len, reverse=True)
        parts = [rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])" if w.isascii() else re.escape(w) for w in words]
        if parts:
            out.append((key, re.compile("|".join(parts), re.I)))
    return tuple(out)


@lru_cache(maxsize=4)
def _cue_searchers(rules: RuleSet) -> tuple[re.Pattern | None, tuple[tuple[str, re.Pattern | None, re.Pattern | None], ...]]:
    """``_cue_patterns`` rewritten to search faster, matching the same stretches: where a Latin
    cue can start, then per list its Chinese cues (re scans for their first characters) and
    its Latin cues grouped by first letter, tried only where a Latin cue can start (one regex
    of every cue otherwise tries every cue at every character)."""
    lists, firsts = [], set()
    for key in CUE_KEYS:
        words = rules.relations.get(key, ())
        other = "|".join(re.escape(w) for w in words if not w.isascii())
        groups: dict[str, list[str]] = {}
        for word in words:
            if word.isascii():
                groups.setdefault(word[0].lower(), []).append(re.escape(word[1:]))
        firsts.update(groups)
        latin = "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in groups.items())
        if other or latin:
            lists.append((key, re.compile(other, re.I) if other else None,
                          re.compile(rf"(?<![A-Za-z])(?:{latin})(?![A-Za-z])", re.I) if latin else None))
    starts = re.compile(rf"(?<![A-Za-z])[{''.join(re.escape(c) for c in sorted(firsts))}]", re.I) if firsts else None
    return starts, tuple(lists)


@lru_cache(maxsize=8192)
def _cue_keys(rules: RuleSet, text: str) -> tuple[str, ...]:
    """The cue lists with a word in ``text``, in CUE_KEYS order, searched once per distinct
    stretch: a mention's left and right stretches recur in every pair it is in."""
    starts, lists = _cue_searchers(rules)
    where = [m.start() for m in starts.finditer(text)] if starts is not None else []
    return tuple(key for key, other, latin in lists
                 if (other is not None and other.search(text)) or (latin is not None and any(latin.match(text, i) for i in where)))


def cue_features(rules: RuleSet, **stretches: str) -> list[str]:
    """'cue:KEY@WHERE' for every cue list with a word in a stretch of text."""
    return [f"cue:{key}@{where}" for where, text in stretches.items() for key in _cue_keys(rules, text)]


def pair_features(text: str, mentions: list[Candidate], i: int, j: int, rule_facts: list[RawFact], lang: str, in_bio: bool, rules: RuleSet) -> list[str]:
    """Features of the pair (mentions[i], mentions[j]), i < j, in one sentence; ``rule_facts`` are
    the sentence's rule facts (the pair's own are never among them when scoring)."""
    a, b = mentions[i], mentions[j]
    between = text[a.end:b.start]
    types = f"{a.type}>{b.type}"
    features = [f"t:{types}", f"t:{types}|{lang}", f"d:{_bucket(len(between))}", f"mb:{_bucket(j - i - 1, (0, 1, 2, 4))}"]
    features += [f"b:{t}" for t in set(tokens(between))] if len(between) <= 40 else ["b:FAR"]
    first, last = edge_token(between, False), edge_token(between, True)
    features += [f"b1:{first}", f"bl:{last}", f"b1:{first}|{types}", f"bl:{last}|{types}"]
    before, after = text[max(0, a.start - 12):a.start], text[b.end:b.end + 12]
    features += [f"l:{edge_token(before, True)}", f"r:{edge_token(after, False)}", f"r:{edge_token(after, False)}|{types}"]
    cues = cue_features(rules, b=between, l=before, r=after)
    features += cues + [f"{cue}|{types}" for cue in cues]
    if COORDINATION.match(between):
        features.append("coord")
    if SEPARATOR.search(between):
        features.append("sep")
    if in_bio:
        features.append("bio")
    if a.rule == "topic":
        features += ["v:topic", f"v:topic|{types}"]
    # what the rules said of each end with other mentions ("A、B 和 C 由 X 开发": a list shares its verb)
    for fact in rule_facts:
        for name, mention in (("ra", a), ("rb", b)):
            if fact.subject is mention:
                features.append(f"{name}:{fact.predicate}:s")
            elif fact.object is mention:
                features.append(f"{name}:{fact.predicate}:o")
    return sorted(set(features))


# mentions that stand for something the sentence does not name: a pronoun's referent, the
# document's topic (a README's project); the topic pairs with every mention, however far
VIRTUAL_RULES = frozenset({"pronoun", "topic"})


def candidate_pairs(text: str, mentions: list[Candidate], rules: RuleSet):
    """(i, j) for every pair of mentions close enough that some learned predicate fits their types
    and not in two cells of a table row (the table's header says what those are to each other)."""
    for i, a in enumerate(mentions):
        for j in range(i + 1, len(mentions)):
            b = mentions[j]
            if b.start - a.end > MAX_GAP and a.rule != "topic":
                break
            if a.text == b.text or b.start < a.end or "|" in text[a.end:b.start]:
                continue
            if allowed_labels(a.type, b.type, rules)[1:]:
                yield i, j


@lru_cache(maxsize=64)
def _allowed(a_type: str, b_type: str, signatures: tuple) -> tuple[int, ...]:
    allowed = [0]
    for index, label in enumerate(LABELS[1:], start=1):
        predicate, direction = label[:-1], label[-1]
        subject, obj = (a_type, b_type) if direction == ">" else (b_type, a_type)
        domain, range_ = dict(signatures)[predicate]
        if subject in domain and obj in range_:
            allowed.append(index)
    return tuple(allowed)


def allowed_labels(a_type: str, b_type: str, rules: RuleSet) -> tuple[int, ...]:
    """Indices into LABELS that the ontology allows for a pair of these types ('none' first)."""
    return _allowed(a_type, b_type, tuple(sorted((p, rules.signatures[p]) for p in LEARNED)))


def rule_labels(facts: list[RawFact], a: Candidate, b: Candidate) -> set[str]:
    """The labels the relation rules gave the pair (a earlier than b)."""
    labels = set()
    for fact in facts:
        if fact.subject is a and fact.object is b:
            labels.add(f"{fact.predicate}>")
        elif fact.subject is b and fact.object is a:
            labels.add(f"{fact.predicate}<")
    return labels


class RelationModel(LinearModel):
    """The relation model: a linear model over LABELS that finds facts among a sentence's mentions."""

    expected_labels = LABELS

    def facts(self, text: str, mentions: list[Candidate], rule_facts: list[RawFact], rules: RuleSet, in_bio: bool = False) -> list[RawFact]:
        """The facts the model finds among one sentence's mentions (sorted by start), on the pairs
        no relation rule decided."""
        lang = language(text)
        found: list[tuple[float, RawFact]] = []
        for i, j in candidate_pairs(text, mentions, rules):
            a, b = mentions[i], mentions[j]
            if rule_labels(rule_facts, a, b):
                continue  # where a rule decided, the rule's fact stands
            features = pair_features(text, mentions, i, j, rule_facts, lang, in_bio, rules)
            probability, index = self.probabilities(features, allowed_labels(a.type, b.type, rules))[0]
            label = LABELS[index]
            if index == 0 or probability < self.threshold:
                continue
            subject, obj = (a, b) if label.endswith(">") else (b, a)
            if label[:-1] == "developedBy" and models_kind(text, subject, mentions, rules):
                continue  # "推出多模态思考模型 Kimi": the technique only says what kind the product is
            if any(f.subject is subject and f.predicate == label[:-1] for f in rule_facts):
                continue  # the rules already said what this subject's developer (base, …) is here
            found.append((probability, RawFact(subject, label[:-1], obj, RULE_NAME)))
        # a sentence seldom gives one thing two makers: of the model's guesses, the likeliest
        single = set(rules.relations["one_object_per_sentence"])
        best: dict[tuple[int, str], float] = {}
        for probability, fact in found:
            if fact.predicate in single:
                key = (id(fact.subject), fact.predicate)
                best[key] = max(best.get(key, 0.0), probability)
        return [fact for probability, fact in found
                if fact.predicate not in single or probability >= best[(id(fact.subject), fact.predicate)]]


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_FILE) -> RelationModel | None:
    """The shipped relation model, or None when none has been trained yet."""
    return RelationModel.load(path)
