"""The typer application every command module registers itself on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="aikg",
    help="Build a knowledge graph of the AI ecosystem from reports, then query and explore it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

state = {"debug": False}


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks instead of one-line errors."),
) -> None:
    """aikg: offline knowledge graphs of AI-ecosystem reports (RDF + SPARQL)."""
    state["debug"] = debug
