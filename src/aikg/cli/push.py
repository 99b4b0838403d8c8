"""`aikg push`: load the built graph into an external SPARQL store (Graph Store Protocol PUT)."""

from __future__ import annotations

from pathlib import Path

import typer

from aikg.cli.app import app


@app.command()
def push(
    endpoint: str = typer.Option(
        ..., "--endpoint", "-e",
        help="Store base URL (Oxigraph: http://127.0.0.1:7878, PUT goes to /store) or a Graph Store URL "
        "(Fuseki: http://host:3030/ds/data).",
    ),
    graph: str = typer.Option(None, "--graph", help="Named graph IRI to replace (default: the store's default graph)."),
    source: Path = typer.Option(None, "--from", help="Folder holding graph.ttl (default: extracted/)."),
    timeout: float = typer.Option(300.0, "--timeout", help="Seconds to wait for the store."),
) -> None:
    """Replace a graph of an external store with graph.ttl + the ontology, in one atomic HTTP PUT."""
    from aikg import paths
    from aikg.push import push as run_push

    url, triples = run_push(source or paths.DEFAULT_OUT, endpoint, graph, timeout=timeout)
    target = f"graph <{graph}>" if graph else "the default graph"
    print(f"pushed {triples} triples to {target} at {url}")
