"""Injection: hostile text in the graph or typed by a user stays text.

* SPARQL: values given with ``aikg query NAME --bind`` (both engines) and names typed
  into ``aikg explore`` reach the graph only as bound terms (explore never builds
  SPARQL at all); a name such as ``x" } ; DROP ALL ; #`` matches nothing, and the
  graph file and the store are unchanged afterwards.
* Terminal: rich markup (``[red]``, ``[link=…]``, ``[/x]``) and ANSI escapes in names,
  titles and evidence print literally in ``aikg explore`` and ``aikg query`` tables.
* Browser: the query page of ``aikg serve`` (its YASGUI and its question box, run by its real
  ``query.js`` in headless Chromium) shows hostile result values, graph answers and error
  messages as text, and none of them runs. (The site pages are covered by
  tests/test_browser.py and tests/test_viz.py.)
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
import rdflib
from serving import running_server

REPO = Path(__file__).resolve().parents[1]
MINI = REPO / "tests" / "fixtures" / "mini" / "graph.ttl"
PWNED = "pwned"

HOSTILE = [
    'x" } ; DROP ALL ; #',
    "x' } ; DROP ALL ; #",
    'x") || true || ("',
    "x' || true || '",
    '""" } DROP ALL #',
    "\\\" } ; CLEAR DEFAULT ; #",
    "x\n} ; DROP ALL ; #",
    "} UNION { ?s ?p ?o }",
    "?name",
    "<https://w3id.org/aikg/entity/qwen> } #",
]

# text a graph built from hostile reports can hold, appended to a copy of the mini graph
MARKUP_LABEL = "[bold red]Evil[/bold red] [link=https://evil.example]click[/link]"
HOSTILE_TTL = r"""
ent:evil a aikg:Person ;
    rdfs:label "[bold red]Evil[/bold red] [link=https://evil.example]click[/link]" ;
    skos:altLabel "[/x]", "\u001B[31mred\u001B[0m", "<img src=x onerror=document.title='pwned'>" ;
    aikg:mentionCount 3 .
art:hostile-H1 a aikg:Article ;
    dcterms:identifier "H1" ;
    dcterms:title "[/]<script>document.title='pwned'</script>\u001B]8;;https://evil.example\u0007" ;
    dcterms:source "hostile.md" ;
    aikg:startOffset 0 ; aikg:endOffset 500 ;
    aikg:mentions ent:evil, ent:alibaba .
ent:evil aikg:affiliatedWith ent:alibaba .
ent:evil aikg:authorOf art:hostile-H1 .
stmt:0000000000e71101 a rdf:Statement ;
    rdf:subject ent:evil ; rdf:predicate aikg:affiliatedWith ; rdf:object ent:alibaba ;
    prov:wasDerivedFrom art:hostile-H1 ;
    aikg:evidence "[/] \"><img src=x onerror=document.title='pwned'> javascript:document.title='pwned' \u001B[2J" ;
    aikg:startOffset 10 ; aikg:endOffset 90 ;
    aikg:rule "hostile" .
"""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def hostile_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "graph"
    folder.mkdir()
    (folder / "graph.ttl").write_text(MINI.read_text(encoding="utf-8") + HOSTILE_TTL, encoding="utf-8")
    rdflib.Graph().parse(folder / "graph.ttl", format="turtle")  # the fixture itself is valid Turtle
    return folder


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return dict(os.environ, AIKG_CACHE_DIR=str(tmp_path_factory.mktemp("cache")), COLUMNS="400")


def aikg(*args, env: dict, extra: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aikg", *map(str, args)], capture_output=True, text=True,
                          env={**env, **(extra or {})}, timeout=300)


