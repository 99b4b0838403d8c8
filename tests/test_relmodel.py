"""The learned relation model and the typer: shipped as data, scored without a learning library,
used by the extractor where rules say nothing."""

from __future__ import annotations

import json

import pytest

from aikg import paths
from aikg.extract.entities import Candidate
from aikg.extract.linear import LinearModel
from aikg.extract.relmodel import LABELS, MODEL_FILE, RelationModel, language, load_model, pair_features
from aikg.extract.rules import load_rules
from aikg.extract.typer import MODEL_FILE as TYPER_FILE
from aikg.extract.typer import TypeModel, load_typer, retype
from aikg.records import ENTITY_TYPES

RULES = load_rules(paths.RULES)


@pytest.mark.parametrize("path,labels", [(MODEL_FILE, LABELS), (TYPER_FILE, ENTITY_TYPES)])
def test_shipped_models_are_small_sorted_json(path, labels):
    raw = path.read_bytes()
    assert not raw.startswith(b"\x80"), "a pickle"  # pickle protocol 2+ starts with 0x80
    data = json.loads(raw)
    assert tuple(data["labels"]) == labels and len(data["intercept"]) == len(labels)
    assert list(data["weights"]) == sorted(data["weights"]), "one feature per line, sorted: diffs stay readable"
    assert all(len(row) == len(labels) for row in data["weights"].values())
    assert len(raw) <= 20 * 1024 * 1024 and 0.0 < data["threshold"] <= 1.0


def test_a_model_with_other_labels_is_refused():
    with pytest.raises(ValueError, match="labels"):
        RelationModel.from_json({"labels": ["none", "x"], "intercept": [0, 0], "weights": {}, "threshold": 0.5})
    with pytest.raises(ValueError, match="labels"):
        TypeModel.from_json({"labels": ["Model"], "intercept": [0], "weights": {}, "threshold": 0.5})


def test_scoring_is_a_softmax_over_the_allowed_labels_only():
    model = LinearModel(("a", "b", "c"), (0.0, 0.0, 0.0), {"f": (0.0, 2.0, 5.0)}, 0.5)
    ranked = model.probabilities(["f", "unknown"], (0, 1))  # "c" is not allowed
    assert [k for _, k in ranked] == [1, 0]
    assert abs(sum(p for p, _ in ranked) - 1.0) < 1e-9 and ranked[0][0] > 0.85


def mention(text: str, sentence: str, etype: str, rule: str = "lexicon") -> Candidate:
    start = sentence.index(text)
    return Candidate(start, start + len(text), text, etype, rule)


def test_the_model_decides_pairs_no_rule_decided_and_respects_the_ontology():
    sentence = "Fluxora 采用 稀疏注意力"
    a, b = mention("Fluxora", sentence, "Tool"), mention("稀疏注意力", sentence, "Technology")
    features = pair_features(sentence, [a, b], 0, 1, [], language(sentence), False, RULES)
    assert "t:Tool>Technology" in features and "cue:uses@b" in features
    uses = LABELS.index("usesTechnology>")
    weights = {"cue:uses@b": tuple(3.0 if k == uses else 0.0 for k in range(len(LABELS)))}
    model = RelationModel(LABELS, tuple([0.0] * len(LABELS)), weights, 0.6)
    facts = model.facts(sentence, [a, b], [], RULES)
    assert [(f.subject.text, f.predicate, f.object.text, f.rule) for f in facts] == [("Fluxora", "usesTechnology", "稀疏注意力", "learned")]
    # a pair of two technologies allows no learned predicate at all
    c = mention("Fluxora", sentence, "Technology")
    assert model.facts(sentence, [c, b], [], RULES) == []


def test_the_model_gives_one_thing_one_maker_per_sentence():
    sentence = "Quillmark 和 Zorbo Labs 的 Fluxora"
    q, z, f = mention("Quillmark", sentence, "Organization"), mention("Zorbo Labs", sentence, "Organization"), mention("Fluxora", sentence, "Tool")
    made = LABELS.index("developedBy<")
    # both organization-then-tool pairs look made-by; the adjacent one a little more
    weights = {"t:Organization>Tool": tuple(3.0 if k == made else 0.0 for k in range(len(LABELS))),
               "mb:0": tuple(0.5 if k == made else 0.0 for k in range(len(LABELS)))}  # no mention between
    model = RelationModel(LABELS, tuple([0.0] * len(LABELS)), weights, 0.6)
    pairs = [(i, j) for i in range(3) for j in range(i + 1, 3)]
    assert any("t:Organization>Tool" in pair_features(sentence, [q, z, f], i, j, [], "zh", False, RULES) for i, j in pairs)
    facts = model.facts(sentence, [q, z, f], [], RULES)
    assert [(x.subject.text, x.predicate, x.object.text) for x in facts] == [("Fluxora", "developedBy", "Zorbo Labs")]


def test_the_typer_retypes_only_shape_typed_names():
    sentence = "我们用 Zephyrine 框架 训练"
    bare = mention("Zephyrine", sentence, "Model", "latin-bare")
    known = mention("Zephyrine", sentence, "Model", "lexicon")
    tool = ENTITY_TYPES.index("Tool")
    weights = {"r:框架": tuple(4.0 if k == tool else 0.0 for k in range(len(ENTITY_TYPES)))}
    model = TypeModel(ENTITY_TYPES, tuple([0.0] * len(ENTITY_TYPES)), weights, 0.6)
    assert retype(sentence, [bare], RULES, model)[0].type == "Tool"
    assert retype(sentence, [known], RULES, model)[0].type == "Model"
    assert retype(sentence, [bare], RULES, None)[0].type == "Model"


def test_shipped_models_load_and_the_report_build_uses_them(built_graph):
    import rdflib

    assert load_model() is not None and load_typer() is not None
    graph = rdflib.Graph().parse(built_graph / "graph.ttl")
    rows = list(graph.query(
        """PREFIX aikg: <https://w3id.org/aikg/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?s ?evidence WHERE { ?s a rdf:Statement ; aikg:rule "learned" ; aikg:evidence ?evidence }"""
    ))
    assert rows, "the learned model adds facts to the report"
    assert all(str(r.evidence).strip() for r in rows)


def test_candidate_pairs_skip_table_cells_and_reach_far_for_the_topic():
    from aikg.extract.relmodel import candidate_pairs

    rules = load_rules(paths.RULES)
    row = "| Qwen2.5 | Llama 3 |"
    cells = [Candidate(2, 9, "Qwen2.5", "Model", "lexicon"), Candidate(12, 19, "Llama 3", "Model", "lexicon")]
    assert list(candidate_pairs(row, cells, rules)) == []
    text = "支持" + "很多功能，" * 30 + "LoRA 微调"
    far = text.index("LoRA")
    mentions = [Candidate(0, 0, "Fluxserve", "Tool", "topic"), Candidate(far, far + 4, "LoRA", "Technology", "lexicon")]
    assert list(candidate_pairs(text, mentions, rules)) == [(0, 1)]
    mentions[0] = Candidate(0, 0, "Fluxserve", "Tool", "lexicon")
    assert list(candidate_pairs(text, mentions, rules)) == []
    assert "v:topic" in pair_features(text, [Candidate(0, 0, "Fluxserve", "Tool", "topic"), mentions[1]], 0, 1, [], "zh", False, rules)
