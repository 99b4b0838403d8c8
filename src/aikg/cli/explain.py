"""`aikg explain S P O`: why a fact is in the graph."""

from __future__ import annotations

from pathlib import Path

import typer

from aikg.cli.app import app


@app.command()
def explain(
    subject: str = typer.Argument(..., help="Subject: a name, alias or entity id (e.g. KTransformers)."),
    predicate: str = typer.Argument(..., help="One of authorOf, affiliatedWith, developedBy, basedOn, usesTechnology, partOf."),
    obj: str = typer.Argument(..., metavar="OBJECT", help="Object: a name, alias or id; an article id (A01) for authorOf."),
    graph: Path = typer.Option(None, "--graph", "-g", help="Graph folder holding graph.ttl (default: extracted/)."),
) -> None:
    """Why a fact is in the graph: each evidence sentence, article, offsets and rule, and why its ends are one node each."""
    from rich.console import Console
    from rich.markup import escape

    from aikg.explain import explain as run_explain

    result = run_explain(graph, subject, predicate, obj)
    console = Console()
    console.print(f"[bold]{escape(result.subject_label)}[/] —{result.predicate}→ [bold]{escape(result.object_label)}[/]")
    for item in result.evidence:
        where = f"{item.start}–{item.end}" if item.start is not None else "?"
        console.print(f"  [{escape(item.article_id)}] chars {where}, rule [cyan]{escape(item.rule)}[/]")
        console.print(f"    “{escape(item.evidence)}”")
    for label, reasons in ((result.subject_label, result.subject_merges), (result.object_label, result.object_merges)):
        if reasons:
            console.print(f"  why {escape(label)} is one node:")
            for reason in reasons:
                console.print(f"    - {escape(reason)}")
