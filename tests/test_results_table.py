"""`--format table`: the per-distinct-cell renderer writes exactly what rich's Table prints."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from aikg import paths
from aikg.query import load_query, run
from aikg.results import _plain_table, _rich_table, format_result

WIDTHS = (24, 50, 80, 120, 251)


def _console(width: int) -> Console:
    return Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False, highlight=False, soft_wrap=False)


def _both(variables, cells, caption, width):
    fast = _plain_table(_console(width), variables, cells, caption)
    return fast, _rich_table(_console(width), variables, cells, caption)


def test_every_named_query_on_the_real_build_prints_as_rich_prints_it(built_graph: Path):
    checked = fast_paths = 0
    for path in sorted(paths.QUERIES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        binds = [{}] + [{n: v} for n, v in re.findall(r"^#\s*bind:\s*\?(\w+).*?e\.g\.\s*(.+?)\s*$", text, re.M)]
        for bind in binds:
            result = run(built_graph, load_query(path.stem).sparql, bind)
            for width in (24, 70, 120):
                printed = format_result(result, "table", width=width)
                cells = [[line for line in row] for row in _cells(result)]
                fast, slow = _both(result.variables, cells, _caption(result), width)
                assert printed == (fast if fast is not None else slow)
                if fast is not None:
                    assert fast == slow, (path.stem, bind, width)
                    fast_paths += 1
                checked += 1
    assert checked > 150 and fast_paths > checked * 0.8


def _cells(result):
    from aikg.results import _compact, terminal_safe
    from aikg.sparql import PREFIXES

    namespaces = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))
    return [[terminal_safe(_compact(term, namespaces)) for term in row] for row in result.terms]


def _caption(result) -> str:
    count = len(result.terms)
    caption = f"{count} row{'s' if count != 1 else ''}"
    return caption + (f" (capped at {result.limit}; raise --limit for more)" if result.capped else "")


TEXT = st.text(
    alphabet=st.sampled_from(list("ab Z9-_.:/") + list("中文模型阿里") + ["\n", "\t", "é", "Ｑ", "😀", "\u3000", "\u200b"]),
    max_size=40,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 5).flatmap(lambda n: st.tuples(
        st.lists(st.text(alphabet="abcxyz中", min_size=1, max_size=12), min_size=n, max_size=n),
        st.lists(st.lists(TEXT, min_size=n, max_size=n), max_size=12),
    )),
    st.sampled_from(WIDTHS),
)
def test_random_tables_print_as_rich_prints_them(table, width):
    variables, rows = table
    # repeated cells are the point of the renderer: repeat some rows
    rows = rows + rows[: len(rows) // 2]
    fast, slow = _both(variables, rows, f"{len(rows)} rows", width)
    if fast is not None:
        assert fast == slow
