"""Offline HTML pages of a built graph: index, overview, one page per article, per
important entity and per community.

Rendering: pages come from our own Jinja2 templates (``aikg/templates/*.j2``,
``autoescape=True``); pyvis is used only for the vis-network 9.1.2 asset it
bundles (``pyvis/lib/vis-9.1.2/vis-network.min.js`` and ``.css``), which is
copied once into ``OUT/lib/`` and referenced relatively by every page, so the
site works from ``file://`` with no network. pyvis's own ``Network.show()``/
``write_html()`` are not used: they insert headings and ids unescaped, switch
tooltips to ``innerHTML`` when a title contains "href", write ``lib/`` into the
current directory and add edges in quadratic time.

Safety: graph data reaches a page only as (a) autoescaped template text or
(b) one JSON document inside ``<script type="application/json">`` with ``<``,
``>``, ``&``, U+2028 and U+2029 written as ``\\uXXXX``; ``lib/graph.js`` puts it on
the page through ``textContent`` (tooltips) and the canvas (labels), never as
HTML. Links point only at pages whose file names we derive (safe slugs). Each
page also carries a Content-Security-Policy allowing only same-origin scripts.

Layout: positions are precomputed (networkx ``spring_layout``, fixed seed,
rounded) and physics is off, so a page is drawn at once and the same graph
always gives byte-identical HTML. Node size follows PageRank over the whole
graph; shape and colour follow the entity type (``templates/styles.json``).

Which pages: ``entity/<id>.html`` for every entity linked by facts to at least
``min_degree`` (default 2) distinct nodes, showing its one-hop fact
neighbourhood; ``community/<n>.html`` for every Louvain community of at least
``min_community`` (default 3) entities; ``article/<key>.html`` for every article
(the article, its authors, every entity it mentions and the facts it states);
``overview.html`` with every node that takes part in a fact.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from importlib.util import find_spec
from pathlib import Path

from aikg.analyze import ARTICLE, KnowledgeGraph, communities, scaled
from aikg.errors import AikgError
from aikg.records import ENTITY_TYPES

TEMPLATES = Path(__file__).resolve().parent / "templates"
VIS_VERSION = "vis-9.1.2"
VIS_FILES = ("vis-network.min.js", "vis-network.css")
SITE_MARKER = ".aikg-site"
LAYOUT_SEED = 42
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,100}")
_QID = re.compile(r"Q[1-9][0-9]{0,12}")


@dataclass
class SiteReport:
    """What ``render_site`` wrote."""

    out_dir: Path
    pages: int
    entity_pages: int
    article_pages: int
    community_pages: int
    bytes_total: int
    largest_page: tuple[str, int]
    seconds: float


# -- helpers --------------------------------------------------------------------------------------


def vis_assets() -> Path:
    """The folder of the vis-network files bundled inside the installed pyvis package."""
    spec = find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise AikgError("pyvis is not installed; it provides the vis-network script the pages need (pip install pyvis)")
    for location in spec.submodule_search_locations:
        for candidate in (Path(location) / "lib" / VIS_VERSION, Path(location) / "templates" / "lib" / VIS_VERSION):
            if all((candidate / name).is_file() for name in VIS_FILES):
                return candidate
    raise AikgError(f"pyvis does not bundle {VIS_VERSION}/vis-network.min.js; install pyvis 0.3.2")


def script_json(data) -> str:
    """JSON safe inside <script type="application/json">: no '<', '>', '&' can close or open tags."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group(0)], text)


def page_name(name: str) -> str:
    """A file name (without .html) for an entity id or article key: the name itself when it is
    a plain slug, else an ascii slug plus a hash (unique and safe in URLs and on every OS)."""
    if _SAFE_NAME.fullmatch(name) and not name.endswith("."):
        return name
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:60] or "x"
    return f"{slug}-{hashlib.sha1(name.encode()).hexdigest()[:10]}"


