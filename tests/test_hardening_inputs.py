"""Bad input through the real CLI (`python -m aikg build … --out tmp` in a subprocess).

Every input either builds a correct graph or is refused with exit code 2 and ONE
line on stderr that names the file and the reason; no traceback reaches the user
unless --debug asks for one. See docs/hardening.md for the table.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import rdflib

from aikg.corpus import MAX_SENTENCE, read_document, split_articles, split_sentences

AIKG = rdflib.Namespace("https://w3id.org/aikg/ontology#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
TEXT = "阿里巴巴发布了通义千问 Qwen 模型。\n智谱开发了 GLM-4。\n"


def aikg(*args, env: dict | None = None, timeout: float = 300, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real CLI; output as bytes (file names in messages need not be UTF-8)."""
    return subprocess.run(
        [sys.executable, "-m", "aikg", *[os.fsencode(a) if isinstance(a, (str, Path, bytes)) else str(a) for a in args]],
        capture_output=True, timeout=timeout, env=env, cwd=cwd,
    )


@pytest.fixture()
def env(tmp_path: Path) -> dict:
    """The CLI's environment: its own cache folder (no user cache is read or written)."""
    return dict(os.environ, AIKG_CACHE_DIR=str(tmp_path / "cache"))


def assert_refused(result: subprocess.CompletedProcess, *needles: str) -> str:
    """Exit code 2, exactly one line on stderr starting with 'aikg: error: ', containing the needles."""
    err = result.stderr.decode("utf-8", "backslashreplace")
    assert result.returncode == 2, (result.returncode, err)
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("aikg: error: "), err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert result.stdout == b"", result.stdout
    return lines[0]


# -- refused inputs: one line, the file, the reason, exit 2 ------------------------------------------