def _count(graph: Path, env: dict, engine: str) -> int:
    result = aikg("query", "--graph", graph, "--sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "json",
                  env=env, extra={"AIKG_QUERY_ENGINE": engine})
    assert result.returncode == 0, result.stderr
    return int(json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"])


# -- SPARQL injection ------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_hostile_bind_values_match_nothing_and_change_nothing(engine: str, hostile_graph: Path, env: dict):
    """Through the real CLI: `aikg query NAME --bind name=HOSTILE` (every value is tested on
    every named query at library level below)."""
    before = _digest(hostile_graph / "graph.ttl")
    triples = _count(hostile_graph, env, engine)
    # the binding works: a real name finds its developer
    good = aikg("query", "developer-of", "--graph", hostile_graph, "--bind", "name=Qwen", "--format", "json",
                env=env, extra={"AIKG_QUERY_ENGINE": engine})
    assert good.returncode == 0 and json.loads(good.stdout)["results"]["bindings"], good.stderr
    for value in (HOSTILE[0], HOSTILE[2], HOSTILE[6]):
        result = aikg("query", "developer-of", "--graph", hostile_graph, "--bind", f"name={value}", "--format", "json",
                      env=env, extra={"AIKG_QUERY_ENGINE": engine})
        assert result.returncode == 0, (value, result.stderr)
        assert json.loads(result.stdout)["results"]["bindings"] == [], value
    result = aikg("query", "facts-about", "--graph", hostile_graph, "--bind", f"name={HOSTILE[7]}", "--format", "csv",
                  env=env, extra={"AIKG_QUERY_ENGINE": engine})
    assert result.returncode == 0 and result.stdout.strip().splitlines()[1:] == [], result.stdout
    assert _digest(hostile_graph / "graph.ttl") == before
    assert _count(hostile_graph, env, engine) == triples


COUNTING = {"entities-by-type-count", "relations-by-predicate-count"}  # list every type/relation, with counts


def test_hostile_values_of_every_named_query_match_nothing(hostile_graph: Path, env: dict, monkeypatch):
    """Library level: every bindable variable of every named query, both engines."""
    from aikg.query import list_queries, run

    monkeypatch.setenv("AIKG_CACHE_DIR", env["AIKG_CACHE_DIR"])
    before = _digest(hostile_graph / "graph.ttl")
    checked = 0
    for engine, values in (("oxigraph", HOSTILE[:3] + HOSTILE[6:8]), ("rdflib", HOSTILE[2:3])):
        monkeypatch.setenv("AIKG_QUERY_ENGINE", engine)
        for named in list_queries():
            for bind in named.binds:
                for value in values:
                    rows = run(hostile_graph, named.sparql, {bind.var: value}, timeout=60).rows
                    if rows:  # only the counting queries answer, and with nothing counted
                        assert named.name in COUNTING, (engine, named.name, bind.var, value, rows[:3])
                        assert all(v == 0 for row in rows for v in row if isinstance(v, int)), (named.name, rows)
                    checked += 1
    assert checked > 150
    assert _digest(hostile_graph / "graph.ttl") == before


def test_hostile_iri_binds_and_updates_are_refused(hostile_graph: Path, env: dict, monkeypatch):
    from aikg.errors import AikgError
    from aikg.query import run

    before = _digest(hostile_graph / "graph.ttl")
    for value in ("<https://x> } ; DROP ALL ; #>", "<x y>"):
        result = aikg("query", "developer-of", "--graph", hostile_graph, "--bind", f"name={value}", env=env)
        assert result.returncode == 2 and "not a valid IRI" in result.stderr, (value, result.stderr)
        assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    result = aikg("query", "--graph", hostile_graph, "--sparql", "DROP ALL", env=env)
    assert result.returncode == 2 and "read-only" in result.stderr and len(result.stderr.splitlines()) == 1
    monkeypatch.setenv("AIKG_CACHE_DIR", env["AIKG_CACHE_DIR"])
    for engine in ("oxigraph", "rdflib"):
        monkeypatch.setenv("AIKG_QUERY_ENGINE", engine)
        for update in ("DROP ALL", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "CLEAR DEFAULT",
                       "DELETE WHERE { ?s ?p ?o }", "LOAD <http://example.org/x.ttl>"):
            with pytest.raises(AikgError, match="read-only"):
                run(hostile_graph, update)
        with pytest.raises(AikgError, match="not a valid IRI"):
            run(hostile_graph, "SELECT * WHERE { ?x ?p ?o }", {"x": "<a> } ; DROP ALL ; #>"})
    assert _digest(hostile_graph / "graph.ttl") == before


def test_explore_search_and_show_treat_hostile_names_as_names(hostile_graph: Path, env: dict):
    from aikg import explore
    from aikg.errors import AikgError

    before = _digest(hostile_graph / "graph.ttl")
    for command in ("search", "show"):  # the real CLI
        result = aikg("explore", "--graph", hostile_graph, command, HOSTILE[0], env=env)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert result.stderr.startswith("aikg: error: no entity") and "Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) == 1, result.stderr
    kg = explore.load(hostile_graph)  # and every value through the functions behind every command
    for value in HOSTILE:
        assert explore.search(kg, value) == [], value
        for function in (explore.show, explore.resolve, explore.neighbors):
            with pytest.raises(AikgError, match="no entity named"):
                function(kg, value)
        with pytest.raises(AikgError):
            explore.path(kg, value, "qwen")
    assert _digest(hostile_graph / "graph.ttl") == before
    assert len(rdflib.Graph().parse(hostile_graph / "graph.ttl", format="turtle")) == len(
        rdflib.Graph().parse(data=MINI.read_text(encoding="utf-8") + HOSTILE_TTL, format="turtle"))


# -- terminal: rich markup and escape sequences print literally ------------------------------------------


def _literal_output(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout, repr(result.stdout[:500])
    return result.stdout


def test_explore_prints_markup_and_escapes_in_names_literally(hostile_graph: Path, env: dict):
    out = _literal_output(aikg("explore", "--graph", hostile_graph, "search", "evil", env=env))
    assert MARKUP_LABEL in out
    out = _literal_output(aikg("explore", "--graph", hostile_graph, "show", "evil", env=env))
    assert MARKUP_LABEL in out and "[/x]" in out and "\\x1b[31mred\\x1b[0m" in out
    assert "[/] \"><img src=x onerror=document.title='pwned'>" in out and "\\x1b[2J" in out
    out = _literal_output(aikg("explore", "--graph", hostile_graph, "article", "H1", env=env))
    assert "[/]<script>document.title='pwned'</script>\\x1b]8;;https://evil.example\\x07" in out
    assert MARKUP_LABEL in out
    out = _literal_output(aikg("explore", "--graph", hostile_graph, "neighbors", "ent:evil", env=env))
    assert MARKUP_LABEL in out


def test_query_table_prints_markup_and_escapes_literally(hostile_graph: Path, env: dict):
    sparql = ("SELECT ?v WHERE { { ent:evil rdfs:label|skos:altLabel ?v } UNION { art:hostile-H1 dcterms:title ?v } "
              "UNION { ?st aikg:rule \"hostile\" ; aikg:evidence ?v } } ORDER BY ?v")
    for engine in ("oxigraph", "rdflib"):
        out = _literal_output(aikg("query", "--graph", hostile_graph, "--sparql", sparql, env=env,
                                   extra={"AIKG_QUERY_ENGINE": engine}))
        assert MARKUP_LABEL in out and "[/x]" in out and "\\x1b[31mred\\x1b[0m" in out, out
        assert "[/]<script>" in out and "6 rows" in out
    stats = aikg("stats", "--graph", hostile_graph, env=env)
    assert stats.returncode == 0, stats.stderr


def test_build_prints_file_and_folder_names_literally_in_a_terminal(tmp_path: Path, env: dict):
    """The progress bar (only drawn on a terminal) and the summary show names, not markup:
    a corpus file "[/bold].txt" (in a folder "[") once crashed the build with MarkupError."""
    import pexpect

    corpus = tmp_path / "corpus"
    (corpus / "[").mkdir(parents=True)
    (corpus / "[" / "bold].txt").write_text("阿里巴巴发布了通义千问。\n", encoding="utf-8")
    out = tmp_path / "out[/x]"
    child = pexpect.spawn(sys.executable, ["-m", "aikg", "build", str(corpus), "--out", str(out)], env=env,
                          encoding="utf-8", timeout=300, dimensions=(40, 300))
    child.expect(pexpect.EOF)
    child.close()
    printed = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before)  # the terminal's own styling
    assert child.exitstatus == 0, printed
    assert "[/bold].txt" in printed  # the progress bar named the file
    assert f"built {out}/graph.ttl" in printed and "MarkupError" not in printed
    assert (out / "graph.ttl").is_file()


# -- browser: the serve query page shows hostile values as text --------------------------------------------

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # the network is off: only loopback resolves
)
PAGE_TITLE = "aikg SPARQL"
# Runs after the page's own query.js: once that has made its YASGUI, one query goes through it (to the
# page's endpoint, /sparql: this copy of the page lives under /site/), with extra request arguments.
DRIVER = """"use strict";
(function drive() {
  if (!yasgui) { setTimeout(drive, 50); return; }
  const tab = yasgui.getTab();
  tab.setEndpoint(new URL("/sparql", location.href).href);
  tab.setRequestConfig({ args: %(args)s });
  tab.getYasqe().setValue(%(query)s);
  tab.query();
})();
"""
CONTROL = f"""document.body.insertAdjacentHTML("beforeend", "<img src=x onerror=document.title='{PWNED}'>");\n"""
SELECT_ALL_HOSTILE = ("PREFIX ent: <https://w3id.org/aikg/entity/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                      "PREFIX aikg: <https://w3id.org/aikg/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> "
                      "SELECT ?v WHERE { { ent:evil skos:altLabel ?v } UNION { ?a dcterms:title ?v } "
                      "UNION { ?st aikg:rule \"hostile\" ; aikg:evidence ?v } }")
