"""Draw unlabelled passages for eval/gold/passages.jsonl: seeded, uniform over sentence windows.

A candidate is a run of consecutive sentences inside one paragraph of a report's reference text
(tests/fixtures/originals, the texts the gold quotes are checked against), started at any sentence
and grown until it holds at least MIN_WORDS words; runs over MAX_WORDS words, and paragraphs that
are headings, table rows or carry markup or footnote marks, are never candidates. The candidates of
all reports are shuffled with one seed and taken in that order, skipping any that shares a
sentence with a passage already labelled (the file's first ``before`` rows) or already taken.
Nothing here looks at the tagger. The second labelling round (rows 113-252) is exactly

    .venv/bin/python eval/gold/sample_passages.py --seed 2026 -n 140 --before 112

and the third (rows 253-391; asked for 150, the pool held 139 more, so it is all of them)

    .venv/bin/python eval/gold/sample_passages.py --seed 2027 -n 150 --before 252
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ingest.sentences import split_sentences  # noqa: E402

ORIGINALS = ROOT / "tests" / "fixtures" / "originals"
PASSAGES = ROOT / "eval" / "gold" / "passages.jsonl"
# One reference text per report; the pdfextract .txt is a twin of the 2020 GezondIn PDF.
REPORTS = {
    "gezondin-2020-impact-coronacrisis.pdf": "gezondin-2020-impact-coronacrisis.txt",
    "gezondin-2021-versneld-leren.pdf": "gezondin-2021-versneld-leren-ocr.txt",
    "impactcorona-2022-lessen-sociaal-domein.pdf": "impactcorona-2022-lessen-sociaal-domein.md",
    "vng-2021-sociaal-sterker-de-crisis-uit.pdf": "vng-2021-sociaal-sterker-de-crisis-uit.md",
}
MIN_WORDS, MAX_WORDS = 20, 70
_MARKUP = set("*#|<>_[]") | set("¹²³⁴⁵⁶⁷⁸⁹⁰")
_EDGES = re.compile(r"^[\s¢•–-]+|[\s(¢•–-]+$")


def candidates(file: str, text: str) -> list[tuple[str, str, tuple[int, ...]]]:
    """(file, window, sentence keys) of every window start in the report's paragraphs."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        paragraph = " ".join(block.split())
        if paragraph and not set(paragraph) & _MARKUP:
            paragraphs.append(paragraph)
    out = []
    for p, (paragraph, spans) in enumerate(zip(paragraphs, split_sentences(paragraphs))):
        for start in range(len(spans)):
            end = start
            while end + 1 < len(spans) and len(_window(paragraph, spans, start, end).split()) < MIN_WORDS:
                end += 1
            window = _window(paragraph, spans, start, end)
            if MIN_WORDS <= len(window.split()) <= MAX_WORDS:
                out.append((file, window, tuple(p * 1000 + i for i in range(start, end + 1))))
    return out


def sample(n: int, seed: int, before: int | None = None) -> list[dict]:
    """``n`` windows in draw order, as passage rows with no themes yet, avoiding the sentences of
    the first ``before`` labelled passages (all of them when None)."""
    rows = [json.loads(line) for line in PASSAGES.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    labelled = _normal(" | ".join(row["quote"] for row in rows[:before]))
    pool = [c for file, name in REPORTS.items()
            for c in candidates(file, (ORIGINALS / name).read_text(encoding="utf-8"))]
    random.Random(seed).shuffle(pool)
    taken: set[tuple[str, int]] = set()
    chosen: list[dict] = []
    for file, window, keys in pool:
        if len(chosen) == n:
            break
        sentences = re.split(r"(?<=[.?!:;])\s+", window)
        if any((file, k) in taken for k in keys) or any(
                len(_normal(s)) >= 20 and _normal(s) in labelled for s in sentences):
            continue
        taken.update((file, k) for k in keys)
        chosen.append({"file": file, "quote": window, "themes": []})
    return chosen


def _window(paragraph: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    """Sentences start..end as they stand in the paragraph, without bullet or bracket debris at
    the edges (an attribution "( ... )" or a run-in bullet belongs to the next sentence)."""
    return _EDGES.sub("", paragraph[spans[start][0]:spans[end][1]])


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-zà-ÿ]+", " ", text.lower()).split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=140)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--before", type=int, default=None,
                        help="only the first BEFORE rows of the file count as labelled")
    args = parser.parse_args()
    for row in sample(args.n, args.seed, args.before):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
