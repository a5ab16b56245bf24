"""Dutch sentence splitting with spaCy's blank Dutch pipeline and its rule-based sentencizer."""

from __future__ import annotations

from collections.abc import Iterable
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


def split_sentences(texts: Iterable[str]) -> list[list[tuple[int, int]]]:
    """For each text, the (start, end) character spans of its sentences."""
    spans = []
    for doc in dutch_pipeline().pipe(texts, batch_size=64):
        spans.append([
            (sent.start_char, sent.end_char) for sent in doc.sents if sent.text.strip()
        ])
    return spans
