"""Metric functions on plain data: ranking quality, ROUGE-L recall, label F1 and percentiles.

A ranking is a list, best first, of the gold items each result matches (a set of quote indices,
empty for a result that matches none). Gains are binary and count each gold item once: a result
gains 1 when it matches an item no higher-ranked result matched, so a second copy of the same
evidence (a twin report, an overlapping chunk) neither helps nor hurts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from core.lexical import stemmer

Ranking = Sequence[Collection[int]]


def recall_at_k(ranking: Ranking, n_relevant: int, k: int) -> float:
    """Share of the ``n_relevant`` gold items matched by at least one of the top ``k`` results."""
    if n_relevant <= 0:
        raise ValueError("recall needs at least one relevant item")
    found = set().union(*ranking[:k]) if ranking[:k] else set()
    return len(found) / n_relevant


def reciprocal_rank(ranking: Ranking, k: int) -> float:
    """1 / rank of the first result in the top ``k`` that matches anything; 0 when none does."""
    for rank, matched in enumerate(ranking[:k], start=1):
        if matched:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranking: Ranking, n_relevant: int, k: int) -> float:
    """Normalised DCG with binary novelty gains; the ideal ranks min(k, n_relevant) hits first."""
    if n_relevant <= 0:
        raise ValueError("nDCG needs at least one relevant item")
    dcg = sum(gain / math.log2(rank + 1)
              for rank, gain in enumerate(novelty_gains(ranking[:k]), start=1))
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(k, n_relevant) + 1))
    return dcg / ideal


def novelty_gains(ranking: Ranking) -> list[int]:
    """1 for a result matching a gold item not matched higher up, else 0."""
    seen: set[int] = set()
    gains = []
    for matched in ranking:
        new = set(matched) - seen
        gains.append(1 if new else 0)
        seen |= new
    return gains


# -- answers ------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def dutch_stems(text: str) -> list[str]:
    """Lower-cased words of ``text`` reduced by the Snowball Dutch stemmer, in order."""
    return stemmer().stemWords(_WORD.findall(text.lower()))


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence (not necessarily contiguous)."""
    if not a or not b:
        return 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def rouge_l_recall(reference: str, candidate: str) -> float:
    """ROUGE-L recall: LCS of the stemmed token sequences over the reference's length."""
    return rouge_l(reference, candidate).recall


@dataclass(frozen=True)
class Rouge:
    precision: float
    recall: float
    f1: float


def rouge_l(reference: str, candidate: str) -> Rouge:
    """ROUGE-L on Dutch stems: the LCS over the candidate's length (precision), over the
    reference's (recall), and their harmonic mean."""
    ref, cand = dutch_stems(reference), dutch_stems(candidate)
    if not ref:
        raise ValueError("ROUGE-L needs a non-empty reference")
    common = lcs_length(ref, cand)
    precision = common / len(cand) if cand else 0.0
    recall = common / len(ref)
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return Rouge(precision, recall, f1)


# -- labels -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prf:
    precision: float
    recall: float
    f1: float
    support: int  # gold occurrences of the label(s)


@dataclass(frozen=True)
class LabelScores:
    micro: Prf
    macro: Prf
    per_label: dict[str, Prf]


def label_scores(gold: Sequence[Collection[str]], predicted: Sequence[Collection[str]],
                 labels: Iterable[str] | None = None) -> LabelScores:
    """Multi-label precision, recall and F1: micro (pooled counts), macro and per label.

    Macro figures are the unweighted means of the per-label figures over ``labels`` (by default
    every label seen in gold or predictions). A ratio with a zero denominator counts as 0.
    """
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted must have one label set per item")
    if labels is None:
        labels = sorted({label for items in (*gold, *predicted) for label in items})
    counts = {label: [0, 0, 0] for label in labels}  # true positives, false positives, false negatives
    for gold_set, predicted_set in zip(gold, predicted):
        gold_set, predicted_set = set(gold_set), set(predicted_set)
        for label, row in counts.items():
            row[0] += label in gold_set and label in predicted_set
            row[1] += label in predicted_set and label not in gold_set
            row[2] += label in gold_set and label not in predicted_set
    per_label = {label: _prf(*row) for label, row in counts.items()}
    pooled = [sum(row[i] for row in counts.values()) for i in range(3)]
    n = len(per_label) or 1
    macro = Prf(sum(p.precision for p in per_label.values()) / n,
                sum(p.recall for p in per_label.values()) / n,
                sum(p.f1 for p in per_label.values()) / n,
                pooled[0] + pooled[2])
    return LabelScores(micro=_prf(*pooled), macro=macro, per_label=per_label)


def _prf(tp: int, fp: int, fn: int) -> Prf:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Prf(precision, recall, f1, tp + fn)


# -- summaries ----------------------------------------------------------------------------------


def mean(values: Sequence[float]) -> float | None:
    """The arithmetic mean, or None when there is nothing to average."""
    return float(sum(values) / len(values)) if values else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (linear interpolation between order statistics), or None."""
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else None