MALFORMED = "SELECT * WHERE { <img src=x onerror=document.title='pwned'> \"<script>document.title='pwned'</script>"
# the server refuses this dataset IRI with an error message that quotes it
HOSTILE_IRI = "<img src=x onerror=document.title='pwned'><script>document.title='pwned'</script>"
# a graph answer, drawn by YASGUI as a table of triples: it holds a hostile literal verbatim
CONSTRUCT = ("PREFIX ent: <https://w3id.org/aikg/entity/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
             "CONSTRUCT { ent:evil skos:altLabel ?v } WHERE { ent:evil skos:altLabel ?v }")
HARNESS = {  # page: (query, request arguments)
    "select": (SELECT_ALL_HOSTILE, []),
    "error": (MALFORMED, [{"name": "default-graph-uri", "value": HOSTILE_IRI}]),
    "construct": (CONSTRUCT, []),
}
# questions for the page's question box (?ask=): answered with the hostile evidence sentence, declined
# with the hostile label among the closest names, answered with the hostile entity
ASK_BY_HOSTILE_NAME = "Which organizations is <img src=x onerror=document.title='pwned'> affiliated with?"
ASK_DECLINED = "Who wrote [/]<script>document.title='pwned'</script>?"
ASK_WHO = "Who is affiliated with 阿里巴巴?"
IMG_TEXT = "&lt;img src=x onerror=document.title='pwned'&gt;"  # the payload as the DOM holds it when it is text
SCRIPT_TEXT = "&lt;script&gt;document.title='pwned'&lt;/script&gt;"


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("headless Chromium is required and was not found: run scripts/ci-browser-deps.sh")


