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

It also runs queries on a store (``query_store``, ``run_query``: aikg.query's fast path)
and keeps the extraction cache. Nothing heavy is imported: pyoxigraph only, when called.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from aikg import paths
from aikg.errors import AikgError
from aikg.results import answer_result
from aikg.sparql import PREFIXES, UPDATE_WORDS, bind_values, bound_terms, sparql_tokens, to_term

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


# A graph.ttl up to this size is queried from an in-memory store parsed on each run
# instead: loading ~1 MiB of Turtle takes ~25 ms, about what opening RocksDB takes,
# and Oxigraph's in-memory store answers the named queries 3-7x faster (joins and
# ORDER BY decode terms without RocksDB lookups).
MEMORY_MAX_BYTES = 4 << 20
_memory: dict[tuple, object] = {}


def memory_store(graph_dir: Path | str):
    """An in-memory ``pyoxigraph.Store`` of graph.ttl + the ontology (the persisted store's
    content); kept per process while the files are unchanged. Callers only query it."""
    import pyoxigraph as ox

    graph_path = graph_file(graph_dir)
    sources = (graph_path, paths.ONTOLOGY)
    key = tuple((str(p.resolve()), p.stat().st_mtime_ns, p.stat().st_size) for p in sources)
    store = _memory.get(key)
    if store is None:
        store = ox.Store()
        try:
            for source in sources:
                store.bulk_load(path=str(source), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        except SyntaxError as err:
            raise AikgError(f"{graph_path}: not valid Turtle ({err})") from None
        _memory.clear()
        _memory[key] = store
    return store


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
        # Another process may rename or remove any entry between iterdir() and stat().
        try:
            if child == keep or child.name.startswith("."):
                if child.name.startswith(".") and now - child.stat().st_mtime > 86400:
                    shutil.rmtree(child, ignore_errors=True)  # a crashed build's temporary folder
                continue
            marker = child / _MARKER
            used = marker.stat().st_mtime if marker.is_file() else child.stat().st_mtime
        except FileNotFoundError:
            continue
        stores.append((used, child))
    stores.sort(reverse=True)
    for used, child in stores[max_stores - 1:]:
        if now - used > min_age:
            shutil.rmtree(child, ignore_errors=True)


# --- querying the store ----------------------------------------------------------------------

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
        substitutions = {ox.Variable(name.lstrip("?$")): to_term(value) for name, value in bind.items()}
        try:
            return store.query(sparql, prefixes=prefixes, substitutions=substitutions)
        except RuntimeError as err:
            if "projection" not in str(err) and "substitut" not in str(err):
                raise
        return store.query(bind_values(sparql, bind, prefixes=prefixes), prefixes=prefixes)
    except SyntaxError as err:
        raise AikgError(f"malformed query: {err}") from None


def run_query(graph_dir, sparql: str, bind: dict | None = None, *, limit: int, timeout: float | None):
    """``aikg.query.run`` on Oxigraph: a QueryResult, or None to fall back to rdflib.

    A graph.ttl of at most MEMORY_MAX_BYTES is loaded into memory; a larger one is queried
    on its persisted store. Same checks as the rdflib path (read-only, no SERVICE, no FROM, bound variables
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
    if not forms and UPDATE_WORDS.intersection(words):
        raise AikgError("SPARQL updates are not allowed: aikg queries are read-only")
    if "SERVICE" in words:
        raise AikgError("SERVICE is not allowed: aikg queries run offline on the local graph")
    if "FROM" in words:
        raise AikgError("FROM / FROM NAMED are not allowed: a query runs on the graph given with --graph")
    terms = bound_terms(variables, bind)
    try:
        small = graph_file(graph_dir).stat().st_size <= MEMORY_MAX_BYTES
        store = memory_store(graph_dir) if small else open_store(graph_dir)
    except OSError:
        return None
    box: dict = {}

    def work() -> None:
        from aikg.comention import answer

        try:
            box["result"] = answer(store, sparql, terms or {}, limit) or answer_result(
                query_store(store, sparql, terms, prefixes=PREFIXES), limit
            )
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


def write_cache_file(path: Path, data: bytes) -> bool:
    """Write a cache entry through a temporary file renamed into place, so a concurrent reader
    never sees half of it; False (nothing written) when the cache cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        return False
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


# --- the extraction cache: one pickled DocumentResult per (document, extractor) -----------------


def _extractor_fingerprint() -> str:
    """Everything an extraction result depends on besides the document: lexicon, rules, code, versions."""
    import sys

    import aikg

    digest = hashlib.sha256()
    digest.update(f"aikg {aikg.__version__} python {sys.version_info[:2]}\0".encode())
    package = Path(aikg.__file__).resolve().parent
    sources = [paths.LEXICON, paths.RULES, paths.ONTOLOGY_DIR / "bylines.toml"]
    sources += [package / "corpus.py", package / "byline.py", package / "records.py", package / "patterns.py"]
    sources += sorted((package / "extract").glob("*.py")) + sorted((package / "extract" / "model").glob("*.json"))
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

        write_cache_file(self.folder / f"{self.key(doc, articles)}.pickle", pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))

    def prune(self, max_age: float = 7 * 86400.0) -> None:
        """Drop the results of other extractor versions not used for a week."""
        if not self.root.is_dir():
            return
        now = time.time()
        for child in self.root.iterdir():
            try:
                stale = child != self.folder and child.is_dir() and now - child.stat().st_mtime > max_age
            except FileNotFoundError:  # removed by a concurrent prune
                continue
            if stale:
                shutil.rmtree(child, ignore_errors=True)
