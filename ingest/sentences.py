"""Dutch sentence splitting with spaCy's blank Dutch pipeline and its rule-based sentencizer."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language


@lru_cache(maxsize=1)
def dutch_pipeline() -> Language:
    """A blank Dutch pipeline with a sentencizer; nothing is downloaded."""
    nlp = spacy.blank("nl")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 5_000_000
    return nlp


# A sentence end with a footnote mark after it ("van COVID-19.⁶ Via een ...", or a footnote's
# own text: "Nederland.⁷ 3 Engbersen et al."): spaCy reads "19.⁶" as one token and does not
# end the sentence there.
_FOOTNOTE_END = re.compile(r"([.!?…][”’\"')]*)[⁰¹²³⁴⁵⁶⁷⁸⁹]+(?=\s+[\"“‘(]?[A-ZÀ-Þ0-9]|\s*$)")


def without_footnote_marks(text: str) -> str:
    """The text without the footnote marks that follow a sentence's end punctuation, the marks
    a sentence never holds (``split_sentences`` leaves them out)."""
    return _FOOTNOTE_END.sub(r"\1", text)


def split_sentences(texts: Iterable[str]) -> list[list[tuple[int, int]]]:
    """For each text, the (start, end) character spans of its sentences. A footnote mark after
    a sentence's end punctuation ends the sentence and is left out of it: the reader of an
    answer never sees the footnote it points to."""
    spans = []
    for doc in dutch_pipeline().pipe(texts, batch_size=64):
        spans.append([
            span for sent in doc.sents if sent.text.strip()
            for span in _at_footnote_marks(doc.text, sent.start_char, sent.end_char)
        ])
    return spans


def _at_footnote_marks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The span split after every end punctuation that carries a footnote mark, the marks out."""
    end = len(text[:end].rstrip())
    for match in _FOOTNOTE_END.finditer(text, start, end):
        yield start, match.end(1)
        start = match.end() + len(text[match.end():end]) - len(text[match.end():end].lstrip())
    if start < end:
        yield start, end
