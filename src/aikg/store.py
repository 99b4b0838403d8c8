"""A persisted, read-only pyoxigraph store of a built graph, kept in the user's cache.

``open_store(graph_dir)`` loads ``graph_dir/graph.ttl`` and ``ontology/aikg.ttl``
into the default graph of an on-disk Oxigraph (RocksDB) store the first time it
sees that content, and opens the same store read-only on every later call.
Stores live outside the output folder, under

    $AIKG_CACHE_DIR  or  $XDG_CACHE_HOME/aikg  or  ~/.cache/aikg
        stores/<sha256 of graph.ttl + ontology + format version>/

so ``extracted/`` stays byte-identical to a fresh ``aikg build``; a rebuilt
graph has a new hash and gets a new store. A store is built in a temporary
folder beside its final place and renamed into place when complete, so a
reader never sees half a store and two processes building at once are safe
(the loser discards its copy). Old stores are pruned (least recently used).

This module imports nothing heavy: pyoxigraph only, and only when called.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from aikg import paths
from aikg.errors import AikgError

# bump when the store's content or layout changes (e.g. what is loaded into it)
STORE_FORMAT = "1"
KEEP_STORES = 8  # stores kept in the cache; older ones are removed
_MARKER = "aikg-store-complete"


def cache_root() -> Path:
    """The folder for aikg's caches (never inside a build's output folder)."""
    explicit = os.environ.get("AIKG_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "aikg"


def graph_file(graph_dir: Path | str) -> Path:
    """``graph_dir/graph.ttl``, or a clear error when there is none."""
    graph_dir = Path(graph_dir)
    path = graph_dir / paths.GRAPH_FILE if graph_dir.is_dir() or not graph_dir.suffix else graph_dir
    if not path.is_file():
        raise AikgError(f"{path}: no graph here (run `aikg build --out {graph_dir}` first)")
    return path


def store_key(graph_path: Path, ontology: Path | None = None) -> str:
    """sha256 over the graph's bytes, the ontology's bytes and the store format."""
    digest = hashlib.sha256()
    digest.update(f"aikg-store {STORE_FORMAT}\0".encode())
    for path in (graph_path, ontology or paths.ONTOLOGY):
        digest.update(str(path.stat().st_size).encode() + b"\0")
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def store_dir(graph_dir: Path | str) -> Path:
    """Where the store of the graph in ``graph_dir`` lives (whether or not it exists yet)."""
    return cache_root() / "stores" / store_key(graph_file(graph_dir))


def _load_into(location: Path, graph_path: Path, ontology: Path) -> None:
    import pyoxigraph as ox

    store = ox.Store(str(location))
    try:
        for source in (graph_path, ontology):
            store.bulk_load(path=str(source), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        store.flush()
        store.optimize()
    except SyntaxError as err:
        raise AikgError(f"{graph_path}: not valid Turtle ({err})") from None
    finally:
        del store


def ensure_store(graph_dir: Path | str) -> Path:
    """The folder of a complete store of ``graph_dir``'s graph, built if missing."""
    graph_path = graph_file(graph_dir)
    root = cache_root() / "stores"
    final = root / store_key(graph_path)
    if (final / _MARKER).is_file():
        _touch(final)
        return final
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name[:16]}.", dir=root))
    try:
        _load_into(tmp / "db", graph_path, paths.ONTOLOGY)
        (tmp / _MARKER).write_text("")
        if final.exists() and not (final / _MARKER).is_file():
            shutil.rmtree(final, ignore_errors=True)  # left over from a crash
        try:
            os.rename(tmp, final)
        except OSError:
            if not (final / _MARKER).is_file():  # not another process winning the race
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _prune(root, keep=final)
    return final


def open_store(graph_dir: Path | str):
    """A read-only ``pyoxigraph.Store`` holding graph.ttl + the ontology in its default graph."""
    import pyoxigraph as ox

    location = ensure_store(graph_dir) / "db"
    try:
        return ox.Store.read_only(str(location))
    except OSError as err:
        raise AikgError(f"cannot open the graph store in {location}: {err}") from None


