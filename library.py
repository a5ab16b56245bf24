"""The library facade the CLI and UI share: one store, one embedder, one retriever."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from core.models import DocumentInfo, Summary
from core.settings import Settings
from core.source_mentions import find_source_mention
from index.embedders import Embedder, embedder_name, make_embedder
from index.search import Filters, Retriever, SearchResult
from index.snapshot import Snapshot, chroma_write_token, open_snapshot
from index.store import Store, StoredSentence, connect
from index.theme_index import RetagResult, ThemeProfile, retag_store, theme_profiles
from index.themes import ThemeTagger, theme_counts
from ingest.manifest import update_manifest
from summarise.absent_names import absent_from_library, holds_in
from summarise.answer import WORD_BUDGET, answer_question, refuse_absent
from summarise.candidates import CandidateSentence, Evidence, Topic
from summarise.digest import theme_digest
from summarise.relevance import RelevanceModel, load_model_file
from summarise.report import REPORT_WORDS, summarise_report

# Ingest and the rewriter split sentences with spaCy, which imports torch: over a second of
# start-up that asking a question does not need, so they are imported where they are used.
if TYPE_CHECKING:
    from index.indexer import IngestRow

_ISO_DATE = re.compile(r"(19|20)\d{2}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")


class NotInLibrary(LookupError):
    """A report or theme the user named does not exist; the message says so in Dutch."""


class Library:
    """Everything a user can do with the indexed reports; built lazily from the settings.

    A ``one_shot`` library (a command-line call) reads the embedded store through its snapshot
    (index/snapshot.py), so a question or a listing neither imports nor opens Chroma; a
    long-running one (the web app, the evaluation) reads the store itself."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None,
                 one_shot: bool = False) -> None:
        self.settings = settings
        self._embedder = embedder
        self._one_shot = one_shot
        self._holds: tuple[str, Callable[[str], bool]] | None = None

    @cached_property
    def embedder(self) -> Embedder:
        return self._embedder or make_embedder(self.settings.embedder, self.settings.cache_dir)

    @cached_property
    def store(self) -> Store:
        return Store(connect(self.settings), self.embedder.name, self.embedder.dim)

    @cached_property
    def reader(self) -> Store | Snapshot:
        """What questions and listings are answered from: the store, or for a one-shot library
        on the embedded store its snapshot, made from the store when Chroma changed since."""
        token = (chroma_write_token(self.settings.chroma_dir)
                 if self._one_shot and not self.settings.chroma_url else None)
        if token is None:
            return self.store
        name = self._embedder.name if self._embedder else embedder_name(self.settings.embedder)
        return open_snapshot(self.settings.cache_dir, token, name, lambda: self.store)

    @cached_property
    def retriever(self) -> Retriever:
        return Retriever(self.reader, self.embedder, self.settings.cache_dir)

    @cached_property
    def tagger(self) -> ThemeTagger:
        """The theme tagger for ``settings.taxonomy_path`` with its calibration, if any."""
        return ThemeTagger.from_files(self.settings.taxonomy_path, self.embedder)

    def ingest(self, paths: Sequence[Path], progress: Callable[[Path], None] | None = None,
               prune: bool = False, reindex: bool = False,
               page_progress: Callable[[Path, int, int], None] | None = None) -> list[IngestRow]:
        """Index new and changed report files; returns one row per file. With ``reindex``, also
        parse and write unchanged files again; with ``prune``, also remove documents whose file
        is no longer among ``paths``. ``page_progress``: (file, pages OCR'd, pages to OCR)."""
        from index.indexer import collect_files, ingest_files

        rows = ingest_files(collect_files(paths), self.store, self.embedder,
                            self.settings.manifest_path, self.settings.max_file_mb, progress,
                            tagger=self.tagger, prune=prune, reindex=reindex,
                            page_progress=page_progress)
        self._changed(reload=True)
        return rows

    def retag(self) -> RetagResult:
        """Re-tag every stored chunk and sentence with the current taxonomy; no re-embedding."""
        result = retag_store(self.store, self.tagger)
        self._changed()
        return result

    def theme_profiles(self) -> list[ThemeProfile]:
        """Per report, the share of its chunks carrying each theme."""
        return theme_profiles(self.store, self.tagger.ids)

    def documents(self) -> list[DocumentInfo]:
        return self.reader.document_infos()

    def page_text(self, doc_id: str, page: int) -> str:
        """The stored text of one page: its sentences joined in document order."""
        return " ".join(self.store.page_sentences(doc_id, page))

    def remove_document(self, doc_id: str) -> DocumentInfo:
        """Take a report out of the index and delete its file from the corpus folder, so the
        next ingest of the corpus does not bring it back."""
        info = self.document(doc_id)
        self.store.remove_document(info.doc_id)
        corpus_file = self.settings.corpus_dir / Path(info.file).name
        if corpus_file.is_file():
            corpus_file.unlink()
        self._changed(reload=True)
        return info

    def update_metadata(self, doc_id: str, title: str | None = None, publisher: str | None = None,
                        date: str | None = None) -> DocumentInfo:
        """Correct a report's title, publisher or date in the index and in the manifest, so a
        re-ingest keeps the correction. ``date`` is ISO: YYYY, YYYY-MM or YYYY-MM-DD."""
        info = self.document(doc_id)
        changes = {key: value.strip() for key, value in
                   (("title", title), ("publisher", publisher), ("date", date)) if value is not None}
        if "date" in changes and not _ISO_DATE.fullmatch(changes["date"]):
            raise ValueError(f"datum {changes['date']!r} is geen JJJJ, JJJJ-MM of JJJJ-MM-DD / "
                             f"date {changes['date']!r} is not ISO")
        if "title" in changes and not changes["title"]:
            raise ValueError("een titel mag niet leeg zijn / a title cannot be empty")
        if not changes:
            return info
        fields: dict[str, str | int] = dict(changes)
        if "date" in changes:
            fields["year"] = int(changes["date"][:4])
        self.store.update_document_fields(info.doc_id, fields)
        update_manifest(self.settings.manifest_path, info.file, changes)
        self._changed()
        return self.document(info.doc_id)

    def _changed(self, reload: bool = False) -> None:
        """After a write, the snapshot and the retriever (texts, filter metadata, indexes) are
        read again: at once with ``reload`` (after an ingest or a removal, so that the next
        question does not wait for them), else when next needed."""
        self.__dict__.pop("reader", None)
        self.__dict__.pop("retriever", None)
        if reload:
            self.retriever.refresh()

    def search(self, question: str, k: int = 10, filters: Filters | None = None,
               mode: str = "hybrid") -> SearchResult:
        return self.retriever.search(question, k=k, filters=filters, mode=mode)

    def ask(self, question: str, filters: Filters | None = None, mode: str = "hybrid",
            word_budget: int = WORD_BUDGET, model: RelevanceModel | None = None) -> Summary:
        """A cited Dutch answer from the reports, or an honest refusal.

        Sentences are chosen by the relevance model (``summarise/relevance_model.json``, or
        ``model``: the evaluation passes each gold question the model trained without its
        document).

        A question naming a publisher ("volgens de VNG") is answered from that publisher's
        reports, scored without the name, unless the whole library's answer is more probable
        (the name may have been the topic). A filter on documents or publishers the user set
        wins over a name in the question."""
        started = time.perf_counter()
        filters = filters or Filters()
        mention = None if filters.doc_ids or filters.publishers else find_source_mention(
            question, (info.publisher for info in self.retriever.documents.values()))
        model = model or load_model_file().model
        absent = absent_from_library(question, self._library_holds())
        if absent:  # never a look-alike as the answer: say so, with the nearest sentences
            evidence, candidates, found = self.evidence(question, filters, mode)
            summary = refuse_absent(question, evidence, candidates, self.retriever.documents,
                                    model, absent)
            summary.timings_ms.update(found.timings_ms)
        elif mention:
            topic_vector = self.retriever.query_vector(mention.topic)
            scoped = self._answer(question, replace(filters, publishers=mention.publishers), mode,
                                  word_budget, model, Topic(mention.topic, topic_vector))
            whole = self._answer(question, filters, mode, word_budget, model)
            # The named reports answer unless the whole library answers more probably.
            summary = (replace(scoped, asked_of=mention.publishers)
                       if scoped.answered and scoped.confidence >= whole.confidence else whole)
        else:
            summary = self._answer(question, filters, mode, word_budget, model)
        summary = replace(summary, themes=theme_counts(summary.sentences, self.tagger))
        if self.settings.llm_url:
            summary = self._rewritten(summary)
        summary.timings_ms["total_ms"] = (time.perf_counter() - started) * 1000
        return summary

    def _library_holds(self) -> Callable[[str], bool]:
        """Whether a word occurs anywhere in the library, rebuilt when documents change."""
        retriever = self.retriever
        if self._holds is None or self._holds[0] != retriever.fingerprint:
            self._holds = (retriever.fingerprint, holds_in(*retriever.library_words()))
        return self._holds[1]

    def _answer(self, question: str, filters: Filters, mode: str, word_budget: int,
                model: RelevanceModel, topic: Topic | None = None) -> Summary:
        """Retrieve with ``filters`` and answer (or refuse) from what was found."""
        evidence, candidates, result = self.evidence(question, filters, mode)
        fetched = time.perf_counter()
        summary = answer_question(question, evidence, candidates, self.retriever.documents,
                                  model, word_budget, topic=topic)
        summary.timings_ms.update(result.timings_ms)
        summary.timings_ms["summarise_ms"] = (time.perf_counter() - fetched) * 1000
        return summary

    def evidence(self, question: str, filters: Filters | None = None,
                 mode: str = "hybrid") -> tuple[Evidence, list[CandidateSentence], SearchResult]:
        """What an answer is chosen from: the retrieved chunks and their stored sentences."""
        result = self.search(question, filters=filters, mode=mode)
        stored = self.reader.sentences_of({c.chunk_id: c.sentence_count for c in result.chunks})
        evidence = Evidence(result.query_vector, result.chunks, result.terms_known,
                            result.terms_in_top)
        return evidence, _candidates(stored), result

    def _rewritten(self, summary: Summary) -> Summary:
        """The answer with grounded prose from the optional rewriter (``RW_LLM_URL``), or
        unchanged with the reasons the rewrite was refused; never raises on the network."""
        from summarise.rewrite import rewrite

        started = time.perf_counter()
        settings = self.settings
        summary = rewrite(summary, self.embedder, settings.llm_url or "", settings.llm_model,
                          settings.llm_timeout, settings.llm_api_key).summary
        summary.timings_ms["rewrite_ms"] = (time.perf_counter() - started) * 1000
        return summary

    def document(self, doc_id_or_file: str) -> DocumentInfo:
        """A committed document by id, file name or a path ending in its file name;
        NotInLibrary when there is none."""
        for info in self.documents():
            if doc_id_or_file in (info.doc_id, info.file) or Path(doc_id_or_file).name == info.file:
                return info
        raise NotInLibrary(f"rapport {doc_id_or_file!r} staat niet in de bibliotheek / "
                           f"report {doc_id_or_file!r} is not in the library")

    def summarise_report(self, doc_id_or_file: str, word_budget: int = REPORT_WORDS,
                         leave_out: Collection[str] = ()) -> Summary:
        """A half-page summary of one report: key points across its sections, cited. Sentences
        whose ids are in ``leave_out`` are not used (the evaluation holds out the report's own
        summary that way)."""
        info = self.document(doc_id_or_file)
        sections = self.store.chunk_sections(info.doc_id)
        sentences = _candidates([s for s in self.store.sentences_where({"doc_id": info.doc_id})
                                 if s.sentence_id not in leave_out])
        summary = summarise_report(info, sentences, sections, word_budget)
        return replace(summary, themes=theme_counts(summary.sentences, self.tagger))

    def digest(self, theme_id: str, since: int | None = None) -> Summary:
        """What the reports (since ``since``, newest first) say on one theme."""
        if theme_id not in self.tagger.ids:
            raise NotInLibrary(f"onbekend thema {theme_id!r}; kies uit "
                               f"{', '.join(self.tagger.ids)} / unknown theme {theme_id!r}")
        infos = sorted((info for info in self.documents()
                        if not info.duplicate_of and (since is None or (info.year or 0) >= since)),
                       key=lambda info: info.date, reverse=True)
        reports = [(info, _candidates(self.store.sentences_where(
                        {"$and": [{"doc_id": info.doc_id}, {"themes": {"$contains": theme_id}}]})))
                   for info in infos]
        summary = theme_digest(self.tagger, theme_id, reports)
        return replace(summary, themes=theme_counts(summary.sentences, self.tagger))


def _candidates(stored: Sequence[StoredSentence]) -> list[CandidateSentence]:
    return [CandidateSentence(s.sentence_id, s.chunk_id, s.doc_id, s.page, s.text, s.themes,
                              s.vector) for s in stored]


def document_state(info: DocumentInfo, files: Mapping[str, str]) -> str:
    """What the library says of a document (Dutch): indexed or a duplicate of another (by file
    name, ``files`` maps doc ids to them), and its language when not Dutch."""
    state = (f"duplicaat van {files.get(info.duplicate_of, info.duplicate_of)}"
             if info.duplicate_of else "geïndexeerd")
    return state if info.language in ("nl", "") else f"{state}, taal: {info.language}"
