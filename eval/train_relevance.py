"""Train the relevance model and choose its thresholds by leave-one-document-out cross-validation.

Model variants (feature sets, regularisation, logistic regression against gradient boosting) are
compared on out-of-fold predictions, where each gold question is scored by a model trained
without its document's group (``eval/relevance_examples.py``). The variant with the lowest
out-of-fold log loss is shipped: it is the one whose probabilities are best calibrated, which is
what one threshold needs. The thresholds are then chosen on the same out-of-fold probabilities,
with the answer selection itself (``summarise.answer.select``):

- the answer threshold (refuse when no sentence clears it) is the one with the best refusal
  accuracy on the unanswerable questions among those refusing at most ``MAX_FALSE_REFUSALS`` of
  the answerable ones of *each* library (issue #19's bound, which it states per gold set: a
  wrong refusal costs an advisor an answer the library holds, and pooled, the seed's easier
  questions let the real library's false refusals run over it);
- the quote threshold (another sentence joins the best one) maximises F0.5 of the quoted
  sentences (precision weighted over recall) on the answered answerable questions.

Every left-out group also gets its own model and thresholds, chosen without it, so that
``rapportwijzer eval`` answers each gold question with a model that never saw its document.
Everything is written to ``summarise/relevance_model.json``; the figures to
``eval/relevance/report.md``, with a learning curve of the shipped variant: its out-of-fold
top-1 accuracy when each fold trains on only part of the other documents, which tells whether
more judged questions would still improve it.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

from eval.relevance_examples import EXAMPLES_PATH, Examples, read_examples
from summarise.answer import WORD_BUDGET
from summarise.features import FEATURES
from summarise.relevance import MODEL_PATH, RelevanceModel, select

REPORT_PATH = Path(__file__).resolve().parent / "relevance" / "report.md"
GRID = np.round(np.arange(0.02, 0.96, 0.01), 2)
MAX_FALSE_REFUSALS = 0.1

FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "dense": ("cos_sentence", "cos_gap", "cos_window", "cos_chunk", "chunk_rank"),
}
FEATURE_SETS["dense+lexical"] = (*FEATURE_SETS["dense"], "term_share", "term_share_window",
                                 "term_share_chunk", "bm25_sentence", "terms_known",
                                 "terms_in_top", "terms_unknown_sq", "terms_not_in_top_sq")
FEATURE_SETS["dense+lexical+match"] = (
    *FEATURE_SETS["dense+lexical"], "names_asked", "names_in_sentence", "names_in_chunk",
    "numbers_asked", "numbers_in_sentence", "numbers_in_chunk", "asks_amount", "amount_stated",
    "asks_time", "time_stated")
FEATURE_SETS["dense+lexical+match+whole"] = (*FEATURE_SETS["dense+lexical+match"],
                                             "whole_sentence")
FEATURE_SETS["all"] = FEATURES
REGULARISATION = (0.03, 0.1, 0.3, 1.0, 3.0)
CURVE_FRACTIONS = (0.25, 0.5, 0.75, 1.0)
CURVE_REPEATS = 3  # random draws of the training documents per fraction below 1


@dataclass(frozen=True)
class Variant:
    name: str
    features: tuple[str, ...]
    kind: str  # "logistic" or "boosting"
    c: float = 1.0

    def fit(self, examples: Examples) -> Callable[[np.ndarray], np.ndarray]:
        """Fit on ``examples``; returns P(relevant) for rows of all ``FEATURES``."""
        columns = [FEATURES.index(name) for name in self.features]
        x = examples.features[:, columns]
        if self.kind == "boosting":
            booster = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05,
                                                     max_leaf_nodes=15, random_state=0)
            booster.fit(x, examples.relevant)
            return lambda rows: booster.predict_proba(rows[:, columns])[:, 1]
        model = self.logistic(examples, 0.5, 0.5)
        return model.probabilities

    def logistic(self, examples: Examples, answer_threshold: float,
                 quote_threshold: float) -> RelevanceModel:
        columns = [FEATURES.index(name) for name in self.features]
        x = examples.features[:, columns]
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale == 0] = 1.0
        fitted = LogisticRegression(C=self.c, max_iter=2000).fit((x - mean) / scale,
                                                                  examples.relevant)
        return RelevanceModel(self.features, mean, scale, fitted.coef_[0],
                              float(fitted.intercept_[0]), answer_threshold, quote_threshold)


def variants() -> list[Variant]:
    found = [Variant(f"logistic {name} C={c}", features, "logistic", c)
             for name, features in FEATURE_SETS.items() for c in REGULARISATION]
    return found + [Variant("boosting all", FEATURES, "boosting")]


def out_of_fold(variant: Variant, examples: Examples, fraction: float = 1.0,
                rng: np.random.Generator | None = None) -> np.ndarray:
    """Each row's probability from the model trained without its group; with ``fraction`` < 1,
    trained on that share of the other groups only, drawn by ``rng``."""
    predicted = np.zeros(len(examples))
    groups = np.unique(examples.group)
    rng = rng or np.random.default_rng(0)
    for group in groups:
        held = examples.group == group
        training = ~held
        if fraction < 1.0:
            others = groups[groups != group]
            drawn = rng.choice(others, max(2, round(fraction * len(others))), replace=False)
            training = np.isin(examples.group, drawn)
        predicted[held] = variant.fit(examples.subset(training))(examples.features[held])
    return predicted


def top1_accuracy(examples: Examples, probabilities: np.ndarray) -> float:
    """Share of the answerable questions with a relevant candidate whose most probable candidate
    is relevant: how often the best sentence is an answer."""
    hits = counted = 0
    for question in dict.fromkeys(examples.question):
        rows = np.flatnonzero(examples.question == question)
        if examples.answerable[rows[0]] and examples.relevant[rows].any():
            counted += 1
            hits += bool(examples.relevant[rows[np.argmax(probabilities[rows])]])
    return hits / max(counted, 1)


@dataclass(frozen=True)
class CurvePoint:
    fraction: float  # share of the other document groups each fold trains on
    top1: float  # mean over the draws
    top1_spread: float  # standard deviation over the draws
    log_loss: float  # mean over the draws


def learning_curve(variant: Variant, examples: Examples,
                   fractions: Sequence[float] = CURVE_FRACTIONS,
                   repeats: int = CURVE_REPEATS, seed: int = 0) -> list[CurvePoint]:
    """Out-of-fold top-1 accuracy and log loss of ``variant`` trained on growing shares of the
    other documents: a curve still rising at 1.0 says more judged questions would help."""
    rng = np.random.default_rng(seed)
    points = []
    for fraction in fractions:
        draws = [out_of_fold(variant, examples, fraction, rng)
                 for _ in range(repeats if fraction < 1.0 else 1)]
        top1 = [top1_accuracy(examples, p) for p in draws]
        points.append(CurvePoint(fraction, float(np.mean(top1)), float(np.std(top1)),
                                 float(np.mean([log_loss(examples.relevant, p) for p in draws]))))
    return points


@dataclass(frozen=True)
class AnswerFigures:
    """What the answers would score with given thresholds (sentence labels as in training)."""

    refusal_accuracy: float
    false_refusals: float
    citation_precision: float
    cites_relevant: float
    quoted_recall: float

    @property
    def f05(self) -> float:
        p, r = self.citation_precision, self.quoted_recall
        return 1.25 * p * r / (0.25 * p + r) if p + r else 0.0


def answer_figures(examples: Examples, probabilities: np.ndarray, answer_threshold: float,
                   quote_threshold: float) -> AnswerFigures:
    refused_unanswerable = unanswerable = refused = answerable = 0
    quoted = quoted_relevant = relevant_total = answered_with_relevant = answered = 0
    for question in dict.fromkeys(examples.question):
        rows = np.flatnonzero(examples.question == question)
        p = probabilities[rows]
        chosen = select(p, [np.zeros(1)] * len(rows), examples.words[rows].tolist(),
                        answer_threshold, quote_threshold, WORD_BUDGET)
        labels = examples.relevant[rows]
        if not examples.answerable[rows[0]]:
            unanswerable += 1
            refused_unanswerable += not chosen
            continue
        answerable += 1
        if not chosen:
            refused += 1
            continue
        answered += 1
        hits = int(labels[chosen].sum())
        quoted += len(chosen)
        quoted_relevant += hits
        relevant_total += int(labels.sum())
        answered_with_relevant += hits > 0
    return AnswerFigures(refused_unanswerable / max(unanswerable, 1), refused / max(answerable, 1),
                         quoted_relevant / max(quoted, 1), answered_with_relevant / max(answered, 1),
                         quoted_relevant / max(relevant_total, 1))


def choose_thresholds(examples: Examples, probabilities: np.ndarray) -> tuple[float, float]:
    """The answer threshold with the best refusal accuracy among those with at most
    ``MAX_FALSE_REFUSALS`` false refusals in each library (the lowest of ties), then the quote
    threshold with the best F0.5 of the quoted sentences (the lowest of ties)."""
    figures = {t: answer_figures(examples, probabilities, t, 1.0) for t in GRID}
    libraries = [np.array([q.startswith(f"{library}/") for q in examples.question])
                 for library in sorted({q.split("/")[0] for q in examples.question})]
    allowed = [t for t in GRID if all(
        answer_figures(examples.subset(rows), probabilities[rows], t, 1.0).false_refusals
        <= MAX_FALSE_REFUSALS for rows in libraries)] or [GRID[0]]
    answer = max(allowed, key=lambda t: (round(figures[t].refusal_accuracy, 6), -t))
    quote = max(GRID, key=lambda t: (round(answer_figures(examples, probabilities, answer, t)
                                           .f05, 6), -t))
    return float(answer), float(quote)


def calibration_error(relevant: np.ndarray, probabilities: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over equal-width probability bins."""
    edges = np.minimum((probabilities * bins).astype(int), bins - 1)
    return float(sum(abs(relevant[edges == b].mean() - probabilities[edges == b].mean())
                     * (edges == b).sum() for b in range(bins) if (edges == b).any())
                 / len(relevant))