@pytest.fixture(scope="module")
def served(hostile_graph: Path, tmp_path_factory: pytest.TempPathFactory):
    """`aikg serve` of the hostile graph; its site folder holds copies of the query page it serves at /
    (unchanged but for <base href="/"> and a driver script after query.js), which Chromium opens from
    /site/. They are served without the page's Content-Security-Policy, so escaping alone must keep
    the payloads inert: a payload that ran would set the title."""
    import urllib.request

    site = tmp_path_factory.mktemp("harness-site")
    options = ("--site", str(site), "--workers", "1", "--timeout", "20")
    with running_server(hostile_graph, tmp_path_factory.mktemp("serve-cache"), *options) as server:
        url = server.url
        with urllib.request.urlopen(url, timeout=30) as response:
            page = response.read().decode("utf-8")
        assert f"<title>{PAGE_TITLE}</title>" in page and 'id="yasgui"' in page and 'id="question"' in page
        assert page.count("<head>") == 1 and page.count('<script src="query.js"></script>') == 1, page
        page = page.replace("<head>", '<head>\n<base href="/">')
        scripts = {name: DRIVER % {"query": json.dumps(query), "args": json.dumps(args)} for name, (query, args) in HARNESS.items()}
        for name, script in {**scripts, "control": CONTROL}.items():
            (site / f"{name}.js").write_text(script, encoding="utf-8")
            (site / f"{name}.html").write_text(page.replace(
                '<script src="query.js"></script>', f'<script src="query.js"></script>\n<script src="site/{name}.js"></script>'),
                encoding="utf-8")
        yield url


