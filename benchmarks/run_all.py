"""Run every benchmark and print the tables (Markdown). Takes several minutes (the 1M rdflib load dominates).

    python benchmarks/run_all.py            # everything
    python benchmarks/run_all.py --quick    # 1x/10x scaling, 200k synthetic triples
    python benchmarks/run_all.py --targets [--before DIR] [--after DIR]   # only issue #11's ratios

The first table is issue #11's targets, each figure as a ratio to its floor or yardstick;
``--before DIR`` (an older checkout, e.g. ``git archive <commit> | tar -x -C DIR``) adds
its figures, measured side by side.
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_1m  # noqa: E402
import bench_ask  # noqa: E402
import bench_build  # noqa: E402
import bench_cli  # noqa: E402
import bench_extract  # noqa: E402
import bench_load  # noqa: E402
import bench_queries  # noqa: E402
import bench_targets  # noqa: E402
from common import cores  # noqa: E402


def main() -> None:
    quick = "--quick" in sys.argv
    before = Path(sys.argv[sys.argv.index("--before") + 1]) if "--before" in sys.argv else None
    after = Path(sys.argv[sys.argv.index("--after") + 1]) if "--after" in sys.argv else None
    started = time.perf_counter()
    print(f"machine: {platform.machine()}, {cores()} cores, Python {platform.python_version()}\n")
    print("running targets...", file=sys.stderr)
    print(bench_targets.main(before, after=after), flush=True)
    if "--targets" in sys.argv:
        return
    for name, run in (
        ("build", bench_build.main),
        ("extract", (lambda: bench_extract.main((1, 10))) if quick else (lambda: bench_extract.main((1, 10, 50), (1, 2)))),
        ("queries", bench_queries.main),
        ("cli", bench_cli.main),
        ("ask", bench_ask.main),
        ("load", (lambda: bench_load.main(seconds=2.0)) if quick else bench_load.main),
        ("1m", (lambda: bench_1m.main(200_000)) if quick else bench_1m.main),
    ):
        print(f"running {name}...", file=sys.stderr)
        print(run(), flush=True)
    print(f"(all benchmarks: {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
