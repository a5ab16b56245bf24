"""Hybrid retrieval: dense (Chroma) and BM25 ranks fused by reciprocal rank, with filters."""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from core.lexical import content_stems, question_focus
from core.models import DocumentInfo, RetrievedChunk
from index.bm25 import Bm25Index
from index.dense import DenseIndex
from index.embedders import Embedder
from index.facets import ChunkFacets
from index.store import Store

RRF_K = 60
CANDIDATES = 50
MMR_POOL = 30
MMR_LAMBDA = 0.85
SAME_PASSAGE = 0.97
# How long a retriever trusts its view of the store before it checks for reports committed or
# removed by another process (several users sharing one Chroma server).
RECHECK_SECONDS = 30.0
MODES = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class Filters:
    """Narrow retrieval to publishers, a year range, given documents or themes."""

    publishers: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    doc_ids: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.publishers or self.doc_ids or self.themes
                    or self.year_from is not None or self.year_to is not None)


@dataclass(frozen=True)
class SearchResult:
    """Ranked chunks plus the evidence summarise weighs before it answers or refuses.

    ``relevance`` is the best dense similarity among the first five chunks;
    ``terms_known`` is the share of the question's content words that occur anywhere in the
    library, ``terms_in_top`` the share that occurs in the first five chunks.
    """

    chunks: tuple[RetrievedChunk, ...]
    query_vector: np.ndarray
    relevance: float
    terms_known: float = 1.0
    terms_in_top: float = 1.0
    timings_ms: dict[str, float] = field(default_factory=dict)


class Retriever:
    """Answers queries from one store; keeps the BM25 side, the chunks' texts, metadata and
    vectors and the committed documents in step with the store's contents, so a query asks
    the store only for the HNSW neighbours.

    ``documents`` holds every committed document as of the last check. Only chunks loaded at
    the last reload are returned: a report another process is still writing, or committed
    since, is left out until the next check picks it up.
    """

    def __init__(self, store: Store, embedder: Embedder, cache_dir: Path) -> None:
        self.store = store
        self.embedder = embedder
        self.documents: dict[str, DocumentInfo] = {}
        self._bm25_dir = cache_dir / "bm25"
        self._bm25: Bm25Index | None = None
        self._records: dict[str, dict] = {}
        self._facets = ChunkFacets([], {})
        self._dense = DenseIndex(store, [], np.zeros((0, store.dim), dtype=np.float32))
        self._duplicates: frozenset[str] = frozenset()
        self._fingerprint = ""
        self._checked_at = 0.0
        self.refresh()

    def refresh(self) -> None:
        """Re-read the committed documents; reload the derived indexes if documents were
        committed or removed since they were built."""
        infos = self.store.document_infos()
        self._checked_at = time.monotonic()
        self.documents = {info.doc_id: info for info in infos}  # metadata edits included
        fingerprint = self.store.fingerprint(infos)
        if self._bm25 is not None and fingerprint == self._fingerprint:
            return
        ids, texts, metas, vectors = self.store.chunk_table()
        self._duplicates = frozenset(info.doc_id for info in infos
                                     if info.duplicate_of and info.duplicate_of in self.documents)
        bm25 = Bm25Index.load(self._bm25_dir, fingerprint)
        if bm25 is None:
            bm25 = Bm25Index.build(zip(ids, texts))
            bm25.save(self._bm25_dir, fingerprint)
        # Facets and vectors follow the BM25 index's chunk order, which a cached index fixes.
        row = {chunk_id: i for i, chunk_id in enumerate(ids)}
        order = [row[chunk_id] for chunk_id in bm25.chunk_ids]
        self._records = {chunk_id: {"text": text, "meta": meta}
                         for chunk_id, text, meta in zip(ids, texts, metas)}
        self._facets = ChunkFacets(bm25.chunk_ids, dict(zip(ids, metas)))
        self._dense = DenseIndex(self.store, bm25.chunk_ids, vectors[order])
        self._bm25, self._fingerprint = bm25, fingerprint

    @property
    def fingerprint(self) -> str:
        """Changes whenever documents are committed or removed (the derived indexes' key)."""
        return self._fingerprint

    def library_words(self) -> tuple[frozenset[str], list[str]]:
        """The BM25 vocabulary (stems of every chunk's words) and the texts it leaves out:
        section headings, titles and publishers."""
        assert self._bm25 is not None
        headings = [record["meta"].get("section", "") for record in self._records.values()]
        return self._bm25.vocabulary, headings + [f"{info.title} {info.publisher}"
                                                  for info in self.documents.values()]

    def query_vector(self, question: str) -> np.ndarray:
        """The question's query embedding, its frame ("Wat zeggen de rapporten over") left out."""
        return self.embedder.embed_queries([question_focus(question)])[0]

    def search(self, question: str, k: int = 10, filters: Filters | None = None,
               mode: str = "hybrid") -> SearchResult:
        """The top ``k`` chunks for a question, best first, and how relevant the best ones are.

        A near-duplicate document (``duplicate_of`` its committed original) is left out unless
        the filters name it, so the same passage is never returned twice.
        """
        if mode not in MODES:
            raise ValueError(f"unknown retrieval mode {mode!r}; choose from {MODES}")
        if time.monotonic() - self._checked_at > RECHECK_SECONDS:
            self.refresh()
        filters = filters or Filters()
        excluded = self._duplicates - set(filters.doc_ids)
        started = time.perf_counter()
        query_vector = self.query_vector(question)
        embedded = time.perf_counter()
        mask = self._facets.mask(filters, excluded)
        rankings: list[list[str]] = []
        if mode in ("hybrid", "dense"):
            dense = self._dense.search(query_vector, CANDIDATES, mask)
            rankings.append([chunk_id for chunk_id, _ in dense])
        if mode in ("hybrid", "bm25"):
            bm25 = self._bm25_search(question, mask)
            rankings.append([chunk_id for chunk_id, _ in bm25])
        fused = reciprocal_rank_fusion(rankings)[:MMR_POOL]
        loaded = [(chunk_id, score, self._dense.vector(chunk_id)) for chunk_id, score in fused
                  if chunk_id in self._records]
        pool = [_retrieved(chunk_id, score, self._records[chunk_id], vector, query_vector)
                for chunk_id, score, vector in loaded]
        chunks = tuple(_diverse(pool, [vector for _, _, vector in loaded], k))
        finished = time.perf_counter()
        known, in_top = self._term_coverage(question, chunks[:5])
        return SearchResult(
            chunks=chunks, query_vector=query_vector,
            relevance=max((c.dense_similarity for c in chunks[:5]), default=0.0),
            terms_known=known, terms_in_top=in_top,
            timings_ms={"embed_ms": (embedded - started) * 1000,
                        "retrieve_ms": (finished - embedded) * 1000},
        )

    def _bm25_search(self, question: str, mask: np.ndarray | None) -> list[tuple[str, float]]:
        assert self._bm25 is not None
        if mask is not None and not mask.any():
            return []
        return self._bm25.search(question, CANDIDATES, mask)

    def _term_coverage(self, question: str,
                       top: tuple[RetrievedChunk, ...]) -> tuple[float, float]:
        assert self._bm25 is not None
        terms = content_stems(question_focus(question))
        if not terms:
            return 1.0, 1.0
        in_top = set().union(*(content_stems(chunk.text) for chunk in top)) if top else set()
        return (_share_found(terms, self._bm25.vocabulary), _share_found(terms, in_top))


