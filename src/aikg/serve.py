"""`aikg serve`: a read-only SPARQL 1.1 Protocol endpoint, an offline query page and the site.

Routes
- ``/sparql``  SPARQL 1.1 Protocol, query operation only: ``GET ?query=``, ``POST``
  form (``query=``) or ``POST`` ``application/sparql-query``. SELECT/ASK answer as
  SPARQL JSON (default), XML, CSV or TSV; CONSTRUCT/DESCRIBE as Turtle (default),
  JSON-LD, N-Triples or RDF/XML, chosen by the ``Accept`` header (or ``format=``).
  SPARQL Update (an ``update=`` parameter or ``application/sparql-update``) is
  refused with 403 and never reaches the store, which is opened read-only anyway;
  so is SERVICE (the server never fetches URLs on a client's behalf).
- ``/``        a small offline query page (no CDN; results are put in the page with
  ``textContent``, never as HTML); ``/queries.json`` lists the named queries.
- ``/site/...`` the HTML pages of a site folder, if there is one.

Timeouts: pyoxigraph cannot interrupt a query running in a thread, so every query
runs in a worker *process* from a small pool (each opens the persisted store of
``aikg.store`` read-only). The request thread waits for the answer up to the
timeout; past it, the worker is killed (SIGKILL), replaced by a fresh one, and the
client gets ``503 query timed out``. A request that cannot get a free worker within
the timeout gets 503 too.

The server binds 127.0.0.1 by default, checks the Host header when bound to a
loopback address (no DNS rebinding), sends no CORS headers, and caps request and
result sizes.
"""

from __future__ import annotations

import json
import mimetypes
import multiprocessing
import queue
import sys
import threading
import time
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aikg import paths
from aikg.errors import AikgError

MAX_QUERY_BYTES = 1 << 20  # a SPARQL request body
MAX_RESULT_BYTES = 256 << 20  # a serialized answer
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

# media type -> pyoxigraph format name, in order of preference when the client accepts anything
RESULT_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
GRAPH_TYPES = {
    "text/turtle": "TURTLE",
    "application/ld+json": "JSON_LD",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
    "application/x-turtle": "TURTLE",
}
FORMAT_PARAM = {  # ?format= shortcuts
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None),
    "turtle": (None, "text/turtle"),
    "ttl": (None, "text/turtle"),
    "jsonld": (None, "application/ld+json"),
    "nt": (None, "application/n-triples"),
}


