"""The build: corpus files → extraction → RDF graph → SHACL check → extracted/graph.ttl."""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aikg import paths
from aikg.errors import AikgError


@dataclass
class BuildReport:
    """What a build did: where it wrote, what it holds, and how long each stage took."""

    out_dir: Path
    documents: int
    articles: int
    entities: int
    relations: int
    triples: int
    seconds: dict[str, float] = field(default_factory=dict)
    workers: int = 1
    extracted: int = 0  # documents extracted in this build
    cached: int = 0  # documents whose extraction came from the cache (unchanged since a build)


@contextmanager
def _build_lock(out_dir: Path):
    """One build at a time per output folder (a second one waits), so writes never interleave."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _umask() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_graph(out_dir: Path, data: bytes) -> None:
    """Write ``out_dir/graph.ttl`` through a temporary file beside it, renamed into place.

    Call with the build lock held: a temporary file of ours already there was left by a
    killed build (SIGKILL skips every cleanup) and is removed first. The file gets the
    usual permissions (0666 minus the umask), not mkstemp's private 0600.
    """
    target = out_dir / paths.GRAPH_FILE
    for stale in out_dir.glob(f".{paths.GRAPH_FILE}.*.tmp"):
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{paths.GRAPH_FILE}.", suffix=".tmp", dir=out_dir)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:  # the rename itself survives a crash of the machine
        dir_fd = os.open(out_dir, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def build(
    inputs: list[Path] | None = None,
    out_dir: Path | None = None,
    *,
    validate: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
    workers: int = 1,
    cache: bool = True,
) -> BuildReport:
    """Build the graph of ``inputs`` (default: the bundled report) into ``out_dir``.

    The previous graph in ``out_dir`` stays intact until the new one is complete
    and has passed the SHACL shapes; then it is replaced in one rename.

    ``workers`` > 1 extracts documents in parallel processes; with ``cache``, each
    document's extraction is kept in the cache dir (``aikg.store.cache_root()``,
    never the output folder) and reused while the file, lexicon, rules and code are
    unchanged. The graph is always resolved from the current file set, so the output
    is byte-identical whatever ``workers`` and the cache hold.
    """
    from aikg.corpus import read_corpus
    from aikg.extract import extract
    from aikg.graph.rdf import to_graph, turtle_bytes

    inputs = inputs or [paths.DEFAULT_CORPUS]
    out_dir = Path(out_dir or paths.DEFAULT_OUT)
    if out_dir.exists() and not out_dir.is_dir():  # say so before a long extraction, not after
        raise AikgError(f"{out_dir}: exists and is not a folder; give a folder for graph.ttl")
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = round(now - clock, 3)
        clock = now

    documents = read_corpus(inputs)
    lap("read")
    total = len(documents)
    done = 0

    def on_document(doc) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(doc.path, done, total)

    if workers < 1:
        raise AikgError(f"--workers must be at least 1 (got {workers})")
    extraction_cache = None
    if cache:
        from aikg.store import ExtractionCache

        extraction_cache = ExtractionCache()
    extraction = extract(documents, progress=on_document, workers=workers, cache=extraction_cache)
    from aikg.extract.quantities import extract_observations

    extraction.observations = extract_observations(documents, extraction)
    lap("extract")
    graph = to_graph(extraction)
    data = turtle_bytes(graph)
    lap("rdf")
    if validate:
        from aikg.shacl import validate as shacl_validate

        conforms, report = shacl_validate(graph)
        lap("shacl")
        if not conforms:
            first = next((line.strip() for line in report.splitlines() if "Message:" in line), "see --debug")
            raise AikgError(f"built graph fails the SHACL shapes ({first}); {out_dir} left unchanged")
    try:
        with _build_lock(out_dir):
            _write_graph(out_dir, data)
    except OSError as err:
        raise AikgError(f"{out_dir}: cannot write {paths.GRAPH_FILE} ({err.strerror or err}); nothing was changed") from None
    lap("write")
    return BuildReport(
        out_dir=out_dir,
        documents=len(documents),
        articles=len(extraction.articles),
        entities=len(extraction.entities),
        relations=len(extraction.relations),
        triples=len(graph),
        seconds=seconds,
        workers=workers,
        extracted=extraction_cache.misses if extraction_cache else len(documents),
        cached=extraction_cache.hits if extraction_cache else 0,
    )
