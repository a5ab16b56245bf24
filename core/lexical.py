"""Dutch content-word stems, shared by retrieval (term coverage) and sentence scoring."""

from __future__ import annotations

import re
from functools import cache, lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH

_WORD_RE = re.compile(r"\w+")
_STOPWORDS = frozenset(STOPWORDS_DUTCH) | {"wat", "welke", "hoe", "waarom", "wie", "waar",
                                           "welk", "zeggen", "rapporten", "rapport", "volgens"}


@cache
def stemmer(algorithm: str = "dutch") -> Stemmer.Stemmer:
    """One shared Snowball stemmer per algorithm ("dutch", or the classic "dutch_porter")."""
    return Stemmer.Stemmer(algorithm)


@lru_cache(maxsize=16_384)
def content_stems(text: str) -> frozenset[str]:
    """Stems of the words of ``text`` that carry meaning (no stop words, no single letters).
    Cached: answering one question scores each candidate sentence's stems several times."""
    words = [w for w in _WORD_RE.findall(text.lower()) if len(w) > 1 and w not in _STOPWORDS]
    return frozenset(stemmer().stemWords(words))


_QUESTION_FRAME = re.compile(
    r"^\s*(?:(?:wat|hoe)\s+(?:zeggen|melden|schrijven|vertellen|beschrijven|stellen)\s+"
    r"(?:de|het|deze)\s+(?:rapporten|rapport|onderzoeken|onderzoek|documenten|bronnen|"
    r"publicaties)\s+(?:over|van|bij|ten aanzien van)\s+"
    r"|(?:wat\s+staat\s+er\s+in\s+de\s+(?:rapporten|documenten)\s+over\s+)"
    r"|(?:hoe\s+(?:beschrijven|zien|noemen)\s+de\s+(?:rapporten|onderzoeken)\s+)"
    r"|(?:volgens|in)\s+de\s+(?:rapporten|documenten),?\s+)",
    re.IGNORECASE,
)


def question_focus(question: str) -> str:
    """The question without a frame such as "Wat zeggen de rapporten over": what it is about.

    Such frames say nothing about the topic but weigh on a short query's embedding."""
    focused = _QUESTION_FRAME.sub("", question, count=1).strip()
    return focused or question