def _touch(folder: Path) -> None:
    try:
        os.utime(folder / _MARKER)
    except OSError:
        pass


def _prune(root: Path, keep: Path, max_stores: int = KEEP_STORES, min_age: float = 3600.0) -> None:
    """Remove the least recently used stores beyond ``max_stores`` (not ones used in the last hour)."""
    now = time.time()
    stores = []
    for child in root.iterdir():
        if child == keep or child.name.startswith("."):
            if child.name.startswith(".") and now - child.stat().st_mtime > 86400:
                shutil.rmtree(child, ignore_errors=True)  # a crashed build's temporary folder
            continue
        marker = child / _MARKER
        used = marker.stat().st_mtime if marker.is_file() else child.stat().st_mtime
        stores.append((used, child))
    stores.sort(reverse=True)
    for used, child in stores[max_stores - 1:]:
        if now - used > min_age:
            shutil.rmtree(child, ignore_errors=True)


# --- querying: bound values as validated RDF terms, never pasted text ----------------------

def check_iri(iri: str) -> str:
    """``iri`` if it is an absolute IRI, else a clear error."""
    import pyoxigraph as ox

    try:
        node = ox.NamedNode(iri)
    except ValueError as err:
        raise AikgError(f"{iri!r} is not a valid IRI ({err})") from None
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", node.value):
        raise AikgError(f"{iri!r} is not an absolute IRI")
    return node.value


# tokens the brace finder must skip: comments, strings (long ones first), IRIs
_SKIP = re.compile(
    r'#[^\n\r]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>',
    re.S,
)
_FORM = re.compile(r"(?<![\w:?$])(SELECT|CONSTRUCT|ASK|DESCRIBE)(?![\w:])", re.I)
_WHERE = re.compile(r"\s*WHERE\b", re.I)
_VAR = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


_KEYWORD = r"(?<![\w:?$]){}(?![\w:-])"
_VALUES = re.compile(_KEYWORD.format("VALUES"), re.I)
_MINUS = re.compile(_KEYWORD.format("MINUS"), re.I)
_SUBSELECT = re.compile(r"(?:\s|#[^\n\r]*)*SELECT(?![\w:])", re.I)


def _where_brace(sparql: str) -> int:
    """Index of the ``{`` that opens the query's top-level WHERE group."""
    depth_brace = depth_paren = 0
    form: str | None = None
    template_done = False
    pos = 0
    while pos < len(sparql):
        skip = _SKIP.match(sparql, pos)
        if skip:
            pos = skip.end()
            continue
        ch = sparql[pos]
        if form is None and depth_brace == 0 and depth_paren == 0:
            match = _FORM.match(sparql, pos)
            if match:
                form = match.group(1).upper()
                if form == "CONSTRUCT" and _WHERE.match(sparql, match.end()):
                    raise AikgError("cannot bind values in a CONSTRUCT WHERE short form; write a template")
                pos = match.end()
                continue
        if ch == "(":
            depth_paren += 1
        elif ch == ")":
            depth_paren -= 1
        elif ch == "{":
            if form is not None and depth_brace == 0 and depth_paren == 0:
                if form == "CONSTRUCT" and not template_done:
                    template_done = True
                else:
                    return pos
            depth_brace += 1
        elif ch == "}":
            depth_brace -= 1
        pos += 1
    raise AikgError("cannot bind values: the query has no WHERE group")


def _group_braces(sparql: str) -> list[int]:
    """Indexes of the ``{`` of every group pattern of the WHERE clause, outermost first.

    Not included: VALUES data blocks, a group that only wraps a subquery (its
    ``SELECT ... WHERE {`` group is included), and the group right after MINUS.
    """
    first = _where_brace(sparql)
    found: list[int] = []
    depth = 0
    values_block = False  # the next { opens a VALUES data block
    minus_group = False
    pos = first
    while pos < len(sparql):
        skip = _SKIP.match(sparql, pos)
        if skip:
            pos = skip.end()
            continue
        ch = sparql[pos]
        keyword = _VALUES.match(sparql, pos) or _MINUS.match(sparql, pos)
        if keyword:
            if keyword.group(0).upper() == "VALUES":
                values_block = True
            else:
                minus_group = True
            pos = keyword.end()
            continue
        if ch == "{":
            if values_block:  # terms only, no nested braces: jump to its end
                values_block = False
                close = pos + 1
                while close < len(sparql) and sparql[close] != "}":
                    match = _SKIP.match(sparql, close)
                    close = match.end() if match else close + 1
                pos = close + 1
                continue
            if not minus_group and not _SUBSELECT.match(sparql, pos + 1):
                found.append(pos)
            minus_group = False
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                break
        pos += 1
    return found


