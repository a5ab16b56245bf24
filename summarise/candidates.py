"""What summarise chooses from: retrieved chunks' sentences as plain values (no store types)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.models import RetrievedChunk

# Openers that point back to what came before; "idem" ("the same") too: "Idem bij de recente
# voetbalrellen." says nothing without the sentence it repeats.
_ANAPHORIC_START = re.compile(
    r"^(deze|dit|dat|die|ze|zij|het|hij|hun|hierbij|hierdoor|daarom|daarnaast|daarbij|ook|"
    r"bovendien|zo|soms|wel|maar|en|of|idem)\b", re.IGNORECASE)


@dataclass(frozen=True)
class CandidateSentence:
    """A sentence of a retrieved chunk, as summarise needs it."""

    sentence_id: str
    chunk_id: str
    doc_id: str
    page: int
    text: str
    themes: tuple[str, ...]
    vector: np.ndarray


@dataclass(frozen=True)
class Topic:
    """What sentences are scored against: the question, or the question without the names of
    the reports it is asked of (``core.source_mentions``), and its query vector."""

    text: str
    vector: np.ndarray


@dataclass(frozen=True)
class Evidence:
    """What retrieval found, as summarise weighs it before answering."""

    query_vector: np.ndarray
    retrieved: Sequence[RetrievedChunk]
    terms_known: float = 1.0
    terms_in_top: float = 1.0


def stands_alone(text: str) -> bool:
    """Readable without the sentence before it: does not open with a pointing word."""
    return _ANAPHORIC_START.match(text) is None


def position(candidate: CandidateSentence) -> int:
    """The sentence's place in its chunk (sentence ids end in ``:NNN``)."""
    return int(candidate.sentence_id.rsplit(":", 1)[1])
