"""Facts that document structure states: table rows read with their header, list items under a heading.

- A table (Markdown ``| a | b |`` rows, or lines of `` | ``-joined cells) whose header
  names a maker column (组织 / 公司 / Organization / Developer …) beside a product column
  (模型 / 名称 / Model / Name / Engine …, or the first column) gives, per row,
  product developedBy maker (rule ``table-row``).
- A base-model column (基座模型 / Base Model …) beside a product column gives, per row, product
  basedOn base (rule ``table-base``).
- A table with a product column and neither: the techniques a row names in its other cells are its
  product's ("| XVERSE-13B-Chat | INT8 |": rule ``table-technique``).
- A model-hub id ("THUDM/chatglm2-6b") makes its owner the maker of the model or tool after the
  slash (rule ``hub-id``), the owner a mention of an organization.
- A list under a line that ends with a colon and announces features or support ("vLLM is fast
  with:", "主要特性：") or under a heading such as "## 特性" / "## Features": each item without a
  model or tool of its own gives *subject usesTechnology technique* for the techniques it names
  (rule ``list-under-lead``); the subject is the lead line's model or tool, else the document's
  topic.
- A heading that is just an organization's name ("## 阿里巴巴", "### Meta AI") makes the
  organization the maker of the model or tool each list item under it opens with (rule
  ``heading-scope``), until the next heading.
- A heading that names a team ("# KAG 核心团队"; "## The Team" of a post signed by a team) makes
  every person listed under it affiliatedWith the team (rule ``team-section``); in such a section
  a bare list of Chinese names ("梁磊，孙梦姝，…") is read as persons.

The header words live in ``ontology/rules.toml`` (``[structure]``).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import lru_cache

from aikg.extract.entities import Candidate
from aikg.extract.relations import BUILDS, MADE, MAKERS, RawFact
from aikg.extract.rules import RuleSet

SHAPE_RULES = {"latin-bare", "latin-shape", "latin-cue", "latin-prefix"}
SEPARATOR_ROW = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")
HEADING = re.compile(r"^(?:#{1,6})\s+(?P<title>.+?)\s*#*$")
CELL_NAME = re.compile(r"[A-Za-z\u4e00-\u9fff][\w.+&' \u4e00-\u9fff-]*")
# a model hub id: owner/name, not inside a URL or a path (a character before it that is no space,
# bracket, quote or CJK character means a longer path)
# a model's name on a hub: lower-case words joined by hyphens ("bge-small-zh", "m3e-base")
HUB_NAME = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)+")
HUB_ID = re.compile(r"(?<![\w./:-])(?P<owner>[A-Za-z][\w.-]{1,38})/(?P<name>[A-Za-z0-9][\w.-]*[A-Za-z0-9])(?![\w/])")
class _WordList:
    """A word list of rules.toml's [structure] as one case-insensitive regex."""

    def __init__(self, key: str):
        self.key = key

    def search(self, rules: RuleSet, text: str):
        return _word_pattern(rules, self.key).search(text)


@lru_cache(maxsize=8)
def _word_pattern(rules: RuleSet, key: str) -> re.Pattern:
    words = sorted(rules.structure[key], key=len, reverse=True)
    return re.compile("|".join(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])" if w.isascii() else re.escape(w) for w in words), re.I)


FEATURE_HEADING = _WordList("feature_headings")
TEAM_HEADING = _WordList("team_headings")
LEAD_CUES = _WordList("lead_cues")
LIST_ITEM = re.compile(r"^(?:[-*+•]|\d+[.)、])\s+")


def _cells(line: str) -> list[tuple[int, int]] | None:
    """(start, end) of each cell of a table row, or None when the line is not one."""
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
        bars = [i for i, ch in enumerate(line) if ch == "|"]
    elif line.count(" | ") >= 1 and not HEADING.match(stripped):
        bars = [-1] + [m.start() + 1 for m in re.finditer(r" \| ", line)] + [len(line)]
    else:
        return None
    return [(a + 1, b) for a, b in zip(bars, bars[1:])]


