"""SPARQL text without an engine: aikg's prefixes, a tokenizer, IRI checks and safe value binding.

Values bound into a query become RDF terms checked by Oxigraph's parser, never pasted
text; the tokenizer skips strings, IRIs and comments. Shared by the store, remote
queries and the endpoint. Imports pyoxigraph only when called.
"""

from __future__ import annotations

import re

from aikg.errors import AikgError

# aikg's prefixes as plain strings (aikg.graph.namespaces.PREFIXES imports rdflib)
PREFIXES = {
    "aikg": "https://w3id.org/aikg/ontology#",
    "ent": "https://w3id.org/aikg/entity/",
    "art": "https://w3id.org/aikg/article/",
    "stmt": "https://w3id.org/aikg/statement/",
    "wd": "http://www.wikidata.org/entity/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}
_TOKEN_VAR = re.compile(r"[?$]([A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)")
_WORD = re.compile(r"(?<![\w:?$-])([A-Za-z]+)(?![\w:-])")
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_IRI_FORBIDDEN = re.compile(r'[\s<>"{}|^`\\]')


def check_iri(iri: str) -> str:
    """``iri`` if it is an absolute IRI, else a clear error."""
    import pyoxigraph as ox

    try:
        node = ox.NamedNode(iri)
    except ValueError as err:
        raise AikgError(f"{iri!r} is not a valid IRI ({err})") from None
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", node.value):
        raise AikgError(f"{iri!r} is not an absolute IRI")
    return node.value


# tokens the brace finder must skip: comments, strings (long ones first), IRIs
_SKIP = re.compile(
    r'#[^\n\r]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>',
    re.S,
)
_FORM = re.compile(r"(?<![\w:?$])(SELECT|CONSTRUCT|ASK|DESCRIBE)(?![\w:])", re.I)
_WHERE = re.compile(r"\s*WHERE\b", re.I)
_VAR = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


_KEYWORD = r"(?<![\w:?$]){}(?![\w:-])"
_VALUES = re.compile(_KEYWORD.format("VALUES"), re.I)
_MINUS = re.compile(_KEYWORD.format("MINUS"), re.I)
_SUBSELECT = re.compile(r"(?:\s|#[^\n\r]*)*SELECT(?![\w:])", re.I)


def _where_brace(sparql: str) -> int:
    """Index of the ``{`` that opens the query's top-level WHERE group."""
    depth_brace = depth_paren = 0
    form: str | None = None
    template_done = False
    pos = 0
    while pos < len(sparql):
        skip = _SKIP.match(sparql, pos)
        if skip:
            pos = skip.end()
            continue
        ch = sparql[pos]
        if form is None and depth_brace == 0 and depth_paren == 0:
            match = _FORM.match(sparql, pos)
            if match:
                form = match.group(1).upper()
                if form == "CONSTRUCT" and _WHERE.match(sparql, match.end()):
                    raise AikgError("cannot bind values in a CONSTRUCT WHERE short form; write a template")
                pos = match.end()
                continue
        if ch == "(":
            depth_paren += 1
        elif ch == ")":
            depth_paren -= 1
        elif ch == "{":
            if form is not None and depth_brace == 0 and depth_paren == 0:
                if form == "CONSTRUCT" and not template_done:
                    template_done = True
                else:
                    return pos
            depth_brace += 1
        elif ch == "}":
            depth_brace -= 1
        pos += 1
    raise AikgError("cannot bind values: the query has no WHERE group")


def _group_braces(sparql: str) -> list[int]:
    """Indexes of the ``{`` of every group pattern of the WHERE clause, outermost first.

    Not included: VALUES data blocks, a group that only wraps a subquery (its
    ``SELECT ... WHERE {`` group is included), and the group right after MINUS.
    """
    first = _where_brace(sparql)
    found: list[int] = []
    depth = 0
    values_block = False  # the next { opens a VALUES data block
    minus_group = False
    pos = first
    while pos < len(sparql):
        skip = _SKIP.match(sparql, pos)
        if skip:
            pos = skip.end()
            continue
        ch = sparql[pos]
        keyword = _VALUES.match(sparql, pos) or _MINUS.match(sparql, pos)
        if keyword:
            if keyword.group(0).upper() == "VALUES":
                values_block = True
            else:
                minus_group = True
            pos = keyword.end()
            continue
        if ch == "{":
            if values_block:  # terms only, no nested braces: jump to its end
                values_block = False
                close = pos + 1
                while close < len(sparql) and sparql[close] != "}":
                    match = _SKIP.match(sparql, close)
                    close = match.end() if match else close + 1
                pos = close + 1
                continue
            if not minus_group and not _SUBSELECT.match(sparql, pos + 1):
                found.append(pos)
            minus_group = False
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                break
        pos += 1
    return found


def to_term(value):
    """A pyoxigraph term for a bound value: terms as they are, IRIs checked, strings as literals."""
    import pyoxigraph as ox

    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        if isinstance(value, ox.BlankNode):
            raise AikgError("blank nodes cannot be bound in a remote query")
        return value
    try:  # rdflib terms, if a caller has them
        from rdflib import Literal as RLiteral
        from rdflib import URIRef

        if isinstance(value, URIRef):
            return ox.NamedNode(check_iri(str(value)))
        if isinstance(value, RLiteral):
            if value.language:
                return ox.Literal(str(value), language=value.language)
            if value.datatype:
                return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
            return ox.Literal(str(value))
    except ImportError:
        pass
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#double"))
    return ox.Literal(str(value))


def bind_values(sparql: str, bind: dict | None, *, prefixes: dict[str, str] | None = None) -> str:
    """``sparql`` with a one-row VALUES block binding ``bind``'s variables in every group of its WHERE clause.

    Each value is a pyoxigraph term (``NamedNode`` validates an IRI, ``Literal``
    escapes a string); the group braces are found with a small tokenizer that skips
    strings, IRIs and comments. The block is put at the start of every group pattern
    (the FILTERs of nested groups, UNION branches, OPTIONAL and EXISTS see the value,
    as with substitution), except VALUES data, subquery wrappers and MINUS's group.
    Before returning, the block alone and the rewritten query are parsed by Oxigraph,
    and the block must give back exactly the intended terms: a value such as
    ``x" } ; DROP ALL ; #`` can only ever be one string literal.

    Raises AikgError when a name is not a variable name or a value does not survive a
    round trip through Oxigraph's parser as exactly one term.
    """
    if not bind:
        return sparql
    import pyoxigraph as ox

    names = list(bind)
    for name in names:
        if not _VAR.fullmatch(name.lstrip("?$")):
            raise AikgError(f"{name!r} is not a SPARQL variable name")
    if "SERVICE" in sparql_tokens(sparql)[1]:
        raise AikgError("cannot bind values into a query that uses SERVICE")
    variables = [name.lstrip("?$") for name in names]
    terms = [to_term(bind[name]) for name in names]
    block = "VALUES (" + " ".join(f"?{v}" for v in variables) + ") { (" + " ".join(str(t) for t in terms) + ") }"
    # the block alone must give back exactly the intended terms
    try:
        rows = list(ox.Store().query(f"SELECT * WHERE {{ {block} }}"))
    except SyntaxError as err:
        raise AikgError(f"a bound value does not make a valid SPARQL term ({err})") from None
    if len(rows) != 1 or any(rows[0][v] != t for v, t in zip(variables, terms)):
        raise AikgError("a bound value does not survive as one SPARQL term; refused")
    # in every group (substitution semantics: FILTERs of nested groups see the value too)
    bound = sparql
    for brace in reversed(_group_braces(sparql)):
        bound = f"{bound[: brace + 1]} {block}\n{bound[brace + 1 :]}"
    try:
        ox.Store().query(bound, prefixes=prefixes)  # the rewritten query must still be one valid query
    except SyntaxError as err:
        raise AikgError(f"cannot bind values into this query ({err})") from None
    return bound




def _tokens(sparql: str):
    """("var", name, end) and ("word", UPPER, end) tokens outside strings, IRIs and comments."""
    pos = 0
    while pos < len(sparql):
        skip = _SKIP.match(sparql, pos)
        if skip:
            pos = skip.end()
            continue
        var = _TOKEN_VAR.match(sparql, pos)
        if var:
            yield "var", var.group(1), var.end()
            pos = var.end()
            continue
        word = _WORD.match(sparql, pos)
        if word:
            yield "word", word.group(1).upper(), word.end()
            pos = word.end()
            continue
        pos += 1


def sparql_tokens(sparql: str) -> tuple[dict[str, None], list[str]]:
    """(variable names in order of first appearance, upper-cased keywords in order)."""
    variables: dict[str, None] = {}
    words: list[str] = []
    for kind, text, _ in _tokens(sparql):
        if kind == "var":
            variables.setdefault(text)
        else:
            words.append(text)
    return variables, words


_STAR = re.compile(r"(?:\s|#[^\n\r]*)*(?:(?:DISTINCT|REDUCED)(?![\w:])(?:\s|#[^\n\r]*)*)?\*", re.I)


def explicit_projection(sparql: str, variables: list[str]) -> str | None:
    """``sparql`` with its top-level ``SELECT *`` spelled out, the variables in order of first
    appearance in the text (as the W3C results list them); None if it is not ``SELECT *``."""
    for kind, text, end in _tokens(sparql):
        if kind == "word" and text == "SELECT":
            star = _STAR.match(sparql, end)
            if not star or not variables:
                return None
            order = list(sparql_tokens(sparql)[0])
            ranked = sorted(variables, key=lambda v: order.index(v) if v in order else len(order))
            return f"{sparql[: star.end() - 1]}{' '.join('?' + v for v in ranked)}{sparql[star.end():]}"
        if kind == "word" and text in ("CONSTRUCT", "ASK", "DESCRIBE"):
            return None
    return None


def bound_terms(variables, bind: dict | None) -> dict:
    """``--bind name=value`` pairs as RDF terms; a name the query does not have is an error."""
    terms = {}
    for name, value in (bind or {}).items():
        name = name.lstrip("?$")
        if name not in variables:
            known = ", ".join(f"?{v}" for v in sorted(variables)) or "none"
            raise AikgError(f"the query has no variable ?{name} to bind (its variables: {known})")
        terms[name] = bind_term(value)
    return terms


def bind_term(value: str, prefixes: dict[str, str] | None = None):
    """The pyoxigraph term a ``--bind`` value stands for (aikg.query.parse_bind_value's rules).

    ``<https://…>`` is an IRI; ``prefix:local`` with a known prefix is an IRI; ``"…"``
    is a literal of what is inside the quotes; anything else is a plain string literal.
    """
    import pyoxigraph as ox

    prefixes = PREFIXES if prefixes is None else prefixes
    if len(value) >= 2 and value.startswith("<") and value.endswith(">"):
        iri = value[1:-1]
        if not iri or _IRI_FORBIDDEN.search(iri) or ":" not in iri:
            raise AikgError(f"not a valid IRI: {value}")
        return ox.NamedNode(check_iri(iri))
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return ox.Literal(value[1:-1])
    prefix, sep, local = value.partition(":")
    if sep and prefix in prefixes and not _IRI_FORBIDDEN.search(local):
        return ox.NamedNode(check_iri(prefixes[prefix] + local))
    return ox.Literal(value)
