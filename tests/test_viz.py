"""`aikg viz`: the offline HTML site (structure, escaping, determinism, assets); no browser here."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import rdflib
from rdflib import RDFS
from rdflib.namespace import SKOS

from aikg import analyze, viz
from aikg.errors import AikgError

ENT = rdflib.Namespace("https://w3id.org/aikg/entity/")
PAYLOADS = ("<script>document.title='pwned'</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)")


class Refs(HTMLParser):
    """Every URL a page refers to, by (tag, attribute), and the JSON graph data."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.data_json: str | None = None
        self._in_data = False
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        for name in ("src", "href", "action", "formaction", "data", "poster"):
            if attrs.get(name) is not None:
                self.refs.append((tag, name, attrs[name]))
        if any(name.startswith("on") for name in attrs):
            raise AssertionError(f"event handler attribute on <{tag}>: {attrs}")
        if tag == "script":
            if attrs.get("id") == "aikg-data":
                assert attrs.get("type") == "application/json"
                self._in_data = True
            elif "src" not in attrs:
                self.inline_scripts += 1

    def handle_data(self, data):
        if self._in_data:
            self.data_json = (self.data_json or "") + data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_data = False


def parse(page: Path) -> Refs:
    parser = Refs()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def graph_json(page: Path) -> dict:
    data = parse(page).data_json
    assert data, f"{page} has no graph data"
    return json.loads(data)


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def kg(built_graph):
    return analyze.load(built_graph)


