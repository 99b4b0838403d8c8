"""One typed record per kind of thing that flows from corpus to graph."""

from __future__ import annotations

from dataclasses import dataclass, field

ENTITY_TYPES = ("Model", "Organization", "Person", "Tool", "Technology")
PREDICATES = ("authorOf", "affiliatedWith", "developedBy", "basedOn", "usesTechnology", "partOf")


@dataclass(frozen=True)
class Document:
    """A source file as read: its text and where it came from."""

    path: str  # as given (relative where possible); used in provenance
    slug: str  # ascii slug of the file stem, unique within a build
    text: str
    sha256: str


@dataclass(frozen=True)
class Article:
    """One article (or unsigned part) of a document, with its span in the source text."""

    id: str  # "A01", "P1", or a slug for single-article files
    doc_slug: str
    title: str
    authors: tuple[str, ...]
    start: int  # character offsets into Document.text, end exclusive
    end: int
    byline: tuple[int, int] | None = None  # span of the "文/..." line
    bio: tuple[int, int] | None = None  # span of the author bio block, inside [start, end)

    @property
    def key(self) -> str:
        """Unique within a build: the IRI local name of the article node."""
        return self.id if self.id == self.doc_slug else f"{self.doc_slug}-{self.id}"


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article, with absolute offsets into the document text."""

    article_id: str
    start: int
    end: int
    text: str
    in_bio: bool = False


@dataclass(frozen=True)
class Mention:
    """A surface form found in the text and the entity key it resolves to."""

    start: int
    end: int
    text: str
    type: str  # one of ENTITY_TYPES
    key: str  # entity id (slug) after resolution
    rule: str  # which component or rule found it (lexicon, org-suffix, ...)
    article_key: str


@dataclass
class Entity:
    """One real thing: its id, type, canonical name and every surface form seen."""

    id: str
    type: str
    name: str
    aliases: set[str] = field(default_factory=set)
    alt_types: tuple[str, ...] = ()
    wikidata: str | None = None
    articles: set[str] = field(default_factory=set)
    mention_count: int = 0
    merged_by: set[str] = field(default_factory=set)  # why surface forms became one node


@dataclass(frozen=True)
class Relation:
    """A fact stated in the text: subject predicate object, with its evidence."""

    subject: str  # entity id
    predicate: str  # one of PREDICATES
    object: str  # entity id, or the article key for authorOf
    article_key: str
    evidence: str  # the sentence (trimmed) that states it
    start: int  # offsets of the evidence sentence in the source text
    end: int
    rule: str


@dataclass(frozen=True)
class Observation:
    """A number or date stated about an entity (or an article's subject), with its evidence.

    Values are normalized decimal strings ("13500000", "0.1952"); ``date`` and ``period``
    are ISO strings of one precision ("2024", "2024-09", "2024-12-01").
    """

    about: tuple[str, ...]  # entity ids (jointly, for a shared value); () = the article's subject
    measure: str  # an id of ontology/measures.toml
    stated: str  # the number or date as written ("1350 万", "19.52%")
    article_key: str
    evidence: str
    start: int  # offsets of the evidence in the source text
    end: int
    rule: str
    value: str | None = None
    low: str | None = None  # a range: "10-40%"
    high: str | None = None
    unit: str | None = None  # a QUDT unit local name (NUM, PERCENT)
    date: str | None = None  # for date measures
    period: str | None = None  # the period or point in time a quantity refers to
    qualifier: str | None = None  # nearly, moreThan, about, … / early, mid, late
    rank: int | None = None
    category: str | None = None  # what is ranked or grouped ("AI 编程")
    subject_label: str | None = None  # the subject's name when it is not an entity


@dataclass
class Extraction:
    """Everything extracted from a set of documents, resolved to one node per thing."""

    documents: list[Document]
    articles: list[Article]
    entities: dict[str, Entity]  # by entity id
    mentions: list[Mention]
    relations: list[Relation]
    observations: list[Observation] = field(default_factory=list)  # numbers and dates (extract/quantities.py)
