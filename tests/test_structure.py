"""Facts stated by document structure and discourse: tables, headings, pronouns, 'we', a README's topic;
and names in English prose."""

from __future__ import annotations

from pathlib import Path

from aikg.corpus import read_corpus
from aikg.extract import extract_document


def facts_of(tmp_path: Path, name: str, text: str) -> set[tuple[str, str, str, str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (doc, articles), = read_corpus([path])
    result = extract_document(doc, articles)
    return {(f.subject.text, f.predicate, f.object.text, f.rule) for item in result.sentences for f in item.facts + item.learned}


def mentions_of(tmp_path: Path, name: str, text: str) -> dict[str, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (doc, articles), = read_corpus([path])
    return {m.text: m.type for item in extract_document(doc, articles).sentences for m in item.mentions}


MARKDOWN_TABLE = """# Inference engines

| Engine | Organization | Release Date |
|--------|--------------|--------------|
| vLLM | Academic (UC Berkeley) | Feb. 2023 |
| Fluxora | Startup (Quillmark Inc.) | Apr. 2024 |
| NanoServe | Community (Zhuohan Li) | Jul. 2024 |
"""

PIPE_TABLE = """开源推理框架一览

框架 | 开发方 | 许可证
KTransformers | 趋境科技 | Apache-2.0
Mooncake | 月之暗面 | Apache-2.0
"""


def test_a_markdown_table_row_with_a_maker_column_is_a_developed_by_fact(tmp_path: Path):
    facts = facts_of(tmp_path, "engines.md", MARKDOWN_TABLE)
    assert ("vLLM", "developedBy", "UC Berkeley", "table-row") in facts
    # names no rule knows are read from their cells, typed by the column
    assert ("Fluxora", "developedBy", "Quillmark Inc.", "table-row") in facts or ("Fluxora", "developedBy", "Quillmark Inc", "table-row") in facts
    assert ("NanoServe", "developedBy", "Zhuohan Li", "table-row") in facts
    types = mentions_of(tmp_path, "engines2.md", MARKDOWN_TABLE)
    assert types["Fluxora"] == "Tool" and types["Zhuohan Li"] == "Person"
    assert "Feb" not in types and "2023" not in types  # "Feb. 2023" stays in its row, not a name


def test_a_pipe_joined_table_reads_its_header_too(tmp_path: Path):
    facts = facts_of(tmp_path, "frameworks.txt", PIPE_TABLE)
    assert ("KTransformers", "developedBy", "趋境科技", "table-row") in facts
    assert ("Mooncake", "developedBy", "月之暗面", "table-row") in facts


def test_a_table_without_a_maker_column_says_nothing(tmp_path: Path):
    text = "# Benchmarks\n\n| Model | Score |\n|---|---|\n| Qwen2.5 | 88 |\n| Llama 3 | 85 |\n"
    assert not {f for f in facts_of(tmp_path, "scores.md", text) if f[3] == "table-row"}


def test_a_heading_that_names_an_organization_scopes_its_list(tmp_path: Path):
    text = "# 国内开源模型\n\n## 阿里巴巴\n\n- Qwen2.5：通用模型\n- QwQ：推理模型\n\n## 其他\n\n- Llama 3：Meta 的模型\n"
    facts = facts_of(tmp_path, "models.md", text)
    assert ("Qwen2.5", "developedBy", "阿里巴巴", "heading-scope") in facts
    assert ("QwQ", "developedBy", "阿里巴巴", "heading-scope") in facts
    assert not any(f[0] == "Llama 3" and f[2] == "阿里巴巴" for f in facts)


def test_we_introduce_in_a_signed_article_credits_its_authors(tmp_path: Path):
    text = "# SGLang\n\nBy Lianmin Zheng and Ying Sheng\n\nToday we introduce SGLang, a structured generation language.\n"
    facts = facts_of(tmp_path, "sglang.md", text)
    assert ("SGLang", "developedBy", "Lianmin Zheng", "first-person") in facts
    assert ("SGLang", "developedBy", "Ying Sheng", "first-person") in facts


def test_we_in_an_unsigned_text_credits_nobody(tmp_path: Path):
    text = "# SGLang\n\nToday we introduce SGLang, a structured generation language.\n"
    assert not {f for f in facts_of(tmp_path, "unsigned.md", text) if f[3] == "first-person"}


def test_a_readme_topic_is_the_subject_of_clauses_without_one(tmp_path: Path):
    text = (
        "**PaddleNLP** 是一款基于飞桨的大模型开发套件。PaddleNLP 面向产业应用。\n\n"
        "## 特性\n\n支持 LoRA 微调。\n\nPaddleNLP 还提供了推理服务。\n"
    )
    facts = facts_of(tmp_path, "paddlenlp.md", text)
    assert any(f[:3] == ("PaddleNLP", "usesTechnology", "LoRA") and f[3].endswith("+topic") for f in facts), facts


def test_an_english_pronoun_takes_the_previous_sentences_tool(tmp_path: Path):
    text = "# Notes\n\nWe tried KTransformers on one GPU. It is built on llama.cpp and supports MoE offloading.\n"
    facts = facts_of(tmp_path, "notes.md", text)
    assert any(f[0] == "KTransformers" and f[2] == "llama.cpp" for f in facts), facts


def test_names_in_english_prose(tmp_path: Path):
    text = (
        "# The team\n\nThe project was built by Wei-Lin Chiang, Zhuohan Li and Joseph E. Gonzalez.\n"
        "We introduce Vicuna-13B and compare it with NanoFlow and bitnet.cpp.\n"
    )
    types = mentions_of(tmp_path, "team.md", text)
    assert types.get("Wei-Lin Chiang") == "Person" and types.get("Zhuohan Li") == "Person"
    assert types.get("Joseph E. Gonzalez") == "Person"
    assert "Vicuna-13B" in types and "introduce Vicuna-13B" not in types
    assert "NanoFlow" in types and "bitnet.cpp" in types
    assert "The Team" not in types and "The project" not in types


def test_bibliography_entries_yield_no_shape_only_names(tmp_path: Path):
    text = "参考文献\n\n- [1] Kaiyan Chang, Ying Wang, Haimeng Ren. Chipgpt: How far are we [J]. arXiv, 2023.\n"
    types = mentions_of(tmp_path, "refs.md", text)
    assert "Kaiyan Chang" not in types and "Haimeng Ren" not in types


def test_respectively_pairs_makers_and_products_in_order(tmp_path: Path):
    facts = facts_of(tmp_path, "history.txt", "2018 年，OpenAI 和 Google 分别发布了 GPT-1 与 BERT 大模型。\n")
    developed = {(f[0], f[2]) for f in facts if f[1] == "developedBy"}
    assert ("GPT-1", "OpenAI") in developed and ("BERT", "Google") in developed
    assert ("GPT-1", "Google") not in developed and ("BERT", "OpenAI") not in developed


def test_a_tutorial_sentence_about_us_is_not_about_the_topic(tmp_path: Path):
    text = "# Yi-1.5-6B-Chat 微调\n\nYi-1.5-6B-Chat 是一个开源模型。Yi-1.5-6B-Chat 很强。Yi-1.5-6B-Chat 可商用。\n\n我们将使用 LoRA 技术来微调模型。\n"
    assert not {f for f in facts_of(tmp_path, "tutorial.md", text) if f[3].endswith("+topic")}


README = """# Fluxserve

Fluxserve is a fast and easy-to-use library for LLM inference.

Fluxserve is fast with:

- Efficient management of attention memory with PagedAttention
- Quantizations: GPTQ, AWQ and FP8

## 特性

- 支持 LoRA 微调
"""


def test_a_readme_title_names_its_project_and_feature_lists_are_its_techniques(tmp_path: Path):
    types = mentions_of(tmp_path, "fluxserve.md", README)
    assert types["Fluxserve"] == "Tool"
    facts = facts_of(tmp_path, "fluxserve2.md", README)
    uses = {f[2] for f in facts if f[0] == "Fluxserve" and f[1] == "usesTechnology" and f[3] == "list-under-lead"}
    assert {"PagedAttention", "GPTQ", "AWQ", "FP8", "LoRA"} <= uses, facts


def test_a_list_after_a_plain_colon_line_is_not_a_feature_list(tmp_path: Path):
    text = "# Notes\n\nFluxserve 是一个推理库。下面是参考资料：\n\n- LoRA 论文\n- GPTQ 论文\n"
    assert not {f for f in facts_of(tmp_path, "notes.md", text) if f[3] == "list-under-lead"}


def test_a_hub_id_names_the_owner_of_the_model(tmp_path: Path):
    text = "默认 LLM 模型改为 THUDM/chatglm2-6b，Embedding 模型改为 moka-ai/m3e-base。代码见 https://github.com/OpenSPG/KAG 。\n"
    facts = facts_of(tmp_path, "config.md", text)
    assert ("chatglm2-6b", "developedBy", "THUDM", "hub-id") in facts
    assert ("m3e-base", "developedBy", "moka-ai", "hub-id") in facts
    assert not any(f[3] == "hub-id" and f[2] == "OpenSPG" for f in facts)  # inside a URL
    assert mentions_of(tmp_path, "config2.md", text)["moka-ai"] == "Organization"


def test_a_unit_named_after_its_organization_is_part_of_it(tmp_path: Path):
    text = "李明曾任职于微软亚洲研究院，也在华为计算机网络与协议实验室工作过。微软和华为都很重视研究。\n"
    facts = facts_of(tmp_path, "units.txt", text)
    assert ("微软亚洲研究院", "partOf", "微软", "brand-prefix") in facts
    assert ("华为计算机网络与协议实验室", "partOf", "华为", "brand-prefix") in facts
