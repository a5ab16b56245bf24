"""Where a line break inside a narrow table cell fell between words: decided by a Dutch lexicon.

A PDF does not say whether a line ended at a word boundary, and pieces of three or four
letters ("Bre", "da", "we", "rk.") carry no trailing space to tell. The lexicon is the Dutch
word list of spacy-lookups-data (inflected forms and their lemmas) plus the document's own words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

BREAK = "\x00"  # marks a line break that may or may not be a word boundary
_MIN_PART = 3
_CORE = re.compile(r"^[^\w]*(.*?)[^\w]*$")


class Lexicon:
    """Known Dutch words: the lookup table's forms (stored hashed) and lemmas, and extra words."""

    def __init__(self, table: Mapping[str, str], extra: Iterable[str]) -> None:
        self._table = table
        self._words = {str(lemma).lower() for lemma in table.values()} | set(extra)

    def __contains__(self, word: object) -> bool:
        return word in self._words or word in self._table


@lru_cache(maxsize=1)
def _lemma_table() -> Mapping[str, str]:
    """spacy-lookups-data's Dutch lemma table; loaded once, only when a table needs it."""
    from spacy.lookups import load_lookups

    return load_lookups("nl", ["lemma_lookup"]).get_table("lemma_lookup")


def resolve_breaks(text: str, document_words: Iterable[str]) -> str:
    """Replace every ``BREAK`` in ``text`` by nothing or a space, whichever makes known words."""
    if BREAK not in text:
        return text
    known = Lexicon(_lemma_table(), document_words)
    return " ".join(
        _segment(token.split(BREAK), known) if BREAK in token else token
        for token in text.split(" ")
    )


def _segment(pieces: Sequence[str], known: Lexicon) -> str:
    """The split into words with the fewest letters in unknown words, then the fewest compound
    parts (so two known words beat one glued compound of them), then the fewest words."""
    best: dict[int, tuple[int, int, int, list[str]]] = {0: (0, 0, 0, [])}
    for start in range(len(pieces)):
        if start not in best:
            continue
        unknown, parts, count, words = best[start]
        for end in range(start + 1, len(pieces) + 1):
            word = "".join(pieces[start:end])
            word_unknown, word_parts = _word_cost(word, known)
            cost = (unknown + word_unknown, parts + word_parts, count + 1)
            if end not in best or cost < best[end][:3]:
                best[end] = (*cost, [*words, word])
    return " ".join(best[len(pieces)][3])


def _word_cost(word: str, known: Lexicon) -> tuple[int, int]:
    """(letters in unknown parts, extra compound parts) of a word; digits count as known."""
    core = _CORE.match(word).group(1).lower()
    unknown = extra = 0
    for part in (part for part in re.split(r"[-/']", core) if part):
        if any(c.isdigit() for c in part):
            continue
        parts = _compound_parts(part, known)
        if parts:
            extra += parts - 1
        else:
            unknown += len(part)
    return unknown, extra


def _compound_parts(part: str, known: Lexicon) -> int:
    """1 for a known word (two letters or more), k for a compound of k known words, else 0."""
    if len(part) < 2:
        return 0
    if part in known:
        return 1
    fewest = {0: 0}  # end offset -> fewest known pieces covering part[:end]
    for end in range(_MIN_PART, len(part) + 1):
        counts = [fewest[start] + 1 for start in fewest
                  if end - start >= _MIN_PART and _part_known(part[start:end], known)]
        if counts:
            fewest[end] = min(counts)
    return fewest.get(len(part), 0)


def _part_known(piece: str, known: Lexicon) -> bool:
    # Dutch compounds may link their parts with an s: arbeid|s|markt
    return piece in known or (piece.endswith("s") and piece[:-1] in known)
