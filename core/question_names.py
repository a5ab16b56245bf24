"""Names a question asks about: "in Vaals", "het Bredase initiatief", "in Almere".

A question naming a place, an organisation or a programme asks about that one. Scored on meaning
alone, sentences about the same subject elsewhere (Breda's steunpunten for a question on Vaals)
rank as high as the one it asks for. A name is a word written with a capital that does not open
the question; names are compared by their stems (Bredaas and Bredase), and only with words a text
also writes with a capital, so the place Vaals (stem val) is not the noun val ("de val van").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.lexical import stemmer

_WORD = re.compile(r"[^\W\d_]+")


def question_names(question: str) -> frozenset[str]:
    """The stems of the capitalised words of ``question`` after its first word; none when most
    of its words are capitalised (a question typed in capitals or title case names nothing)."""
    words = _WORD.findall(question)[1:]
    capitalised = [word for word in words if word[0].isupper()]
    if 2 * len(capitalised) > len(words):
        return frozenset()
    return _stems(capitalised)


def names_in(text: str) -> frozenset[str]:
    """The stems of the capitalised words of ``text``, its first word included."""
    return _stems(word for word in _WORD.findall(text) if word[0].isupper())


def _stems(words: Iterable[str]) -> frozenset[str]:
    return frozenset(stemmer("dutch_porter").stemWords([word.lower() for word in words]))
