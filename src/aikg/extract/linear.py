"""A linear classifier shipped as data: multinomial logistic-regression weights read from JSON.

``aikg train`` fits the weights (scikit-learn) and writes them sorted, one feature per line;
scoring is a sum of weights and a softmax, so using a model needs no learning library and
loading one runs no code (no pickle).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar


@dataclass(frozen=True)
class LinearModel:
    """Feature → one weight per label, an intercept per label, and a decision threshold."""

    labels: tuple[str, ...]
    intercept: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    threshold: float
    expected_labels: ClassVar[tuple[str, ...] | None] = None  # a subclass fixes its label set

    @classmethod
    def from_json(cls, data: dict):
        labels = tuple(data["labels"])
        if cls.expected_labels is not None and labels != cls.expected_labels:
            raise ValueError(f"{cls.__name__} labels {labels} are not {cls.expected_labels}")
        return cls(labels, tuple(data["intercept"]), {k: tuple(v) for k, v in data["weights"].items()}, float(data["threshold"]))

    @classmethod
    def load(cls, path: Path):
        """The model in ``path``, or None when there is no such file (not trained yet)."""
        if not path.is_file():
            return None
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))

    def probabilities(self, features: list[str], allowed: tuple[int, ...]) -> list[tuple[float, int]]:
        """(probability, label index) over the allowed labels, highest first."""
        scores = {k: self.intercept[k] for k in allowed}
        for feature in features:
            row = self.weights.get(feature)
            if row is not None:
                for k in allowed:
                    scores[k] += row[k]
        top = max(scores.values())
        exp = {k: math.exp(v - top) for k, v in scores.items()}
        total = sum(exp.values())
        return sorted(((v / total, k) for k, v in exp.items()), key=lambda item: (-item[0], item[1]))