UTF16_NO_BOM = "阿里巴巴发布了通义千问。\n"
BAD_FILES = {
    "empty": (b"", "file is empty"),
    "whitespace": ("  \n\t\r\n\u3000\n".encode("utf-8"), "file is empty"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary file (NUL bytes)"),
    "controls": (bytes(range(1, 9)) * 40 + "文本".encode(), "binary file"),
    "gbk": ("深度求索发布了 DeepSeek-V3 模型。\n".encode("gbk"), "not UTF-8"),
    "gb18030": ("智谱发布了 GLM-4。€ 𠀀\n".encode("gb18030"), "GB18030"),
    "utf16le-no-bom": (UTF16_NO_BOM.encode("utf-16-le"), "UTF-16LE"),
    "utf16be-no-bom": (UTF16_NO_BOM.encode("utf-16-be"), "UTF-16BE"),
    "utf16-ascii-no-bom": ("OpenAI released GPT-4.\n".encode("utf-16-le"), "UTF-16LE"),
    "utf16-bom-odd-length": ("\ufeff智谱".encode("utf-16-le") + b"\x00", "invalid UTF-16"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_refused_in_one_line_naming_it(name: str, tmp_path: Path, env: dict):
    content, reason = BAD_FILES[name]
    path = tmp_path / f"{name}.txt"
    path.write_bytes(content)
    out = tmp_path / "out"
    line = assert_refused(aikg("build", path, "--out", out, env=env), reason)
    assert f"{name}.txt" in line
    assert not out.exists() or list(out.iterdir()) == []


def test_bad_file_inside_a_folder_is_named_and_nothing_is_written(tmp_path: Path, env: dict):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "good.md").write_text("# 好\n\n" + TEXT, encoding="utf-8")
    (corpus / "sub" / "legacy.txt").write_bytes("百度发布了文心一言。".encode("gbk"))
    out = tmp_path / "out"
    assert_refused(aikg("build", corpus, "--out", out, env=env), "legacy.txt", "GB18030")
    assert not (out / "graph.ttl").exists()


def test_missing_path_empty_folder_and_folder_without_text_files(tmp_path: Path, env: dict):
    assert_refused(aikg("build", tmp_path / "nope.txt", "--out", tmp_path / "o", env=env), "nope.txt", "no such file")
    (tmp_path / "empty").mkdir()
    assert_refused(aikg("build", tmp_path / "empty", "--out", tmp_path / "o", env=env), "empty", "no .txt or .md files")
    (tmp_path / "pdfs").mkdir()
    (tmp_path / "pdfs" / "report.pdf").write_bytes(b"%PDF-1.7\n")
    (tmp_path / "pdfs" / "sub.txt").mkdir()  # a folder named like a text file is not a file
    assert_refused(aikg("build", tmp_path / "pdfs", "--out", tmp_path / "o", env=env), "pdfs", "no .txt or .md files")


def test_a_fifo_is_refused_instead_of_blocking_forever(tmp_path: Path, env: dict):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert_refused(aikg("build", fifo, "--out", tmp_path / "o", env=env, timeout=60), "pipe.txt", "not a regular file")


def test_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path, env: dict):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:  # sparse: 65 MiB on paper, no disk used
        handle.truncate(65 * 1024 * 1024)
    started = time.monotonic()
    assert_refused(aikg("build", huge, "--out", tmp_path / "o", env=env), "huge.txt", "65 MiB", "64 MiB limit")
    assert time.monotonic() - started < 30


def test_file_names_that_are_not_utf8_or_hold_control_characters(tmp_path: Path, env: dict):
    folder = os.fsencode(tmp_path / "names")
    os.mkdir(folder)
    latin1 = os.path.join(folder, b"r\xe9sum\xe9.txt")
    with open(latin1, "wb") as handle:
        handle.write(TEXT.encode())
    line = assert_refused(aikg("build", latin1, "--out", tmp_path / "o", env=env), "not valid UTF-8", r"r\xe9sum\xe9.txt")
    assert "internal error" not in line
    os.unlink(latin1)
    # a newline or an ANSI escape in a name would break the one-line error or drive the terminal
    hostile = os.path.join(folder, b"two\nlines\x1b[31m.txt")
    with open(hostile, "wb") as handle:
        handle.write(b"")
    result = aikg("build", hostile, "--out", tmp_path / "o", env=env)
    line = assert_refused(result, r"two\x0alines\x1b[31m.txt", "file is empty")
    assert b"\x1b" not in result.stderr


def test_out_that_is_a_file_is_refused_before_extraction(tmp_path: Path, env: dict):
    source = tmp_path / "ok.md"
    source.write_text("# 好\n\n" + TEXT, encoding="utf-8")
    occupied = tmp_path / "occupied"
    occupied.write_text("not a folder", encoding="utf-8")
    assert_refused(aikg("build", source, "--out", occupied, env=env), "occupied", "not a folder")
    assert occupied.read_text(encoding="utf-8") == "not a folder"


def test_unusable_cache_folder_does_not_fail_the_build(tmp_path: Path):
    source = tmp_path / "ok.md"
    source.write_text("# 好\n\n" + TEXT, encoding="utf-8")
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("x", encoding="utf-8")
    env = dict(os.environ, AIKG_CACHE_DIR=str(blocker))
    result = aikg("build", source, "--out", tmp_path / "out", "--quiet", env=env)
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / "out" / "graph.ttl").is_file()


# -- --debug, and the last line of defence ----------------------------------------------------------


def test_debug_shows_the_traceback_of_a_user_error(tmp_path: Path, env: dict):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = aikg("--debug", "build", empty, "--out", tmp_path / "o", env=env)
    err = result.stderr.decode()
    assert result.returncode != 0
    assert "Traceback (most recent call last)" in err and "AikgError" in err and "empty.txt" in err


def test_an_unexpected_exception_is_one_line_without_debug_and_a_traceback_with_it(tmp_path: Path, env: dict):
    source = tmp_path / "ok.md"
    source.write_text("# 好\n\n" + TEXT, encoding="utf-8")
    # the real entry point with one library function broken (a bug we do not know of yet)
    script = (
        "import sys, aikg.corpus\n"
        "def broken(doc):\n    raise ZeroDivisionError('boom\\nsecond line')\n"
        "aikg.corpus.split_articles = broken\n"
        "from aikg.cli import main\n"
        "sys.argv = ['aikg', *sys.argv[1:]]\n"
        "main()\n"
    )
    plain = subprocess.run([sys.executable, "-c", script, "build", str(source), "--out", str(tmp_path / "o")],
                           capture_output=True, text=True, env=env, timeout=300)
    assert plain.returncode == 1
    assert "Traceback" not in plain.stderr
    lines = plain.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("aikg: internal error: ZeroDivisionError: boom\\x0asecond line")
    assert "--debug" in lines[0]
    debug = subprocess.run([sys.executable, "-c", script, "--debug", "build", str(source), "--out", str(tmp_path / "o")],
                           capture_output=True, text=True, env=env, timeout=300)
    assert debug.returncode == 1 and "Traceback (most recent call last)" in debug.stderr and "ZeroDivisionError" in debug.stderr


