"""The library facade the CLI and UI share: one store, one embedder, one retriever."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from core.models import DocumentInfo, Summary
from core.settings import Settings
from index.embedders import Embedder, make_embedder
from index.indexer import IngestRow, collect_files, ingest_files
from index.search import Filters, Retriever, SearchResult
from index.store import Store, connect
from index.theme_index import RetagResult, ThemeProfile, retag_store, theme_profiles
from index.themes import ThemeTagger, theme_counts
from summarise.answer import WORD_BUDGET, CandidateSentence, Evidence, answer_question


class Library:
    """Everything a user can do with the indexed reports; built lazily from the settings."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder

    @cached_property
    def embedder(self) -> Embedder:
        return self._embedder or make_embedder(self.settings.embedder, self.settings.cache_dir)

    @cached_property
    def store(self) -> Store:
        return Store(connect(self.settings), self.embedder.name, self.embedder.dim)

    @cached_property
    def retriever(self) -> Retriever:
        return Retriever(self.store, self.embedder, self.settings.cache_dir)

    @cached_property
    def tagger(self) -> ThemeTagger:
        """The theme tagger for ``settings.taxonomy_path`` with its calibration, if any."""
        return ThemeTagger.from_files(self.settings.taxonomy_path, self.embedder)

    def ingest(self, paths: Sequence[Path], progress: Callable[[Path], None] | None = None,
               prune: bool = False) -> list[IngestRow]:
        """Index new and changed report files; returns one row per file. With ``prune``, also
        remove documents whose file is no longer among ``paths``."""
        rows = ingest_files(collect_files(paths), self.store, self.embedder,
                            self.settings.manifest_path, self.settings.max_file_mb, progress,
                            tagger=self.tagger, prune=prune)
        self.retriever.refresh()
        return rows

    def retag(self) -> RetagResult:
        """Re-tag every stored chunk and sentence with the current taxonomy; no re-embedding."""
        result = retag_store(self.store, self.tagger)
        self.__dict__.pop("retriever", None)  # its filter metadata predates the new tags
        return result

    def theme_profiles(self) -> list[ThemeProfile]:
        """Per report, the share of its chunks carrying each theme."""
        return theme_profiles(self.store, self.tagger.ids)

    def documents(self) -> list[DocumentInfo]:
        return self.store.document_infos()

    def search(self, question: str, k: int = 10, filters: Filters | None = None,
               mode: str = "hybrid") -> SearchResult:
        return self.retriever.search(question, k=k, filters=filters, mode=mode)

    def ask(self, question: str, filters: Filters | None = None, mode: str = "hybrid",
            word_budget: int = WORD_BUDGET) -> Summary:
        """A cited Dutch answer from the reports, or an honest refusal."""
        started = time.perf_counter()
        result = self.search(question, filters=filters, mode=mode)
        fetched = time.perf_counter()
        stored = self.store.sentences_of([chunk.chunk_id for chunk in result.chunks])
        candidates = [
            CandidateSentence(s.sentence_id, s.chunk_id, s.doc_id, s.page, s.text, s.themes,
                              s.vector)
            for s in stored
        ]
        documents = {info.doc_id: info for info in self.documents()}
        evidence = Evidence(result.query_vector, result.chunks, result.terms_known,
                            result.terms_in_top)
        summary = answer_question(question, evidence, candidates, documents, word_budget)
        summary = replace(summary, themes=theme_counts(summary.sentences, self.tagger))
        finished = time.perf_counter()
        summary.timings_ms.update(result.timings_ms)
        summary.timings_ms["summarise_ms"] = (finished - fetched) * 1000
        summary.timings_ms["total_ms"] = (finished - started) * 1000
        return summary
