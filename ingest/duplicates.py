"""Near-duplicate reports: a MinHash signature of word shingles, compact enough to store."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

SHINGLE_WORDS = 5
PERMUTATIONS = 128
# Estimated Jaccard similarity of shingle sets at or above which two files are one report.
# Measured on the stored signatures of every pair of both libraries (445 pairs): the one
# duplicate, a PDF and its text extract, scores 0.95; the closest different documents, two
# ministries' explanations of one form (OCW 2022, VWS 2024, with different amounts), 0.75;
# every other pair 0.14 or less.
THRESHOLD = 0.8
# Signatures start with their scheme, so that one made by an earlier scheme is recognised and
# its document parsed again instead of being compared with incomparable values.
SCHEME = "mh2:"
_SEED = 20240601
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Candidate:
    """A committed document as the duplicate rule sees it."""

    doc_id: str
    file: str
    signature: str
    ingested_at: float


def signature(text: str) -> str:
    """MinHash (datasketch) of the text's 5-word shingles, case and punctuation ignored, as the
    scheme's prefix and hex."""
    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i:i + SHINGLE_WORDS])
                for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    minhash = MinHash(num_perm=PERMUTATIONS, seed=_SEED)
    minhash.update_batch([shingle.encode() for shingle in shingles])
    return SCHEME + minhash.hashvalues.astype(">u4").tobytes().hex()


def is_current(signature_text: str) -> bool:
    """Was the signature made by this module's scheme (not an earlier one, nor missing)?"""
    return signature_text.startswith(SCHEME)


def similarity(first: str, second: str) -> float:
    """Estimated Jaccard similarity of two signatures' shingle sets (0..1); 0 unless both are of
    the current scheme."""
    if not (is_current(first) and is_current(second)) or len(first) != len(second):
        return 0.0
    a = np.frombuffer(bytes.fromhex(first[len(SCHEME):]), dtype=">u4")
    b = np.frombuffer(bytes.fromhex(second[len(SCHEME):]), dtype=">u4")
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
