"""Where the project's data lives: ontology, lexicon, queries, bundled corpus.

In a source checkout (editable install) the data folders sit at the repository
root; in a wheel they are packed under ``aikg/_data``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_REPO = _PACKAGE.parents[1]


def _data_root() -> Path:
    if (_REPO / "ontology" / "aikg.ttl").is_file():
        return _REPO
    return _PACKAGE / "_data"


DATA = _data_root()
ONTOLOGY_DIR = DATA / "ontology"
ONTOLOGY = ONTOLOGY_DIR / "aikg.ttl"
SHAPES = ONTOLOGY_DIR / "shapes.ttl"
LEXICON = ONTOLOGY_DIR / "lexicon.tsv"
RULES = ONTOLOGY_DIR / "rules.toml"
MEASURES = ONTOLOGY_DIR / "measures.toml"  # the controlled list of measures of observations
QUANTITIES = ONTOLOGY_DIR / "quantities.toml"  # word lists for numbers and dates
QUERIES_DIR = DATA / "queries"
CORPUS_DIR = DATA / "corpus"
DEFAULT_CORPUS = CORPUS_DIR / "china-open-source-2024.txt"
# the committed build of the bundled corpus in a checkout; ./extracted elsewhere
DEFAULT_OUT = DATA / "extracted" if DATA == _REPO else Path("extracted")
GRAPH_FILE = "graph.ttl"