@pytest.fixture(scope="module")
def site(kg, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    viz.render_site(kg, out)
    return out


def test_site_has_one_page_per_article_important_entity_and_community(kg, site):
    important = {e for e in kg.entities if kg.degree[e] >= 2}
    groups = analyze.communities(kg, min_size=3)
    assert {p.stem for p in (site / "entity").glob("*.html")} == {viz.page_name(e) for e in important}
    assert {p.stem for p in (site / "article").glob("*.html")} == {viz.page_name(k) for k in kg.articles}
    assert sorted(int(p.stem) for p in (site / "community").glob("*.html")) == [g.index for g in groups]
    assert (site / "index.html").is_file() and (site / "overview.html").is_file()
    index = (site / "index.html").read_text(encoding="utf-8")
    linked = {unquote(href) for tag, attr, href in parse(site / "index.html").refs if tag == "a"}
    for page in site.rglob("*.html"):
        rel = page.relative_to(site).as_posix()
        if rel != "index.html":
            assert rel in linked, f"index does not link {rel}"
    assert "at least 2" in index


def test_every_reference_is_local_and_resolves(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        refs = parse(page)
        assert refs.inline_scripts == 0, page
        for tag, attr, url in refs.refs:
            parts = urlsplit(url)
            if tag == "a" and parts.scheme == "https" and parts.netloc == "www.wikidata.org":
                continue  # a plain link out, never loaded by the page
            assert not parts.scheme and not parts.netloc, f"{page}: remote or scheme reference {tag}[{attr}]={url}"
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page}: broken link {url}"
            assert site.resolve() in target.parents
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", text, re.I), page
    for asset in (site / "lib").iterdir():
        content = asset.read_text(encoding="utf-8", errors="replace")
        assert "@import" not in content and not re.search(r"url\(\s*['\"]?(https?:)?//", content), asset


def test_vis_network_shipped_once_from_pyvis(site):
    copies = sorted(site.rglob("vis-network.min.js"))
    assert copies == [site / "lib" / "vis-network.min.js"]
    bundled = viz.vis_assets()
    for name in ("vis-network.min.js", "vis-network.css"):
        assert (site / "lib" / name).read_bytes() == (bundled / name).read_bytes()
    for page in site.rglob("*.html"):
        srcs = [url for tag, _, url in parse(page).refs if tag == "script"]
        if parse(page).data_json:
            depth = len(page.relative_to(site).parts) - 1
            assert srcs == ["../" * depth + "lib/vis-network.min.js", "../" * depth + "lib/graph.js"], page


def test_output_is_deterministic(kg, site, tmp_path):
    again = tmp_path / "again"
    viz.render_site(analyze.load(kg.source), again)
    assert tree_digest(again) == tree_digest(site)


def test_pages_draw_the_expected_nodes_and_edges(kg, site):
    # entity pages: the entity and its fact neighbours, every fact among them, evidence in the tooltips
    for e in sorted(e for e in kg.entities if kg.degree[e] >= 2)[:40]:
        data = graph_json(site / "entity" / f"{viz.page_name(e)}.html")
        expected = {e, *kg.simple_graph[e]}
        assert len(data["nodes"]) == len(expected)
        assert sorted(n["label"] for n in data["nodes"]) == sorted(kg.label(n) for n in expected)
        assert sum(n["focus"] for n in data["nodes"]) == 1
        triples = {(f.subject, f.predicate, f.object) for f in kg.facts if f.subject in expected and f.object in expected}
        assert len(data["edges"]) == len(triples)
        for edge in data["edges"]:
            assert edge["label"] in {p for _, p, _ in triples}
            assert any(line.startswith("“") for line in edge["tip"])
    # article pages: the article, everything it mentions, its authors; mention edges dashed
    for key, art in kg.articles.items():
        data = graph_json(site / "article" / f"{viz.page_name(key)}.html")
        facts = [f for f in kg.facts if f.article == key]
        expected = {art.node, *art.mentions, *art.authors, *(n for f in facts for n in (f.subject, f.object))}
        assert len(data["nodes"]) == len(expected)
        assert sum(1 for edge in data["edges"] if edge["kind"] == "mention") == len(art.mentions)
    # overview: every node in a fact
    data = graph_json(site / "overview.html")
    assert len(data["nodes"]) == len({n for f in kg.facts for n in (f.subject, f.object)})
    assert len(data["edges"]) == len({(f.subject, f.predicate, f.object) for f in kg.facts})
    assert all(-1e5 < n["x"] < 1e5 and -1e5 < n["y"] < 1e5 and n["size"] > 0 for n in data["nodes"])
    styles = json.loads((viz.TEMPLATES / "styles.json").read_text(encoding="utf-8"))
    assert {n["type"] for n in data["nodes"]} <= set(styles["types"])
    body = re.search(r"<body[^>]*>", (site / "overview.html").read_text(encoding="utf-8")).group(0)
    assert f'data-expected-nodes="{len(data["nodes"])}"' in body


def test_node_tooltips_carry_type_and_aliases(kg, site):
    data = graph_json(site / "overview.html")
    qwen = next(n for n in data["nodes"] if n["label"] == kg.entities["qwen"].label)
    assert qwen["type"] == "Model" and qwen["tip"][0] == "Qwen"
    assert any(line.startswith("type: Model") for line in qwen["tip"])
    assert any("通义千问" in line for line in qwen["tip"] if line.startswith("aliases:"))


def malicious_graph(mini_dir: Path, folder: Path) -> Path:
    graph = rdflib.Graph().parse(mini_dir / "graph.ttl", format="turtle")
    graph.set((ENT.qwen, RDFS.label, rdflib.Literal(PAYLOADS[0])))
    graph.add((ENT.qwen, SKOS.altLabel, rdflib.Literal(PAYLOADS[1])))
    graph.set((ENT.alibaba, RDFS.label, rdflib.Literal(PAYLOADS[2])))
    art = rdflib.URIRef("https://w3id.org/aikg/article/china-open-source-2024-A01")
    graph.set((art, rdflib.namespace.DCTERMS.title, rdflib.Literal("</script><script>alert(2)</script> & <b>")))
    folder.mkdir(parents=True, exist_ok=True)
    graph.serialize(folder / "graph.ttl", format="turtle")
    return folder


def test_graph_text_is_escaped_everywhere(mini_dir, tmp_path):
    graph_dir = malicious_graph(mini_dir, tmp_path / "graph")
    out = tmp_path / "site"
    viz.render_site(analyze.load(graph_dir), out)
    raw = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    for payload in (*PAYLOADS[:2], "</script><script>alert(2)", "<b>"):
        assert payload not in raw
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in raw  # escaped in the tables
    assert "\\u003cscript\\u003edocument.title='pwned'\\u003c/script\\u003e" in raw  # escaped in the JSON
    for page in out.rglob("*.html"):
        refs = parse(page)  # also fails on any on* attribute
        assert not any(url.lower().startswith("javascript:") for _, _, url in refs.refs), page
    labels = {n["label"] for n in graph_json(out / "overview.html")["nodes"]}
    assert PAYLOADS[0] in labels and PAYLOADS[2] in labels  # the data survives the JSON round trip intact


def test_script_json_escapes_markup_characters():
    text = viz.script_json({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_page_names_are_safe():
    assert viz.page_name("qwen") == "qwen"
    assert viz.page_name("china-open-source-2024-A01") == "china-open-source-2024-A01"
    for name in ("../etc/passwd", "a/b", "<x>", "javascript:alert(1)", "..", "名字"):
        safe = viz.page_name(name)
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", safe) and ".." not in safe and safe != viz.page_name(name + " ")


def test_refuses_to_replace_a_folder_it_did_not_write(kg, tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(AikgError, match="not empty"):
        viz.render_site(kg, foreign)
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"
    site = tmp_path / "site"
    viz.render_site(kg, site)
    (site / "entity" / "stale.html").write_text("old", encoding="utf-8")
    viz.render_site(kg, site)  # its own site is replaced as a whole
    assert not (site / "entity" / "stale.html").exists() and (site / "index.html").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folders left


def test_cli_viz_writes_site_and_leaves_graph_folder_alone(built_graph, tmp_path):
    before = tree_digest(built_graph)
    env = {**os.environ, "COLUMNS": "200"}
    result = subprocess.run([sys.executable, "-m", "aikg", "viz", "--graph", str(built_graph), "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "pages" in result.stderr and (tmp_path / "out" / "index.html").is_file()
    assert not (tmp_path / "lib").exists()  # nothing written into the current directory
    assert tree_digest(built_graph) == before
    result = subprocess.run([sys.executable, "-m", "aikg", "viz", "--graph", str(tmp_path / "nope"), "--out", str(tmp_path / "o2")],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2 and "no graph here" in result.stderr and "Traceback" not in result.stderr
