"""Training the relation model from ``annotations/``: examples, learners, cross-validation, the model file.

Examples are the pairs of mentions the extractor finds in one sentence of an annotated
document (``aikg.extract.relmodel.candidate_pairs``), each mention aligned to a gold
entity by its surface form; a pair's label is the gold relation between the two
entities when the sentence is the one the relation's evidence quotes, ``none`` when the
gold has no relation between them. A gold relation stated elsewhere makes the pair
ambiguous: it is left out. The training part is the report (``annotations/report``),
the public documents' training split and ``annotations/unseen``; the model's threshold is
chosen on the public tuning split (graph-level F1 of documents no weight was fitted on);
the public dev split and ``annotations/holdout`` are never read here.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from aikg import paths
from aikg.errors import AikgError
from aikg.extract.relmodel import LABELS, MODEL_FILE, candidate_pairs, language, pair_features, rule_labels
from aikg.extract.typer import MODEL_FILE as TYPER_FILE
from aikg.extract.typer import RETYPED_RULES, mention_features
from aikg.records import ENTITY_TYPES

ALL_TYPES = tuple(range(len(ENTITY_TYPES)))

# annotations/ lives in a source checkout (it is not packaged): beside the data in an editable
# install, else the current folder's
ANNOTATIONS = paths.DATA / "annotations" if (paths.DATA / "annotations").is_dir() else Path("annotations")
SEED = 0
LEARNERS = ("logreg", "linear-svm")
TYPER_C = 0.3  # the typer's (chosen by cross-validation on the shape-typed mentions)
C = 2.0  # inverse regularization strength of both learners (chosen by cross-validation)
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
THRESHOLD_LINE = re.compile(r'^  "threshold": [^,\n]+,$', re.M)  # model_json's head line


@dataclass
class Example:
    group: str  # the document (or report article) it came from: the unit of cross-validation
    lang: str
    features: list[str]
    label: str
    allowed: tuple[int, ...]
    ruled: str = "none"  # what the rules decided: a pair's label ('none' when none or several did), a shape-typed mention's type


@dataclass
class Corpus:
    """Annotated texts: (text files, gold files) per set, and which sets are for training."""

    name: str
    texts: list[Path]
    golds: list[Path] = field(default_factory=list)


def training_corpora(root: Path = ANNOTATIONS) -> list[Corpus]:
    """The report, the public training split and the unseen set."""
    if not (root / "report").is_dir():
        raise AikgError(f"{root}: no annotations/report folder (aikg train needs a source checkout)")
    corpora = [Corpus("report", [paths.DEFAULT_CORPUS], sorted((root / "report").glob("*.json")))]
    split = json.loads((root / "public" / "split.json").read_text(encoding="utf-8"))
    for stem in sorted(split["train"]):
        corpora.append(Corpus(stem, [root / "public" / f"{stem}.md"], [root / "public" / f"{stem}.json"]))
    unseen = root / "unseen"
    for gold in sorted(unseen.glob("*.json")):
        text = next(p for p in unseen.iterdir() if p.stem == gold.stem and p.suffix in (".txt", ".md"))
        corpora.append(Corpus(gold.stem, [text], [gold]))
    return corpora


def _gold_index(gold: dict, lexicon_entries) -> tuple[dict[str, list[tuple[str, set[str]]]], set[tuple[str, str, str]]]:
    from aikg.evaluate import normalize_form

    forms: dict[str, list[tuple[str, set[str]]]] = defaultdict(list)
    for entity in gold["entities"]:
        types = {entity["type"], *entity.get("alt_types", [])}
        for alias in {entity["name"], *entity["aliases"]}:
            forms[normalize_form(alias)].append((entity["id"], types))
    relations = {(r["subject"], r["predicate"], r["object"]) for r in gold["relations"] if r["predicate"] != "authorOf"}
    return forms, relations


def _align(mention, forms, entries) -> str | None:
    """The gold entity a mention names: by its text, else by its lexicon entry's aliases."""
    from aikg.evaluate import normalize_form

    candidates = forms.get(normalize_form(mention.text), [])
    if not candidates and mention.key and mention.key in entries:
        for alias in entries[mention.key].aliases:
            candidates = forms.get(normalize_form(alias), [])
            if candidates:
                break
    typed = [gid for gid, types in candidates if mention.type in types]
    chosen = typed or [gid for gid, _ in candidates]
    return chosen[0] if chosen else None


