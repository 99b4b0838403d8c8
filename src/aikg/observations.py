"""Reading the observations (numbers and dates) of a built graph, for explore and viz."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from aikg.errors import AikgError

AIKG = "https://w3id.org/aikg/ontology#"
ENT = "https://w3id.org/aikg/entity/"
ART = "https://w3id.org/aikg/article/"
MEASURE = "https://w3id.org/aikg/measure/"
UNIT = "http://qudt.org/vocab/unit/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DCT_ID = "http://purl.org/dc/terms/identifier"
DCT_TITLE = "http://purl.org/dc/terms/title"
DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"


@dataclass(frozen=True)
class ObservationRow:
    """One observation as the views show it."""

    about: tuple[str, ...]  # entity ids; () when about an article's subject
    subject: str  # the label shown: entity names, the given subject label, or the article title
    measure: str  # measure id
    measure_label: str  # English label
    kind: str  # quantity | date | rank
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    unit: str | None  # NUM, PERCENT, …
    date: str | None
    period: str | None
    qualifier: str | None
    rank: int | None
    category: str | None
    stated: str
    article: str  # article id (P1, A12)
    article_key: str
    evidence: str
    start: int

    @property
    def when(self) -> str:
        return self.date or self.period or ""

    def shown_value(self) -> str:
        """The value for people: 13,500,000; 19.52 %; 10 %–40 %; a date; ``#5``."""
        if self.kind == "date":
            return self.date or ""
        if self.value is None and self.low is None:
            return f"#{self.rank}" if self.rank is not None else ""
        def one(v: Decimal) -> str:
            if self.unit == "PERCENT":
                return f"{(v * 100).normalize():f} %"
            return f"{v:,f}".rstrip("0").rstrip(".") if "." in f"{v:f}" else f"{int(v):,}"
        text = one(self.value) if self.value is not None else f"{one(self.low)}–{one(self.high)}"
        if self.unit == "NUM-PER-SEC":
            text += " /s"
        return text


def load_observations(graph_file: Path) -> list[ObservationRow]:
    """Every observation in ``graph_file`` (a graph.ttl), in source order."""
    import pyoxigraph as ox

    props: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    observations: list[str] = []
    try:
        with open(graph_file, "rb") as handle:
            for triple in ox.parse(handle, format=ox.RdfFormat.TURTLE):
                s = triple.subject
                if not isinstance(s, ox.NamedNode):
                    continue
                p, o = triple.predicate.value, triple.object
                if p == RDF_TYPE and o.value == AIKG + "Observation":
                    observations.append(s.value)
                elif p == RDFS_LABEL and isinstance(o, ox.Literal) and o.language not in (None, "en") and s.value.startswith(MEASURE):
                    continue
                else:
                    props[s.value][p].append(o.value)
    except (SyntaxError, ValueError) as err:
        raise AikgError(f"{graph_file}: not valid Turtle ({err})") from None
    except OSError as err:
        raise AikgError(f"{graph_file}: cannot read ({err.strerror})") from None

    def one(node: str, prop: str) -> str | None:
        values = props[node].get(prop)
        return min(values) if values else None

    def number(text: str | None) -> Decimal | None:
        return Decimal(text) if text is not None else None

    rows = []
    for node in observations:
        about = sorted(props[node].get(AIKG + "about", ()))
        entities = tuple(a[len(ENT):] for a in about if a.startswith(ENT))
        article = one(node, DERIVED) or ""
        labels = [one(a, RDFS_LABEL) or a[len(ENT):] for a in about if a.startswith(ENT)]
        given = one(node, AIKG + "subjectLabel")
        subject = ", ".join(labels) if labels else (given or one(article, DCT_TITLE) or article)
        measure = one(node, AIKG + "measure") or ""
        rank = one(node, AIKG + "rank")
        unit = one(node, AIKG + "unit")
        rows.append(ObservationRow(
            about=entities, subject=subject, measure=measure[len(MEASURE):],
            measure_label=one(measure, RDFS_LABEL) or measure[len(MEASURE):], kind=one(measure, AIKG + "measureKind") or "quantity",
            value=number(one(node, AIKG + "value")), low=number(one(node, AIKG + "minValue")), high=number(one(node, AIKG + "maxValue")),
            unit=unit[len(UNIT):] if unit and unit.startswith(UNIT) else unit, date=one(node, AIKG + "date"),
            period=one(node, AIKG + "period"), qualifier=one(node, AIKG + "qualifier"), rank=int(rank) if rank else None,
            category=one(node, AIKG + "category"), stated=one(node, AIKG + "statedAs") or "",
            article=one(article, DCT_ID) or article[len(ART):], article_key=article[len(ART):],
            evidence=one(node, AIKG + "evidence") or "", start=int(one(node, AIKG + "startOffset") or 0),
        ))
    rows.sort(key=lambda r: (r.article_key, r.start, r.measure, r.subject, r.when, r.stated))
    return rows


def about_entity(rows: list[ObservationRow], entity_id: str) -> list[ObservationRow]:
    """An entity's numbers and dates: by measure, then period or date."""
    return sorted((r for r in rows if entity_id in r.about), key=lambda r: (r.kind == "date", r.measure, r.when, r.article, r.start))
