"""Namespaces of the aikg graph (see ontology/MODEL.md)."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

AIKG = Namespace("https://w3id.org/aikg/ontology#")
ENT = Namespace("https://w3id.org/aikg/entity/")
ART = Namespace("https://w3id.org/aikg/article/")
STMT = Namespace("https://w3id.org/aikg/statement/")
WD = Namespace("http://www.wikidata.org/entity/")
OBS = Namespace("https://w3id.org/aikg/observation/")
MEASURE = Namespace("https://w3id.org/aikg/measure/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
SCHEMA = Namespace("https://schema.org/")
UNIT = Namespace("http://qudt.org/vocab/unit/")

PREFIXES = {
    "aikg": AIKG,
    "ent": ENT,
    "art": ART,
    "stmt": STMT,
    "wd": WD,
    "obs": OBS,
    "measure": MEASURE,
    "wdt": WDT,
    "schema": SCHEMA,
    "unit": UNIT,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "xsd": XSD,
    "owl": OWL,
}


def bind_prefixes(graph) -> None:
    """Bind aikg's prefixes on an rdflib graph (replacing rdflib's defaults)."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
