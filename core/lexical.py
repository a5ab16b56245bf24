"""Dutch content-word stems, shared by retrieval (term coverage) and sentence scoring."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH

_WORD_RE = re.compile(r"\w+")
_STOPWORDS = frozenset(STOPWORDS_DUTCH) | {"wat", "welke", "hoe", "waarom", "wie", "waar",
                                           "welk", "zeggen", "rapporten", "rapport", "volgens"}


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("dutch")


def content_stems(text: str) -> set[str]:
    """Stems of the words of ``text`` that carry meaning (no stop words, no single letters)."""
    words = [w for w in _WORD_RE.findall(text.lower()) if len(w) > 1 and w not in _STOPWORDS]
    return set(_stemmer().stemWords(words))
