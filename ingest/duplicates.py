"""Near-duplicate reports: a MinHash signature of word shingles, compact enough to store."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

SHINGLE_WORDS = 5
PERMUTATIONS = 128
THRESHOLD = 0.5  # estimated Jaccard similarity of shingle sets above which two are one report
_PRIME = np.uint64((1 << 61) - 1)
_RANDOM = np.random.default_rng(20240601)
_A = _RANDOM.integers(1, 1 << 31, PERMUTATIONS, dtype=np.uint64)
_B = _RANDOM.integers(0, 1 << 31, PERMUTATIONS, dtype=np.uint64)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Candidate:
    """A committed document as the duplicate rule sees it."""

    doc_id: str
    file: str
    signature: str
    ingested_at: float


def signature(text: str) -> str:
    """MinHash of the text's 5-word shingles (case and punctuation ignored), as hex."""
    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i:i + SHINGLE_WORDS])
                for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    hashes = np.fromiter(
        (int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "big") for s in shingles),
        dtype=np.uint64, count=len(shingles),
    )
    mins = ((np.outer(_A, hashes) + _B[:, None]) % _PRIME).min(axis=1) & np.uint64(0xFFFFFFFF)
    return mins.astype(">u4").tobytes().hex()


def similarity(first: str, second: str) -> float:
    """Estimated Jaccard similarity of two signatures' shingle sets (0..1)."""
    if not first or not second or len(first) != len(second):
        return 0.0
    a = np.frombuffer(bytes.fromhex(first), dtype=">u4")
    b = np.frombuffer(bytes.fromhex(second), dtype=">u4")
    return float(np.mean(a == b))


def duplicate_of(documents: Sequence[Candidate]) -> Mapping[str, str | None]:
    """For every document, the doc_id of the original it duplicates, or None.

    Documents similar above THRESHOLD form one group; its original is a PDF before other
    types, then the earliest ingested, then the first file name; all others point to it.
    """
    ordered = sorted(documents, key=lambda d: (not d.file.lower().endswith(".pdf"), d.ingested_at,
                                               d.file))
    result: dict[str, str | None] = {}
    originals: list[Candidate] = []
    for document in ordered:
        original = next((o for o in originals
                         if similarity(o.signature, document.signature) >= THRESHOLD), None)
        result[document.doc_id] = original.doc_id if original else None
        if original is None:
            originals.append(document)
    return result
