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

# the same cold extraction with its one-time loads timed first, each on its own: what is left is
# the per-text work (jieba, spaCy Doc creation, aikg's rules, the models)
EXTRACT_PARTS = """
import time
from pathlib import Path
parts = {{}}
def timed(name, call):
    t = time.perf_counter(); call(); parts[name] = time.perf_counter() - t
from aikg.corpus import read_corpus
from aikg.extract import extract
from aikg.extract.pipeline import _english_nlp, build_nlp
from aikg import paths
timed("spaCy zh + jieba + lexicon pipeline", build_nlp)
timed("jieba word-tag table", lambda: __import__("aikg.extract.wordtags", fromlist=["x"]).tag_table())
timed("pypinyin (slugs)", lambda: __import__("pypinyin").lazy_pinyin("中文"))
timed("spaCy en pipeline", lambda: _english_nlp(paths.LEXICON, paths.RULES))
timed("relation + type model JSON", lambda: (__import__("aikg.extract.relmodel", fromlist=["x"]).load_model(),
                                          __import__("aikg.extract.typer", fromlist=["x"]).load_typer()))
docs = read_corpus([Path({corpus!r})])
timed("per-text work", lambda: extract(docs))
RESULT = dict(parts=parts, chars=sum(len(d.text) for d, _ in docs))
"""

# an explore command in process: its imports, loading the graph (and its cached analytics), the command
EXPLORE_PARTS = """
import time
parts = {{}}
t = time.perf_counter(); import aikg.explore as ex; parts["import aikg.explore"] = time.perf_counter() - t
t = time.perf_counter(); kg = ex.load({graph!r}); parts["load the graph"] = time.perf_counter() - t
t = time.perf_counter(); ex.neighbors(kg, "Qwen"); parts["neighbors Qwen"] = time.perf_counter() - t
t = time.perf_counter(); ex.path(kg, "Qwen", "阿里巴巴"); parts["path Qwen 阿里巴巴"] = time.perf_counter() - t
t = time.perf_counter(); ex.top(kg); parts["top"] = time.perf_counter() - t
RESULT = dict(parts=parts)
"""

# a command's own floor: the interpreter, aikg's CLI imports, and nothing else
STARTUP = ["-c", "import aikg.cli"]
STAGES = re.compile(r"\((read [^)]*)\)", re.S)

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
        self.child_env = {k: v for k, v in self.env.items() if k in ("PYTHONPATH", "XDG_CACHE_HOME")}  # for run_child

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


