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


def test_people_listed_under_a_team_heading_are_its_members(tmp_path: Path):
    text = "# Fluxserve\n\nFluxserve 是一个推理框架。\n\n# Fluxserve 核心团队\n林晓岚，陈天奇，赵一鸣\n\n# 许可协议\n\n许可协议为 Apache 2.0，王五负责维护。\n"
    facts = facts_of(tmp_path, "team.md", text)
    members = {f[0] for f in facts if f[1:] == ("affiliatedWith", "Fluxserve 核心团队", "team-section")}
    assert members == {"林晓岚", "陈天奇", "赵一鸣"}, facts
    assert mentions_of(tmp_path, "team2.md", text)["Fluxserve 核心团队"] == "Organization"


def test_the_team_of_a_post_signed_by_a_team_is_that_team(tmp_path: Path):
    text = '---\ntitle: "Fluxserve"\nauthor: "The Fluxserve Team"\n---\n\nWe introduce Fluxserve.\n\n## The Team\n\nWei-Lin Chiang, Zhuohan Li, Ying Sheng\n'
    facts = facts_of(tmp_path, "post.md", text)
    members = {f[0] for f in facts if f[1] == "affiliatedWith" and f[3] == "team-section"}
    assert members == {"Wei-Lin Chiang", "Zhuohan Li", "Ying Sheng"}, facts
    assert {f[2] for f in facts if f[3] == "team-section"} == {"Fluxserve Team"}


def test_a_base_model_column_is_a_based_on_fact_per_row(tmp_path: Path):
    text = "# Distilled models\n\n| **Model** | **Base Model** |\n| :---: | :---: |\n| Zephyrine-Distill-7B | Qwen2.5-Math-7B |\n| Zephyrine-Distill-8B | Llama-3.1-8B |\n"
    facts = facts_of(tmp_path, "distill.md", text)
    assert ("Zephyrine-Distill-7B", "basedOn", "Qwen2.5-Math-7B", "table-base") in facts, facts
    assert ("Zephyrine-Distill-8B", "basedOn", "Llama-3.1-8B", "table-base") in facts
    assert not any(f[3] == "learned" and "|" in f[0] + f[2] for f in facts)


def test_a_numbered_list_of_models_with_their_makers_and_authors(tmp_path: Path):
    text = (
        "## 模型架构\n\n"
        "1. **ZEPHYR** (来自 Quillmark Research and the Toyota Technological Institute at Chicago) 伴随论文 ZEPHYR: A Lite BERT for "
        "Language Representations, 由 Zhenzhong Lan, Mingda Chen, Adrian de Wynter 发布。\n"
        "1. **BORTA** (来自 Alexa) 伴随论文 Optimal Subarchitecture Extraction For BERT 由 Adrian de Wynter and Daniel J. Perry 发布。\n"
    )
    facts = facts_of(tmp_path, "models.md", text)
    made = {(f[0], f[2]) for f in facts if f[1] == "developedBy"}
    assert {("ZEPHYR", "Zhenzhong Lan"), ("ZEPHYR", "Mingda Chen"), ("ZEPHYR", "Adrian de Wynter")} <= made, facts
    assert ("BORTA", "Daniel J. Perry") in made and ("BERT", "Daniel J. Perry") not in made  # not the name in the paper title
    assert any(f[:3] == ("ZEPHYR", "developedBy", "Quillmark Research") and f[3] == "from-maker" for f in facts)


def test_by_and_a_list_of_people_makes_them_the_authors_of_the_subject(tmp_path: Path):
    text = "# Notes\n\nThe LLaMA model was proposed in LLaMA: Open and Efficient Models by Hugo Touvron, Thibaut Lavril, Timothée Lacroix, and Guillaume Lample.\n"
    facts = facts_of(tmp_path, "doc.md", text)
    authors = {f[2] for f in facts if f[0] == "LLaMA" and f[1] == "developedBy"}
    assert authors == {"Hugo Touvron", "Thibaut Lavril", "Timothée Lacroix", "Guillaume Lample"}, facts