@dataclass
class StructureReader:
    """Walks an article's sentences in order, remembering the current table header and heading."""

    rules: RuleSet
    columns: tuple[int | None, int | None] | None = None  # (product column, maker column) of the open table
    in_table: bool = False
    scope: Candidate | None = None  # the organization a heading names
    pending_header: list[str] = field(default_factory=list)

    product_type: str = "Tool"
    column_predicate: str = "developedBy"  # what the second column says of the product: its maker or its base
    topic: Candidate | None = None  # what the document is about (aikg.extract.document_topic)
    lead: Candidate | None = None  # the subject of the list that follows ("X supports:", "## Features")
    signed_by: tuple[Candidate, ...] = ()  # the article's author organizations: "## The Team" means them
    team: Candidate | None = None  # the team the open section lists the members of
    changed: bool = False  # the last sentence's mentions were added to or retyped

    def _roles(self, headers: list[str]) -> tuple[int | None, int | None] | None:
        words = self.rules.structure
        base = next((i for i, h in enumerate(headers) if any(w.lower() in h.lower() for w in words["base_headers"])), None)
        maker = next((i for i, h in enumerate(headers) if i != base and any(w.lower() in h.lower() for w in words["maker_headers"])), None)
        self.column_predicate = "developedBy"
        if maker is None and base is not None:
            maker, self.column_predicate = base, "basedOn"  # "| Model | Base Model |": each row's base
        product = next((i for i, h in enumerate(headers) if i != maker and any(w.lower() in h.lower() for w in words["product_headers"])), None)
        if maker is None:
            if product is None:
                return None
            self.column_predicate = "usesTechnology"  # "| 模型 | 量化类型 |": the techniques a row names are its product's
        elif product is None and maker != 0:
            product = 0
        if product is not None:
            self.product_type = "Model" if any(w.lower() in headers[product].lower() for w in words["model_headers"]) else "Tool"
        return (product, maker) if product is not None else None

    def _lead(self, text: str, mentions: list[Candidate]) -> Candidate | None:
        """A line that ends with a colon and says what the list below it is (features, support, use)."""
        stripped = text.rstrip()
        if not stripped.endswith((":", "：")) or not LEAD_CUES.search(self.rules, stripped):
            return None
        built = [m for m in mentions if m.type in ("Model", "Tool")]
        return built[0] if built else self.topic

    def namespaces(self, text: str, mentions: list[Candidate]) -> list[RawFact]:
        """"THUDM/chatglm2-6b", "allenai/tulu-3-sft-mixture": a hub id names its owner before the
        slash (ANNOTATION.md: a brand prefix is a mention of its owner)."""
        facts = []
        for match in HUB_ID.finditer(text):
            owner_span, name_start = match.span("owner"), match.start("name")
            made = next((m for m in mentions if m.start == name_start and m.type in ("Model", "Tool")), None)
            owner = next((m for m in mentions if (m.start, m.end) == owner_span), None)
            if made is None:
                if owner is None or owner.type != "Organization" or not HUB_NAME.fullmatch(match.group("name")) \
                        or any(m.start < match.end() and name_start < m.end for m in mentions):
                    continue
                # "BAAI/bge-small-zh": a known organization's hub id names a model no rule found
                made = self._add(mentions, Candidate(name_start, match.end(), match.group("name"), "Model", "hub-name"))
            if owner is not None and owner.type != "Organization":
                # "OpenSPG/KAG": a known product, not a hub owner; but "Qwen/Qwen-7B-Chat" names its owner's namespace
                if owner.rule not in SHAPE_RULES and not match.group("name").lower().startswith(owner.text.lower()):
                    continue
                index = mentions.index(owner)
                owner = mentions[index] = dataclasses.replace(owner, type="Organization", rule="hub-owner")
                self.changed = True
            elif owner is None:
                if any(m.start < owner_span[1] and owner_span[0] < m.end for m in mentions):
                    continue
                owner = self._add(mentions, Candidate(owner_span[0], owner_span[1], match.group("owner"), "Organization", "hub-owner"))
            facts.append(RawFact(made, "developedBy", owner, "hub-id"))
        return facts

    def facts(self, text: str, mentions: list[Candidate]) -> list[RawFact]:
        """Facts a sentence states through the structure around it (offsets relative to it).

        A table cell that holds a name no rule found becomes a mention of its column's type, and a
        name in the maker column typed by its shape alone becomes an organization: ``mentions`` is
        changed in place then, and ``changed`` says so."""
        self.changed = False
        found = self.namespaces(text, mentions)
        return found + self._structure(text, mentions)

    def _structure(self, text: str, mentions: list[Candidate]) -> list[RawFact]:
        stripped = text.strip()
        heading = HEADING.match(stripped)
        if heading:
            self.in_table, self.columns = False, None
            title = heading.group("title")
            # "## 特性", "## Key Features": the document's topic is what the list under it is about
            self.lead = self.topic if self.topic is not None and FEATURE_HEADING.search(self.rules, title) else None
            orgs = [m for m in mentions if m.type == "Organization"]
            self.scope = orgs[0] if len(orgs) == 1 and len(mentions) == 1 and len(orgs[0].text) * 2 >= len(title.strip("*_ ")) else None
            self.team = self._team(text, heading, mentions)
            return []
        if SEPARATOR_ROW.match(stripped):
            if self.pending_header:
                self.columns = self._roles(self.pending_header)
                self.in_table = True
            return []
        cells = _cells(text)
        if cells is None:
            self.in_table, self.columns, self.pending_header = False, None, []
            return self._members(text, mentions) + self._scoped(text, mentions)
        if not self.in_table:
            # the first row of a table is its header (a Markdown table confirms it with a separator row)
            self.pending_header = [text[a:b].strip() for a, b in cells]
            if not text.strip().startswith("|") and not mentions:
                self.columns, self.in_table = self._roles(self.pending_header), True
            return []
        if self.columns is None:
            return []
        product_col, maker_col = self.columns
        if maker_col is None:
            a, b = cells[product_col] if product_col < len(cells) else (0, 0)
            products = [m for m in mentions if a <= m.start and m.end <= b and m.type in BUILDS]
            techniques = [m for m in mentions if m.type == "Technology" and not (a <= m.start and m.end <= b)]
            return [RawFact(products[0], "usesTechnology", t, "table-technique") for t in techniques] if products else []

        def in_cell(col: int | None, types: tuple[str, ...]) -> list[Candidate]:
            if col is None or col >= len(cells):
                return []
            a, b = cells[col]
            return [m for m in mentions if a <= m.start and m.end <= b and m.type in types]

        based = self.column_predicate == "basedOn"
        if not based:
            self._retype(cells[maker_col] if maker_col < len(cells) else None, mentions)
        products, others = in_cell(product_col, BUILDS if based else MADE), in_cell(maker_col, BUILDS if based else MAKERS)
        if not products and product_col is not None and product_col < len(cells):
            products = self._cell_name(text, cells[product_col], self.product_type, mentions)
        if not others and maker_col < len(cells):
            others = self._cell_name(text, cells[maker_col], self.product_type if based else "Organization", mentions)
        if based:
            return [RawFact(p, "basedOn", b, "table-base") for p in products[:1] for b in others[:1] if b.text != p.text]
        return [RawFact(p, "developedBy", m, "table-row") for p in products[:1] for m in others]

    def _team(self, text: str, heading: re.Match, mentions: list[Candidate]) -> Candidate | None:
        """The team a heading names: "KAG 核心团队" as a whole (an organization mention, replacing the
        shorter ones inside it), or the article's author organization for a bare "The Team"."""
        title = heading.group("title").strip("*_ ")
        word = TEAM_HEADING.search(self.rules, title)
        if word is None or word.end() != len(title):
            return None
        name = title[: word.start()].strip()
        if not name or name.lower() in ("the", "our", "我们的", "我们") or name in self.rules.org_generic:  # "项目团队"
            return self.signed_by[0] if self.signed_by else None
        start = heading.start("title") + (len(text) - len(text.lstrip())) + heading.group("title").index(title)
        whole = next((m for m in mentions if m.type == "Organization" and (m.start, m.end) == (start, start + len(title))), None)
        if whole is None:
            mentions[:] = [m for m in mentions if m.end <= start or m.start >= start + len(title)]
            whole = self._add(mentions, Candidate(start, start + len(title), title, "Organization", "team-heading"))
        return whole

    def _members(self, text: str, mentions: list[Candidate]) -> list[RawFact]:
        """Everyone a line under a team heading lists is a member of the team."""
        if self.team is None:
            return []
        separators = "".join(re.escape(s) for s in self.rules.structure["team_separators"])
        for item in re.finditer(rf"[^{separators}\s]+", text):
            name = item.group(0).strip("*_：:")
            if not (2 <= len(name) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in name)):
                continue
            if name[:1] not in self.rules.surnames and name[:2] not in self.rules.surnames:
                continue
            start = item.start() + item.group(0).index(name)
            if any(m.start < start + len(name) and start < m.end for m in mentions):
                continue
            self._add(mentions, Candidate(start, start + len(name), name, "Person", "team-list"))
        return [RawFact(m, "affiliatedWith", self.team, "team-section") for m in mentions if m.type == "Person"]

    def _retype(self, cell: tuple[int, int] | None, mentions: list[Candidate]) -> None:
        """A name in the maker column that only its shape typed ("MLC-AI" as a tool) is an organization."""
        if cell is None:
            return
        for index, m in enumerate(mentions):
            if cell[0] <= m.start and m.end <= cell[1] and m.type not in MAKERS and m.rule in SHAPE_RULES:
                mentions[index] = dataclasses.replace(m, type="Organization", rule="table-cell")
                self.changed = True

    def _cell_name(self, text: str, cell: tuple[int, int], etype: str, mentions: list[Candidate]) -> list[Candidate]:
        """A cell that holds just a name ("MAX", "Startup (Modular Inc.)": the name in brackets) becomes
        a mention of the column's type; it is added to ``mentions``."""
        a, b = cell
        content = text[a:b]
        inner = re.search(r"[（(]([^()（）]+)[)）]\s*$", content)
        start = a + (inner.start(1) if inner else len(content) - len(content.lstrip()))
        name = (inner.group(1) if inner else content).strip()
        if not name or len(name) > 40 or not CELL_NAME.fullmatch(name) or any(m.start < start + len(name) and start < m.end for m in mentions):
            return []
        return [self._add(mentions, Candidate(start, start + len(name), name, etype, "table-cell"))]

    def _add(self, mentions: list[Candidate], found: Candidate) -> Candidate:
        """Add a mention the structure named to the sentence's (kept sorted), and say so."""
        mentions.append(found)
        mentions.sort(key=lambda m: (m.start, m.end))
        self.changed = True
        return found

    def _scoped(self, text: str, mentions: list[Candidate]) -> list[RawFact]:
        item = LIST_ITEM.match(text.strip())
        if item is None:
            self.lead = self._lead(text, mentions)
            return []
        if self.lead is not None:
            # "vLLM is fast with:" then "- Efficient … with **PagedAttention**": each item's techniques
            subjects = [m for m in mentions if m.type in ("Model", "Tool")]
            if not subjects:  # an item with a subject of its own speaks for itself
                return [RawFact(self.lead, "usesTechnology", m, "list-under-lead") for m in mentions if m.type == "Technology"]
        if self.scope is None or not mentions:
            return []
        first = mentions[0]
        if first.type in ("Model", "Tool") and first.start <= len(text) - len(text.lstrip()) + item.end() + 2:
            return [RawFact(first, "developedBy", self.scope, "heading-scope")]
        return []
