"""Theme digests: what every report says on one theme, grouped by report, newest first."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.models import DocumentInfo, Summary, SummarySentence
from core.whole_sentence import is_whole_sentence
from summarise.answer import CandidateSentence, cite, sources_of, stands_alone

PER_REPORT = 3
REDUNDANT = 0.9


def theme_digest(theme_label: str, reports: Sequence[tuple[DocumentInfo, list[CandidateSentence]]],
                 prototype: np.ndarray, per_report: int = PER_REPORT) -> Summary:
    """The sentences closest to the theme in each report, keeping the order of ``reports``.

    ``reports`` pairs each document with its sentences tagged with the theme; ``prototype``
    is the theme's embedded description.
    """
    chosen: list[SummarySentence] = []
    for info, sentences in reports:
        pool = [s for s in sentences if is_whole_sentence(s.text) and stands_alone(s.text)]
        picked: list[CandidateSentence] = []
        for sentence in sorted(pool, key=lambda s: -float(s.vector @ prototype)):
            if len(picked) == per_report:
                break
            if all(float(sentence.vector @ p.vector) <= REDUNDANT for p in picked):
                picked.append(sentence)
        chosen += [SummarySentence(text=s.text, citations=(cite(s, info),), themes=s.themes)
                   for s in sorted(picked, key=lambda s: s.sentence_id)]
    return Summary(question=theme_label, answered=bool(chosen), sentences=tuple(chosen),
                   sources=sources_of(chosen), reason="" if chosen else "no_tagged_sentences",
                   kind="digest", heading=theme_label)
