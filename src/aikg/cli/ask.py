"""`aikg ask "QUESTION"`: a question in plain words, answered from the graph with evidence."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from aikg import paths
from aikg.cli.app import app


class AskFormat(str, Enum):
    table = "table"
    json = "json"


def render_answer(answer, *, show_sparql: bool = False, file=None) -> None:
    """Print an :class:`aikg.ask.Answer` for a terminal (every graph value as plain text)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from aikg.query import terminal_safe

    console = Console(file=file or sys.stdout, highlight=False, soft_wrap=False)

    def t(value) -> Text:
        return Text("" if value is None else terminal_safe(str(value)))

    console.print(t(f"reading: {answer.reading}"), style="dim")
    if show_sparql and answer.sparql:
        out = file or sys.stdout
        out.write(terminal_safe(answer.sparql) + "\n")
        for name, values in answer.bindings.items():
            out.write(terminal_safe(f"# bound: ?{name} = " + " | ".join(f"<{v}>" if "://" in v else v for v in values)) + "\n")
        out.flush()
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    for column in ("answer", "type", "article", "evidence"):
        table.add_column(column, overflow="fold")
    for item in answer.answers:
        for number, ev in enumerate(item.evidence or [None]):
            label = item.label if number == 0 else ""
            kind = item.type if number == 0 else ""
            if ev is None or ev.sentence is None:
                where = ev.article if ev and ev.article else "-"
                text = "(no evidence sentence: " + ("the article mentions it)" if item.type == "Article" else "none stored)")
            else:
                where = ev.article or "-"
                text = f"“{ev.sentence}”"
            if ev is not None and ev.via:
                text = f"[via {ev.via}, hop {ev.hop}] " + text
            table.add_row(t(label), t(kind), t(where), t(text))
    console.print(table)
    console.print(t(f"{len(answer.answers)} answer{'s' if len(answer.answers) != 1 else ''} ({answer.seconds * 1000:.0f} ms)"), style="dim")


def decline_line(answer) -> str:
    line = f"cannot answer {answer.question!r}: {answer.declined}"
    if answer.suggestions:
        line += f"; closest names: {', '.join(answer.suggestions)}"
    return line


@app.command("ask")
def ask_command(
    question: str = typer.Argument(..., help="A question in Chinese or English, e.g. \"阿里巴巴发布了哪些模型？\" or \"Who developed KAG?\"."),
    graph: Path = typer.Option(paths.DEFAULT_OUT, "--graph", "-g", help="Folder holding graph.ttl (written by `aikg build`)."),
    fmt: AskFormat = typer.Option(AskFormat.table, "--format", "-f", help="table (readable) or json (the answers, their evidence, the reading and the SPARQL)."),
    show_sparql: bool = typer.Option(False, "--show-sparql", help="Also print the SPARQL query run and the terms bound into it."),
) -> None:
    """Answer a question from the graph: each answer with its evidence sentence and article.

    Questions it cannot map onto the graph are declined in one line with suggestions (exit 1).
    Cue words live in ontology/questions.toml.
    """
    from aikg.ask import ask

    answer = ask(question, graph)
    if fmt is AskFormat.json:
        import json

        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        if not answer.answered:
            raise typer.Exit(1)
        return
    if answer.declined:
        from aikg.cli import one_line

        print(f"aikg: {one_line(decline_line(answer))}", file=sys.stderr)
        raise typer.Exit(1)
    if not answer.answers:
        if show_sparql:
            render_answer(answer, show_sparql=True)
        print(f"aikg: no answer: the graph states nothing for {answer.reading}", file=sys.stderr)
        raise typer.Exit(1)
    render_answer(answer, show_sparql=show_sparql)
