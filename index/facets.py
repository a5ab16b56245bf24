"""Filter fields of every chunk as arrays, so a filter on the BM25 side is one vectorised mask.

Building the mask row by row from metadata dictionaries costs tens of milliseconds per query at
100k chunks; with the fields kept as arrays in the BM25 index's chunk order it costs well under
a millisecond.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from index.search import Filters


class ChunkFacets:
    """Document, publisher, year and themes of each chunk, row ``i`` being ``chunk_ids[i]``."""

    def __init__(self, chunk_ids: Sequence[str], metas: Mapping[str, dict]) -> None:
        rows = [metas[chunk_id] for chunk_id in chunk_ids]
        self._size = len(rows)
        self._doc_codes, self._doc_ids = _encoded([str(m.get("doc_id", "")) for m in rows])
        self._publisher_codes, self._publishers = _encoded(
            [str(m.get("publisher", "")) for m in rows])
        self._years = np.array([int(m.get("year") or 0) for m in rows], dtype=np.int32)
        self._themes: dict[str, np.ndarray] = {}
        for row, meta in enumerate(rows):
            for theme in meta.get("themes") or ():
                self._themes.setdefault(theme, np.zeros(self._size, dtype=bool))[row] = True

    def mask(self, filters: Filters, excluded_doc_ids: Collection[str] = ()) -> np.ndarray | None:
        """Which chunks pass ``filters`` and belong to none of ``excluded_doc_ids``; None when
        nothing narrows the search."""
        if not filters.active and not excluded_doc_ids:
            return None
        keep = np.ones(self._size, dtype=bool)
        if filters.publishers:
            keep &= self._is_in(self._publisher_codes, self._publishers, filters.publishers)
        if filters.year_from is not None:
            keep &= self._years >= filters.year_from
        if filters.year_to is not None:
            keep &= self._years <= filters.year_to
        if filters.doc_ids:
            keep &= self._is_in(self._doc_codes, self._doc_ids, filters.doc_ids)
        if filters.themes:
            tagged = np.zeros(self._size, dtype=bool)
            for theme in filters.themes:
                if theme in self._themes:
                    tagged |= self._themes[theme]
            keep &= tagged
        if excluded_doc_ids:
            keep &= ~self._is_in(self._doc_codes, self._doc_ids, excluded_doc_ids)
        return keep

    @staticmethod
    def _is_in(codes: np.ndarray, index: dict[str, int], values: Collection[str]) -> np.ndarray:
        wanted = [index[value] for value in values if value in index]
        return np.isin(codes, wanted)


def _encoded(values: list[str]) -> tuple[np.ndarray, dict[str, int]]:
    """Each value as a small integer code, and the code of every distinct value."""
    index: dict[str, int] = {}
    codes = np.array([index.setdefault(value, len(index)) for value in values], dtype=np.int32)
    return codes, index
