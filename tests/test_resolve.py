"""Entity resolution: one node per real thing, every merge explained, namesakes apart by type."""

from __future__ import annotations

from pathlib import Path

import pytest

from aikg.corpus import read_corpus
from aikg.explain import explain
from aikg.build import build
from aikg.extract import extract
from aikg.extract.entities import Candidate
from aikg.extract.resolve import Resolver, slug
from aikg.extract.lexicon import load_lexicon
from aikg import paths


def extraction_of(tmp_path: Path, text: str, name: str = "post.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract(read_corpus([path]))


def nodes(extraction):
    return {e.name: e for e in extraction.entities.values()}


def test_chinese_and_english_aliases_are_one_node(tmp_path):
    ex = extraction_of(tmp_path, "# t\n\n通义千问和 Qwen 是同一个模型，微软与 Microsoft 也是同一家公司。\n")
    names = {m.key for m in ex.mentions if m.text in ("通义千问", "Qwen")}
    assert len(names) == 1
    assert len({m.key for m in ex.mentions if m.text in ("微软", "Microsoft")}) == 1


def test_spacing_case_and_full_width_variants_are_one_node(tmp_path):
    ex = extraction_of(tmp_path, "# t\n\n可灵AI 和可灵 AI 都来自快手，ＣｏｇＶｉｄｅｏＸ 与 CogVideoX 一样，cogvideox 也是。\n")
    assert len({m.key for m in ex.mentions if m.text.replace(" ", "") in ("可灵AI",)}) == 1
    assert len({m.key for m in ex.mentions if m.text.lower() in ("ｃｏｇｖｉｄｅｏｘ", "cogvideox")}) == 1


def test_versions_the_text_treats_as_distinct_stay_apart(tmp_path):
    ex = extraction_of(tmp_path, "# t\n\nQwen2-VL 是视觉模型，Qwen 2.5 是语言模型，Qwen2.5-Omni 是全模态模型。\n")
    keys = {m.text: m.key for m in ex.mentions}
    assert len({keys["Qwen2-VL"], keys["Qwen 2.5"], keys["Qwen2.5-Omni"]}) == 3


def test_a_written_alias_in_parentheses_joins_its_head(tmp_path):
    ex = extraction_of(tmp_path, "# t\n\n星河智算实验室（GSL）发布了 Fluxora 框架。GSL 还在招人。\n")
    lab = nodes(ex)["星河智算实验室"]
    assert "GSL" in lab.aliases and lab.type == "Organization"
    assert any("alias" in reason and "GSL" in reason for reason in lab.merged_by)


def test_a_surname_alone_is_the_person_named_in_full_before(tmp_path):
    text = (
        "# t\n\n斯坦福大学的博士生 Orin Calloway 在导师指导下研究 GPU 编程。"
        "2004 年，Calloway 发表了 Brook 论文，毕业后加入英伟达。\n\n"
        "[1] Mara Deng, Tobias Calloway-Smith, Yu Deng. A stream processor.\n"
    )
    ex = extraction_of(tmp_path, text)
    person = nodes(ex)["Orin Calloway"]
    assert "Calloway" in person.aliases and "Calloway" not in nodes(ex), nodes(ex).keys()
    assert any("surname" in reason for reason in person.merged_by)
    # a surname two people share, or one that follows another given name, merges nothing
    assert not any(e.name.endswith("Deng") and "Deng" in e.aliases and e.name != "Deng" for e in ex.entities.values())


def test_every_merge_says_why(tmp_path):
    ex = extraction_of(tmp_path, "# t\n\n阿里巴巴和阿里都推出了模型，Fluxora 框架很新，FLUXORA 也是它。\n")
    for entity in ex.entities.values():
        assert entity.merged_by, entity


def test_namesakes_of_different_types_stay_apart():
    entries = {e.id: e for e in load_lexicon(paths.LEXICON)}
    resolver = Resolver(entries)
    as_model = [Candidate(0, 6, "Zorvex", "Model", "latin-cue") for _ in range(2)]
    as_org = [Candidate(0, 6, "Zorvex", "Organization", "org-latin") for _ in range(2)]
    for cand in as_model + as_org:
        resolver.add(cand)
    entities = resolver.entities()
    assert sorted(e.type for e in entities.values()) == ["Model", "Organization"]
    assert resolver.key(as_model[0]) != resolver.key(as_org[0])
    assert len({e.id for e in entities.values()}) == 2


def test_one_weak_reading_does_not_split_a_name():
    entries = {e.id: e for e in load_lexicon(paths.LEXICON)}
    resolver = Resolver(entries)
    strong = [Candidate(0, 6, "Zorvex", "Model", "latin-cue") for _ in range(3)]
    weak = Candidate(0, 6, "Zorvex", "Tool", "latin-bare")
    for cand in strong + [weak]:
        resolver.add(cand)
    [entity] = resolver.entities().values()
    assert entity.type == "Model"


def test_slugs_are_ascii_and_readable():
    assert slug("包云岗") == "bao-yun-gang"
    assert slug("Qwen2.5-72B") == "qwen2-5-72b"
    assert slug("!!") .startswith("e-")


def test_explain_shows_evidence_rule_and_merges(tmp_path):
    source = tmp_path / "post.md"
    source.write_text("# t\n\n文/周明远\n\n星河智算科技发布了 Fluxora 框架。\n", encoding="utf-8")
    build([source], tmp_path / "out")
    result = explain(tmp_path / "out", "Fluxora", "developedBy", "星河智算科技")
    [evidence] = result.evidence
    assert evidence.rule == "verb-developer" and "发布了 Fluxora" in evidence.evidence
    assert source.read_text(encoding="utf-8")[evidence.start:evidence.end] == evidence.evidence
    assert result.subject_merges and result.object_merges
    author = explain(tmp_path / "out", "周明远", "authorOf", "post")
    assert author.evidence[0].rule == "byline"


def test_explain_of_a_fact_not_in_the_graph_is_a_clear_error(tmp_path):
    from aikg.errors import AikgError

    source = tmp_path / "post.md"
    source.write_text("# t\n\n星河智算科技发布了 Fluxora 框架。\n", encoding="utf-8")
    build([source], tmp_path / "out")
    with pytest.raises(AikgError, match="does not state"):
        explain(tmp_path / "out", "Fluxora", "basedOn", "星河智算科技")
    with pytest.raises(AikgError, match="unknown predicate"):
        explain(tmp_path / "out", "Fluxora", "likes", "星河智算科技")