def test_a_product_named_after_its_maker_is_the_makers(tmp_path: Path):
    text = "# Tools\n\nYou can serve the model with NVIDIA NeMo or try it in Google AI Studio, under the Apache 2.0 license.\n"
    facts = facts_of(tmp_path, "tools.md", text)
    assert any(f[0] in ("NeMo", "NVIDIA NeMo") and f[1:3] == ("developedBy", "NVIDIA") for f in facts), facts
    assert ("Google AI Studio", "developedBy", "Google", "brand-maker") in facts
    assert not any(f[3] == "brand-maker" and f[0].startswith("Apache") for f in facts)  # a license is nobody's product
    assert mentions_of(tmp_path, "tools2.md", text).get("NVIDIA") == "Organization"


def test_roles_in_a_bio_and_beside_a_name_make_people_makers(tmp_path: Path):
    from aikg import paths
    from aikg.extract.pipeline import build_nlp, find_mentions
    from aikg.extract.relations import sentence_facts
    from aikg.extract.rules import load_rules

    rules, nlp = load_rules(paths.RULES), build_nlp()

    def facts(text: str, bio: bool) -> set[tuple[str, str, str, str]]:
        mentions = find_mentions(nlp, text)
        person = mentions[0] if bio else None
        return {(f.subject.text, f.predicate, f.object.text, f.rule) for f in sentence_facts(text, mentions, rules, person)}

    bio = facts("黄峰达，智能体编程语言 Shire 的创始人，架构治理平台 ArchGuard 的核心开发者，曾联合发起开源项目 AutoDev。", True)
    assert ("Shire", "developedBy", "黄峰达", "creator-role") in bio and ("ArchGuard", "developedBy", "黄峰达", "creator-role") in bio
    assert ("AutoDev", "developedBy", "黄峰达", "bio-creation") in bio
    # a book title and "开发者" are no creations; "参与开发" is a contribution
    assert not facts("苏震巍，《微信开发深度解析》图书作者，生成式 AI 开发者，参与开发 LangChain。", True) & {
        ("微信", "developedBy", "苏震巍", "bio-creation"), ("LangChain", "developedBy", "苏震巍", "bio-creation")}
    assert ("Python", "developedBy", "Guido van Rossum", "creator-role") in facts("Guido van Rossum, the creator of Python, joined Microsoft.", False)


def test_made_at_an_organization(tmp_path: Path):
    text = "# SGLang\n\nOriginally developed in the Sky Computing Lab at UC Berkeley, SGLang has grown into a community project.\n"
    facts = facts_of(tmp_path, "history.md", text)
    assert ("SGLang", "developedBy", "Sky Computing Lab", "by-makers") in facts, facts


def test_a_maker_in_brackets_beside_its_product(tmp_path: Path):
    text = "# 评测\n\n支持的 API 模型：\n\n- ByteDance(Zephyrine-Pro)\n\n相比 Fluxlm（Orbisoft 公司）和 Llama 3 (Meta)，它更快。星河智算实验室（GSL）也参与了。\n"
    facts = facts_of(tmp_path, "api.md", text)
    made = {(f[0], f[2]) for f in facts if f[1] == "developedBy" and f[3] == "bracket-maker"}
    assert {("Zephyrine-Pro", "ByteDance"), ("Fluxlm", "Orbisoft 公司"), ("Llama 3", "Meta")} <= made, facts
    assert not any(f[3] == "bracket-maker" and f[0] == "星河智算实验室" for f in facts)  # an alias, not a product


def test_a_readme_news_line_without_a_subject_is_its_makers_release(tmp_path: Path):
    text = (
        "# Zephyrine-13B\n\n## 更新信息\n\n**[2024/09/26]** 发布 7B 尺寸的 Zephyrine-7B 底座模型和 Zephyrine-7B-Chat 对话模型。\n\n"
        "## 模型介绍\n\n**Zephyrine-13B** 是由星河智算实验室自主研发的多语言大语言模型。\n"
    )
    facts = facts_of(tmp_path, "readme.md", text)
    made = {f[0] for f in facts if f[1:3] == ("developedBy", "星河智算实验室") and f[3] == "first-person"}
    assert made == {"Zephyrine-7B", "Zephyrine-7B-Chat"}, facts
    unsigned = facts_of(tmp_path, "news.md", "# 动态\n\n**[2024/09/26]** 发布 Zephyrine-7B 底座模型。\n")
    assert not any(f[3] == "first-person" for f in unsigned)  # no maker stated: nobody


