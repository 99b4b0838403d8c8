"""`aikg serve`: a read-only SPARQL 1.1 Protocol endpoint, an offline query page and the site.

Routes
- ``/sparql``  SPARQL 1.1 Protocol, query operation only: ``GET ?query=``, ``POST``
  form (``query=``) or ``POST`` ``application/sparql-query`` (UTF-8). SELECT answers as
  SPARQL JSON (default), XML, CSV or TSV; ASK as JSON or XML (CSV/TSV define no
  boolean form: 406); CONSTRUCT/DESCRIBE as Turtle (default), JSON-LD, N-Triples or
  RDF/XML. The ``Accept`` header chooses, or a ``format=``/``output=``/``results=``
  parameter (``json``, ``xml``, ``csv``, ``tsv``, ``turtle``, ``n3``, ``nt``, ``rdf+xml``,
  ``json-ld`` or a media type: what SPARQLWrapper sends), which wins. Relative IRIs
  resolve against the endpoint's URL. ``default-graph-uri``/``named-graph-uri`` give
  the dataset (protocol §2.1.4: they replace the query's FROM/FROM NAMED, and a request
  with only ``default-graph-uri`` sees no named graphs). ``SELECT *`` lists its
  variables in order of first appearance. SPARQL Update (an ``update=`` parameter or
  ``application/sparql-update``) is refused with 403 and never reaches the store,
  which is opened read-only anyway; so is SERVICE (no fetching URLs for a client).
- ``/``        an offline query page: a question box (``aikg ask``; answers and evidence put in
  the page with ``textContent``, never as HTML) and YASGUI (``@zazuko/yasgui``, vendored in
  ``aikg/static/yasgui/`` with its license) with aikg's prefixes preloaded and the named queries
  as examples; ``/queries.json`` lists the named queries, ``/prefixes.json`` the prefixes.
- ``/ask?q=QUESTION`` the answer of ``aikg ask`` as JSON (run in a query worker).
- ``/site/...`` the HTML pages of a site folder, if there is one.

Workers and admission: pyoxigraph cannot interrupt a query running in a thread, so
every query runs in a worker *process* (each opens the persisted store of
``aikg.store`` read-only; forked from a preloaded server process, so a replacement
starts in milliseconds). There are 2 × ``workers`` processes, but at most ``workers``
queries may run past ``SHORT_SECONDS``: a query that reaches it while that many long
ones already run is stopped (its worker killed and replaced) and answered ``503`` with
``Retry-After``, so runaway queries can never hold every worker and short queries
keep being answered. A query past ``timeout`` is stopped the same way. A request that
finds every worker busy waits in a bounded queue; when the queue is full, or no
worker frees up in time, it gets ``503`` with ``Retry-After`` instead of hanging.
Answers are kept (64 MiB, least recently used dropped): the store cannot change while
the server runs, so a repeated request is answered at once, without a worker.

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
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aikg import paths
from aikg.errors import AikgError
from aikg.sparql import check_iri, explicit_projection, sparql_tokens
from aikg.store import ensure_store

MAX_QUERY_BYTES = 1 << 20  # a SPARQL request body
MAX_QUESTION_CHARS = 2000  # a question for /ask
YASGUI_DIR = Path(__file__).resolve().parent / "static" / "yasgui"
YASGUI_FILES = {"yasgui.min.js": "text/javascript", "yasgui.min.css": "text/css", "LICENSE": "text/plain",
                "THIRD_PARTY_LICENSES": "text/plain"}
MAX_RESULT_BYTES = 256 << 20  # a serialized answer
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SHORT_SECONDS = 0.5  # past this, a query holds one of the `workers` long-query slots
QUEUE_SECONDS = 5.0  # the longest a request waits for a free worker
MAX_WAITING = 256  # requests waiting for a worker; more are answered 503 at once
RETRY_AFTER = "1"
CACHE_BYTES = 64 << 20  # answers kept for repeated requests

# media type -> pyoxigraph format name, in order of preference when the client accepts anything
RESULT_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
BOOLEAN_TYPES = {media: name for media, name in RESULT_TYPES.items() if name in ("JSON", "XML")}
GRAPH_TYPES = {
    "text/turtle": "TURTLE",
    "application/ld+json": "JSON_LD",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
    "application/x-turtle": "TURTLE",
    "text/n3": "TURTLE",  # Turtle is N3
}
OFFERED = {"select": RESULT_TYPES, "ask": BOOLEAN_TYPES, "graph": GRAPH_TYPES}
FORMAT_PARAMS = ("format", "output", "results")
FORMAT_NAMES = {  # format=/output=/results= values -> the media types they ask for
    "json": "application/sparql-results+json, application/ld+json",
    "xml": "application/sparql-results+xml, application/rdf+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "n3": "text/n3",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "rdf": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    "json-ld": "application/ld+json",
    "jsonld": "application/ld+json",
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


def format_accept(values: list[str]) -> str | None:
    """An Accept value for ``format=``/``output=``/``results=`` values (names or media types); None if
    none is given; AikgError if none is known."""
    known = [FORMAT_NAMES.get(v.strip().lower()) or v.strip().lower() for v in values if v.strip()]
    known = [v for v in known if any(m.strip() in RESULT_TYPES or m.strip() in GRAPH_TYPES for m in v.split(","))]
    if known:
        return ", ".join(known)
    if any(v.strip() for v in values):
        raise AikgError(f"unknown format {values[0]!r} (one of {', '.join(FORMAT_NAMES)}, or a media type)")
    return None


# --- the worker processes -------------------------------------------------------------------


class _NotAcceptable(Exception):
    pass


def answer(store, request: dict, location: str | None = None) -> tuple[str, bytes]:
    """(media type, body) of one query request on a pyoxigraph store; the worker's job.
    A request with an ``ask`` key is a question for :func:`aikg.ask.ask` (answered as JSON)."""
    import pyoxigraph as ox

    if "ask" in request:
        from aikg.ask import ask

        found = ask(request["ask"], request["graph"], store=store, key=location or request["graph"])
        return "application/json", json.dumps(found.to_dict(), ensure_ascii=False).encode()

    sparql = request["query"]
    options: dict = {"base_iri": request["base"]}
    if request["dataset"] is not None:  # protocol §2.1.4: it replaces FROM / FROM NAMED
        default, named = request["dataset"]
        options["default_graph"] = [ox.NamedNode(iri) for iri in default]
        options["named_graphs"] = [ox.NamedNode(iri) for iri in named]
    result = store.query(sparql, **options)
    kind = "graph" if isinstance(result, ox.QueryTriples) else "ask" if isinstance(result, ox.QueryBoolean) else "select"
    media = request["choices"][kind]
    if media is None:
        raise _NotAcceptable(f"{'ASK' if kind == 'ask' else kind.upper()} answers come as " + ", ".join(OFFERED[kind]))
    if kind == "select":
        spelled = explicit_projection(sparql, [v.value for v in result.variables])
        if spelled is not None:
            result = store.query(spelled, **options)
        body = result.serialize(format=getattr(ox.QueryResultsFormat, RESULT_TYPES[media]))
    elif kind == "ask":
        body = result.serialize(format=getattr(ox.QueryResultsFormat, BOOLEAN_TYPES[media]))
    else:
        body = result.serialize(format=getattr(ox.RdfFormat, GRAPH_TYPES[media]))
    if media.endswith("xml"):  # a raw CR would be read back as LF by any XML parser
        body = body.replace(b"\r", b"&#13;")
    return media, body


def _worker_main(conn, location: str) -> None:
    """Answer query requests sent over ``conn`` from the read-only store at ``location``, forever."""
    import pyoxigraph as ox

    store = ox.Store.read_only(location)
    conn.send(("ready",))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            media, body = answer(store, request, location)
            if len(body) > MAX_RESULT_BYTES:
                reply = ("error", 413, f"answer is {len(body) >> 20} MiB, over the {MAX_RESULT_BYTES >> 20} MiB limit")
            else:
                reply = ("ok", media, body)
        except _NotAcceptable as err:
            reply = ("error", 406, str(err))
        except SyntaxError as err:
            reply = ("error", 400, f"malformed query: {' '.join(str(err).split())}")
        except ValueError as err:
            reply = ("error", 400, " ".join(str(err).split()))
        except Exception as err:  # noqa: BLE001 - report, keep serving
            reply = ("error", 500, f"{type(err).__name__}: {' '.join(str(err).split())}")
        try:
            conn.send(reply)
        except (EOFError, OSError, BrokenPipeError):
            return


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


class AnswerCache:
    """Recent answers by request, least recently used dropped first. The store never changes
    while the server runs, so an answer never goes stale; a hit needs no worker."""

    def __init__(self, max_bytes: int = CACHE_BYTES, max_answer: int = 1 << 20):
        self.max_bytes, self.max_answer = max_bytes, max_answer
        self._answers: OrderedDict[str, tuple[str, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[str, bytes] | None:
        with self._lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
            return found

    def put(self, key: str, media: str, body: bytes) -> None:
        if len(body) > self.max_answer:
            return
        with self._lock:
            if key not in self._answers:
                self._answers[key] = (media, body)
                self._bytes += len(body)
            while self._bytes > self.max_bytes:
                self._bytes -= len(self._answers.popitem(last=False)[1][1])


def _busy(message: str) -> tuple[int, str, bytes, dict[str, str]]:
    return 503, "text/plain", (message + "\n").encode(), {"Retry-After": RETRY_AFTER}


class QueryPool:
    """2 × ``size`` worker processes holding the store open; at most ``size`` queries run long.

    A query past ``short`` seconds needs one of ``size`` long-query slots: without one it
    is stopped (503); past ``timeout`` it is stopped too. Waiting for a worker is bounded.
    """

    def __init__(self, graph_dir: Path, size: int = 2, timeout: float = 30.0, short: float = SHORT_SECONDS):
        self.location = str(ensure_store(graph_dir) / "db")
        self.graph_dir = Path(graph_dir)
        self.timeout = timeout
        self.size = size
        self.short = min(short, timeout)
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["aikg.serve", "pyoxigraph"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._long = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._waiting = 0
        self._closed = False
        self.timeouts = 0
        self.stopped = 0
        self.answers = AnswerCache()
        for _ in range(2 * size):
            self._idle.put(_Worker(self._context, self.location))

    def _acquire(self) -> _Worker | None:
        with self._lock:
            if self._waiting >= MAX_WAITING:
                return None
            self._waiting += 1
        try:
            return self._idle.get(timeout=min(self.timeout, QUEUE_SECONDS))
        except queue.Empty:
            return None
        finally:
            with self._lock:
                self._waiting -= 1

    def run(self, request: dict) -> tuple[int, str, bytes, dict[str, str]]:
        """(HTTP status, media type, body, extra headers) of one query request."""
        key = json.dumps(request, sort_keys=True)
        cached = self.answers.get(key)
        if cached is not None:
            return 200, cached[0], cached[1], {}
        started = time.monotonic()
        worker = self._acquire()
        if worker is None:
            return _busy("all query workers are busy; try again later")
        healthy = False
        try:
            worker.conn.send(request)
            if worker.conn.poll(self.short):
                reply = worker.conn.recv()
            elif not self._long.acquire(blocking=False):
                self.stopped += 1
                return _busy(f"query stopped after {self.short:g} s: {self.size} long queries are already running "
                             "(the endpoint keeps its other workers for short queries); try again later")
            else:
                try:
                    if not worker.conn.poll(max(0.0, self.timeout - (time.monotonic() - started))):
                        self.timeouts += 1
                        return 503, "text/plain", f"query timed out after {self.timeout:g} s\n".encode(), {}
                    reply = worker.conn.recv()
                finally:
                    self._long.release()
            healthy = True
        except (EOFError, OSError, BrokenPipeError):
            return 500, "text/plain", b"the query worker died; the query was not answered\n", {}
        finally:
            if healthy:
                self._idle.put(worker)
            else:  # kill it now; start its replacement without delaying this answer
                worker.kill()
                threading.Thread(target=self._replace, name="aikg-worker-start", daemon=True).start()
        if reply[0] == "ok":
            self.answers.put(key, reply[1], reply[2])
            return 200, reply[1], reply[2], {}
        return reply[1], "text/plain", (reply[2] + "\n").encode(), {}

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
    request_queue_size = 128  # the listen backlog: bursts of clients connect without SYN retries

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
        if route in ("/sparql", "/sparql/"):
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
        elif route == "/prefixes.json":
            from aikg.sparql import PREFIXES

            self._send(200, "application/json", json.dumps(PREFIXES).encode())
        elif route == "/ask":
            self._ask(url)
        elif route.startswith("/yasgui/") and route[len("/yasgui/"):] in YASGUI_FILES:
            name = route[len("/yasgui/"):]
            self._send(200, YASGUI_FILES[name], (YASGUI_DIR / name).read_bytes())
        elif route == "/site" or route.startswith("/site/"):
            self._static(route[len("/site") :])
        else:
            self._error(404, "not found")

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = lambda self: self._dispatch()  # noqa: E731

    # -- SPARQL

    def _sparql(self, url) -> None:
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if self.command == "POST":
            if self._post_params(params) is None:
                return
        elif self.command not in ("GET", "HEAD"):
            self.close_connection = True  # the body, if any, was not read
            self._error(405, "method not allowed: the endpoint is read-only", {"Allow": "GET, HEAD, POST", "Connection": "close"})
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
        try:
            request = self._query_request(queries[0], params)
        except AikgError as err:
            self._error(400, str(err))
            return
        status, media, body, extra = self.server.pool.run(request)
        self._send(status, media, body, extra)

    def _post_params(self, params: dict[str, list[str]]) -> bool | None:
        """Add a POSTed form or query to ``params``; None (after answering) when the POST is refused."""
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_QUERY_BYTES:
            self.close_connection = True
            self._error(413, f"request body over {MAX_QUERY_BYTES} bytes", {"Connection": "close"})
            return None
        body = self.rfile.read(length) if length > 0 else b""
        content_type, _, rest = (self.headers.get("Content-Type") or "").partition(";")
        content_type = content_type.strip().lower()
        charset = next((p.split("=", 1)[1].strip().strip('"').lower() for p in rest.split(";") if p.strip().lower().startswith("charset=")), "utf-8")
        if content_type == "application/sparql-update":
            self._error(403, "this endpoint is read-only: SPARQL Update is refused")
            return None
        if content_type not in ("application/x-www-form-urlencoded", "application/sparql-query"):
            self._error(415, "POST a form (query=...) or application/sparql-query")
            return None
        if charset not in ("utf-8", "utf8"):
            self._error(415, f"the request body must be UTF-8, not {charset}")
            return None
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            self._error(400, "the request body is not UTF-8")
            return None
        if content_type == "application/sparql-query":
            params.setdefault("query", []).append(text)
        else:
            for name, values in urllib.parse.parse_qs(text, keep_blank_values=True).items():
                params.setdefault(name, []).extend(values)
        return True

    def _query_request(self, sparql: str, params: dict[str, list[str]]) -> dict:
        """What a worker needs: the query, its base IRI, the dataset and the chosen media type per answer kind."""
        formats = [v for name in FORMAT_PARAMS for v in params.get(name, [])]
        accept = format_accept(formats) or self.headers.get("Accept")
        default, named = params.get("default-graph-uri"), params.get("named-graph-uri")
        dataset = None
        if default is not None or named is not None:
            dataset = ([check_iri(i) for i in default or []], [check_iri(i) for i in named or []])
        return {
            "query": sparql,
            "base": self.server.url + "sparql",
            "dataset": dataset,
            "choices": {kind: negotiate(accept, offered) for kind, offered in OFFERED.items()},
        }

    # -- questions

    def _ask(self, url) -> None:
        questions = urllib.parse.parse_qs(url.query, keep_blank_values=True).get("q", [])
        if len(questions) != 1 or not questions[0].strip():
            self._error(400, "give exactly one question: /ask?q=...")
            return
        if len(questions[0]) > MAX_QUESTION_CHARS:
            self._error(413, f"a question is at most {MAX_QUESTION_CHARS} characters")
            return
        status, media, body, extra = self.server.pool.run({"ask": questions[0], "graph": str(self.server.pool.graph_dir)})
        self._send(status, media, body, extra)

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
<link rel="stylesheet" href="yasgui/yasgui.min.css">
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; max-width: 90rem; }
#question { width: 60%; font-size: 1rem; padding: 0.3rem; }
#answers table { border-collapse: collapse; margin-top: 0.5rem; font-size: 0.9rem; }
#answers th, #answers td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
#answers th { background: #f3f3f3; }
#ask-status, #status { margin-left: 1rem; color: #555; }
.reading { color: #555; font-size: 0.85rem; }
pre.sparql { background: #f8f8f8; padding: 0.5rem; overflow: auto; font-size: 0.8rem; }
</style>
</head>
<body>
<h1>aikg</h1>
<section id="ask-box">
<h2>Ask a question</h2>
<form id="ask-form"><input id="question" type="text" placeholder="阿里巴巴发布了哪些模型？ / Who developed KAG?" autocomplete="off">
<button id="ask" type="submit">Ask</button><span id="ask-status"></span></form>
<div id="answers"></div>
</section>
<section>
<h2>SPARQL</h2>
<p>Read-only endpoint: <code>/sparql</code>. Example queries:
<select id="named"><option value="">(choose one)</option></select>
<span id="status"></span>
<a href="site/">site pages</a> · <a href="yasgui/LICENSE">YASGUI license</a></p>
<div id="yasgui"></div>
</section>
<script src="yasgui/yasgui.min.js"></script>
<script src="query.js"></script>
</body>
</html>
"""

