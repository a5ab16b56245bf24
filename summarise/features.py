"""What the relevance model knows of a candidate sentence: generic, document-independent features.

For one question, ``feature_matrix`` turns the sentences of the retrieved chunks into one row
each. Every feature is a measurement any library has (a cosine, a share of the question's words,
whether a number the question asks about is there, whether the sentence talks about the
document itself); none names a report, a publisher or a constant tuned to one. Which of them
the model uses, and how much, is learned (``summarise/relevance.py``, ``eval/train_relevance.py``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.lexical import content_stems, question_focus, stemmer
from core.models import RetrievedChunk
from core.question_names import names_in, question_names
from core.whole_sentence import is_whole_sentence
from index.dutch_words import compound_parts
from summarise.candidates import CandidateSentence, Evidence, Topic, position, stands_alone


@dataclass(frozen=True)
class AnswerType:
    """What a question asks for (an amount, a time), and how a sentence states one."""

    asks: re.Pattern[str]
    states: re.Pattern[str]


AMOUNT = AnswerType(
    asks=re.compile(r"\b(?:hoeveel|hoe (?:groot|hoog|lang|vaak)|welke? (?:percentage|aandeel|"
                    r"deel|bedrag))\b", re.IGNORECASE),
    # A number that is not a year, or a Dutch number word ("twintig", "een derde", "69 procent").
    states=re.compile(
        r"(?<![\w.,-])(?!(?:19|20)\d\d\b)\d[\d.,]*(?!\w)|%"
        r"|\b(?:\w+en)?(?:twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf"
        r"|(?:der|veer|vijf|zes|zeven|acht|negen)tien|(?:twin|der|veer|vijf|zes|zeven|tach|negen)tig)"
        r"(?:tallen)?\b|\b\w*(?:honderd|duizend|miljoen|miljard)(?:en)?\b"
        r"|\b(?:procent|helft|derde|kwart)\b", re.IGNORECASE))
TIME = AnswerType(
    # "Wanneer" opening the question; inside it, it is mostly "if" ("wat doen gemeenten wanneer").
    asks=re.compile(r"^\W*(?:(?:sinds|vanaf|tot) )?wanneer\b|\b(?:in|sinds|vanaf) welk jaar\b"
                    r"|\bin welke (?:maand|periode)\b", re.IGNORECASE),
    # A year, month, season or day of the week ("in september", "sinds 2014", "het najaar").
    states=re.compile(
        r"\b(?:(?:19|20)\d\d|januari|februari|maart|april|mei|juni|juli|augustus|september"
        r"|oktober|november|december|voorjaar|zomer|najaar|winter|lente|herfst|maandag|dinsdag"
        r"|woensdag|donderdag|vrijdag|zaterdag|zondag)\b", re.IGNORECASE))

# The document speaking about itself: "In deze rapportage ...", "Dit document beschrijft ...".
_ABOUT_DOCUMENT = re.compile(
    r"\b(?:deze|dit|onderstaande?|voorliggende?)\s+(?:\w+\s+)?(?:rapport(?:age)?|brief|notitie|"
    r"document|onderzoek|publicatie|hoofdstuk|paragraaf|bijlage|toelichting|handleiding|"
    r"verslag|monitor|infographic|formulier|protocol|model|nota|memo|webinar|presentatie)\b"
    r"|\b(?:hieronder|hierna|in het vervolg)\b|\bbeschrijven we\b|\bgaan we in op\b",
    re.IGNORECASE)
# Letterheads, contact lines and notices: an address, a phone number, mail headers, disclaimers.
_BOILERPLATE = re.compile(
    r"\b(?:retouradres|postbus|telefoon|tel\.|e-?mail|www\.|https?://|aan:|van:|cc:|onderwerp:|"
    r"datum:|kenmerk|bijlage\(n\)|rechten (?:worden )?ontleend|aansprakelijk|disclaimer)"
    r"|@", re.IGNORECASE)
_ENGLISH = frozenset("the and of to is for with that this are be by on as from which".split())
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_]+")

FEATURES: tuple[str, ...] = (
    "cos_sentence",        # query . sentence vector
    "cos_gap",             # cos_sentence minus the best candidate's: relative standing
    "cos_window",          # query . mean vector of the sentence and its neighbours
    "cos_chunk",           # query . the sentence's chunk
    "chunk_rank",          # log(1 + rank of its chunk in retrieval)
    "term_share",          # rarity-weighted share of the question's words the sentence holds
    "term_share_window",   # the same over the sentence and its neighbours
    "term_share_chunk",    # the same over the whole chunk
    "bm25_sentence",       # BM25 of the sentence among the candidates, over the best one's
    "terms_known",         # share of the question's words anywhere in the library
    "terms_in_top",        # share of them in the first five chunks
    "terms_unknown_sq",    # (1 - terms_known) squared: weighs a question off the library's subject
    "terms_not_in_top_sq",  # (1 - terms_in_top) squared
    "names_asked",         # the question names something (a capitalised word after the first)
    "names_in_sentence",   # share of those names the sentence writes
    "names_in_chunk",      # share of those names its chunk writes
    "numbers_asked",       # the question holds a number or a year
    "numbers_in_sentence",  # share of those numbers the sentence holds
    "numbers_in_chunk",    # share of them its chunk holds
    "asks_amount",         # "hoeveel", "welk bedrag", ...
    "amount_stated",       # asks an amount and the sentence states one
    "asks_time",           # "wanneer", "in welk jaar", ...
    "time_stated",         # asks a time and the sentence states one
    "about_document",      # the document speaking about itself
    "boilerplate",         # letterhead, contact line, mail header, disclaimer
    "name_list",           # share of capitalised words: lists of names, titles
    "english",             # share of English function words
    "leans_back",          # opens by pointing back ("Dit", "Deze", "Zij")
    "words",               # log(number of words)
    "digit_share",         # share of characters that are digits
    "whole_sentence",      # a full statement, not a heading, cell, footnote or reference
)


def quotable(evidence: Evidence, candidates: Sequence[CandidateSentence],
             topic: Topic) -> tuple[list[CandidateSentence], np.ndarray]:
    """The sentences of the retrieved chunks (headings and table cells too), and their feature
    rows: what the model scores."""
    in_retrieved = {chunk.chunk_id for chunk in evidence.retrieved}
    pool = [c for c in candidates if c.chunk_id in in_retrieved]
    view = QuestionView(topic.text, topic.vector, evidence.terms_known, evidence.terms_in_top)
    return pool, feature_matrix(view, pool, evidence.retrieved)


@dataclass(frozen=True)
class QuestionView:
    """What features need of the question itself."""

    text: str
    vector: np.ndarray
    terms_known: float = 1.0
    terms_in_top: float = 1.0


def feature_matrix(question: QuestionView, candidates: Sequence[CandidateSentence],
                   retrieved: Sequence[RetrievedChunk]) -> np.ndarray:
    """One row of ``FEATURES`` per candidate (candidates of chunks not in ``retrieved`` are not
    allowed)."""
    if not candidates:
        return np.zeros((0, len(FEATURES)))
    rank = {chunk.chunk_id: i for i, chunk in enumerate(retrieved)}
    chunks = {chunk.chunk_id: chunk for chunk in retrieved}
    windows = _windows(candidates)
    vectors = np.stack([c.vector for c in candidates])
    cos = vectors @ question.vector
    window_vectors = np.stack([_normalised(vectors[list(w)].mean(axis=0)) for w in windows])
    cos_window = window_vectors @ question.vector

    asked = _question_terms(question_focus(question.text))
    sentence_terms = [_terms(c.text) for c in candidates]
    chunk_terms = {cid: _terms(chunks[cid].text) for cid in {c.chunk_id for c in candidates}}
    matches = _derivations(asked, frozenset().union(*sentence_terms, *chunk_terms.values()))
    weight = _rarity(matches, sentence_terms)
    bm25 = _bm25(matches, [c.text for c in candidates], sentence_terms, weight)

    names = question_names(question.text)
    numbers = set(_NUMBER.findall(question.text))
    in_chunk = {cid: (_share(matches, terms, weight), _found(names, names_in(chunks[cid].text)),
                      _found(numbers, set(_NUMBER.findall(chunks[cid].text))))
                for cid, terms in chunk_terms.items()}
    asks_amount = bool(AMOUNT.asks.search(question.text))
    asks_time = bool(TIME.asks.search(question.text))
    rows = []
    for i, candidate in enumerate(candidates):
        chunk = chunks[candidate.chunk_id]
        share_chunk, names_chunk, numbers_chunk = in_chunk[candidate.chunk_id]
        text = candidate.text
        window_terms = frozenset().union(*(sentence_terms[j] for j in windows[i]))
        words = text.split()
        rows.append([
            cos[i], cos[i] - cos.max(), cos_window[i], chunk.dense_similarity,
            math.log1p(rank[candidate.chunk_id]),
            _share(matches, sentence_terms[i], weight), _share(matches, window_terms, weight),
            share_chunk, bm25[i],
            question.terms_known, question.terms_in_top,
            (1 - question.terms_known) ** 2, (1 - question.terms_in_top) ** 2,
            float(bool(names)), _found(names, names_in(text)), names_chunk,
            float(bool(numbers)), _found(numbers, set(_NUMBER.findall(text))), numbers_chunk,
            float(asks_amount), float(asks_amount and bool(AMOUNT.states.search(text))),
            float(asks_time), float(asks_time and bool(TIME.states.search(text))),
            float(bool(_ABOUT_DOCUMENT.search(text))), float(bool(_BOILERPLATE.search(text))),
            _capitalised_share(text), _english_share(words),
            float(not stands_alone(text)), math.log(max(len(words), 1)),
            sum(ch.isdigit() for ch in text) / max(len(text), 1), float(is_whole_sentence(text)),
        ])
    return np.array(rows, dtype=float)


def _windows(candidates: Sequence[CandidateSentence]) -> list[tuple[int, ...]]:
    """Per candidate, the indices of itself and its stored neighbours in the same chunk."""
    where = {(c.chunk_id, position(c)): i for i, c in enumerate(candidates)}
    return [tuple(where[(c.chunk_id, p)] for p in range(position(c) - 1, position(c) + 2)
                  if (c.chunk_id, p) in where) for c in candidates]



def _normalised(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def _terms(text: str) -> frozenset[str]:
    """Content stems of ``text`` and of its compounds' parts (jongerenwerkers -> werker)."""
    parts = [part for word in _WORD.findall(text) for part in (compound_parts(word.lower()) or ())]
    return content_stems(text) | content_stems(" ".join(parts))