def test_file_names_are_not_names(tmp_path: Path):
    text = "# 部署\n\n运行 moss_cli_demo.py 或 configs/model_configs.py.example，下载 zephyr-7b.Q4_K_M.gguf 后用 llama.cpp 加载。\n"
    found = mentions_of(tmp_path, "deploy.md", text)
    assert not any(name.endswith((".py", ".example", ".gguf")) or "moss_cli" in name for name in found), found
    assert "llama.cpp" in found


def test_english_clauses_state_facts_and_a_noun_before_a_cue_is_its_subject(tmp_path: Path):
    text = (
        "# Zephyrine-13B\n\nZephyrine-13B adopts Grouped Latent Attention (GLA) and Sliding Window Attention. "
        "Meta released Llama 3 in April. Preliminary evaluations based on GPT-4 look good.\n\n"
        "- A notebook on how to run the LLaMA Model with PEFT.\n"
    )
    facts = facts_of(tmp_path, "card.md", text)
    rules_only = {f[:3] for f in facts if f[3] != "learned"}
    assert ("Zephyrine-13B", "usesTechnology", "Sliding Window Attention") in rules_only, facts
    assert ("Llama 3", "developedBy", "Meta") in rules_only
    assert not any(f[1] == "basedOn" and f[2] == "GPT-4" for f in facts)  # the evaluations are based on it
    assert "LLaMA Model" not in mentions_of(tmp_path, "card2.md", text)  # "Model" says what LLaMA is



def test_a_model_table_without_a_maker_column_lists_its_techniques(tmp_path: Path):
    text = "# 量化\n\n| 模型 | 量化类型 | 显存 |\n| --- | --- | --- |\n| Zephyrine-13B-Chat | INT8 | 16GB |\n| Zephyrine-7B | BF16 / FP16 | 15GB |\n"
    facts = facts_of(tmp_path, "quant.md", text)
    uses = {(f[0], f[2]) for f in facts if f[1] == "usesTechnology" and f[3] == "table-technique"}
    assert {("Zephyrine-13B-Chat", "INT8"), ("Zephyrine-7B", "BF16"), ("Zephyrine-7B", "FP16")} <= uses, facts


def test_a_model_and_its_architecture_in_brackets(tmp_path: Path):
    text = "# 进化树\n\n在 LLM 进化树中，BERT（Encoder-Only）、T5（Encoder-Decoder）、GPT（Decoder-Only）分别代表三条路线。\n"
    uses = {(f[0], f[2]) for f in facts_of(tmp_path, "tree.md", text) if f[1] == "usesTechnology" and f[3] == "bracket-technique"}
    assert uses == {("BERT", "Encoder-Only"), ("T5", "Encoder-Decoder"), ("GPT", "Decoder-Only")}, uses


def test_a_readme_list_of_supported_techniques_and_its_plans(tmp_path):
    text = (
        "# zorbo.cpp\n\nThe main goal of `zorbo.cpp` is fast local inference.\n\n"
        "- AVX, AVX2 and AMX support for x86 architectures\n"
        "- Vulkan and SYCL backend support\n"
        "- [ ] 支持 FP8 量化\n"
    )
    found = {(s, p, o) for s, p, o, _ in facts_of(tmp_path, "README.md", text)}
    for technique in ("AVX", "AVX2", "AMX", "Vulkan", "SYCL"):
        assert ("zorbo.cpp", "usesTechnology", technique) in found
    assert not any(o.startswith("FP8") for _, _, o in found), "an unchecked to-do item is a plan, not a fact"


def test_the_items_of_one_list_share_a_type(tmp_path):
    text = "# zorbo.cpp\n\n## Supported models\n\n- [X] LLaMA\n- [x] Mistral 7B\n- [X] Quorbix\n- [X] Falcon\n"
    assert mentions_of(tmp_path, "README.md", text)["Quorbix"] == "Model"
    # a list whose known names disagree types nothing
    mixed = "# Zorbo\n\n- LLaMA\n- vLLM\n- Quorbix\n"
    assert mentions_of(tmp_path, "mixed.md", mixed).get("Quorbix") != "Model"


