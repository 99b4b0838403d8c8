"""A synthetic graph in ontology/MODEL.md's shape, of any size, written as N-Triples (valid Turtle).

Per entity 6 triples (type, label, altLabel, mentionCount, 2 article mentions),
per fact 10 (the fact and its rdf:Statement with provenance), per article 6.
Deterministic for a given size and seed.
"""

from __future__ import annotations

import hashlib
import random
import sys
from pathlib import Path

AIKG = "https://w3id.org/aikg/ontology#"
ENT = "https://w3id.org/aikg/entity/"
ART = "https://w3id.org/aikg/article/"
STMT = "https://w3id.org/aikg/statement/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"
TYPES = ("Model", "Organization", "Person", "Tool", "Technology")
SIGNATURES = (
    ("authorOf", ("Person", "Organization"), None),
    ("affiliatedWith", ("Person",), ("Organization",)),
    ("developedBy", ("Model", "Tool", "Technology"), ("Organization", "Person")),
    ("basedOn", ("Model", "Tool"), ("Model", "Tool", "Technology")),
    ("usesTechnology", ("Model", "Tool", "Organization"), ("Technology",)),
    ("partOf", ("Organization",), ("Organization",)),
)


def write(path: Path, triples: int = 1_000_000, seed: int = 7) -> int:
    """Write about ``triples`` triples to ``path``; the exact number written."""
    rng = random.Random(seed)
    n_entities = triples * 36 // 100 // 6  # 36 % of triples describe entities
    n_facts = triples * 63 // 100 // 10  # 63 % are facts with their statements
    n_articles = max(18, triples // 2000)
    count = 0
    by_type: dict[str, list[str]] = {t: [] for t in TYPES}
    with open(path, "w", encoding="utf-8") as out:
        def t(s: str, p: str, o: str) -> None:
            nonlocal count
            out.write(f"{s} {p} {o} .\n")
            count += 1

        def lit(text: str) -> str:
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

        def num(value: int) -> str:
            return f'"{value}"^^<{XSD_INT}>'

        articles = []
        for i in range(n_articles):
            art = f"<{ART}synthetic-A{i:05d}>"
            start = i * 10_000
            articles.append((art, start, start + 10_000))
            t(art, f"<{RDF}type>", f"<{AIKG}Article>")
            t(art, f"<{DCT}identifier>", lit(f"A{i:05d}"))
            t(art, f"<{DCT}title>", lit(f"合成文章 {i}"))
            t(art, f"<{DCT}source>", lit("synthetic.txt"))
            t(art, f"<{AIKG}startOffset>", num(start))
            t(art, f"<{AIKG}endOffset>", num(start + 10_000))
        for i in range(n_entities):
            kind = TYPES[i % len(TYPES)]
            node = f"<{ENT}{kind.lower()}-{i}>"
            by_type[kind].append(node)
            t(node, f"<{RDF}type>", f"<{AIKG}{kind}>")
            t(node, f"<{RDFS}label>", lit(f"{kind} {i}"))
            t(node, f"<{SKOS}altLabel>", lit(f"别名{i}"))
            t(node, f"<{AIKG}mentionCount>", num(rng.randint(1, 50)))
            for art, _, _ in rng.sample(articles, 2):
                t(art, f"<{AIKG}mentions>", node)
        for i in range(n_facts):
            pred, subject_types, object_types = SIGNATURES[i % len(SIGNATURES)]
            subject = rng.choice(by_type[rng.choice(subject_types)])
            art, start, end = rng.choice(articles)
            obj = art if object_types is None else rng.choice(by_type[rng.choice(object_types)])
            t(subject, f"<{AIKG}{pred}>", obj)
            st = f"<{STMT}{hashlib.sha1(f'{subject}|{pred}|{obj}|{art}|{i}'.encode()).hexdigest()[:16]}>"
            t(st, f"<{RDF}type>", f"<{RDF}Statement>")
            t(st, f"<{RDF}subject>", subject)
            t(st, f"<{RDF}predicate>", f"<{AIKG}{pred}>")
            t(st, f"<{RDF}object>", obj)
            t(st, f"<{PROV}wasDerivedFrom>", art)
            t(st, f"<{AIKG}evidence>", lit(f"证据句 {i}"))
            s = rng.randint(start, end - 100)
            t(st, f"<{AIKG}startOffset>", num(s))
            t(st, f"<{AIKG}endOffset>", num(s + rng.randint(5, 99)))
            t(st, f"<{AIKG}rule>", lit("synthetic"))
    return count


if __name__ == "__main__":
    target = Path(sys.argv[1])
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    target.parent.mkdir(parents=True, exist_ok=True)
    print(write(target, size))
