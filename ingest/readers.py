"""Read a report file into raw page texts: PDF via pypdf page by page, .txt/.md as text."""

from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from ingest.errors import IngestError
from ingest.pdf_tables import extract_page_texts

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md")

# pypdf reports recoverable oddities of real-world PDFs on its logger; they are not ours to show.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def read_raw_pages(path: Path, password: str | None = None) -> tuple[list[str], dict[str, str]]:
    """Return the raw text of each page (index 0 = page 1) and the file's own metadata."""
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
    return _read_text(path), {}


def _read_pdf(path: Path, password: str | None) -> tuple[list[str], dict[str, str]]:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            if not password or not reader.decrypt(password):
                raise IngestError(
                    path.name,
                    "de PDF is versleuteld; geef het wachtwoord op in corpus/manifest.toml",
                    "the PDF is encrypted; give its password in corpus/manifest.toml",
                )
        pages = extract_page_texts(reader.pages, [page.extract_text() or "" for page in reader.pages])
        info = {
            key.lstrip("/").lower(): str(value)
            for key, value in (reader.metadata or {}).items()
            if isinstance(value, str)
        }
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError, TypeError) as exc:
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
    return pages, info


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
