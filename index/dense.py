"""The dense side of retrieval: Chroma's HNSW index, or an exact scan when a filter is selective.

Chroma's own metadata filters cost tens to hundreds of milliseconds per query at 10k-100k
chunks, so filters are applied here: a broad filter asks the HNSW index for proportionally more
neighbours and keeps those that pass; a selective one (the oversampled request would exceed
``ANN_LIMIT``) scores the few chunks that pass exactly, from the vectors kept in memory.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from index.store import Store

ANN_LIMIT = 400
OVERSAMPLE = 1.5


class DenseIndex:
    """Nearest chunks to a query vector, optionally limited to a mask over ``chunk_ids``."""

    def __init__(self, store: Store, chunk_ids: Sequence[str], vectors: np.ndarray) -> None:
        self._store = store
        self._chunk_ids = list(chunk_ids)
        self._vectors = vectors
        self._row = {chunk_id: row for row, chunk_id in enumerate(self._chunk_ids)}

    def search(self, query: np.ndarray, k: int,
               mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The ``k`` nearest chunks as (chunk_id, cosine similarity), best first; with a mask,
        only chunks whose row in it is True."""
        if mask is None:
            return self._store.dense_chunks(query, k)
        kept = int(mask.sum())
        if kept == 0:
            return []
        wanted = math.ceil(k * OVERSAMPLE * len(mask) / kept)
        if wanted <= ANN_LIMIT:
            hits = [(chunk_id, score) for chunk_id, score in self._store.dense_chunks(query, wanted)
                    if chunk_id in self._row and mask[self._row[chunk_id]]]
            if len(hits) >= min(k, kept):
                return hits[:k]
        return self.exact(query, k, mask)

    def vector(self, chunk_id: str) -> np.ndarray:
        """The stored vector of a loaded chunk."""
        return self._vectors[self._row[chunk_id]]

    def exact(self, query: np.ndarray, k: int, mask: np.ndarray) -> list[tuple[str, float]]:
        """Exact nearest chunks among the rows of ``mask``."""
        rows = np.flatnonzero(mask)
        scores = self._vectors[rows] @ query.astype(np.float32)
        top = np.argsort(-scores, kind="stable")[:k]
        return [(self._chunk_ids[rows[i]], float(scores[i])) for i in top]
