"""Theme digests: what every report says on one theme, grouped by report, newest first."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.models import DocumentInfo, Summary, SummarySentence
from core.whole_sentence import is_whole_sentence
from index.themes import ThemeTagger
from summarise.answer import cite, sources_of
from summarise.candidates import CandidateSentence, stands_alone

PER_REPORT = 3
REDUNDANT = 0.9


def theme_digest(tagger: ThemeTagger, theme_id: str,
                 reports: Sequence[tuple[DocumentInfo, list[CandidateSentence]]],
                 per_report: int = PER_REPORT) -> Summary:
    """The sentences most about the theme in each report, keeping the order of ``reports``.

    ``reports`` pairs each document with its sentences tagged with the theme. They rank by the
    tagger's score for the theme, the evidence the tag rests on (keywords, prototype similarity,
    nearest labelled examples), so a sentence that names the theme comes before one that only
    shares its drift.
    """
    column = tagger.ids.index(theme_id)
    chosen: list[SummarySentence] = []
    for info, sentences in reports:
        pool = [s for s in sentences if is_whole_sentence(s.text) and stands_alone(s.text)]
        if not pool:
            continue
        scores = tagger.score_matrix([s.text for s in pool], np.vstack([s.vector for s in pool]))
        picked: list[CandidateSentence] = []
        for sentence in (pool[i] for i in np.argsort(-scores[:, column], kind="stable")):
            if len(picked) == per_report:
                break
            if all(float(sentence.vector @ p.vector) <= REDUNDANT for p in picked):
                picked.append(sentence)
        chosen += [SummarySentence(text=s.text, citations=(cite(s, info),), themes=s.themes)
                   for s in sorted(picked, key=lambda s: s.sentence_id)]
    label = tagger.label(theme_id)
    return Summary(question=label, answered=bool(chosen), sentences=tuple(chosen),
                   sources=sources_of(chosen), reason="" if chosen else "no_tagged_sentences",
                   kind="digest", heading=label)
