"""Bring the index in step with report files: parse new or changed files, embed, write, commit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from core.models import DocumentInfo, passage_text
from index.embedders import Embedder
from index.store import Store
from index.theme_index import tag_chunks
from index.themes import ThemeTagger
from ingest.document import file_sha256, parse_document
from ingest.duplicates import Candidate, duplicate_of, is_current
from ingest.errors import IngestError
from ingest.metadata import load_manifest

NEW, UPDATED, UNCHANGED, FAILED = "nieuw", "bijgewerkt", "ongewijzigd", "mislukt"
REMOVED, SKIPPED = "verwijderd", "overgeslagen"
# Configuration lives beside the reports (manifest, theme taxonomy, its calibration and vectors).
CONFIG_SUFFIXES = (".toml", ".json", ".npz")


@dataclass(frozen=True)
class IngestRow:
    """One line of the closing table of an ingest run."""

    file: str
    pages: int
    chunks: int
    state: str
    message: str = ""


def collect_files(paths: Sequence[Path]) -> list[Path]:
    """The report files named, or found directly inside the folders named, in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            # Unsupported types are collected too, so that the closing table names them.
            files.extend(sorted(p for p in path.iterdir() if p.is_file()
                                and not p.name.startswith(".")
                                and p.suffix.lower() not in CONFIG_SUFFIXES))
        else:
            files.append(path)
    return files


def ingest_files(files: Sequence[Path], store: Store, embedder: Embedder,
                 manifest_path: Path | None = None, max_file_mb: float = 50.0,
                 progress: Callable[[Path], None] | None = None,
                 tagger: ThemeTagger | None = None, prune: bool = False,
                 reindex: bool = False,
                 page_progress: Callable[[Path, int, int], None] | None = None) -> list[IngestRow]:
    """Index every file that is new or changed; a file that fails is reported and skipped.

    With ``reindex``, unchanged files are parsed and written again too (after a parser change);
    the embedder's cache keeps texts that came out the same from being embedded again. With
    ``prune``, documents whose file is not among ``files`` any more are removed. Every run ends
    by re-deciding which committed documents duplicate another. ``page_progress`` hears of
    the pages OCR'd in a file: (file, pages done, pages to do). A document whose duplicate
    signature was made by an earlier scheme is parsed and written again, as if changed.
    """
    store.remove_orphans()
    manifest = load_manifest(manifest_path) if manifest_path else {}
    committed = {info.file: info for info in store.document_infos()}
    outdated = {file for _, file, signature, _ in store.document_signatures()
                if not is_current(signature)}
    rows = []
    for path in files:
        if progress:
            progress(path)
        on_page = (lambda done, total, path=path: page_progress(path, done, total)) \
            if page_progress else None
        rows.append(_ingest_one(path, store, embedder, manifest.get(path.name, {}),
                                committed, max_file_mb, tagger, reindex or path.name in outdated,
                                on_page))
        if rows[-1].state in (NEW, UPDATED):
            committed = {info.file: info for info in store.document_infos()}
    if prune:
        present = {path.name for path in files}
        for name, info in committed.items():
            if name not in present:
                store.remove_document(info.doc_id)
                rows.append(IngestRow(name, info.pages, info.chunks, REMOVED))
    originals = mark_duplicates(store)
    return [_with_duplicate(row, originals) for row in rows]


def mark_duplicates(store: Store) -> dict[str, str]:
    """Set ``duplicate_of`` on every committed document; returns file -> file of its original."""
    candidates = [Candidate(*record) for record in store.document_signatures()]
    marks = duplicate_of(candidates)
    current = {info.doc_id: info.duplicate_of for info in store.document_infos()}
    store.set_duplicate_of({doc_id: mark for doc_id, mark in marks.items()
                            if current.get(doc_id) != mark})
    files = {c.doc_id: c.file for c in candidates}
    return {files[doc_id]: files[mark] for doc_id, mark in marks.items() if mark}


def _ingest_one(path: Path, store: Store, embedder: Embedder, manifest_entry: dict,
                committed: dict[str, DocumentInfo], max_file_mb: float,
                tagger: ThemeTagger | None = None, reindex: bool = False,
                ocr_progress: Callable[[int, int], None] | None = None) -> IngestRow:
    previous = committed.get(path.name)
    try:
        if not path.exists():
            raise IngestError(path.name, "het bestand bestaat niet", "the file does not exist")
        if previous is not None and not reindex and previous.file_sha256 == file_sha256(path):
            return IngestRow(path.name, previous.pages, previous.chunks, UNCHANGED,
                             _language_note(previous.language))
        parsed = parse_document(path, manifest_entry, max_file_mb, ocr_progress)
    except IngestError as error:
        return IngestRow(path.name, 0, 0, FAILED, str(error))
    except Exception as error:  # a reader bug or an exotic file must not stop the whole run
        return IngestRow(path.name, 0, 0, FAILED, f"{path.name}: onverwachte fout bij het lezen / "
                         f"unexpected error while reading ({type(error).__name__}: {error})")
    twin = next((info for info in committed.values()
                 if info.doc_id == parsed.document.doc_id and info.file != path.name), None)
    if twin is not None:
        return IngestRow(path.name, len(parsed.document.pages), 0, SKIPPED,
                         f"dezelfde tekst als {twin.file}; niet nogmaals geïndexeerd / "
                         f"the same text as {twin.file}; not indexed twice")
    chunks = parsed.chunks
    passages = [passage_text(c.text, c.section) for c in chunks]
    chunk_vectors = embedder.embed_passages(passages)
    sentence_vectors = embedder.embed_passages([s.text for c in chunks for s in c.sentences])
    if tagger is not None:  # themes from the vectors just computed: no extra embedding
        chunks = tag_chunks(tagger, chunks, passages, chunk_vectors, sentence_vectors)
    if previous is not None:
        store.remove_document(previous.doc_id)
    store.write_document(parsed.document, chunks, chunk_vectors, sentence_vectors)
    notes = [*parsed.warnings, _language_note(parsed.document.language)]
    return IngestRow(path.name, len(parsed.document.pages), len(chunks),
                     UPDATED if previous is not None else NEW, "; ".join(n for n in notes if n))


def _language_note(language: str) -> str:
    if language in ("nl", ""):
        return ""
    return f"taal: {language} (niet Nederlands) / language: {language} (not Dutch)"


def _with_duplicate(row: IngestRow, originals: dict[str, str]) -> IngestRow:
    original = originals.get(row.file)
    if original is None or row.state in (FAILED, REMOVED, SKIPPED):
        return row
    note = f"duplicaat van {original} / duplicate of {original}"
    return replace(row, message="; ".join(m for m in (row.message, note) if m))