def negotiate(accept: str | None, offered: dict[str, str]) -> str | None:
    """The offered media type the Accept header likes best (first offered on ties); None if none."""
    if not accept:
        return next(iter(offered))
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        q = 1.0
        for param in parts[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if not media or q <= 0:
            continue
        ranked.append((q, position, media))
    best: tuple[float, int, int, str] | None = None
    for q, position, media in ranked:
        for order, candidate in enumerate(offered):
            kind, _, _ = candidate.partition("/")
            if media in (candidate, "*/*", f"{kind}/*"):
                # prefer higher q, then an exact type over a wildcard, then the server's order
                score = (q, 0 if media == candidate else -1, -order, candidate)
                if best is None or score > best:
                    best = score
    return best[3] if best else None


# --- the worker processes -------------------------------------------------------------------


def _worker_main(conn, location: str) -> None:
    """Run queries sent over ``conn`` against the read-only store at ``location``, forever."""
    import pyoxigraph as ox

    store = ox.Store.read_only(location)
    conn.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        sparql, result_type, graph_type, default_graphs = message
        try:
            kwargs = {}
            if default_graphs:
                kwargs["default_graph"] = [ox.NamedNode(iri) for iri in default_graphs]
            answer = store.query(sparql, **kwargs)
            if isinstance(answer, ox.QueryTriples):
                if graph_type is None:
                    raise _NotAcceptable("CONSTRUCT/DESCRIBE answers come as " + ", ".join(GRAPH_TYPES))
                media = graph_type
                body = answer.serialize(format=getattr(ox.RdfFormat, GRAPH_TYPES[media]))
            else:
                if result_type is None:
                    raise _NotAcceptable("SELECT/ASK answers come as " + ", ".join(RESULT_TYPES))
                media = result_type
                body = answer.serialize(format=getattr(ox.QueryResultsFormat, RESULT_TYPES[media]))
            if len(body) > MAX_RESULT_BYTES:
                reply = ("error", 413, f"answer is {len(body) >> 20} MiB, over the {MAX_RESULT_BYTES >> 20} MiB limit")
            else:
                reply = ("ok", media, body)
        except _NotAcceptable as err:
            reply = ("error", 406, str(err))
        except SyntaxError as err:
            reply = ("error", 400, f"malformed query: {err}")
        except ValueError as err:
            reply = ("error", 400, str(err))
        except Exception as err:  # noqa: BLE001 - report, keep serving
            reply = ("error", 500, f"{type(err).__name__}: {err}")
        try:
            conn.send(reply)
        except (EOFError, OSError, BrokenPipeError):
            return


class _NotAcceptable(Exception):
    pass


class _Worker:
    def __init__(self, context, location: str, start_timeout: float = 60.0):
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_worker_main, args=(child, location), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(start_timeout):
            self.kill()
            raise AikgError("a query worker did not start")
        try:
            self.conn.recv()
        except EOFError:
            self.kill()
            raise AikgError(f"a query worker could not open the store {location}") from None

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """A few worker processes that each hold the store open; a query past ``timeout`` kills its worker."""

    def __init__(self, graph_dir: Path, size: int = 2, timeout: float = 30.0):
        from aikg.store import ensure_store

        self.location = str(ensure_store(graph_dir) / "db")
        self.timeout = timeout
        self.size = size
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self.timeouts = 0
        for _ in range(size):
            self._idle.put(_Worker(self._context, self.location))

    def run(
        self, sparql: str, result_type: str | None, graph_type: str | None, default_graphs: list[str] | None = None
    ) -> tuple[int, str, bytes]:
        """(HTTP status, media type, body) of one query."""
        deadline = time.monotonic() + self.timeout
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return 503, "text/plain", b"all query workers are busy; try again later\n"
        healthy = True
        try:
            worker.conn.send((sparql, result_type, graph_type, default_graphs or []))
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                healthy = False
                self.timeouts += 1
                return 503, "text/plain", f"query timed out after {self.timeout:g} s\n".encode()
            reply = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            healthy = False
            return 500, "text/plain", b"the query worker died; the query was not answered\n"
        finally:
            if healthy:
                self._idle.put(worker)
            else:  # kill it now; start its replacement without delaying this answer
                worker.kill()
                threading.Thread(target=self._replace, name="aikg-worker-start", daemon=True).start()
        if reply[0] == "ok":
            return 200, reply[1], reply[2]
        return reply[1], "text/plain", (reply[2] + "\n").encode()

    def _replace(self) -> None:
        if self._closed:
            return
        try:
            worker = _Worker(self._context, self.location)
        except AikgError as err:
            print(f"aikg: serve: {err}", file=sys.stderr)
            return
        if self._closed:
            worker.kill()
        else:
            self._idle.put(worker)

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return


# --- HTTP ---------------------------------------------------------------------------------------


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, pool: QueryPool, site: Path | None, queries_dir: Path | None):
        self.pool = pool
        self.site = site.resolve() if site and site.is_dir() else None
        self.queries_dir = queries_dir
        super().__init__(address, SparqlHandler)
        host = address[0]
        self.check_host = host in LOOPBACK or host.startswith("127.")

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/"

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


