"""What a query returned (QueryResult) and how it is written out: table, CSV, TSV, SPARQL JSON.

Terms may be pyoxigraph's (the store, remote endpoints) or rdflib's (the fallback
engine); every helper here reads both. Imports neither until a term is formatted.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field

from aikg.errors import AikgError
from aikg.sparql import PREFIXES

FORMATS = ("table", "csv", "tsv", "json")
DEFAULT_LIMIT = 1000
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {f"{_XSD}{t}" for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}


@dataclass
class QueryResult:
    """What a query returned: ``rows`` as Python values, ``terms`` as RDF terms.

    ``kind`` is "select", "ask" or "graph" (CONSTRUCT/DESCRIBE, as subject,
    predicate, object rows). ``capped`` is true when more rows existed than
    ``limit`` allowed.
    """

    variables: list[str]
    terms: list[tuple] = field(default_factory=list)
    kind: str = "select"
    boolean: bool | None = None
    capped: bool = False
    limit: int = DEFAULT_LIMIT
    seconds: float = 0.0

    @property
    def rows(self) -> list[tuple]:
        return [tuple(_python(term) for term in row) for row in self.terms]


def answer_result(answer, limit: int):
    """A pyoxigraph answer (solutions, triples or a boolean) as a QueryResult of at most ``limit`` rows."""
    import pyoxigraph as ox

    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(["boolean"], [(bool(answer),)], "ask", bool(answer))
    if isinstance(answer, (list, ox.QueryTriples)):
        names, kind = ["subject", "predicate", "object"], "graph"
        rows_iter = ((t.subject, t.predicate, t.object) for t in answer)
    else:
        names, kind = [v.value for v in answer.variables], "select"
        rows_iter = (tuple(solution[n] for n in names) for solution in answer)
    rows, capped = [], False
    for row in rows_iter:
        if len(rows) == limit:
            capped = True
            break
        rows.append(row)
    return QueryResult(names, rows, kind, capped=capped, limit=limit)


def _python(term):
    if term is None:
        return None
    if _is_oxigraph(term):
        return _ox_python(term)
    from rdflib import Literal

    if isinstance(term, Literal):
        value = term.toPython()
        return value if isinstance(value, (int, float, bool, str)) else str(term)
    return str(term)


def _compact(term, namespaces: list[tuple[str, str]]) -> str:
    if term is None:
        return ""
    if _is_oxigraph(term):
        return _ox_compact(term, namespaces)
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        text = str(term)
        for prefix, namespace in namespaces:
            if text.startswith(namespace) and len(text) > len(namespace):
                return f"{prefix}:{text[len(namespace):]}"
        return f"<{text}>"
    if isinstance(term, Literal):
        return str(term)
    return f"_:{term}"


def _json_term(term) -> dict | None:
    if term is None:
        return None
    if _is_oxigraph(term):
        return _ox_json(term)
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype:
            out["datatype"] = str(term.datatype)
        return out
    return {"type": "literal", "value": str(term)}


_TSV_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _tsv_term(term) -> str:
    if term is None:
        return ""
    if _is_oxigraph(term):
        return _ox_tsv(term, _TSV_ESCAPES)
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import XSD

    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = "".join(_TSV_ESCAPES.get(ch, ch) for ch in str(term))
    if isinstance(term, Literal):
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype == XSD.integer and re.fullmatch(r"[+-]?\d+", str(term)):
            return str(term)
        if term.datatype and term.datatype != XSD.string:
            return f'"{text}"^^<{term.datatype}>'
    return f'"{text}"'


def _csv_term(term) -> str:
    if term is None:
        return ""
    if _is_oxigraph(term):
        return _ox_csv(term)
    from rdflib import BNode

    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def format_result(result: QueryResult, fmt: str = "table", *, width: int | None = None) -> str:
    """The result as ``table`` (rich, IRIs shortened), ``csv``/``tsv``/``json`` (SPARQL 1.1 results formats).

    CONSTRUCT/DESCRIBE results come out as subject/predicate/object rows.
    """
    if fmt == "json":
        if result.kind == "ask":
            return json.dumps({"head": {}, "boolean": result.boolean}, ensure_ascii=False, indent=2) + "\n"
        bindings = []
        for row in result.terms:
            binding = {}
            for var, term in zip(result.variables, row):
                encoded = _json_term(term)
                if encoded is not None:
                    binding[var] = encoded
            bindings.append(binding)
        document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        if result.kind == "ask":
            writer.writerow(["boolean"])
            writer.writerow(["true" if result.boolean else "false"])
        else:
            writer.writerow(result.variables)
            writer.writerows([_csv_term(term) for term in row] for row in result.terms)
        return out.getvalue()
    if fmt == "tsv":
        if result.kind == "ask":
            return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
        lines = ["\t".join(f"?{v}" for v in result.variables)]
        lines += ["\t".join(_tsv_term(term) for term in row) for row in result.terms]
        return "\n".join(lines) + "\n"
    if fmt == "table":
        return _table(result, width)
    raise AikgError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """``text`` with control characters (ANSI escape sequences, bells) shown as ``\\xNN``,
    so a value from the graph cannot drive the terminal it is printed on."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def _table(result: QueryResult, width: int | None) -> str:
    import shutil

    from rich.console import Console

    if result.kind == "ask":
        return ("true" if result.boolean else "false") + "\n"
    namespaces = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))
    count = len(result.terms)
    caption = f"{count} row{'s' if count != 1 else ''}"
    if result.capped:
        caption += f" (capped at {result.limit}; raise --limit for more)"
    cells = [[terminal_safe(_compact(term, namespaces)) for term in row] for row in result.terms]
    console = Console(
        file=io.StringIO(), width=width or shutil.get_terminal_size((120, 24)).columns,
        color_system=None, force_terminal=False, highlight=False, soft_wrap=False,
    )
    fast = _plain_table(console, result.variables, cells, caption)
    return fast if fast is not None else _rich_table(console, result.variables, cells, caption)


