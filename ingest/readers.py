"""Read a report file into raw page texts: PDF via pypdf page by page, .txt/.md as text."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, PdfReadError

from ingest.errors import IngestError
from ingest.pdf_tables import Fragment, extract_page_texts, read_page

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md")
_PDF_ERRORS = (PdfReadError, ValueError, KeyError, OSError, TypeError, AttributeError,
               IndexError, RecursionError, ZeroDivisionError)

# pypdf reports recoverable oddities of real-world PDFs on its logger; they are not ours to show.
logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True)
class RawDocument:
    """A file's raw page texts (index 0 = page 1), its own metadata, and what was lost."""

    pages: list[str]
    info: dict[str, str]
    warnings: tuple[str, ...] = ()
    cover: tuple[tuple[Fragment, ...], ...] = ()  # pages 1-2's text pieces, with font sizes


def read_raw_pages(path: Path, password: str | None = None) -> RawDocument:
    """Read the raw text of each page; a page that cannot be read is kept empty with a warning."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(
            path.name,
            f"bestandstype {suffix or '(geen)'} wordt niet ondersteund (alleen PDF, .txt, .md)",
            f"unsupported file type {suffix or '(none)'} (only PDF, .txt, .md)",
        )
    if path.stat().st_size == 0:
        raise IngestError(path.name, "het bestand is leeg", "the file is empty")
    if suffix == ".pdf":
        return _read_pdf(path, password)
    return RawDocument(_read_text(path), {})


def _read_pdf(path: Path, password: str | None) -> RawDocument:
    try:
        reader = PdfReader(path)
        _unlock(reader, path, password)
        texts, fragments, unreadable = [], [], False
        for page in reader.pages:
            try:
                text, pieces = read_page(page)
            except _PDF_ERRORS:
                text, pieces, unreadable = "", [], True
            texts.append(text)
            fragments.append(pieces)
        pages = texts if unreadable else _with_tables(fragments, texts)
        info = {
            key.lstrip("/").lower(): str(value)
            for key, value in (reader.metadata or {}).items()
            if isinstance(value, str)
        }
    except IngestError:
        raise
    except _PDF_ERRORS as exc:
        raise IngestError(
            path.name,
            f"de PDF is beschadigd of onvolledig ({exc})",
            f"the PDF is damaged or truncated ({exc})",
        ) from exc
    if not pages:
        raise IngestError(path.name, "de PDF heeft geen pagina's", "the PDF has no pages")
    if not any(text.strip() for text in pages):
        raise IngestError(
            path.name,
            "de PDF bevat geen tekstlaag (gescand beeld); OCR is nodig",
            "the PDF has no text layer (scanned image); OCR is needed",
        )
    # A page that raised, or whose content stream is damaged or only an image, has no text.
    empty = [number for number, text in enumerate(pages, start=1) if not text.strip()]
    warnings = ()
    if empty:
        listed = ", ".join(map(str, empty))
        warnings = (f"pagina {listed} zonder leesbare tekst (beschadigd of beeld; OCR nodig), "
                    f"de rest is bewaard / page {listed} has no readable text (damaged or an "
                    "image; OCR needed), the rest was kept",)
    return RawDocument(pages, info, warnings, tuple(tuple(page) for page in fragments[:2]))


def _with_tables(fragments: list[list[Fragment]], texts: list[str]) -> list[str]:
    """Tables rebuilt cell by cell; pypdf's plain page texts if the layout cannot be read."""
    try:
        return extract_page_texts(fragments, texts)
    except _PDF_ERRORS:
        return texts


def _unlock(reader: PdfReader, path: Path, password: str | None) -> None:
    if not reader.is_encrypted:
        return
    if not password:
        raise IngestError(
            path.name,
            "de PDF is versleuteld; geef het wachtwoord op in corpus/manifest.toml (password = ...)",
            "the PDF is encrypted; give its password in corpus/manifest.toml (password = ...)",
        )
    try:
        unlocked = reader.decrypt(password)
    except DependencyError as exc:
        raise IngestError(path.name, "de PDF is met AES versleuteld en het pakket cryptography "
                          "ontbreekt", "the PDF is AES-encrypted and the cryptography package is "
                          "missing") from exc
    if not unlocked:
        raise IngestError(path.name, "het wachtwoord in corpus/manifest.toml klopt niet",
                          "the password in corpus/manifest.toml is wrong")


def _read_text(path: Path) -> list[str]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if not text.strip():
        raise IngestError(path.name, "het bestand bevat geen tekst", "the file contains no text")
    # A form feed marks a page break in text exports; otherwise the whole file is page 1.
    return text.split("\f")
