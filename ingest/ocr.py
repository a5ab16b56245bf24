"""Tesseract's Dutch OCR of PDF pages, page by page: pypdfium2 renders one, pytesseract reads it.

Also what a page is drawn with (how much of it is image, whether its text is an invisible OCR
layer), so that ingest/readers.py can decide which pages need OCR. Tesseract and its Dutch data
come from the system (Debian: tesseract-ocr, tesseract-ocr-nld); without them OcrUnavailable
says so in Dutch and English.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdfium2 import PdfiumError

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["OcrPage", "OcrUnavailable", "PageLook", "PdfiumError", "look_at", "open_pdf",
           "recognise", "recognise_pages"]

LANGUAGE = "nld"
DPI = 300  # Tesseract reads best at about 300 dpi; scanned-page.pdf: word accuracy 0.998
TIMEOUT_S = 180  # one page; a page that takes longer is left unread
WORKERS = max(1, min(2, os.cpu_count() or 1))  # Tesseract processes reading side by side
_INVISIBLE = 3  # PDF text render mode 3: neither filled nor stroked, as OCR layers are drawn
_env_lock = threading.Lock()


class OcrUnavailable(Exception):
    """Tesseract or its Dutch model is not installed; ``nl`` and ``en`` say which and how."""

    def __init__(self, nl: str, en: str) -> None:
        self.nl, self.en = nl, en
        super().__init__(f"{nl} / {en}")


@dataclass(frozen=True)
class PageLook:
    """How a page is drawn: the share of its area covered by images (at most 1), and whether
    most of its text is invisible (an OCR layer laid over a scan)."""

    image_cover: float
    invisible_text: bool


@dataclass(frozen=True)
class OcrPage:
    """What Tesseract read on a page: lines, paragraphs apart by a blank line, and the mean
    confidence of its words (0-1; None when it read no word)."""

    text: str
    confidence: float | None


def open_pdf(path: Path, password: str | None = None) -> pdfium.PdfDocument:
    """The PDF for looking at and rendering its pages; raises pdfium's PdfiumError if it cannot."""
    return pdfium.PdfDocument(str(path), password=password)


def look_at(pdf: pdfium.PdfDocument, index: int) -> PageLook:
    """How page ``index`` (0-based) is drawn, from its page objects (forms included)."""
    page = pdf[index]
    width, height = page.get_size()
    area = max(width * height, 1.0)
    covered, visible, invisible = 0.0, 0, 0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_TEXT],
                                max_depth=4):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            left, bottom, right, top = obj.get_bounds()
            covered += max(0.0, min(right, width) - max(left, 0.0)) * \
                max(0.0, min(top, height) - max(bottom, 0.0))
        elif pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw) == _INVISIBLE:
            invisible += 1
        else:
            visible += 1
    # Scans come as one image or as strips side by side; overlaps are rare, so a sum will do.
    return PageLook(min(covered / area, 1.0), invisible > visible)


def recognise(pdf: pdfium.PdfDocument, index: int, dpi: int = DPI) -> OcrPage | None:
    """Render page ``index`` (0-based) in grey at ``dpi`` and read it with Tesseract's Dutch
    model; None when Tesseract could not finish it."""
    pages = recognise_pages(pdf, [index], dpi)
    try:
        return next(pages)[1]
    finally:
        pages.close()


def recognise_pages(pdf: pdfium.PdfDocument, indexes: Sequence[int],
                    dpi: int = DPI) -> Iterator[tuple[int, OcrPage | None]]:
    """Read the pages ``indexes`` in order, yielding each as it is done. A page is rendered just
    before its turn and let go when read; WORKERS Tesseract processes (one thread each) read
    side by side, which on two cores nearly doubles the pages per second of one. A page that
    Tesseract cannot finish (over TIMEOUT_S, or a Tesseract error) comes as None; a missing
    Tesseract or Dutch model raises OcrUnavailable. Close the iterator when leaving early."""
    with _one_thread(), ThreadPoolExecutor(WORKERS) as pool:
        pending: deque[tuple[int, Future[OcrPage | None]]] = deque()
        for index in indexes:
            # Rendering stays on this thread (pdfium is not thread-safe); Tesseract runs apart.
            image = pdf[index].render(scale=dpi / 72, grayscale=True).to_pil()
            pending.append((index, pool.submit(_read, image)))
            if len(pending) >= WORKERS:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()


def _read(image: Image) -> OcrPage | None:
    import pytesseract  # only when a page needs it: it imports pandas (0.4 s)

    try:
        data = pytesseract.image_to_data(image, lang=LANGUAGE, timeout=TIMEOUT_S,
                                         output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractNotFoundError as error:
        raise OcrUnavailable(
            "Tesseract (OCR) is niet geïnstalleerd (apt-get install tesseract-ocr tesseract-ocr-nld)",
            "Tesseract (OCR) is not installed (apt-get install tesseract-ocr tesseract-ocr-nld)",
        ) from error
    except pytesseract.TesseractError as error:
        if LANGUAGE in str(error.message):
            raise OcrUnavailable(
                "het Nederlandse model van Tesseract ontbreekt (apt-get install tesseract-ocr-nld)",
                "Tesseract's Dutch model is missing (apt-get install tesseract-ocr-nld)",
            ) from error
        return None
    except RuntimeError:  # pytesseract's timeout
        return None
    finally:
        image.close()
    return _page_of(data)


def _page_of(data: dict[str, list]) -> OcrPage:
    """Tesseract's words as lines (its line numbers), paragraphs apart by a blank line."""
    lines: list[str] = []
    confidences: list[float] = []
    current_line, current_paragraph, words = None, None, []
    for block, paragraph, line, text, confidence in zip(
            data["block_num"], data["par_num"], data["line_num"], data["text"], data["conf"]):
        text = str(text).strip()
        if not text:
            continue
        if (block, paragraph, line) != current_line:
            if words:
                lines.append(" ".join(words))
            if current_paragraph is not None and (block, paragraph) != current_paragraph:
                lines.append("")
            current_line, current_paragraph, words = (block, paragraph, line), (block, paragraph), []
        words.append(text)
        if float(confidence) >= 0:
            confidences.append(float(confidence) / 100)
    if words:
        lines.append(" ".join(words))
    mean = round(sum(confidences) / len(confidences), 3) if confidences else None
    return OcrPage("\n".join(lines), mean)


@contextmanager
def _one_thread() -> Iterator[None]:
    """Tesseract on one thread per process (OMP_THREAD_LIMIT=1): its own threads gain little
    on a page and would compete with the other process. Set while pages are read, for the
    Tesseract children; the process's own OpenMP runtimes have read their limit long before."""
    with _env_lock:
        before = os.environ.get("OMP_THREAD_LIMIT")
        os.environ["OMP_THREAD_LIMIT"] = "1"
        try:
            yield
        finally:
            if before is None:
                os.environ.pop("OMP_THREAD_LIMIT", None)
            else:
                os.environ["OMP_THREAD_LIMIT"] = before
