"""`aikg serve`: a read-only SPARQL endpoint, a query page and the site, on loopback by default."""

from __future__ import annotations

from pathlib import Path

import typer

from aikg.cli.app import app


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default; 0.0.0.0 exposes it)."),
    port: int = typer.Option(7878, "--port", "-p", min=0, max=65535, help="Port (0 picks a free one)."),
    graph: Path = typer.Option(None, "--graph", "-g", help="Folder holding graph.ttl (default: extracted/)."),
    timeout: float = typer.Option(30.0, "--timeout", help="Seconds a query may run before it is stopped (503)."),
    site: Path = typer.Option(Path("site"), "--site", help="Folder of HTML pages served under /site/ (if present)."),
    workers: int = typer.Option(2, "--workers", "-j", min=1, help="Queries that may run long at once; as many more workers are kept for short queries."),
) -> None:
    """Serve the graph read-only over the SPARQL 1.1 Protocol at /sparql, with a query page at /."""
    import signal
    import sys

    from aikg.serve import make_server

    server = make_server(graph, host, port, timeout=timeout, site=site, workers=workers)
    where = server.url
    print(f"aikg: serving {graph or 'extracted'}/graph.ttl at {where} (SPARQL endpoint: {where}sparql); Ctrl-C stops", flush=True)
    if not server.check_host:
        print(f"aikg: warning: listening on {host}, not loopback: anyone who can reach it can query", file=sys.stderr)

    def stop(signum, frame):  # noqa: ARG001 - signal handler signature
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
