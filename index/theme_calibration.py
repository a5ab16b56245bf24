"""Calibrate the theme tagger on labelled passages: split, choose weights and thresholds, report
held-out F1.

The labelled passages (eval/gold/passages.jsonl) are split once, deterministically and stratified
by theme (about 60/40), each labelling round on its own. The calibration part becomes the
tagger's examples; the keyword and example weights and one threshold per theme are chosen on it
alone; the F1 figures written beside them are measured on the held-out part, so they are honest.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np

from index.themes import Example, TaggerParams, ThemeTagger, combine

SEED = 6
CALIBRATION_SHARE = 0.6
KEYWORD_WEIGHTS = tuple(round(w, 3) for w in np.arange(0.0, 0.1001, 0.005))
EXAMPLE_WEIGHTS = (0.0, 0.01, 0.02, 0.03, 0.05, 0.08, 0.12)
# A theme's own best threshold is pulled towards the shared one as if SHRINK extra positives had
# voted for it: with 4-10 positives per theme, a threshold of its own alone overfits.
SHRINK = 2.0
NONE = "__none__"
# Passages are appended in labelling rounds (eval/gold/README.md), starting at these rows. Each
# round is split on its own, so adding a round never moves an older passage to the other part.
ROUND_STARTS = (0, 112, 252)


@dataclass(frozen=True)
class LabelledPassage:
    text: str
    themes: tuple[str, ...]


@dataclass(frozen=True)
class Calibration:
    params: TaggerParams
    calibration_size: int
    heldout: dict  # micro/macro F1 and per-theme precision, recall, F1, support

    def to_json(self) -> dict:
        return {
            "embedder": self.params.embedder,
            "date": date.today().isoformat(),
            "keyword_weight": self.params.keyword_weight,
            "example_weight": self.params.example_weight,
            "default_threshold": round(self.params.default_threshold, 5),
            "thresholds": {k: round(v, 5) for k, v in self.params.thresholds.items()},
            "split": {"seed": SEED, "share": CALIBRATION_SHARE,
                      "calibration": self.calibration_size,
                      "heldout": self.heldout["passages"]},
            "heldout": self.heldout,
            "examples": [{"text": e.text, "themes": list(e.themes)} for e in self.params.examples],
        }


def load_passages(path: Path | str) -> list[LabelledPassage]:
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [LabelledPassage(row["quote"], tuple(row.get("themes") or ())) for row in rows]


def calibrate(tagger: ThemeTagger, passages: Sequence[LabelledPassage]) -> Calibration:
    """Choose parameters on the calibration part, measure them on the held-out part."""
    features = _features(tagger, passages)
    cal, held = split(passages, tagger.ids)
    params, predicted = _fit_and_predict(tagger, passages, features, cal, held,
                                         embedder=tagger.embedder.name)
    return Calibration(params, len(cal), report(predicted, features.gold[held], tagger.ids))


def heldout_report(tagger: ThemeTagger, passages: Sequence[LabelledPassage]) -> dict:
    """The held-out figures of the tagger's own parameters (the committed calibration, say),
    measured with the vectors this machine's embedder computes for the held-out passages."""
    _, held = split(passages, tagger.ids)
    features = _features(tagger, [passages[i] for i in held])
    scores = tagger.score_matrix(features.texts, features.vectors)
    return report(_predict(scores, tagger.params, tagger.ids), features.gold, tagger.ids)


def cross_validate(tagger: ThemeTagger, passages: Sequence[LabelledPassage], folds: int = 5,
                   repeats: int = 10) -> dict[str, float]:
    """Mean micro and macro F1 of the whole choice (examples, weights, thresholds) under
    ``repeats`` shuffled ``folds``-fold cross-validations of the calibration part. The held-out
    part is never read: this is what a change of method may be chosen by."""
    cal, _ = split(passages, tagger.ids)
    part = [passages[i] for i in cal]
    features = _features(tagger, part)
    micro, macro = [], []
    for repeat in range(repeats):
        order = list(range(len(part)))
        random.Random(SEED + repeat).shuffle(order)
        predicted = np.zeros_like(features.gold)
        for fold in range(folds):
            test = sorted(order[fold::folds])
            train = sorted(set(order) - set(test))
            _, predicted[test] = _fit_and_predict(tagger, part, features, train, test)
        micro.append(micro_f1(predicted, features.gold))
        macro.append(macro_f1(predicted, features.gold))
    return {"passages": len(part), "folds": folds, "repeats": repeats,
            "micro_f1": round(float(np.mean(micro)), 3), "micro_sd": round(float(np.std(micro)), 3),
            "macro_f1": round(float(np.mean(macro)), 3), "macro_sd": round(float(np.std(macro)), 3)}