QUERY_SCRIPT = """"use strict";
const $ = (id) => document.getElementById(id);
const DEFAULT_QUERY = "SELECT ?type (COUNT(?entity) AS ?n)\\nWHERE { ?entity a ?type . ?type rdfs:subClassOf aikg:Entity }\\nGROUP BY ?type ORDER BY DESC(?n)";
const params = new URLSearchParams(location.search);
let yasgui = null;

function el(tag, text) { const node = document.createElement(tag); if (text !== undefined) node.textContent = text; return node; }

async function startYasgui() {
  const prefixes = await (await fetch("prefixes.json")).json();
  const header = Object.entries(prefixes).map(([p, iri]) => "PREFIX " + p + ": <" + iri + ">").join("\\n");
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];  // no remote (LOV) lookups
  yasgui = new Yasgui($("yasgui"), {
    requestConfig: { endpoint: new URL("sparql", location.href).href, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: () => [] },
    yasqe: { value: header + "\\n\\n" + DEFAULT_QUERY },
  });
  const tab = yasgui.getTab();
  tab.getYasqe().addPrefixes(prefixes);
  tab.getYasr().on("drawn", () => { document.body.dataset.yasrDrawn = String(Number(document.body.dataset.yasrDrawn || 0) + 1); });
  tab.on("queryResponse", () => { $("status").textContent = "answered"; });
  const items = await (await fetch("queries.json")).json();
  const queries = {};
  for (const item of items) {
    queries[item.name] = item.text;
    const option = el("option", item.name);
    option.value = item.name;
    $("named").appendChild(option);
  }
  $("named").addEventListener("change", (e) => {
    if (queries[e.target.value]) yasgui.getTab().getYasqe().setValue(queries[e.target.value]);
  });
  if (params.get("example") && queries[params.get("example")]) tab.getYasqe().setValue(queries[params.get("example")]);
  if (params.get("run")) tab.query();
}

function evidenceCell(item) {
  const cell = el("td");
  if (!item.evidence.length) { cell.textContent = "(no evidence stored)"; return cell; }
  for (const ev of item.evidence) {
    const line = el("div");
    const where = ev.article ? "[" + ev.article + "] " : "";
    const via = ev.via ? "via " + ev.via + ": " : "";
    line.textContent = where + via + (ev.sentence ? "\u201c" + ev.sentence + "\u201d"
      : (item.type === "Article" ? "(mentioned; no evidence sentence)" : "(no evidence sentence)"));
    cell.appendChild(line);
  }
  return cell;
}

async function ask(question) {
  const out = $("answers");
  out.replaceChildren();
  $("ask-status").textContent = "asking...";
  try {
    const response = await fetch("ask?q=" + encodeURIComponent(question));
    const text = await response.text();
    if (!response.ok) { $("ask-status").textContent = response.status + " " + text; return; }
    const data = JSON.parse(text);
    if (data.declined) {
      $("ask-status").textContent = "cannot answer: " + data.declined +
        (data.suggestions.length ? "; closest names: " + data.suggestions.join(", ") : "");
      document.body.dataset.askDone = "declined";
      return;
    }
    $("ask-status").textContent = data.answers.length + " answer(s) (" + Math.round(data.seconds * 1000) + " ms)";
    out.appendChild(el("p", "read as: " + data.reading)).className = "reading";
    if (data.answers.length) {
      const table = el("table");
      const head = table.createTHead().insertRow();
      for (const name of ["answer", "type", "evidence (article, sentence)"]) head.appendChild(el("th", name));
      const body = table.createTBody();
      for (const item of data.answers) {
        const row = body.insertRow();
        row.appendChild(el("td", item.label));
        row.appendChild(el("td", item.type));
        row.appendChild(evidenceCell(item));
      }
      out.appendChild(table);
    } else {
      out.appendChild(el("p", "The graph states nothing for this reading."));
    }
    const details = el("details");
    details.appendChild(el("summary", "SPARQL"));
    details.appendChild(el("pre", data.sparql)).className = "sparql";
    out.appendChild(details);
    document.body.dataset.askDone = String(data.answers.length);
  } catch (err) {
    $("ask-status").textContent = "error: " + err;
  }
}

$("ask-form").addEventListener("submit", (e) => { e.preventDefault(); if ($("question").value.trim()) ask($("question").value); });
if (params.get("ask")) { $("question").value = params.get("ask"); ask(params.get("ask")); }
startYasgui().catch((err) => { $("status").textContent = "error: " + err; });
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
