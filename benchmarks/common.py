"""Helpers shared by the benchmark scripts: timing, tables, subprocess measurements."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent


def median_ms(fn, repeat: int = 15, warmup: int = 2) -> float:
    """Median wall time of ``fn()`` in milliseconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def table(headers: list[str], rows: list[list], title: str | None = None) -> str:
    """A GitHub-flavoured Markdown table."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    lines = []
    if title:
        lines += [f"### {title}", ""]
    lines.append("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |")
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
    return "\n".join(lines) + "\n"


def run_child(code: str, env: dict | None = None, timeout: float = 3600) -> dict:
    """Run Python ``code`` in a fresh interpreter; it prints one JSON object as its last line.

    The child's peak RSS (its own ru_maxrss, in MiB) is added as ``peak_mib``, and the
    largest peak of its own children (worker processes) as ``child_peak_mib``.
    """
    wrapper = code + "\nimport resource as _r, json as _j\nprint(_j.dumps({**RESULT, 'peak_mib': _r.getrusage(_r.RUSAGE_SELF).ru_maxrss / 1024, 'child_peak_mib': _r.getrusage(_r.RUSAGE_CHILDREN).ru_maxrss / 1024}))\n"
    done = subprocess.run(
        [sys.executable, "-c", wrapper],
        capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}, cwd=REPO,
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def scratch(prefix: str) -> Path:
    """A temporary folder (left for the OS to clean) with its own aikg cache."""
    return Path(tempfile.mkdtemp(prefix=f"aikg-bench-{prefix}-"))


def fmt(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}"


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

