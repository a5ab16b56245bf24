"""Report summaries for staff: key points across a report's sections, each cited to a page."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

from core.models import DocumentInfo, Summary, SummarySentence
from core.whole_sentence import is_whole_sentence
from summarise.answer import cite, sources_of
from summarise.candidates import CandidateSentence, stands_alone

REPORT_WORDS = 250
REDUNDANT = 0.9
_QUOTE_MARKS = re.compile(r'[“”„"]')
_SKIPPED_SECTIONS = ("inhoud", "inhoudsopgave", "colofon", "literatuur", "bronnen", "noten", "bijlage")
# A sentence about the report rather than its subject: it points elsewhere in the text ("hierna",
# "zoals gezegd"), announces what the authors will do ("Waar mogelijk zullen we voorbeelden
# toevoegen"), or opens by naming the document ("Dit verslag beschrijft ...", "De in deze notitie
# uitgewerkte principes ..."). Unless it goes on to state a finding with "dat" ("In dit rapport
# laten we zien dat ..."), it is no key point.
_SIGNPOST = re.compile(
    r"\b(?:hierna|hieronder|hierboven|zoals (?:gezegd|eerder (?:gezegd|genoemd|beschreven)))\b"
    r"|\b(?:we|wij) zullen\b|\bzullen (?:we|wij)\b"
    r"|^(?:\S+\s+){0,4}(?:dit|deze) (?:rapport|verslag|notitie|publicatie|document|hoofdstuk|"
    r"paragraaf|overzicht|bijlage)\b",
    re.IGNORECASE)
_STATES_A_FINDING = re.compile(r"\bdat\b", re.IGNORECASE)


def summarise_report(info: DocumentInfo, sentences: Sequence[CandidateSentence],
                     sections: Mapping[str, str], word_budget: int = REPORT_WORDS) -> Summary:
    """Key points of one report: the most central sentences, taken section by section.

    ``sections`` maps each chunk id to its section heading. Each round visits every section
    once; the first visits, before the others, as many sections as the budget holds sentences,
    spread evenly from the first to the last, so a long report (27 sections, room for ten
    sentences) is covered to its end rather than through its first pages. Appendices,
    contents and references are left out.
    """
    quoted = _in_quotations(sentences)
    pool = [s for s in sentences if is_whole_sentence(s.text) and stands_alone(s.text)
            and s.sentence_id not in quoted and not about_the_report(s.text)
            and 10 <= len(s.text.split()) <= 45
            and not sections.get(s.chunk_id, "").lower().startswith(_SKIPPED_SECTIONS)]
    if not pool:
        return Summary(question=info.title, answered=False, sentences=(), sources=(),
                       reason="no_whole_sentences", kind="report", heading=info.title)
    vectors = np.vstack([s.vector for s in pool])
    centroid = vectors.mean(axis=0)
    centrality = vectors @ (centroid / np.linalg.norm(centroid))
    by_section: dict[str, list[int]] = {}
    for index, sentence in enumerate(pool):
        by_section.setdefault(sections.get(sentence.chunk_id, ""), []).append(index)
    queues = [sorted(members, key=lambda i: -centrality[i]) for members in by_section.values()]
    mean_words = float(np.mean([len(s.text.split()) for s in pool]))
    order = _spread_first(len(queues), max(1, round(word_budget / mean_words)))
    chosen = _round_robin([queues[i] for i in order], pool, vectors, word_budget)
    ordered = sorted(chosen, key=lambda i: pool[i].sentence_id)
    summary_sentences = tuple(
        SummarySentence(text=pool[i].text, citations=(cite(pool[i], info),),
                        themes=pool[i].themes)
        for i in ordered
    )
    return Summary(question=info.title, answered=True, sentences=summary_sentences,
                   sources=sources_of(summary_sentences), kind="report", heading=info.title)


def about_the_report(text: str) -> bool:
    """Whether ``text`` speaks about the report itself (see _SIGNPOST) instead of its subject."""
    return bool(_SIGNPOST.search(text)) and not _STATES_A_FINDING.search(text)


def _in_quotations(sentences: Sequence[CandidateSentence]) -> set[str]:
    """Ids of the sentences that are part of a quotation running over several sentences (an
    interviewee's words, not the report's): one opens it, one closes it, or it stands between
    them. ``sentences`` are in document order; a quotation within one sentence does not count."""
    quoted: set[str] = set()
    inside = False
    for sentence in sentences:
        marks = _QUOTE_MARKS.findall(sentence.text)
        opens = sum(mark in "“„" for mark in marks)
        closes = sum(mark == "”" for mark in marks)
        toggles = (opens - closes) % 2 or marks.count('"') % 2
        if inside or toggles:
            quoted.add(sentence.sentence_id)
        inside ^= bool(toggles)
    return quoted


def _spread_first(count: int, first: int) -> list[int]:
    """0..count-1 with ``first`` of them, evenly spaced from the first to the last, in front."""
    spread = sorted({round(x) for x in np.linspace(0, count - 1, min(first, count))})
    return spread + [i for i in range(count) if i not in spread]


def _round_robin(queues: list[list[int]], pool: Sequence[CandidateSentence],
                 vectors: np.ndarray, word_budget: int) -> list[int]:
    chosen: list[int] = []
    words = 0
    while any(queues):
        for queue in queues:
            while queue:
                pick = queue.pop(0)
                if any(float(vectors[pick] @ vectors[j]) > REDUNDANT for j in chosen):
                    continue
                length = len(pool[pick].text.split())
                if chosen and words + length > word_budget:
                    return chosen
                chosen.append(pick)
                words += length
                break
    return chosen

