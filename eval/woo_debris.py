"""How much of the VWS Woo scans' OCR layers reads as Dutch, before and after debris repair.

    .venv/bin/python -m eval.woo_debris [/work/shared/real-pdf] [--json]

Per file, and over all files (words pooled): the share of words (two letters or more) known to
the Dutch word list (ingest/ocr_debris.known_word_share), of the text layer as the file brings
it, after ingest/ocr_debris.repair_debris, and as ingest ends up with it (a layer that is mostly
noise read again by Tesseract where that reads better, then repaired). The word list also guides
some repairs (é -> ë, l/I), so part of the gain is by construction; dropped redaction debris
counts as fewer unknown words.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pypdf import PdfReader

from ingest.ocr_debris import known_word_share, repair_debris
from ingest.pdf_tables import read_page
from ingest.readers import read_raw_pages

DEFAULT_DIR = Path("/work/shared/real-pdf")


def measure(directory: Path) -> dict:
    rows = []
    for path in sorted(directory.glob("vws-woo-*.pdf")):
        layer = [read_page(page)[0] for page in PdfReader(path).pages]
        ingested = read_raw_pages(path)
        final = [repair_debris(text) if index in ingested.ocr else text
                 for index, text in enumerate(ingested.pages)]
        rows.append({"file": path.name, "pages": len(layer),
                     "before": _share(layer), "repaired": _share([repair_debris(t) for t in layer]),
                     "ingested": _share(final),
                     "ocr_pages": sum(c is not None for c in ingested.ocr.values())})
    total = {stage: _pooled(rows, stage) for stage in ("before", "repaired", "ingested")}
    return {"files": rows, "total": total}


def _share(pages: list[str]) -> dict:
    known = words = 0
    for text in pages:
        share, count = known_word_share(text)
        known += share * count
        words += count
    return {"known": round(known), "words": words, "share": round(known / max(words, 1), 4)}


def _pooled(rows: list[dict], stage: str) -> dict:
    known = sum(row[stage]["known"] for row in rows)
    words = sum(row[stage]["words"] for row in rows)
    return {"known": known, "words": words, "share": round(known / max(words, 1), 4)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = measure(args.directory)
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"{'file':58} {'pages':>5} {'before':>14} {'repaired':>14} {'ingested':>14}")
    for row in [*result["files"], {"file": "all Woo files (words pooled)", "pages": "",
                                    **result["total"]}]:
        cells = [f"{row[s]['share']:.3f} ({row[s]['words']:>4})" for s in
                 ("before", "repaired", "ingested")]
        print(f"{row['file'][:58]:58} {row['pages']!s:>5} " + " ".join(f"{c:>14}" for c in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
