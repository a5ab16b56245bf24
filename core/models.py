"""The data model shared by ingest, index, summarise and the interfaces: frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field


def year_of(date: str) -> int | None:
    """The year of an ISO date ("2020", "2020-07", "2020-07-01"), or None when it has none."""
    return int(date[:4]) if date[:4].isdigit() else None


@dataclass(frozen=True)
class Page:
    """One page of a report; ``number`` is the 1-based PDF page index. ``ocr``: its text was
    read by OCR (a scan), so a quote may carry reading errors; ``ocr_confidence`` is Tesseract's
    mean word confidence (0-1) when ingest OCR'd it, None for an OCR layer the file brought."""

    number: int
    text: str
    ocr: bool = False
    ocr_confidence: float | None = None


@dataclass(frozen=True)
class Document:
    """A report as read from disk, before chunking."""

    doc_id: str
    path: str
    file_sha256: str
    title: str
    publisher: str
    date: str
    language: str
    pages: tuple[Page, ...]
    duplicate_of: str | None = None
    signature: str = ""  # MinHash of the clean text (ingest/duplicates.py)

    @property
    def file(self) -> str:
        """The file name inside the corpus folder."""
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]

    @property
    def year(self) -> int | None:
        return year_of(self.date)


@dataclass(frozen=True)
class Sentence:
    sentence_id: str
    chunk_id: str
    doc_id: str
    page: int
    text: str
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    text: str
    page_start: int
    page_end: int
    section: str
    char_start: int
    char_end: int
    sentences: tuple[Sentence, ...] = ()
    themes: tuple[str, ...] = ()

    def layout(self) -> str:
        """Where each sentence begins in ``text`` and on which page, as "start@page ...": a
        compact record of the chunk's sentences, from which a page's text can be cut."""
        parts, cursor = [], 0
        for sentence in self.sentences:
            cursor = self.text.index(sentence.text, cursor)
            parts.append(f"{cursor}@{sentence.page}")
            cursor += len(sentence.text)
        return " ".join(parts)


def sentences_on_page(text: str, layout: str, page: int) -> list[str]:
    """The sentences of a chunk's ``text`` that start on ``page``, by its ``Chunk.layout``."""
    marks = [tuple(map(int, mark.split("@"))) for mark in layout.split()]
    ends = [start for start, _ in marks[1:]] + [len(text)]
    return [text[start:end].strip() for (start, on_page), end in zip(marks, ends) if on_page == page]


def passage_text(text: str, section: str = "") -> str:
    """What is embedded (and tagged) for a chunk: its section heading gives the text context."""
    return f"{section}\n{text}" if section else text


@dataclass(frozen=True)
class DocumentInfo:
    """What the index knows of a stored document (its commit record)."""

    doc_id: str
    file: str
    file_sha256: str
    title: str
    publisher: str
    date: str
    language: str
    pages: int
    chunks: int
    duplicate_of: str | None = None
    scanned_pages: tuple[int, ...] = ()  # the pages whose text was read by OCR

    @property
    def year(self) -> int | None:
        return year_of(self.date)


@dataclass(frozen=True)
class RetrievedChunk:
    """A chunk returned by retrieval, in rank order, with its fused score."""

    chunk_id: str
    doc_id: str
    file: str
    page_start: int
    page_end: int
    score: float
    text: str
    section: str = ""
    themes: tuple[str, ...] = ()
    dense_similarity: float = 0.0
    sentence_count: int | None = None  # None in indexes written before counts were recorded


@dataclass(frozen=True)
class Citation:
    doc_id: str
    file: str
    title: str
    publisher: str
    year: int | None
    page: int
    quote: str
    scanned: bool = False  # the page was read by OCR: the quote may carry reading errors


@dataclass(frozen=True)
class SummarySentence:
    text: str
    citations: tuple[Citation, ...]
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThemeCount:
    """A theme of an answer and how many of its sentences carry it."""

    id: str
    label: str
    count: int


@dataclass(frozen=True)
class Summary:
    """A cited extractive answer; ``answered`` is False when the reports do not cover it."""

    question: str
    answered: bool
    sentences: tuple[SummarySentence, ...]
    sources: tuple[Citation, ...]
    reason: str = ""
    retrieved: tuple[RetrievedChunk, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    themes: tuple[ThemeCount, ...] = ()
    kind: str = "answer"  # "answer" to a question, "report" summary, or theme "digest"
    heading: str = ""  # the report title or theme label a report summary or digest is about
    prose: str = ""  # grounded rewrite into prose (summarise/rewrite.py); "" = extractive only
    rewrite_notes: tuple[str, ...] = ()  # why a rewrite was not used (Dutch), if one was tried
    # The publishers a question named, whose reports alone were searched (core/source_mentions.py).
    asked_of: tuple[str, ...] = ()
    # Names and years the question asks about that no report of the library holds: the answer is
    # that plain statement (summarise/absent_names.py), with the nearest passages.
    absent: tuple[str, ...] = ()
    # P(the best quoted sentence answers the question), from the relevance model; 0 if refused.
    confidence: float = 0.0
    # The best sentence cleared the answer threshold but not the quote threshold: the model
    # doubts it answers (summarise/answer.py), and the answer says so.
    tentative: bool = False
    # A refusal's "Misschien relevant": the most probable sentences of a few retrieved chunks,
    # each cited, never presented as the answer.
    nearest: tuple[SummarySentence, ...] = ()