def _term(value):
    """A pyoxigraph term for a bound value: terms as they are, IRIs checked, strings as literals."""
    import pyoxigraph as ox

    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        if isinstance(value, ox.BlankNode):
            raise AikgError("blank nodes cannot be bound in a remote query")
        return value
    try:  # rdflib terms, if a caller has them
        from rdflib import Literal as RLiteral
        from rdflib import URIRef

        if isinstance(value, URIRef):
            return ox.NamedNode(check_iri(str(value)))
        if isinstance(value, RLiteral):
            if value.language:
                return ox.Literal(str(value), language=value.language)
            if value.datatype:
                return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
            return ox.Literal(str(value))
    except ImportError:
        pass
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#double"))
    return ox.Literal(str(value))


def bind_values(sparql: str, bind: dict | None, *, prefixes: dict[str, str] | None = None) -> str:
    """``sparql`` with a one-row VALUES block binding ``bind``'s variables in every group of its WHERE clause.

    Each value is a pyoxigraph term (``NamedNode`` validates an IRI, ``Literal``
    escapes a string); the group braces are found with a small tokenizer that skips
    strings, IRIs and comments. The block is put at the start of every group pattern
    (the FILTERs of nested groups, UNION branches, OPTIONAL and EXISTS see the value,
    as with substitution), except VALUES data, subquery wrappers and MINUS's group.
    Before returning, the block alone and the rewritten query are parsed by Oxigraph,
    and the block must give back exactly the intended terms: a value such as
    ``x" } ; DROP ALL ; #`` can only ever be one string literal.

    Raises AikgError when a name is not a variable name or a value does not survive a
    round trip through Oxigraph's parser as exactly one term.
    """
    if not bind:
        return sparql
    import pyoxigraph as ox

    names = list(bind)
    for name in names:
        if not _VAR.fullmatch(name.lstrip("?$")):
            raise AikgError(f"{name!r} is not a SPARQL variable name")
    if "SERVICE" in sparql_tokens(sparql)[1]:
        raise AikgError("cannot bind values into a query that uses SERVICE")
    variables = [name.lstrip("?$") for name in names]
    terms = [_term(bind[name]) for name in names]
    block = "VALUES (" + " ".join(f"?{v}" for v in variables) + ") { (" + " ".join(str(t) for t in terms) + ") }"
    # the block alone must give back exactly the intended terms
    try:
        rows = list(ox.Store().query(f"SELECT * WHERE {{ {block} }}"))
    except SyntaxError as err:
        raise AikgError(f"a bound value does not make a valid SPARQL term ({err})") from None
    if len(rows) != 1 or any(rows[0][v] != t for v, t in zip(variables, terms)):
        raise AikgError("a bound value does not survive as one SPARQL term; refused")
    # in every group (substitution semantics: FILTERs of nested groups see the value too)
    bound = sparql
    for brace in reversed(_group_braces(sparql)):
        bound = f"{bound[: brace + 1]} {block}\n{bound[brace + 1 :]}"
    try:
        ox.Store().query(bound, prefixes=prefixes)  # the rewritten query must still be one valid query
    except SyntaxError as err:
        raise AikgError(f"cannot bind values into this query ({err})") from None
    return bound