@dataclass(frozen=True)
class TrainResult:
    chosen: Variant
    table: list[dict]
    thresholds: tuple[float, float]
    figures: dict[str, AnswerFigures]  # "all", "seed", "real": out-of-fold answers
    model: RelevanceModel
    top1: float  # out-of-fold top-1 accuracy of the shipped variant
    curve: list[CurvePoint]  # empty when no report is written


def train(examples_path: Path = EXAMPLES_PATH, model_path: Path = MODEL_PATH,
          report_path: Path | None = REPORT_PATH, candidates: Sequence[Variant] | None = None,
          progress: Callable[[str], None] | None = None) -> TrainResult:
    """Compare the variants by leave-one-document-out, ship the best, write its file and report."""
    examples = read_examples(examples_path)
    table, predictions = [], {}
    for variant in candidates or variants():
        if progress:
            progress(f"cross-validating {variant.name}")
        p = out_of_fold(variant, examples)
        predictions[variant.name] = p
        table.append({"variant": variant.name, "log_loss": log_loss(examples.relevant, p),
                      "brier": brier_score_loss(examples.relevant, p),
                      "auc": roc_auc_score(examples.relevant, p),
                      "ece": calibration_error(examples.relevant, p)})
    logistic = [v for v in (candidates or variants()) if v.kind == "logistic"]
    chosen = min(logistic, key=lambda v: next(row["log_loss"] for row in table
                                              if row["variant"] == v.name))
    oof = predictions[chosen.name]
    thresholds = choose_thresholds(examples, oof)
    libraries = {question.split("/")[0] for question in examples.question}
    figures = {"all": answer_figures(examples, oof, *thresholds)}
    for library in sorted(libraries):
        rows = np.array([q.startswith(f"{library}/") for q in examples.question])
        figures[library] = answer_figures(examples.subset(rows), oof[rows], *thresholds)
    model = chosen.logistic(examples, *thresholds)
    folds = {}
    for group in np.unique(examples.group):
        held = examples.group == group
        rest = examples.subset(~held)
        folds[str(group)] = chosen.logistic(rest, *choose_thresholds(rest, oof[~held])).to_json()
    groups = dict(zip(examples.question.tolist(), examples.group.tolist()))
    model_path.write_text(json.dumps({
        "model": model.to_json(), "folds": folds, "groups": groups,
        "meta": {"variant": chosen.name, "examples": len(examples),
                 "relevant": int(examples.relevant.sum()),
                 "questions": len(groups), "trained_from": _commit()},
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    curve = learning_curve(chosen, examples) if report_path is not None else []
    result = TrainResult(chosen, table, thresholds, figures, model, top1_accuracy(examples, oof),
                         curve)
    if report_path is not None:
        report_path.write_text(report_markdown(result, examples), encoding="utf-8")
    return result


def report_markdown(result: TrainResult, examples: Examples) -> str:
    lines = ["# Relevance model: leave-one-document-out", "",
             f"{len(examples)} candidate sentences of {len(set(examples.question))} gold "
             f"questions, {int(examples.relevant.sum())} relevant, in "
             f"{len(set(examples.group))} document groups. Written by `rapportwijzer train`.", "",
             "## Variants (out-of-fold sentence probabilities)", "",
             "| variant | log loss | Brier | AUC | ECE |", "|---|---|---|---|---|"]
    lines += [f"| {row['variant']} | {row['log_loss']:.4f} | {row['brier']:.4f} | "
              f"{row['auc']:.3f} | {row['ece']:.4f} |" for row in result.table]
    answer, quote = result.thresholds
    lines += ["", f"Shipped: **{result.chosen.name}** (lowest log loss among the logistic "
              f"variants); answer threshold {answer:.2f}, quote threshold {quote:.2f}.", "",
              "## Answers from out-of-fold probabilities", "",
              "| questions | refusal accuracy | false refusals | citation precision | "
              "cites relevant | quoted recall |", "|---|---|---|---|---|---|"]
    lines += [f"| {name} | {f.refusal_accuracy:.3f} | {f.false_refusals:.3f} | "
              f"{f.citation_precision:.3f} | {f.cites_relevant:.3f} | {f.quoted_recall:.3f} |"
              for name, f in result.figures.items()]
    lines += ["", "Sentence labels as in training (a gold quote or judged relevant; the rest not "
              "relevant); near-duplicates are not removed here. `make eval` gives the figures of "
              "the real answers.", "",
              f"Top-1 accuracy (the most probable candidate is relevant, over the answerable "
              f"questions with a relevant candidate): {result.top1:.3f}.", "",
              "## Learning curve of the shipped variant", "",
              "Each fold trains on a random share of the other document groups "
              f"({CURVE_REPEATS} draws below 1.0):", "",
              "| share of training documents | top-1 accuracy | spread | log loss |",
              "|---|---|---|---|"]
    lines += [f"| {point.fraction:.2f} | {point.top1:.3f} | {point.top1_spread:.3f} | "
              f"{point.log_loss:.4f} |" for point in result.curve]
    lines += ["", "## Weights of the shipped model (standardised features)",
              "", "| feature | weight |", "|---|---|"]
    lines += [f"| {name} | {weight:+.3f} |" for name, weight in
              sorted(zip(result.model.features, result.model.coef), key=lambda p: -abs(p[1]))]
    return "\n".join(lines) + "\n"


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