# -- accepted inputs: the right text, offsets into the decoded text ------------------------------------

ACCEPTED = {
    "bom.md": "\ufeff# 带 BOM 的文章\n\n文/王五\n\n" + TEXT,
    "crlf.md": "# Windows 行尾\r\n\r\n文/李雷\r\n\r\n" + TEXT.replace("\n", "\r\n"),
    "utf16.txt": "UTF-16 文章\n\n" + TEXT,
    "utf32.txt": "UTF-32 文章\n\n" + TEXT,
    "mixed.md": "# 混合 😀 e\u0301 العربية\n\n" + TEXT + "\u200b\u2028零宽与分隔符。\n",
}
ENCODED = {
    "bom.md": lambda text: text.encode("utf-8"),
    "crlf.md": lambda text: text.encode("utf-8"),
    "utf16.txt": lambda text: text.encode("utf-16"),  # with its BOM
    "utf32.txt": lambda text: text.encode("utf-32"),
    "mixed.md": lambda text: text.encode("utf-8"),
}
TITLES = {"bom.md": "带 BOM 的文章", "crlf.md": "Windows 行尾", "utf16.txt": "UTF-16 文章", "utf32.txt": "UTF-32 文章",
          "mixed.md": "混合 😀 e\u0301 العربية"}


def test_bom_crlf_utf16_utf32_and_mixed_scripts_build_with_exact_offsets(tmp_path: Path, env: dict):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in ACCEPTED.items():
        (corpus / name).write_bytes(ENCODED[name](text))
    out = tmp_path / "out"
    result = aikg("build", corpus, "--out", out, "--quiet", env=env)
    assert result.returncode == 0 and result.stderr == b"", result.stderr.decode()
    graph = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    decoded = {name: read_document(corpus / name, name).text for name in ACCEPTED}
    assert not decoded["bom.md"].startswith("\ufeff") and "\r\n" in decoded["crlf.md"]
    titles = {str(graph.value(a, DCT.source)): str(graph.value(a, DCT.title)) for a in graph.subjects(rdflib.RDF.type, AIKG.Article)}
    assert titles == TITLES
    statements = list(graph.subjects(rdflib.RDF.type, rdflib.RDF.Statement))
    assert len(statements) >= len(ACCEPTED)  # every file states at least one fact
    for st in statements:
        article = graph.value(st, rdflib.namespace.PROV.wasDerivedFrom)
        text = decoded[str(graph.value(article, DCT.source))]
        start, end = int(graph.value(st, AIKG.startOffset)), int(graph.value(st, AIKG.endOffset))
        evidence = str(graph.value(st, AIKG.evidence))
        assert text[start:end][: len(evidence)] == evidence and "\r" not in evidence
    # the authors of the BOM and CRLF files were read from their bylines
    authors = {str(graph.value(s, rdflib.RDFS.label)) for s, _, _ in graph.triples((None, AIKG.authorOf, None))}
    assert {"王五", "李雷"} <= authors


def test_fifty_megabyte_file_builds_in_reasonable_time(tmp_path: Path, env: dict):
    """50 MB (under the 64 MiB limit) of mostly blank padding around real sentences: it builds.

    Dense text extracts at about 0.1 MB/s (a 50 MB novel would take ~10 minutes, but it
    would build); padding keeps this test affordable while the reader, splitter and
    offsets still walk all 50 MB.
    """
    big = tmp_path / "big.txt"
    pad = (" " * 999 + "\n") * 1000  # 1 MB
    with open(big, "w", encoding="utf-8") as handle:
        handle.write("超大文件\n\n阿里巴巴发布了通义千问。\n")
        for _ in range(50):
            handle.write(pad)
        handle.write("智谱开发了 GLM-4。\n")
    assert big.stat().st_size > 50_000_000
    started = time.monotonic()
    result = aikg("build", big, "--out", tmp_path / "out", "--quiet", "--no-cache", env=env)
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr.decode()
    assert seconds < 120, seconds  # measured: about 6 s
    graph = rdflib.Graph().parse(tmp_path / "out" / "graph.ttl", format="turtle")
    ends = [int(o) for o in graph.objects(None, AIKG.endOffset)]
    assert max(ends) > 50_000_000  # the last sentence's offsets lie past the padding
    assert (None, AIKG.developedBy, None) in graph


