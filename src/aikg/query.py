"""Named SPARQL queries (queries/*.rq) and running SPARQL against a built graph.

A named query is a ``.rq`` file whose leading comment block says what it is::

    # title: Models developed by an organization
    # description: Which models each organization developed ...
    # bind: ?org — a name or alias of the developer; e.g. 阿里巴巴

``run()`` evaluates SPARQL over ``<graph_dir>/graph.ttl`` plus the ontology.
Values given with ``bind`` are passed to the engine as initial bindings (never
pasted into the query text), so a bound value can only ever be an RDF term.

Engines: the persisted pyoxigraph store (``aikg.store.run_query``) answers
first; rdflib (``_evaluate()``) is the fallback, also forced by
``AIKG_QUERY_ENGINE=rdflib``. Both apply the same checks, binding rules and
prefixes. rdflib has no timeout, so its query runs in a worker thread; when
``timeout`` passes the caller gets an error at once and the worker is
interrupted at its next Python bytecode (rdflib's evaluator is pure Python, so
that is prompt). Graph loading is not counted in the timeout.
"""

from __future__ import annotations

import difflib
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aikg import paths
from aikg.errors import AikgError
from aikg.results import DEFAULT_LIMIT, FORMATS, QueryResult, format_result, terminal_safe  # noqa: F401 - re-exported
from aikg.sparql import PREFIXES
from aikg.store import run_query

DEFAULT_TIMEOUT = 30.0

_HEADER = re.compile(r"^#\s*(title|description|bind)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_BIND = re.compile(r"^[?$](\w+)\s*(?:[—–]|-{1,2})?\s*(.*)$")
_EXAMPLE = re.compile(r"[;,]?\s*e\.g\.\s*(.+?)\s*$")
_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_IRI_FORBIDDEN = re.compile(r'[\s<>"{}|^`\\]')


@dataclass(frozen=True)
class QueryBind:
    """A variable a named query can be called with."""

    var: str  # without the leading "?"
    description: str
    example: str | None = None


@dataclass(frozen=True)
class NamedQuery:
    """A query file and what its header says about it."""

    name: str
    path: Path
    title: str
    description: str
    binds: tuple[QueryBind, ...] = ()

    @property
    def sparql(self) -> str:
        return self.path.read_text(encoding="utf-8")


# --- named queries ---------------------------------------------------------------


def parse_header(text: str) -> tuple[str, str, tuple[QueryBind, ...]]:
    """(title, description, binds) from a query's leading ``#`` comment block."""
    title = description = ""
    binds: list[QueryBind] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER.match(stripped)
        if not match:
            continue
        key, value = match.group(1).lower(), match.group(2)
        if key == "title":
            title = value
        elif key == "description":
            description = value
        else:
            bind = _BIND.match(value)
            if bind:
                meaning = bind.group(2)
                example = _EXAMPLE.search(meaning)
                if example:
                    meaning = meaning[: example.start()].rstrip(" ;,")
                binds.append(QueryBind(bind.group(1), meaning, example.group(1) if example else None))
    return title, description, tuple(binds)


def _named(path: Path) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise AikgError(f"cannot read query {path}: {err}") from None
    title, description, binds = parse_header(text)
    return NamedQuery(path.stem, path, title or path.stem, description, binds)


def list_queries(folder: Path | None = None) -> list[NamedQuery]:
    """Every named query in ``folder`` (default: the project's queries/), by name."""
    folder = Path(folder or paths.QUERIES_DIR)
    return [_named(path) for path in sorted(folder.glob("*.rq"))]


def load_query(name_or_path: str | Path, folder: Path | None = None) -> NamedQuery:
    """A named query by name (``models-by-organization``) or a path to a ``.rq`` file."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".rq" or candidate.is_file() or len(candidate.parts) > 1:
        if not candidate.is_file():
            raise AikgError(f"no query file {candidate}")
        return _named(candidate)
    name = str(name_or_path)
    folder = Path(folder or paths.QUERIES_DIR)
    path = folder / f"{name}.rq"
    if path.is_file():
        return _named(path)
    names = [q.name for q in list_queries(folder)]
    close = difflib.get_close_matches(name, names, n=4, cutoff=0.5)
    close += [n for n in names if name and name.lower() in n and n not in close][: 4 - len(close)]
    hint = f"did you mean {', '.join(close)}?" if close else f"known queries: {', '.join(names)}"
    raise AikgError(f"unknown query {name!r}; {hint} (`aikg queries` lists them)")


# --- bindings --------------------------------------------------------------------


def parse_bind_value(value: str):
    """The RDF term a ``--bind`` value stands for.

    ``<https://…>`` is an IRI; ``prefix:local`` with a known prefix (ent:, aikg:,
    art:, …) is an IRI; ``"…"`` is a literal of what is inside the quotes;
    anything else is a plain string literal.
    """
    from rdflib import Literal, URIRef

    if len(value) >= 2 and value.startswith("<") and value.endswith(">"):
        iri = value[1:-1]
        if not iri or _IRI_FORBIDDEN.search(iri) or ":" not in iri:
            raise AikgError(f"not a valid IRI: {value}")
        return URIRef(iri)
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return Literal(value[1:-1])
    prefix, sep, local = value.partition(":")
    namespaces = PREFIXES
    if sep and prefix in namespaces and not _IRI_FORBIDDEN.search(local):
        return URIRef(namespaces[prefix] + local)
    return Literal(value)


def parse_bind_options(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["name=Qwen", "x=ent:qwen"]`` → ``{"name": "Qwen", "x": "ent:qwen"}``."""
    bindings: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lstrip("?$")
        if not sep or not _VARNAME.match(key):
            raise AikgError(f"--bind expects NAME=VALUE, got {pair!r}")
        if key in bindings:
            raise AikgError(f"variable ?{key} is bound twice")
        bindings[key] = value
    return bindings


