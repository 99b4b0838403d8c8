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
        None, "--gold", "-g",
        help="Gold annotation JSON (shared/ANNOTATION.md format), or a folder of them; repeatable. "
        "Required unless --questions is given.",
    ),
    questions: Path = typer.Option(
        None, "--questions", "-q", metavar="FILE",
        help="Score `aikg ask` on a JSON Lines question file (id, question, answerable, answers): accuracy, "
        "precision of printed answers, share of unanswerable questions declined.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (all figures and error lists)."),
    show: int = typer.Option(0, "--show", "-n", min=0, help="List up to N misses and N false positives of each kind."),
) -> None:
    """Entity and relation precision/recall/F1 of a graph against gold files (only their articles count),
    or, with --questions, how well `aikg ask` answers a question set."""
    import json

    from aikg.errors import AikgError

    if questions is not None:
        _questions(questions, gold or [], paths or [], as_json, show)
        return
    if not gold:
        raise AikgError("give --gold FILE… (annotations to score the graph against) or --questions FILE")
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


def _questions(file: Path, gold: list[Path], paths: list[Path], as_json: bool, show: int) -> None:
    """`aikg eval --questions FILE [GRAPH_DIR]`: score aikg ask (aikg.ask.evaluate_questions)."""
    import json

    from aikg.ask import evaluate_questions
    from aikg.errors import AikgError

    if gold:
        raise AikgError("--questions and --gold score different things: give one of them")
    if len(paths) > 1:
        raise AikgError(f"more than one graph given: {', '.join(map(str, paths))}")
    report = evaluate_questions(file, paths[0] if paths else None)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    table = Table(title=Text(f"aikg ask on {file} ({report.questions} questions, {report.seconds:.1f} s)"))
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("counts", justify="right")
    table.add_row("accuracy (answer set matches)", f"{report.accuracy:.3f}", f"{report.fully_right}/{report.answerable}")
    table.add_row("precision of printed answers", f"{report.precision:.3f}", f"{report.printed_correct}/{report.printed}")
    table.add_row("unanswerable declined", f"{report.declined_share:.3f}", f"{report.declined_unanswerable}/{report.unanswerable}")
    console.print(table)
    wrong = [s for s in report.scores if not s.right]
    for score in wrong[:show]:
        got = ", ".join(score.printed) or (f"declined: {score.declined}" if score.declined else "no answer (the graph states none)")
        console.print(Text(f"{score.id} {score.question}\n    expected: {', '.join(score.expected) or '(none)'}\n    got: {got}"
                           f"\n    read as: {score.reading or '-'}"))