def test_three_thousand_small_files_build_in_reasonable_time(tmp_path: Path, env: dict):
    corpus = tmp_path / "many"
    corpus.mkdir()
    for i in range(3000):
        extra = "智谱开发了 GLM-4。" if i % 50 == 0 else ""
        (corpus / f"note-{i:04d}.md").write_text(f"# 笔记 {i}\n\n今天读了一篇关于 Qwen 的文章。{extra}\n", encoding="utf-8")
    started = time.monotonic()
    result = aikg("build", corpus, "--out", tmp_path / "out", "--quiet", "--no-cache", env=env, timeout=600)
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr.decode()
    assert seconds < 180, seconds  # measured: about 7 s
    graph = rdflib.Graph().parse(tmp_path / "out" / "graph.ttl", format="turtle")
    assert len(set(graph.subjects(rdflib.RDF.type, AIKG.Article))) == 3000
    assert len(list(graph.triples((None, AIKG.developedBy, None)))) == 1  # one fact, stated in 60 articles
    assert len(set(graph.subjects(rdflib.RDF.type, rdflib.RDF.Statement))) == 60


def test_reader_level_split_of_an_accepted_file_matches_the_cli(tmp_path: Path):
    path = tmp_path / "crlf.md"
    path.write_bytes(ENCODED["crlf.md"](ACCEPTED["crlf.md"]))
    doc = read_document(path)
    [article] = split_articles(doc)
    assert article.title == TITLES["crlf.md"] and article.authors == ("李雷",)
    assert article.start == 0 and article.end == len(doc.text)


def test_repeated_part_numbers_and_colliding_file_stems_get_distinct_articles(tmp_path: Path, env: dict):
    """Article keys are IRIs: two "< Part 1 >" sections, or "a/report.md" + "b/report.md" +
    "report-2.md", must not merge into one article node (it would fail the shapes)."""
    corpus = tmp_path / "corpus"
    for sub in ("a", "b"):
        (corpus / sub).mkdir(parents=True)
        (corpus / sub / "report.md").write_text(f"# {sub}\n\n" + TEXT, encoding="utf-8")
    (corpus / "report-2.md").write_text("# c\n\n" + TEXT, encoding="utf-8")
    body = "这一部分的正文很长，讲开源生态。" * 45  # over 600 characters: a part of its own
    (corpus / "parts.txt").write_text(
        f"< Part 1 : 数据 >\n{body}\n\n标题甲\n文/张三\n阿里巴巴开发了通义千问。\n"
        f"< Part 1 : 工具 >\n{body}\n\n标题乙\n文/李四\n智谱开发了 GLM-4。\n", encoding="utf-8")
    out = tmp_path / "out"
    result = aikg("build", corpus, "--out", out, "--quiet", env=env)
    assert result.returncode == 0, result.stderr.decode()
    graph = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    keys = sorted(str(a).rsplit("/", 1)[1] for a in graph.subjects(rdflib.RDF.type, AIKG.Article))
    assert keys == ["parts-A01", "parts-A02", "parts-P1", "parts-P1-2", "report", "report-2", "report-2-2"]
    for article in graph.subjects(rdflib.RDF.type, AIKG.Article):
        assert len(list(graph.objects(article, AIKG.startOffset))) == 1


def test_one_huge_line_without_punctuation_builds_in_linear_time(tmp_path: Path, env: dict):
    """A 60,000-character line with no sentence end (a table dump, a minified page) is cut into
    pieces of at most MAX_SENTENCE characters; as one sentence it took the extractor over ten
    minutes (its cost grows much faster than the sentence length)."""
    import random

    rng = random.Random(1)
    words = ["阿里巴巴", "发布", "通义千问", "模型", "开源", "生态", "智谱", "开发", "数据", "技术", "Qwen", "研究"]
    line = "".join(rng.choice(words) for _ in range(25_000))
    path = tmp_path / "line.txt"
    path.write_text("一行到底\n\n" + line + "\n", encoding="utf-8")
    doc = read_document(path)
    [article] = split_articles(doc)
    sentences = split_sentences(doc, article)
    assert max(len(s.text) for s in sentences) <= MAX_SENTENCE
    assert "".join(s.text for s in sentences[1:]) == line  # cut, nothing lost
    assert all(doc.text[s.start:s.end] == s.text for s in sentences)
    started = time.monotonic()
    result = aikg("build", path, "--out", tmp_path / "out", "--quiet", "--no-cache", env=env, timeout=90)
    assert result.returncode == 0, result.stderr.decode()
    assert time.monotonic() - started < 60  # measured: about 5 s
