"""`aikg viz`: offline HTML pages of a built graph (index, overview, articles, entities, communities)."""

from __future__ import annotations

from pathlib import Path

import typer

from aikg.cli.app import app


@app.command()
def viz(
    graph: Path = typer.Option(None, "--graph", "-g", help="Folder holding graph.ttl (default: the committed build, extracted/).", show_default=False),
    out: Path = typer.Option(Path("site"), "--out", "-o", help="Folder to write the pages into (replaced as a whole)."),
    min_degree: int = typer.Option(2, "--min-degree", help="Write a page for every entity linked by facts to at least this many nodes."),
    min_community: int = typer.Option(3, "--min-community", help="Write a page for every community with at least this many entities."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """Write offline HTML pages of the graph (open OUT/index.html; works from file://, no network)."""
    from rich.console import Console

    from aikg.analyze import load
    from aikg.errors import AikgError
    from aikg.viz import render_site

    if min_degree < 1 or min_community < 1:
        raise AikgError("--min-degree and --min-community must be at least 1")
    kg = load(graph)
    report = render_site(kg, out, min_degree=min_degree, min_community=min_community)
    Console(stderr=True, quiet=quiet, highlight=False).print(
        f"wrote {report.pages} pages to {report.out_dir}/ ({report.article_pages} articles, {report.entity_pages} entities, "
        f"{report.community_pages} communities; {report.bytes_total / 1e6:.1f} MB with lib/; largest {report.largest_page[0]} "
        f"{report.largest_page[1] / 1e3:.0f} kB) in {report.seconds:.2f}s; open {report.out_dir}/index.html",
        markup=False,
    )