def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )


def _load_json(name: str):
    return json.loads((TEMPLATES / name).read_text(encoding="utf-8"))


def _spring(n: int, pairs: list[tuple[int, int]], *, seed: int, iterations: int):
    """Fruchterman-Reingold (as networkx's dense ``spring_layout``, vectorised with numpy for
    every size), seeded; returns an (n, 2) array centred on 0 with RMS radius 1."""
    import numpy as np

    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    if n > 2500:  # the dense n x n arrays get large: networkx's sparse version instead
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from(range(n))
        graph.add_edges_from(pairs)
        placed = nx.spring_layout(graph, pos={i: tuple(p) for i, p in enumerate(pos)}, seed=seed, iterations=iterations, method="force")
        pos = np.array([placed[i] for i in range(n)], dtype=float)
        iterations = 0
    else:
        adjacency = np.zeros((n, n))
        for i, j in pairs:
            adjacency[i, j] = adjacency[j, i] = 1.0
    k = math.sqrt(1.0 / n)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.sqrt((delta**2).sum(axis=-1))
        np.clip(distance, 0.01, None, out=distance)
        force = k * k / distance**2 - adjacency * distance / k
        displacement = np.einsum("ijk,ij->ik", delta, force)
        length = np.sqrt((displacement**2).sum(axis=-1))
        length = np.where(length < 0.01, 0.1, length)
        pos += displacement * (temperature / length)[:, None]
        temperature -= cooling
    pos -= pos.mean(axis=0)
    spread = float(np.sqrt((pos**2).sum(axis=1).mean()))  # RMS radius: a few outliers do not squeeze the core
    return pos / spread if spread > 0 else pos


