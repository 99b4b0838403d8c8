"""The corpus reader: decoding, refusing bad input, splitting reports into articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from aikg import paths
from aikg.corpus import collect_files, read_corpus, read_document, split_articles, split_authors, split_sentences
from aikg.errors import AikgError

EXPECTED = {
    "P1": ("Part 1 : 中国开源开发者生态数据", ()),
    "A01": ("2024 年中国开源模型：崛起与变革", ("Tiezhen", "Adina", "Lu Cheng")),
    "A02": ("开源模型未必更先进，但会更长久", ("顾钧",)),
    "A03": ("大模型撞上“算力墙”，超级应用的探寻之路", ("傅聪",)),
    "A04": ("AI 的三岔路口：专业模型和个人模型", ("李博杰",)),
    "A05": ("2024 年 AI 编程技术与工具发展综述", ("朱少民",)),
    "A06": ("RAG 市场的 2024：随需而变，从狂热到理性", ("卢向东",)),
    "A07": ("大模型训练中的开源数据和算法：机遇及挑战", ("苏震巍",)),
    "A08": ("2024 年 AI 编程工具的进化", ("黄峰达",)),
    "A09": ("AI 开发者中间件工具生态 2024 年总结", ("莫尔索",)),
    "A10": ("AI Agent 逐渐成为 AI 应用的核心架构", ("张善友",)),
    "A11": ("谈开源大模型的技术主权问题", ("王政",)),
    "A12": ("2024: 大模型背景下知识图谱的理性回归", ("梁磊",)),
    "A13": ("人工智能与处理器芯片架构", ("包云岗",)),
    "A14": ("大模型生成代码的安全与质量", ("谢筱恒",)),
    "A15": ("2024 年 AI 大模型如何影响基础软件行业中的「开发工具与环境」", ("张宏波",)),
    "A16": ("推理中心化：构建未来 AI 基础设施的关键", ("趋境科技",)),
    "P3": ("Part 3 : 国产 GenAI 生态高亮瞬间", ()),
}


@pytest.fixture(scope="module")
def report():
    doc = read_document(paths.DEFAULT_CORPUS)
    return doc, split_articles(doc)


def test_bundled_report_splits_into_16_signed_articles_and_two_parts(report):
    doc, articles = report
    assert [a.id for a in articles] == list(EXPECTED)
    for article in articles:
        title, authors = EXPECTED[article.id]
        assert article.title == title
        assert article.authors == authors
        assert 0 <= article.start < article.end <= len(doc.text)
    # articles are consecutive and do not overlap
    for left, right in zip(articles, articles[1:]):
        assert left.end <= right.start


def test_each_article_span_starts_at_its_title_and_holds_its_byline(report):
    doc, articles = report
    for article in articles:
        head = doc.text[article.start:article.start + 80].lstrip("< ")
        assert head.startswith(article.title[:6])
        if article.authors:
            start, end = article.byline
            assert doc.text[start:end].startswith("文/")
            assert article.start <= start < end <= article.end


def test_bios_follow_the_article_body(report):
    doc, articles = report
    bios = {a.id: doc.text[a.bio[0]:a.bio[1]] for a in articles if a.bio}
    assert bios["A01"].startswith("Tiezhen") and "Hugging Face" in bios["A01"]
    assert bios["A08"].startswith("黄峰达 (Phodal)")
    assert "中国科学院计算技术研究所" in bios["A13"]
    assert "A16" not in bios  # an organization byline has no bio paragraph


def test_sentences_have_exact_offsets_and_bio_flags(report):
    doc, articles = report
    a01 = articles[1]
    sentences = split_sentences(doc, a01)
    assert sentences
    for sentence in sentences:
        assert doc.text[sentence.start:sentence.end] == sentence.text
        assert a01.start <= sentence.start < sentence.end <= a01.end
    bio = [s.text for s in sentences if s.in_bio]
    assert bio[0] == "Tiezhen"
    assert any(s.startswith("现任 Hugging Face 工程师") for s in bio)
    assert not any(s.in_bio for s in sentences if s.start < a01.bio[0])


def test_single_article_file_is_one_article(tmp_path: Path):
    path = tmp_path / "My Notes.md"
    path.write_text("# 向量数据库的一年\n\n文/张三\n\nMilvus 和 Qdrant 都发布了新版本。\n\n张三\n\n现任某公司工程师。\n", encoding="utf-8")
    [(doc, articles)] = read_corpus([path])
    assert doc.slug == "my-notes"
    [article] = articles
    assert article.id == "my-notes" and article.key == "my-notes"
    assert article.title == "向量数据库的一年"
    assert article.authors == ("张三",)
    assert article.bio is not None and doc.text[article.bio[0]:].startswith("张三")


def test_a_page_break_inside_a_sentence_of_a_plain_text_file_is_joined(tmp_path: Path):
    body = "此外，趋境科技深度参与的开源项目 Mooncake，以超大规模 KVCache 缓存池为中心，通\n\n过以存换算的创新理念大幅度减少算力开销。\n\n## 下一节\n\n新的段落。\n"
    for suffix, joined in ((".txt", True), (".md", False)):  # in Markdown a blank line is a paragraph break
        path = tmp_path / f"report{suffix}"
        path.write_text("# 推理中心化\n\n" + body, encoding="utf-8")
        [(doc, [article])] = read_corpus([path])
        texts = [s.text for s in split_sentences(doc, article)]
        assert any("通\n\n过以存换算" in t for t in texts) == joined, texts
        assert "新的段落。" in texts and all(doc.text[s.start:s.end] == s.text for s in split_sentences(doc, article))


def test_plain_file_without_byline_uses_first_line_as_title(tmp_path: Path):
    path = tmp_path / "note.txt"
    path.write_text("\n\n大模型推理框架对比\nvLLM 和 SGLang 的吞吐量。\n", encoding="utf-8")
    [(_, [article])] = read_corpus([path])
    assert article.title == "大模型推理框架对比" and article.authors == ()


def test_authors_split_on_chinese_and_latin_separators():
    assert split_authors("Tiezhen、Adina、Lu Cheng") == ("Tiezhen", "Adina", "Lu Cheng")
    assert split_authors("张三, 李四 and Bob Lee") == ("张三", "李四", "Bob Lee")


def test_bom_and_crlf_are_read_and_offsets_index_the_decoded_text(tmp_path: Path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("\ufeff标题\r\n文/王五\r\n阿里巴巴发布了 Qwen2.5。\r\n".encode("utf-8"))
    doc = read_document(path)
    assert not doc.text.startswith("\ufeff")
    [article] = split_articles(doc)
    assert article.title == "标题" and article.authors == ("王五",)
    for sentence in split_sentences(doc, article):
        assert doc.text[sentence.start:sentence.end] == sentence.text
        assert "\r" not in sentence.text


def test_utf16_with_bom_is_decoded(tmp_path: Path):
    path = tmp_path / "u16.txt"
    path.write_bytes("智谱发布了 GLM-4。".encode("utf-16"))
    assert read_document(path).text == "智谱发布了 GLM-4。"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("阿里巴巴发布了通义千问".encode("gbk"), "not UTF-8"),
    ],
)
def test_bad_files_are_refused_with_a_reason_naming_the_file(tmp_path: Path, content: bytes, reason: str):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(AikgError) as err:
        read_document(path)
    message = str(err.value)
    assert "bad.txt" in message and reason in message and "\n" not in message


def test_gbk_refusal_suggests_a_conversion(tmp_path: Path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("深度求索发布了 DeepSeek-V3 模型。".encode("gbk"))
    with pytest.raises(AikgError, match="GB18030"):
        read_document(path)


def test_missing_paths_and_empty_folders_are_refused(tmp_path: Path):
    with pytest.raises(AikgError, match="no such file"):
        collect_files([tmp_path / "nope.txt"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(AikgError, match="no .txt or .md files"):
        collect_files([tmp_path / "empty"])


def test_folders_are_expanded_sorted_and_same_stems_get_distinct_slugs(tmp_path: Path):
    for sub in ("b", "a"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "report.md").write_text(f"# {sub}\n\nOpenAI 发布了 o1。\n", encoding="utf-8")
    (tmp_path / "a" / "skip.pdf").write_bytes(b"%PDF")
    documents = read_corpus([tmp_path])
    assert [doc.path for doc, _ in documents] == ["a/report.md", "b/report.md"]
    assert [doc.slug for doc, _ in documents] == ["report", "report-2"]