def build_stages(tree: Tree) -> dict[str, float]:
    """The stage times `aikg build --no-cache` prints (read, extract, rdf, shacl, write) and the
    rest of its wall time (process start, imports, the spaCy/jieba pipeline, the HTML pages)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "aikg", "build", "--no-cache", "--out", str(scratch("stages"))],
                          capture_output=True, text=True, env=tree.env, cwd=tree.root)
    wall = time.perf_counter() - start
    found = STAGES.search(" ".join((done.stdout + done.stderr).split()))
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"{tree.name}: no stage times in `aikg build` output: {done.stdout[-500:]} {done.stderr[-500:]}")
    stages = {name: float(value) for name, value in re.findall(r"(\w+) ([\d.]+)s", found.group(1))}
    return {**stages, "rest (start, imports, pipeline load, pages)": wall - sum(stages.values())}


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
            result = run_child(EXTRACT.format(corpus=str(corpus)), tree.child_env)
            note("extract chars/s", tree, result["chars"] / result["seconds"])
            note("extract pipeline load s", tree, result["nlp"])
            parts = run_child(EXTRACT_PARTS.format(corpus=str(corpus)), tree.child_env)
            for part, seconds in parts["parts"].items():
                note(f"cause: extraction {part} s", tree, seconds)
            note("cause: extraction per-text chars/s", tree, parts["chars"] / parts["parts"]["per-text work"])
            note("cause: process start + `import aikg.cli` s", tree, tree.wall(STARTUP))
            explore = run_child(EXPLORE_PARTS.format(graph=str(tree.graph)), tree.child_env)
            for part, seconds in explore["parts"].items():
                note(f"cause: explore {part} s", tree, seconds)
            for stage, seconds in build_stages(tree).items():
                note(f"cause: build stage {stage} s", tree, seconds)
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
    causes = [label for label in medians if label.startswith("cause: ")]
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
        if label in causes:
            continue
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
    why = table(["where the time goes (s, same runs)", *names], [[c[7:], *(fmt(medians[c][n]) for n in names)] for c in causes],
                "Measured causes (a target above is missed where these add up past it)")
    return head + "\n" + detail + "\n" + why + "\n" + "\n".join(verdicts(medians, names, queries))


def verdicts(medians: dict[str, dict[str, float]], names: list[str], queries: list[str]) -> list[str]:
    """One line per target and tree: met, or missed with the measured figures that explain it."""
    lines = []
    for name in names:
        m = {label: per[name] for label, per in medians.items()}
        floor, build, cheapest = m["floor"], m["build"], min(m[q] for q in queries)
        startup = m["cause: process start + `import aikg.cli` s"]
        stages = {k[len("cause: build stage "):-2]: v for k, v in m.items() if k.startswith("cause: build stage ")}
        parts = {k[len("cause: extraction "):-2]: v for k, v in m.items() if k.startswith("cause: extraction ") and k.endswith(" s")}
        loads = sum(v for k, v in parts.items() if k != "per-text work")
        slowest = max(queries, key=lambda q: m[q])
        explore = max((k for k in m if k.startswith("explore ")), key=lambda k: m[k])
        top = sorted(stages.items(), key=lambda kv: -kv[1])[:3]
        lines.append(f"- {name}: build {build / floor:.2f}x its floor: {'met' if build <= 1.5 * floor else 'missed'}; "
                     f"{build - floor:.2f} s above the floor, the largest stages " + ", ".join(f"{k} {v:.2f} s" for k, v in top) + ".")
        lines.append(f"- {name}: slowest named query ({slowest[6:]}) {m[slowest] / cheapest:.2f}x the cheapest: "
                     f"{'met' if m[slowest] <= 1.5 * cheapest else 'missed'}; every command pays {startup:.2f} s of process start and "
                     f"imports, the cheapest takes {cheapest:.2f} s, the slowest {m[slowest] - cheapest:.2f} s more, of which "
                     f"{m[slowest] - m.get('tsv ' + slowest[6:], m[slowest]):.2f} s rendering its table (as tsv {m.get('tsv ' + slowest[6:], float('nan')):.2f} s)"
                     " and the rest running the query and writing its rows.")
        inside = {k[len("cause: explore "):-2]: v for k, v in m.items() if k.startswith("cause: explore ")}
        lines.append(f"- {name}: slowest explore ({explore}) {m[explore] / cheapest:.2f}x the cheapest query: "
                     f"{'met' if m[explore] <= 1.5 * cheapest else 'missed'} ({m[explore] - cheapest:.2f} s more); in process: "
                     + ", ".join(f"{k} {v:.2f} s" for k, v in inside.items()) + f", after {startup:.2f} s of process start and CLI imports; "
                     f"the other {m[explore] - startup - inside.get('import aikg.explore', 0) - inside.get('load the graph', 0) - inside.get(explore[8:], 0):.2f} s "
                     "are the CLI's argument parsing (typer imports its pydantic adapters there), the command's imports and its table.")
        rate = m["extract chars/s"]
        lines.append(f"- {name}: cold extraction {rate / 1000:.0f}k chars/s: {'met' if rate >= 100_000 else 'missed'}; "
                     f"one-time loads {loads:.2f} s (" + ", ".join(f"{k} {v:.2f}" for k, v in parts.items() if k != "per-text work")
                     + f"), per-text work {parts['per-text work']:.2f} s = {m['cause: extraction per-text chars/s'] / 1000:.0f}k chars/s without the loads"
                     f" (100k chars/s is {parts['per-text work'] * m['cause: extraction per-text chars/s'] / 100_000:.2f} s for the whole report).")
    return lines


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
