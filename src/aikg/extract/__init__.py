"""Extraction: documents → mentions and facts → one resolved set of entities and relations."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from aikg import paths
from aikg.corpus import split_sentences
from aikg.extract.entities import Candidate, english_kind, kind_ending, listed_types, parenthetical_aliases, word_tag
from aikg.extract.lexicon import SurfaceMatcher, lexicon_matcher, normalize
from aikg.extract.relations import (
    PRONOUN, RawFact, antecedent, brand_parts, first_person_facts, negated, organization_pronouns, sentence_facts, unit_affiliations,
    unit_owners,
)
from aikg.extract.relmodel import RelationModel, load_model
from aikg.extract.resolve import Resolver
from aikg.extract.rules import RuleSet, load_rules
from aikg.extract.structure import StructureReader
from aikg.extract.typer import TypeModel, load_typer, retype

from aikg.records import Article, Document, Entity, Extraction, Mention, Relation, Sentence

EVIDENCE_MAX = 240
OPENING = 300  # characters of a document's opening that name what it is about
# "**LangChain-Chatchat** (原 …)", "vLLM is a fast library", "PaddleNLP 是一款…": a README's first words
ORG_PRONOUN_REACH = 3  # sentences back that a word like 该公司 may look for its organization
README_OPENING = re.compile(
    r"\s*(?:#[^\n]*\n\s*)*(?:\*\*(?P<bold>[^*\n]{2,40})\*\*|(?P<plain>[A-Za-z][\w.+-]{1,40}))"
    r"(?(bold)|\s*(?:是|is\b|:|：))"
)
# "Yu Deng": a capitalized word before a surname makes it another person's name
SURNAME_OF_OTHER = re.compile(r"[A-Z][\w.-]*\s+$")
# Rules that state who made a thing in so many words ("X 是由 Y 研发的", "Y released X"); a possessive
# ("HuggingFace OpenRLHF") is too loose to make Y the "we" of a README.
MAKER_RULES = {"passive-developer", "verb-developer", "copula-developer", "from-maker", "by-makers"}
# "deepseek-ai", "DeepSeek AI": what may follow a maker's name in its organization's name
MAKER_TAILS = frozenset({"", "ai", "inc", "lab", "labs", "team", "research"})
# "# Generative Models by Stability AI": a title that credits its maker
TITLE_CREDIT = re.compile(r"(?<![A-Za-z])(?:by|from)\s+$|(?:出品|发布方|作者)[：:]\s*$")
# Rules precise enough that a name they found is looked for again in the whole document.
ECHO_RULES = {"byline", "person-role", "person-title", "person-latin", "person-verb", "person-pinyin", "org-suffix", "org-latin", "latin-cue", "latin-shape", "latin-prefix", "person-list", "list-bold", "technology-compound", "acronym-definition", "copula-kind"}


@dataclass
class SentenceResult:
    """The mentions and raw facts of one sentence."""

    sentence: Sentence
    mentions: list[Candidate]
    facts: list[RawFact]
    aliases: list[tuple[Candidate, Candidate]] = field(default_factory=list)  # (alias, head): "head（alias）"
    heads: list[Candidate] = field(default_factory=list)  # mentions that take part in facts
    learned: list[RawFact] = field(default_factory=list)  # facts of the learned relation model
    # (short form, name in full, why): a surname and its person, a company's short name and its full name
    links: list[tuple[Candidate, Candidate, str]] = field(default_factory=list)


@dataclass
class DocumentResult:
    """What one document yields before resolution (picklable, for worker processes)."""

    document: Document
    articles: list[Article]
    sentences: list[SentenceResult] = field(default_factory=list)


def _echo_safe(name: str) -> bool:
    """Short acronyms and single letters are too ambiguous to look for everywhere."""
    if re.fullmatch(r"[A-Z]{1,3}", name) or len(name) < 2:
        return False
    return True


def _readme_title_name(doc: Document, articles: list[Article], matcher: SurfaceMatcher, rules: RuleSet) -> dict[str, tuple]:
    """A one-article document titled by one unknown product-like name that it opens with
    ("# Fluxserve" … "Fluxserve is a fast library"): the name is a tool, everywhere in it."""
    if len(articles) != 1 or articles[0].id != doc.slug:
        return {}
    title = articles[0].title.strip()
    opening = README_OPENING.match(doc.text[: OPENING * 2])
    name = opening and (opening.group("bold") or opening.group("plain"))
    if (
        name is None
        or name.lower() != title.lower()  # "# quillserve" … "Quillserve is a fast library"
        or not re.fullmatch(r"[A-Za-z][\w.+-]{2,30}", title)
        or matcher.find(title)
        or title.lower() in rules.english_function_words
        or title.lower() in rules.stop_forms
    ):
        return {}
    kind = (_opening_kind(doc.text[opening.end():opening.end() + OPENING], rules), "readme-title", None)
    return {title: kind, name: kind}


def _opening_kind(said: str, rules: RuleSet) -> str:
    """What a README's opening says its project is: "是…的大语言模型" or "is a family of open models"
    make it a model; a library, an engine, a framework — or nothing said — a tool."""
    said = said.strip(" *_")
    english = re.split(r"[，,。；;：:！？!?\n]|\.\s", said, maxsplit=1)[0]  # "… a library. It serves models": a library
    return "Model" if "Model" in (kind_ending(said, rules), english_kind(english, rules)) else "Tool"


def _author_gazetteer(articles: list[Article], matcher: SurfaceMatcher, entries, rules: RuleSet) -> dict[str, tuple]:
    """Byline names: people, or organizations when the lexicon or an org suffix says so."""
    forms: dict[str, tuple] = {}
    for article in articles:
        for author in article.authors:
            hits = matcher.find(author)
            if hits and hits[0][0] == 0 and hits[0][1] == len(author):
                entry = entries[hits[0][3]]
                forms[author] = (entry.type, "byline", entry.id)
            elif author.endswith(rules.org_suffixes) or author.endswith(tuple(" " + s for s in rules.org_latin_suffixes)):
                forms[author] = ("Organization", "byline", None)
            else:
                forms[author] = ("Person", "byline", None)
    return forms


def _surnames(found: list[list[Candidate]], matcher: SurfaceMatcher, rules: RuleSet) -> dict[str, Candidate]:
    """"Ian Buck … Buck 博士毕业后", "Sam Altman … Altman said": the surname of a person named in full
    names that person; a surname two people share, a known name or an English word does not."""
    people: dict[str, dict[str, Candidate]] = {}
    for mentions in found:
        for cand in mentions:
            parts = cand.text.split()
            if cand.type == "Person" and len(parts) >= 2 and re.fullmatch(r"[A-Z][^\W\d_]{2,}", parts[-1]):
                people.setdefault(parts[-1], {}).setdefault(cand.text, cand)
    return {
        surname: next(iter(fulls.values()))
        for surname, fulls in sorted(people.items())
        if len(fulls) == 1 and not matcher.find(surname) and surname.lower() not in rules.english_function_words
    }


SURNAME_LINK = "is the surname of {head!r}, named in full in the same article"
SHORT_NAME_LINK = "is the short name of {head!r}, named in full in the same document"


def _surname_links(mentions: list[Candidate], text: str, article_id: str, surnames: dict[str, Candidate], in_full: set[tuple[str, str]]) -> tuple[list[Candidate], list[tuple[Candidate, Candidate, str]]]:
    """The sentence's mentions, and (surname, full name) links: a surname names its person only in an
    article that names them in full, never as part of another name; one typed by its shape alone
    becomes a Person."""
    out, links = [], []
    for cand in mentions:
        full = surnames.get(cand.text)
        if full is not None and (article_id, full.text) in in_full and not SURNAME_OF_OTHER.search(text, 0, cand.start):
            if cand.type != "Person" and cand.priority < 3:
                cand = dataclasses.replace(cand, type="Person")
            if cand.type == "Person":
                links.append((cand, full, SURNAME_LINK))
        out.append(cand)
    return out, links


def short_names(full: str, rules: RuleSet) -> list[str]:
    """"北京星衡智能科技有限公司" → ["星衡智能科技", "星衡智能"]: the names a company registered in full
    goes by (no place, legal form or trade words; three characters or more); none for a name
    without a legal form (a university, a lab)."""
    legal = next((f for f in rules.org_legal_forms if full.endswith(f)), None)
    if legal is None or not re.fullmatch(r"[\u4e00-\u9fff]+", full):
        return []
    name = full[: -len(legal)]
    import jieba

    first = jieba.lcut(name)[0] if name else ""
    if len(first) < len(name) and word_tag(first) == "ns":
        name = name[len(first):]  # "北京", "深圳市"
    forms, layer = [name], [name]
    for _ in range(2):  # "智谱华章科技" → "智谱华章"; "阿里巴巴集团控股" → "阿里巴巴"
        layer = [f[: -len(w)] for f in layer for w in rules.org_trade_words if f.endswith(w) and len(f) > len(w)]
        forms += layer
    return [f for f in dict.fromkeys(forms) if len(f) >= 3 and f != full and f not in rules.org_boundaries and normalize(f) not in rules.stop_forms]


def _name_maker(topic: Candidate | None, mentions: list[Candidate]) -> list[Candidate]:
    """The organization whose name opens the topic's ("DeepSeek" for DeepSeek-R1, "Baichuan" for
    Baichuan2-7B): in a project's own README, "we" are its maker."""
    if topic is None:
        return []
    head = re.split(r"[-_\s]|(?<=[A-Za-z])(?=\d)", topic.text, maxsplit=1)[0].lower()
    org = min((m for m in mentions if m.type == "Organization" and _names_maker(m.text, head)), key=lambda m: m.text, default=None)
    return [_speaker(org)] if org else []


