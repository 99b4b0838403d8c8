"""`aikg eval`: score a built graph against hand-made gold annotations."""

from __future__ import annotations

from pathlib import Path

import typer

from aikg.cli.app import app


@app.command("eval")
def eval_command(
    paths: list[Path] = typer.Argument(
        None, metavar="GRAPH_DIR",
        help="Folder holding graph.ttl, or the .ttl file (default: extracted/). "
        "Extra .json arguments are taken as more gold files, so `--gold tests/gold/*.json` works.",
    ),
    gold: list[Path] = typer.Option(
        ..., "--gold", "-g",
        help="Gold annotation JSON (shared/ANNOTATION.md format), or a folder of them; repeatable.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (all figures and error lists)."),
    show: int = typer.Option(0, "--show", "-n", min=0, help="List up to N misses and N false positives of each kind."),
) -> None:
    """Entity and relation precision/recall/F1 of a graph against gold files (only their articles count)."""
    import json

    from aikg.errors import AikgError
    from aikg.evaluate import evaluate, report_renderables

    gold_files: list[Path] = []
    for path in gold:
        if path.is_dir():
            found = sorted(path.glob("*.json"))
            if not found:
                raise AikgError(f"no .json gold files in {path}")
            gold_files.extend(found)
        else:
            gold_files.append(path)  # evaluate() says what is wrong with a bad one
    graph_dir: Path | None = None
    for path in paths or []:
        if path.suffix.lower() == ".json":
            gold_files.append(path)
        elif graph_dir is None:
            graph_dir = path
        else:
            raise AikgError(f"more than one graph given: {graph_dir} and {path}")
    report = evaluate(gold_files, graph_dir)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    console = Console(highlight=False)
    for item in report_renderables(report, show):
        console.print(item)