class SparqlHandler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "aikg"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - BaseHTTPRequestHandler's name
        sys.stderr.write(f"{self.address_string()} {format % args}\n")

    # -- plumbing

    def _send(self, status: int, media: str, body: bytes, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        charset = "; charset=utf-8" if media.startswith("text/") or media.endswith(("json", "xml")) else ""
        self.send_header("Content-Type", media + charset)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str, extra: dict[str, str] | None = None) -> None:
        self._send(status, "text/plain", (message.rstrip("\n") + "\n").encode(), extra)

    def _host_ok(self) -> bool:
        if not self.server.check_host:
            return True
        host = (self.headers.get("Host") or "").strip().lower()
        if host.startswith("["):
            name = host[1 : host.find("]")] if "]" in host else host
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return name in LOOPBACK or name.startswith("127.")

    def _dispatch(self) -> None:
        if not self._host_ok():
            self._error(403, "forbidden Host header (the server answers loopback names only)")
            return
        url = urllib.parse.urlsplit(self.path)
        route = url.path
        if route == "/sparql":
            self._sparql(url)
        elif self.command not in ("GET", "HEAD"):
            self.close_connection = True  # the body, if any, was not read
            self._error(405, "method not allowed", {"Allow": "GET, HEAD", "Connection": "close"})
        elif route in ("/", "/index.html"):
            self._send(200, "text/html", QUERY_PAGE.encode(), PAGE_HEADERS)
        elif route == "/query.js":
            self._send(200, "text/javascript", QUERY_SCRIPT.encode(), PAGE_HEADERS)
        elif route == "/queries.json":
            self._send(200, "application/json", self._named_queries())
        elif route == "/site" or route.startswith("/site/"):
            self._static(route[len("/site") :])
        else:
            self._error(404, "not found")

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = lambda self: self._dispatch()  # noqa: E731

    # -- SPARQL

    def _sparql(self, url) -> None:
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if self.command == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_QUERY_BYTES:
                self._error(413, f"request body over {MAX_QUERY_BYTES} bytes", {"Connection": "close"})
                self.close_connection = True
                return
            body = self.rfile.read(length) if length > 0 else b""
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if content_type == "application/sparql-update":
                self._error(403, "this endpoint is read-only: SPARQL Update is refused")
                return
            if content_type == "application/x-www-form-urlencoded":
                try:
                    form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
                except UnicodeDecodeError:
                    self._error(400, "form body is not UTF-8")
                    return
                for name, values in form.items():
                    params.setdefault(name, []).extend(values)
            elif content_type == "application/sparql-query":
                try:
                    params.setdefault("query", []).append(body.decode("utf-8"))
                except UnicodeDecodeError:
                    self._error(400, "query is not UTF-8")
                    return
            else:
                self._error(415, "POST a form (query=...) or application/sparql-query")
                return
        elif self.command not in ("GET", "HEAD"):
            self._error(405, "method not allowed: the endpoint is read-only", {"Allow": "GET, HEAD, POST"})
            return
        if "update" in params:
            self._error(403, "this endpoint is read-only: SPARQL Update is refused")
            return
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            self._error(400, "give exactly one query (GET ?query=..., or POST it)")
            return
        if "SERVICE" in sparql_tokens(queries[0])[1]:  # the server must not fetch URLs for a client
            self._error(403, "SERVICE is not allowed: this endpoint answers from its own graph only")
            return
        result_type = negotiate(self.headers.get("Accept"), RESULT_TYPES)
        graph_type = negotiate(self.headers.get("Accept"), GRAPH_TYPES)
        if "format" in params:
            shortcut = FORMAT_PARAM.get(params["format"][0].lower())
            if shortcut is None:
                self._error(400, f"unknown format {params['format'][0]!r} (one of {', '.join(FORMAT_PARAM)})")
                return
            result_type, graph_type = shortcut
        status, media, body = self.server.pool.run(queries[0], result_type, graph_type, params.get("default-graph-uri"))
        self._send(status, media, body)

    # -- pages

    def _named_queries(self) -> bytes:
        folder = self.server.queries_dir
        items = []
        if folder and folder.is_dir():
            for path in sorted(folder.glob("*.rq")):
                items.append({"name": path.stem, "text": path.read_text(encoding="utf-8")})
        return json.dumps(items, ensure_ascii=False).encode()

    def _static(self, relative: str) -> None:
        root = self.server.site
        if root is None:
            self._error(404, "no site folder (build one, or start with --site DIR)")
            return
        relative = urllib.parse.unquote(relative).lstrip("/")
        target = (root / relative).resolve()
        if not target.is_relative_to(root):
            self._error(404, "not found")
            return
        if target.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                self._send(301, "text/plain", b"", {"Location": urllib.parse.urlsplit(self.path).path + "/"})
                return
            target = target / "index.html"
        if not target.is_file():
            self._error(404, "not found")
            return
        media = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self._send(200, media, target.read_bytes())


PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
}