def _evidence_spans(text: str, start: int, end: int, evidences: list[str]) -> list[tuple[int, int]]:
    spans = []
    for evidence in evidences:
        at = text.find(evidence, start, end)
        while at >= 0:
            spans.append((at, at + len(evidence)))
            at = text.find(evidence, at + 1, end)
    return spans


def examples_from(corpus: Corpus, nlp=None) -> tuple[list[Example], list[Example]]:
    """Labelled candidate pairs, and labelled mentions (for the typer), of one annotated corpus."""
    from aikg.corpus import read_corpus
    from aikg.extract import extract_document
    from aikg.extract.lexicon import lexicon_matcher
    from aikg.extract.relmodel import VIRTUAL_RULES, allowed_labels
    from aikg.extract.rules import load_rules

    _, entries = lexicon_matcher(paths.LEXICON)
    rules = load_rules(paths.RULES)
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in corpus.golds]
    by_article = {a: g for g in golds for a in g["articles"]}
    out: list[Example] = []
    typed: list[Example] = []
    for doc, articles in read_corpus(corpus.texts):
        result = extract_document(doc, articles, nlp, learned=False)
        spans = {a.id: a for a in articles}
        for item in result.sentences:
            article = spans[item.sentence.article_id]
            gold = by_article.get(article.id) or (by_article.get(doc.slug) if len(articles) == 1 else None)
            if gold is None:
                continue
            forms, relations = _gold_index(gold, entries)
            evidence_of = defaultdict(list)
            for r in gold["relations"]:
                evidence_of[(r["subject"], r["predicate"], r["object"])].append(r["evidence"])
            sentence, heads = item.sentence, item.heads
            lang = language(sentence.text)
            group = f"{corpus.name}:{article.id}" if corpus.name == "report" else corpus.name
            aligned = [_align(m, forms, entries) for m in heads]
            types = {e["id"]: e["type"] for e in gold["entities"]}
            for mention, gid in zip(heads, aligned):
                if gid is not None and mention.rule not in VIRTUAL_RULES:
                    label = types[gid]
                    weak = mention.type if mention.rule in RETYPED_RULES else ""
                    typed.append(Example(group, lang, mention_features(sentence.text, mention, rules), label, ALL_TYPES, weak))
            for i, j in candidate_pairs(sentence.text, heads, rules):
                gi, gj = aligned[i], aligned[j]
                label, ambiguous = "none", False
                if gi and gj and gi != gj:
                    for predicate in {p for (s, p, o) in relations if {s, o} == {gi, gj}}:
                        forward = (gi, predicate, gj) in relations
                        key = (gi, predicate, gj) if forward else (gj, predicate, gi)
                        here = _evidence_spans(doc.text, article.start, article.end, evidence_of[key])
                        if any(s < sentence.end and sentence.start < e for s, e in here):
                            label = predicate + (">" if forward else "<")
                        else:
                            ambiguous = True
                if label == "none" and ambiguous:
                    continue
                allowed = allowed_labels(heads[i].type, heads[j].type, rules)
                if LABELS.index(label) not in allowed:
                    continue  # the extractor typed a mention otherwise than the gold: no lesson in it
                ruled = rule_labels(item.facts, heads[i], heads[j])
                others = [f for f in item.facts if not {id(f.subject), id(f.object)} == {id(heads[i]), id(heads[j])}]
                features = pair_features(sentence.text, heads, i, j, others, lang, sentence.in_bio, rules)
                out.append(Example(group, lang, features, label, allowed, next(iter(ruled)) if len(ruled) == 1 else "none"))
    return out, typed


def all_examples(corpora: list[Corpus]) -> tuple[list[Example], list[Example]]:
    """Relation examples and typer examples of every corpus, in a stable order."""
    from aikg.extract.pipeline import build_nlp

    nlp = build_nlp()
    pairs: list[Example] = []
    mentions: list[Example] = []
    for corpus in corpora:
        found_pairs, found_mentions = examples_from(corpus, nlp)
        pairs += found_pairs
        mentions += found_mentions
    return pairs, mentions


# --------------------------------------------------------------------------- learners


