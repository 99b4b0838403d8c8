"""Fuzzing (hypothesis): random Unicode through the corpus reader, the extractor and the RDF.

For any text written to a file: the reader returns a document or refuses it with
AikgError (nothing else); every offset points into the decoded text; the extractor
never raises; every mention's text is ``source[start:end]``; every relation's
evidence lies inside its article; and the graph's Turtle parses back with rdflib to
an isomorphic graph. One spaCy pipeline is built at import and reused.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import rdflib
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from aikg.corpus import MAX_SENTENCE, read_corpus, read_document, split_articles, split_sentences
from aikg.errors import AikgError
from aikg.extract import EVIDENCE_MAX, extract
from aikg.extract.pipeline import build_nlp
from aikg.graph.rdf import to_graph, turtle_bytes
from aikg.shacl import validate

NLP = build_nlp()  # once per module: extract() reuses this cached pipeline

# AIKG_FUZZ_EXAMPLES=3000 for a long local run (3000 per test passed: ~9 minutes)
FUZZ = settings(
    max_examples=int(os.environ.get("AIKG_FUZZ_EXAMPLES", "50")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# pieces that exercise the splitter and the extractor's rules
STRUCTURE = [
    "\n", "\r\n", "\r", "\n\n", "。", "！", "？", "；", ". ", "…", "“", "”", "（", "）", "(", ")", "、", "，",
    "文/", "文 / ", "文／", "文/张三、李四", "文/OpenAI", "< Part 1 : 数据 >", "< Part 2 : 工具 >", "# ", "## 标题\n",
    "阿里巴巴", "通义千问", "Qwen", "Qwen2.5", "智谱", "GLM-4", "OpenAI", "GPT-4", "DeepSeek", "深度求索", "百度",
    "开发了", "发布了", "基于", "使用了", "是", "的", "研究员", "公司", "科技有限公司", "实验室", "模型", "架构",
    "https://example.com/a?b=1", "x@example.org", "<script>", "\"><img src=x onerror=alert(1)>", "javascript:",
    "[red]", "[/x]", "\\", "\"", "'", "{", "}", "@prefix", "<", ">", "&amp;", "\t", "\u3000", "\u00a0",
]
ALPHABETS = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),  # emoji
    st.characters(min_codepoint=0x0300, max_codepoint=0x036F),  # combining marks, also unpaired at a start
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),  # Arabic (right to left)
    st.characters(min_codepoint=0x3040, max_codepoint=0x30FF),  # kana
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),  # full-width ASCII
    st.sampled_from(["\u200b", "\u200d", "\u202e", "\u2028", "\u2029", "\ufeff", "\ufffd", "\x85", "\x0b", "\x0c"]),
    st.characters(min_codepoint=0x01, max_codepoint=0x1F),  # control characters (few: see below)
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.characters(blacklist_categories=("Cs",)),  # anything else a str can hold
)
LONG_TOKEN = st.builds(lambda ch, n: ch * n, st.sampled_from(["a", "模", "😀", "-", "Q"]), st.integers(200, 3000))
NAMES = ["阿里巴巴", "通义千问", "Qwen", "智谱", "GLM-4", "OpenAI", "GPT-4", "深度求索", "DeepSeek-V3", "Transformer",
         "张三", "李四", "清华大学", "Meta", "Llama 3", "LangChain", "RAG", "MoE", "\"><b>X</b>", "[red]Y[/red]"]
VERBS = ["开发了", "发布了", "基于", "采用了", "使用", "是…的", "隶属于", "任职于", "推出了", "开源了", "的"]
# sentences shaped like the facts the extractor looks for, with random noise inside
FACT = st.builds(
    lambda s, noise, v, o, end: f"{s}{noise}{v}{o}{end}",
    st.sampled_from(NAMES), st.text(ALPHABETS, max_size=3), st.sampled_from(VERBS), st.sampled_from(NAMES),
    st.sampled_from(["。", "\n", "；", "", "!", ".\n"]),
)
PIECE = st.one_of(
    st.sampled_from(STRUCTURE),
    st.text(ALPHABETS, min_size=1, max_size=12),
    LONG_TOKEN,
    FACT,
)
DOCUMENT = st.lists(PIECE, min_size=1, max_size=60).map("".join)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _check_document(doc, articles) -> None:
    text = doc.text
    assert articles, "a readable document has at least one article"
    keys = [a.key for a in articles]
    assert len(keys) == len(set(keys)), f"article keys must be unique (they are IRIs): {keys}"
    for article in articles:
        assert 0 <= article.start <= article.end <= len(text)
        for span in (article.byline, article.bio):
            if span is not None:
                assert article.start <= span[0] <= span[1] <= article.end, (span, article)
        for sentence in split_sentences(doc, article):
            assert article.start <= sentence.start < sentence.end <= article.end
            assert text[sentence.start:sentence.end] == sentence.text
            assert sentence.text == sentence.text.strip() and sentence.text
            assert len(sentence.text) <= MAX_SENTENCE


@FUZZ
@given(text=DOCUMENT)
def test_reader_accepts_or_refuses_and_every_offset_points_into_the_text(text: str):
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), "fuzz.txt", text)
        try:
            doc = read_document(path)
        except AikgError as err:
            assert "fuzz.txt" in str(err)
            return
        expected = text[1:] if text.startswith("\ufeff") else text
        assert doc.text == expected
        _check_document(doc, split_articles(doc))


@FUZZ
@given(texts=st.lists(DOCUMENT, min_size=1, max_size=3))
def test_extractor_never_raises_offsets_hold_and_rdf_round_trips(texts: list[str]):
    with tempfile.TemporaryDirectory() as folder:
        for index, text in enumerate(texts):
            _write(Path(folder), f"doc-{index}.md", text)
        try:
            documents = read_corpus([Path(folder)])
        except AikgError:
            event("refused by the reader")
            return  # refused by the reader (empty, binary-looking): tested above
        for doc, articles in documents:
            _check_document(doc, articles)
        keys = [a.key for _, articles in documents for a in articles]
        assert len(keys) == len(set(keys)), keys  # article IRIs are unique across documents too
        extraction = extract(documents)

    texts_by_slug = {doc.slug: doc.text for doc, _ in documents}
    articles_by_key = {a.key: a for _, arts in documents for a in arts}
    for mention in extraction.mentions:
        article = articles_by_key[mention.article_key]
        source = texts_by_slug[article.doc_slug]
        assert source[mention.start:mention.end] == mention.text, mention
        assert article.start <= mention.start < mention.end <= article.end
    for relation in extraction.relations:
        article = articles_by_key[relation.article_key]
        source = texts_by_slug[article.doc_slug]
        assert article.start <= relation.start < relation.end <= article.end, relation
        assert source[relation.start:relation.end][:EVIDENCE_MAX] == relation.evidence
        assert relation.subject in extraction.entities
        assert relation.object in extraction.entities or relation.object in articles_by_key
    for entity in extraction.entities.values():
        assert entity.name and entity.id

    event("facts found" if extraction.relations else "no facts")
    graph = to_graph(extraction)
    data = turtle_bytes(graph)
    parsed = rdflib.Graph().parse(data=data, format="turtle")
    assert len(parsed) == len(graph)
    assert isomorphic(parsed, graph)
    assert turtle_bytes(parsed) == data  # and it serializes to the same bytes again
    conforms, report = validate(graph)  # or `aikg build` would refuse the graph of this input
    assert conforms, report


@FUZZ
@given(text=st.text(ALPHABETS, min_size=1, max_size=400))
def test_raw_unicode_without_structure(text: str):
    """Plain random characters (no pieces): the reader and the extractor still hold."""
    with tempfile.TemporaryDirectory() as folder:
        _write(Path(folder), "raw.txt", text)
        try:
            documents = read_corpus([Path(folder)])
        except AikgError:
            return
        extraction = extract(documents)
    doc = documents[0][0]
    for mention in extraction.mentions:
        assert doc.text[mention.start:mention.end] == mention.text
    graph = to_graph(extraction)
    assert isomorphic(rdflib.Graph().parse(data=turtle_bytes(graph), format="turtle"), graph)
