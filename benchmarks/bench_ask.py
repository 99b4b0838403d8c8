"""`aikg ask QUESTION` against `aikg query NAME` end to end: subprocess wall time, median of N.

Both run on the same graph with a warm store in the cache (the first call, which builds it, is
left out). The target: ask ≤ 1.5× the time of query. Runs alternate ask and query so that a
busy machine slows both alike.
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

from bench_cli import wall
from common import scratch, table

QUESTIONS = (
    "阿里巴巴发布了哪些模型？",  # one hop, asked type
    "Who developed KAG?",  # one hop, English
    "蚂蚁集团的人写了哪些文章？",  # two hops
    "When was Qwen released?",  # declined (exit 1)
)
QUERY = "models-by-organization"


def main(graph_dir: Path | None = None, runs: int = 7) -> str:
    from bench_queries import bundled_graph

    graph_dir = graph_dir or bundled_graph()
    env = {**os.environ, "XDG_CACHE_HOME": str(scratch("askcache"))}
    aikg = [sys.executable, "-m", "aikg"]
    query = [*aikg, "query", QUERY, "--graph", str(graph_dir)]
    wall(query, env)  # builds the store once
    rows = []
    for question in QUESTIONS:
        ask = [*aikg, "ask", question, "--graph", str(graph_dir)]
        asked, queried = [], []
        for _ in range(runs):
            asked.append(wall(ask, env, check=False))
            queried.append(wall(query, env))
        a, q = statistics.median(asked), statistics.median(queried)
        rows.append([question, f"{a:.3f}", f"{q:.3f}", f"{a / q:.2f}"])
    return table(["question", "ask s", f"query {QUERY} s", "ask / query"], rows,
                 f"`aikg ask` vs `aikg query NAME`, wall, median of {runs} (target ≤ 1.5×)")


if __name__ == "__main__":
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
