"""Bring the index in step with report files: parse new or changed files, embed, write, commit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.models import Chunk
from index.embedders import Embedder
from index.store import Store
from ingest.document import file_sha256, parse_document
from ingest.errors import IngestError
from ingest.metadata import load_manifest
from ingest.readers import SUPPORTED_SUFFIXES

NEW, UPDATED, UNCHANGED, FAILED = "nieuw", "bijgewerkt", "ongewijzigd", "mislukt"


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
            files.extend(sorted(p for p in path.iterdir() if p.is_file()
                                and p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            files.append(path)
    return files


def ingest_files(files: Sequence[Path], store: Store, embedder: Embedder,
                 manifest_path: Path | None = None, max_file_mb: float = 50.0,
                 progress: Callable[[Path], None] | None = None) -> list[IngestRow]:
    """Index every file that is new or changed; a file that fails is reported and skipped."""
    store.remove_orphans()
    manifest = load_manifest(manifest_path) if manifest_path else {}
    committed = {info.file: info for info in store.document_infos()}
    rows = []
    for path in files:
        if progress:
            progress(path)
        rows.append(_ingest_one(path, store, embedder, manifest.get(path.name, {}),
                                committed.get(path.name), max_file_mb))
    return rows


def passage_text(chunk: Chunk) -> str:
    """What is embedded for a chunk: its section heading gives the text its context."""
    return f"{chunk.section}\n{chunk.text}" if chunk.section else chunk.text


def _ingest_one(path: Path, store: Store, embedder: Embedder, manifest_entry: dict,
                previous, max_file_mb: float) -> IngestRow:
    try:
        if not path.exists():
            raise IngestError(path.name, "het bestand bestaat niet", "the file does not exist")
        if previous is not None and previous.file_sha256 == file_sha256(path):
            return IngestRow(path.name, previous.pages, previous.chunks, UNCHANGED)
        parsed = parse_document(path, manifest_entry, max_file_mb)
    except IngestError as error:
        return IngestRow(path.name, 0, 0, FAILED, str(error))
    chunks = parsed.chunks
    chunk_vectors = embedder.embed_passages([passage_text(c) for c in chunks])
    sentence_vectors = embedder.embed_passages([s.text for c in chunks for s in c.sentences])
    if previous is not None:
        store.remove_document(previous.doc_id)
    store.write_document(parsed.document, chunks, chunk_vectors, sentence_vectors)
    return IngestRow(path.name, len(parsed.document.pages), len(chunks),
                     UPDATED if previous is not None else NEW)
