"""Numbers and dates as facts: observations of a measure about an entity, with evidence.

Runs after entity extraction (``aikg.build`` calls :func:`extract_observations` with the
documents and the resolved extraction) and reads only the text, the articles and the
mentions. Vocabulary is data: the measures and their cue words in ``ontology/measures.toml``,
magnitudes, qualifiers, date words and event verbs in ``ontology/quantities.toml``.

Layouts and rules (each observation records the rule that produced it):

* ``label-value``: a value alone on a line and its label on the next ("1350 万" /
  "2024年Gitee总用户数"), Part 1 of the report;
* ``vote-list``: "文心一言 / 得票率: 19.52%" under a category heading (Part 3); the rank is
  the place by value within the category;
* ``cue-number``: a number next to a measure's cue word in a sentence ("近 8 万基于 Qwen 的
  衍生模型", "RAG 以 51% 的市场份额");
* ``size-in-name``: a model size written in a model's name (Qwen2.5-72B, GLM Edge 1.5B);
* ``rank-phrase``: "X 名列 Top500 排行榜第五";
* ``release-*`` / ``founding-*`` / ``event-*``: a date next to a release, founding or event verb.

Values are normalized (1350 万 → 13500000, 19.52 % → 0.1952, 7B → 7000000000); qualifiers
(近/超过/约, nearly/over/about) are kept, never turned into exact values; relative years
(今年, 本年度) are resolved only against a date the document itself states on its cover.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from aikg import paths
from aikg.patterns import alternation
from aikg.records import Article, Document, Extraction, Mention, Observation

EVIDENCE_MAX = 240
CLAUSE_BREAK = re.compile(r"[，。；：,;:！？!?（）()【】\n]")
SENTENCE_PUNCT = re.compile(r"[。！？；，,.!?;]")
PRONOUNS = ("它们", "它", "其", "they", "their", "its", "it")
COORDINATORS = re.compile(r"\s*(?:、|，|,|/|及|和|与|以及|&|and)\s*")
RELEASE_COORDINATORS = re.compile(r"\s*(?:、|，|,|及|和|与|以及|&|and)\s*")
M_BASE, D_BASE = 0xE000, 0xF000  # private-use characters standing for mentions and dates in masked text
M_CLASS, D_CLASS = "[\ue000-\uefff]", "[\uf000-\uf8ff]"


# -- vocabulary ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    id: str
    label_en: str
    label_zh: str
    kind: str  # quantity | date | rank
    unit: str | None
    about: tuple[str, ...]
    cues: tuple[str, ...]
    joint: bool = False
    scope: str = "clause"
    cue_window: str = "clause"
    wikidata: str | None = None
    schema: str | None = None
    match: str | None = None
    property: str | None = None


@lru_cache(maxsize=4)
def load_measures(path: Path = paths.MEASURES) -> dict[str, Measure]:
    """The controlled list of measures, by id."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    measures = {}
    for mid, entry in sorted(data.get("measure", {}).items()):
        measures[mid] = Measure(
            id=mid, label_en=entry["label_en"], label_zh=entry["label_zh"], kind=entry["kind"], unit=entry.get("unit"),
            about=tuple(entry.get("about", ())), cues=tuple(entry.get("cues", ())), joint=bool(entry.get("joint", False)),
            scope=entry.get("scope", "clause"), cue_window=entry.get("cue_window", "clause"), wikidata=entry.get("wikidata"), schema=entry.get("schema"),
            match=entry.get("match"), property=entry.get("property"),
        )
    return measures