# --- loading ---------------------------------------------------------------------

_GRAPHS: dict[tuple, Any] = {}
_GRAPHS_LOCK = threading.Lock()


def graph_path(graph_dir: Path | str) -> Path:
    """``graph_dir/graph.ttl`` (or ``graph_dir`` itself if it is a .ttl file); error when missing."""
    graph_dir = Path(graph_dir)
    path = graph_dir if graph_dir.suffix == ".ttl" else graph_dir / paths.GRAPH_FILE
    if not path.is_file():
        raise AikgError(f"no graph at {path}; run aikg build")
    return path


def load_graph(graph_dir: Path | str, *, ontology: bool = True):
    """The rdflib graph of graph.ttl (plus ontology/aikg.ttl); cached while the files are unchanged.

    The returned graph is shared: treat it as read-only.
    """
    import rdflib

    path = graph_path(graph_dir)
    sources = [path] + ([paths.ONTOLOGY] if ontology else [])
    key = tuple((str(p.resolve()), p.stat().st_mtime_ns, p.stat().st_size) for p in sources)
    with _GRAPHS_LOCK:
        cached = _GRAPHS.get(key)
    if cached is not None:
        return cached
    graph = rdflib.Graph()
    for source in sources:
        try:
            graph.parse(source, format="turtle")
        except Exception as err:  # noqa: BLE001 - rdflib raises many types for bad Turtle
            raise AikgError(f"{source}: not valid Turtle ({_one_line(err)})") from None
    with _GRAPHS_LOCK:
        if len(_GRAPHS) >= 4:
            _GRAPHS.pop(next(iter(_GRAPHS)))
        _GRAPHS[key] = graph
    return graph


# --- running ---------------------------------------------------------------------


def _one_line(err: BaseException, limit: int = 300) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _walk(node, found: set, names: set) -> None:
    from rdflib.term import Variable

    if isinstance(node, Variable):
        found.add(str(node))
    elif isinstance(node, dict):
        if getattr(node, "name", None):
            names.add(node.name)
        for value in node.values():
            _walk(value, found, names)
    elif isinstance(node, (list, tuple, set, frozenset)):
        for value in node:
            _walk(value, found, names)


