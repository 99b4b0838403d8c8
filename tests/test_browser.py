"""The HTML pages in a real headless Chromium, opened from disk (file://, no network).

Each graph page records on <body> what vis-network drew (data-rendered-nodes,
data-rendered-edges) once the first frame is painted, and any uncaught error
(data-js-errors); Chromium's --dump-dom gives us the DOM after the scripts ran,
and --enable-logging=stderr every console message (an error, a CSP violation).

Needs Debian's `chromium` (scripts/ci-browser-deps.sh installs it). Without it
these tests FAIL; they never skip.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from aikg import analyze, viz
from aikg.build import build

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio",
)
CONSOLE = re.compile(r":CONSOLE[:(]|Uncaught|Content Security Policy")
PWNED = "pwned"
INJECTION_TEXT = f"""# 开源模型观察 <script>document.title='{PWNED}'</script>

文/"><img src=x onerror=document.title='{PWNED}'>、javascript:document.title='{PWNED}'、<script>document.title='{PWNED}'</script>

阿里巴巴发布了通义千问 Qwen 系列模型，Qwen 基于 Transformer 架构。
"><img src=x onerror=document.title='{PWNED}'> 是一位研究者，现任阿里巴巴工程师。
javascript:document.title='{PWNED}' 是一个开源工具，由阿里巴巴开发。
阿里巴巴于 2023 年 8 月发布了通义千问 Qwen，截止 2024 年 9 月，全球已有近 8 万基于 Qwen 的衍生模型"><img src=x onerror=document.title='{PWNED}'>。
开源中国于 2024 年 11 月举办了「<script>document.title='{PWNED}'</script>评选」活动。
"""


@pytest.fixture(scope="module")
def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("headless Chromium is required for the browser tests and was not found on PATH: "
                "run scripts/ci-browser-deps.sh (apt-get install chromium)")


class Loaded:
    def __init__(self, dom: str, log: str, seconds: float):
        self.dom = dom
        self.log = log
        self.seconds = seconds
        body = re.search(r"<body([^>]*)>", dom)
        assert body, dom[:500]
        self.body = {k: html.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', body.group(1))}
        title = re.search(r"<title>(.*?)</title>", dom, re.S)
        self.title = html.unescape(title.group(1)) if title else ""

    def console(self) -> list[str]:
        return [line for line in self.log.splitlines() if CONSOLE.search(line)]


def open_page(chromium: str, page: Path, profile: Path) -> Loaded:
    """Load a page from disk, let its scripts run (5 s of virtual time), return the DOM."""
    start = time.perf_counter()
    result = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=5000", "--window-size=1400,900", "--dump-dom", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=180,
    )
    seconds = time.perf_counter() - start
    assert result.returncode == 0, result.stderr[-2000:]
    return Loaded(result.stdout, result.stderr, seconds)


def graph_data(page: Path) -> dict:
    text = page.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="aikg-data">(.*?)</script>', text, re.S)
    assert match, page
    return json.loads(match.group(1))


def assert_rendered(loaded: Loaded, page: Path, expected_nodes: int) -> None:
    data = graph_data(page)
    assert len(data["nodes"]) == expected_nodes, page
    assert "data-js-errors" not in loaded.body, (page, loaded.body)
    assert loaded.body.get("data-rendered-nodes") == str(expected_nodes), (page, loaded.body)
    assert loaded.body.get("data-rendered-edges") == str(len(data["edges"])), (page, loaded.body)
    assert loaded.console() == [], (page, loaded.console())


@pytest.fixture(scope="module")
def site(built_graph, tmp_path_factory):
    kg = analyze.load(built_graph)
    out = tmp_path_factory.mktemp("browser") / "site"
    viz.render_site(kg, out)
    return kg, out


def test_pages_render_offline_with_every_node(chromium, site, tmp_path):
    kg, out = site
    in_facts = {n for f in kg.facts for n in (f.subject, f.object)}
    center = analyze.ranking(kg, by="pagerank", limit=1)[0]
    first_article = sorted(kg.articles)[0]
    art = kg.articles[first_article]
    article_nodes = {art.node, *art.mentions, *art.authors,
                     *(n for f in kg.facts if f.article == first_article for n in (f.subject, f.object))}
    community = analyze.communities(kg, min_size=3)[0]
    checks = {
        out / "overview.html": len(in_facts),
        out / "entity" / f"{viz.page_name(center)}.html": 1 + kg.degree[center],
        out / "article" / f"{viz.page_name(first_article)}.html": len(article_nodes),
        out / "community" / "1.html": len(community.members),
    }
    largest = max(out.rglob("*.html"), key=lambda p: p.stat().st_size)
    for page, expected in checks.items():
        loaded = open_page(chromium, page, tmp_path / "profile")
        assert_rendered(loaded, page, expected)
    if largest not in checks:
        loaded = open_page(chromium, largest, tmp_path / "profile")
        assert_rendered(loaded, largest, len(graph_data(largest)["nodes"]))
    index = open_page(chromium, out / "index.html", tmp_path / "profile")
    assert index.console() == [] and "data-js-errors" not in index.body
    assert index.body.get("data-page") == "index" and "overview.html" in index.dom


def test_no_page_loads_anything_remote(site):
    _, out = site
    remote = re.compile(r"""<(?:script|link|img|iframe|source|embed|object)\b[^>]*\b(?:src|href|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
    for page in [*out.rglob("*.html"), *out.glob("lib/*.css")]:
        text = page.read_text(encoding="utf-8")
        assert not remote.search(text), page
        assert not re.search(r"@import|url\(\s*['\"]?\s*(?:https?:)?//", text, re.I), page


def test_html_injection_through_a_built_article_never_runs(chromium, tmp_path):
    source = tmp_path / "injection.md"
    source.write_text(INJECTION_TEXT, encoding="utf-8")
    graph_dir = tmp_path / "graph"
    build([source], graph_dir)
    kg = analyze.load(graph_dir)
    names = [kg.entities[e].label for e in kg.entities] + [a.title for a in kg.articles.values()]
    carried = [n for n in names if "<" in n or "javascript:" in n]
    # the payloads really reach the graph (as names or titles), so the pages must escape them
    assert any("<script>" in n for n in carried), names
    assert any("onerror" in n for n in carried), names
    assert any(n.startswith("javascript:") for n in carried), names
    out = tmp_path / "site"
    viz.render_site(kg, out, min_degree=1, min_community=2)
    pages = sorted(out.rglob("*.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>document" not in text and not re.search(r"<img\b", text, re.I), page
        assert not re.search(r"""(?:href|src)\s*=\s*["']?\s*javascript:""", text, re.I), page
    # the dated event and the number (and their evidence sentences) carry payloads to the pages without
    # a graph too: there they are escaped text
    timeline, data = ((out / name).read_text(encoding="utf-8") for name in ("timeline.html", "data.html"))
    assert f"&lt;script&gt;document.title=&#39;{PWNED}&#39;&lt;/script&gt;评选" in timeline  # the event's name
    assert f"&lt;img src=x onerror=document.title=&#39;{PWNED}&#39;&gt;" in timeline  # the release's evidence
    assert f"&lt;img src=x onerror=document.title=&#39;{PWNED}&#39;&gt;" in data  # the number's evidence
    graphs = 0
    for page in pages:
        loaded = open_page(chromium, page, tmp_path / "profile")
        assert loaded.title != PWNED and loaded.title.endswith(" · aikg"), (page, loaded.title)
        assert loaded.console() == [], (page, loaded.console())  # a blocked inline script would be a CSP line here
        assert "data-js-errors" not in loaded.body
        if '<script type="application/json" id="aikg-data">' in page.read_text(encoding="utf-8"):  # a page with a graph
            assert loaded.body.get("data-rendered-nodes") == str(len(graph_data(page)["nodes"])), page
            graphs += 1
        else:
            assert "data-rendered-nodes" not in loaded.body, page
    assert graphs == len(pages) - 3  # all but index.html, timeline.html and data.html
    overview = open_page(chromium, out / "overview.html", tmp_path / "profile")
    assert any(PWNED in n["label"] for n in graph_data(out / "overview.html")["nodes"])  # drawn as text
    assert "<script>document.title" not in re.sub(r'<script type="application/json".*?</script>', "", overview.dom, flags=re.S)
