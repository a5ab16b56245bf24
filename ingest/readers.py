"""Read a report file into raw page texts: PDF via pypdf page by page, .txt/.md as text.

A PDF page without a text layer, or whose OCR layer is mostly noise, is read with Tesseract's
Dutch model (ingest/ocr.py); a page with a good text layer never is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pypdf import PdfReader
from pypdf.errors import DependencyError, PdfReadError

from ingest.errors import IngestError
from ingest.ocr_debris import known_word_share
from ingest.pdf_tables import Fragment, extract_page_texts, read_page

if TYPE_CHECKING:
    from ingest.ocr import OcrUnavailable, PageLook

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md")
_PDF_ERRORS = (PdfReadError, ValueError, KeyError, OSError, TypeError, AttributeError,
               IndexError, RecursionError, ZeroDivisionError)

# pypdf reports recoverable oddities of real-world PDFs on its logger; they are not ours to show.
logging.getLogger("pypdf").setLevel(logging.ERROR)

# An OCR layer (invisible text over a scan covering at least SCAN_COVER of the page) is mostly
# noise when fewer than NOISE_SHARE of its words, counted from NOISE_MIN_WORDS words on, are
# Dutch words (ingest/ocr_debris.known_word_share). The Woo slides read 0.42-0.54; the other Woo
# pages 0.74-0.97 (a table page 0.62 on 16 words). Visible text (born-digital) is never OCR'd.
SCAN_COVER = 0.5
NOISE_SHARE = 0.6
NOISE_MIN_WORDS = 20

OcrProgress = Callable[[int, int], None]  # (pages OCR'd so far, pages to OCR in this file)


@dataclass(frozen=True)
class RawDocument:
    """A file's raw page texts (index 0 = page 1), its own metadata, and what was lost."""

    pages: list[str]
    info: dict[str, str]
    warnings: tuple[str, ...] = ()
    cover: tuple[tuple[Fragment, ...], ...] = ()  # pages 1-2's text pieces, with font sizes
    # Page index -> how its text was read by OCR: the mean word confidence (0-1) of Tesseract
    # at ingest, or None for an OCR layer the file brought along.
    ocr: dict[int, float | None] = field(default_factory=dict)


def read_raw_pages(path: Path, password: str | None = None,
                   ocr_progress: OcrProgress | None = None) -> RawDocument:
    """Read the raw text of each page; a page that cannot be read is kept empty with a warning.
    ``ocr_progress`` is told of each page OCR'd (before the first, and after each)."""
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
        return _read_pdf(path, password, ocr_progress)
    return RawDocument(_read_text(path), {})


def _read_pdf(path: Path, password: str | None, ocr_progress: OcrProgress | None) -> RawDocument:
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
    scans = _read_scans(path, password, pages, ocr_progress)
    pages, missing = scans.pages, scans.unavailable
    if not any(text.strip() for text in pages):
        raise IngestError(
            path.name,
            "de PDF bevat geen tekstlaag (gescand beeld); OCR is nodig"
            + (f", maar {missing.nl}" if missing else ""),
            "the PDF has no text layer (scanned image); OCR is needed"
            + (f", but {missing.en}" if missing else ""),
        )
    warnings = []
    read = [index + 1 for index, confidence in sorted(scans.ocr.items()) if confidence is not None]
    if read:
        listed = ", ".join(map(str, read))
        warnings.append(f"pagina {listed} gescand, met OCR gelezen / page {listed} scanned, read "
                        "by OCR")
    # A page that raised, or whose content stream is damaged or only an image, has no text.
    empty = [number for number, text in enumerate(pages, start=1) if not text.strip()]
    if empty:
        listed = ", ".join(map(str, empty))
        warnings.append(f"pagina {listed} zonder leesbare tekst (beschadigd of beeld; OCR nodig"
                        f"{'; ' + missing.nl if missing else ''}), de rest is bewaard / page "
                        f"{listed} has no readable text (damaged or an image; OCR needed"
                        f"{'; ' + missing.en if missing else ''}), the rest was kept")
    return RawDocument(pages, info, tuple(warnings), tuple(tuple(page) for page in fragments[:2]),
                       ocr=scans.ocr)


@dataclass
class _Scans:
    pages: list[str]
    ocr: dict[int, float | None]
    unavailable: OcrUnavailable | None = None  # why pages that needed OCR were not read


def _read_scans(path: Path, password: str | None, pages: list[str],
                progress: OcrProgress | None) -> _Scans:
    """OCR the pages that need it, page by page; note the pages that carry an OCR layer."""
    from ingest.ocr import OcrUnavailable, PdfiumError, look_at, open_pdf, recognise_pages

    scans = _Scans(list(pages), {})
    try:
        pdf = open_pdf(path, password)
    except PdfiumError:
        return scans  # pypdf read it; without pdfium's view the text layer is all there is
    try:
        count = min(len(pdf), len(pages))
        try:
            looks = [look_at(pdf, index) for index in range(count)]
        except PdfiumError:
            return scans  # pdfium cannot open a page that pypdf read: keep pypdf's text
        for index, look in enumerate(looks):
            if look.invisible_text and look.image_cover >= SCAN_COVER and pages[index].strip():
                scans.ocr[index] = None  # the file's own OCR layer
        todo = [index for index in range(count) if needs_ocr(pages[index], looks[index])]
        if progress and todo:
            progress(0, len(todo))
        read = recognise_pages(pdf, todo)
        try:
            for done, (index, page) in enumerate(read, start=1):
                if progress:
                    progress(done, len(todo))
                # A page Tesseract could not finish, or a blank scan, stays as it was; a noisy
                # layer gives way only to a reading with more Dutch words.
                if page is None or not page.text.strip():
                    continue
                if not pages[index].strip() or \
                        known_word_share(page.text)[0] > known_word_share(pages[index])[0]:
                    scans.pages[index] = page.text
                    scans.ocr[index] = page.confidence
        except OcrUnavailable as error:
            scans.unavailable = error
        except PdfiumError:  # a page pdfium cannot render: it and the rest keep their text
            pass
        finally:
            read.close()
    finally:
        pdf.close()
    return scans


def needs_ocr(text: str, look: PageLook) -> bool:
    """Whether a page is read by OCR: it has no text but draws an image, or its text is an
    invisible OCR layer over a scan that is mostly noise. Visible text never is."""
    if not text.strip():
        return look.image_cover > 0
    if not (look.invisible_text and look.image_cover >= SCAN_COVER):
        return False
    share, words = known_word_share(text)
    return words >= NOISE_MIN_WORDS and share < NOISE_SHARE


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