class _Fitted:
    """A fitted learner with one interface: a label for each example (``labels``: what
    ``Example.allowed`` indexes)."""

    def __init__(self, learner: str, examples: list[Example], c: float = C, labels: tuple[str, ...] = LABELS):
        self.labels = labels
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        self.vectorizer = DictVectorizer()
        x = self._matrix(examples, fit=True)
        y = [e.label for e in examples]
        if learner == "logreg":
            self.model = LogisticRegression(C=c, max_iter=3000, random_state=SEED, class_weight="balanced")
        elif learner == "linear-svm":
            self.model = LinearSVC(C=c / 10, random_state=SEED, max_iter=20000, class_weight="balanced")
        else:
            raise AikgError(f"unknown learner {learner!r} (one of {', '.join(LEARNERS)})")
        self.model.fit(x, y)
        self.learner = learner

    def _matrix(self, examples: list[Example], fit: bool = False):
        import numpy as np

        rows = [dict.fromkeys(e.features, 1) for e in examples]
        x = self.vectorizer.fit_transform(rows) if fit else self.vectorizer.transform(rows)
        x.indices, x.indptr = x.indices.astype(np.int32), x.indptr.astype(np.int32)  # liblinear wants 32-bit
        return x

    def predict(self, examples: list[Example], threshold: float) -> list[str]:
        import numpy as np

        x = self._matrix(examples)
        classes = list(self.model.classes_)
        if self.learner == "logreg":
            scores = self.model.predict_log_proba(x)
        else:
            scores = self.model.decision_function(x)
        out = []
        for row, example in zip(np.asarray(scores), examples):
            allowed = [classes.index(self.labels[k]) for k in example.allowed if self.labels[k] in classes]
            best = max(allowed, key=lambda k: (row[k], -k))
            if self.learner == "logreg":
                # renormalize over the labels the types allow, as the shipped scorer does
                probs = np.exp(row[allowed] - row[allowed].max())
                confident = probs.max() / probs.sum() >= threshold
            else:
                confident = True
            out.append(classes[best] if confident else "none")
        return out


@dataclass
class Figures:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: str, predicted: str) -> None:
        if predicted != "none" and predicted == gold:
            self.tp += 1
        else:
            self.fp += predicted != "none"
            self.fn += gold != "none"

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def cross_validate(examples: list[Example], learner: str, thresholds=THRESHOLDS) -> dict[float, dict[str, Figures]]:
    """Leave-one-document-out figures of the extractor's decision (the rules' label where a rule
    fired, else the learner's) per threshold; keys 'all', 'zh', 'en', each predicate, and
    'learner' (the learner alone, on every pair)."""
    groups = sorted({e.group for e in examples})
    results: dict[float, dict[str, Figures]] = {t: defaultdict(Figures) for t in thresholds}
    for group in groups:
        train = [e for e in examples if e.group != group]
        test = [e for e in examples if e.group == group]
        if not test or len({e.label for e in train}) < 2:
            continue
        fitted = _Fitted(learner, train)
        for threshold in thresholds:
            table = results[threshold]
            for example, learned in zip(test, fitted.predict(test, threshold)):
                ruled = example.ruled
                decided = ruled if ruled != "none" else learned
                table["learner"].add(example.label, learned)
                table["all"].add(example.label, decided)
                table[example.lang].add(example.label, decided)
                for predicate in {predicate_of(example.label), predicate_of(decided)} - {"none"}:
                    table[predicate].add(example.label if predicate_of(example.label) == predicate else "none",
                                         decided if predicate_of(decided) == predicate else "none")
    return results


def predicate_of(label: str) -> str:
    return label.rstrip("<>")


def choose_threshold(results: dict[float, dict[str, Figures]]) -> float:
    """The threshold with the best cross-validated F1 (the stricter one on a tie)."""
    return max(results, key=lambda t: (round(results[t]["all"].f1, 3), t))


def tuning_corpus(root: Path = ANNOTATIONS) -> Corpus | None:
    """The public documents set aside to choose the relation model's threshold: annotated like
    the rest, never fitted on (split.json "tune")."""
    split = json.loads((root / "public" / "split.json").read_text(encoding="utf-8"))
    stems = sorted(split.get("tune", {}).get("stems", []))
    if not stems:
        return None
    return Corpus("tune", [root / "public" / f"{s}.md" for s in stems], [root / "public" / f"{s}.json" for s in stems])


