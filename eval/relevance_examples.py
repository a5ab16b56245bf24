"""Training examples for the relevance model: every quotable sentence the system weighs for a gold
question, its features and whether it answers the question.

A sentence is relevant when it holds one of the question's gold quotes (or is part of one) or was
judged relevant for that question, file and page (``eval/judgments.py``); every other candidate
counts as not relevant, as unjudged citations do in the evaluation. An unanswerable question's
candidates are all not relevant: they are what the model must learn to refuse.

Each question belongs to a *group*, the unit left out in cross-validation: the file of its first
gold quote, or for an unanswerable question the file of its best retrieved chunk (the document
it is a near miss of). Groups are named ``<library>:<file>``.

The examples are written to ``eval/relevance/examples.csv`` (committed), so the model can be
trained again from the repository alone; ``rapportwijzer train --extract`` rebuilds the file from
the two indexes.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eval.gold import GoldQuestion
from eval.judgments import Judgments, holds_gold_quote
from summarise.candidates import Topic
from summarise.features import FEATURES, quotable

EXAMPLES_PATH = Path(__file__).resolve().parent / "relevance" / "examples.csv"
_KEYS = ("library", "question_id", "group", "answerable", "file", "page", "sentence_id", "length",
         "relevant")


@dataclass(frozen=True)
class Examples:
    """One row per (question, candidate sentence); ``question`` is "<library>/<question id>"."""

    features: np.ndarray
    relevant: np.ndarray  # bool
    question: np.ndarray  # str
    group: np.ndarray  # str
    answerable: np.ndarray  # bool, per row (the row's question's)
    words: np.ndarray  # int
    sentence_id: np.ndarray  # str

    def __len__(self) -> int:
        return len(self.relevant)

    def subset(self, rows: np.ndarray) -> Examples:
        return Examples(self.features[rows], self.relevant[rows], self.question[rows],
                        self.group[rows], self.answerable[rows], self.words[rows],
                        self.sentence_id[rows])


def question_rows(library_name: str, library, question: GoldQuestion,
                  judgments: Judgments) -> list[dict]:
    """The examples of one gold question, asked as the system asks it (hybrid retrieval)."""
    evidence, candidates, _ = library.evidence(question.question)
    pool, rows = quotable(evidence, candidates, Topic(question.question, evidence.query_vector))
    documents = library.retriever.documents
    if question.relevant:
        group = question.relevant[0].file
    else:
        group = evidence.retrieved[0].file if evidence.retrieved else "-"
    examples = []
    for candidate, row in zip(pool, rows):
        file = documents[candidate.doc_id].file
        relevant = holds_gold_quote(candidate.text, question.quotes) or bool(
            judgments.get(question.id, file, candidate.page, candidate.text))
        examples.append({
            "library": library_name, "question_id": question.id,
            "group": f"{library_name}:{group}", "answerable": int(question.answerable),
            "file": file, "page": candidate.page, "sentence_id": candidate.sentence_id,
            "length": len(candidate.text.split()), "relevant": int(relevant),
            **{name: f"{value:.6g}" for name, value in zip(FEATURES, row)},
        })
    return examples


def extract(libraries: Sequence[tuple[str, object, Sequence[GoldQuestion], Judgments]],
            progress: Callable[[str], None] | None = None) -> list[dict]:
    """The examples of every gold question of every (name, library, questions, judgments)."""
    rows: list[dict] = []
    for name, library, questions, judgments in libraries:
        for number, question in enumerate(questions, start=1):
            if progress:
                progress(f"{name}: question {number}/{len(questions)} ({question.id})")
            rows += question_rows(name, library, question, judgments)
    return rows


def write_examples(rows: Sequence[dict], path: Path = EXAMPLES_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*_KEYS, *FEATURES])
        writer.writeheader()
        writer.writerows(rows)


def read_examples(path: Path = EXAMPLES_PATH) -> Examples:
    """The examples file; its feature columns must be this code's ``FEATURES``."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(FEATURES) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: no columns for features {sorted(missing)}; "
                             "run `rapportwijzer train --extract`")
        rows = list(reader)
    return Examples(
        features=np.array([[float(r[name]) for name in FEATURES] for r in rows]).reshape(
            len(rows), len(FEATURES)),
        relevant=np.array([r["relevant"] == "1" for r in rows], dtype=bool),
        question=np.array([f"{r['library']}/{r['question_id']}" for r in rows]),
        group=np.array([r["group"] for r in rows]),
        answerable=np.array([r["answerable"] == "1" for r in rows], dtype=bool),
        words=np.array([int(r["length"]) for r in rows], dtype=int),
        sentence_id=np.array([r["sentence_id"] for r in rows]),
    )