def test_a_title_that_credits_an_organization_makes_it_we(tmp_path):
    text = "# Generative Models by Quillmark AI\n\n## News\n\n- We are releasing **Zorbo-3D**, an image-to-video model.\n"
    assert ("Zorbo-3D", "developedBy", "Quillmark AI", "first-person") in facts_of(tmp_path, "README.md", text)


def test_we_introduce_our_models_named_after_their_kind(tmp_path):
    # "we" are the maker the project's name carries, here written "Zorbo AI"
    text = "# Zorbo-R1\n\nWe introduce our first-generation reasoning models, Zorbo-R1-Zero and Zorbo-R1.\n\nQuestions go to Zorbo AI.\n"
    found = {(s, p, o) for s, p, o, _ in facts_of(tmp_path, "README.md", text)}
    assert {("Zorbo-R1-Zero", "developedBy", "Zorbo AI"), ("Zorbo-R1", "developedBy", "Zorbo AI")} <= found


def test_an_english_appositive_names_what_a_model_is_built_as(tmp_path):
    text = "# Zorbo-V3\n\nWe present Zorbo-V3, a strong Mixture-of-Experts (MoE) language model with 671B parameters.\n"
    found = {(s, p, o) for s, p, o, _ in facts_of(tmp_path, "README.md", text)}
    assert ("Zorbo-V3", "usesTechnology", "Mixture-of-Experts") in found


def pairs(found: set[tuple[str, str, str, str]]) -> set[tuple[str, str, str]]:
    return {(s, p, o) for s, p, o, _ in found}


def test_english_roles_place_people_in_organizations(tmp_path: Path):
    found = pairs(facts_of(tmp_path, "roles.md", (
        "# Builders\n\n"
        "Marie Laurent, chief executive of Quillmark Labs, announced Zorbo-2 in May.\n\n"
        "Quillmark Labs's chief research officer Priya Raman said the model was trained in March.\n\n"
        "Fennwick AI, the Lyon-based startup co-founded by Tomasz Kowalski, released Brindle-7B.\n\n"
        "Jane Okafor, formerly of Fennwick AI and Quillmark Labs, joined the project.\n"
    )))
    assert ("Marie Laurent", "affiliatedWith", "Quillmark Labs") in found
    assert ("Priya Raman", "affiliatedWith", "Quillmark Labs") in found
    assert ("Tomasz Kowalski", "affiliatedWith", "Fennwick AI") in found
    assert {("Jane Okafor", "affiliatedWith", "Fennwick AI"), ("Jane Okafor", "affiliatedWith", "Quillmark Labs")} <= found
    # a role that is no employment ("a fan of") places nobody
    assert not pairs(facts_of(tmp_path, "fan.md", "Marie Laurent, a longtime fan of Quillmark Labs, wrote a review.\n")) & {
        ("Marie Laurent", "affiliatedWith", "Quillmark Labs")}


def test_an_organization_in_brackets_after_a_name_is_where_the_person_works(tmp_path: Path):
    found = pairs(facts_of(tmp_path, "team.md", (
        "# 致谢\n\n团队成员：林晓岚（清华大学）、陈天奇（北京大学）。\n\n"
        "Contributors: Wei-Lin Chiang, Zhuohan Li (UC Berkeley), Ying Sheng (Stanford University).\n"
    )))
    assert {("林晓岚", "affiliatedWith", "清华大学"), ("陈天奇", "affiliatedWith", "北京大学")} <= found
    assert {("Zhuohan Li", "affiliatedWith", "UC Berkeley"), ("Ying Sheng", "affiliatedWith", "Stanford University")} <= found


def test_chinese_name_lists_and_organization_lists(tmp_path: Path):
    found = pairs(facts_of(tmp_path, "list.md", (
        "本项目由华东理工大学的王昊淳、杜晏睿、刘驰完成，指导老师为赵森栋副教授和秦兵教授。\n\n"
        "林晓岚毕业于清华大学，曾在微软亚洲研究院和阿里巴巴达摩院工作。\n"
    )))
    assert {("王昊淳", "affiliatedWith", "华东理工大学"), ("杜晏睿", "affiliatedWith", "华东理工大学"), ("刘驰", "affiliatedWith", "华东理工大学")} <= found
    assert {("林晓岚", "affiliatedWith", "微软亚洲研究院"), ("林晓岚", "affiliatedWith", "阿里巴巴达摩院")} <= found
    people = mentions_of(tmp_path, "list2.md", "指导老师为赵森栋副教授和秦兵教授。\n")
    assert "秦兵" in people and "和秦兵" not in people  # 和 joins two names here


