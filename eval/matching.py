"""When does a retrieved text contain a gold quote? Normalised containment or a long shared run.

A text matches a quote when, after normalisation, it contains the quote, or when at least 60% of
the quote's words occur in it as one contiguous run (so a quote cut by a chunk boundary counts).
Normalisation: Unicode NFKC (ligatures), diacritics dropped (OCR reads the ë of "patiënten" as
é or e, and the repair of OCR debris may restore it: a gold quote keeps the spelling the text had
when it was written), typographic quotes and dashes unified, soft hyphens dropped, a hyphen
between word characters removed together with any whitespace after it ("gezond- heid",
"gezond-\\nheid" and "gezond-heid" all become "gezondheid"), lower case, a lone letter o dropped
(Word's second-level list mark, which ingest drops and gold quotes written before it did keep:
"... of o Binnen 22 weken"), runs of whitespace collapsed. The same normalisation is applied to
both sides, so it never invents a match.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

MIN_RUN_SHARE = 0.6

_TRANSLATE = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"',
                            "\u201d": '"', "\u201e": '"', "\u2013": "-", "\u2014": "-",
                            "\u2010": "-", "\u2011": "-", "\u00ad": None})
_HYPHEN = re.compile(r"(?<=\w)-\s*(?=\w)")
_SPACE = re.compile(r"\s+")
_LIST_MARK_O = re.compile(r"(?<!\S)o(?!\S)")
_WORD = re.compile(r"\w+")


def matched_quotes(text: str, quotes: Sequence[str]) -> frozenset[int]:
    """The indices of the quotes that ``text`` matches."""
    return frozenset(i for i, quote in enumerate(quotes) if matches(text, quote))


@lru_cache(maxsize=65536)
def matches(text: str, quote: str) -> bool:
    """True when ``text`` contains ``quote`` under normalisation, or 60% of it as one run."""
    norm_text, norm_quote = normalise(text), normalise(quote)
    if not norm_quote:
        return False
    if norm_quote in norm_text:
        return True
    quote_words = words(quote)
    run = longest_common_run(quote_words, words(text))
    return run > 0 and run >= MIN_RUN_SHARE * len(quote_words)


@lru_cache(maxsize=16384)
def normalise(text: str) -> str:
    """The comparable form of a text (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = _HYPHEN.sub("", text).lower()
    return _SPACE.sub(" ", _LIST_MARK_O.sub("", text)).strip()


@lru_cache(maxsize=16384)
def words(text: str) -> tuple[str, ...]:
    """The words of the normalised text; punctuation does not count."""
    return tuple(_WORD.findall(normalise(text)))


def longest_common_run(a: Sequence[str], b: Sequence[str]) -> int:
    """The length of the longest run of consecutive words that ``a`` and ``b`` share."""
    positions: dict[str, list[int]] = defaultdict(list)
    for j, word in enumerate(b):
        positions[word].append(j)
    best = 0
    for i in range(len(a)):
        if len(a) - i <= best:
            break
        for j in positions.get(a[i], ()):
            if j > 0 and i > 0 and b[j - 1] == a[i - 1]:
                continue  # this run was already counted from an earlier start
            n = 1
            while i + n < len(a) and j + n < len(b) and a[i + n] == b[j + n]:
                n += 1
            best = max(best, n)
    return best