def _rich_table(console, variables: list[str], cells: list[list[str]], caption: str) -> str:
    """The table as rich prints it (``console`` writes to a StringIO)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(caption=caption, show_lines=False)
    for var in variables:
        table.add_column(Text(var), overflow="fold")
    for row in cells:  # graph text is plain Text: "[red]" or "[/x]" in a name is never rich markup
        table.add_row(*(Text(text) for text in row))
    console.print(table)
    return console.file.getvalue()


def _widest(texts) -> list[str]:
    """The texts with the longest line and with the longest word, as rich's Text measures them."""
    from rich.cells import cell_len

    longest_line = longest_word = None
    line_width = word_width = -1
    for text in texts:
        lines = text.splitlines()
        widest_line = max((cell_len(line) for line in lines), default=0)
        words = text.split()
        widest_word = max((cell_len(word) for word in words), default=widest_line)
        if widest_line > line_width:
            longest_line, line_width = text, widest_line
        if widest_word > word_width:
            longest_word, word_width = text, widest_word
    return list(dict.fromkeys(t for t in (longest_line, longest_word) if t is not None))


def _plain_table(console, variables: list[str], cells: list[list[str]], caption: str) -> str | None:
    """What ``console.print`` of the rich Table in :func:`_table` writes, rendering each distinct
    cell once: rich lays out and wraps every cell of every row (~2 s for 800 rows of five
    columns), though query results repeat titles, ids and labels. Column widths come from
    rich's own layout of a table holding, per column, only the cells with the longest line
    and the longest word (rich sizes a column by those two measures alone); each distinct
    (text, width) is wrapped by rich; rows and borders are joined here the way
    Table._render joins them. None (use rich) when the table is wider than the console,
    where rich would crop it."""
    from rich.cells import set_cell_size
    from rich.padding import Padding
    from rich.style import Style
    from rich.table import Table
    from rich.text import Text

    if not variables:
        return None
    distinct = [_widest(dict.fromkeys(row[i] for row in cells)) for i in range(len(variables))]
    probe = Table(caption=caption, show_lines=False)
    for var in variables:
        probe.add_column(Text(var), overflow="fold")
    for i in range(max((len(column) for column in distinct), default=0)):
        probe.add_row(*(Text(column[i]) if i < len(column) else Text("") for column in distinct))
    options = console.options
    extra = probe._extra_width
    widths = probe._calculate_column_widths(console, options.update_width(options.max_width - extra))
    table_width = sum(widths) + extra
    if table_width > console.width:
        return None
    render_options = options.update(width=table_width, highlight=probe.highlight, height=None)
    box = probe.box.substitute(render_options, safe=console.safe_box)
    header_style = console.get_style(probe.header_style or "")
    rendered: dict[tuple[str, int, bool], list[str]] = {}

    def lines_of(text: str, width: int, header: bool) -> list[str]:
        key = (text, width, header)
        if key not in rendered:
            cell_options = render_options.update(width=width, justify=None, no_wrap=False, overflow="fold", height=None, highlight=False)
            lines = console.render_lines(Padding(Text(text), (0, 1, 0, 1)), cell_options, style=header_style if header else Style.null())
            # each line set to the column's width, as Segment.set_shape does in Table._render
            rendered[key] = [set_cell_size("".join(segment.text for segment in line), width) for line in lines]
        return rendered[key]

    out = [box.get_top(widths), "\n"]
    rows = [(True, variables)] + [(False, row) for row in cells]
    for index, (header, row) in enumerate(rows):
        columns = [lines_of(text, width, header) for text, width in zip(row, widths)]
        height = max(1, *(len(lines) for lines in columns))
        blanks = [[" " * width] * (height - len(lines)) for lines, width in zip(columns, widths)]
        # the header sits at the bottom of its row, other cells at the top
        columns = [blank + lines if header else lines + blank for lines, blank in zip(columns, blanks)]
        if header:
            left, divider, right = box.head_left, box.head_vertical, box.head_right
        elif index == len(rows) - 1:
            left, divider, right = box.foot_left, box.foot_vertical, box.foot_right
        else:
            left, divider, right = box.mid_left, box.mid_vertical, box.mid_right
        for line_no in range(height):
            out += [left, divider.join(lines[line_no] for lines in columns), right, "\n"]
        if header:
            out += [box.get_row(widths, "head", edge=True), "\n"]
    out += [box.get_bottom(widths), "\n"]
    caption_out = io.StringIO()
    caption_console = console.__class__(
        file=caption_out, width=console.width, color_system=None, force_terminal=False, highlight=False, soft_wrap=False,
    )
    caption_console.print(Text(caption, style=console.get_style("table.caption")), justify="center", width=table_width)
    return "".join(out) + caption_out.getvalue()