def tune_threshold(model_text: str, corpus: Corpus, typer_path: Path, thresholds=THRESHOLDS) -> dict[float, object]:
    """Graph-level figures (``aikg.evaluate.EvalReport``) of the tuning documents per threshold:
    each is built as ``aikg build`` builds it, with this model and typer."""
    from aikg.corpus import read_corpus
    from aikg.extract import extract_document
    from aikg.extract.pipeline import build_nlp
    from aikg.extract.relmodel import RelationModel
    from aikg.extract.typer import TypeModel

    nlp = build_nlp()
    model = RelationModel.from_json(json.loads(model_text))
    typer = TypeModel.load(typer_path)
    results = [extract_document(doc, articles, nlp, model=model, typer=typer) for doc, articles in read_corpus(corpus.texts)]
    scored = [(model, item) for result in results for item in result.sentences]
    return {t: sets["tune"] for t, sets in _scores_by_threshold(results, scored, {"tune": corpus.golds}, thresholds).items()}


def _scores_by_threshold(results: list, scored: list, sets: dict[str, list[Path]], thresholds) -> dict[float, dict[str, object]]:
    """Per threshold: each sentence's learned facts from its model (``scored``: (model, sentence
    result) pairs) at that threshold, all ``results`` resolved into one graph, that graph scored
    against each named set of gold files."""
    import dataclasses
    import tempfile

    from aikg.evaluate import evaluate
    from aikg.extract import resolve
    from aikg.extract.rules import load_rules
    from aikg.graph.rdf import to_graph, turtle_bytes

    rules = load_rules(paths.RULES)
    out: dict[float, dict[str, object]] = {}
    for threshold in thresholds:
        for model, item in scored:
            at = dataclasses.replace(model, threshold=threshold)
            item.learned = at.facts(item.sentence.text, item.heads, item.facts, rules, item.sentence.in_bio)
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / paths.GRAPH_FILE).write_bytes(turtle_bytes(to_graph(resolve(results))))
            out[threshold] = {name: evaluate(golds, Path(tmp)) for name, golds in sets.items() if golds}
    return out


# --------------------------------------------------------------------------- the model file


def model_json(examples: list[Example], threshold: float, labels: tuple[str, ...] = LABELS, about: str = "relation model", c: float = C) -> str:
    """A logistic-regression model as sorted, diff-readable JSON (one feature per line)."""
    fitted = _Fitted("logreg", examples, c, labels)
    classes = list(fitted.model.classes_)
    coef = fitted.model.coef_
    if len(classes) == 2:  # sklearn keeps one row for a binary problem
        coef = [-coef[0], coef[0]]
    rows = {c: coef[i] for i, c in enumerate(classes)}
    intercepts = dict(zip(classes, fitted.model.intercept_ if len(classes) > 2 else [-fitted.model.intercept_[0], fitted.model.intercept_[0]]))
    names = fitted.vectorizer.get_feature_names_out()
    lines = []
    for index, name in enumerate(names):
        weights = [round(float(rows[label][index]), 4) if label in rows else 0.0 for label in labels]
        if max(abs(w) for w in weights) >= 0.001:
            lines.append((str(name), f"    {json.dumps(str(name), ensure_ascii=False)}: {json.dumps(weights)}"))
    intercept = [round(float(intercepts[label]), 4) if label in intercepts else -30.0 for label in labels]
    head = {
        "about": f"aikg {about}: multinomial logistic regression (aikg.extract.linear); retrain with `aikg train`",
        "examples": len(examples),
        "labels": list(labels),
        "intercept": intercept,
        "threshold": threshold,
    }
    body = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in head.items())
    return "{\n" + body + ',\n  "weights": {\n' + ",\n".join(line for _, line in sorted(lines)) + "\n  }\n}\n"


def cross_validate_graph(root: Path = ANNOTATIONS, thresholds=THRESHOLDS) -> dict[float, dict[str, object]]:
    """Graph-level leave-one-document-out figures: every training document (each article of the
    report) gets its learned facts from a model fitted without it, the whole training part is
    resolved into one graph, and that graph is scored as `aikg eval` scores any build. Returns,
    per threshold, ``aikg.evaluate.EvalReport`` objects for 'report', 'zh' (other Chinese
    documents) and 'en'."""
    from aikg.corpus import read_corpus
    from aikg.extract import extract_document
    from aikg.extract.pipeline import build_nlp
    from aikg.extract.relmodel import RelationModel

    corpora = training_corpora(root)
    examples, _ = all_examples(corpora)
    nlp = build_nlp()
    results, scored = [], []  # (group, sentence result) for every sentence
    for corpus in corpora:
        for doc, articles in read_corpus(corpus.texts):
            result = extract_document(doc, articles, nlp, learned=False)
            results.append(result)
            for item in result.sentences:
                group = f"report:{item.sentence.article_id}" if corpus.name == "report" else corpus.name
                scored.append((group, item))
    models = {}
    for group in sorted({g for g, _ in scored}):
        train_part = [e for e in examples if e.group != group]
        models[group] = RelationModel.from_json(json.loads(model_json(train_part, 0.0)))
    sets = {
        "report": next(c for c in corpora if c.name == "report").golds,
        "zh": [g for c in corpora if c.name != "report" and language(c.texts[0].read_text(encoding="utf-8")) == "zh" for g in c.golds],
        "en": [g for c in corpora if language(c.texts[0].read_text(encoding="utf-8")) == "en" for g in c.golds],
    }
    return _scores_by_threshold(results, [(models[group], item) for group, item in scored], sets, thresholds)


