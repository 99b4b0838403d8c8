"""The two co-mention named queries answered from a per-graph index instead of SPARQL.

``queries/articles-mentioning-both.rq`` and ``queries/co-mentioned-with.rq`` stay the
definition of what they return; unbound, Oxigraph needs ~0.5 s for either (it builds
and sorts every pair of entities sharing an article, ~24k rows on the bundled report,
decoding each term for every comparison). :func:`answer` gives the same rows, in
the same order, from an index read off the same store with a few cheap queries: for
each article its mentioned entities, identifier, title and start, and for each entity
its label and the lower-cased label/alias keys a bound name is matched against. The
lower-casing is Oxigraph's own (``LCASE`` in those queries), so names match exactly as
in the SPARQL. It answers only the unmodified query text, with no bindings besides
the query's own parameters, on a graph where every mentioned entity has one label and
every such article one identifier, title and integer start (what the shapes require);
anything else returns None and the SPARQL runs.
"""

from __future__ import annotations

from pathlib import Path

from aikg import paths
from aikg.results import QueryResult

NAMES = {"articles-mentioning-both": ("a", "b"), "co-mentioned-with": ("name",)}
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_texts: dict[Path, str] = {}
_indexes: dict[int, tuple] = {}

_MENTIONS = "SELECT ?article ?entity WHERE { ?article aikg:mentions ?entity }"
_ARTICLES = """SELECT DISTINCT ?article ?p ?value WHERE {
  ?article aikg:mentions [] .
  VALUES ?p { dcterms:identifier dcterms:title aikg:startOffset }
  ?article ?p ?value }"""
_LABELS = "SELECT ?entity ?label (LCASE(STR(?label)) AS ?key) WHERE { ?entity rdfs:label ?label }"
_NAMES = "SELECT ?entity (LCASE(STR(?n)) AS ?key) WHERE { ?entity rdfs:label|skos:altLabel ?n }"
_LCASE = "SELECT ?v (LCASE(STR(?v)) AS ?key) WHERE {}"


def _which(sparql: str) -> str | None:
    """The co-mention query this text is (byte for byte), or None."""
    for name in NAMES:
        path = paths.QUERIES_DIR / f"{name}.rq"
        if path not in _texts:
            try:
                _texts[path] = path.read_text(encoding="utf-8")
            except OSError:
                _texts[path] = ""
        if sparql == _texts[path]:
            return name
    return None


def _index(store):
    """(articles: IRI → (id, title, start, [entity IRIs]), labels: IRI → (label, key), names: IRI → {keys}), or None."""
    import pyoxigraph as ox

    from aikg.sparql import PREFIXES

    cached = _indexes.get(id(store))
    if cached is not None and cached[0] is store:
        return cached[1]
    mentioned: dict = {}
    for row in store.query(_MENTIONS, prefixes=PREFIXES):
        article, entity = row["article"], row["entity"]
        if not isinstance(article, ox.NamedNode) or not isinstance(entity, ox.NamedNode):
            return None
        mentioned.setdefault(article, []).append(entity)
    values: dict = {}
    for row in store.query(_ARTICLES, prefixes=PREFIXES):
        values.setdefault(row["article"], {}).setdefault(row["p"].value.rsplit("/", 1)[-1].rsplit("#", 1)[-1], []).append(row["value"])
    articles = {}
    for article, entities in mentioned.items():
        found = values.get(article, {})
        ids, titles, starts = (found.get(k, []) for k in ("identifier", "title", "startOffset"))
        if len(ids) != 1 or len(titles) != 1 or len(starts) != 1:
            return None
        start = starts[0]
        if not isinstance(start, ox.Literal) or start.datatype.value != _XSD_INTEGER or not start.value.lstrip("+-").isdigit():
            return None
        articles[article] = (ids[0], titles[0], int(start.value), entities)
    labels: dict = {}
    for row in store.query(_LABELS, prefixes=PREFIXES):
        if row["entity"] in labels:
            labels[row["entity"]] = None  # two labels: the SPARQL's cross product, not ours
        else:
            labels[row["entity"]] = (row["label"], row["key"].value)
    if any(labels.get(e, ()) is None for _, _, _, entities in articles.values() for e in entities):
        return None
    names: dict = {}
    for row in store.query(_NAMES, prefixes=PREFIXES):
        names.setdefault(row["entity"], set()).add(row["key"].value)
    index = (articles, labels, names)
    _indexes.clear()
    _indexes[id(store)] = (store, index)
    return index


def answer(store, sparql: str, bind: dict, limit: int) -> QueryResult | None:
    """The rows of a co-mention named query on ``store`` (``bind``: variable → pyoxigraph term), or None."""
    import pyoxigraph as ox

    name = _which(sparql)
    if name is None or not set(bind) <= set(NAMES[name]):
        return None
    index = _index(store)
    if index is None:
        return None
    articles, labels, names = index

    def matcher(term):
        """What ``!BOUND(?x) || ?e = ?x || EXISTS { ?e label|altLabel ?n . LCASE(STR(?n)) = LCASE(STR(?x)) }`` keeps."""
        if term is None:
            return lambda entity: True
        key = next(iter(store.query(_LCASE, substitutions={ox.Variable("v"): term})))["key"].value
        return lambda entity: entity == term or key in names.get(entity, ())

    if name == "articles-mentioning-both":
        first_ok, second_ok = matcher(bind.get("a")), matcher(bind.get("b"))
        bound = bool(bind)
        rows = []
        for article, (ident, title, start, entities) in articles.items():
            for first in entities:
                if first not in labels or not first_ok(first):
                    continue
                first_label, first_key = labels[first]
                for second in entities:
                    if second == first or second not in labels or not second_ok(second):
                        continue
                    if not bound and not first.value < second.value:
                        continue
                    second_label, second_key = labels[second]
                    rows.append(((start, article.value, first_key, first.value, second_key, second.value),
                                 (article, ident, title, first, first_label, second, second_label)))
        rows.sort(key=lambda row: row[0])
        variables = ["article", "id", "title", "first", "firstLabel", "second", "secondLabel"]
        terms = [row for _, row in rows[:500]]
    else:
        entity_ok = matcher(bind.get("name"))
        bound = bool(bind)
        shared: dict = {}
        for _, _, _, entities in articles.values():
            for entity in entities:
                if entity not in labels or not entity_ok(entity):
                    continue
                for other in entities:
                    if other == entity or other not in labels or (not bound and not entity.value < other.value):
                        continue
                    shared[(entity, other)] = shared.get((entity, other), 0) + 1
        integer = ox.NamedNode(_XSD_INTEGER)
        ranked = sorted(
            shared.items(),
            key=lambda item: (-item[1], labels[item[0][0]][1], item[0][0].value, labels[item[0][1]][1], item[0][1].value),
        )
        variables = ["entity", "entityLabel", "other", "otherLabel", "sharedArticles"]
        terms = [(e, labels[e][0], o, labels[o][0], ox.Literal(str(n), datatype=integer)) for (e, o), n in ranked[:200]]
    return QueryResult(variables, terms[:limit], "select", capped=len(terms) > limit, limit=limit)
