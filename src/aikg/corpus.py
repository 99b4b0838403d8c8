"""Corpus reader: UTF-8 text or Markdown files → documents → articles → sentences.

A report such as the bundled one is split into its signed articles (a title
line, a ``文/…`` byline, the body, and the author bio printed after it) and its
unsigned parts (``< Part N : … >`` sections without a byline). A file with at
most one byline is one article. All offsets are character offsets into the
decoded text (BOM removed, line ends kept as they are in the file).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from aikg.errors import AikgError
from aikg.records import Article, Document, Sentence

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
MAX_FILE_BYTES = 64 * 1024 * 1024

BYLINE = re.compile(r"^[ \t\u3000]*文[ \t]*[/／][ \t]*(?P<names>\S[^\r\n]*?)[ \t\r]*$", re.M)
PART_MARKER = re.compile(r"^[ \t]*<[ \t]*Part[ \t]*(?P<num>\d+)[ \t]*[:：][^\r\n>]*>[ \t\r]*$", re.M | re.I)
AUTHOR_SEPARATORS = re.compile(r"[、，,;；]|\s+and\s+|\s*&\s*|\s+和\s+")
# Sentence ends: Chinese and Latin terminal punctuation, or a line break.
SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』)）]*|\.(?=\s)|\r?\n")
MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<title>.+?)[ \t#]*$", re.M)


def slugify(text: str) -> str:
    """ASCII slug of a file stem: lowercase letters, digits and dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        slug = "doc-" + hashlib.sha1(text.encode()).hexdigest()[:8]
    return slug