def layout(nodes: list[str], edges: list[tuple[str, str]], seed: int = LAYOUT_SEED, spacing: float = 150.0) -> dict[str, tuple[float, float]]:
    """Positions in pixels: each connected component gets its own spring layout (fixed seed,
    area proportional to its size), and components are packed in rows, largest first;
    rounded, so the same graph always gives the same numbers."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(sorted(set(nodes)))
    graph.add_edges_from(sorted({tuple(sorted((u, v))) for u, v in edges if u != v}))
    components = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    boxes = []
    for component in components:
        if len(component) == 1:
            local = {component[0]: (0.0, 0.0)}
        elif len(component) == 2:
            local = {component[0]: (0.0, 0.0), component[1]: (spacing * 1.2, 0.0)}
        else:
            where = {node: i for i, node in enumerate(component)}
            pairs = sorted({tuple(sorted((where[u], where[v]))) for u, v in graph.subgraph(component).edges()})
            scale = spacing * math.sqrt(len(component)) * 0.45
            coords = _spring(len(component), pairs, seed=seed, iterations=80 if len(component) <= 300 else 60)
            local = {node: (float(coords[i, 0]) * scale, float(coords[i, 1]) * scale) for node, i in where.items()}
        xs = [p[0] for p in local.values()]
        ys = [p[1] for p in local.values()]
        boxes.append((local, min(xs), min(ys), max(xs) - min(xs) + spacing, max(ys) - min(ys) + spacing))
    row_width = max([b[3] for b in boxes] + [math.sqrt(sum(b[3] * b[4] for b in boxes) * 3.0)])  # wider than high, like a screen
    placed: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for local, min_x, min_y, width, height in boxes:
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (px, py) in local.items():
            placed[node] = (px - min_x + x, py - min_y + y)
        x += width
        row_height = max(row_height, height)
    if not placed:
        return {}
    cx = (min(p[0] for p in placed.values()) + max(p[0] for p in placed.values())) / 2
    cy = (min(p[1] for p in placed.values()) + max(p[1] for p in placed.values())) / 2
    return {node: (round(px - cx, 1), round(py - cy, 1)) for node, (px, py) in placed.items()}


# -- the site ----------------------------------------------------------------------------------


class _Site:
    def __init__(self, kg: KnowledgeGraph, min_degree: int, min_community: int):
        self.kg = kg
        self.min_degree = min_degree
        self.min_community = min_community
        self.styles = _load_json("styles.json")
        self.options = _load_json("vis-options.json")
        self.env = _environment()
        pr = kg.pagerank
        self.top_pr = max((pr.get(e, 0.0) for e in kg.entities), default=0.0)
        self.entity_pages = {
            e: f"entity/{page_name(e)}.html"
            for e in sorted(kg.entities, key=lambda e: (-pr.get(e, 0.0), kg.entities[e].label, e))
            if kg.degree.get(e, 0) >= min_degree
        }
        self.article_pages = {key: f"article/{page_name(key)}.html" for key in kg.articles}
        from aikg.observations import load_observations

        self.observations = load_observations(kg.source) if Path(kg.source).is_file() else []
        self.groups = communities(kg, min_size=min_community)
        self.community_pages = {c.index: f"community/{c.index}.html" for c in self.groups}
        taken: dict[str, str] = {}
        for name in (*self.entity_pages.values(), *self.article_pages.values()):
            if name.casefold() in taken:
                raise AikgError(f"two pages would share the file name {name!r}")
            taken[name.casefold()] = name

    # -- node and edge data --
    def page_of(self, node: str) -> str | None:
        if self.kg.is_article(node):
            return self.article_pages.get(self.kg.article_of(node).key)
        return self.entity_pages.get(node)

    def node_ref(self, node: str) -> dict:
        return {"label": self.kg.label(node), "page": self.page_of(node), "type": self.kg.node_type(node)}

    def node_tip(self, node: str) -> list[str]:
        kg = self.kg
        if kg.is_article(node):
            art = kg.article_of(node)
            return [f"{art.id} · Article", art.title, f"source: {art.source}", f"{len(art.mentions)} entities mentioned"]
        e = kg.entities[node]
        lines = [e.label, f"type: {e.type}" + (f" (also {', '.join(e.alt_types)})" if e.alt_types else "")]
        if e.aliases:
            lines.append("aliases: " + ", ".join(e.aliases))
        if e.wikidata:
            lines.append(f"Wikidata: {e.wikidata}")
        lines.append(f"mentions: {e.mentions} · degree: {kg.degree.get(node, 0)}")
        return lines

    def node_size(self, node: str) -> float:
        sizes = self.styles["sizes"]
        if self.kg.is_article(node):
            return float(sizes["article"])
        return round(scaled(self.kg.pagerank.get(node, 0.0), sizes["min"], sizes["max"], self.top_pr), 1)

    def article_line(self, key: str | None) -> str:
        if key is None:
            return "article: unknown"
        art = self.kg.articles.get(key)
        return f"{art.id} · {art.title}" if art else key

    def graph_data(self, nodes: list[str], *, focus: str | None = None, mentions_of: str | None = None, rel_page: str = "") -> dict:
        """The JSON a page draws: ``nodes`` and the facts among them (one edge per triple,
        its statements in the tooltip); with ``mentions_of`` (an article node) dashed edges
        from that article to every node it mentions."""
        kg = self.kg
        order = sorted(set(nodes), key=lambda n: (n != focus, kg.node_type(n) != ARTICLE, kg.label(n), n))
        index = {node: i for i, node in enumerate(order)}
        triples: dict[tuple[str, str, str], list] = {}
        for fact in kg.facts:
            if fact.subject in index and fact.object in index and fact.subject != fact.object:
                triples.setdefault((fact.subject, fact.predicate, fact.object), []).append(fact)
        edges = []
        pair_count: dict[tuple[str, str], int] = {}
        for (s, p, o), facts in sorted(triples.items()):
            pair = tuple(sorted((s, o)))
            seen = pair_count.get(pair, 0)
            pair_count[pair] = seen + 1
            tip = [f"{kg.label(s)} —{p}→ {kg.label(o)}"]
            for fact in facts:
                tip.append(self.article_line(fact.article))
                tip.append(f"“{fact.evidence}”" if fact.evidence else "(no evidence recorded)")
            edges.append({"from": index[s], "to": index[o], "label": p, "kind": "fact", "tip": tip,
                          "curve": round(0.18 * seen, 2) if seen else 0, "pair": pair})
        if mentions_of is not None:
            art = kg.article_of(mentions_of)
            for e in art.mentions:
                if e in index:
                    edges.append({"from": index[mentions_of], "to": index[e], "label": "", "kind": "mention",
                                  "tip": [f"{art.id} mentions {kg.label(e)}", f"{kg.entities[e].mentions} mentions in the whole build"],
                                  "curve": 0, "pair": tuple(sorted((mentions_of, e)))})
        positions = layout(order, [e["pair"] for e in edges])
        up = "../" if rel_page else ""
        node_data = []
        for node in order:
            x, y = positions[node]
            page = self.page_of(node)
            node_data.append({
                "id": index[node], "label": kg.label(node), "type": kg.node_type(node), "x": x, "y": y,
                "size": max(self.node_size(node), 22.0) if node == focus else self.node_size(node),
                "tip": self.node_tip(node), "focus": node == focus,
                "url": (up + page) if page and page != rel_page else None,
            })
        for i, edge in enumerate(edges):
            edge["id"] = i
            del edge["pair"]
        types = sorted({kg.node_type(n) for n in order}, key=lambda t: (*ENTITY_TYPES, ARTICLE).index(t))
        legend = {"types": types, "mentions": any(e["kind"] == "mention" for e in edges)}
        return {"nodes": node_data, "edges": edges, "styles": self.styles, "options": self.options, "legend": legend}

    def fact_rows(self, facts) -> list[dict]:
        rows = []
        for fact in facts:
            art = self.kg.articles.get(fact.article) if fact.article else None
            rows.append({
                "subject": self.node_ref(fact.subject), "predicate": fact.predicate, "object": self.node_ref(fact.object),
                "article": art.id if art else (fact.article or "-"),
                "article_page": self.article_pages.get(fact.article) if fact.article else None,
                "evidence": fact.evidence or "-",
            })
        return rows

    def entity_row(self, e: str) -> dict:
        entity = self.kg.entities[e]
        return {"label": entity.label, "type": entity.type, "page": self.entity_pages.get(e), "degree": self.kg.degree.get(e, 0),
                "mentions": entity.mentions, "aliases": entity.aliases}

    # -- pages --
    def render(self, template: str, rel: str, **context) -> str:
        graph = context.get("graph")
        if graph is not None:
            context["graph_json"] = _markup(script_json({k: graph[k] for k in ("nodes", "edges", "styles", "options")}))
            context["legend"] = graph["legend"]
        context.setdefault("graph", None)
        context.setdefault("subtitle", None)
        context.setdefault("omitted", None)
        context["root"] = "../" * rel.count("/")
        context["styles"] = self.styles
        return self.env.get_template(template).render(**context)

    def pages(self):
        kg = self.kg
        pr = kg.pagerank
        # overview
        in_facts = sorted({n for f in kg.facts for n in (f.subject, f.object)})
        without = len(kg.entities) - sum(1 for n in in_facts if not kg.is_article(n))
        overview = self.graph_data(in_facts)
        all_entities = sorted(kg.entities, key=lambda e: (-kg.degree.get(e, 0), -kg.entities[e].mentions, kg.entities[e].label, e))
        yield "overview.html", self.render(
            "overview.html.j2", "overview.html", kind="overview", title="Overview",
            subtitle=f"{len(kg.entities)} entities, {len(kg.facts)} facts, {len(kg.articles)} articles",
            graph=overview, entities=[self.entity_row(e) for e in all_entities],
            omitted=f"{without} of the {len(kg.entities)} entities take part in no fact and are not drawn; the table below lists them all." if without else None,
        )
        # articles
        for key, rel in self.article_pages.items():
            art = kg.articles[key]
            facts = [f for f in kg.facts if f.article == key]
            nodes = [art.node, *art.mentions, *art.authors, *(n for f in facts for n in (f.subject, f.object))]
            data = self.graph_data(nodes, focus=art.node, mentions_of=art.node, rel_page=rel)
            by_type = []
            for t in ENTITY_TYPES:
                members = sorted((e for e in art.mentions if kg.entities[e].type == t),
                                 key=lambda e: (-kg.entities[e].mentions, kg.entities[e].label, e))
                if members:
                    by_type.append({"type": t, "entities": [self.entity_row(e) for e in members]})
            yield rel, self.render(
                "article.html.j2", rel, kind="article", title=f"{art.id} · {art.title}", subtitle=f"article {art.key}",
                graph=data, article=art, authors=[self.entity_row(a) for a in art.authors if a in kg.entities],
                by_type=by_type, mentioned_count=len(art.mentions),
                facts=self.fact_rows(sorted(facts, key=lambda f: (f.start if f.start is not None else -1, f.subject, f.predicate, f.object))),
            )
        # entities
        for e, rel in self.entity_pages.items():
            entity = kg.entities[e]
            neighbourhood = [e, *kg.simple_graph[e]]
            data = self.graph_data(neighbourhood, focus=e, rel_page=rel)
            facts = [f for f in kg.facts if e in (f.subject, f.object)]
            yield rel, self.render(
                "entity.html.j2", rel, kind="entity", title=entity.label, subtitle=f"{entity.type} · id {e}",
                graph=data, entity=entity, degree=kg.degree.get(e, 0), pagerank=f"{pr.get(e, 0.0):.4f}",
                wikidata_url=f"https://www.wikidata.org/wiki/{entity.wikidata}" if entity.wikidata and _QID.fullmatch(entity.wikidata) else None,
                articles=[{"id": kg.articles[a].id, "page": self.article_pages[a]} for a in entity.articles if a in kg.articles],
                facts=self.fact_rows(sorted(facts, key=lambda f: (f.subject != e, f.predicate, kg.label(f.object), kg.label(f.subject), f.article or ""))),
            )
        # communities
        for group in self.groups:
            rel = self.community_pages[group.index]
            members = set(group.members)
            facts = [f for f in kg.facts if f.subject in members and f.object in members]
            data = self.graph_data(list(group.members), rel_page=rel)
            yield rel, self.render(
                "community.html.j2", rel, kind="community", title=f"Community {group.index}",
                subtitle=f"{len(group.members)} entities; most central: " + ", ".join(kg.label(m) for m in group.members[:5]),
                graph=data, members=[self.entity_row(m) for m in group.members],
                facts=self.fact_rows(sorted(facts, key=lambda f: (f.predicate, kg.label(f.subject), kg.label(f.object), f.article or ""))),
            )
        # numbers and dates
        yield "timeline.html", self.render("timeline.html.j2", "timeline.html", kind="timeline", title="Timeline",
                                           subtitle="releases, foundings and events, as dated in the text", **self.timeline())
        yield "data.html", self.render("data.html.j2", "data.html", kind="data", title="Data",
                                       subtitle="statistics, shares and rankings stated in the text", **self.data())
        # index
        articles = []
        for key, rel in self.article_pages.items():
            art = kg.articles[key]
            articles.append({"id": art.id, "title": art.title, "page": rel, "entities": len(art.mentions),
                             "facts": sum(1 for f in kg.facts if f.article == key),
                             "authors": [kg.label(a) for a in art.authors]})
        articles.sort(key=lambda a: (a["page"]))
        yield "index.html", self.render(
            "index.html.j2", "index.html", kind="index", title="aikg knowledge graph",
            subtitle=f"{len(kg.entities)} entities · {len(kg.facts)} facts · {len(kg.articles)} articles",
            source=kg.source.name,
            stats={"entities": len(kg.entities), "facts": len({(f.subject, f.predicate, f.object) for f in kg.facts}),
                   "statements": sum(1 for f in kg.facts if f.statement), "articles": len(kg.articles)},
            articles=articles,
            entities=[{**self.entity_row(e), "page": rel} for e, rel in self.entity_pages.items()],
            communities=[{"index": c.index, "size": len(c.members), "page": self.community_pages[c.index],
                          "top": [kg.label(m) for m in c.members[:6]]} for c in self.groups],
            min_degree=self.min_degree, min_community=self.min_community,
        )


    # -- numbers and dates --
    def obs_page(self, row) -> str | None:
        return self.entity_pages.get(row.about[0]) if len(row.about) == 1 else None

    def timeline(self) -> dict:
        colors = {"release": "#4c78a8", "founding": "#f58518", "event": "#54a24b", "ranking": "#b279a2"}
        dated = [r for r in self.observations if r.kind == "date" or (r.kind == "rank" and r.period)]
        dated.sort(key=lambda r: (r.when, r.measure, r.subject, r.article_key, r.start))
        width, left, right, step = 1100, 40, 900, 16

        def position(when: str) -> float:
            year, _, month = when.partition("-")
            return int(year) + ((int(month[:2]) - 1) / 12 if month else 0)

        years = [position(r.when) for r in dated]
        low, high = (int(min(years)), int(max(years)) + 1) if years else (0, 1)
        scale = (right - left) / max(1, high - low)
        events = []
        for i, row in enumerate(dated):
            kind = "ranking" if row.kind == "rank" else row.measure.removesuffix("-date")
            events.append({
                "when": row.when, "qualifier": row.qualifier, "kind": kind, "subject": row.subject, "page": self.obs_page(row),
                "stated": row.stated if row.kind == "date" else f"{row.stated} · {row.category or ''}".strip(" ·"),
                "article": row.article, "evidence": row.evidence, "color": colors.get(kind, "#888"),
                "x": round(left + (position(row.when) - low) * scale, 1), "y": 20 + i * step,
            })
        axis = 30 + len(dated) * step
        span = high - low
        every = 1 if span <= 12 else 2 if span <= 24 else 5
        ticks = [{"x": round(left + (y - low) * scale, 1), "label": str(y)} for y in range(low, high + 1) if (y - low) % every == 0]
        return {"events": events, "chart": {"width": width, "height": axis + 30, "left": left, "right": right, "axis": axis, "ticks": ticks}}

    def bar_chart(self, title: str, bars: list[tuple[str, Decimal, str]]) -> dict:
        top = max((v for _, v, _ in bars), default=Decimal(1)) or Decimal(1)
        label_width, full = 200, 560
        return {
            "title": title, "width": label_width + full + 140, "height": 10 + 24 * len(bars), "label_width": label_width,
            "bars": [{"label": label, "value": shown, "y": 6 + 24 * i, "width": round(float(value / top) * full, 1)}
                     for i, (label, value, shown) in enumerate(bars)],
        }

    def data(self) -> dict:
        numbers = [r for r in self.observations if r.kind != "date"]
        numbers.sort(key=lambda r: (r.article_key, r.start, r.measure, r.subject))
        rows = [{"subject": r.subject, "page": self.obs_page(r), "measure": r.measure_label, "value": r.shown_value(),
                 "qualifier": r.qualifier or "", "when": r.when, "rank": r.rank or "", "stated": r.stated, "article": r.article,
                 "evidence": r.evidence} for r in numbers]
        groups: dict[tuple, list] = {}
        for r in numbers:
            if r.rank is not None:
                groups.setdefault((r.measure_label, r.period or "", r.category or ""), []).append(r)
        rankings = []
        for (measure, period, category), members in sorted(groups.items()):
            members.sort(key=lambda r: (r.rank, -(r.value or 0), r.subject))
            title = " · ".join(x for x in (measure, period, category) if x)
            valued = [r for r in members if r.value is not None]
            chart = self.bar_chart(title, [(r.subject, r.value, r.shown_value()) for r in valued]) if valued else \
                self.bar_chart(title, [(r.subject, Decimal(1) / r.rank, f"#{r.rank}") for r in members])
            rankings.append({"title": title, "chart": chart, "rows": [
                {"rank": r.rank, "subject": r.subject, "page": self.obs_page(r), "value": r.shown_value(), "stated": r.stated}
                for r in members]})
        sheets_by: dict[tuple, list] = {}
        for r in numbers:
            if r.unit == "NUM" and r.value is not None and r.rank is None:
                sheets_by.setdefault((r.subject, r.period or ""), []).append(r)
        sheets = []
        for (subject, period), members in sorted(sheets_by.items()):
            if len({r.measure for r in members}) < 2:
                continue
            members.sort(key=lambda r: (-r.value, r.measure_label))
            title = f"{subject} · {period}" if period else subject
            sheets.append(self.bar_chart(title, [(r.measure_label, r.value, r.shown_value()) for r in members]))
        return {"rows": rows, "rankings": rankings, "sheets": sheets}


def _markup(text: str):
    from markupsafe import Markup

    return Markup(text)  # already escaped for a JSON <script> block by script_json


def render_site(kg: KnowledgeGraph, out_dir: Path | str, *, min_degree: int = 2, min_community: int = 3) -> SiteReport:
    """Write the pages of ``kg`` into ``out_dir`` (created or replaced as a whole).

    An existing ``out_dir`` is replaced only if it is empty or a site written by this
    function (it holds a ``.aikg-site`` marker); anything else is refused.
    """
    clock = time.perf_counter()
    given = Path(out_dir)
    out_dir = given.resolve()
    cwd = Path.cwd().resolve()
    if out_dir == cwd or out_dir in cwd.parents:
        raise AikgError(f"{given}: is the current folder or one of its parents; give a subfolder such as site/")
    if out_dir.exists():
        if not out_dir.is_dir():
            raise AikgError(f"{out_dir}: exists and is not a folder")
        if any(out_dir.iterdir()) and not (out_dir / SITE_MARKER).is_file():
            raise AikgError(f"{out_dir}: folder is not empty and was not written by `aikg viz`; choose another --out")
    assets = vis_assets()
    site = _Site(kg, min_degree=min_degree, min_community=min_community)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        (staging / "lib").mkdir()
        for name in VIS_FILES:
            shutil.copyfile(assets / name, staging / "lib" / name)
        for name in ("graph.js", "site.css"):
            shutil.copyfile(TEMPLATES / name, staging / "lib" / name)
        sizes: dict[str, int] = {}
        for rel, html in site.pages():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            data = html.encode("utf-8")
            target.write_bytes(data)
            sizes[rel] = len(data)
        (staging / SITE_MARKER).write_text("written by aikg viz; this folder is replaced on the next run\n", encoding="utf-8")
        os.chmod(staging, 0o755)
        if out_dir.exists():
            trash = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=out_dir.parent))
            os.replace(out_dir, trash / "site")
            os.replace(staging, out_dir)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    largest = max(sizes.items(), key=lambda item: (item[1], item[0]))
    total = sum(p.stat().st_size for p in out_dir.rglob("*") if p.is_file())
    return SiteReport(
        out_dir=given, pages=len(sizes), entity_pages=len(site.entity_pages), article_pages=len(site.article_pages),
        community_pages=len(site.community_pages), bytes_total=total, largest_page=largest,
        seconds=round(time.perf_counter() - clock, 3),
    )
