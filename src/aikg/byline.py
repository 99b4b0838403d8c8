"""Bylines of one-article files: who wrote it, in the forms articles use.

``文/X``, ``文丨X``, ``作者：X``, ``X 发自 Y``, ``By X and Y``, ``Author: X``, a
Markdown front-matter ``author:``/``authors:``, or a line of names right under the
title. Editor, translator and similar credits are not bylines. The label words live
in ``ontology/bylines.toml``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from aikg import paths
from aikg.patterns import alternation

BYLINES = paths.ONTOLOGY_DIR / "bylines.toml"
NAME_SEPARATORS = re.compile(r"\s*(?:[、，,;；]|\band\b|&|和|与)\s*")
CJK_NAME = re.compile(r"[\u4e00-\u9fff·]{2,4}")
LATIN_NAME = re.compile(r"[A-Z][\w'’.-]*(?:[ \u00a0][A-Z][\w'’.-]*){0,3}")
MARKUP = re.compile(r"^[\s>*_#]+|[\s*_]+$")
SENTENCE_PUNCT = re.compile(r"[。！？!?；;：:（）()\[\]「」“”\"]|https?://|\d{3,}")


@dataclass(frozen=True)
class Byline:
    """Where the byline is (offsets into the text, end exclusive) and the names it gives."""

    start: int
    end: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class _Labels:
    author: re.Pattern
    by: re.Pattern
    not_author: re.Pattern
    next_credit: re.Pattern  # "作者：X　编辑：Y": where another credit starts on the same line
    dispatch: re.Pattern
    front_matter_keys: tuple[str, ...]
    lines: int
    name_line_max: int
    surnames: frozenset[str]


@lru_cache(maxsize=2)
def _labels(path: Path = BYLINES) -> _Labels:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    labels, scan = data["labels"], data["scan"]
    separators = "|".join(re.escape(s) for s in labels["separators"])
    words = [w for w in labels["author"] if w[0].isupper() or not w.isascii()]
    words += [w.lower() for w in words if w.isascii() and w.lower() not in words]  # "author: X" (front matter without its fences)
    by_words = [w for w in labels["author"] if w.lower().endswith("by")]
    rules = tomllib.loads(paths.RULES.read_text(encoding="utf-8"))
    surnames = frozenset(rules["person"]["surnames"].split())
    return _Labels(
        author=re.compile(rf"^(?:{alternation(words)})[ \t\u3000]*(?:{separators})[ \t\u3000]*(?P<names>\S.*)$"),
        by=re.compile(rf"^(?:{alternation(by_words)})[ \t]+(?P<names>[A-Z].*)$"),
        not_author=re.compile(rf"^(?:{alternation(labels['not_author'])})[ \t\u3000]*(?:{separators})", re.I),
        next_credit=re.compile(rf"[ \t\u3000]*(?:{alternation(labels['not_author'])})[ \t\u3000]*(?:{separators})"),
        dispatch=re.compile(rf"^(?P<names>\S.{{0,30}}?)[ \t\u3000]*(?:{alternation(labels['dispatch'])})[ \t\u3000]*\S+$"),
        front_matter_keys=tuple(labels["front_matter_keys"]),
        lines=int(scan["lines"]),
        name_line_max=int(scan["name_line_max"]),
        surnames=surnames,
    )


def _clean_names(raw: str) -> tuple[str, ...]:
    raw = re.sub(r"[ \t\u3000]*等$", "", raw.strip().strip("*_").strip())
    names = tuple(re.sub(r"^[Tt]he\s+", "", n.strip(" \t\u3000\"'*_")) for n in NAME_SEPARATORS.split(raw) if n.strip(" \t\u3000\"'*_"))
    if not names or len(names) > 12 or any(len(n) > 40 or SENTENCE_PUNCT.search(n) for n in names):
        return ()
    return names


def _is_name(name: str, labels: _Labels) -> bool:
    if CJK_NAME.fullmatch(name):
        return name[0] in labels.surnames or name[:2] in labels.surnames
    return bool(LATIN_NAME.fullmatch(name)) and " " in name


def _lines(text: str, start: int = 0):
    """(start, end, stripped text) of each non-blank line from start on."""
    for match in re.finditer(r"[^\r\n]+", text[start:]):
        line = MARKUP.sub("", match.group(0))
        if line:
            yield start + match.start(), start + match.end(), line


def _front_matter(text: str, labels: _Labels) -> Byline | None:
    if not re.match(r"---[ \t]*\r?\n", text):
        return None
    close = re.search(r"^---[ \t]*\r?$", text[3:], re.M)
    if close is None:
        return None
    block_end = 3 + close.start()
    keys = "|".join(re.escape(k) for k in labels.front_matter_keys)
    match = re.search(rf"^(?:{keys})[ \t]*:[ \t]*(?P<value>[^\r\n]*)(?P<items>(?:\r?\n[ \t]+-[ \t]*[^\r\n]+)*)", text[:block_end], re.M)
    if match is None:
        return None
    value = match.group("value").strip().strip("[]")
    items = [i.strip().strip("\"'") for i in re.findall(r"-[ \t]*([^\r\n]+)", match.group("items"))]
    names = _clean_names(", ".join(items) if items else value.replace("\"", "").replace("'", ""))
    return Byline(match.start(), match.end(), names) if names else None


def find_byline(text: str, path: Path = BYLINES) -> Byline | None:
    """The byline of a one-article text, or None when it names no author."""
    labels = _labels(path)
    found = _front_matter(text, labels)
    if found is not None:
        return found
    body = 0
    if text.startswith("---"):
        close = re.search(r"^---[ \t]*\r?$", text[3:], re.M)
        body = 3 + close.end() if close else 0
    lines = list(_lines(text, body))[: labels.lines + 1]
    for index, (start, end, line) in enumerate(lines):
        heading = text[start:end].lstrip().startswith("#")
        if labels.not_author.match(line):
            continue
        for pattern in (labels.author, labels.by, labels.dispatch):
            match = pattern.match(line)
            # "作者：X | 编辑：Y": the names end where the next credit starts
            raw = re.split(r"\s[|丨｜]\s|\s{2,}", match.group("names"))[0] if match else ""
            raw = labels.next_credit.split(raw, maxsplit=1)[0]
            if not (names := _clean_names(raw)):
                continue
            if pattern is labels.by and not all(_is_name(n, labels) or n.endswith(("Team", "团队")) for n in names):
                continue
            if pattern is labels.dispatch and not all(CJK_NAME.fullmatch(n) or _is_name(n, labels) for n in names):
                continue
            return Byline(start, end, names)
        # a line of names right under the title
        if index == 1 and len(line) <= labels.name_line_max and not heading:  # "## 简介" is a heading
            names = _clean_names(line if NAME_SEPARATORS.search(line) else re.sub(r"[ \u3000]+", "、", line) if CJK_NAME.search(line) else line)
            if names and all(_is_name(n, labels) for n in names):
                return Byline(start, end, names)
    return None