def _interviewee(text: str, mentions: list[Candidate], affiliations: dict[str, Candidate], answering: list[Candidate], rules: RuleSet) -> list[Candidate]:
    """Who "we" are in an interview's answer: "王海涛：我们的 Orbit-R2 …" speaks for where 王海涛 works,
    and so do the sentences after it, until a question ("问：", "Q:"), a heading or another speaker."""
    opening = re.match(r"[\s*_>#]*(?P<who>[^：:\s]{1,20})\s*[*_]*\s*[：:]", text)
    if opening is None:
        return [] if text.lstrip().startswith("#") else answering
    opener = next((m for m in mentions if m.type == "Person" and m.start == opening.start("who") and m.end == opening.end("who")), None)
    if opener is None:
        return [] if opening.group("who") in rules.interviewers else answering
    return [_speaker(affiliations[opener.text])] if opener.text in affiliations else []


def _speaker(org: Candidate) -> Candidate:
    """The organization a document's "we" stands for, as a mention facts can point at."""
    return Candidate(0, 0, org.text, "Organization", "topic-maker", org.key)


def _names_maker(org: str, head: str) -> bool:
    """"DeepSeek", "deepseek-ai", "DeepSeek AI" all name the maker of "DeepSeek-R1"."""
    folded = re.sub(r"[-_\s.]", "", org.lower())
    return folded.startswith(head) and folded[len(head):] in MAKER_TAILS



