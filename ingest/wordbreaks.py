"""Where a line break inside a narrow table cell fell between words: decided by a Dutch lexicon.

A PDF does not say whether a line ended at a word boundary, and pieces of three or four
letters ("Bre", "da", "we", "rk.") carry no trailing space to tell. Each way of reading the
pieces as words gets a cost and the cheapest wins: a word of the document's own body text is
cheap; a word only the Dutch word list of spacy-lookups-data knows (inflected forms and lemmas,
rare words and abbreviations such as "lei", "ka", "si" among them) costs twice as much; a
compound of known parts a little more than its parts written apart; an unknown word a base cost
plus a cost per letter. So a name or foreign word the lexicon lacks ("Leidse", "hangout") stays
one word instead of shedding a rare short word ("Lei dse"), while a common word beside it
("de Meijerij") still splits off. The costs were chosen on the VNG report's table (249 line
breaks whose reading the original text shows): 11 read wrongly, against 23 when unknown letters
were minimised first.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache, lru_cache
from pathlib import Path

BREAK = "\x00"  # marks a line break that may or may not be a word boundary
DOCUMENT_WORD = 1.0  # a word the document's body text uses
LEXICON_WORD = 2.0  # a word only the lexicon knows: splitting off a short rare word rarely pays
EXTRA_PART = 0.5  # per compound part beyond the first: two known words beat their compound
UNKNOWN_WORD = 1.0  # a word nobody knows (a lone letter is one) ...
UNKNOWN_LETTER = 0.4  # ... and per letter of it
_MIN_PART = 3
# The parts of speech whose lemmas spacy-lookups-data's Dutch lemma_index lists.
LEMMA_POS = ("noun", "verb", "adj", "adv", "adp", "det", "pron")
_CORE = re.compile(r"^[^\w]*(.*?)[^\w]*$")
_CAMEL = re.compile(r"[a-zà-ÿ][A-ZÀ-Þ]")


class Lexicon:
    """Known Dutch words with their cost: the document's own words, then the lookup table's
    forms (stored hashed) and lemmas."""

    def __init__(self, document_words: Iterable[str]) -> None:
        self._document = {word.lower() for word in document_words}

    def cost(self, word: str) -> float | None:
        """What reading ``word`` (lower case) as a known word costs; None when it is unknown."""
        if word in self._document:
            return DOCUMENT_WORD
        table, lemmas = _lookup_words()
        if word in lemmas or word in table:
            return LEXICON_WORD
        return None


@cache
def dutch_table(name: str) -> Mapping:
    """One of spacy-lookups-data's Dutch tables ("lemma_lookup", "lemma_index", ...), loaded once
    per process, when first needed; shared with ``index/dutch_words.py`` (theme keywords, BM25
    compound parts) and the line joining of ``ingest/clean.py``. Read straight from the package's
    gzipped JSON, the file spaCy's ``load_lookups`` reads, so that asking a question (BM25 and the
    tagger need these tables) never imports spaCy, and through it torch: a second of start-up."""
    import spacy_lookups_data

    path = Path(spacy_lookups_data.nl[name])
    path = path if path.exists() else path.with_suffix(".json.gz")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def is_dutch_word(word: str) -> bool:
    """Whether the Dutch tables know ``word`` (lower case): an inflected form, or a lemma of the
    lookup table or of the lemma index (198k nouns, verbs, adjectives, adverbs, ...)."""
    table, lemmas = _lookup_words()
    return word in lemmas or word in table or word in dutch_lemmas()


@lru_cache(maxsize=1)
def dutch_lemmas() -> frozenset[str]:
    """The lemmas of spacy-lookups-data's Dutch lemma_index, of every part of speech."""
    return frozenset().union(*lemma_index().values())


@lru_cache(maxsize=1)
def lemma_index() -> dict[str, frozenset[str]]:
    """spacy-lookups-data's Dutch lemma_index: the lemmas of each part of speech."""
    index = dutch_table("lemma_index")
    return {pos: frozenset(str(word).lower() for word in index.get(pos) or ())
            for pos in LEMMA_POS}


@lru_cache(maxsize=1)
def _lookup_words() -> tuple[Mapping[str, str], frozenset[str]]:
    """spacy-lookups-data's Dutch lemma table and its lemmas; loaded once, when a table needs it."""
    table = dutch_table("lemma_lookup")
    return table, frozenset(str(lemma).lower() for lemma in table.values())


def resolve_breaks(text: str, lexicon: Lexicon) -> str:
    """Replace every ``BREAK`` in ``text`` by nothing or a space, whichever reads cheapest."""
    if BREAK not in text:
        return text
    return " ".join(
        _segment(token.split(BREAK), lexicon) if BREAK in token else token
        for token in text.split(" ")
    )


def _segment(pieces: Sequence[str], lexicon: Lexicon) -> str:
    """The cheapest split of the pieces into words; on equal cost, the fewest words."""
    best: dict[int, tuple[float, int, list[str]]] = {0: (0.0, 0, [])}
    for start in range(len(pieces)):
        cost, count, words = best[start]
        for end in range(start + 1, len(pieces) + 1):
            word = "".join(pieces[start:end])
            candidate = (round(cost + _word_cost(word, lexicon), 6), count + 1)
            if end not in best or candidate < best[end][:2]:
                best[end] = (*candidate, [*words, word])
    return " ".join(best[len(pieces)][2])


def _word_cost(word: str, lexicon: Lexicon) -> float:
    """The cost of a word: the sum over its parts between hyphens, slashes and apostrophes.
    Digits read as known ("stagepact071" costs what "stagepact" costs); a capital after a small
    letter ("inAmstelveen") makes the word cost as much as an extra unknown word."""
    core = _CORE.match(word).group(1)
    total = UNKNOWN_WORD if _CAMEL.search(core) else 0.0
    for part in (part for part in re.split(r"[-/']", core.lower()) if part):
        letters = re.sub(r"\d+", "", part)
        total += _part_cost(letters, lexicon) if letters else DOCUMENT_WORD
    return total


def _part_cost(part: str, lexicon: Lexicon) -> float:
    """A known word (two letters or more), else the cheaper of an unknown word and the cheapest
    compound of known pieces of three letters or more."""
    known = lexicon.cost(part) if len(part) >= 2 else None
    if known is not None:
        return known
    cheapest: dict[int, float] = {0: -EXTRA_PART}  # end offset -> cost of part[:end] as pieces
    for end in range(_MIN_PART, len(part) + 1):
        costs = [cheapest[start] + EXTRA_PART + piece
                 for start in list(cheapest)
                 if end - start >= _MIN_PART
                 and (piece := _piece_cost(part[start:end], lexicon, end < len(part))) is not None]
        if costs:
            cheapest[end] = min(costs)
    return min(cheapest.get(len(part), float("inf")), UNKNOWN_WORD + UNKNOWN_LETTER * len(part))


def _piece_cost(piece: str, lexicon: Lexicon, linked: bool) -> float | None:
    """A compound piece's cost; one that another piece follows may end in a linking s
    (arbeid|s|markt)."""
    known = lexicon.cost(piece)
    if known is None and linked and piece.endswith("s") and len(piece) > _MIN_PART:
        known = lexicon.cost(piece[:-1])
    return known
