"""Is a cited sentence a verbatim sentence of the page it cites? Checked against the report as
the ingest reader and cleaner yield it, independent of chunking, the store and summarising.

A report is read with ``ingest.readers`` and cleaned with ``ingest.clean`` into blocks; a table
cell whose text runs over pages is split into its pages' pieces by ``ingest.pdf_tables``. The
blocks, in reading order, become one stream of tokens (words and punctuation marks of the
``eval.matching.normalise`` form), each knowing its page. A hyphen right after a letter or digit
ending a block joins the word that opens the next one, as ``normalise`` does within a text (a
dash after a space, a list mark left at a block's end, does not: "51.20 -" / "Er wordt"). A
sentence is verbatim on page p when its tokens occur as one contiguous run of the stream that
starts on page p (a sentence may run on to the next page, as a paragraph does). Punctuation
counts; only case, whitespace, typographic quotes and dashes, soft hyphens and line-break
hyphens do not, nor a footnote mark after a sentence's end (sentences leave it out, so two
quoted sentences joined in one bullet stand verbatim on both sides of it).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from core.models import Summary
from eval.matching import normalise
from ingest.clean import clean_pages
from ingest.metadata import load_manifest
from ingest.pdf_tables import origin_pieces
from ingest.readers import read_raw_pages
from ingest.sentences import without_footnote_marks

_TOKEN = re.compile(r"\w+|[^\w\s]")
_WORD_BREAK = re.compile(r"\w-$")


def tokens(text: str) -> list[str]:
    """Words and punctuation marks of the normalised text."""
    return _TOKEN.findall(normalise(text))


@dataclass(frozen=True)
class SourceBlock:
    """A clean block (heading, paragraph or list item) and the page it starts on."""

    kind: str
    text: str
    page: int


@dataclass(frozen=True)
class SourceText:
    """One report file as reader and cleaner yield it: its blocks and its page-labelled tokens."""

    file: str
    blocks: tuple[SourceBlock, ...]
    stream: tuple[str, ...]
    pages: tuple[int, ...]  # the page of each token of ``stream``

    def pages_of(self, sentence: str) -> set[int]:
        """The pages on which a verbatim occurrence of ``sentence`` starts (empty: none)."""
        wanted = tokens(sentence)
        if not wanted:
            return set()
        n = len(wanted)
        return {self.pages[i] for i in self._positions.get(wanted[0], ())
                if list(self.stream[i:i + n]) == wanted}

    @cached_property
    def _positions(self) -> dict[str, list[int]]:
        positions: dict[str, list[int]] = defaultdict(list)
        for index, token in enumerate(self.stream):
            positions[token].append(index)
        return positions


def read_source(path: Path, manifest_entry: dict[str, str] | None = None) -> SourceText:
    """Read and clean one report file into a SourceText (raises IngestError as ingest does)."""
    raw = read_raw_pages(path, password=(manifest_entry or {}).get("password"))
    pages_blocks = clean_pages(raw.pages, markdown=path.suffix.lower() == ".md")
    blocks: list[SourceBlock] = []
    stream: list[str] = []
    pages: list[int] = []
    previous = ""
    for number, page_blocks in enumerate(pages_blocks, start=1):
        pending = list(getattr(raw.pages[number - 1], "origins", ()))
        for block in page_blocks:
            blocks.append(SourceBlock(block.kind, block.text, number))
            pieces = origin_pieces(block.text, number, pending)
            _extend(stream, pages, _paged_tokens([(without_footnote_marks(piece), page)
                                                  for piece, page in pieces]),
                    joins=bool(_WORD_BREAK.search(previous)))
            previous = block.text
    return SourceText(path.name, tuple(blocks), tuple(stream), tuple(pages))


def _paged_tokens(pieces: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The tokens of a block whose pieces stand on different pages, each with its page.

    The block is tokenised whole (a cut may fall inside a word broken over two pages); a token
    is placed by its first letter or digit, counted through the pieces (normalising never adds
    or drops one), a punctuation mark by the letter or digit after it."""
    ends: list[tuple[int, int]] = []  # (letters and digits up to the end of a piece, its page)
    total = 0
    for piece, page in pieces:
        total += _alnum(normalise(piece))
        ends.append((total, page))
    paged, before = [], 0
    for token in tokens("".join(piece for piece, _ in pieces)):
        page = next((page for end, page in ends if before < end), ends[-1][1])
        paged.append((token, page))
        before += _alnum(token)
    return paged


def _alnum(text: str) -> int:
    return sum(char.isalnum() for char in text)


def _extend(stream: list[str], pages: list[int], new: list[tuple[str, int]],
            joins: bool) -> None:
    """Append a block's tokens; with ``joins`` (the block before ends in a line-break hyphen),
    the hyphen joins the word that opens this one (a paragraph continued on the next page)."""
    if (joins and len(stream) >= 2 and stream[-1] == "-" and stream[-2][-1:].isalnum()
            and new and new[0][0][:1].isalnum()):
        stream.pop()
        pages.pop()
        stream[-1] += new.pop(0)[0]
    stream.extend(token for token, _ in new)
    pages.extend(page for _, page in new)


class Sources:
    """The corpus files read on demand, once each."""

    def __init__(self, corpus_dir: Path, manifest_path: Path | None = None) -> None:
        self.corpus_dir = corpus_dir
        self._manifest = load_manifest(manifest_path) if manifest_path else {}
        self._read: dict[str, SourceText] = {}

    def get(self, file: str) -> SourceText:
        if file not in self._read:
            self._read[file] = read_source(self.corpus_dir / file, self._manifest.get(file, {}))
        return self._read[file]


@dataclass(frozen=True)
class VerbatimCheck:
    """One cited sentence: where it says it stands, and where the source has it."""

    text: str
    file: str
    page: int
    found_on: tuple[int, ...]

    @property
    def ok(self) -> bool:
        return self.page in self.found_on


def check(text: str, file: str, page: int, sources: Sources) -> VerbatimCheck:
    """Is ``text`` a verbatim sentence of ``page`` of ``file``?"""
    return VerbatimCheck(text, file, page, tuple(sorted(sources.get(file).pages_of(text))))


def check_summary(summary: Summary, sources: Sources) -> list[VerbatimCheck]:
    """Every sentence of a summary against every page it cites."""
    return [check(sentence.text, citation.file, citation.page, sources)
            for sentence in summary.sentences for citation in sentence.citations]


def share_ok(checks: Iterable[VerbatimCheck]) -> float | None:
    """The share of checks that passed; None when there were none."""
    flags = [c.ok for c in checks]
    return sum(flags) / len(flags) if flags else None
