"""Answer a question: the relevance model's probabilities pick the sentences to quote, or refuse.

Every sentence of the retrieved chunks (headings and table cells too) gets P(it answers the
question) from the learned model (``summarise/relevance.py``). The answer is refused when no
sentence clears the model's answer threshold; otherwise it quotes the best sentence and each
next one over the quote threshold (``summarise.relevance.select``). A quoted sentence that leans
on the one before it ("Dit betekent ...") is shown with that sentence, a lead-in ("De
ondertekenaar verklaart:") with the list items after it. Both thresholds were chosen by
leave-one-document-out cross-validation (``eval/train_relevance.py``). An answer whose best
sentence does not clear the quote threshold is marked tentative: out of fold, a quarter of such
answers were to questions the library cannot answer, against one in twelve above it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from core.models import Citation, DocumentInfo, Summary, SummarySentence
from core.whole_sentence import is_whole_sentence
from summarise.candidates import CandidateSentence, Evidence, Topic, position, stands_alone
from summarise.features import quotable
from summarise.relevance import RelevanceModel, select

WORD_BUDGET = 150  # a maximum, not a quota: the quote threshold usually stops an answer sooner
NEAREST = 3  # sentences under "Misschien relevant" in a refusal, as many chunks as it showed before


def answer_question(question: str, evidence: Evidence, candidates: Sequence[CandidateSentence],
                    documents: Mapping[str, DocumentInfo], model: RelevanceModel,
                    word_budget: int = WORD_BUDGET, topic: Topic | None = None) -> Summary:
    """A cited extractive answer, or a refusal when no sentence is likely enough to answer.
    Sentences are scored against ``topic`` (the question itself by default)."""
    retrieved = evidence.retrieved
    pool, probabilities = _scored(evidence, candidates, model,
                                  topic or Topic(question, evidence.query_vector))
    chosen = select(probabilities, [c.vector for c in pool], [len(c.text.split()) for c in pool],
                    model.answer_threshold, model.quote_threshold, word_budget)
    if not chosen:
        return _refusal(question, evidence, pool, probabilities, documents)
    rank_of_chunk = {chunk.chunk_id: rank for rank, chunk in enumerate(retrieved)}
    quoted = sorted((pool[i] for i in chosen),
                    key=lambda c: (rank_of_chunk[c.chunk_id], c.sentence_id))
    sentences = tuple(_bullet(c, candidates, quoted, documents[c.doc_id], word_budget)
                      for c in quoted)
    confidence = float(probabilities[chosen[0]])
    return Summary(question=question, answered=True, sentences=sentences,
                   sources=sources_of(sentences), retrieved=tuple(retrieved),
                   confidence=confidence, tentative=confidence < model.quote_threshold)


def refuse_absent(question: str, evidence: Evidence, candidates: Sequence[CandidateSentence],
                  documents: Mapping[str, DocumentInfo], model: RelevanceModel,
                  absent: tuple[str, ...]) -> Summary:
    """The refusal of a question naming what no report holds (``absent``: summarise/
    absent_names.py), with the sentences nearest to it."""
    pool, probabilities = _scored(evidence, candidates, model,
                                  Topic(question, evidence.query_vector))
    return replace(_refusal(question, evidence, pool, probabilities, documents),
                   reason="not_in_library", absent=absent)


def _scored(evidence: Evidence, candidates: Sequence[CandidateSentence], model: RelevanceModel,
            topic: Topic) -> tuple[list[CandidateSentence], np.ndarray]:
    """The quotable sentences of the retrieved chunks and their P(answers ``topic``)."""
    pool, rows = quotable(evidence, candidates, topic)
    return pool, model.probabilities(rows)


def _refusal(question: str, evidence: Evidence, pool: Sequence[CandidateSentence],
             probabilities: np.ndarray, documents: Mapping[str, DocumentInfo]) -> Summary:
    """No answer; under it, the most probable sentence of each of the ``NEAREST`` chunks whose
    best sentence is most probable: what the library does say nearby, cited, so a reader sees
    a sentence on the subject rather than the first words of a passage (often a letterhead)."""
    best: dict[str, int] = {}
    for i, candidate in enumerate(pool):
        chunk = candidate.chunk_id
        if chunk not in best or probabilities[i] > probabilities[best[chunk]]:
            best[chunk] = i
    order = sorted(best.values(), key=lambda i: -probabilities[i])[:NEAREST]
    nearest = tuple(SummarySentence(pool[i].text, (cite(pool[i], documents[pool[i].doc_id]),),
                                    pool[i].themes) for i in order)
    return Summary(question=question, answered=False, sentences=(), sources=(),
                   reason="weak_evidence" if evidence.retrieved else "no_results",
                   retrieved=tuple(evidence.retrieved), nearest=nearest)


def _bullet(sentence: CandidateSentence, candidates: Sequence[CandidateSentence],
            quoted: Sequence[CandidateSentence], info: DocumentInfo,
            word_budget: int) -> SummarySentence:
    """The quoted sentence, led by the sentence before it on the same page when it cannot be
    read alone ("Zij ...", "Dit ...") and that one is not quoted itself; a lead-in ending in ":"
    ("De ondertekenaar verklaart:") goes on with the list items after it on its page, those
    that open with a small letter and are not quoted themselves, within ``word_budget`` words."""
    quoted_ids = {q.sentence_id for q in quoted}
    before = _neighbour(sentence, candidates, -1)
    parts = [sentence]
    if (before is not None and not stands_alone(sentence.text) and before.page == sentence.page
            and before.sentence_id not in quoted_ids and is_whole_sentence(before.text)):
        parts.insert(0, before)
    if sentence.text.endswith(":"):
        parts.extend(_items_after(sentence, candidates, quoted_ids,
                                  word_budget - sum(len(p.text.split()) for p in parts)))
    if len(parts) == 1:
        return SummarySentence(text=sentence.text, citations=(cite(sentence, info),),
                               themes=sentence.themes)
    joined = " ".join(part.text for part in parts)
    return SummarySentence(text=joined, citations=(cite(parts[0], info, joined),),
                           themes=tuple(dict.fromkeys(t for part in parts for t in part.themes)))


def _items_after(lead_in: CandidateSentence, candidates: Sequence[CandidateSentence],
                 quoted_ids: set[str], words: int) -> list[CandidateSentence]:
    """The run of sentences after ``lead_in`` on its page that open with a small letter, as
    many as fit in ``words`` words."""
    items: list[CandidateSentence] = []
    item = _neighbour(lead_in, candidates, 1)
    while (item is not None and item.page == lead_in.page and item.text[:1].islower()
           and item.sentence_id not in quoted_ids and len(item.text.split()) <= words):
        items.append(item)
        words -= len(item.text.split())
        item = _neighbour(item, candidates, 1)
    return items


def _neighbour(sentence: CandidateSentence, candidates: Sequence[CandidateSentence],
               step: int) -> CandidateSentence | None:
    """The sentence ``step`` places after (before, when negative) ``sentence`` in its chunk."""
    wanted = position(sentence) + step
    return next((c for c in candidates
                 if c.chunk_id == sentence.chunk_id and position(c) == wanted), None)


def cite(candidate: CandidateSentence, info: DocumentInfo, quote: str | None = None) -> Citation:
    """The citation of a candidate sentence: its document and the page it starts on."""
    return Citation(doc_id=info.doc_id, file=info.file, title=info.title,
                    publisher=info.publisher, year=info.year, page=candidate.page,
                    quote=quote or candidate.text, scanned=candidate.page in info.scanned_pages)


def sources_of(sentences: Sequence[SummarySentence]) -> tuple[Citation, ...]:
    """Each cited (document, page) once, in order of first citation: source n is ``[n]``."""
    seen: dict[tuple[str, int], Citation] = {}
    for sentence in sentences:
        for citation in sentence.citations:
            seen.setdefault((citation.doc_id, citation.page), citation)
    return tuple(seen.values())