def _question_terms(text: str) -> frozenset[str]:
    return content_stems(text) | frozenset(
        stem for stem in _terms(text) - content_stems(text) if len(stem) >= 4)


Derivations = Mapping[str, frozenset[str]]  # question term -> the stems that count as it


def _derivations(asked: frozenset[str], universe: frozenset[str]) -> dict[str, frozenset[str]]:
    """Per question term, the stems of ``universe`` that hold it: itself, or a derivation
    sharing a stem of 5+ letters (vereenzam / eenzam). A text whose stems are a part of
    ``universe`` holds the term when it holds one of them."""
    long = [t for t in universe if len(t) >= 5]
    return {term: frozenset({term} & universe) | (frozenset(
        t for t in long if term in t or t in term) if len(term) >= 5 else frozenset())
        for term in asked}


def _holds(term: str, terms: frozenset[str], matches: Derivations) -> bool:
    return not matches[term].isdisjoint(terms)


def _rarity(matches: Derivations, held: Sequence[frozenset[str]]) -> dict[str, float]:
    """A question word weighs log((n + 1) / (f + 0.5)) where f of the n candidates hold it."""
    n = len(held)
    return {t: math.log((n + 1) / (sum(_holds(t, h, matches) for h in held) + 0.5))
            for t in matches}