def prepare(sparql: str):
    """Parse SPARQL (aikg's prefixes predeclared); return (prepared query, its variable names).

    Updates, SERVICE and FROM/FROM NAMED are refused: queries are read-only and offline.
    """
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parser import parseUpdate

    if not sparql or not sparql.strip():
        raise AikgError("empty SPARQL query")
    try:
        prepared = prepareQuery(sparql, initNs=dict(PREFIXES))
    except Exception as err:  # noqa: BLE001 - pyparsing and rdflib raise various types
        try:
            parseUpdate(sparql)
        except Exception:  # noqa: BLE001
            raise AikgError(f"malformed SPARQL: {_one_line(err)}") from None
        raise AikgError("SPARQL updates are not allowed: aikg queries are read-only") from None
    found: set[str] = set()
    names: set[str] = set()
    _walk(prepared.algebra, found, names)
    if "ServiceGraphPattern" in names:
        raise AikgError("SERVICE is not allowed: aikg queries run offline on the local graph")
    if prepared.algebra.get("datasetClause"):
        raise AikgError("FROM / FROM NAMED are not allowed: a query runs on the graph given with --graph")
    return prepared, sorted(v for v in found if not v.startswith("_"))


def _evaluate(graph, prepared, bindings: dict, limit: int, box: dict, cancel: threading.Event) -> None:
    """The rdflib engine: evaluate ``prepared`` on ``graph`` and put a QueryResult in ``box``."""
    result = graph.query(prepared, initBindings=bindings)
    kind = result.type
    if kind == "ASK":
        box["result"] = QueryResult(["boolean"], [(bool(result.askAnswer),)], "ask", bool(result.askAnswer))
        return
    if kind == "SELECT":
        variables = [str(v) for v in result.vars]
        rows_iter = (tuple(row) for row in result)
    else:
        variables = ["subject", "predicate", "object"]
        rows_iter = iter(result.graph if result.graph is not None else ())
    rows = []
    capped = False
    for row in rows_iter:
        if cancel.is_set():
            return
        if len(rows) == limit:
            capped = True
            break
        rows.append(row)
    box["result"] = QueryResult(variables, rows, "select" if kind == "SELECT" else "graph", capped=capped, limit=limit)


class _Cancelled(BaseException):
    """Raised inside a worker thread whose query timed out."""


def _interrupt(thread: threading.Thread) -> None:
    import ctypes

    if thread.ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(_Cancelled))


def run(
    graph_dir: Path | str,
    sparql: str,
    bind: dict[str, str] | None = None,
    *,
    limit: int = DEFAULT_LIMIT,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> QueryResult:
    """Run SPARQL on the graph in ``graph_dir`` with ``bind`` as initial variable bindings.

    Binding values are read by ``parse_bind_value`` (plain string, <IRI> or
    prefix:local). A bound variable the query does not use, malformed SPARQL,
    a missing graph or a timeout raise AikgError.
    """
    if limit < 1:
        raise AikgError(f"limit must be at least 1 (got {limit})")
    if timeout is not None and timeout <= 0:
        raise AikgError(f"timeout must be positive (got {timeout})")
    try:
        stored = run_query(graph_dir, sparql, bind, limit=limit, timeout=timeout)
    except AikgError as err:  # Oxigraph's parse errors span several lines
        raise AikgError(_one_line(err)) from None
    if stored is not None:
        return stored
    prepared, variables = prepare(sparql)
    bindings = {}
    for name, value in (bind or {}).items():
        name = name.lstrip("?$")
        if name not in variables:
            known = ", ".join(f"?{v}" for v in variables) or "none"
            raise AikgError(f"the query has no variable ?{name} to bind (its variables: {known})")
        bindings[name] = parse_bind_value(value)
    graph = load_graph(graph_dir)
    box: dict[str, Any] = {}
    cancel = threading.Event()

    def work() -> None:
        try:
            _evaluate(graph, prepared, bindings, limit, box, cancel)
        except _Cancelled:
            pass
        except Exception as err:  # noqa: BLE001 - reported to the caller below
            box["error"] = err

    started = time.perf_counter()
    worker = threading.Thread(target=work, name="aikg-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        cancel.set()
        _interrupt(worker)
        raise AikgError(f"query timed out after {timeout:g} s")
    if "error" in box:
        raise AikgError(f"query failed: {_one_line(box['error'])}")
    result: QueryResult = box["result"]
    result.seconds = time.perf_counter() - started
    return result