QUERY_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>aikg SPARQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; max-width: 80rem; }
textarea { width: 100%; height: 14rem; font-family: ui-monospace, monospace; font-size: 0.9rem; }
table { border-collapse: collapse; margin-top: 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
#status { margin-left: 1rem; color: #555; }
pre { background: #f8f8f8; padding: 0.5rem; overflow: auto; }
</style>
</head>
<body>
<h1>aikg SPARQL</h1>
<p>Read-only endpoint: <code>/sparql</code>. Named queries:
<select id="named"><option value="">(choose one)</option></select>
<a href="site/">site pages</a></p>
<textarea id="query" spellcheck="false">PREFIX aikg: &lt;https://w3id.org/aikg/ontology#&gt;
PREFIX rdfs: &lt;http://www.w3.org/2000/01/rdf-schema#&gt;
SELECT ?type (COUNT(?entity) AS ?n)
WHERE { ?entity a ?type . ?type rdfs:subClassOf aikg:Entity }
GROUP BY ?type ORDER BY DESC(?n)</textarea>
<p><button id="run">Run</button><span id="status"></span></p>
<div id="out"></div>
<script src="query.js"></script>
</body>
</html>
"""

QUERY_SCRIPT = """"use strict";
const $ = (id) => document.getElementById(id);
const queries = {};
fetch("queries.json").then((r) => r.json()).then((items) => {
  for (const item of items) {
    queries[item.name] = item.text;
    const option = document.createElement("option");
    option.value = item.name;
    option.textContent = item.name;
    $("named").appendChild(option);
  }
}).catch(() => {});
$("named").addEventListener("change", (e) => { if (queries[e.target.value]) $("query").value = queries[e.target.value]; });

function cell(term) {
  if (!term) return "";
  if (term.type === "literal" && term["xml:lang"]) return term.value + " @" + term["xml:lang"];
  return term.value;
}

async function run() {
  const out = $("out");
  out.replaceChildren();
  $("status").textContent = "running...";
  const started = performance.now();
  try {
    const response = await fetch("sparql", {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query",
                 "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: $("query").value,
    });
    const text = await response.text();
    const ms = Math.round(performance.now() - started);
    if (!response.ok) {
      $("status").textContent = response.status + " " + response.statusText + " (" + ms + " ms)";
      const pre = document.createElement("pre");
      pre.textContent = text;
      out.appendChild(pre);
      return;
    }
    const type = response.headers.get("Content-Type") || "";
    if (!type.includes("json")) {
      $("status").textContent = "graph answer (" + ms + " ms)";
      const pre = document.createElement("pre");
      pre.textContent = text;
      out.appendChild(pre);
      return;
    }
    const data = JSON.parse(text);
    if ("boolean" in data) {
      $("status").textContent = "ASK: " + data.boolean + " (" + ms + " ms)";
      return;
    }
    const vars = data.head.vars;
    const rows = data.results.bindings;
    $("status").textContent = rows.length + " row(s) (" + ms + " ms)";
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const v of vars) {
      const th = document.createElement("th");
      th.textContent = v;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      for (const v of vars) tr.insertCell().textContent = cell(row[v]);
    }
    out.appendChild(table);
  } catch (err) {
    $("status").textContent = "error: " + err;
  }
}
$("run").addEventListener("click", run);
$("query").addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run(); });
"""


def make_server(
    graph_dir: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    timeout: float = 30.0,
    site: Path | None = None,
    workers: int = 2,
    queries_dir: Path | None = None,
) -> SparqlServer:
    """A ready (bound, not yet serving) server over the graph in ``graph_dir``."""
    if timeout <= 0:
        raise AikgError("--timeout must be positive")
    if workers < 1:
        raise AikgError("--workers must be at least 1")
    pool = QueryPool(Path(graph_dir or paths.DEFAULT_OUT), size=workers, timeout=timeout)
    try:
        return SparqlServer((host, port), pool, site, queries_dir or paths.QUERIES_DIR)
    except OSError as err:
        pool.close()
        raise AikgError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None


def serve_in_thread(server: SparqlServer) -> threading.Thread:
    """Serve in a daemon thread (for embedding); stop with server.shutdown(); server.server_close()."""
    thread = threading.Thread(target=server.serve_forever, name="aikg-serve", daemon=True)
    thread.start()
    return thread
