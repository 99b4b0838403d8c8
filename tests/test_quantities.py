"""Numbers and dates as facts: normalization, each layout, the RDF, the shapes and the queries.

Sentences are real: from the bundled report, and (for English and other layouts) from
text written for these tests.
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal

import pytest
import rdflib
from rdflib import RDF, Literal, Namespace
from rdflib.namespace import PROV, XSD

from aikg import paths
from aikg.build import build
from aikg.extract.quantities import document_date, load_vocab, parse_dates, parse_quantities
from aikg import query
from aikg.shacl import validate

AIKG = Namespace("https://w3id.org/aikg/ontology#")
ENT = Namespace("https://w3id.org/aikg/entity/")
MEASURE = Namespace("https://w3id.org/aikg/measure/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
CORPUS = paths.DEFAULT_CORPUS.read_text(encoding="utf-8")


def run(graph_dir, name: str, bind: dict | None = None):
    return query.run(graph_dir, query.load_query(name).sparql, bind)


def one(text: str):
    found = parse_quantities(text)
    assert len(found) == 1, (text, found)
    return found[0]


# --- normalization -------------------------------------------------------------------------


@pytest.mark.parametrize("text, value, unit, qualifier", [
    ("1350 万", "13500000", None, None),
    ("3600 万", "36000000", None, None),
    ("得票率: 19.52%", "0.1952", "PERCENT", None),
    ("得票率: 9.84%", "0.0984", "PERCENT", None),
    ("全球已有近 8 万基于 Qwen 的衍生模型", "80000", None, "nearly"),
    ("仓库占比超过了61%", "0.61", "PERCENT", "moreThan"),
    ("共有超过 100 支团队", "100", None, "moreThan"),
    ("2011 年第二届竞赛冠军错误率降到约 25%", "0.25", "PERCENT", "about"),
    ("一个 7B 的小模型", "7000000000", None, None),
    ("完成长达 1M 的超长上下文推理任务", "1000000", None, "upTo"),
    ("生成速度达到 16.91 token/s", "16.91", "NUM-PER-SEC", None),
    ("1.53 亿行代码", "153000000", None, None),
    ("Gitee now has 13.5 million users", "13500000", None, None),
    ("nearly 80,000 derivative models", "80000", None, "nearly"),
    ("more than 61% of repositories", "0.61", "PERCENT", "moreThan"),
])
def test_numbers_are_normalized_with_their_qualifier(text, value, unit, qualifier):
    q = one(text)
    assert (q.value, q.unit, q.qualifier) == (Decimal(value), unit, qualifier)


def test_ranges_keep_both_ends():
    q = one("多数团队在 10-40%之间")
    assert (q.value, q.low, q.high, q.unit) == (None, Decimal("0.1"), Decimal("0.4"), "PERCENT")
    q = one("一个 1B~7B 的小模型")
    assert (q.low, q.high) == (Decimal("1000000000"), Decimal("7000000000"))


def test_years_are_not_quantities():
    assert parse_quantities("2014-2024 Gitee 用户数增长曲线") == []
    assert parse_quantities("2024年Gitee总用户数") == []


@pytest.mark.parametrize("text, year, iso, qualifier", [
    ("2024 年 8 月下旬，一款 AI 代码编辑器——Cursor 火爆全球", None, "2024-08", "late"),
    ("趋境科技成立于 2023 年底", None, "2023", "late"),
    ("2024 年初有两个非常有代表性的工作", None, "2024", "early"),
    ("2023 年 6 月 13 日 OpenAI 发布的 GPT 模型的 Function Calling 功能", None, "2023-06-13", None),
    ("在今年 10 月 29 日，开放源代码促进会发布了", 2024, "2024-10-29", None),
    ("我们也在今年 6 月份开始做了产品转身", 2024, "2024-06", None),
    ("本年度最常用开源许可证", 2024, "2024", None),
    ("2024 年中国开源模型：崛起与变革", None, "2024", None),  # 年中 here is not "mid-year"
    ("OpenAI released GPT-2 in February 2019.", None, "2019-02", None),
    ("Function calling arrived on June 13, 2023.", None, "2023-06-13", None),
    ("It was founded in 2015 in San Francisco.", None, "2015", None),
    ("a model released in late 2023", None, "2023", "late"),
])
def test_dates_keep_their_precision(text, year, iso, qualifier):
    dates = parse_dates(text, year)
    assert [(d.iso, d.qualifier) for d in dates] == [(iso, qualifier)], dates


def test_relative_years_need_the_documents_own_date():
    assert parse_dates("在今年 10 月 29 日", None) == []
    from aikg.corpus import read_corpus

    doc, articles = read_corpus([paths.DEFAULT_CORPUS])[0]
    cover = document_date(doc, articles)
    assert cover is not None and cover.iso == "2024-12"  # "2024 年 12 月" on the report's cover


def test_vocabulary_is_data_and_the_shapes_know_every_qualifier():
    words = tomllib.loads(paths.QUANTITIES.read_text(encoding="utf-8"))
    shapes = paths.SHAPES.read_text(encoding="utf-8")
    listed = re.search(r"sh:path aikg:qualifier ;.*?sh:in \(([^)]*)\)", shapes, re.S).group(1)
    assert set(re.findall(r'"(\w+)"', listed)) == set(words["qualifiers"])
    measures = tomllib.loads(paths.MEASURES.read_text(encoding="utf-8"))["measure"]
    assert {"user-count", "vote-share", "parameter-count", "release-date"} <= set(measures)
    assert measures["release-date"]["wikidata"] == "P577"
    assert load_vocab().measures["release-date"].property == "releaseDate"


# --- the report: every Part 1 statistic and every Part 3 vote share ---------------------


@pytest.fixture(scope="module")
def report(built_graph):
    return rdflib.Graph().parse(built_graph / "graph.ttl", format="turtle")


def observations(graph, measure: str):
    rows = []
    for obs in graph.subjects(AIKG.measure, MEASURE[measure]):
        rows.append({p.split("#")[-1]: o for p, o in graph.predicate_objects(obs)} | {"about": sorted(graph.objects(obs, AIKG.about)), "node": obs})
    return rows


PART1 = [  # (measure, value, the text's value line, the label line under it)
    ("user-count", 13500000, "1350 万", "2024年Gitee总用户数"),
    ("new-user-count", 1500000, "150 万", "2024年Gitee新增用户数"),
    ("repository-count", 36000000, "3600 万", "2024年Gitee总仓库数"),
    ("new-repository-count", 5000000, "500 万", "2024年Gitee新增仓库数"),
    ("organization-count", 400000, "40 万", "2024年Gitee开源组织数量"),
]


@pytest.mark.parametrize("measure, value, stated, label", PART1)
def test_every_part1_statistic_is_in_the_graph(report, measure, value, stated, label):
    assert f"{stated}\n" in CORPUS and label in CORPUS  # the layout: value line, then label line
    rows = [r for r in observations(report, measure) if r["about"] == [ENT.gitee]]
    assert len(rows) == 1, rows
    row = rows[0]
    assert row["value"] == Literal(str(value), datatype=XSD.integer)
    assert row["unit"] == UNIT.NUM and row["period"] == Literal("2024", datatype=XSD.gYear)
    assert str(row["statedAs"]) == stated and row["rule"] == Literal("label-value")
    evidence = str(row["evidence"])
    assert evidence.startswith(stated) and evidence.endswith(label)
    assert CORPUS[int(row["startOffset"]):int(row["endOffset"])] == evidence


def test_part1_shares_and_growth_rates_are_in_the_graph(report):
    growth = observations(report, "growth-rate")
    assert [(r["about"], r["value"], str(r["period"])) for r in growth] == [([ENT.typescript], Literal("0.4904", datatype=XSD.decimal), "2023")]
    share = observations(report, "adoption-share")
    assert len(share) == 1 and share[0]["about"] == sorted([ENT["mit-license"], ENT["apache-2"]])
    assert share[0]["value"] == Literal("0.61", datatype=XSD.decimal) and str(share[0]["qualifier"]) == "moreThan"
    assert share[0]["unit"] == UNIT.PERCENT and str(share[0]["period"]) == "2024"  # the heading says 本年度


PART3 = [  # (app, vote share as written, category, rank in the category) — the text's lists
    ("ernie-bot", "19.52%", "AI 通用会话与联网搜索", 1), ("quark", "16.32%", "AI 通用会话与联网搜索", 2),
    ("kimi", "14.65%", "AI 通用会话与联网搜索", 3), ("kling", "16.63%", "AI 多媒体创作", 1),
    ("jimeng", "12.14%", "AI 多媒体创作", 2), ("tusiart", "9.84%", "AI 多媒体创作", 3),
    ("coze", "32.85%", "AI 智能体工坊", 1), ("aippt", "21.43%", "AI 文字内容效率", 1),
    ("comate", "24.95%", "AI 编程", 1), ("tongyi-lingma", "21.84%", "AI 编程", 2),
]


def test_every_part3_vote_share_is_in_the_graph_with_its_category_and_rank(report):
    in_text = re.findall(r"得票率: ([\d.]+%)", CORPUS)
    assert sorted(in_text) == sorted(share for _, share, _, _ in PART3)
    got = {(str(r["about"][0]).rsplit("/", 1)[1], str(r["statedAs"]), str(r["category"]), int(r["rank"])) for r in observations(report, "vote-share")}
    assert got == set(PART3)
    for row in observations(report, "vote-share"):
        share = Decimal(str(row["statedAs"]).rstrip("%")) / 100
        assert Decimal(str(row["value"])) == share and row["unit"] == UNIT.PERCENT and str(row["period"]) == "2024"
        assert CORPUS[int(row["startOffset"]):int(row["endOffset"])] == str(row["evidence"])
        assert str(row["evidence"]).endswith("得票率: " + str(row["statedAs"]))


def test_dated_facts_have_evidence_that_states_the_date(report):
    dated = [obs for obs in report.subjects(RDF.type, AIKG.Observation) if (obs, AIKG.date, None) in report]
    assert len(dated) >= 20
    for obs in dated:
        evidence, stated = str(report.value(obs, AIKG.evidence)), str(report.value(obs, AIKG.statedAs))
        assert stated in evidence  # no date from world knowledge: the sentence says it
        start, end = int(report.value(obs, AIKG.startOffset)), int(report.value(obs, AIKG.endOffset))
        assert CORPUS[start:end] == evidence
        year = str(report.value(obs, AIKG.date))[:4]
        assert year in evidence or "今年" in evidence
    kag = report.value(ENT.kag, AIKG.releaseDate)
    assert kag == Literal("2024-10", datatype=XSD.gYearMonth)
    assert report.value(ENT["function-calling"], AIKG.releaseDate) == Literal("2023-06-13", datatype=XSD.date)
    assert (None, AIKG.releaseDate, None) in report and (None, AIKG.foundingDate, None) in report


def test_sizes_in_model_names(report):
    sizes = {str(r["about"][0]).rsplit("/", 1)[1]: int(r["value"]) for r in observations(report, "parameter-count")}
    assert sizes["qwen2-5-72b"] == 72_000_000_000 and sizes["qwen2-1-5b"] == 1_500_000_000
    assert all("8x22" not in k for k in sizes)  # Mixtral 8x22B: a mixture, not a 22B model


def test_the_report_conforms_and_every_observation_is_traceable(report):
    rows = list(report.subjects(RDF.type, AIKG.Observation))
    assert len(rows) >= 45
    for obs in rows:
        article = report.value(obs, PROV.wasDerivedFrom)
        a0, a1 = int(report.value(article, AIKG.startOffset)), int(report.value(article, AIKG.endOffset))
        s, e = int(report.value(obs, AIKG.startOffset)), int(report.value(obs, AIKG.endOffset))
        assert a0 <= s < e <= a1 and CORPUS[s:e] == str(report.value(obs, AIKG.evidence))


# --- the three questions of the issue, answered by the named queries --------------------


def test_gitee_user_count_in_2024(built_graph):
    rows = run(built_graph, "entity-statistics", {"name": "gitee", "measure": "用户数"}).rows
    assert [(r[1], r[2], str(r[3]), r[4], r[6]) for r in rows] == [("Gitee", "user-count", "13500000", "NUM", "2024")]


def test_kag_release_date(built_graph):
    rows = run(built_graph, "release-timeline", {"name": "KAG"}).rows
    assert [(r[0], r[1], r[3], r[6]) for r in rows] == [("2024-10", "release", "KAG", "A12")]


def test_the_2024_vote_in_order(built_graph):
    rows = run(built_graph, "rankings", {"measure": "vote-share"}).rows
    assert [(r[1], r[2], r[3], r[5]) for r in rows if r[2] == "AI 通用会话与联网搜索"] == [
        ("2024", "AI 通用会话与联网搜索", 1, "文心一言"), ("2024", "AI 通用会话与联网搜索", 2, "夸克"),
        ("2024", "AI 通用会话与联网搜索", 3, "Kimi")]
    assert len(rows) == 10
    for category in {r[2] for r in rows}:
        ranked = [r for r in rows if r[2] == category]
        assert [r[3] for r in ranked] == sorted(r[3] for r in ranked)
        assert [float(r[6]) for r in ranked] == sorted((float(r[6]) for r in ranked), reverse=True)


def test_largest_models_come_first(built_graph):
    rows = run(built_graph, "largest-models").rows
    assert rows[0][1] == "Qwen2.5-72B" and [int(r[2]) for r in rows] == sorted((int(r[2]) for r in rows), reverse=True)


# --- other text: English, the layouts elsewhere, relative dates --------------------------

OTHER = """2025 年 3 月