@dataclass(frozen=True)
class _Features:
    """What the tagger sees of each passage (rows in passage order) and the gold labels."""

    gold: np.ndarray
    texts: list[str]
    vectors: np.ndarray
    similarity: np.ndarray
    hits: np.ndarray


def _features(tagger: ThemeTagger, passages: Sequence[LabelledPassage]) -> _Features:
    texts = [p.text for p in passages]
    vectors = tagger.embedder.embed_passages(texts)
    gold = np.array([[t in p.themes for t in tagger.ids] for p in passages], dtype=bool)
    return _Features(gold, texts, vectors, tagger.similarity(vectors), tagger.keyword_hits(texts))


def _fit_and_predict(tagger: ThemeTagger, passages: Sequence[LabelledPassage],
                     features: _Features, train: Sequence[int], test: Sequence[int],
                     embedder: str = "") -> tuple[TaggerParams, np.ndarray]:
    """Parameters chosen on the ``train`` passages (which are also the examples) and the
    themes they predict for the ``test`` passages."""
    examples = tuple(Example(passages[i].text, passages[i].themes) for i in train)
    # An example never votes for its own text, so the training part is scored as if left out.
    votes = ThemeTagger(tagger.themes, tagger.embedder, TaggerParams(
        example_weight=1.0, examples=examples)).example_votes(features.texts, features.vectors)
    params = _choose(features.similarity[train], features.hits[train], votes[train],
                     features.gold[train], tagger.ids,
                     TaggerParams(examples=examples, embedder=embedder))
    scores = combine(features.similarity[test], features.hits[test], votes[test],
                     params.keyword_weight, params.example_weight)
    return params, _predict(scores, params, tagger.ids)


def _choose(similarity: np.ndarray, hits: np.ndarray, votes: np.ndarray, gold: np.ndarray,
            ids: Sequence[str], base: TaggerParams) -> TaggerParams:
    """``base`` with the keyword and example weights and thresholds best on these passages."""
    best: tuple[tuple[float, float], TaggerParams] | None = None
    for keyword_weight in KEYWORD_WEIGHTS:
        for example_weight in EXAMPLE_WEIGHTS:
            scores = combine(similarity, hits, votes, keyword_weight, example_weight)
            params = _thresholds(scores, gold, ids, replace(
                base, keyword_weight=keyword_weight, example_weight=example_weight))
            predicted = _predict(scores, params, ids)
            quality = (micro_f1(predicted, gold), macro_f1(predicted, gold))
            if best is None or quality > best[0]:
                best = (quality, params)
    assert best is not None
    return best[1]


def split(passages: Sequence[LabelledPassage], ids: Sequence[str],
          share: float = CALIBRATION_SHARE, seed: int = SEED) -> tuple[list[int], list[int]]:
    """Deterministic split, stratified within each labelling round: each theme, and the passages
    without a theme, lands about ``share`` in the calibration part. Returns sorted indices."""
    bounds = sorted({*(b for b in ROUND_STARTS if b < len(passages)), len(passages)})
    parts: tuple[list[int], list[int]] = ([], [])
    for start, end in zip(bounds, bounds[1:]):
        for side, indices in zip(parts, _stratified(passages[start:end], share, seed)):
            side.extend(start + i for i in indices)
    return sorted(parts[0]), sorted(parts[1])


def _stratified(passages: Sequence[LabelledPassage], share: float,
                seed: int) -> tuple[list[int], list[int]]:
    """Iterative stratification: rarest label first, to the part that still needs it most."""
    labels = [tuple(p.themes) or (NONE,) for p in passages]
    counts: dict[str, int] = {}
    for row in labels:
        for label in row:
            counts[label] = counts.get(label, 0) + 1
    wanted = [{label: share * n for label, n in counts.items()},
              {label: (1 - share) * n for label, n in counts.items()}]
    room = [share * len(passages), (1 - share) * len(passages)]
    order = list(range(len(passages)))
    random.Random(seed).shuffle(order)
    order.sort(key=lambda i: min(counts[label] for label in labels[i]))
    parts: tuple[list[int], list[int]] = ([], [])
    for i in order:
        rarest = min(labels[i], key=lambda label: counts[label])
        need = [wanted[s][rarest] for s in (0, 1)]
        side = 0 if (need[0], room[0]) >= (need[1], room[1]) else 1
        parts[side].append(i)
        room[side] -= 1
        for label in labels[i]:
            wanted[side][label] -= 1
    return parts


