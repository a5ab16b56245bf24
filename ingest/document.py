"""Read one report file into a Document with its chunks: the whole ingest step for one file."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from core.models import Chunk, Document, Page
from ingest.chunking import chunk_document, lay_out
from ingest.clean import clean_pages
from ingest.duplicates import signature
from ingest.errors import IngestError
from ingest.metadata import detect_metadata
from ingest.ocr_debris import repair_debris
from ingest.readers import OcrProgress, read_raw_pages


@dataclass(frozen=True)
class ParsedDocument:
    document: Document
    chunks: tuple[Chunk, ...]
    text: str  # the clean text, headings included, as laid out for chunking
    warnings: tuple[str, ...] = ()  # what was lost but did not stop the file


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parse_document(path: Path, manifest_entry: dict[str, str] | None = None,
                   max_file_mb: float = 50.0,
                   ocr_progress: OcrProgress | None = None) -> ParsedDocument:
    """Read, clean, describe and chunk one file; raises IngestError when it cannot be used.
    ``ocr_progress`` hears of the pages OCR'd (ingest/readers.py)."""
    entry = manifest_entry or {}
    size_mb = path.stat().st_size / (1 << 20)
    if size_mb > max_file_mb:
        raise IngestError(
            path.name,
            f"het bestand is te groot ({size_mb:.0f} MB, maximaal {max_file_mb:.0f} MB)",
            f"the file is too large ({size_mb:.0f} MB, at most {max_file_mb:.0f} MB)",
        )
    raw = read_raw_pages(path, password=entry.get("password"), ocr_progress=ocr_progress)
    raw_pages, pdf_info = raw.pages, raw.info
    # OCR text (ours or the file's own layer) loses its debris before the common cleaning.
    raw_pages = [repair_debris(text) if index in raw.ocr else text
                 for index, text in enumerate(raw_pages)]
    pages_blocks = clean_pages(raw_pages, markdown=path.suffix.lower() == ".md")
    laid_out = lay_out(pages_blocks, [getattr(page, "origins", ()) for page in raw_pages])
    if not laid_out.sentences:
        raise IngestError(path.name, "er is geen bruikbare tekst gevonden",
                          "no usable text was found")
    metadata = detect_metadata(path, pdf_info, "\f".join(raw_pages[:2]), laid_out.text, entry,
                               getattr(raw, "cover", ()))
    doc_id = hashlib.sha256(_normalise(laid_out.text).encode()).hexdigest()[:16]
    pages = tuple(
        Page(number, "\n\n".join(block.text for block in blocks), ocr=number - 1 in raw.ocr,
             ocr_confidence=raw.ocr.get(number - 1))
        for number, blocks in enumerate(pages_blocks, start=1)
    )
    document = Document(
        doc_id=doc_id, path=str(path), file_sha256=file_sha256(path), title=metadata.title,
        publisher=metadata.publisher, date=metadata.date, language=metadata.language,
        pages=pages, signature=signature(laid_out.text),
    )
    return ParsedDocument(document=document, chunks=tuple(chunk_document(doc_id, laid_out)),
                          text=laid_out.text, warnings=raw.warnings)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()