平台年报

2025 中国开发者数据

2000 万

2025年Gitee总用户数

今年 1 月，阿里巴巴发布了 Qwen2.5-Max，截止今年 2 月，全球已有超过 9 万基于 Qwen 的衍生模型。

OpenAI released GPT-2 in February 2019. Gitee now has 13.5 million users.

AI 编程

通义灵码
得票率: 30.5%

Cursor
得票率: 41.25%
"""


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    folder = tmp_path_factory.mktemp("other")
    (folder / "report.md").write_text(OTHER, encoding="utf-8")
    out = folder / "graph"
    build([folder / "report.md"], out, cache=False)
    return rdflib.Graph().parse(out / "graph.ttl", format="turtle"), out


def test_other_text_layouts_and_english(other):
    graph, out = other
    conforms, report = validate(graph)
    assert conforms, report
    users = {(str(r["statedAs"]), str(r.get("period"))) for r in observations(graph, "user-count") if r["about"] == [ENT.gitee]}
    assert users == {("2000 万", "2025"), ("13.5 million", "None")}
    derived = observations(graph, "derivative-model-count")
    assert [(int(r["value"]), str(r["qualifier"]), str(r["period"])) for r in derived] == [(90000, "moreThan", "2025-02")]
    released = {(str(r["about"][0]).rsplit("/", 1)[1], str(r["date"])) for r in observations(graph, "release-date")}
    assert ("gpt-2", "2019-02") in released
    assert any(d.endswith("2025-01") for _, d in released)  # 今年 1 月 against the cover date 2025 年 3 月
    votes = sorted((int(r["rank"]), str(r["about"][0]).rsplit("/", 1)[1]) for r in observations(graph, "vote-share"))
    assert [name for _, name in votes] == ["cursor", "tongyi-lingma"]


# --- the shapes catch broken observations -------------------------------------------------


def _first_observation(g):
    return sorted(g.subjects(RDF.type, AIKG.Observation))[0]


@pytest.mark.parametrize("break_it, message", [
    (lambda g, o: g.remove((o, AIKG.measure, None)), "exactly one aikg:measure"),
    (lambda g, o: g.set((o, AIKG.qualifier, Literal("roughly"))), "qualifiers of ontology/quantities.toml"),
    (lambda g, o: g.set((o, AIKG.period, Literal("2024"))), "aikg:period must be"),
    (lambda g, o: g.set((o, AIKG.startOffset, Literal(0))), "outside the span of its article"),
    (lambda g, o: g.add((ENT.kag, AIKG.releaseDate, Literal("1999", datatype=XSD.gYear))), "has no aikg:Observation"),
])
def test_shapes_reject_broken_observations(mini_graph, break_it, message):
    break_it(mini_graph, _first_observation(mini_graph))
    conforms, report = validate(mini_graph)
    assert not conforms and message in report, report


def test_rdf_is_deterministic(built_graph):
    from aikg.corpus import read_corpus
    from aikg.extract.quantities import extract_observations
    from aikg.records import Extraction

    documents = read_corpus([paths.DEFAULT_CORPUS])
    graph = rdflib.Graph().parse(built_graph / "graph.ttl", format="turtle")
    assert graph  # the build ran; extraction again from the same records gives the same observations
    empty = Extraction(documents=[d for d, _ in documents], articles=[a for _, arts in documents for a in arts], entities={}, mentions=[], relations=[])
    assert extract_observations(documents, empty) == extract_observations(documents, empty)
