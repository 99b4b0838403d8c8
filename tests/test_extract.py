"""Each rule family of the extractor, on sentences written for the test (not from the report)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aikg import paths
from aikg.corpus import read_corpus
from aikg.extract import extract
from aikg.extract.lexicon import SurfaceMatcher, fold, load_lexicon, normalize
from aikg.extract.pipeline import build_nlp, find_mentions
from aikg.extract.relations import sentence_facts
from aikg.extract.rules import load_rules


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


@pytest.fixture(scope="module")
def rules():
    return load_rules(paths.RULES)


def mentions(nlp, text):
    return {(m.text, m.type, m.rule) for m in find_mentions(nlp, text)}


def typed(nlp, text):
    return {(m.text, m.type) for m in find_mentions(nlp, text)}


def types(nlp, text):
    return dict(typed(nlp, text))


def facts(nlp, rules, text, bio_person=None):
    found = find_mentions(nlp, text)
    person = next((m for m in found if m.text == bio_person), None) if bio_person else None
    return {(f.subject.text, f.predicate, f.object.text, f.rule) for f in sentence_facts(text, found, rules, person)}


# --- the lexicon and its matcher -------------------------------------------------------------

def test_lexicon_file_is_well_formed():
    entries = load_lexicon(paths.LEXICON)
    assert len(entries) >= 300
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids))
    seen: dict[str, str] = {}
    for entry in entries:
        for alias in entry.aliases:
            key = normalize(alias)
            assert seen.setdefault(key, entry.id) == entry.id, f"alias {alias!r} in {seen[key]} and {entry.id}"


def test_matcher_is_longest_first_case_width_and_space_insensitive():
    matcher = SurfaceMatcher({"Qwen": "qwen", "Qwen2.5": "qwen2.5", "可灵 AI": "kling", "Go": "go"})
    found = [(s, e, v) for s, e, _, v in matcher.find("用 Ｑｗｅｎ2.5 和 qwen 以及可灵AI, Google 不是 Go")]
    assert [v for _, _, v in found] == ["qwen2.5", "qwen", "kling", "go"]
    text = "用 Ｑｗｅｎ2.5 和 qwen 以及可灵AI, Google 不是 Go"
    assert [text[s:e] for s, e, _ in found] == ["Ｑｗｅｎ2.5", "qwen", "可灵AI", "Go"]


def test_matcher_never_matches_inside_a_longer_latin_name_or_version():
    matcher = SurfaceMatcher({"Qwen2": "qwen2", "o1": "o1", "GPT-4": "gpt-4"})
    assert matcher.find("Qwen2.5 与 o1-preview 以及 GPT-4o") == []
    assert [v for *_, v in matcher.find("Qwen2 与 o1 以及 GPT-4。")] == ["qwen2", "o1", "gpt-4"]


def test_fold_keeps_length_so_offsets_stay_valid():
    text = "ＧＰＴ－４ｏ和ﬁ"
    assert len(fold(text)) == len(text)


# --- entity rule families ---------------------------------------------------------------------

def test_lexicon_entities_with_aliases(nlp):
    found = typed(nlp, "阿里巴巴的通义千问和微软的 Copilot 都用了 Transformer 架构。")
    assert ("阿里巴巴", "Organization") in found
    assert ("通义千问", "Model") in found
    assert ("Transformer", "Technology") in found


def test_org_suffix_rule_finds_unknown_companies_labs_and_teams(nlp):
    found = mentions(nlp, "杭州云栖数智科技有限公司与浙江大学联合成立了星河智算实验室。")
    orgs = {text for text, etype, _ in found if etype == "Organization"}
    assert "杭州云栖数智科技有限公司" in orgs
    assert "星河智算实验室" in orgs


def test_org_suffix_rule_ignores_generic_heads(nlp):
    found = mentions(nlp, "很多团队和不少科技公司都在做研发，这家公司也有优秀团队。")
    assert not {t for t, etype, _ in found if etype == "Organization"}


def test_latin_names_typed_by_cue_word(nlp):
    found = mentions(nlp, "我们把 Zephyrine 模型部署在 Fluxora 框架上，并用 QuillBench 数据集评测，它采用 HyperMix 架构。")
    assert ("Zephyrine", "Model", "latin-cue") in found
    assert ("Fluxora", "Tool", "latin-cue") in found
    assert ("QuillBench", "Tool", "latin-cue") in found
    assert ("HyperMix", "Technology", "latin-cue") in found


def test_latin_names_typed_by_shape_and_known_prefix(nlp):
    found = typed(nlp, "新发布的 Mistralix-7B-Instruct 和 Qwen2.5-Omni 表现不错。")
    assert ("Mistralix-7B-Instruct", "Model") in found
    assert ("Qwen2.5-Omni", "Model") in found


def test_bare_camel_case_names_in_chinese_prose_are_tools(nlp):
    found = mentions(nlp, "不少开发者开始使用 FlowForge 搭建应用。")
    assert ("FlowForge", "Tool", "latin-bare") in found


def test_people_found_by_role_title_and_speech_cues(nlp):
    found = typed(nlp, "星河科技创始人周明远表示，林晓雯教授和 CEO Daniel Brooks 都看好这一方向，Maria Lopez 指出风险仍在。")
    assert ("周明远", "Person") in found
    assert ("林晓雯", "Person") in found
    assert ("Daniel Brooks", "Person") in found
    assert ("Maria Lopez", "Person") in found


def test_common_words_after_a_title_are_not_people(nlp):
    found = typed(nlp, "他是计算机博士，也是高级工程师。")
    assert not {t for t, etype in found if etype == "Person"}


def test_generic_umbrella_words_are_never_entities(nlp):
    found = typed(nlp, "人工智能和大模型改变了 AI 与 LLM 的数据和算法。")
    assert found == set()


# --- relation rule families -------------------------------------------------------------------

def test_possessive_developer(nlp, rules):
    found = facts(nlp, rules, "从智谱的 GLM 系列到深度求索的 DeepSeek 系列。")
    assert ("GLM", "developedBy", "智谱", "possessive-developer") in found


def test_verb_developer_with_coordinated_makers(nlp, rules):
    found = facts(nlp, rules, "星河科技与清华大学共同开源了 Fluxora 框架。")
    assert ("Fluxora", "developedBy", "星河科技", "verb-developer") in found
    assert ("Fluxora", "developedBy", "清华大学", "verb-developer") in found


def test_passive_developer(nlp, rules):
    found = facts(nlp, rules, "Fluxora 框架由星河科技开发。")
    assert ("Fluxora", "developedBy", "星河科技", "passive-developer") in found


def test_based_on_both_word_orders(nlp, rules):
    found = facts(nlp, rules, "Fluxora 框架基于 PyTorch 构建。")
    assert ("Fluxora", "basedOn", "PyTorch", "based-on") in found
    found = facts(nlp, rules, "这是一个基于 LangChain 的 QuillAgent 框架。")
    assert ("QuillAgent", "basedOn", "LangChain", "based-on-modifier") in found


def test_uses_technology(nlp, rules):
    found = facts(nlp, rules, "DeepSeek-V3 采用了 MoE 架构和 MLA 注意力。")
    subjects = {(s, o) for s, p, o, _ in found if p == "usesTechnology"}
    assert ("DeepSeek-V3", "MoE") in subjects


def test_org_part(nlp, rules):
    assert ("星衡实验室", "partOf", "蚂蚁集团", "org-part") in facts(nlp, rules, "她是蚂蚁集团的星衡实验室的专家。")
    assert ("星衡实验室", "partOf", "阿里巴巴", "org-part") in facts(nlp, rules, "她是阿里巴巴旗下星衡实验室的专家。")
    # written as one name, it is one organization (partOf its owner by brand prefix, in extraction)
    assert ("蚂蚁集团程序分析团队", "Organization") in typed(nlp, "她是蚂蚁集团程序分析团队的专家。")


def test_org_title_person(nlp, rules):
    found = facts(nlp, rules, "英伟达高级科学家 Jim Fan 表示推理很重要。")
    assert ("Jim Fan", "affiliatedWith", "英伟达", "org-title-person") in found


def test_bio_affiliation_skips_organizations_after_blockers(nlp, rules):
    text = "本科毕业于清华大学，读博期间受 Bloomberg 邀请从事编译器开发。"
    found = facts(nlp, rules, "张宏波" + "。" + text, bio_person="张宏波")
    orgs = {o for s, p, o, r in found if p == "affiliatedWith" and r == "bio-affiliation"}
    assert "清华大学" in orgs and "Bloomberg" not in orgs


# --- a whole document, never seen before ------------------------------------------------------

def test_unseen_article_byline_bio_and_echo(tmp_path: Path):
    path = tmp_path / "article.md"
    path.write_text(
        "# 端侧推理的新玩家\n\n文/周明远\n\n"
        "星河智算科技发布了 Fluxora 框架。Fluxora 基于 PyTorch 构建，采用了 MoE 架构。\n\n"
        "周明远\n\n现任星河智算科技首席科学家，曾在微软亚洲研究院工作。\n",
        encoding="utf-8",
    )
    extraction = extract(read_corpus([path]))
    by_name = {e.name: e for e in extraction.entities.values()}
    assert by_name["周明远"].type == "Person"
    assert by_name["星河智算科技"].type == "Organization"
    facts_found = {
        (extraction.entities[r.subject].name, r.predicate, r.object if r.predicate == "authorOf" else extraction.entities[r.object].name)
        for r in extraction.relations
    }
    assert ("周明远", "authorOf", "article") in facts_found
    assert ("周明远", "affiliatedWith", "星河智算科技") in facts_found
    assert ("Fluxora", "developedBy", "星河智算科技") in facts_found
    assert ("Fluxora", "basedOn", "PyTorch") in facts_found
    for mention in extraction.mentions:
        assert path.read_text(encoding="utf-8")[mention.start:mention.end] == mention.text


def test_a_sentence_opening_with_a_pronoun_refers_to_the_previous_topic(tmp_path: Path):
    path = tmp_path / "pronoun.md"
    path.write_text("# t\n\nFluxora 框架由星河科技开发。它基于 PyTorch 构建。\n", encoding="utf-8")
    extraction = extract(read_corpus([path]))
    names = {e.id: e.name for e in extraction.entities.values()}
    found = {(names[r.subject], r.predicate, names.get(r.object, r.object)) for r in extraction.relations}
    assert ("Fluxora", "basedOn", "PyTorch") in found
    [based] = [r for r in extraction.relations if r.predicate == "basedOn"]
    assert based.evidence == "它基于 PyTorch 构建。"


def test_support_of_and_feature_of(nlp, rules):
    found = facts(nlp, rules, "KTransformers 提供了对 Windows、Linux 平台的支持，实现了对 MoE 大模型的支持。")
    uses = {(s, o) for s, p, o, _ in found if p == "usesTechnology"}
    assert ("KTransformers", "MoE") in uses
    assert not {(s, o) for s, o in uses if s in ("Windows", "Linux")}
    found = facts(nlp, rules, "OpenAI 发布的 GPT 模型的 Function Calling 功能成为标准。")
    assert ("GPT", "usesTechnology", "Function Calling", "feature-of") in found


def test_a_based_on_phrase_ending_in_de_does_not_hide_the_head_technology(nlp, rules):
    found = facts(nlp, rules, "QuillFlow 是一个基于深度文档理解的开源 RAG 引擎。")
    assert ("QuillFlow", "usesTechnology", "RAG", "is-a-technology-tool") in found


def test_names_the_rules_assemble_from_parts(tmp_path):
    from aikg.extract.pipeline import build_nlp, find_mentions

    nlp = build_nlp()

    def found(text: str) -> dict[str, str]:
        return {m.text: m.type for m in find_mentions(nlp, text)}

    assert found("升级 Append Attention，支持了 FP8量化，全面支持 4D 并行。") == {"Append Attention": "Technology", "FP8量化": "Technology", "4D 并行": "Technology"}
    assert "AI 嵌入" not in found("支持 AI 嵌入。")  # an umbrella word is no modifier
    # a tool or technique with its release number is that tool or technique; a bare number is nothing
    assert found("**2024.12.16 PaddleNLP v3.0 Beta3**：全新升级") == {"PaddleNLP v3.0 Beta3": "Tool"}
    assert found("数据采用 CC BY-NC 4.0 协议，v2.8 起支持。") == {"CC BY-NC 4.0": "Technology"}
    # list items that open with a name
    assert found("- Hollama (web UI)").get("Hollama") == "Tool"
    assert found("1. **ZEPHYR** (来自 Alexa) 伴随论文").get("ZEPHYR") in ("Model", "Tool")  # typed by its context


def test_a_numbered_item_is_not_cut_after_its_number(tmp_path):
    from aikg.corpus import read_corpus, split_sentences

    path = tmp_path / "list.md"
    path.write_text("# Models\n\n1. **ALBERT** (来自 Google Research) 由 Zhenzhong Lan 发布。\n12. **BART** (来自 Facebook)\n", encoding="utf-8")
    (doc, articles), = read_corpus([path])
    texts = [s.text for s in split_sentences(doc, articles[0])]
    assert "1. **ALBERT** (来自 Google Research) 由 Zhenzhong Lan 发布。" in texts and "12. **BART** (来自 Facebook)" in texts


def test_a_list_types_the_names_only_their_shape_typed(nlp):
    # invented names: "Zorbo"/"cZorbo" are typed by the known techniques they are listed with
    found = types(nlp, "实现 DPO（直接偏好优化）/Zorbo/cZorbo 和 KTO")
    assert found["Zorbo"] == "Technology" and found["cZorbo"] == "Technology"
    assert types(nlp, "基于 Ray、vLLM 和 QuillServe 构建")["QuillServe"] == "Tool"
    # a list of mixed kinds types nothing; a space is no list
    assert types(nlp, "支持 Qwen、DPO 和 Zorbo")["Zorbo"] == "Tool"  # as its shape alone says
    assert types(nlp, "Meta QuillServe is fast").get("QuillServe") != "Organization"
    # a name whose shape says model keeps it
    assert types(nlp, "支持 DPO、KTO 和 Zorbo-7B")["Zorbo-7B"] == "Model"


def test_a_numbered_known_technique_is_a_technique(nlp):
    found = types(nlp, "基于 ZeRO-3 和 FlashAttention2 构建")
    assert found == {"ZeRO-3": "Technology", "FlashAttention2": "Technology"}


def test_a_capitalized_phrase_after_a_given_name_is_not_a_person(nlp):
    found = types(nlp, "Ray-based Reinforced Finetuning for agents")
    assert "Person" not in found.values()


def test_chinese_technique_words_by_their_head(nlp):
    found = types(nlp, "支持令牌压缩和温度采样，并做了参数卸载。")
    assert found.get("令牌压缩") == "Technology" and found.get("温度采样") == "Technology" and found.get("参数卸载") == "Technology"
    assert "二是融合" not in types(nlp, "一是开源，二是融合。")  # "二是" is no modifier


def test_english_makers_and_bases_in_prose(nlp, rules):
    # invented names, English word order
    assert ("Zorbo-7B", "developedBy", "Quillmark AI", "possessive-developer") in facts(nlp, rules, "Inference of Quillmark AI's Zorbo-7B model.")
    assert ("Zorbo-VL", "developedBy", "Quillmark AI", "from-maker") in facts(nlp, rules, "Zorbo-VL, the vision-language model from Quillmark AI, reads video.")
    assert ("Zorbo-Chat", "basedOn", "Mistral-7B", "based-on") in facts(nlp, rules, "Zorbo-Chat is a fine-tuned version of Mistral-7B.")
    assert ("Zorbo-Chat", "basedOn", "LLaMA", "based-on") in facts(nlp, rules, "Zorbo-Chat is a chatbot trained by fine-tuning LLaMA on dialogues.")
    assert not facts(nlp, rules, "Microsoft's investment in OpenAI grew.")


def test_an_english_list_after_a_cue_is_one_clause(nlp, rules):
    # in English a comma also joins list items: every item is used, not only the first
    found = facts(nlp, rules, "QuillServe supports GPTQ, AWQ and SmoothQuant.")
    assert {o for s, p, o, _ in found if s == "QuillServe" and p == "usesTechnology"} == {"GPTQ", "AWQ", "SmoothQuant"}
    # a comma between names of different types still ends a clause
    assert not any(s == "QuillServe" and o == "RoPE" for s, _, o, _ in facts(nlp, rules, "QuillServe supports GPTQ, Zorbo-7B uses RoPE."))


def test_an_acronym_spelled_out_in_brackets_is_a_name_typed_by_its_head(nlp):
    found = mentions(nlp, "# QUILL (Quick Unified Inference and Lightweight Launcher for LLMs)")
    assert ("QUILL", "Tool", "acronym-definition") in found
    assert not any(text.startswith("Unified") or text == "Lightweight Launcher" for text, _, _ in found)
    assert ("ZRA", "Technology") in typed(nlp, "We use ZRA (Zoned Routing Attention) in every layer.")
    # an acronym of a known name is that name
    assert {m.key for m in find_mentions(nlp, "HF (Hugging Face) hosts it.")} == {"hugging-face"}
    # letters that do not spell the bracket are no definition
    assert not any(r == "acronym-definition" for _, _, r in mentions(nlp, "QUILL (see the appendix)"))


def test_a_capitalized_language_name_is_not_an_acronym_in_capitals(nlp):
    assert types(nlp, "Swift 和 Rust 都是编程语言").get("Swift") == "Technology"
    assert types(nlp, "SWIFT支持近200种LLM的训练。").get("SWIFT") == "Tool"


def test_a_company_named_in_full_is_one_entity_with_its_short_name(tmp_path):
    from aikg.extract import short_names

    rules = load_rules(paths.RULES)
    assert short_names("北京星衡智能科技有限公司", rules) == ["星衡智能科技", "星衡智能"]
    assert short_names("北京大学", rules) == []  # no legal form: not a company's registered name
    doc = tmp_path / "news.md"
    doc.write_text(
        "# 星衡智能发布 Orbit-R2\n\n北京星衡智能科技有限公司今天发布了 Orbit-R2。\n\n"
        "星衡智能创始人王海涛此前曾任百度研究员，毕业于清华大学。\n", encoding="utf-8")
    extraction = extract(read_corpus([doc]))
    company = [e for e in extraction.entities.values() if "星衡智能" in e.aliases]
    assert len(company) == 1 and company[0].name == "北京星衡智能科技有限公司"
    facts = {(r.subject, r.predicate, r.object) for r in extraction.relations}
    person = next(e.id for e in extraction.entities.values() if e.name == "王海涛")
    assert (person, "affiliatedWith", company[0].id) in facts
    # a clause opening with 毕业于 is about the person who opened the sentence
    assert (person, "affiliatedWith", next(e.id for e in extraction.entities.values() if e.name == "清华大学")) in facts


def test_english_news_names_people_by_speech_and_makers_by_release_verbs(nlp, rules):
    found = typed(nlp, '"We wanted a model anyone can run," said Marie Laurent, the chief executive.')
    assert ("Marie Laurent", "Person") in found
    assert ("Quillmark", "Organization") in typed(nlp, "Quillmark releases Zorbo-2, an open reasoning model")
    assert ("Zorbo-2", "developedBy", "Quillmark", "verb-developer") in facts(nlp, rules, "Quillmark releases Zorbo-2, an open reasoning model")
    news = typed(nlp, "Quillmark, the Paris-based AI startup, on Tuesday released Zorbo-2.")
    assert ("Tuesday", "Organization") not in news and ("Paris-based AI", "Organization") not in news


def test_job_titles_and_ai_phrases_are_not_names(nlp):
    found = typed(nlp, "微软 Regional Director（RD）、Developer Advocate 和 Quillmark AI 辅助研发方案的发起人")
    assert not any(text.endswith(("Director", "Advocate")) for text, _ in found)
    assert ("Quillmark AI", "Organization") not in found  # "AI 辅助" opens the Chinese phrase
    assert ("Quillmark AI", "Organization") in typed(nlp, "Quillmark AI 推出了 Zorbo")


def test_a_latin_name_before_kai_yuan_de_is_a_maker(nlp, rules):
    assert ("Quillmark", "Organization") in typed(nlp, "Verba 是向量数据库厂商 Quillmark 开源的一个模块化 RAG 框架。")
    assert ("Zorbo", "developedBy", "Quillmark", "copula-developer") in facts(nlp, rules, "Zorbo 是 Quillmark 开源的一个推理引擎。")


def test_a_sentence_opening_name_takes_the_type_its_copula_gives(nlp):
    assert ("星衡智能", "Organization") in typed(nlp, "星衡智能是一家成立于 2023 年的大模型创业公司，总部位于北京。")
    assert ("FlowServe", "Tool") in typed(nlp, "FlowServe 是一个高性能推理框架。")
    assert not typed(nlp, "这家公司是一家创业公司。")  # a demonstrative is no name
    assert not any(t.endswith("就") for t, _ in typed(nlp, "人类语言就是一种高度抽象的符号系统。"))


def test_the_name_before_a_founder_or_ceo_title_is_an_organization(nlp):
    assert ("星衡智能", "Organization") in typed(nlp, "星衡智能创始人王海涛表示，模型很强。")
    assert ("星衡智能", "Organization") in typed(nlp, "对话星衡智能 CEO 王海涛：推理模型的下一步")
    assert not any(t == "开源项目" for t, _ in typed(nlp, "开源项目作者张三说"))


def test_a_chinese_named_model_with_a_version_is_a_model_of_its_own(nlp, rules):
    found = facts(nlp, rules, "1. **豆包 2.0**（字节跳动）：支持多模态理解，采用 MoE 架构。")
    assert ("豆包 2.0", "developedBy", "字节跳动", "bracket-maker") in found
    assert ("豆包 2.0", "usesTechnology", "MoE", "uses-technology") in found
    assert not any(s == "字节跳动" for s, _, _, _ in found)  # the maker in brackets is an aside, not the subject
    assert ("混元-T2", "Model") in typed(nlp, "| 3 | 混元-T2 | 腾讯 |")
    assert ("豆包", "Model") in typed(nlp, "豆包 2 年来用户增长很快")  # "2 年": a number of years, not a version


def test_english_makers_after_by_and_people_at_their_organization(nlp, rules):
    assert ("Zorbo-3", "developedBy", "Quillmark", "by-makers") in facts(nlp, rules, "Zorbo-3 was trained by the Quillmark research team on 15T tokens.")
    assert ("Zorbo-3", "developedBy", "Quillmark", "by-makers") in facts(nlp, rules, "Zorbo-3 was developed by Quillmark.")
    found = facts(nlp, rules, "This work was led by Priya Raman and Tomasz Kowalski at Quillmark, with help from others.")
    assert {("Priya Raman", "affiliatedWith", "Quillmark", "affiliation-en"), ("Tomasz Kowalski", "affiliatedWith", "Quillmark", "affiliation-en")} <= found
    assert ("Marie Laurent", "affiliatedWith", "Quillmark", "affiliation-en") in facts(nlp, rules, "said Marie Laurent, Quillmark's chief executive.")
    assert ("Jim Fan", "affiliatedWith", "NVIDIA", "affiliation-en") in facts(nlp, rules, "said Jim Fan, a senior research scientist at NVIDIA.")


def test_an_interview_answer_speaks_for_the_interviewee_organization(tmp_path):
    doc = tmp_path / "interview.md"
    doc.write_text(
        "# 对话星衡智能 CEO 王海涛\n\n**问：Orbit 有什么不同？**\n\n"
        "王海涛：我们的 Orbit-R2 采用强化学习训练。我们还开源了推理框架 FlowServe。\n\n"
        "**问：我们的读者关心什么？**\n\n记者：我们的 Zorbo 很好。\n", encoding="utf-8")
    extraction = extract(read_corpus([doc]))
    names = {e.id: e.name for e in extraction.entities.values()}
    made = {(names[r.subject], names[r.object]) for r in extraction.relations if r.predicate == "developedBy"}
    assert {("Orbit-R2", "星衡智能"), ("FlowServe", "星衡智能")} <= made
    assert not any(s == "Zorbo" for s, _ in made)  # the interviewer's "we" is no one's maker


def test_a_product_named_as_its_maker_is_read_as_the_organization(nlp, tmp_path):
    """Weaviate is a lexicon Tool whose alt type is Organization: "厂商 Weaviate" and "Weaviate 开源的"
    read it as the maker in that sentence; the entity keeps its type, the fact is kept and valid."""
    from aikg.ask import ask
    from aikg.build import build

    assert ("Weaviate", "Organization", "lexicon-reading") in mentions(nlp, "Zorbo 是向量数据库厂商 Weaviate 开源的一个框架。")
    assert ("Weaviate", "Tool", "lexicon") in mentions(nlp, "Zorbo 用 Weaviate 存储向量。")
    doc = tmp_path / "vendor.md"
    doc.write_text("# 向量检索\n\nZorbo 是向量数据库厂商 Weaviate 开源的一个模块化 RAG 框架。\n\n"
                   "Quillmark 基于 Weaviate 构建了检索服务。\n", encoding="utf-8")
    build([doc], tmp_path / "graph", cache=False)  # the SHACL shapes accept the maker reading
    graph = (tmp_path / "graph" / "graph.ttl").read_text(encoding="utf-8")
    assert "ent:weaviate a aikg:Tool" in graph and "aikg:altType aikg:Organization" in graph
    answer = ask("Zorbo 是哪家公司开发的？", tmp_path / "graph")
    assert [a.label for a in answer.answers] == ["Weaviate"]


def test_a_unit_written_after_its_owner_is_one_organization_part_of_it(tmp_path):
    """"清华大学星衡实验室": one organization (not 清华大学 + 星衡实验室), part of 清华大学; who
    works there works for 清华大学 too. A known name (微软亚洲研究院) passes on no affiliation."""
    doc = tmp_path / "unit.md"
    doc.write_text("# 星衡计算\n\n清华大学星衡实验室研究员王海涛长期研究模型压缩。\n\n"
                   "微软发布了 Zorbo。李晓岚在微软亚洲研究院完成了博士学业。\n", encoding="utf-8")
    extraction = extract(read_corpus([doc]))
    names = {e.name: e.id for e in extraction.entities.values()}
    assert "清华大学星衡实验室" in names and "星衡实验室" not in names
    facts = {(r.subject, r.predicate, r.object) for r in extraction.relations}
    unit, owner, person = names["清华大学星衡实验室"], names["清华大学"], names["王海涛"]
    assert {(unit, "partOf", owner), (person, "affiliatedWith", unit), (person, "affiliatedWith", owner)} <= facts
    assert (names["李晓岚"], "affiliatedWith", names["微软亚洲研究院"]) in facts
    assert (names["李晓岚"], "affiliatedWith", names["微软"]) not in facts


def test_a_negated_use_or_base_is_no_fact(tmp_path, rules):
    """ANNOTATION.md: negated statements are not relations ("未涉及微调", "A 而非 B", "without SFT");
    the words are data (rules.toml negations), and 未来 is no negation."""
    from aikg.extract.entities import Candidate
    from aikg.extract.relations import RawFact, negated

    doc = tmp_path / "zorbo.md"
    doc.write_text("# Zorbo\n\nZorbo 是一个开源推理框架。本项目未涉及微调，但支持 LoRA 推理。\n\n"
                   "Zorbo 采用 RAG 而非知识图谱。\n\n"
                   "Zorbo-R1, a model trained without supervised fine-tuning, uses GRPO.\n", encoding="utf-8")
    extraction = extract(read_corpus([doc]))
    names = {e.id: e.name for e in extraction.entities.values()}
    uses = {(names[r.subject], names[r.object]) for r in extraction.relations if r.predicate == "usesTechnology"}
    assert {("Zorbo", "LoRA"), ("Zorbo", "RAG"), ("Zorbo-R1", "GRPO")} <= uses
    assert not uses & {("Zorbo", "微调"), ("Zorbo", "知识图谱"), ("Zorbo-R1", "supervised fine-tuning")}
    text = "Zorbo 面向未来的芯片采用 MoE 架构。"
    fact = RawFact(Candidate(0, 5, "Zorbo", "Tool", "lexicon"), "usesTechnology", Candidate(text.index("MoE"), text.index("MoE") + 3, "MoE", "Technology", "lexicon"), "uses-technology")
    assert not negated(text, fact, rules)
