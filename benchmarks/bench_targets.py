"""Issue #11's figures in one run, each as a ratio to its floor or yardstick (subprocess wall times).

    python benchmarks/bench_targets.py                       # this checkout
    python benchmarks/bench_targets.py --before /tmp/old     # also an older checkout, side by side
    python benchmarks/bench_targets.py --after /tmp/new      # measure a snapshot instead of this checkout

* build: `aikg build --no-cache` of the bundled report / the floor, a bare
  ``spacy.blank("zh")`` with the jieba segmenter over the same text (process start
  and imports included);
* every named query (`aikg query NAME`, table output, unbound and with each example
  binding of its header) / the cheapest one; ``--format tsv`` apart, to tell the
  query from rich's table rendering;
* `aikg explore top | communities | neighbors | path` / the cheapest named query;
* single-worker cold extraction of the report in chars/s (a fresh process: lazy loads
  inside ``extract`` are counted, the spaCy/jieba pipeline load is reported apart).

Runs of the checkouts are interleaved, so both see the same machine load; each figure
is the median of ``--runs`` (default 3). ``--before`` runs an older tree's ``src/`` with
this interpreter (``git archive <commit> | tar -x -C DIR``).
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import REPO, fmt, run_child, scratch, table

FLOOR = """
import sys, spacy
text = open(sys.argv[1], encoding="utf-8").read()
nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
nlp(text)
"""

EXTRACT = """
import time
from pathlib import Path
from aikg.corpus import read_corpus
from aikg.extract import extract
from aikg.extract.pipeline import build_nlp
t = time.perf_counter(); build_nlp(); nlp = time.perf_counter() - t
docs = read_corpus([Path({corpus!r})])
t = time.perf_counter(); extract(docs); seconds = time.perf_counter() - t
RESULT = dict(nlp=nlp, seconds=seconds, chars=sum(len(d.text) for d, _ in docs))
"""

EXPLORE = (["explore", "top"], ["explore", "communities"], ["explore", "neighbors", "Qwen"], ["explore", "path", "Qwen", "阿里巴巴"])


def calls() -> list[tuple[str, list[str]]]:
    """(label, aikg arguments) of every named query, unbound and with each example binding."""
    found = []
    for path in sorted((REPO / "queries").glob("*.rq")):
        found.append((path.stem, ["query", path.stem]))
        for var, example in re.findall(r"^#\s*bind:\s*\?(\w+).*?e\.g\.\s*(.+?)\s*$", path.read_text(encoding="utf-8"), re.M):
            found.append((f"{path.stem} ?{var}={example}", ["query", path.stem, "--bind", f"{var}={example}"]))
    return found


class Tree:
    """One checkout: its src/ on PYTHONPATH, its own cache folder and output folder."""

    def __init__(self, name: str, root: Path):
        self.name, self.root = name, root
        work = scratch(f"targets-{name}")
        self.graph = work / "graph"
        self.env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache"), "PYTHONPATH": str(root / "src"), "COLUMNS": "120"}
        self.env.pop("AIKG_CACHE_DIR", None)

    def wall(self, args: list[str]) -> float:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, *args], capture_output=True, env=self.env, cwd=self.root)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"{self.name}: {' '.join(args)} failed: {done.stderr.decode()[-2000:]}")
        return elapsed

    def aikg(self, args: list[str]) -> float:
        graph = ["--graph", str(self.graph)]
        # `aikg explore` takes --graph before its subcommand
        return self.wall(["-m", "aikg", *args, *graph] if args[0] == "query" else ["-m", "aikg", args[0], *graph, *args[1:]])


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def measure(trees: list[Tree], runs: int) -> dict[str, dict[str, float]]:
    """label → tree name → median seconds (chars/s for the extraction row)."""
    corpus = REPO / "corpus" / "china-open-source-2024.txt"
    times: dict[str, dict[str, list[float]]] = {}

    def note(label: str, tree: Tree, value: float) -> None:
        times.setdefault(label, {}).setdefault(tree.name, []).append(value)

    for tree in trees:  # the graph every query runs on, and a warm store/analytics cache
        tree.wall(["-m", "aikg", "build", "--quiet", "--no-cache", "--out", str(tree.graph)])
        tree.aikg(["query", "article-authors"])
        for args in EXPLORE:
            tree.aikg(list(args))
    for run in range(runs):
        print(f"  run {run + 1}/{runs} (load {loadavg()})", file=sys.stderr)
        for tree in trees:
            note("floor", tree, tree.wall(["-c", FLOOR, str(corpus)]))
            note("build", tree, tree.wall(["-m", "aikg", "build", "--quiet", "--no-cache", "--out", str(scratch("out"))]))
            result = run_child(EXTRACT.format(corpus=str(corpus)), {k: v for k, v in tree.env.items() if k in ("PYTHONPATH", "XDG_CACHE_HOME")})
            note("extract chars/s", tree, result["chars"] / result["seconds"])
            note("extract pipeline load s", tree, result["nlp"])
            for label, args in calls():
                note(f"query {label}", tree, tree.aikg(args))
                if len(args) == 2:
                    note(f"tsv {label}", tree, tree.aikg([*args, "--format", "tsv"]))
            for args in EXPLORE:
                note(" ".join(args), tree, tree.aikg(list(args)))
    return {label: {name: statistics.median(values) for name, values in per.items()} for label, per in times.items()}


def report(trees: list[Tree], medians: dict[str, dict[str, float]], runs: int) -> str:
    names = [t.name for t in trees]
    queries = [label for label in medians if label.startswith("query ")]
    rows = []
    summary = []
    for name in names:
        floor = medians["floor"][name]
        cheapest = min(medians[q][name] for q in queries)
        slowest = max(queries, key=lambda q: medians[q][name])
        explore = [label for label in medians if label.startswith("explore ")]
        worst_explore = max(explore, key=lambda e: medians[e][name])
        rate = medians["extract chars/s"][name]
        summary.append([
            name,
            f"{medians['build'][name]:.2f} / {floor:.2f} = {medians['build'][name] / floor:.2f}x (≤ 1.5x)",
            f"{slowest[6:]}: {medians[slowest][name]:.2f} / {cheapest:.2f} = {medians[slowest][name] / cheapest:.2f}x (≤ 1.5x)",
            f"{worst_explore[8:]}: {medians[worst_explore][name]:.2f} / {cheapest:.2f} = {medians[worst_explore][name] / cheapest:.2f}x (≤ 1.5x)",
            f"{rate / 1000:.0f}k (≥ 100k)",
        ])
    for label, per in medians.items():
        cells = [label]
        for name in names:
            value = per[name]
            if label == "extract chars/s":
                cells.append(f"{value / 1000:.0f}k")
                continue
            if label == "extract pipeline load s":
                cells.append(fmt(value))
                continue
            base = medians["floor"][name] if label == "build" else min(medians[q][name] for q in queries)
            cells.append(f"{value:.3f} ({value / base:.2f}x)" if label != "floor" else f"{value:.3f}")
        rows.append(cells)
    head = table(["tree", "build / floor", "slowest named query / cheapest", "slowest explore / cheapest query", "cold extraction"],
                 summary, f"Issue #11 targets (median of {runs}; load average now {loadavg()})")
    detail = table(["figure (s; ratio to floor for build, to the cheapest named query otherwise)", *names], rows, "Every figure")
    return head + "\n" + detail


def main(before: Path | None = None, runs: int = 3, after: Path | None = None) -> str:
    trees = [Tree("after", after or REPO)] + ([Tree("before", before)] if before else [])
    start = loadavg()
    text = report(trees, measure(trees, runs), runs)
    return f"(load average at start: {start})\n\n" + text


if __name__ == "__main__":
    args = sys.argv[1:]
    before = Path(args[args.index("--before") + 1]) if "--before" in args else None
    after = Path(args[args.index("--after") + 1]) if "--after" in args else None
    runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 3
    print(main(before, runs, after))
