"""Every named query on the bundled graph: rdflib in memory vs the persisted Oxigraph store.

Both are loaded once, then each query runs repeatedly (median reported), unbound
and with the example binding of its ``# bind:`` header. Rows must agree.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

from common import REPO, median_ms, scratch, table

BIND = re.compile(r"^#\s*bind:\s*\?(\w+).*?e\.g\.\s*(.+?)\s*$", re.M)


def named_query_texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((REPO / "queries").glob("*.rq"))}


def examples(text: str) -> list[dict[str, str]]:
    return [{name: value} for name, value in BIND.findall(text)]


def bundled_graph() -> Path:
    """The committed extracted/ if it has a graph, else a fresh build of the bundled report."""
    committed = REPO / "extracted"
    if (committed / "graph.ttl").is_file():
        return committed
    out = scratch("graph")
    from aikg.build import build

    build(None, out, cache=False)
    return out


def main(graph_dir: Path | None = None, repeat: int = 21) -> str:
    os.environ.setdefault("XDG_CACHE_HOME", str(scratch("qcache")))
    import rdflib

    from aikg import paths
    from aikg.query import parse_bind_value
    from aikg.sparql import bind_term
    from aikg.store import open_store, query_store

    graph_dir = graph_dir or bundled_graph()
    t = time.perf_counter()
    g = rdflib.Graph().parse(graph_dir / "graph.ttl", format="turtle").parse(paths.ONTOLOGY, format="turtle")
    rdflib_load = time.perf_counter() - t
    t = time.perf_counter()
    store = open_store(graph_dir)  # first call builds the store in the cache
    store_build = time.perf_counter() - t
    t = time.perf_counter()
    store = open_store(graph_dir)
    store_open = time.perf_counter() - t
    rows = []
    worst = 0.0
    for name, text in named_query_texts().items():
        for bind in [{}, *examples(text)]:
            label = name + ("" if not bind else " " + ", ".join(f"?{k}={v}" for k, v in bind.items()))
            init = {k: parse_bind_value(v) for k, v in bind.items()}  # the CLI's --bind rules, both engines
            bind = {k: bind_term(v) for k, v in bind.items()}
            o_rows = len(list(query_store(store, text, bind)))
            r_rows = len(list(g.query(text, initBindings=init)))
            t = time.perf_counter()
            list(g.query(text, initBindings=init))
            r_slow = time.perf_counter() - t > 1.0
            r_ms = median_ms(lambda: list(g.query(text, initBindings=init)), repeat=1 if r_slow else 5, warmup=0)
            t = time.perf_counter()
            list(query_store(store, text, bind))
            slow = time.perf_counter() - t > 0.5  # a bad plan: a few runs are enough
            o_ms = median_ms(lambda: list(query_store(store, text, bind)), repeat=3 if slow else repeat, warmup=0 if slow else 2)
            worst = max(worst, o_ms)
            print(f"  {label}: rdflib {r_ms:.1f} ms, store {o_ms:.2f} ms", file=sys.stderr, flush=True)
            rows.append([label, f"{r_ms:.1f}", f"{o_ms:.2f}", f"{r_ms / o_ms:.0f}x", o_rows if o_rows == r_rows else f"{o_rows} vs {r_rows}!"])
    rows.append(["(load) rdflib parse graph + ontology", f"{rdflib_load * 1000:.0f}", "", "", len(g)])
    rows.append(["(load) store: first build / later open", "", f"{store_build * 1000:.0f} / {store_open * 1000:.0f}", "", len(store)])
    return table(["named query (bundled graph)", "rdflib ms", "Oxigraph store ms", "speed-up", "rows"], rows,
                 f"Named queries, median of repeated runs (worst store p50: {worst:.2f} ms)")


if __name__ == "__main__":
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
