"""Build of the bundled report, stage by stage (cold process, extraction cache off), and `aikg build` wall time."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from common import REPO, fmt, run_child, scratch, table

CHILD = """
import time
t0 = time.perf_counter()
from pathlib import Path
from aikg.build import build
from aikg.extract.pipeline import build_nlp
imported = time.perf_counter() - t0
t = time.perf_counter(); build_nlp(); nlp = time.perf_counter() - t
report = build(None, Path({out!r}), cache=False)
RESULT = dict(imported=imported, nlp=nlp, **report.seconds, triples=report.triples)
try:
    from aikg.analyze import load
    from aikg.viz import render_site
    t = time.perf_counter(); render_site(load(Path({out!r})), Path({site!r})); RESULT["html"] = time.perf_counter() - t
except ImportError:
    pass
RESULT["total"] = time.perf_counter() - t0
"""


def main() -> str:
    work = scratch("build")
    env = {"XDG_CACHE_HOME": str(work / "cache")}
    result = run_child(CHILD.format(out=str(work / "out"), site=str(work / "site")), env)
    stages = [("imports", "imported"), ("spaCy + jieba pipeline", "nlp"), ("read", "read"), ("extract", "extract"),
              ("RDF (graph + Turtle)", "rdf"), ("SHACL", "shacl"), ("write", "write"), ("HTML site (aikg.viz)", "html")]
    rows = [[name, fmt(result[key])] for name, key in stages if key in result]
    rows.append(["**total in-process**", fmt(result["total"])])

    def cli(*extra: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "aikg", "build", "--quiet", "--out", str(work / "cli"), *extra],
                       check=True, cwd=REPO, env={**__import__("os").environ, **env})
        return time.perf_counter() - start

    cold = statistics.median(cli("--no-cache") for _ in range(3))
    cli()  # fill the extraction cache
    warm = statistics.median(cli() for _ in range(3))
    rows.append(["`aikg build --no-cache` wall (median of 3)", fmt(cold)])
    rows.append(["`aikg build` wall, extraction cached (median of 3)", fmt(warm)])
    return table(["stage", "seconds"], rows, f"Build of the bundled report ({result['triples']} triples, peak {result['peak_mib']:.0f} MiB)")


if __name__ == "__main__":
    print(main())
