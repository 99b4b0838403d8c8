"""SHACL validation of a built graph against ontology/shapes.ttl.

Two engines share the one shapes file. The graph-wide SHACL-SPARQL constraints
(``sh:sparql`` on a shape whose only target is ``sh:targetNode``) run on an
in-memory pyoxigraph store: rdflib's SPARQL engine took ~2.5 s of the 3.5 s
validation of the bundled report for them, Oxigraph takes milliseconds. Every
other shape and constraint goes to pyshacl unchanged.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import rdflib
from rdflib.namespace import RDF

from aikg import paths

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
_PLACEHOLDER = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


@lru_cache(maxsize=4)
def _load(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")


@lru_cache(maxsize=4)
def _split(path: Path) -> tuple[rdflib.Graph, tuple[tuple[str, str, tuple[str, ...], str, dict[str, str]], ...]]:
    """(the shapes for pyshacl, the graph-wide SPARQL constraints as (shape, query, focus nodes, message, prefixes)).

    A constraint moves to Oxigraph only when it is plain (a select, a message, no
    deactivation or severity) on a shape targeted by ``sh:targetNode`` alone.
    """
    shapes = _load(path)
    core = rdflib.Graph()
    for triple in shapes:
        core.add(triple)
    moved = []
    other_targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        focus = sorted(shapes.objects(shape, SH.targetNode))
        select = shapes.value(constraint, SH.select)
        plain = set(shapes.predicates(constraint)) <= {SH.message, SH.prefixes, SH.select}
        if not focus or select is None or not plain or any(shapes.value(shape, t) is not None for t in other_targets):
            continue
        if (shape, RDF.type, SH.NodeShape) not in shapes or shapes.value(shape, SH.deactivated) is not None:
            continue
        prefixes = {}
        for declared in shapes.objects(constraint, SH.prefixes):
            for decl in shapes.objects(declared, SH.declare):
                prefixes[str(shapes.value(decl, SH.prefix))] = str(shapes.value(decl, SH.namespace))
        moved.append((str(shape), str(select), tuple(str(f) for f in focus), str(shapes.value(constraint, SH.message) or ""), prefixes))
        core.remove((shape, SH.sparql, constraint))
    return core, tuple(moved)


def _ox_term(term):
    import pyoxigraph as ox

    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def _ox_store(graphs: list[rdflib.Graph]):
    """An in-memory pyoxigraph store of ``graphs``; None when a term is not valid RDF for Oxigraph
    (e.g. an IRI with a space, which rdflib accepts): pyshacl then checks everything."""
    import pyoxigraph as ox

    store = ox.Store()
    terms: dict = {}

    def term(t):
        found = terms.get(t)
        if found is None:
            found = terms[t] = _ox_term(t)
        return found

    try:
        for graph in graphs:
            store.extend(ox.Quad(term(s), term(p), term(o)) for s, p, o in graph)
    except ValueError:
        return None
    return store


def _sparql_violations(store, constraints) -> list[str]:
    """Report blocks (pyshacl's layout) for each solution of the moved SPARQL constraints."""
    import pyoxigraph as ox

    blocks = []
    for shape, select, focus_nodes, message, prefixes in constraints:
        for focus in focus_nodes:
            rows = store.query(select, prefixes=prefixes, substitutions={ox.Variable("this"): ox.NamedNode(focus)})
            names = [v.value for v in rows.variables]
            for row in rows:
                values = {name: row[name].value for name in names if row[name] is not None}
                text = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), message)
                blocks.append(
                    "Constraint Violation in SPARQLConstraintComponent (http://www.w3.org/ns/shacl#SPARQLConstraintComponent):\n"
                    f"\tSeverity: sh:Violation\n\tSource Shape: <{shape}>\n\tFocus Node: <{focus}>\n"
                    f"\tValue Node: {values.get('value', '')}\n\tMessage: {text}\n"
                )
    return blocks


def validate(graph: rdflib.Graph, *, shapes: Path | None = None, ontology: Path | None = None) -> tuple[bool, str]:
    """Validate ``graph``; return (conforms, a human-readable report in pyshacl's layout).

    The shapes target the five concrete entity classes, so no ontology and no
    inference are needed and pyshacl validates in place (the graph is only
    read). Passing ``ontology`` mixes it in (pyshacl then copies the graph,
    ~0.3 s per 20k triples) for shapes that rely on rdfs:subClassOf.
    """
    import pyshacl

    core, constraints = _split(Path(shapes or paths.SHAPES))
    store = _ox_store([graph, _load(Path(ontology))] if ontology else [graph]) if constraints else None
    if store is None:
        core, constraints = _load(Path(shapes or paths.SHAPES)), ()
    conforms, _report_graph, text = pyshacl.validate(
        graph,
        shacl_graph=core,
        ont_graph=_load(Path(ontology)) if ontology else None,
        inference="none",
        # sh:sparql constraints are SHACL-SPARQL, not SHACL-AF: no "advanced",
        # which would force a copy of the data graph.
        advanced=False,
        allow_warnings=False,
    )
    text = str(text)
    blocks = _sparql_violations(store, constraints) if constraints else []
    if blocks:
        if conforms:
            text = "Validation Report\nConforms: False\n"
        text += f"Results ({len(blocks)}, SHACL-SPARQL on Oxigraph):\n" + "".join(blocks)
    return bool(conforms) and not blocks, text