def _title_maker(article: Article, sentences: list, found: list[list[Candidate]]) -> list[Candidate]:
    """"# Generative Models by Stability AI": the organization a title credits speaks as "we"."""
    title = next(((s, ms) for (a, s), ms in zip(sentences, found) if a.id == article.id), None)
    if title is None:
        return []
    sentence, mentions = title
    org = next((m for m in mentions if m.type == "Organization" and TITLE_CREDIT.search(sentence.text, 0, m.start)), None)
    return [_speaker(org)] if org else []



def document_topic(article: Article, mentions: list[Candidate], text: str) -> Candidate | None:
    """The model or tool a one-article document is about: the one its title names, else the one
    mentioned far more than any other and named in its opening (a project's README); None when
    no single one stands out."""
    built = [m for m in mentions if m.type in ("Model", "Tool")]
    title = article.title.strip(" *_#`")
    if any(title.startswith(m.text) and m.type not in ("Model", "Tool") for m in mentions):
        return None  # "SWIFT (Scalable lightWeight …)" read as a technique: no later title word is the topic
    in_title = [m for m in built if m.text in article.title]
    if len({m.text for m in in_title}) == 1:
        return in_title[0]
    whole = [m for m in in_title if m.text == title] or [m for m in in_title if re.match(rf"{re.escape(m.text)}(?![\w.-])", title)]
    if whole:
        return max(whole, key=lambda m: len(m.text))  # "# DeepSeek-R1" is about DeepSeek-R1, "SWIFT (Scalable …)" about SWIFT
    counts: dict[str, int] = {}
    for m in built:
        counts[m.text] = counts.get(m.text, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if ranked and ranked[0][1] >= 3 and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
        first = next(m for m in built if m.text == ranked[0][0])
        # a document about X names X at its opening
        if ranked[0][0] in text[article.start:article.start + OPENING]:
            return first
    # a README opens with its project's name: "**LangChain-Chatchat** (原 …): 基于 …", "vLLM is a …"
    opening = README_OPENING.match(text[article.start:article.start + OPENING])
    if opening:
        name = opening.group("bold") or opening.group("plain")
        return next((m for m in built if m.text == name), None)
    return None


def extract_document(doc: Document, articles: list[Article], nlp=None, model: RelationModel | None = None, learned: bool = True, typer: TypeModel | None = None) -> DocumentResult:
    """Find mentions and facts in every sentence of one document.

    Facts come from the relation rules and from the learned relation model (the shipped
    one unless ``model`` is given; none when ``learned`` is false); names only their shape
    typed are retyped by the typer (the shipped one unless ``typer`` is given).
    """
    from aikg.extract.pipeline import build_nlp, find_mentions

    nlp = nlp or build_nlp()
    model = (model or load_model()) if learned else None
    matcher, entries = lexicon_matcher(paths.LEXICON)
    rules = load_rules(paths.RULES)
    seeds = _author_gazetteer(articles, matcher, entries, rules)
    seeds.update(_readme_title_name(doc, articles, matcher, rules))
    gazetteer = SurfaceMatcher(seeds) if seeds else None

    sentences = [(a, s) for a in articles for s in split_sentences(doc, a)]
    found = [find_mentions(nlp, s.text, gazetteer) for _, s in sentences]

    # names found by precise rules are names everywhere in the document
    echoes = dict(seeds)
    for mentions in found:
        for cand in mentions:
            if cand.rule in ECHO_RULES and cand.text not in echoes and _echo_safe(cand.text):
                echoes[cand.text] = (cand.type, "echo", cand.key)
    # a company named in full is then called by its short name ("星衡智能")
    orgs = {c.text: c for mentions in found for c in mentions if c.type == "Organization"}
    shorts = {short: full for full in orgs.values() for short in short_names(full.text, rules)}
    for short in shorts:
        echoes.setdefault(short, ("Organization", "echo", None))
    if len(echoes) > len(seeds):
        echo_matcher = SurfaceMatcher(echoes)
        for index, (_, sentence) in enumerate(sentences):
            covered = {(c.start, c.end) for c in found[index]}
            if any((s, e) not in covered for s, e, _, _ in echo_matcher.find(sentence.text)):
                found[index] = find_mentions(nlp, sentence.text, echo_matcher)

    typer = (typer or load_typer()) if learned else None
    found = [retype(s.text, mentions, rules, typer) for (_, s), mentions in zip(sentences, found)]
    found = listed_types([s for _, s in sentences], found, doc.text)
    result = DocumentResult(document=doc, articles=articles)
    topics = {a.id: document_topic(a, [m for (art, _), ms in zip(sentences, found) if art.id == a.id for m in ms], doc.text) for a in articles if a.id == doc.slug}
    # each article's authors as mentions facts can point at (only those the text yields as a mention)
    named = {c.text for mentions in found for c in mentions}
    known_keys = {c.key for mentions in found for c in mentions if c.key}
    authors = {a.id: [Candidate(0, 0, n, seeds[n][0], "byline", seeds[n][2]) for n in a.authors if n in seeds and n in named] for a in articles}
    # who "we" are in an unsigned document: the signers, else the maker its topic's name carries
    speakers = {a.id: authors[a.id] or _title_maker(a, sentences, found) or _name_maker(topics.get(a.id), [m for ms in found for m in ms]) for a in articles}
    surnames = _surnames(found, matcher, rules)
    in_full = {(a.id, c.text) for (a, _), ms in zip(sentences, found) for c in ms if c.type == "Person"}
    bio_person: Candidate | None = None
    affiliations: dict[str, Candidate] = {}
    answering: list[Candidate] = []  # in an interview, the organization the current answer speaks for
    previous: tuple[str, list[Candidate]] | None = None
    recent_orgs: list[Candidate] = []
    structure: StructureReader | None = None
    for (article, sentence), mentions in zip(sentences, found):
        if structure is None or previous is None or previous[0] != article.id:
            signed = tuple(a for a in authors.get(article.id, []) if a.type == "Organization")
            structure = StructureReader(rules, topic=topics.get(article.id), signed_by=signed)
        if not sentence.in_bio:
            bio_person = None
        else:
            opener = next((m for m in mentions if m.start == 0 and m.type in ("Person", "Organization")), None)
            if opener is not None and opener.text in article.authors:
                bio_person = opener
            elif bio_person is None and len(article.authors) == 1 and opener is None:
                bio_person = next((m for m in mentions if m.text == article.authors[0]), None)
        mentions, links = _surname_links(mentions, sentence.text, article.id, surnames, in_full)
        links += [(m, shorts[m.text], SHORT_NAME_LINK) for m in mentions if m.text in shorts and m.type == "Organization"]
        aliases = parenthetical_aliases(sentence.text, mentions)
        alias_ids = {id(alias) for alias, _ in aliases}
        heads = [m for m in mentions if id(m) not in alias_ids]  # "X（Y）" is one participant
        same_article = previous is not None and previous[0] == article.id
        referent = antecedent(previous[1], sentence.text) if same_article else None
        topic = topics.get(article.id)
        if not same_article:
            recent_orgs = []
        stand_ins = organization_pronouns(sentence.text, heads, recent_orgs, rules)
        speaking = sorted(heads + stand_ins, key=lambda m: (m.start, m.end))
        facts = sentence_facts(sentence.text, speaking, rules, bio_person if sentence.in_bio else None, referent, topic)
        facts += structure.facts(sentence.text, heads)
        answering = _interviewee(sentence.text, heads, affiliations, answering, rules)
        facts += first_person_facts(sentence.text, heads, answering or speakers.get(article.id, []), rules, possessive=bool(answering))
        facts += brand_parts(heads, matcher, entries, rules, known_keys)
        units = unit_owners(facts)
        facts += unit_affiliations(units, facts)
        if structure.changed:  # it named or retyped a table cell
            mentions = sorted(heads + [alias for alias, _ in aliases], key=lambda m: (m.start, m.end))
        owners = [f.object for f in facts if f.rule == "brand-maker"] + list(units.values())
        if owners:  # "NVIDIA NeMo" mentions NVIDIA too (ANNOTATION.md: a brand prefix is a mention of its owner)
            mentions = sorted(mentions + owners, key=lambda m: (m.start, m.end))
        for f in facts:  # who works where, as the article has said so far (an interview's answers speak for it)
            if f.predicate == "affiliatedWith" and f.object.type == "Organization":
                affiliations.setdefault(f.subject.text, f.object)
        previous = (article.id, speaking)
        # the first organization of each of the last few sentences, latest first: what 该公司 can stand for
        recent_orgs = ([m for m in speaking if m.type == "Organization"][:1] + recent_orgs)[:ORG_PRONOUN_REACH]
        # the model reads the stand-ins too; not `speaking`: the table and hub readers may have added or retyped mentions of `heads` since
        heads = sorted(heads + stand_ins, key=lambda m: (m.start, m.end))
        if referent is not None:  # the pronoun stands for its referent: the model may pair it too
            pronoun = PRONOUN.match(sentence.text)
            heads = [Candidate(pronoun.start(), pronoun.end(), referent.text, referent.type, "pronoun", referent.key)] + heads
        elif topic is not None and not any(m.text == topic.text or (m.key and m.key == topic.key) for m in heads):
            # a README's features seldom repeat its project's name: the model may pair the topic too
            heads = [Candidate(0, 0, topic.text, topic.type, "topic", topic.key)] + heads
        if rules.planned_item.match(sentence.text):  # "- [ ] 支持智能体": a plan states no fact
            facts, heads = [], []
        learned = model.facts(sentence.text, heads, facts, rules, sentence.in_bio) if model else []
        learned += unit_affiliations(units, learned)
        facts = [f for f in facts if not negated(sentence.text, f, rules)]
        learned = [f for f in learned if not negated(sentence.text, f, rules)]
        result.sentences.append(SentenceResult(sentence, mentions, facts, aliases, heads, learned, links))
    for article in articles:
        if not speakers.get(article.id):
            _speak_for_maker(result, article, topics.get(article.id), rules)
    return result


def _speak_for_maker(result: DocumentResult, article: Article, topic: Candidate | None, rules: RuleSet) -> None:
    """"XVERSE-13B 是由深圳元象科技自主研发的 …": in an unsigned README whose project a rule says an
    organization made, "we" (or a news line with no subject) is that organization."""
    if topic is None:
        return
    items = [item for item in result.sentences if item.sentence.article_id == article.id]
    maker = next(
        (
            f.object for item in items for f in item.facts
            if f.rule in MAKER_RULES and f.object.type == "Organization" and (f.subject.text == topic.text or (topic.key and f.subject.key == topic.key))
        ),
        None,
    )
    if maker is None:
        return
    for item in items:
        item.facts += first_person_facts(item.sentence.text, item.heads, [_speaker(maker)], rules)


def _bare_names(entity: Entity, rules: RuleSet) -> set[str]:
    """"Yi 系列", "Yi 大模型": a model named with its kind word is also called without it ("Yi")."""
    if entity.type != "Model":
        return set()
    bare = set()
    for form in entity.aliases | {entity.name}:
        for cue in rules.latin_cues["Model"]:
            stem = form[: -len(cue)].rstrip() if form.endswith(cue) else ""
            if len(stem) >= 2 and stem[-1].isalnum():
                bare.add(stem)
    return bare - {entity.name}


def _reads_as(entity: Entity, mention: Candidate, types: frozenset[str]) -> bool:
    """An end of a fact fits when its entity's type does, or the mention was read in one of the
    entity's other senses that does ("厂商 Weaviate": the maker of the product Weaviate)."""
    return entity.type in types or (mention.rule == "lexicon-reading" and mention.type in types and mention.type in entity.alt_types)


def resolve(results: Iterable[DocumentResult]) -> Extraction:
    """Merge every document's mentions into entities and map facts onto them."""
    _, entries = lexicon_matcher(paths.LEXICON)
    rules = load_rules(paths.RULES)
    results = list(results)
    resolver = Resolver(entries)
    for result in results:
        for item in result.sentences:
            for alias, head in item.aliases:
                resolver.link(alias, head)
            for alias, head, why in item.links:
                resolver.link(alias, head, why)
    for result in results:
        for item in result.sentences:
            for cand in item.mentions:
                resolver.add(cand)
    by_key = resolver.entities()
    for entity in by_key.values():
        entity.aliases |= _bare_names(entity, rules)

    def entity_of(cand: Candidate) -> Entity:
        return by_key[resolver.key(cand)]

    mentions: list[Mention] = []
    relations: list[Relation] = []
    seen_facts: set[tuple[str, str, str, str]] = set()

    def add_relation(subject: str, predicate: str, obj: str, article: Article, sentence: Sentence, rule: str) -> None:
        fact = (subject, predicate, obj, article.key)
        if fact in seen_facts:
            return
        seen_facts.add(fact)
        relations.append(
            Relation(subject, predicate, obj, article.key, sentence.text[:EVIDENCE_MAX], sentence.start, sentence.end, rule)
        )

    for result in results:
        articles = {a.id: a for a in result.articles}
        for item in result.sentences:
            sentence = item.sentence
            article = articles[sentence.article_id]
            for cand in item.mentions:
                entity = entity_of(cand)
                entity.mention_count += 1
                entity.articles.add(article.key)
                mentions.append(
                    Mention(
                        sentence.start + cand.start, sentence.start + cand.end, cand.text, entity.type, entity.id, cand.rule, article.key
                    )
                )
                in_byline = article.byline and article.byline[0] <= sentence.start < article.byline[1]
                if in_byline and cand.text in article.authors:
                    if entity.type in rules.signatures["authorOf"][0]:
                        add_relation(entity.id, "authorOf", article.key, article, sentence, "byline")
            for fact in item.facts + item.learned:
                subject, obj = entity_of(fact.subject), entity_of(fact.object)
                domain, range_ = rules.signatures[fact.predicate]
                if subject.id == obj.id or not _reads_as(subject, fact.subject, domain) or not _reads_as(obj, fact.object, range_):
                    continue
                add_relation(subject.id, fact.predicate, obj.id, article, sentence, fact.rule)

    entities = {e.id: e for e in by_key.values()}
    documents = [r.document for r in results]
    articles = [a for r in results for a in r.articles]
    return Extraction(documents=documents, articles=articles, entities=entities, mentions=mentions, relations=relations)


def extract(
    documents: list[tuple[Document, list[Article]]],
    progress: Callable[[Document], None] | None = None,
    *,
    workers: int = 1,
    cache=None,
) -> Extraction:
    """Extract every document and resolve the whole set.

    ``workers`` > 1 extracts documents in that many processes (each with its own
    spaCy pipeline); ``cache`` (an ``aikg.store.ExtractionCache``) supplies the
    results of documents extracted before and keeps the new ones. Results are
    always resolved in input order, so the graph is the same for every ``workers``
    and whether or not the cache was used.
    """
    from aikg.extract.pipeline import build_nlp

    results: list[DocumentResult | None] = [None] * len(documents)
    todo: list[int] = []
    for index, (doc, articles) in enumerate(documents):
        hit = cache.get(doc, articles) if cache is not None else None
        if hit is None:
            todo.append(index)
            continue
        results[index] = hit
        if progress:
            progress(doc)

    def done(index: int, result: DocumentResult) -> None:
        doc, articles = documents[index]
        results[index] = result
        if cache is not None:
            cache.put(doc, articles, result)
        if progress:
            progress(doc)

    if workers > 1 and len(todo) > 1:
        import multiprocessing
        import threading
        from concurrent.futures import ProcessPoolExecutor, as_completed

        # fork after building the pipeline once: workers inherit it instead of loading
        # spaCy and jieba again; with other threads alive, fork is unsafe: spawn instead
        if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
            build_nlp()
            context = multiprocessing.get_context("fork")
        else:
            context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=context) as pool:
            largest_first = sorted(todo, key=lambda i: -len(documents[i][0].text))
            futures = {pool.submit(extract_document, *documents[i]): i for i in largest_first}
            for future in as_completed(futures):
                done(futures[future], future.result())
    elif todo:
        nlp = build_nlp()
        for index in todo:
            done(index, extract_document(*documents[index], nlp))
    return resolve(results)  # type: ignore[arg-type]


__all__ = ["extract", "extract_document", "resolve", "DocumentResult"]
