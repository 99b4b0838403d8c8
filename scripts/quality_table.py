"""Regenerate the README's quality table from `aikg eval` figures (run from the repository root).

    python scripts/quality_table.py          # print the table
    python scripts/quality_table.py --write  # and rewrite it in README.md between the markers

Builds the report, annotations/holdout and the public dev holdout into temporary folders and
scores each against its gold; tests/test_quality.py checks that README.md holds these rows.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from aikg import paths
from aikg.build import build
from aikg.evaluate import QUALITY_HEADER, evaluate, quality_row, report_scores

ROOT = Path(__file__).resolve().parents[1]
ANNOTATIONS = ROOT / "annotations"
BEGIN, END = "<!-- quality-table:begin -->", "<!-- quality-table:end -->"


def rows() -> list[str]:
    split = json.loads((ANNOTATIONS / "public" / "split.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        build([paths.DEFAULT_CORPUS], out / "report")
        report = evaluate(sorted((ANNOTATIONS / "report").glob("*.json")), out / "report")
        build([p for p in (ANNOTATIONS / "holdout").iterdir() if p.suffix in (".md", ".txt")], out / "holdout")
        holdout = evaluate(sorted((ANNOTATIONS / "holdout").glob("*.json")), out / "holdout")
        build([ANNOTATIONS / "public" / f"{s}.md" for s in split["dev"]], out / "dev")
        dev = evaluate([ANNOTATIONS / "public" / f"{s}.json" for s in split["dev"]], out / "dev")
    return [
        quality_row(ROW_NAMES["report"], report_scores(report)),
        quality_row(ROW_NAMES["holdout"], report_scores(holdout)),
        quality_row(ROW_NAMES["zh"], dev.per_language["zh"]),
        quality_row(ROW_NAMES["en"], dev.per_language["en"]),
    ]


ROW_NAMES = {
    "report": "report, all 18 parts (in-sample: lexicon and model fitted on it)",
    "holdout": "holdout: 2 articles written after the lexicon was frozen",
    "zh": "public dev holdout, Chinese (4 third-party docs, never fitted on)",
    "en": "public dev holdout, English (3 third-party docs, never fitted on)",
}


def main() -> None:
    table = QUALITY_HEADER + "\n" + "\n".join(rows())
    print(table)
    if "--write" in sys.argv:
        readme = ROOT / "README.md"
        text = readme.read_text(encoding="utf-8")
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        readme.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
