"""The timeline and data pages in a real headless Chromium, from disk, with no network.

Uses the helpers of tests/test_browser.py (same flags: no background networking, no
component updates; every page is opened as a file:// URL and may load only its own lib/).
"""

from __future__ import annotations

import re

import pytest

from aikg import analyze, viz
from aikg.build import build
from test_browser import PWNED, open_page  # noqa: F401  (shared helpers)
from test_browser import chromium  # noqa: F401  (the fixture)


@pytest.fixture(scope="module")
def site(built_graph, tmp_path_factory):
    kg = analyze.load(built_graph)
    out = tmp_path_factory.mktemp("numbers") / "site"
    viz.render_site(kg, out)
    return out


def test_timeline_page_renders_every_dated_fact_offline(chromium, site, tmp_path):  # noqa: F811
    loaded = open_page(chromium, site / "timeline.html", tmp_path / "profile")
    assert loaded.console() == [] and loaded.body.get("data-page") == "timeline"
    points = re.findall(r'<g class="point" data-date="([^"]+)"', loaded.dom)
    rows = re.findall(r'<tr data-date="([^"]+)"', loaded.dom)
    assert len(points) == len(rows) >= 20 and points == sorted(points)
    assert "2024-10" in points and "KAG" in loaded.dom and "2023-06-13" in points
    assert 'data-points="%d"' % len(points) in loaded.dom


def test_data_page_draws_part1_and_the_vote(chromium, site, tmp_path):  # noqa: F811
    loaded = open_page(chromium, site / "data.html", tmp_path / "profile")
    assert loaded.console() == [] and loaded.body.get("data-page") == "data"
    dom = loaded.dom
    for text in ("13,500,000", "36,000,000", "19.52 %", "32.85 %", "AI 编程", "文心一言"):
        assert text in dom, text
    charts = [int(n) for n in re.findall(r'<figure class="chart" data-bars="(\d+)"', dom)]
    assert sum(1 for _ in re.finditer(r'<g class="bar">', dom)) == sum(charts)
    assert 3 in charts and 5 in charts  # a three-app category of the vote; Gitee's five 2024 figures
    remote = re.compile(r"""<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
    for page in ("timeline.html", "data.html"):
        assert not remote.search((site / page).read_text(encoding="utf-8"))


def test_event_names_from_the_text_are_escaped(chromium, tmp_path):  # noqa: F811
    source = tmp_path / "events.md"
    source.write_text(
        "# 活动\n\n开源中国于 2024 年 11 月举办了「<script>document.title='%s'</script>评选」活动。\n\n"
        "阿里巴巴于 2023 年 8 月发布了通义千问 Qwen，截止 2024 年 9 月，全球已有近 8 万基于 Qwen 的衍生模型。\n" % PWNED,
        encoding="utf-8",
    )
    build([source], tmp_path / "graph", cache=False)
    out = tmp_path / "site"
    viz.render_site(analyze.load(tmp_path / "graph"), out, min_degree=1, min_community=2)
    timeline = (out / "timeline.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title" in timeline and "<script>document" not in timeline
    for page in ("timeline.html", "data.html"):
        loaded = open_page(chromium, out / page, tmp_path / "profile")
        assert loaded.title != PWNED and loaded.console() == [], (page, loaded.title)
