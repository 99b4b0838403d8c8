"""Extraction throughput and scaling: the bundled report at 1x, 10x, 50x (distinct file names).

Each size runs in its own process (time of read + extract + resolve; spaCy/jieba
loading reported apart); peak memory is that process's ru_maxrss.
"""

from __future__ import annotations

import sys

from common import REPO, fmt, run_child, scratch, table

CHILD = """
import time
from pathlib import Path
from aikg.corpus import read_corpus
from aikg.extract import extract
from aikg.extract.pipeline import build_nlp
t = time.perf_counter(); build_nlp(); nlp = time.perf_counter() - t
t = time.perf_counter()
docs = read_corpus([Path({folder!r})])
extraction = extract(docs, workers={workers})
seconds = time.perf_counter() - t
chars = sum(len(d.text) for d, _ in docs)
RESULT = dict(nlp=nlp, seconds=seconds, chars=chars, docs=len(docs), relations=len(extraction.relations))
"""


def corpus(copies: int):
    text = (REPO / "corpus" / "china-open-source-2024.txt").read_text(encoding="utf-8")
    folder = scratch(f"x{copies}")
    for i in range(copies):
        (folder / f"report-{i:03d}.txt").write_text(text, encoding="utf-8")
    return folder


def main(sizes=(1, 10, 50), workers=(1,)) -> str:
    rows = []
    base = None
    for n in workers:
        for copies in sizes:
            result = run_child(CHILD.format(folder=str(corpus(copies)), workers=n), timeout=7200)
            if copies == sizes[0] and n == workers[0]:
                base = result
            rate = result["chars"] / result["seconds"]
            rows.append([
                f"{copies}x", n, f"{result['chars']:,}", fmt(result["seconds"]), f"{rate / 1000:,.0f}k",
                fmt(result["seconds"] / base["seconds"] / (copies / sizes[0]), 2),
                f"{result['peak_mib']:.0f}" + (f" (+ workers {result['child_peak_mib']:.0f} each)" if result["child_peak_mib"] > 1 else ""),
                fmt(result["peak_mib"] / base["peak_mib"], 2), fmt(result["nlp"]),
            ])
            print(f"  extract {copies}x workers={n}: {result['seconds']:.1f}s", file=sys.stderr)
    return table(
        ["input", "workers", "chars", "extract s", "chars/s", "time / linear", "peak MiB", "peak / 1x", "pipeline load s"],
        rows, "Extraction scaling (bundled report repeated under distinct names)",
    )


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]] or [1, 10, 50]
    print(main(tuple(args)))