class Vocab:
    """ontology/quantities.toml compiled into the regexes the rules use."""

    def __init__(self, path: Path = paths.QUANTITIES, measures_path: Path = paths.MEASURES):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        self.measures = load_measures(measures_path)
        self.magnitudes = {k: Decimal(v) for k, v in data["magnitudes"].items()}
        self.qualifier_names = tuple(data["qualifiers"])
        self.before: dict[str, str] = {}
        self.after: dict[str, str] = {}
        self.month_part: dict[str, str] = {}
        self.year_part: dict[str, str] = {}
        for name, lists in data["qualifiers"].items():
            for word in lists.get("before", ()):
                self.before[word.lower()] = name
            for word in lists.get("after", ()):
                self.after[word] = name
            for word in lists.get("month", ()):
                self.month_part[word] = name
            for word in lists.get("year", ()):
                self.year_part[word] = name
        dates = data["dates"]
        self.relative_years = dict(dates["relative_years"])
        self.months_en = [m.lower() for m in dates["months_en"]]
        self.cover_lines = int(dates["cover_lines"])
        units = data["units"]
        self.percent = tuple(units["percent"])
        self.per_second = tuple(units["tokens_per_second"])
        events = data["events"]
        self.events = {kind: tuple(events[kind]) for kind in ("release", "founding", "event")}
        self.kind_nouns = tuple(events["kind_nouns"])
        self.adverbs = tuple(events["adverbs"])
        self.event_suffixes = tuple(events["event_suffixes"])
        self.blockers = tuple(events["blockers"])
        self.list_openers = tuple(events["list_openers"])
        ranks = data["ranks"]
        self.rank_verbs = tuple(ranks["verbs"])
        self.numerals = {k: int(v) for k, v in ranks["numerals"].items()}
        layouts = data["layouts"]
        self.vote_labels = tuple(layouts["vote_labels"])
        self.label_gap = int(layouts["label_gap"])
        self.heading_max = int(layouts["heading_max"])
        self._compile()

    def _compile(self) -> None:
        zh_mag = [m for m in self.magnitudes if not m.isascii()]
        en_words = [m for m in self.magnitudes if m.isascii() and len(m) > 1]
        suffixes = [m for m in self.magnitudes if m.isascii() and len(m) == 1]
        number = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
        magnitude = rf"(?:\s*(?:{alternation(zh_mag)})|\s+(?:{alternation(en_words)})\b|(?:{alternation(suffixes)})(?![A-Za-z0-9]))"
        unit = rf"(?P<unit>{alternation(self.percent + self.per_second)})"
        before = alternation(self.before)
        after = alternation(self.after)
        self.quantity = re.compile(
            rf"(?:(?P<qb>{before})\s*)?(?<![A-Za-z0-9.\-_])(?P<n1>{number})(?P<m1>{magnitude})?"
            rf"(?:\s*(?:[-~～—–]|到|至|to)\s*(?P<n2>{number})(?P<m2>{magnitude})?)?"
            rf"(?:\s*{unit})?(?:\s*(?P<qa>{after}))?",
            re.I,
        )
        months = "|".join(self.months_en)
        rel = alternation(self.relative_years)
        month_parts = alternation(self.month_part)
        year_parts = alternation(self.year_part)
        self.date = re.compile(
            rf"(?:(?P<rel>{rel})|(?P<year>(?:19|20)\d{{2}})\s*年(?:度)?)"
            rf"(?:\s*(?P<month>1[0-2]|0?[1-9])\s*月份?(?:\s*(?P<day>3[01]|[12]\d|0?[1-9])\s*[日号])?)?"
            rf"(?P<part>{month_parts}|{year_parts})?"
            rf"|(?i:(?:(?P<epart>early|mid|late)[\s-]+)?(?P<emonth>{months})\.?\s+(?:(?P<eday>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?,?\s+)?(?P<eyear>(?:19|20)\d{{2}})\b)"
            rf"|(?i:(?P<eday2>3[01]|[12]\d|0?[1-9])\s+(?P<emonth2>{months})\s+(?P<eyear2>(?:19|20)\d{{2}})\b)"
            rf"|(?P<iso>(?:19|20)\d{{2}}-[01]\d-[0-3]\d)(?![\d-])"
            rf"|(?i:(?:(?<=\bin )|(?<=\bsince )|(?<=\bduring )|(?<=\bof )|(?<=\bearly )|(?<=\blate )|(?<=\bmid-))(?P<eyear3>(?:19|20)\d{{2}})\b)"
        )
        all_cues = {cue: mid for mid, m in sorted(self.measures.items(), reverse=True) for cue in m.cues}
        self.cue_of = {cue.lower(): mid for cue, mid in all_cues.items()}
        self.cue = re.compile(alternation(all_cues), re.I)
        self.vote = re.compile(rf"^\s*(?:{alternation(self.vote_labels)})\s*[:：]\s*(?P<q>.+?)\s*$", re.I)
        m, d = M_CLASS, D_CLASS
        adv = alternation(self.adverbs)
        nouns = alternation(self.kind_nouns)
        block = alternation(self.blockers)
        text = rf"[^，。；,;！？!?\ue000-\uefff\uf000-\uf8ff]"
        self.patterns: list[tuple[str, str, re.Pattern]] = []
        for kind in ("release", "founding"):
            zh = [w for w in self.events[kind] if not w.isascii()]
            en = [w for w in self.events[kind] if w.isascii()]
            v, ve = alternation(zh), alternation(en)
            lead = rf"(?:(?:{adv}|由|{m}|\s)*?)"
            after_verb = rf"(?!{block})(?=\s*(?:了\s*)?(?:$|[，。；,;、）)]|并|后))"
            self.patterns += [
                (kind, "verb-de", re.compile(rf"(?P<d>{d})\s*(?:[，,]\s*)?{lead}(?P<v>{v})了?的\s*{text}{{0,4}}?(?P<x>{m})")),
                (kind, "post", re.compile(rf"(?P<x>{m})\s*(?:{nouns})?\s*(?:由\s*{m}\s*)?(?:{adv}|\s)*(?P<d>{d})\s*(?:{adv}|\s)*(?P<v>{v}){after_verb}")),
                (kind, "lead", re.compile(rf"^(?:{adv}|截至|截止|\s)*(?P<d>{d})\s*[，,]\s*{text}{{0,6}}?(?P<x>{m})\s*(?:{nouns}|{m})?\s*(?P<v>{v}){after_verb}")),
                (kind, "en-passive", re.compile(rf"(?P<x>{m})[^.;\ue000-\uefff]{{0,40}}?\b(?:was|were|is|got)\s+(?:first\s+|officially\s+)?(?P<v>{ve})\s+(?:in|on)\s+(?P<d>{d})", re.I)),
                (kind, "en-apposition", re.compile(rf"(?P<x>{m})\s*,\s*(?:which\s+was\s+)?(?P<v>{ve})\s+(?:in|on)\s+(?P<d>{d})", re.I)),
                (kind, "en-active", re.compile(rf"(?P<v>{ve})\s+(?:the\s+|its\s+|a\s+|an\s+)?(?:[A-Za-z-]+\s+){{0,3}}?(?P<x>{m})\s+(?:in|on)\s+(?P<d>{d})", re.I)),
                (kind, "en-lead", re.compile(rf"^(?:In|On)\s+(?P<d>{d})\s*,\s*(?:{m}\s+)?(?P<v>{ve})\s+(?:the\s+|its\s+|a\s+|an\s+)?(?:[A-Za-z-]+\s+){{0,3}}?(?P<x>{m})", re.I)),
            ]
            if kind == "release":
                self.patterns += [
                    (kind, "verb-object", re.compile(rf"(?P<d>{d})\s*(?:[，,]\s*)?{lead}(?P<v>{v})(?!{block})了?\s*{text}{{0,12}}?(?P<x>{m})")),
                    (kind, "noun", re.compile(rf"(?P<d>{d})\s*(?:[，,]\s*)?{text}{{0,20}}?(?P<x>{m})\s*的\s*(?P<v>{v})(?!{block})")),
                    (kind, "lead-list", re.compile(rf"^(?:{adv}|\s)*(?P<d>{d})[^。；;!?！？]{{0,30}}?(?P<v>{v})(?!{block})[^。；;，,]{{0,20}}[，,]\s*(?:{alternation(self.list_openers)})\s*(?P<x>{m})")),
                ]
                # "2024 年初有两个…工作，微软发布的 GraphRAG 和俄亥俄州立大学发布的 HippoRAG": a date
                # opening the sentence dates every "ORG 发布的 X" in it
                self.lead_date = re.compile(rf"^(?:{adv}|\s)*(?P<d>{d})")
                self.org_de = re.compile(rf"(?P<o>{m})\s*(?P<v>{v})了?的\s*(?P<x>{m})")
            else:
                self.patterns += [(kind, "verb-at", re.compile(rf"(?P<x>{m})\s*(?:{nouns})?\s*(?P<v>{v})于\s*(?P<d>{d})"))]
        ev = alternation(self.events["event"])
        self.event = re.compile(
            rf"(?P<d>{d})[^。；;\uf000-\uf8ff]{{0,30}}?(?P<v>{ev})了?\s*(?:「(?P<q>[^」]{{1,60}})」|(?P<n>[^，。；,;「」]{{1,30}}?(?:{alternation(self.event_suffixes)})))"
        )
        numerals = alternation(self.numerals)
        self.rank = re.compile(rf"(?P<x>{m})[”\"」』\s]*(?P<v>{alternation(self.rank_verbs)})\s*(?P<cat>[^，。；,;！？!?]{{0,20}}?)\s*第\s*(?P<n>\d+|{numerals})")