def test_words_that_stand_for_an_organization_named_before(tmp_path: Path):
    found = pairs(facts_of(tmp_path, "pronouns.md", (
        "# 星衡智能的一年\n\n"
        "星衡智能由王海涛创办，其旗舰模型 Zorbo-2 在排行榜上位列前十。\n\n"
        "星衡智能是一家创业公司。该公司还推出了 Brindle 编程助手。\n\n"
        "星衡智能创始人王海涛在北京宣布，公司正式推出 Quilla-3。\n\n"
        "Fennwick AI is based in Lyon. The company also released Codestrand-7B, a model for code.\n"
    )))
    assert ("Zorbo-2", "developedBy", "星衡智能") in found
    assert ("Brindle", "developedBy", "星衡智能") in found
    assert ("Quilla-3", "developedBy", "星衡智能") in found
    assert ("Codestrand-7B", "developedBy", "Fennwick AI") in found


def test_news_forms_of_makers_and_founders(tmp_path: Path):
    found = pairs(facts_of(tmp_path, "news.md", (
        "星衡人工智能研究院联合华东理工大学发布了 Zorbo-2 模型。\n\n"
        "林晓岚，星衡人工智能研究院创始人，毕业于华东理工大学。\n\n"
        "前星衡智能研究员 Priya Raman 创办了 Fennwick Labs。\n\n"
        "陈天奇加盟星衡人工智能研究院后推出了 Quilla-3。\n\n"
        "星衡人工智能研究院正式推出多模态思考模型 Brindle-7B。\n\n"
        "Fennwick Labs, the startup behind Codestrand-2, raised money.\n"
    )))
    org = "星衡人工智能研究院"
    assert {("Zorbo-2", "developedBy", org), ("Zorbo-2", "developedBy", "华东理工大学")} <= found
    assert {("林晓岚", "affiliatedWith", org), ("林晓岚", "affiliatedWith", "华东理工大学")} <= found
    assert {("Priya Raman", "affiliatedWith", "星衡智能"), ("Priya Raman", "affiliatedWith", "Fennwick Labs")} <= found
    assert ("陈天奇", "affiliatedWith", org) in found
    assert ("Brindle-7B", "developedBy", org) in found and ("多模态", "developedBy", org) not in found
    assert ("Codestrand-2", "developedBy", "Fennwick Labs") in found


def test_english_overview_forms_of_makers(tmp_path: Path):
    found = pairs(facts_of(tmp_path, "overview.md", (
        "# Open models of the year\n\n"
        "Zorbo-2 was developed by a team from Quillmark Labs and Fennwick University.\n\n"
        "Brindle-7B, from the Fennwick Institute in Lyon, was trained on web text.\n\n"
        "Codestrand-2 is a family of code models from Quillmark Labs.\n\n"
        "Fennwick Labs's Quilla-3 was trained on synthetic data, and Brindle-9B was built by Quillmark Labs researchers.\n\n"
        "Zorbo-3, trained by Fennwick Labs, topped a leaderboard hosted by Quillmark Labs.\n"
    )))
    assert {("Zorbo-2", "developedBy", "Quillmark Labs"), ("Zorbo-2", "developedBy", "Fennwick University")} <= found
    assert ("Brindle-7B", "developedBy", "Fennwick Institute") in found
    assert ("Codestrand-2", "developedBy", "Quillmark Labs") in found
    # "built by" belongs to its own clause's subject; a later "hosted by" names no maker
    assert ("Brindle-9B", "developedBy", "Quillmark Labs") in found and ("Quilla-3", "developedBy", "Quillmark Labs") not in found
    assert ("Zorbo-3", "developedBy", "Fennwick Labs") in found and ("Zorbo-3", "developedBy", "Quillmark Labs") not in found