def _share_found(terms: frozenset[str], stems: Collection[str]) -> float:
    """The share of ``terms`` among ``stems``. A present participle counts as its verb: the Dutch
    stemmer keeps "groeiende" as groeiend, while the reports write groei (groeien, groei)."""
    found = sum(term in stems or (len(term) > 6 and term.endswith("end") and term[:-3] in stems)
                for term in terms)
    return found / len(terms)


def reciprocal_rank_fusion(rankings: list[list[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Fuse ranked id lists: score(id) = sum over lists of 1 / (k + rank)."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


def _diverse(pool: list[RetrievedChunk], vectors: list[np.ndarray],
             k: int) -> list[RetrievedChunk]:
    """Maximal marginal relevance over the fused pool; a passage seen already is dropped.

    A chosen chunk's ``score`` becomes the marginal value it was chosen at (its normalised
    fused score minus its redundancy). Each value can only fall as more chunks are chosen,
    so the scores decrease along the returned ranking.
    """
    if not pool:
        return []
    top_score = pool[0].score
    chosen: list[tuple[int, float]] = []
    remaining = list(range(len(pool)))

    def marginal(i: int) -> float:
        redundancy = max((float(vectors[i] @ vectors[j]) for j, _ in chosen), default=0.0)
        return MMR_LAMBDA * pool[i].score / top_score - (1 - MMR_LAMBDA) * redundancy

    while remaining and len(chosen) < k:
        pick = max(remaining, key=marginal)
        value = marginal(pick)
        remaining.remove(pick)
        if all(float(vectors[pick] @ vectors[j]) < SAME_PASSAGE for j, _ in chosen):
            chosen.append((pick, value))
    return [replace(pool[i], score=value) for i, value in chosen]


def _retrieved(chunk_id: str, score: float, record: dict, vector: np.ndarray,
               query: np.ndarray) -> RetrievedChunk:
    meta = record["meta"]
    return RetrievedChunk(
        chunk_id=chunk_id, doc_id=meta["doc_id"], file=meta["file"],
        page_start=int(meta["page_start"]), page_end=int(meta["page_end"]), score=score,
        text=record["text"], section=meta.get("section", ""),
        themes=tuple(meta.get("themes") or ()),
        dense_similarity=float(vector @ query),
        sentence_count=meta.get("sentences"),
    )
