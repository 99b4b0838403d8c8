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

from aikg.byline import Byline, find_byline
from aikg.errors import AikgError
from aikg.records import Article, Document, Sentence

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
MAX_FILE_BYTES = 64 * 1024 * 1024

BYLINE = re.compile(r"^[ \t\u3000]*文[ \t]*[/／][ \t]*(?P<names>\S[^\r\n]*?)[ \t\r]*$", re.M)
PART_MARKER = re.compile(r"^[ \t]*<[ \t]*Part[ \t]*(?P<num>\d+)[ \t]*[:：][^\r\n>]*>[ \t\r]*$", re.M | re.I)
AUTHOR_SEPARATORS = re.compile(r"[、，,;；]|\s+and\s+|\s*&\s*|\s+和\s+")
# Sentence ends: Chinese and Latin terminal punctuation, or a line break.
SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』)）]*|(?<!\b[A-Z])\.(?=\s)|\r?\n")  # "Joseph E. Gonzalez" is one name
LIST_NUMBER = re.compile(r"[ \t]*\d{1,3}")
TABLE_ROW = re.compile(r"[ \t]*\|[^\r\n]*\|[ \t]*\r?$", re.M)
MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<title>.+?)[ \t#]*$", re.M)
# A run of text without sentence punctuation (a table row, a minified line) is cut into
# pieces of at most this many characters, after a comma or a space where there is one:
# the extractor's cost grows much faster than linearly with a sentence's length. Real
# sentences are far shorter (the longest in the bundled report has 238 characters).
MAX_SENTENCE = 1000
SOFT_BREAK = re.compile(r"[，,、：:；;（(\s]")
# A page break of a PDF-extracted text cuts a Chinese sentence in two paragraphs ("…，通" / "过以存
# 换算…"): a long line that ends in a Chinese character, then blank lines, then a line that goes on in
# Chinese is one sentence.
PAGE_BREAK = re.compile(r"(?<=[\u4e00-\u9fff])[ \t]*(?:\r?\n[ \t]*){2,3}(?=[\u4e00-\u9fff])")
CONTINUED_LINE = 40  # characters a line needs to be cut prose rather than a heading or a list item
BLOCK_MARKER = re.compile(r"[ \t]*(?:#|[-*+>|]|\d{1,3}[.、)])")


def slugify(text: str) -> str:
    """ASCII slug of a file stem: lowercase letters, digits and dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        slug = "doc-" + hashlib.sha1(text.encode()).hexdigest()[:8]
    return slug


def read_document(path: Path, display_path: str | None = None) -> Document:
    """Read one UTF-8 text/Markdown file; refuse what is not text with a clear reason."""
    display = display_path or path.name
    _check_name(path, display)
    if not path.exists():
        raise AikgError(f"{path}: no such file")
    if path.is_dir():
        raise AikgError(f"{path}: is a directory (give the files, or use read_corpus)")
    if not path.is_file():  # a FIFO or a device would block or never end
        raise AikgError(f"{path}: not a regular file (a pipe, socket or device?); give text files")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise AikgError(f"{path}: file is {size // (1024 * 1024)} MiB, over the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        raise AikgError(f"{path}: cannot read it ({err.strerror or err})") from None
    if len(raw) > MAX_FILE_BYTES:  # grew after the size check
        raise AikgError(f"{path}: file is over the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit")
    text = decode_text(raw, path)
    return Document(
        path=display,
        slug=slugify(path.stem),
        text=text,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def _check_name(path: Path, display: str) -> None:
    """File names become provenance text (UTF-8): refuse one that is not valid UTF-8."""
    try:
        display.encode("utf-8")
        path.stem.encode("utf-8")
    except UnicodeEncodeError:
        raise AikgError(f"{path}: file name is not valid UTF-8; rename the file") from None


def decode_text(raw: bytes, path: Path) -> str:
    """Decode bytes as UTF-8 (UTF-16/32 with a BOM are accepted too); anything else is refused."""
    if not raw:
        raise AikgError(f"{path}: file is empty (no text to extract)")
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        encoding = "utf-32"
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = None
    if encoding:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as err:
            raise AikgError(f"{path}: invalid {encoding.upper()} text ({err.reason} at byte {err.start})") from None
    else:
        utf16 = _utf16_without_bom(raw)
        if utf16:
            raise AikgError(
                f"{path}: looks like {utf16} text without a byte-order mark, not UTF-8; "
                f"convert it with: iconv -f {utf16} -t UTF-8"
            )
        if b"\x00" in raw[:8192]:
            raise AikgError(f"{path}: looks like a binary file (NUL bytes), not text")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            hint = " (GBK/GB18030? convert it with: iconv -f GB18030 -t UTF-8)" if _looks_like_gbk(raw) else ""
            raise AikgError(f"{path}: not UTF-8 text: invalid byte at offset {err.start}{hint}") from None
    if not text.strip():
        raise AikgError(f"{path}: file is empty (only whitespace, no text to extract)")
    control = sum(1 for ch in text[:65536] if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f\v")
    if control > max(8, len(text[:65536]) // 100):
        raise AikgError(f"{path}: looks like a binary file ({control} control characters), not text")
    return text


def _utf16_without_bom(raw: bytes) -> str | None:
    """"UTF-16LE"/"UTF-16BE" when the bytes read as text in that encoding (ASCII characters
    put their NUL byte on one side of every pair); None otherwise (binary data has NULs on both)."""
    sample = raw[:8192]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0 and odd >= 4 * even:
        encoding = "UTF-16LE"
    elif even > 0 and even >= 4 * odd:
        encoding = "UTF-16BE"
    else:
        return None
    try:
        text = sample[: len(sample) // 2 * 2].decode(encoding.lower(), errors="replace")
    except UnicodeDecodeError:
        return None
    textual = sum(1 for ch in text if ch in "\r\n\t" or unicodedata.category(ch)[0] in "LNPZS")
    return encoding if textual >= 0.95 * len(text) else None


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
        return [_single_article(doc)]

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
            part_id = f"P{marker.group('num')}"
            if any(a.id == part_id for a in articles):  # a part number used twice: ids are IRIs, keep them apart
                part_id += f"-{1 + sum(1 for a in articles if a.id == part_id or a.id.startswith(part_id + '-'))}"
            articles.append(
                Article(id=part_id, doc_slug=doc.slug, title=title, authors=(), start=start, end=end)
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


def _single_article(doc: Document) -> Article:
    text = doc.text
    wen = BYLINE.search(text)  # the report's own "文/…" form takes its names as written
    found = Byline(wen.start(), wen.end(), split_authors(wen.group("names"))) if wen else find_byline(text)
    heading = MARKDOWN_HEADING.search(text)
    if heading:
        title = heading.group("title").strip()
    elif found is not None and (prev := _previous_nonblank_line(text, found.start, 0)):
        title = text[prev[0]:prev[1]]
    else:
        first = next((line.strip() for line in text.splitlines() if line.strip()), doc.slug)
        title = first[:120]
    authors = found.names if found else ()
    bio = _find_bio(text, found.end, len(text), authors) if found else None
    return Article(
        id=doc.slug,
        doc_slug=doc.slug,
        title=title.lstrip("#").strip(),
        authors=authors,
        start=0,
        end=len(text),
        byline=(found.start, found.end) if found else None,
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


def _page_breaks(text: str, start: int, end: int) -> set[int]:
    """Offsets of the line breaks inside a sentence a page break cut (see PAGE_BREAK)."""
    joined: set[int] = set()
    for match in PAGE_BREAK.finditer(text, start, end):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if match.start() - line_start >= CONTINUED_LINE and not BLOCK_MARKER.match(text, line_start):
            joined.update(i for i in range(match.start(), match.end()) if text[i] == "\n")
    return joined


def split_sentences(doc: Document, article: Article) -> list[Sentence]:
    """Sentences of an article with absolute offsets; blank ones are dropped."""
    text = doc.text
    sentences: list[Sentence] = []
    cursor = article.start
    bio_start = article.bio[0] if article.bio else None

    def emit(start: int, end: int) -> None:
        while end - start > MAX_SENTENCE:
            limit = start + MAX_SENTENCE
            breaks = [m.end() for m in SOFT_BREAK.finditer(text, limit - MAX_SENTENCE // 5, limit)]
            cut = breaks[-1] if breaks else limit
            emit_one(start, cut)
            start = cut
        emit_one(start, end)

    def emit_one(start: int, end: int) -> None:
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

    # in Markdown a blank line is a paragraph break by definition; plain text may be a PDF's
    joined = set() if Path(doc.path).suffix.lower() in MARKDOWN_SUFFIXES else _page_breaks(text, article.start, article.end)
    for match in SENTENCE_END.finditer(text, article.start, article.end):
        if match.start() in joined:
            continue
        if match.group(0).strip() and TABLE_ROW.match(text, text.rfind("\n", 0, match.start()) + 1):
            continue  # a table row is one sentence: "| vLLM | Feb. 2023 |" is not cut at "Feb."
        if match.group(0) == "." and LIST_NUMBER.fullmatch(text, text.rfind("\n", 0, match.start()) + 1, match.start()):
            continue  # "1. **ALBERT** …": a numbered item's marker ends nothing
        end = match.end() if match.group(0).strip() else match.start()
        emit(cursor, end)
        cursor = match.end()
    emit(cursor, article.end)
    return sentences


def read_corpus(paths: list[Path]) -> list[tuple[Document, list[Article]]]:
    """Read and split every file under the given paths, in a stable order."""
    documents = []
    taken: set[str] = set()
    for path, display in collect_files(paths):
        doc = read_document(path, display)
        slug, count = doc.slug, 1
        while slug in taken:  # two files with the same stem in different folders (or "x.md" and "x-2.md")
            count += 1
            slug = f"{doc.slug}-{count}"
        taken.add(slug)
        if slug != doc.slug:
            doc = Document(path=doc.path, slug=slug, text=doc.text, sha256=doc.sha256)
        documents.append((doc, split_articles(doc)))
    return documents