def test_an_interview_places_its_people(tmp_path: Path):
    found = pairs(facts_of(tmp_path, "interview.md", (
        "# 对话星衡人工智能研究院\n\n"
        "林晓岚是星衡人工智能研究院的联合创始人，此前在华东理工大学担任研究员。\n\n"
        "问：最新的模型有什么特点？\n\n"
        "林晓岚：我们的 Zorbo-2 模型采用了混合专家架构。\n\n"
        "据悉，该研究院的另一位联合创始人陈天奇毕业于卡内基梅隆大学。\n\n"
        "陈天奇在发布会上介绍了 Brindle-7B 模型。\n"
    )))
    assert {("林晓岚", "affiliatedWith", "星衡人工智能研究院"), ("林晓岚", "affiliatedWith", "华东理工大学")} <= found
    assert ("陈天奇", "affiliatedWith", "星衡人工智能研究院") in found  # 该研究院, two sentences after the name
    assert ("Brindle-7B", "developedBy", "陈天奇", "verb-developer") not in facts_of(tmp_path, "event.md", "陈天奇在发布会上介绍了 Brindle-7B 模型。\n")


def test_readme_lists_of_makers_people_and_techniques(tmp_path: Path):
    found = pairs(facts_of(tmp_path, "zorvex.md", (
        "# Zorvex\n\n"
        "**Zorvex** 是由 Quillmark 团队自主研发的支持多语言的大语言模型。\n\n"
        "Zorvex adopts Multi-head Latent Attention (MLA) and RoPE.\n\n"
        "1. **Brindle** (来自 Facebook) 伴随论文 Brindle talks 由 Marie Laurent, Y-Lan Okafor, Tomasz Kowalski 发布。\n"
        "2. Brindle-2 was introduced by Priya Raman, Diego de las Casas and Jane Okafor.\n\n"
        "- BAAI/zorvex-small-zh\n"
        "- Zorvex/Zorvex-7B-Chat\n"
    )))
    # a bracketed alias does not end a list of techniques
    assert {("Zorvex", "usesTechnology", "Multi-head Latent Attention"), ("Zorvex", "usesTechnology", "RoPE")} <= found
    # "（来自 Facebook）": a product that is also a company is the maker in brackets
    assert ("Brindle", "developedBy", "Facebook") in found
    # a name no rule found inside a list of authors does not end the list
    assert {("Brindle", "developedBy", "Tomasz Kowalski"), ("Brindle", "developedBy", "Marie Laurent")} <= found
    assert {("Brindle-2", "developedBy", "Diego de las Casas"), ("Brindle-2", "developedBy", "Jane Okafor")} <= found
    # a known organization's hub id names a model; a model's namespace is its maker
    assert ("zorvex-small-zh", "developedBy", "BAAI") in found
    assert ("Zorvex-7B-Chat", "developedBy", "Zorvex") in found


def test_a_readme_opening_types_its_project_and_a_brand_prefix_is_not_a_list(tmp_path: Path):
    assert mentions_of(tmp_path, "quorra.md", "# Quorra\n\nQuorra is a family of open language models trained by Fennwick AI.\n")["Quorra"] == "Model"
    assert mentions_of(tmp_path, "quill.md", "# Quillserve\n\nQuillserve is a fast library for serving language models.\n")["Quillserve"] == "Tool"
    found = pairs(facts_of(tmp_path, "brands.md", "# 对比\n\n它超过了其它大语言模型，例如，百度 Zorbo-2、Brindle-7B 和 Quorra-3B。\n"))
    assert ("Zorbo-2", "developedBy", "百度") in found
    assert ("Brindle-7B", "developedBy", "百度") not in found and ("Quorra-3B", "developedBy", "百度") not in found


def test_a_license_is_named_with_its_english_noun(tmp_path: Path):
    names = mentions_of(tmp_path, "lic.md", "# Quillserve\n\nQuillserve is released under the Apache 2.0 license.\n")
    assert names.get("Apache 2.0 license") == "Technology"


