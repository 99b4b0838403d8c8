"""Check annotation files against ../shared/ANNOTATION.md's format (standalone: no aikg import).

    python annotations/check.py GOLD.json TEXT_FILE [TEXT_FILE ...]

Checks: valid JSON with part/articles/entities/relations; unique ids; each
relation's subject and object exist (authorOf's object is an article id listed
in `articles`); subject and object types fit the predicate (alt_types count);
every evidence quote is at most 80 characters and occurs verbatim in the text;
every alias occurs verbatim in the text. Prints one line per problem and exits
1 if there is any.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TYPES = {"Model", "Organization", "Person", "Tool", "Technology"}
SIGNATURES = {
    "authorOf": ({"Person", "Organization"}, None),
    "affiliatedWith": ({"Person"}, {"Organization"}),
    "developedBy": ({"Model", "Tool", "Technology"}, {"Organization", "Person"}),
    "basedOn": ({"Model", "Tool"}, {"Model", "Tool", "Technology"}),
    "usesTechnology": ({"Model", "Tool", "Organization"}, {"Technology"}),
    "partOf": ({"Organization"}, {"Organization"}),
}


def problems(gold: dict, text: str) -> list[str]:
    out: list[str] = []
    for key in ("part", "articles", "entities", "relations"):
        if key not in gold:
            out.append(f"missing key {key!r}")
    if out:
        return out
    ids: dict[str, set[str]] = {}
    for entity in gold["entities"]:
        eid = entity.get("id", "")
        if eid in ids:
            out.append(f"duplicate entity id {eid!r}")
        if entity.get("type") not in TYPES:
            out.append(f"{eid}: unknown type {entity.get('type')!r}")
        alt = set(entity.get("alt_types", []))
        if alt - TYPES:
            out.append(f"{eid}: unknown alt_types {sorted(alt - TYPES)}")
        ids[eid] = {entity.get("type")} | alt
        if not entity.get("aliases"):
            out.append(f"{eid}: no aliases")
        for alias in entity.get("aliases", []):
            if alias not in text:
                out.append(f"{eid}: alias {alias!r} not in the text")
        if entity.get("name") not in entity.get("aliases", []):
            out.append(f"{eid}: name {entity.get('name')!r} is not one of its aliases")
    articles = set(gold["articles"])
    for i, rel in enumerate(gold["relations"]):
        where = f"relation {i} ({rel.get('subject')} {rel.get('predicate')} {rel.get('object')})"
        predicate = rel.get("predicate")
        if predicate not in SIGNATURES:
            out.append(f"{where}: unknown predicate")
            continue
        domain, range_ = SIGNATURES[predicate]
        subject_types = ids.get(rel.get("subject"))
        if subject_types is None:
            out.append(f"{where}: unknown subject id")
        elif not subject_types & domain:
            out.append(f"{where}: subject type {sorted(subject_types)} not allowed")
        if range_ is None:
            if rel.get("object") not in articles:
                out.append(f"{where}: authorOf object must be an article id of this part")
        else:
            object_types = ids.get(rel.get("object"))
            if object_types is None:
                out.append(f"{where}: unknown object id")
            elif not object_types & range_:
                out.append(f"{where}: object type {sorted(object_types)} not allowed")
        if rel.get("article") not in articles:
            out.append(f"{where}: article {rel.get('article')!r} not in articles")
        evidence = rel.get("evidence", "")
        if not evidence or len(evidence) > 80:
            out.append(f"{where}: evidence must be 1-80 characters")
        elif evidence not in text:
            out.append(f"{where}: evidence not verbatim in the text: {evidence!r}")
    return out


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2].strip())
        return 2
    gold = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    text = "\n".join(Path(p).read_text(encoding="utf-8") for p in argv[1:])
    found = problems(gold, text)
    for line in found:
        print(line)
    n_ent, n_rel = len(gold.get("entities", [])), len(gold.get("relations", []))
    print(f"{argv[0]}: {n_ent} entities, {n_rel} relations, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
