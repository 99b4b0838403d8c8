"""`aikg query NAME` end to end: subprocess wall time (process start to last line), median of 5.

The first call of a new graph builds its store in the cache (reported apart);
later calls open it read-only. Also: which heavy modules the query path imports.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import REPO, scratch, table


def wall(args: list[str], env: dict, check: bool = True) -> float:
    """Seconds from process start to exit; ``check=False`` accepts any exit code (a declined question)."""
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=REPO)
    elapsed = time.perf_counter() - start
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr}")
    return elapsed


def main(graph_dir: Path | None = None, runs: int = 5) -> str:
    from bench_queries import bundled_graph

    graph_dir = graph_dir or bundled_graph()
    env = {**os.environ, "XDG_CACHE_HOME": str(scratch("clicache"))}
    aikg = [sys.executable, "-m", "aikg"]
    rows = []
    rows.append(["python -c pass", f"{statistics.median(wall([sys.executable, '-c', 'pass'], env) for _ in range(runs)):.3f}"])
    rows.append(["aikg --help", f"{statistics.median(wall([*aikg, '--help'], env) for _ in range(runs)):.3f}"])
    names = sorted(p.stem for p in (REPO / "queries").glob("*.rq"))
    first = wall([*aikg, "query", names[0], "--graph", str(graph_dir)], env)
    rows.append([f"aikg query {names[0]} (first call: builds the store)", f"{first:.3f}"])
    worst = 0.0
    for name in names:
        median = statistics.median(wall([*aikg, "query", name, "--graph", str(graph_dir)], env) for _ in range(runs))
        worst = max(worst, median)
        rows.append([f"aikg query {name}", f"{median:.3f}"])
    rdflib_env = {**env, "AIKG_QUERY_ENGINE": "rdflib"}
    rows.append([f"aikg query {names[0]} with AIKG_QUERY_ENGINE=rdflib",
                 f"{statistics.median(wall([*aikg, 'query', names[0], '--graph', str(graph_dir)], rdflib_env) for _ in range(runs)):.3f}"])
    probe = (
        "import sys, runpy; sys.argv = ['aikg', 'query', %r, '--graph', %r]\n"
        "try:\n    runpy.run_module('aikg', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "print('HEAVY', sorted(m for m in ('rdflib', 'spacy', 'jieba', 'networkx', 'pyshacl') if m in sys.modules), file=sys.stderr)"
    ) % (names[0], str(graph_dir))
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=REPO)
    heavy = [line for line in done.stderr.splitlines() if line.startswith("HEAVY")]
    rows.append(["heavy modules imported by `aikg query`", heavy[-1][6:] if heavy else done.stderr[-200:]])
    return table(["command (bundled graph)", f"wall s, median of {runs}"], rows, f"End to end (worst named query: {worst:.3f} s)")


if __name__ == "__main__":
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