def read_document(path: Path, display_path: str | None = None) -> Document:
    """Read one UTF-8 text/Markdown file; refuse what is not text with a clear reason."""
    if not path.exists():
        raise AikgError(f"{path}: no such file")
    if path.is_dir():
        raise AikgError(f"{path}: is a directory (give the files, or use read_corpus)")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise AikgError(f"{path}: file is {size // (1024 * 1024)} MiB, over the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit")
    raw = path.read_bytes()
    text = decode_text(raw, path)
    return Document(
        path=display_path or path.name,
        slug=slugify(path.stem),
        text=text,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def decode_text(raw: bytes, path: Path) -> str:
    """Decode bytes as UTF-8 (UTF-16 with a BOM is accepted too); anything else is refused."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as err:
            raise AikgError(f"{path}: invalid UTF-16 text ({err.reason} at byte {err.start})") from None
    else:
        if b"\x00" in raw[:8192]:
            raise AikgError(f"{path}: looks like a binary file (NUL bytes), not text")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            hint = " (GBK/GB18030? convert it with: iconv -f GB18030 -t UTF-8)" if _looks_like_gbk(raw) else ""
            raise AikgError(f"{path}: not UTF-8 text: invalid byte at offset {err.start}{hint}") from None
    if not text.strip():
        raise AikgError(f"{path}: file is empty (no text to extract)")
    control = sum(1 for ch in text[:65536] if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f\v")
    if control > max(8, len(text[:65536]) // 100):
        raise AikgError(f"{path}: looks like a binary file ({control} control characters), not text")
    return text


def _looks_like_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def collect_files(paths: list[Path]) -> list[tuple[Path, str]]:
    """Expand paths (files or folders) to text files, sorted; (path, display path) pairs."""
    found: list[tuple[Path, str]] = []
    for given in paths:
        if not given.exists():
            raise AikgError(f"{given}: no such file or directory")
        if given.is_dir():
            files = sorted(
                p for p in given.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES
            )
            if not files:
                raise AikgError(f"{given}: directory has no .txt or .md files")
            found.extend((p, p.relative_to(given).as_posix()) for p in files)
        else:
            found.append((given, given.name))
    found.sort(key=lambda pair: pair[1])
    seen: set[str] = set()
    for _, display in found:
        if display in seen:
            raise AikgError(f"{display}: given twice")
        seen.add(display)
    return found


def split_authors(names: str) -> tuple[str, ...]:
    """'Tiezhen、Adina、Lu Cheng' → ('Tiezhen', 'Adina', 'Lu Cheng')."""
    return tuple(n.strip(" \t\u3000") for n in AUTHOR_SEPARATORS.split(names) if n.strip(" \t\u3000"))


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def _previous_nonblank_line(text: str, pos: int, floor: int) -> tuple[int, int] | None:
    """The last non-blank line ending before pos (not before floor)."""
    end = pos
    while end > floor:
        line_start = text.rfind("\n", floor, end - 1) + 1 if end - 1 > floor else floor
        line = text[line_start:end].strip()
        if line:
            stripped_start = line_start + (len(text[line_start:end]) - len(text[line_start:end].lstrip()))
            return stripped_start, stripped_start + len(line)
        end = line_start - 1 if line_start > floor else floor
    return None


TITLE_CONTINUES = re.compile(r"[^。！？.!?：:;；，,）)」”]$")


def _title_span(text: str, byline_start: int, floor: int) -> tuple[int, int]:
    """The title line above a byline; a title broken over two short lines is joined."""
    title = _previous_nonblank_line(text, byline_start, floor)
    if title is None:
        return _line_bounds(text, byline_start)
    above = _previous_nonblank_line(text, title[0], floor)
    head = text[above[0]:above[1]] if above else ""
    # a heading broken in two: a short line that neither ends a sentence nor is a label ("邮箱：…")
    if above and len(head) <= 30 and TITLE_CONTINUES.search(head) and not re.search(r"[@：:/]", head):
        return above[0], title[1]
    return title


def split_articles(doc: Document) -> list[Article]:
    """Split a document into articles; a file with at most one byline is one article."""
    text = doc.text
    bylines = list(BYLINE.finditer(text))
    if len(bylines) <= 1:
        return [_single_article(doc, bylines[0] if bylines else None)]

    markers = list(PART_MARKER.finditer(text))
    # (start, kind, payload): the boundaries that open a new section.
    starts: list[tuple[int, str, object]] = []
    previous_end = 0
    for match in bylines:
        title_span = _title_span(text, match.start(), previous_end)
        starts.append((title_span[0], "article", (match, title_span)))
        previous_end = match.end()
    for marker in markers:
        starts.append((marker.start(), "part", marker))
    starts.sort(key=lambda item: item[0])

    articles: list[Article] = []
    signed = 0
    for index, (start, kind, payload) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        if kind == "part":
            marker = payload  # type: ignore[assignment]
            # A part marker followed directly by signed articles is only a heading.
            body = text[marker.end():end]
            if not body.strip() or _is_container_part(text, marker.end(), end, bylines):
                continue
            title = marker.group(0).strip().strip("<>").strip()
            articles.append(
                Article(id=f"P{marker.group('num')}", doc_slug=doc.slug, title=title, authors=(), start=start, end=end)
            )
            continue
        match, title_span = payload  # type: ignore[misc]
        signed += 1
        authors = split_authors(match.group("names"))
        articles.append(
            Article(
                id=f"A{signed:02d}",
                doc_slug=doc.slug,
                title=re.sub(r"\s*\n\s*", "", text[title_span[0]:title_span[1]]),
                authors=authors,
                start=start,
                end=end,
                byline=(match.start("names") - 2 if match.start("names") >= 2 else match.start(), match.end()),
                bio=_find_bio(text, match.end(), end, authors),
            )
        )
    return articles


def _is_container_part(text: str, start: int, end: int, bylines: list[re.Match]) -> bool:
    """True when the part is a short intro to signed articles (e.g. Part 2), not content."""
    return len(text[start:end].strip()) < 600 and any(b.start() >= end for b in bylines)


def _single_article(doc: Document, byline: re.Match | None) -> Article:
    text = doc.text
    heading = MARKDOWN_HEADING.search(text)
    if heading:
        title = heading.group("title").strip()
    elif byline is not None and (prev := _previous_nonblank_line(text, byline.start(), 0)):
        title = text[prev[0]:prev[1]]
    else:
        first = next((line.strip() for line in text.splitlines() if line.strip()), doc.slug)
        title = first[:120]
    authors = split_authors(byline.group("names")) if byline else ()
    bio = _find_bio(text, byline.end(), len(text), authors) if byline else None
    return Article(
        id=doc.slug,
        doc_slug=doc.slug,
        title=title.lstrip("#").strip(),
        authors=authors,
        start=0,
        end=len(text),
        byline=(byline.start(), byline.end()) if byline else None,
        bio=bio,
    )


def _find_bio(text: str, body_start: int, end: int, authors: tuple[str, ...]) -> tuple[int, int] | None:
    """The author bio: from the first line that is exactly an author's name, after the body."""
    first: int | None = None
    for author in authors:
        pattern = re.compile(
            r"^[ \t\u3000]*" + re.escape(author) + r"[ \t\u3000]*(?:[（(][^()（）\n]{1,40}[)）])?[ \t\u3000]*\r?$", re.M
        )
        hits = [m.start() for m in pattern.finditer(text, body_start, end)]
        if hits:
            # the bio names each author on a line of its own; take the earliest of the last block
            first = hits[-1] if first is None else min(first, hits[-1])
    if first is None:
        return None
    return first, end


def split_sentences(doc: Document, article: Article) -> list[Sentence]:
    """Sentences of an article with absolute offsets; blank ones are dropped."""
    text = doc.text
    sentences: list[Sentence] = []
    cursor = article.start
    bio_start = article.bio[0] if article.bio else None

    def emit(start: int, end: int) -> None:
        chunk = text[start:end]
        stripped = chunk.strip()
        if not stripped:
            return
        left = start + (len(chunk) - len(chunk.lstrip()))
        right = left + len(stripped)
        sentences.append(
            Sentence(
                article_id=article.id,
                start=left,
                end=right,
                text=stripped,
                in_bio=bio_start is not None and left >= bio_start,
            )
        )

    for match in SENTENCE_END.finditer(text, article.start, article.end):
        end = match.end() if match.group(0).strip() else match.start()
        emit(cursor, end)
        cursor = match.end()
    emit(cursor, article.end)
    return sentences


def read_corpus(paths: list[Path]) -> list[tuple[Document, list[Article]]]:
    """Read and split every file under the given paths, in a stable order."""
    documents = []
    slugs: dict[str, int] = {}
    for path, display in collect_files(paths):
        doc = read_document(path, display)
        count = slugs.get(doc.slug, 0)
        slugs[doc.slug] = count + 1
        if count:  # two files with the same stem in different folders
            doc = Document(path=doc.path, slug=f"{doc.slug}-{count + 1}", text=doc.text, sha256=doc.sha256)
        documents.append((doc, split_articles(doc)))
    return documents