def test_copulas_and_fine_tuning_say_who_made_what_and_from_which_base(tmp_path: Path):
    found = pairs(facts_of(tmp_path, "zorvex.md", (
        "# Zorvex\n\n"
        "Zorvex 系列模型是 Quillmark 从零训练的下一代开源大语言模型。\n"
        "Zorvex-Chat 在 Zorvex-7B 上微调得到。\n"
        "Zorvex-7B 采用了混合专家（MoE）架构和多头潜在注意力（MLA）。\n"
    )))
    # the subject's kind noun before 是, and an adverb before the maker's verb
    assert ("Zorvex", "developedBy", "Quillmark") in found
    assert ("Zorvex-Chat", "basedOn", "Zorvex-7B") in found
    # a type word after a bracketed alias does not end the list
    assert {("Zorvex-7B", "usesTechnology", "混合专家"), ("Zorvex-7B", "usesTechnology", "多头潜在注意力")} <= found


def test_a_lower_case_readme_title_still_names_the_project(tmp_path: Path):
    found = pairs(facts_of(tmp_path, "quillserve.md", (
        "# quillserve\n\nQuillserve is a fast library for LLM inference.\n\nQuillserve is fast with:\n\n"
        "- Efficient memory management with PagedAttention\n- Speculative decoding\n"
    )))
    assert {("Quillserve", "usesTechnology", "PagedAttention"), ("Quillserve", "usesTechnology", "Speculative decoding")} <= found


def test_a_model_named_with_its_kind_word_is_also_called_without_it(tmp_path: Path):
    import rdflib

    from aikg.build import build

    source = tmp_path / "yi.md"
    source.write_text("# 模型\n\nYi 系列模型是零一万物从零训练的开源大语言模型。\n", encoding="utf-8")
    build([source], tmp_path / "out")
    graph = rdflib.Graph().parse(tmp_path / "out" / "graph.ttl")
    labels = {str(o) for o in graph.objects(None, rdflib.SKOS.altLabel)}
    assert "Yi" in labels


def test_a_time_phrase_between_a_maker_and_its_verb(tmp_path: Path):
    found = pairs(facts_of(tmp_path, "timeline.md", (
        "# 回顾\n\n"
        "Zorvex-7B 是 Quillmark 于 2023 年 3 月推出的大语言模型。\n"
        "DeepSeek 在 1 月发布的 Brindle-R1 引发了广泛关注。\n"
    )))
    assert ("Zorvex-7B", "developedBy", "Quillmark") in found
    assert ("Brindle-R1", "developedBy", "DeepSeek") in found


def test_english_uses_cues_and_the_subject_before_a_prepositional_object(tmp_path: Path):
    found = pairs(facts_of(tmp_path, "notes.md", (
        "# Notes\n\n"
        "Brindle-7B features sliding window attention.\n"
        "Zorvex-2 is fine-tuned from Brindle-7B using LoRA.\n"
    )))
    assert ("Brindle-7B", "usesTechnology", "sliding window attention") in found
    assert ("Zorvex-2", "usesTechnology", "LoRA") in found and ("Brindle-7B", "usesTechnology", "LoRA") not in found


def test_pretraining_is_no_develop_verb(tmp_path: Path):
    found = facts_of(tmp_path, "news.md", "# 新闻\n\nQuillmark研究院中文预训练模型登顶ZorBench榜单。\n")
    assert not any(rule == "verb-developer" for _, _, _, rule in found)


def test_quantization_in_technical_text_but_not_quantify_in_prose(tmp_path: Path):
    names = mentions_of(tmp_path, "quant.md", "# 说明\n\nZorvex-7B 支持在线量化。\n成果可量化，需要细致的量化分析和向量化存储。\n")
    found = pairs(facts_of(tmp_path, "quant2.md", "# 说明\n\nZorvex-7B 支持在线量化。\n"))
    assert names.get("量化") == "Technology" and ("Zorvex-7B", "usesTechnology", "量化") in found
    prose = mentions_of(tmp_path, "prose.md", "# 说明\n\n成果可量化，需要细致的量化分析和向量化存储。\n")
    assert "量化" not in prose


def test_an_english_copula_types_the_unknown_name_it_opens_with(tmp_path: Path):
    names = mentions_of(tmp_path, "overview.md", (
        "# Overview\n\n"
        "Quillserve is a fast and easy-to-use library for serving language models.\n"
        "Fennwick is a Paris-based startup that builds open models.\n"
        "Zorvex is a family of open models trained by Fennwick.\n"
    ))
    assert (names.get("Quillserve"), names.get("Fennwick"), names.get("Zorvex")) == ("Tool", "Organization", "Model")