def report(predicted: np.ndarray, gold: np.ndarray, ids: Sequence[str]) -> dict:
    per_theme = {}
    for j, theme_id in enumerate(ids):
        tp = int((predicted[:, j] & gold[:, j]).sum())
        fp = int((predicted[:, j] & ~gold[:, j]).sum())
        fn = int((~predicted[:, j] & gold[:, j]).sum())
        per_theme[theme_id] = {
            "precision": round(tp / (tp + fp), 3) if tp + fp else 0.0,
            "recall": round(tp / (tp + fn), 3) if tp + fn else 0.0,
            "f1": round(_f1(tp, fp, fn), 3), "support": tp + fn,
        }
    empty = ~gold.any(axis=1)
    return {"passages": int(len(gold)), "micro_f1": round(micro_f1(predicted, gold), 3),
            "macro_f1": round(macro_f1(predicted, gold), 3),
            "no_theme_correct": f"{int((~predicted[empty].any(axis=1)).sum())}/{int(empty.sum())}",
            "per_theme": per_theme}


def micro_f1(predicted: np.ndarray, gold: np.ndarray) -> float:
    tp = int((predicted & gold).sum())
    return _f1(tp, int((predicted & ~gold).sum()), int((~predicted & gold).sum()))


def macro_f1(predicted: np.ndarray, gold: np.ndarray) -> float:
    """Mean F1 over the themes that occur in ``gold`` (a theme without passages has no F1)."""
    present = [j for j in range(gold.shape[1]) if gold[:, j].any()]
    return float(np.mean([micro_f1(predicted[:, [j]], gold[:, [j]]) for j in present])) if present else 0.0


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0


def _thresholds(scores: np.ndarray, gold: np.ndarray, ids: Sequence[str],
                weights: TaggerParams) -> TaggerParams:
    """``weights`` with one shared threshold and one per theme (shrunk towards the shared one)."""
    shared = _best_threshold(scores.ravel(), gold.ravel())
    thresholds = {}
    for j, theme_id in enumerate(ids):
        positives = int(gold[:, j].sum())
        if positives == 0:
            continue
        own = _best_threshold(scores[:, j], gold[:, j])
        thresholds[theme_id] = float((positives * own + SHRINK * shared) / (positives + SHRINK))
    return replace(weights, default_threshold=float(shared), thresholds=thresholds)


def _best_threshold(scores: np.ndarray, gold: np.ndarray) -> float:
    """The threshold with the best F1; of a run of equally good ones, its middle. The candidate
    cuts lie between neighbouring distinct scores and just outside them."""
    values, position = np.unique(scores, return_inverse=True)
    cuts = np.concatenate([[values[0] - 1e-3], (values[:-1] + values[1:]) / 2, [values[-1] + 1e-3]])
    # cut c tags the scores from values[c] on: count true and all positives at or above it
    true_at = np.bincount(position, weights=gold.astype(float), minlength=len(values))
    all_at = np.bincount(position, minlength=len(values)).astype(float)
    tp = np.append(np.cumsum(true_at[::-1])[::-1], 0.0)
    tagged = np.append(np.cumsum(all_at[::-1])[::-1], 0.0)
    denominator = tagged + gold.sum()  # 2tp + fp + fn
    f1s = np.divide(2 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0)
    best = np.flatnonzero(f1s >= f1s.max() - 1e-12)
    run = best[: int(np.argmax(np.diff(np.append(best, best[-1] + 2)) > 1)) + 1]
    return float((cuts[run[0]] + cuts[run[-1]]) / 2)


def _predict(scores: np.ndarray, params: TaggerParams, ids: Sequence[str]) -> np.ndarray:
    thresholds = np.array([params.threshold(theme_id) for theme_id in ids])
    return scores >= thresholds[None, :]
