"""Load and validate gold files: questions with supporting quotes, and theme-labelled passages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

GOLD_DIR = Path(__file__).resolve().parent / "gold"
DEFAULT_QUESTIONS = GOLD_DIR / "questions.jsonl"
DEFAULT_PASSAGES = GOLD_DIR / "passages.jsonl"

_QUESTION_KEYS = {"id", "question", "kind", "relevant", "themes", "answer"}
_PASSAGE_KEYS = {"file", "quote", "themes"}


class GoldError(ValueError):
    """A gold file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class RelevantQuote:
    """A verbatim sentence (or a few) of a corpus file that answers the question."""

    file: str
    quote: str


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    kind: str
    relevant: tuple[RelevantQuote, ...]
    themes: tuple[str, ...]
    answer: str

    @property
    def answerable(self) -> bool:
        """Unanswerable questions carry no relevant quotes: the reports do not cover them."""
        return bool(self.relevant)

    @property
    def quotes(self) -> tuple[str, ...]:
        """The distinct quotes; the same sentence listed for two twin files counts once."""
        return tuple(dict.fromkeys(r.quote for r in self.relevant))


@dataclass(frozen=True)
class LabelledPassage:
    file: str
    quote: str
    themes: tuple[str, ...]


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[GoldQuestion]:
    """Questions from a JSONL file (one object per line, keys as in eval/gold/questions.jsonl)."""
    questions: list[GoldQuestion] = []
    for where, row in jsonl_rows(path):
        _require_keys(row, _QUESTION_KEYS, where)
        relevant = row["relevant"]
        if not isinstance(relevant, list) or not all(
                isinstance(r, dict) and {"file", "quote"} <= set(r) and str(r["quote"]).strip()
                for r in relevant):
            raise GoldError(f"{where}: 'relevant' must be a list of {{file, quote}} objects")
        if (row["kind"] == "unanswerable") != (not relevant):
            raise GoldError(f"{where}: an unanswerable question has no relevant quotes, "
                            f"any other question at least one")
        questions.append(GoldQuestion(
            id=str(row["id"]), question=str(row["question"]), kind=str(row["kind"]),
            relevant=tuple(RelevantQuote(str(r["file"]), str(r["quote"])) for r in relevant),
            themes=tuple(row["themes"]), answer=str(row["answer"]),
        ))
    ids = [q.id for q in questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise GoldError(f"{path}: duplicate question ids {duplicates}")
    if not questions:
        raise GoldError(f"{path}: no questions")
    return questions


def load_passages(path: Path = DEFAULT_PASSAGES) -> list[LabelledPassage]:
    """Theme-labelled passages from a JSONL file (keys: file, quote, themes)."""
    passages: list[LabelledPassage] = []
    for where, row in jsonl_rows(path):
        _require_keys(row, _PASSAGE_KEYS, where)
        if not isinstance(row["themes"], list) or not str(row["quote"]).strip():
            raise GoldError(f"{where}: a passage needs a quote and a list of themes")
        passages.append(LabelledPassage(str(row["file"]), str(row["quote"]), tuple(row["themes"])))
    return passages


def jsonl_rows(path: Path) -> Iterator[tuple[str, dict]]:
    """Each JSON object of a JSONL file with where it stands (``path:line``); blank lines are
    skipped, and an unreadable file, invalid JSON or a non-object line is a ``GoldError``."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise GoldError(f"{path}: cannot be read ({error.strerror})") from error
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise GoldError(f"{path}:{number}: invalid JSON ({error.msg})") from error
        if not isinstance(row, dict):
            raise GoldError(f"{path}:{number}: expected a JSON object")
        yield f"{path}:{number}", row


def _require_keys(row: dict, keys: set[str], where: str) -> None:
    missing = keys - set(row)
    if missing:
        raise GoldError(f"{where}: missing keys {sorted(missing)}")