def _share(matches: Derivations, held: frozenset[str], weight: Mapping[str, float]) -> float:
    total = sum(weight.values())
    return (sum(weight[t] for t in matches if _holds(t, held, matches)) / total
            if total > 0 else 0.0)


def _bm25(matches: Derivations, texts: Sequence[str], held: Sequence[frozenset[str]],
          weight: Mapping[str, float], k1: float = 1.2, b: float = 0.75) -> np.ndarray:
    """BM25 of each candidate (the textbook k1, b) over the candidates' own statistics, divided
    by the best candidate's, so it reads the same in a large library and a small one."""
    lengths = np.array([max(len(t.split()), 1) for t in texts], dtype=float)
    norm = k1 * (1 - b + b * lengths / lengths.mean())
    words = [stemmer().stemWords(_WORD.findall(t.lower())) for t in texts]
    scores = np.zeros(len(texts))
    for term in matches:
        if weight[term] <= 0:
            continue
        tf = np.array([sum(w == term for w in ws) or float(_holds(term, h, matches))
                       for ws, h in zip(words, held)], dtype=float)
        scores += weight[term] * tf * (k1 + 1) / (tf + norm)
    top = scores.max() if len(scores) else 0.0
    return scores / top if top > 0 else scores


def _found(asked: set[str] | frozenset[str], present: set[str] | frozenset[str]) -> float:
    return len(asked & present) / len(asked) if asked else 0.0


def _capitalised_share(text: str) -> float:
    words = _WORD.findall(text)[1:]
    return sum(w[0].isupper() for w in words) / len(words) if words else 0.0


def _english_share(words: Sequence[str]) -> float:
    return sum(w.lower() in _ENGLISH for w in words) / len(words) if words else 0.0