def cross_validate_typer(examples: list[Example], thresholds=THRESHOLDS) -> tuple[float, dict[float, float]]:
    """Leave-one-document-out accuracy on the mentions only a shape rule typed: the rules' type
    (first) and, per threshold, the type after the typer (kept where it is less sure)."""
    groups = sorted({e.group for e in examples})
    right = {t: 0 for t in thresholds}
    kept = total = 0
    for group in groups:
        test = [e for e in examples if e.group == group and e.ruled]
        if not test:
            continue
        fitted = _Fitted("logreg", [e for e in examples if e.group != group], TYPER_C, ENTITY_TYPES)
        for threshold in thresholds:
            for example, predicted in zip(test, fitted.predict(test, threshold)):
                right[threshold] += (predicted if predicted != "none" else example.ruled) == example.label
        kept += sum(e.ruled == e.label for e in test)
        total += len(test)
    return kept / max(total, 1), {t: r / max(total, 1) for t, r in right.items()}


@dataclass
class TrainReport:
    examples: int
    positives: int
    groups: int
    threshold: float
    cv: dict[str, dict[float, dict[str, Figures]]]  # learner → threshold → key → figures
    model_path: Path
    bytes: int
    typer_examples: int
    typer_threshold: float
    typer_cv: tuple[float, dict[float, float]]  # rules' accuracy, typer's accuracy per threshold
    typer_path: Path
    tuned: dict[float, object] = field(default_factory=dict)  # threshold → EvalReport of the tuning documents


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def train(out_dir: Path | None = None, learners: tuple[str, ...] = LEARNERS, root: Path = ANNOTATIONS) -> TrainReport:
    """Fit the relation model and the typer on the annotations' training part; write both
    (``relations.json``, ``types.json``) into ``out_dir`` (default: the package's model folder)."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise AikgError("aikg train needs scikit-learn: pip install 'aikg[train]'") from None
    out_dir = out_dir or MODEL_FILE.parent
    examples, mentions = all_examples(training_corpora(root))
    cv = {learner: cross_validate(examples, learner, THRESHOLDS if learner == "logreg" else (0.0,)) for learner in learners}
    typer_cv = cross_validate_typer(mentions)
    typer_threshold = max(typer_cv[1], key=lambda t: (round(typer_cv[1][t], 3), t))
    _write(out_dir / TYPER_FILE.name, model_json(mentions, typer_threshold, ENTITY_TYPES, "entity typer", TYPER_C))
    # the threshold: best F1 on documents no weight was fitted on, else cross-validated
    threshold = choose_threshold(cv["logreg"]) if "logreg" in cv else 0.5
    text = model_json(examples, threshold)
    tuning, tuned = tuning_corpus(root), {}
    if tuning is not None and "logreg" in cv:
        tuned = tune_threshold(text, tuning, out_dir / TYPER_FILE.name)
        threshold = max(tuned, key=lambda t: (round(tuned[t].relation.f1, 3), t))
        text = THRESHOLD_LINE.sub(f'  "threshold": {json.dumps(threshold)},', text, count=1)  # same weights, no second fit
    _write(out_dir / MODEL_FILE.name, text)
    return TrainReport(
        examples=len(examples),
        positives=sum(e.label != "none" for e in examples),
        groups=len({e.group for e in examples}),
        threshold=threshold,
        cv=cv,
        model_path=out_dir / MODEL_FILE.name,
        bytes=len(text.encode("utf-8")),
        typer_examples=len(mentions),
        typer_threshold=typer_threshold,
        typer_cv=typer_cv,
        typer_path=out_dir / TYPER_FILE.name,
        tuned=tuned,
    )
