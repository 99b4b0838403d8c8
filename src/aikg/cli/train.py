"""`aikg train`: refit the relation model from annotations/ and print its cross-validation."""

from __future__ import annotations

from pathlib import Path

import typer

from aikg.cli.app import app


@app.command("train")
def train_command(
    out: Path = typer.Option(None, "--out", "-o", help="Folder to write relations.json and types.json to (default: the package's model folder)."),
    annotations: Path = typer.Option(None, "--annotations", help="The annotations/ folder of a source checkout (default: ./annotations, or the checkout's)."),
) -> None:
    """Fit the relation model and the entity typer on annotations/ (report, public training split,
    unseen), deterministically; choose the threshold on the public tuning split; print
    leave-one-document-out figures of each learner compared."""
    from rich.console import Console
    from rich.table import Table

    from aikg.train import ANNOTATIONS, train

    report = train(out, root=annotations or ANNOTATIONS)
    console = Console(highlight=False)
    console.print(f"{report.examples} candidate pairs ({report.positives} with a gold relation) from {report.groups} documents")
    for learner, by_threshold in report.cv.items():
        table = Table(title=f"{learner}: leave-one-document-out (rules where they fire, else the learner)")
        for col in ("threshold", "scope", "P", "R", "F1", "tp", "fp", "fn"):
            table.add_column(col, justify="right" if col not in ("scope",) else "left")
        for threshold, figures in by_threshold.items():
            for scope in ("all", "zh", "en", "learner", "developedBy", "basedOn", "usesTechnology", "affiliatedWith", "partOf"):
                f = figures.get(scope)
                if f is None:
                    continue
                mark = " *" if learner == "logreg" and threshold == report.threshold else ""
                table.add_row(f"{threshold:g}{mark}", scope, f"{f.precision:.3f}", f"{f.recall:.3f}", f"{f.f1:.3f}", str(f.tp), str(f.fp), str(f.fn))
        console.print(table)
    if report.tuned:
        tuned = ", ".join(f"{t:g}: {r.relation.precision:.3f}/{r.relation.recall:.3f}/{r.relation.f1:.3f}" for t, r in report.tuned.items())
        console.print(f"threshold chosen on the tuning documents (split.json 'tune'), relation P/R/F1 by threshold: {tuned}")
    console.print(f"wrote {report.model_path} ({report.bytes:,} bytes; logreg, threshold {report.threshold:g})")
    kept, typed = report.typer_cv
    figures = ", ".join(f"{t:g}: {a:.3f}" for t, a in typed.items())
    console.print(f"typer: {report.typer_examples} aligned mentions; leave-one-document-out accuracy on shape-typed mentions: "
                  f"rules {kept:.3f}, typer by threshold {figures}")
    console.print(f"wrote {report.typer_path} (threshold {report.typer_threshold:g})")