class Page:
    def __init__(self, dom: str):
        self.dom = dom
        title = re.search(r"<title>(.*?)</title>", dom, re.S)
        self.title = html.unescape(title.group(1)) if title else ""
        body = re.search(r"<body([^>]*)>", dom)
        self.body = {k: html.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', body.group(1) if body else "")}

    def between(self, start: str, end: str) -> str:
        return self.dom[self.dom.index(start):self.dom.index(end, self.dom.index(start))]

    @property
    def answers(self) -> str:  # the question box's answers
        return self.between('<div id="answers">', 'id="yasgui"')

    @property
    def ask_status(self) -> str:
        return html.unescape(self.between('<span id="ask-status">', "</span>")[len('<span id="ask-status">'):])

    @property
    def results(self) -> str:  # YASGUI's result area
        return self.between('class="yasr_results"', "</section>")

    def assert_inert(self) -> None:
        assert self.title == PAGE_TITLE, self.title
        assert not re.search(r"<img\b", self.dom, re.I), "a payload became an element"
        assert "<script>document" not in self.dom


def _load(served: str, name: str, question: str, profile: Path) -> Page:
    url = f"{served}site/{name}.html?ask={urllib.parse.quote(question)}"
    result = subprocess.run(
        [_chromium(), *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=10000", "--window-size=1400,900",
         "--dump-dom", url],
        capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return Page(result.stdout)


def test_serve_query_page_shows_hostile_results_as_text(served: str, tmp_path: Path):
    # the check can fail: on these copies of the page, markup written as HTML runs and sets the title
    assert _load(served, "control", "", tmp_path / "profile").title == PWNED
    page = _load(served, "select", ASK_BY_HOSTILE_NAME, tmp_path / "profile")
    assert page.body.get("data-yasr-drawn") and page.body.get("data-ask-done") == "1", page.body
    # YASGUI's results table: every hostile value is a row, shown as text
    results = page.results
    assert "dataTable" in results and "Showing 1 to 11 of 11 entries" in results, results[-3000:]
    assert IMG_TEXT in results and SCRIPT_TEXT in results and "[/x]" in results
    assert "&gt;" + IMG_TEXT + " javascript:document.title='pwned'" in results  # the evidence sentence
    # the question box: the answer, and the hostile evidence sentence it rests on, as text
    answers = page.answers
    assert "<td>阿里巴巴</td>" in answers and "[H1] “[/] \"&gt;" + IMG_TEXT in answers, answers
    assert "read as: [[bold red]Evil[/bold red] [link=https://evil.example]click[/link] affiliatedWith" in answers
    page.assert_inert()


def test_serve_query_page_shows_hostile_error_messages_as_text(served: str, tmp_path: Path):
    page = _load(served, "error", ASK_DECLINED, tmp_path / "profile")
    assert page.body.get("data-yasr-drawn") and page.body.get("data-ask-done") == "declined", page.body
    # YASGUI shows the server's 400, which quotes the hostile IRI, as text
    error = re.search(r'<div class="errorResult">.*?<pre>(.*?)</pre>', page.results, re.S)
    assert error, page.results[-3000:]
    assert error.group(1).startswith('"' + IMG_TEXT + SCRIPT_TEXT + '" is not a valid IRI'), error.group(1)
    # the question box's "cannot answer" message names the closest names, markup and all, as text
    assert page.ask_status.startswith("cannot answer: it names nothing the graph knows (no entity, article id or title); "
                                      "closest names: " + MARKUP_LABEL), page.ask_status
    page.assert_inert()


def test_serve_query_page_shows_graph_answers_as_text(served: str, tmp_path: Path):
    page = _load(served, "construct", ASK_WHO, tmp_path / "profile")
    assert page.body.get("data-yasr-drawn") and page.body.get("data-ask-done") == "1", page.body
    # YASGUI's table of the CONSTRUCTed triples
    results = page.results
    assert ">ent:evil</a>" in results and ">skos:altLabel</a>" in results, results[-3000:]
    assert '"' + IMG_TEXT + '"<sup>' in results and '"[/x]"<sup>' in results
    # the question box: the hostile entity is the answer, its label and evidence shown as text
    answers = page.answers
    assert f"<td>{MARKUP_LABEL}</td><td>Person</td>" in answers, answers
    assert "[H1] “[/] \"&gt;" + IMG_TEXT in answers
    page.assert_inert()


def test_query_endpoint_binds_hostile_values_as_terms(served: str, hostile_graph: Path, env: dict):
    """`aikg query NAME --endpoint URL --bind …` against `aikg serve` of the hostile graph."""
    endpoint = served + "sparql"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def remote(*args):
        result = aikg("query", *args, "--endpoint", endpoint, "--format", "json", env=env)
        assert result.returncode == 0, (args, result.stderr)
        return json.loads(result.stdout)["results"]["bindings"]

    before = _digest(hostile_graph / "graph.ttl")
    triples = remote("--sparql", count)[0]["n"]["value"]
    assert remote("developer-of", "--bind", "name=Qwen")  # the binding works remotely too
    for value in (HOSTILE[0], HOSTILE[2], HOSTILE[4], HOSTILE[7]):
        assert remote("developer-of", "--bind", f"name={value}") == [], value
    assert remote("--sparql", count)[0]["n"]["value"] == triples
    assert _digest(hostile_graph / "graph.ttl") == before

