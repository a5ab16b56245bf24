"""OCR speed as ingest runs it (ingest/ocr.py: pages rendered at 300 dpi one by one, read by two
single-threaded Tesseract processes side by side), and the word accuracy of scanned-page.pdf.

Two figures: seconds for the one page of tests/fixtures/broken/scanned-page.pdf alone (what a
one-page scan waits), and pages per second over every page of the VWS Woo scans in
/work/shared/real-pdf (when present), each file read whole as a scanned file would be.
``python -m bench.ocr`` prints one JSON object.
"""

from __future__ import annotations

import difflib
import json
import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ROOT / "tests" / "fixtures" / "broken" / "scanned-page.pdf"
SOURCE = ROOT / "corpus" / "gezondin-2021-versneld-leren.pdf"  # its page 2 was scanned
WOO = Path("/work/shared/real-pdf")


def measure() -> dict:
    from ingest.ocr import open_pdf, recognise, recognise_pages

    pdf = open_pdf(SCANNED)
    started = time.perf_counter()
    page = recognise(pdf, 0)
    single = time.perf_counter() - started
    pdf.close()
    result = {"scanned_page_s": round(single, 2),
              "scanned_page_word_accuracy": round(_accuracy(page.text), 4)}
    pages, seconds = 0, 0.0
    for path in sorted(WOO.glob("vws-woo-*.pdf")):
        pdf = open_pdf(path)
        started = time.perf_counter()
        pages += sum(1 for _ in recognise_pages(pdf, range(len(pdf))))
        seconds += time.perf_counter() - started
        pdf.close()
    if pages:
        result.update(woo_pages=pages, woo_seconds=round(seconds, 1),
                      s_per_page=round(seconds / pages, 2), pages_per_s=round(pages / seconds, 2))
    return result


def _accuracy(read: str) -> float:
    """The share of the source page's words a word alignment (difflib) finds in the OCR."""
    from pypdf import PdfReader

    def words(text: str) -> list[str]:
        return re.findall(r"\w+(?:[-'’]\w+)*", text.lower())

    reference = words(PdfReader(SOURCE).pages[1].extract_text())
    matcher = difflib.SequenceMatcher(None, reference, words(read), autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(reference)


if __name__ == "__main__":
    print(json.dumps(measure()))
