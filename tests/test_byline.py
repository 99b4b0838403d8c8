"""Bylines in every form articles use: found in real files, and authorOf facts in the built graph."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from aikg.build import build
from aikg.byline import find_byline
from aikg.corpus import read_corpus

# (file name, text, the authors it names)
DOCUMENTS = [
    ("wen-slash.txt", "开源模型的一年\n\n文/沈亦舟、陆闻笙\n\n阿里巴巴发布了 Qwen2.5。\n", ("沈亦舟", "陆闻笙")),
    ("wen-bar.txt", "端侧推理新变化\n文丨周晓川\n\n高通推出了新的 NPU。\n", ("周晓川",)),
    ("zuozhe.md", "# 智能体的工程化\n\n作者：陈思远 | 编辑：刘明\n\n企业开始采用 LangGraph 搭建智能体。\n", ("陈思远",)),
    ("dispatch.txt", "大模型新进展\n梦晨 发自 凹非寺\n量子位 | 公众号 QbitAI\n\n智谱发布了 GLM-4。\n", ("梦晨",)),
    ("name-line.md", "# 向量数据库观察\n\n林晓岚 王思远\n\n## 背景\n\nMilvus 是一个开源向量数据库。\n", ("林晓岚", "王思远")),
    ("by-line.md", "# Serving LLMs\n\nBy Jane Doe and John Smith\n\nvLLM uses PagedAttention.\n", ("Jane Doe", "John Smith")),
    ("author-label.md", "# Notes on MoE\n\nAuthor: Sebastian Raschka\n\nMixtral uses a mixture-of-experts design.\n", ("Sebastian Raschka",)),
    ("front-matter.md", "---\ntitle: \"Vicuna\"\nauthor: \"The Vicuna Team\"\n---\n\nWe introduce Vicuna-13B.\n", ("Vicuna Team",)),
    ("front-matter-list.md", "---\ntitle: SGLang\nauthors:\n  - Lianmin Zheng\n  - Ying Sheng\n---\n\nSGLang is fast.\n", ("Lianmin Zheng", "Ying Sheng")),
    ("organization.txt", "推理中心化\n\n文/趋境科技\n\nKTransformers 是趋境科技的推理框架。\n", ("趋境科技",)),
    ("front-matter-unfenced.md", "title: \"Zorbo: A Fast Decoder\"\nauthor: \"Marie Laurent*, Jian Wu*, Ravi Patel\"\ndate: \"Nov 21, 2023\"\n\n"
     "We introduce Zorbo.\n", ("Marie Laurent", "Jian Wu", "Ravi Patel")),
    ("authors-lowercase.md", "# Zorbo\n\nauthors: Marie Laurent, Jian Wu\n\nZorbo is a decoder.\n", ("Marie Laurent", "Jian Wu")),
    ("author-and-editor.md", "# 对话王海涛\n\n作者：张晓琳　编辑：李华\n\n星衡智能发布了 Orbit-R2。\n", ("张晓琳",)),
]
EDITOR_ONLY = "模型周报\n编辑：刘明\n\n本周 DeepSeek 发布了 V3。\n"


@pytest.mark.parametrize("name,text,authors", DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_each_byline_form_names_its_authors(tmp_path: Path, name: str, text: str, authors: tuple[str, ...]):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (_, articles), = read_corpus([path])
    assert articles[0].authors == authors
    start, end = articles[0].byline
    assert all(a in text[start:end] for a in authors)


def test_an_editor_credit_is_not_a_byline(tmp_path: Path):
    assert find_byline(EDITOR_ONLY) is None
    assert find_byline("# Title\n\nBy default the server listens on port 8000.\n") is None
    path = tmp_path / "editor.txt"
    path.write_text(EDITOR_ONLY, encoding="utf-8")
    (_, articles), = read_corpus([path])
    assert articles[0].authors == ()


def test_bylines_become_author_of_facts_with_types(tmp_path: Path, cache_dir: Path):
    corpus = tmp_path / "docs"
    corpus.mkdir()
    for name, text, _ in DOCUMENTS:
        (corpus / name).write_text(text, encoding="utf-8")
    (corpus / "editor.txt").write_text(EDITOR_ONLY, encoding="utf-8")
    build([corpus], tmp_path / "out")
    graph = rdflib.Graph().parse(tmp_path / "out" / "graph.ttl")
    rows = graph.query(
        """PREFIX aikg: <https://w3id.org/aikg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?name ?type ?article WHERE {
          ?who aikg:authorOf ?a ; rdfs:label|skos:altLabel ?name ; a ?type . ?a dcterms:identifier ?article .
          FILTER(?type != aikg:Entity) }"""
    )
    found = {(str(r.name), str(r.type).rsplit("#", 1)[-1], str(r.article)) for r in rows}
    for name, _, authors in DOCUMENTS:
        for author in authors:
            assert any(n == author and a == Path(name).stem for n, _, a in found), (author, name, found)
    types = {n: t for n, t, _ in found}
    assert types["趋境科技"] == "Organization" and types["Vicuna Team"] == "Organization"
    assert types["Jane Doe"] == "Person" and types["梦晨"] == "Person"
    assert not any(a == "editor" for _, _, a in found)


def test_a_heading_under_the_title_is_not_a_name_line():
    assert find_byline("# 强化 Yi 的数学能力\n\n## 简介\n\n本教程介绍微调。\n") is None
