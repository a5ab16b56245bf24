"""P(sentence answers the question): the learned relevance model as a plain, portable file.

The model is a logistic regression over ``summarise.features.FEATURES`` (standardised), trained
by ``eval/train_relevance.py`` on the judged citations of both gold libraries and stored as plain
JSON (``summarise/relevance_model.json``): no pickle, and no scikit-learn import on the query
path. The file also holds the two thresholds chosen by leave-one-document-out cross-validation
(an answer is given when its best sentence clears ``answer_threshold``; another sentence joins
it when it clears ``quote_threshold``), and one model per left-out document, so the evaluation
can answer every gold question with a model that never saw its document.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from summarise.features import FEATURES

MODEL_PATH = Path(__file__).resolve().parent / "relevance_model.json"


class ModelError(ValueError):
    """A relevance model file that cannot be used; the message names the file and the cause."""


@dataclass(frozen=True)
class RelevanceModel:
    """Standardise, weigh, squash: P = sigmoid(((x - mean) / scale) . coef + intercept)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    answer_threshold: float
    quote_threshold: float

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """P(relevant) for each row of ``FEATURES`` values."""
        if not len(rows):
            return np.zeros(0)
        columns = [FEATURES.index(name) for name in self.features]
        z = ((rows[:, columns] - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> dict[str, Any]:
        return {"features": list(self.features), "mean": self.mean.tolist(),
                "scale": self.scale.tolist(), "coef": self.coef.tolist(),
                "intercept": self.intercept, "answer_threshold": self.answer_threshold,
                "quote_threshold": self.quote_threshold}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RelevanceModel:
        unknown = set(data["features"]) - set(FEATURES)
        if unknown:
            raise ModelError(f"features this code does not compute: {sorted(unknown)}")
        return cls(tuple(data["features"]), np.array(data["mean"], dtype=float),
                   np.array(data["scale"], dtype=float), np.array(data["coef"], dtype=float),
                   float(data["intercept"]), float(data["answer_threshold"]),
                   float(data["quote_threshold"]))


@dataclass(frozen=True)
class ModelFile:
    """The shipped model, its per-document cross-validation models and what it was trained on."""

    model: RelevanceModel
    folds: dict[str, RelevanceModel]  # left-out group -> the model trained without it
    groups: dict[str, str]  # "<library>/<question id>" -> its group
    meta: dict[str, Any]

    def held_out(self, question_key: str) -> RelevanceModel | None:
        """The model trained without the document group of gold question ``question_key``
        ("<library>/<question id>"); None for a question the training did not see."""
        group = self.groups.get(question_key)
        return self.folds[group] if group is not None else None


@cache
def load_model_file(path: Path = MODEL_PATH) -> ModelFile:
    """The model file; a missing or malformed one is a ``ModelError`` naming it."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return ModelFile(RelevanceModel.from_json(data["model"]),
                         {g: RelevanceModel.from_json(m) for g, m in data["folds"].items()},
                         dict(data["groups"]), dict(data.get("meta", {})))
    except (OSError, KeyError, TypeError, json.JSONDecodeError) as error:
        raise ModelError(f"{path}: relevance model cannot be read ({error!r}); "
                         f"run `make train`") from error


def select(probabilities: np.ndarray, vectors: Sequence[np.ndarray], lengths: Sequence[int],
           answer_threshold: float, quote_threshold: float, word_budget: int,
           near_duplicate: float = 0.95) -> list[int]:
    """The sentences to quote from their probabilities, best first: none when the best is under
    ``answer_threshold``; else the best and each next one over ``quote_threshold`` that is no
    near-duplicate (cosine above ``near_duplicate``) of one chosen and fits the word budget."""
    order = [int(i) for i in np.argsort(-probabilities, kind="stable")]
    if not order or probabilities[order[0]] < answer_threshold:
        return []
    chosen = [order[0]]
    words = lengths[order[0]]
    for i in order[1:]:
        if probabilities[i] < quote_threshold:
            break
        if any(float(vectors[i] @ vectors[j]) > near_duplicate for j in chosen):
            continue
        if words + lengths[i] > word_budget:
            continue
        chosen.append(i)
        words += lengths[i]
    return chosen