# --- pyoxigraph terms ---------------------------------------------------------------------


def _is_oxigraph(term) -> bool:
    return type(term).__module__ == "pyoxigraph"


def _ox_python(term):
    """A pyoxigraph term as aikg.query's rows show it: numbers and booleans typed, the rest text."""
    kind = type(term).__name__
    if kind != "Literal":
        return term.value
    datatype = term.datatype.value
    try:
        if datatype in _INTEGERS:
            return int(term.value)
        if datatype in (f"{_XSD}double", f"{_XSD}float"):
            return float(term.value)
        if datatype == f"{_XSD}boolean":
            return term.value in ("true", "1")
    except ValueError:
        pass
    return term.value


def _ox_compact(term, namespaces) -> str:
    kind = type(term).__name__
    if kind == "NamedNode":
        text = term.value
        for prefix, namespace in namespaces:
            if text.startswith(namespace) and len(text) > len(namespace):
                return f"{prefix}:{text[len(namespace):]}"
        return f"<{text}>"
    if kind == "Literal":
        return term.value
    return f"_:{term.value}"


def _ox_json(term) -> dict:
    kind = type(term).__name__
    if kind == "NamedNode":
        return {"type": "uri", "value": term.value}
    if kind == "BlankNode":
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != f"{_XSD}string":
        out["datatype"] = term.datatype.value
    return out


def _ox_tsv(term, escapes: dict[str, str]) -> str:
    kind = type(term).__name__
    if kind == "NamedNode":
        return f"<{term.value}>"
    if kind == "BlankNode":
        return f"_:{term.value}"
    text = "".join(escapes.get(ch, ch) for ch in term.value)
    if term.language:
        return f'"{text}"@{term.language}'
    datatype = term.datatype.value
    if datatype == f"{_XSD}integer" and re.fullmatch(r"[+-]?\d+", term.value):
        return term.value
    if datatype != f"{_XSD}string":
        return f'"{text}"^^<{datatype}>'
    return f'"{text}"'


def _ox_csv(term) -> str:
    return f"_:{term.value}" if type(term).__name__ == "BlankNode" else term.value
