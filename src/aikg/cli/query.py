"""`aikg query`, `aikg queries`, `aikg stats`: ask a built graph questions in SPARQL."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from aikg import paths
from aikg.cli.app import app


class Format(str, Enum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"


@app.command("query")
def query_command(
    query: str = typer.Argument(
        None, metavar="NAME|FILE", help="A named query (`aikg queries` lists them) or a .rq file.", show_default=False,
    ),
    sparql: str = typer.Option(None, "--sparql", "-s", help="Run this SPARQL text instead of a named query."),
    graph: Path = typer.Option(
        paths.DEFAULT_OUT, "--graph", "-g", help="Folder holding graph.ttl (written by `aikg build`)."
    ),
    bind: list[str] = typer.Option(
        None, "--bind", "-b", metavar="VAR=VALUE",
        help="Give a query variable a value, e.g. --bind name=Qwen (a plain string), --bind x=ent:qwen or "
        "x='<https://…>' (an IRI), x='\"ent:qwen\"' (force a string). Repeatable.",
    ),
    fmt: Format = typer.Option(
        Format.table, "--format", "-f", help="table (readable), or csv / tsv / json (SPARQL 1.1 results formats)."
    ),
    limit: int = typer.Option(1000, "--limit", "-n", min=1, help="Print at most N rows; a note says when there were more."),
    timeout: float = typer.Option(30.0, "--timeout", "-t", min=0.01, help="Give up on a query after this many seconds."),
    endpoint: str = typer.Option(
        None, "--endpoint", "-e", metavar="URL",
        help="Ask a remote SPARQL endpoint instead of the local graph (Oxigraph: http://host:7878/query; see docs/serving.md).",
    ),
    remote_graph: str = typer.Option(
        None, "--remote-graph", metavar="IRI", help="With --endpoint: the named graph `aikg push --graph IRI` wrote (sent as default-graph-uri).",
    ),
) -> None:
    """Run a named query, a .rq file or --sparql text against the graph; print the rows."""
    from aikg.errors import AikgError
    from aikg.query import format_result, load_query, parse_bind_options, run

    if (query is None) == (sparql is None):
        raise AikgError("give either a query NAME|FILE or --sparql TEXT (not both)")
    text = sparql if sparql is not None else load_query(query).sparql
    if endpoint:
        from aikg.push import remote_run

        result = remote_run(endpoint, text, parse_bind_options(bind or []), graph_iri=remote_graph, limit=limit, timeout=timeout)
    elif remote_graph:
        raise AikgError("--remote-graph needs --endpoint")
    else:
        result = run(graph, text, parse_bind_options(bind or []), limit=limit, timeout=timeout)
    sys.stdout.write(format_result(result, fmt.value))
    if result.capped and fmt is not Format.table:
        print(f"aikg: note: output capped at {limit} rows (use --limit)", file=sys.stderr)


@app.command("queries")
def queries_command(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Also show each query's description and example bindings."),
) -> None:
    """List the named queries (queries/*.rq) with their titles and bindable variables."""
    from rich.console import Console
    from rich.table import Table

    from aikg.query import list_queries

    table = Table(show_lines=verbose)
    table.add_column("name", no_wrap=True)
    table.add_column("title")
    table.add_column("--bind")
    for named in list_queries():
        title = f"{named.title}\n[dim]{named.description}[/dim]" if verbose and named.description else named.title
        if verbose:
            binds = "\n".join(f"{b.var}: {b.description}" + (f" (e.g. {b.example})" if b.example else "") for b in named.binds)
        else:
            binds = " ".join(b.var for b in named.binds)
        table.add_row(named.name, title, binds)
    Console(highlight=False).print(table)


@app.command("stats")
def stats_command(
    graph: Path = typer.Option(
        paths.DEFAULT_OUT, "--graph", "-g", help="Folder holding graph.ttl (written by `aikg build`)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as one JSON object."),
) -> None:
    """Count what the graph holds: entities per type, articles, facts per relation, statements."""
    from aikg.stats import graph_stats

    stats = graph_stats(graph)
    if as_json:
        import json

        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    from rich.text import Text

    table = Table(title=Text(str(stats["graph"])), show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("triples", str(stats["triples"]))
    table.add_row("articles", str(stats["articles"]))
    table.add_section()
    for kind, count in stats["entities"].items():
        table.add_row(f"entities: {kind}", str(count))
    table.add_row("entities (all)", str(stats["entities_total"]))
    table.add_row("aliases", str(stats["aliases"]))
    table.add_row("article mentions", str(stats["mentions"]))
    table.add_row("Wikidata links", str(stats["wikidata_links"]))
    table.add_section()
    for name, count in stats["relations"].items():
        table.add_row(f"facts: {name}", str(count))
    table.add_row("facts (all)", str(stats["relations_total"]))
    table.add_row("provenance statements", str(stats["statements"]))
    Console(highlight=False).print(table)
