"""Pooled relevance judgments of cited sentences (TREC style) and the pool still to be judged.

``eval/gold/judgments.jsonl`` holds one JSON object per line. The first line is a note:
``{"note": ..., "pooled_from": <commit>, "systems": [...]}`` saying who judged what and from
which run; every other line is one judgment::

    {"question_id": "q012", "file": "x.pdf", "page": 4, "sentence": "...", "relevant": true}

A judgment answers: does this sentence, at this page, help answer the question? It was made by
reading the question and the sentence (with its neighbours where needed), blind to the system
that cited it. Sentences are matched in the ``eval.matching.normalise`` form, so whitespace and
line-break hyphens do not matter; the page is part of the key. A sentence that contains one of
the question's gold quotes (or is part of one) is relevant without a judgment.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from core.lexical import content_stems
from eval.gold import GOLD_DIR, GoldError, jsonl_rows
from eval.matching import longest_common_run, matches, normalise, words

DEFAULT_JUDGMENTS = GOLD_DIR / "judgments.jsonl"

Key = tuple[str, str, int, str]


@dataclass(frozen=True)
class Judgments:
    """Relevance per (question id, file, page, normalised sentence)."""

    relevant: dict[Key, bool]
    note: dict

    def get(self, question_id: str, file: str, page: int, sentence: str) -> bool | None:
        """True or False as judged; None when this cited sentence was never judged."""
        return self.relevant.get(key(question_id, file, page, sentence))


def key(question_id: str, file: str, page: int, sentence: str) -> Key:
    return (question_id, file, int(page), normalise(sentence))


def load_judgments(path: Path = DEFAULT_JUDGMENTS) -> Judgments:
    """The judgments file; an absent file is no judgments at all (everything unjudged)."""
    if not Path(path).exists():
        return Judgments({}, {})
    relevant: dict[Key, bool] = {}
    note: dict = {}
    for where, row in jsonl_rows(path):
        if "note" in row:
            note = row
            continue
        if not {"question_id", "file", "page", "sentence", "relevant"} <= set(row) or \
                not isinstance(row["relevant"], bool):
            raise GoldError(f"{where}: a judgment needs question_id, file, page, "
                            "sentence and a true/false 'relevant'")
        judged = key(row["question_id"], row["file"], row["page"], row["sentence"])
        if relevant.get(judged, row["relevant"]) != row["relevant"]:
            raise GoldError(f"{where}: contradicts an earlier judgment of this sentence")
        relevant[judged] = row["relevant"]
    return Judgments(relevant, note)


def holds_gold_quote(sentence: str, quotes: Iterable[str]) -> bool:
    """The sentence contains a gold quote (``eval.matching.matches``) or is part of one: its
    words are a run of the quote's words and one of them is a content word. A table cell ("<2%"),
    a list number ("2.") or a stray letter inside a quote holds no part of the answer, and a
    letter run inside a word ("agen" of "aanvragen") is not a part of the quote."""
    own = words(sentence)
    return any(matches(sentence, quote) or (
        own and longest_common_run(own, words(quote)) == len(own)
        and any(any(ch.isalpha() for ch in stem) for stem in content_stems(sentence)))
        for quote in quotes)


def write_pool(rows: Iterable[dict], path: Path) -> int:
    """Write pooled cited sentences still to be judged (``relevant`` null), one per line, sorted
    by question, file and page and without the system that cited them; returns how many."""
    unique = {key(r["question_id"], r["file"], r["page"], r["sentence"]): r for r in rows}
    ordered = sorted(unique.values(), key=lambda r: (r["question_id"], r["file"], r["page"],
                                                     r["sentence"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in ordered:
            handle.write(json.dumps({**row, "relevant": None}, ensure_ascii=False) + "\n")
    return len(ordered)
