"""SHACL validation of a built graph against ontology/shapes.ttl."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import rdflib

from aikg import paths


@lru_cache(maxsize=4)
def _load(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")


def validate(graph: rdflib.Graph, *, shapes: Path | None = None, ontology: Path | None = None) -> tuple[bool, str]:
    """Validate ``graph``; return (conforms, pyshacl's human-readable report).

    The shapes target the five concrete entity classes, so no ontology and no
    inference are needed and pyshacl validates in place (the graph is only
    read). Passing ``ontology`` mixes it in (pyshacl then copies the graph,
    ~0.3 s per 20k triples) for shapes that rely on rdfs:subClassOf.
    """
    import pyshacl

    conforms, _report_graph, text = pyshacl.validate(
        graph,
        shacl_graph=_load(Path(shapes or paths.SHAPES)),
        ont_graph=_load(Path(ontology)) if ontology else None,
        inference="none",
        # sh:sparql constraints are SHACL-SPARQL, not SHACL-AF: no "advanced",
        # which would force a copy of the data graph.
        advanced=False,
        allow_warnings=False,
    )
    return bool(conforms), str(text)