@lru_cache(maxsize=4)
def load_vocab(path: Path = paths.QUANTITIES, measures_path: Path = paths.MEASURES) -> Vocab:
    return Vocab(path, measures_path)


# -- numbers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    """A number as written, normalized: value (or low/high for a range), unit, qualifier."""

    start: int
    end: int
    stated: str
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    unit: str | None  # PERCENT, NUM-PER-SEC, or None (a plain number)
    qualifier: str | None


def plain(value: Decimal) -> str:
    """A decimal as a plain string without exponent or trailing zeros: 13500000, 0.1952."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _number(text: str, magnitude: str | None, vocab: Vocab) -> Decimal:
    value = Decimal(text.replace(",", ""))
    if magnitude:
        word = magnitude.strip()
        factor = vocab.magnitudes.get(word) or vocab.magnitudes.get(word.lower())
        if factor is None:
            raise InvalidOperation(word)
        value *= factor
    return value


def parse_quantities(text: str, vocab: Vocab | None = None) -> list[Quantity]:
    """Every number in ``text`` with its magnitude, range, unit and qualifier."""
    vocab = vocab or load_vocab()
    found = []
    for match in vocab.quantity.finditer(text):
        unit_text = (match.group("unit") or "").lower()
        unit = None
        if unit_text in {u.lower() for u in vocab.percent}:
            unit = "PERCENT"
        elif unit_text in {u.lower() for u in vocab.per_second}:
            unit = "NUM-PER-SEC"
        try:
            first = _number(match.group("n1"), match.group("m1"), vocab)
            second = _number(match.group("n2"), match.group("m2") or match.group("m1"), vocab) if match.group("n2") else None
        except InvalidOperation:
            continue
        if second is not None and match.group("m2") and not match.group("m1"):
            first = _number(match.group("n1"), match.group("m2"), vocab)  # "1~7B": the magnitude applies to both
        scale = Decimal(100) if unit == "PERCENT" else Decimal(1)
        qualifier = None
        if match.group("qb"):
            qualifier = vocab.before[match.group("qb").lower()]
        elif match.group("qa"):
            qualifier = vocab.after[match.group("qa")]
        bare = not (match.group("m1") or match.group("m2") or unit or qualifier)
        if bare and "." not in match.group("n1") and 1900 <= first <= 2100 and (second is None or 1900 <= second <= 2100):
            continue  # a year ("2014-2024 Gitee 用户数增长曲线"), not a quantity
        if second is not None:
            if second <= first:
                continue  # "2020-06" or a list, not a range
            found.append(Quantity(match.start(), match.end(), match.group(0).strip(), None, first / scale, second / scale, unit, qualifier))
        else:
            found.append(Quantity(match.start(), match.end(), match.group(0).strip(), first / scale, None, None, unit, qualifier))
    return found


# -- dates ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateExpr:
    start: int
    end: int
    stated: str
    iso: str  # "2024", "2024-08", "2024-08-21"
    qualifier: str | None = None  # early, mid, late


def _iso(year: int, month: int | None, day: int | None) -> str | None:
    try:
        if day is not None and month is not None:
            return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None
    if month is not None:
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None
    return f"{year:04d}"


def parse_dates(text: str, year: int | None = None, vocab: Vocab | None = None) -> list[DateExpr]:
    """Every date in ``text``; relative years (今年, 去年) only when ``year`` (the document's) is known."""
    vocab = vocab or load_vocab()
    found = []
    for match in vocab.date.finditer(text):
        g = match.groupdict()
        month = day = None
        qualifier = None
        if g["rel"] or g["year"]:
            if g["rel"]:
                if year is None:
                    continue
                y = year + vocab.relative_years[g["rel"]]
            else:
                y = int(g["year"])
            month = int(g["month"]) if g["month"] else None
            day = int(g["day"]) if g["day"] else None
            if g["part"] and day is None:
                qualifier = (vocab.month_part if month else vocab.year_part).get(g["part"])
        elif g["emonth"]:
            y, month = int(g["eyear"]), vocab.months_en.index(g["emonth"].lower()) + 1
            day = int(g["eday"]) if g["eday"] else None
            qualifier = vocab.year_part.get(g["epart"].lower()) if g["epart"] and day is None else None
        elif g["emonth2"]:
            y, month, day = int(g["eyear2"]), vocab.months_en.index(g["emonth2"].lower()) + 1, int(g["eday2"])
        elif g["iso"]:
            y, month, day = (int(x) for x in g["iso"].split("-"))
        else:
            y = int(g["eyear3"])
            before = text[max(0, match.start() - 6): match.start()].lower()
            qualifier = next((vocab.year_part[w] for w in ("early", "mid", "late") if before.rstrip(" -").endswith(w)), None)
        iso = _iso(y, month, day)
        if iso is None:
            continue
        end = match.end()
        if g["part"] and qualifier is None:
            end = match.start("part")  # a part word that is not a qualifier here
        found.append(DateExpr(match.start(), end, text[match.start():end].strip(), iso, qualifier))
    return found


def document_date(doc: Document, articles: list[Article], vocab: Vocab | None = None) -> DateExpr | None:
    """The date a document states for itself: a line holding only a date among its first
    lines (the report's cover says "2024 年 12 月"). None if it states none."""
    vocab = vocab or load_vocab()
    for line in doc.text.splitlines()[: vocab.cover_lines]:
        stripped = line.strip()
        if not stripped:
            continue
        dates = parse_dates(stripped, None, vocab)
        if len(dates) == 1 and dates[0].start == 0 and dates[0].end == len(stripped):
            return dates[0]
    return None


# -- text helpers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    start: int  # absolute offsets into the document text
    end: int
    text: str  # stripped


def _lines(doc: Document, article: Article) -> list[Line]:
    lines = []
    pos = article.start
    for raw in doc.text[article.start:article.end].splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        left = pos + (len(body) - len(body.lstrip()))
        lines.append(Line(left, left + len(stripped), stripped))
        pos += len(raw)
    return lines


def _evidence(doc: Document, start: int, end: int) -> tuple[str, int, int]:
    text = doc.text[start:end]
    stripped = text.strip()
    start += len(text) - len(text.lstrip())
    return stripped[:EVIDENCE_MAX], start, start + len(stripped)


def _clause_bounds(text: str, pos: int) -> tuple[int, int]:
    left = max((m.end() for m in CLAUSE_BREAK.finditer(text, 0, pos)), default=0)
    right = next((m.start() for m in CLAUSE_BREAK.finditer(text, pos)), len(text))
    return left, right


def _in_parentheses(text: str, pos: int) -> bool:
    opening = max(text.rfind("（", 0, pos), text.rfind("(", 0, pos))
    closing = max(text.rfind("）", 0, pos), text.rfind(")", 0, pos))
    return opening > closing


def _is_heading(line: Line, vocab: Vocab) -> bool:
    return 0 < len(line.text) <= vocab.heading_max and not SENTENCE_PUNCT.search(line.text)


# -- the extractor -------------------------------------------------------------------------------


class _Article:
    """One article's text, lines, sentences and mentions, for the rules."""

    def __init__(self, doc: Document, article: Article, mentions: list[Mention], year: int | None, vocab: Vocab):
        from aikg.corpus import split_sentences

        self.doc, self.article, self.year, self.vocab = doc, article, year, vocab
        self.mentions = sorted(mentions, key=lambda m: (m.start, -m.end))
        self.lines = _lines(doc, article)
        self.sentences = split_sentences(doc, article)
        self.used: list[tuple[int, int]] = []  # spans already read by a layout rule

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        chosen, last = [], -1
        for m in self.mentions:
            if m.start >= start and m.end <= end and m.start >= last:
                chosen.append(m)
                last = m.end
        return chosen

    def heading_date(self, before: int) -> DateExpr | None:
        """The date of the nearest heading above ``before`` (data sections only)."""
        if self.article.authors:
            return None
        for line in reversed(self.lines):
            if line.end > before or not _is_heading(line, self.vocab):
                continue
            dates = parse_dates(line.text, self.year, self.vocab)
            if dates:
                return dates[0]
        return None


class QuantityExtractor:
    def __init__(self, extraction: Extraction, vocab: Vocab | None = None):
        self.vocab = vocab or load_vocab()
        self.measures = self.vocab.measures
        self.entities = extraction.entities
        self.out: list[Observation] = []
        self._seen: set[tuple] = set()

    # -- output --
    def emit(self, a: _Article, about: tuple[str, ...], measure: str, stated: str, start: int, end: int, rule: str, **fields) -> None:
        text, start, end = _evidence(a.doc, start, end)
        obs = Observation(about=about, measure=measure, stated=stated, article_key=a.article.key, evidence=text,
                          start=start, end=end, rule=rule, **fields)
        key = (about, measure, obs.value, obs.low, obs.high, obs.date, obs.period, obs.rank, obs.category,
               obs.subject_label, a.article.key)
        if key in self._seen or not text:
            return
        self._seen.add(key)
        self.out.append(obs)

    def allowed(self, measure: str, mention: Mention) -> bool:
        return mention.type in self.measures[measure].about

    def quantity_fields(self, q: Quantity, measure: str) -> dict:
        unit = q.unit or self.measures[measure].unit
        return {
            "value": plain(q.value) if q.value is not None else None,
            "low": plain(q.low) if q.low is not None else None,
            "high": plain(q.high) if q.high is not None else None,
            "unit": unit, "qualifier": q.qualifier,
        }

    def unit_fits(self, q: Quantity, measure: str, context: str) -> bool:
        want = self.measures[measure].unit
        if want == "PERCENT":
            return q.unit == "PERCENT"
        if want == "NUM-PER-SEC":
            return q.unit == "NUM-PER-SEC" or context.rstrip().endswith("每秒")
        return q.unit is None

    # -- layouts --
    def label_values(self, a: _Article) -> None:
        lines = a.lines
        for i, line in enumerate(lines):
            if not line.text:
                continue
            qs = parse_quantities(line.text, self.vocab)
            if len(qs) != 1 or qs[0].start != 0 or qs[0].end != len(line.text):
                continue
            label = next((ln for ln in lines[i + 1: i + 2 + self.vocab.label_gap] if ln.text), None)
            if label is None or any(x.start == 0 and x.end == len(label.text) for x in parse_quantities(label.text, self.vocab)):
                continue
            cue = self.find_cue(label.text)
            if cue is None:
                continue
            measure = cue[2]
            q = qs[0]
            if not self.unit_fits(q, measure, ""):
                continue
            subjects = [m for m in a.mentions_in(label.start, label.end) if self.allowed(measure, m)]
            dates = parse_dates(label.text, a.year, self.vocab)
            period = dates[0] if dates else a.heading_date(line.start)
            fields = self.quantity_fields(q, measure)
            about, subject_label = self.subjects_of(subjects, measure, label.text)
            if about is None:
                continue
            self.emit(a, about, measure, q.stated, line.start, label.end, "label-value",
                      period=period.iso if period else None, subject_label=subject_label, **fields)
            a.used.append((line.start, label.end))

    def subjects_of(self, subjects: list[Mention], measure: str, label_text: str) -> tuple[tuple[str, ...] | None, str | None]:
        if subjects:
            return tuple(dict.fromkeys(m.key for m in subjects[:1])), None
        if "Article" in self.measures[measure].about:
            return (), None
        return None, None

    def find_cue(self, text: str, near: int | None = None, clause: tuple[int, int] | None = None) -> tuple[int, int, str] | None:
        hits = []
        for match in self.vocab.cue.finditer(text):
            if clause and not (clause[0] <= match.start() and match.end() <= clause[1]):
                continue
            hits.append((match.start(), match.end(), self.vocab.cue_of[match.group(0).lower()]))
        if not hits:
            return None
        if near is None:
            return hits[0]
        return min(hits, key=lambda h: (min(abs(h[0] - near), abs(h[1] - near)), h[0]))

    def vote_lists(self, a: _Article) -> None:
        lines = a.lines
        votes: list[tuple[int, int, Quantity]] = []  # (vote line index, subject line index, quantity)
        for i, line in enumerate(lines):
            match = self.vocab.vote.match(line.text)
            if not match:
                continue
            qs = parse_quantities(match.group("q"), self.vocab)
            if len(qs) != 1 or qs[0].unit != "PERCENT":
                continue
            j = next((k for k in range(i - 1, max(-1, i - 4), -1) if lines[k].text), None)
            if j is None:
                continue
            votes.append((i, j, qs[0]))
        marked = {i for i, _, _ in votes} | {j for _, j, _ in votes}
        voted = {m.key for _, j, _ in votes for m in a.mentions_in(lines[j].start, lines[j].end)}
        rows = []
        for i, j, q in votes:
            subject = next((m for m in a.mentions_in(lines[j].start, lines[j].end) if self.allowed("vote-share", m)), None)
            if subject is None:
                continue
            category = None
            for k in range(j - 1, -1, -1):
                if not lines[k].text or k in marked:
                    continue
                same = [m for m in a.mentions_in(lines[k].start, lines[k].end) if m.key in voted]
                if same and same[0].start == lines[k].start and same[0].end == lines[k].end:
                    continue  # another name of a listed app ("文心快码" above "文心快码-Baidu Comate")
                if _is_heading(lines[k], self.vocab):
                    category = lines[k]
                break
            period = a.heading_date(category.start if category else lines[j].start)
            rows.append((subject, q, category, period, lines[j].start, lines[i].end))
        by_category = defaultdict(list)
        for row in rows:
            by_category[row[2].text if row[2] else None].append(row[1].value)
        for subject, q, category, period, start, end in rows:
            peers = by_category[category.text if category else None]
            rank = 1 + sum(1 for v in peers if v > q.value)
            self.emit(a, (subject.key,), "vote-share", q.stated, start, end, "vote-list",
                      period=period.iso if period else None, rank=rank, category=category.text if category else None,
                      **self.quantity_fields(q, "vote-share"))
            a.used.append((start, end))

    # -- sentences --
    def group(self, mentions: list[Mention], index: int, text: str, offset: int) -> list[Mention]:
        """The mention at ``index`` with the mentions coordinated with it ("doubao、GLM-4")."""
        lo = hi = index
        while lo > 0 and COORDINATORS.fullmatch(text[mentions[lo - 1].end - offset: mentions[lo].start - offset]):
            lo -= 1
        while hi + 1 < len(mentions) and COORDINATORS.fullmatch(text[mentions[hi].end - offset: mentions[hi + 1].start - offset]):
            hi += 1
        return mentions[lo: hi + 1]

    def cue_numbers(self, a: _Article) -> None:
        for sentence in a.sentences:
            if any(s <= sentence.start and sentence.end <= e or sentence.start <= s < sentence.end for s, e in a.used):
                continue
            text, base = sentence.text, sentence.start
            if not self.vocab.cue.search(text):
                continue
            mentions = a.mentions_in(sentence.start, sentence.end)
            dates = parse_dates(text, a.year, self.vocab)
            for q in parse_quantities(text, self.vocab):
                if any(m.start - base < q.end and q.start < m.end - base for m in mentions):
                    continue  # a number inside a name (Qwen2.5-72B) or a date
                if any(d.start < q.end and q.start < d.end for d in dates):
                    continue
                clause = _clause_bounds(text, q.start)
                cue = self.find_cue(text, near=q.start, clause=clause)
                if cue is None:
                    cue = self.find_cue(text, near=q.start)
                    if cue is None or self.measures[cue[2]].cue_window != "sentence":
                        continue
                measure = cue[2]
                if self.measures[measure].kind != "quantity" or not self.unit_fits(q, measure, text[clause[0]:q.start]):
                    continue
                subjects = self.subjects(text, base, mentions, q, cue, clause, measure)
                if subjects is None:
                    continue
                before = [d for d in dates if d.end <= q.start]
                period = before[-1] if before else next((d for d in dates if clause[0] <= d.start < clause[1]), None)
                if period is None:
                    period = a.heading_date(base)
                fields = self.quantity_fields(q, measure)
                groups = [subjects] if self.measures[measure].joint or not subjects else [[m] for m in subjects]
                # "本次大赛共有近 300 支团队": about the article's subject, the event it last named
                event = None if subjects else next(
                    (o.subject_label for o in reversed(self.out) if o.article_key == a.article.key and o.measure == "event-date" and o.start < sentence.start),
                    None,
                )
                for group in groups:
                    about = tuple(dict.fromkeys(m.key for m in group))
                    self.emit(a, about, measure, q.stated, sentence.start, sentence.end, "cue-number",
                              period=period.iso if period else None, subject_label=event, **fields)

    def subjects(self, text, base, mentions, q, cue, clause, measure) -> list[Mention] | None:
        spec = self.measures[measure]
        allowed = [i for i, m in enumerate(mentions) if self.allowed(measure, m)]
        if spec.scope == "sentence":
            first = next((i for i in allowed if mentions[i].start - base < q.start), None)
            return self.group(mentions, first, text, base) if first is not None else None
        in_clause = [i for i in allowed if clause[0] <= mentions[i].start - base and mentions[i].end - base <= clause[1]]
        if cue[0] >= q.end:  # "近 8 万基于 Qwen 的衍生模型": the entity between the number and its cue
            between = [i for i in in_clause if q.end <= mentions[i].start - base and mentions[i].end - base <= cue[0]]
            if between:
                return self.group(mentions, between[0], text, base)
        before = [i for i in in_clause if mentions[i].end - base <= q.start]
        if before:
            return self.group(mentions, before[-1], text, base)
        clause_text = text[clause[0]:clause[1]]
        if _in_parentheses(text, q.start) or any(p in clause_text for p in PRONOUNS):
            first = next((i for i in allowed if mentions[i].start - base < q.start), None)
            if first is not None:
                return self.group(mentions, first, text, base)
        if "Article" in spec.about:
            return []
        return None

    def sizes_in_names(self, a: _Article, sizes: re.Pattern, done: set[str]) -> None:
        for sentence in a.sentences:
            for m in a.mentions_in(sentence.start, sentence.end):
                if m.type != "Model" or m.key in done:
                    continue
                entity = self.entities.get(m.key)
                match = sizes.search(m.text)
                if not match or entity is None or match.group(0).strip("-_ ") not in entity.name:
                    continue
                value = _number(match.group("n"), match.group("m").upper(), self.vocab)
                done.add(m.key)
                self.emit(a, (m.key,), "parameter-count", match.group(0).strip("-_ "), sentence.start, sentence.end,
                          "size-in-name", value=plain(value), unit="NUM")

    def dated(self, a: _Article) -> None:
        for sentence in a.sentences:
            text, base = sentence.text, sentence.start
            dates = parse_dates(text, a.year, self.vocab)
            if not dates:
                continue
            mentions = a.mentions_in(sentence.start, sentence.end)
            masked, back, items = _mask(text, base, mentions, dates)
            for kind, name, pattern in self.vocab.patterns:
                measure = f"{kind}-date"
                for match in pattern.finditer(masked):
                    date = items[match.group("d")]
                    first = items[match.group("x")]
                    lead = masked[match.start(): match.start("x")]
                    between = [items[c] for c in lead if c in items and isinstance(items[c], Mention)]
                    if name in ("verb-de", "verb-object") and any(m.type not in ("Organization", "Person") for m in between):
                        continue
                    targets = self.release_targets(masked, match, items, follow=name in ("verb-de", "verb-object")) if kind == "release" else [first]
                    for target in targets:
                        if not self.allowed(measure, target):
                            continue
                        self.emit(a, (target.key,), measure, date.stated, sentence.start, sentence.end, f"{kind}-{name}",
                                  date=date.iso, qualifier=date.qualifier)
            lead = self.vocab.lead_date.match(masked)
            if lead:
                date = items[lead.group("d")]
                for match in self.vocab.org_de.finditer(masked, lead.end()):
                    if items[match.group("o")].type not in ("Organization", "Person"):
                        continue
                    for target in self.release_targets(masked, match, items, follow=True):
                        if self.allowed("release-date", target):
                            self.emit(a, (target.key,), "release-date", date.stated, sentence.start, sentence.end,
                                      "release-lead-org", date=date.iso, qualifier=date.qualifier)
            for match in self.vocab.event.finditer(masked):
                date = items[match.group("d")]
                group = "q" if match.group("q") else "n"
                s, e = match.span(group)
                name = text[back[s][0] - base: back[e - 1][1] - base].strip()
                if group == "n" and "的" in name:
                    name = name.rsplit("的", 1)[1].strip()
                if name:
                    self.emit(a, (), "event-date", date.stated, sentence.start, sentence.end, "event-held",
                              date=date.iso, qualifier=date.qualifier, subject_label=name)
            for match in self.vocab.rank.finditer(masked):
                subject = items[match.group("x")]
                if not self.allowed("ranking", subject):
                    continue
                n = match.group("n")
                rank = int(n) if n.isdigit() else self.vocab.numerals[n]
                cs, ce = match.span("cat")
                category = text[back[cs][0] - base: back[ce - 1][1] - base].strip() if ce > cs else None
                before = [items[c] for c in masked[: match.start()] if c in items and isinstance(items[c], DateExpr)]
                self.emit(a, (subject.key,), "ranking", f"第{n}", sentence.start, sentence.end, "rank-phrase",
                          rank=rank, category=category or None, period=before[-1].iso if before else None)

    def release_targets(self, masked: str, match: re.Match, items: dict, follow: bool) -> list[Mention]:
        """The released thing and those coordinated with it; "GPT 模型的 Function Calling 功能"
        is a release of Function Calling."""
        pos = match.end("x")
        targets = [items[match.group("x")]]
        nouns = alternation(self.vocab.kind_nouns)
        while True:
            head = re.match(rf"\s*(?:{nouns})?\s*的\s*({M_CLASS})", masked[pos:])
            if not follow or not head:
                break
            targets = [items[head.group(1)]]
            pos += head.end()
        while True:  # "OpenSPG/KAG": a path names its last part (the KAG repository of OpenSPG)
            path = re.match(rf"/({M_CLASS})", masked[pos:])
            if not path:
                break
            targets[-1] = items[path.group(1)]
            pos += path.end()
        while True:
            more = re.match(rf"{RELEASE_COORDINATORS.pattern}({M_CLASS})", masked[pos:])
            if not more:
                break
            targets.append(items[more.group(1)])
            pos += more.end()
        return targets


def _mask(text: str, base: int, mentions: list[Mention], dates: list[DateExpr]):
    """The sentence with each mention and date replaced by one private-use character;
    ``back[i]`` gives the absolute span of masked character i; ``items`` what each stands for."""
    spans = [(m.start - base, m.end - base, m) for m in mentions]
    spans += [(d.start, d.end, d) for d in dates if not any(s < d.end and d.start < e for s, e, _ in spans)]
    spans.sort(key=lambda s: s[0])
    out, back, items = [], [], {}
    pos = 0
    mi = di = 0
    for start, end, item in spans:
        if start < pos:
            continue
        for k in range(pos, start):
            out.append(text[k])
            back.append((base + k, base + k + 1))
        if isinstance(item, Mention):
            char = chr(M_BASE + mi)
            mi += 1
        else:
            char = chr(D_BASE + di)
            di += 1
        items[char] = item
        out.append(char)
        back.append((base + start, base + end))
        pos = end
    for k in range(pos, len(text)):
        out.append(text[k])
        back.append((base + k, base + k + 1))
    masked = "".join(out)
    # "开放源代码促进会（Open Source Initiative, OSI）": written aliases in parentheses are dropped
    for match in reversed(list(ALIAS_PARENS.finditer(masked))):
        del out[match.start(1): match.end(1)]
        del back[match.start(1): match.end(1)]
    return "".join(out), back, items


ALIAS_PARENS = re.compile(rf"{M_CLASS}[”\"]?(\s*[（(][\s,，、{M_CLASS[1:-1]}]*{M_CLASS}[\s,，、{M_CLASS[1:-1]}]*[）)])")


SIZE_IN_NAME = r"(?:^|(?<=[-_\s]))(?P<n>\d+(?:\.\d+)?)(?P<m>[BbM])(?![A-Za-z0-9])"


def extract_observations(documents: list[tuple[Document, list[Article]]], extraction: Extraction) -> list[Observation]:
    """Every number and date stated about an entity or an article's subject, in text order."""
    vocab = load_vocab()
    extractor = QuantityExtractor(extraction, vocab)
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for mention in extraction.mentions:
        by_article[mention.article_key].append(mention)
    sizes = re.compile(SIZE_IN_NAME)
    sized: set[str] = set()
    for doc, articles in documents:
        cover = document_date(doc, articles, vocab)
        year = int(cover.iso[:4]) if cover else None
        for article in articles:
            a = _Article(doc, article, by_article.get(article.key, []), year, vocab)
            extractor.label_values(a)
            extractor.vote_lists(a)
            extractor.dated(a)
            extractor.cue_numbers(a)
            extractor.sizes_in_names(a, sizes, sized)
    order = {a.key: i for i, (_, arts) in enumerate(documents) for a in arts}
    return sorted(extractor.out, key=lambda o: (order.get(o.article_key, 0), o.start, o.measure, o.about, o.stated, o.date or ""))
