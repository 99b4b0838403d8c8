"""`aikg build`: extract the graph of a corpus and write it as Turtle."""

from __future__ import annotations

from pathlib import Path

import typer

from aikg.cli.app import app


@app.command()
def build(
    inputs: list[Path] = typer.Argument(None, help="Text or Markdown files or folders (default: the bundled 2024 report)."),
    out: Path = typer.Option(None, "--out", "-o", help="Output folder for graph.ttl (default: extracted/)."),
    no_validate: bool = typer.Option(False, "--no-validate", help="Skip the SHACL check of the built graph."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    workers: int = typer.Option(1, "--workers", "-j", min=1, help="Extract documents in N parallel processes (same output for every N)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Extract every document again instead of reusing unchanged ones' results."),
) -> None:
    """Build the knowledge graph of a corpus (UTF-8 .txt/.md) into OUT/graph.ttl."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from aikg.build import build as run_build

    console = Console(stderr=True, quiet=quiet)
    with Progress(
        TextColumn("[bold]extracting"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.description}", markup=False),  # a file name such as "[/b].txt" is not markup
        TimeElapsedColumn(), console=console, transient=True,
        auto_refresh=False,  # no refresh thread: parallel extraction may fork worker processes
        disable=not console.is_terminal,  # a bar in a log or pipe is noise (and a stray blank line)
    ) as bar:
        task = bar.add_task("", total=None)

        def on_progress(name: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=name, refresh=True)

        report = run_build(
            inputs or None, out, validate=not no_validate, progress=on_progress, workers=workers, cache=not no_cache
        )
    stages = ", ".join(f"{stage} {secs:.2f}s" for stage, secs in report.seconds.items())
    console.print(
        f"built {report.out_dir}/graph.ttl: {report.documents} document(s), {report.articles} articles, "
        f"{report.entities} entities, {report.relations} relations, {report.triples} triples ({stages}; "
        f"{report.extracted} extracted, {report.cached} from cache)",
        markup=False, highlight=False,
    )