def query_store(store, sparql: str, bind: dict | None = None, *, prefixes: dict[str, str] | None = None):
    """Run ``sparql`` on a pyoxigraph store with ``bind`` (variable name -> value) bound.

    Values become pyoxigraph terms. When every bound variable is projected, they are
    passed as ``substitutions`` (SEP-0007: the variable is replaced by the term);
    pyoxigraph refuses substitutions of unprojected variables (the named queries'
    ``FILTER(!BOUND(?name) || ...)`` parameters), and those are bound with the
    verified VALUES block of :func:`bind_values` instead. Raises AikgError for a
    malformed query.
    """
    import pyoxigraph as ox

    try:
        if not bind:
            return store.query(sparql, prefixes=prefixes)
        substitutions = {ox.Variable(name.lstrip("?$")): _term(value) for name, value in bind.items()}
        try:
            return store.query(sparql, prefixes=prefixes, substitutions=substitutions)
        except RuntimeError as err:
            if "projection" not in str(err) and "substitut" not in str(err):
                raise
        return store.query(bind_values(sparql, bind, prefixes=prefixes), prefixes=prefixes)
    except SyntaxError as err:
        raise AikgError(f"malformed query: {err}") from None


# --- aikg.query's fast path: named queries on the persisted store, without rdflib ----------

# aikg's prefixes as plain strings (aikg.graph.namespaces.PREFIXES imports rdflib)
PREFIXES = {
    "aikg": "https://w3id.org/aikg/ontology#",
    "ent": "https://w3id.org/aikg/entity/",
    "art": "https://w3id.org/aikg/article/",
    "stmt": "https://w3id.org/aikg/statement/",
    "wd": "http://www.wikidata.org/entity/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}
_TOKEN_VAR = re.compile(r"[?$]([A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)")
_WORD = re.compile(r"(?<![\w:?$-])([A-Za-z]+)(?![\w:-])")
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_IRI_FORBIDDEN = re.compile(r'[\s<>"{}|^`\\]')
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {f"{_XSD}{t}" for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}


def sparql_tokens(sparql: str) -> tuple[set[str], list[str]]:
    """(variable names, upper-cased keywords in order) outside strings, IRIs and comments."""
    variables: set[str] = set()
    words: list[str] = []
    pos = 0
    while pos < len(sparql):
        skip = _SKIP.match(sparql, pos)
        if skip:
            pos = skip.end()
            continue
        var = _TOKEN_VAR.match(sparql, pos)
        if var:
            variables.add(var.group(1))
            pos = var.end()
            continue
        word = _WORD.match(sparql, pos)
        if word:
            words.append(word.group(1).upper())
            pos = word.end()
            continue
        pos += 1
    return variables, words


def bound_terms(variables: set[str], bind: dict | None) -> dict:
    """``--bind name=value`` pairs as RDF terms; a name the query does not have is an error."""
    terms = {}
    for name, value in (bind or {}).items():
        name = name.lstrip("?$")
        if name not in variables:
            known = ", ".join(f"?{v}" for v in sorted(variables)) or "none"
            raise AikgError(f"the query has no variable ?{name} to bind (its variables: {known})")
        terms[name] = bind_term(value)
    return terms


def bind_term(value: str, prefixes: dict[str, str] | None = None):
    """The pyoxigraph term a ``--bind`` value stands for (aikg.query.parse_bind_value's rules).

    ``<https://…>`` is an IRI; ``prefix:local`` with a known prefix is an IRI; ``"…"``
    is a literal of what is inside the quotes; anything else is a plain string literal.
    """
    import pyoxigraph as ox

    prefixes = PREFIXES if prefixes is None else prefixes
    if len(value) >= 2 and value.startswith("<") and value.endswith(">"):
        iri = value[1:-1]
        if not iri or _IRI_FORBIDDEN.search(iri) or ":" not in iri:
            raise AikgError(f"not a valid IRI: {value}")
        return ox.NamedNode(check_iri(iri))
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return ox.Literal(value[1:-1])
    prefix, sep, local = value.partition(":")
    if sep and prefix in prefixes and not _IRI_FORBIDDEN.search(local):
        return ox.NamedNode(check_iri(prefixes[prefix] + local))
    return ox.Literal(value)


def run_query(graph_dir, sparql: str, bind: dict | None = None, *, limit: int, timeout: float | None):
    """``aikg.query.run`` on the persisted store: a QueryResult, or None to fall back to rdflib.

    Same checks as the rdflib path (read-only, no SERVICE, no FROM, bound variables
    must occur in the query), same binding rules, aikg's prefixes predeclared; terms
    in the result are pyoxigraph terms (aikg.query's formatters read both kinds).
    None when pyoxigraph is missing, ``AIKG_QUERY_ENGINE=rdflib`` is set, or the
    store cannot be built (e.g. an unwritable cache). A query cannot be interrupted
    inside pyoxigraph: past ``timeout`` the caller gets AikgError at once and the
    evaluation finishes in a daemon thread (``aikg serve`` kills a worker process instead).
    """
    import threading

    if os.environ.get("AIKG_QUERY_ENGINE", "").lower() == "rdflib":
        return None
    try:
        import pyoxigraph  # noqa: F401 - without the store engine, rdflib answers
    except ImportError:
        return None

    if not sparql or not sparql.strip():
        raise AikgError("empty SPARQL query")
    variables, words = sparql_tokens(sparql)
    forms = [w for w in words if w in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")]
    if not forms and _UPDATE_WORDS.intersection(words):
        raise AikgError("SPARQL updates are not allowed: aikg queries are read-only")
    if "SERVICE" in words:
        raise AikgError("SERVICE is not allowed: aikg queries run offline on the local graph")
    if "FROM" in words:
        raise AikgError("FROM / FROM NAMED are not allowed: a query runs on the graph given with --graph")
    terms = bound_terms(variables, bind)
    try:
        store = open_store(graph_dir)
    except OSError:
        return None
    box: dict = {}

    def work() -> None:
        try:
            box["result"] = answer_result(query_store(store, sparql, terms, prefixes=PREFIXES), limit)
        except AikgError as err:
            box["error"] = err
        except Exception as err:  # noqa: BLE001 - reported to the caller below
            box["error"] = AikgError(f"query failed: {' '.join(str(err).split()) or type(err).__name__}")

    started = time.perf_counter()
    worker = threading.Thread(target=work, name="aikg-query-store", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise AikgError(f"query timed out after {timeout:g} s")
    if "error" in box:
        raise box["error"]
    result = box["result"]
    result.seconds = time.perf_counter() - started
    return result


def answer_result(answer, limit: int):
    """A pyoxigraph answer (solutions, triples or a boolean) as a QueryResult of at most ``limit`` rows."""
    import pyoxigraph as ox

    from aikg.query import QueryResult

    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(["boolean"], [(bool(answer),)], "ask", bool(answer))
    if isinstance(answer, (list, ox.QueryTriples)):
        names, kind = ["subject", "predicate", "object"], "graph"
        rows_iter = ((t.subject, t.predicate, t.object) for t in answer)
    else:
        names, kind = [v.value for v in answer.variables], "select"
        rows_iter = (tuple(solution[n] for n in names) for solution in answer)
    rows, capped = [], False
    for row in rows_iter:
        if len(rows) == limit:
            capped = True
            break
        rows.append(row)
    return QueryResult(names, rows, kind, capped=capped, limit=limit)


def is_oxigraph_term(term) -> bool:
    return type(term).__module__ == "pyoxigraph"


def term_python(term):
    """A pyoxigraph term as aikg.query's rows show it: numbers and booleans typed, the rest text."""
    kind = type(term).__name__
    if kind != "Literal":
        return term.value
    datatype = term.datatype.value
    try:
        if datatype in _INTEGERS:
            return int(term.value)
        if datatype in (f"{_XSD}double", f"{_XSD}float"):
            return float(term.value)
        if datatype == f"{_XSD}boolean":
            return term.value in ("true", "1")
    except ValueError:
        pass
    return term.value


def term_compact(term, namespaces) -> str:
    kind = type(term).__name__
    if kind == "NamedNode":
        text = term.value
        for prefix, namespace in namespaces:
            if text.startswith(namespace) and len(text) > len(namespace):
                return f"{prefix}:{text[len(namespace):]}"
        return f"<{text}>"
    if kind == "Literal":
        return term.value
    return f"_:{term.value}"


def term_json(term) -> dict:
    kind = type(term).__name__
    if kind == "NamedNode":
        return {"type": "uri", "value": term.value}
    if kind == "BlankNode":
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != f"{_XSD}string":
        out["datatype"] = term.datatype.value
    return out


def term_tsv(term, escapes: dict[str, str]) -> str:
    kind = type(term).__name__
    if kind == "NamedNode":
        return f"<{term.value}>"
    if kind == "BlankNode":
        return f"_:{term.value}"
    text = "".join(escapes.get(ch, ch) for ch in term.value)
    if term.language:
        return f'"{text}"@{term.language}'
    datatype = term.datatype.value
    if datatype == f"{_XSD}integer" and re.fullmatch(r"[+-]?\d+", term.value):
        return term.value
    if datatype != f"{_XSD}string":
        return f'"{text}"^^<{datatype}>'
    return f'"{text}"'


def term_csv(term) -> str:
    return f"_:{term.value}" if type(term).__name__ == "BlankNode" else term.value


# --- the extraction cache: one pickled DocumentResult per (document, extractor) -----------------


def _extractor_fingerprint() -> str:
    """Everything an extraction result depends on besides the document: lexicon, rules, code, versions."""
    import sys

    import aikg

    digest = hashlib.sha256()
    digest.update(f"aikg {aikg.__version__} python {sys.version_info[:2]}\0".encode())
    package = Path(aikg.__file__).resolve().parent
    sources = [paths.LEXICON, paths.RULES, package / "corpus.py", package / "records.py"]
    sources += sorted((package / "extract").glob("*.py"))
    for path in sources:
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except FileNotFoundError:
            digest.update(b"<missing>")
        digest.update(b"\0")
    for module in ("spacy", "jieba"):
        try:
            from importlib.metadata import version

            digest.update(f"{module} {version(module)}\0".encode())
        except Exception:  # noqa: BLE001 - a missing distribution only weakens the key
            digest.update(f"{module} ?\0".encode())
    return digest.hexdigest()


class ExtractionCache:
    """Per-document extraction results in the cache dir, keyed by content + extractor fingerprint.

    ``get`` returns a cached ``DocumentResult`` or None; ``put`` stores one. The counters
    ``hits`` and ``misses`` tell what a build reused. A file is written to a temporary
    name and renamed, so concurrent builds never read half a pickle; an unreadable
    entry is a miss.
    """

    def __init__(self, root: Path | None = None):
        self.fingerprint = _extractor_fingerprint()
        self.root = Path(root or cache_root() / "extract")
        self.folder = self.root / self.fingerprint[:24]
        self.hits = 0
        self.misses = 0
        if self.folder.is_dir():
            os.utime(self.folder)  # in use: prune() keeps it
        self.prune()

    def key(self, doc, articles) -> str:
        digest = hashlib.sha256()
        for part in (doc.sha256, doc.path, doc.slug, repr(articles)):
            digest.update(str(part).encode() + b"\0")
        return digest.hexdigest()

    def get(self, doc, articles):
        import pickle

        path = self.folder / f"{self.key(doc, articles)}.pickle"
        try:
            with open(path, "rb") as handle:
                result = pickle.load(handle)
            if result.document != doc or result.articles != list(articles):
                raise ValueError("stale entry")
        except Exception:  # noqa: BLE001 - missing, truncated or stale: extract again
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, doc, articles, result) -> None:
        """Keep ``result``; a cache that cannot be written (read-only, full, not a folder) is skipped."""
        import pickle

        path = self.folder / f"{self.key(doc, articles)}.pickle"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.folder)
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def prune(self, max_age: float = 7 * 86400.0) -> None:
        """Drop the results of other extractor versions not used for a week."""
        if not self.root.is_dir():
            return
        now = time.time()
        for child in self.root.iterdir():
            if child != self.folder and child.is_dir() and now - child.stat().st_mtime > max_age:
                shutil.rmtree(child, ignore_errors=True)
