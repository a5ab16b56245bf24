"""Lay clean blocks out as one document text, split it into sentences and pack them into chunks."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from langchain_text_splitters import CharacterTextSplitter

from core.models import Chunk, Sentence
from ingest.clean import HEADING, ITEM, PARAGRAPH, Block, join_lines
from ingest.pdf_tables import ParagraphOrigin, origin_pieces
from ingest.sentences import split_sentences

CHUNK_TOKENS = 320
MIN_SECTION_TOKENS = 120
_SENTENCE_SEPARATOR = "\n"
_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
_CONTINUES = re.compile(r"[^.!?:;…]$")
_BROKEN_WORD = re.compile(r"[^\W\d_]-$")  # a word broken at the end of a page: "Rotterdam-"
_OPENERS = "([{“‘„\"'"
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’)]*[⁰¹²³⁴⁵⁶⁷⁸⁹]*$")
_Unit = tuple[str, list[tuple[str, int]]]  # (block kind, [(text piece, page)])


@dataclass(frozen=True)
class SentenceSpan:
    """A sentence of the document text, with the page it starts on and its section."""

    text: str
    page: int
    section: str
    start: int
    end: int


@dataclass(frozen=True)
class LaidOutDocument:
    text: str
    sentences: tuple[SentenceSpan, ...]


def approx_tokens(text: str) -> int:
    """Subword tokens a multilingual encoder needs for Dutch text, estimated from words."""
    return round(_centitokens(text) / 100)


def _centitokens(text: str) -> int:
    """approx_tokens x 100, unrounded: it adds up over sentences, so the packer's sum of its
    sentences' sizes is the size of the chunk they make (rounded sizes added up to 325)."""
    return len(_TOKEN_RE.findall(text)) * 135


def lay_out(pages_blocks: list[list[Block]],
            origins: Sequence[Sequence[ParagraphOrigin]] = ()) -> LaidOutDocument:
    """Join the pages' blocks into one text; a paragraph running onto the next page stays one.

    ``origins`` (per page) tells which table cell paragraphs on a page hold text of other pages,
    so that every sentence gets the page it starts on.
    """
    units = _units(pages_blocks, origins)
    texts = [_text(pieces) for _, pieces in units]
    spans = split_sentences(texts[i] if units[i][0] != HEADING else "" for i in range(len(units)))
    spans = [_reattach_openers(text, unit_spans) for text, unit_spans in zip(texts, spans)]
    sentences: list[SentenceSpan] = []
    section, offset, parts = "", 0, []
    for (kind, pieces), text, unit_spans in zip(units, texts, spans):
        if kind == HEADING:
            section = text
        for start, end in unit_spans:
            sentence = text[start:end].strip()
            lead = len(text[start:end]) - len(text[start:end].lstrip())
            sentences.append(SentenceSpan(
                text=sentence, page=_page_at(pieces, start + lead), section=section,
                start=offset + start + lead, end=offset + start + lead + len(sentence),
            ))
        parts.append(text)
        offset += len(text) + 2
    return LaidOutDocument(text="\n\n".join(parts), sentences=tuple(sentences))


def chunk_document(doc_id: str, laid_out: LaidOutDocument,
                   max_tokens: int = CHUNK_TOKENS) -> list[Chunk]:
    """Pack whole sentences into chunks of at most ``max_tokens``, never crossing a sentence:
    a sentence longer than that (a table cell run, a long enumeration) is a chunk of its own.

    A chunk reads forward through the pages: where the next sentence stands on an earlier page
    (a table cell after a cell that ran onto later pages) a new chunk begins.
    """
    splitter = CharacterTextSplitter(
        separator=_SENTENCE_SEPARATOR, chunk_size=max_tokens * 100, chunk_overlap=0,
        length_function=_centitokens, keep_separator=False,
    )
    chunks: list[Chunk] = []
    for group in (run for section in _section_groups(laid_out.sentences)
                  for run in _forward_runs(section)):
        packed = splitter.split_text(_SENTENCE_SEPARATOR.join(s.text for s in group))
        cursor = 0
        for chunk_text in packed:
            members = group[cursor:cursor + chunk_text.count(_SENTENCE_SEPARATOR) + 1]
            cursor += len(members)
            chunks.append(_make_chunk(doc_id, len(chunks), members))
    return chunks


def _units(pages_blocks: list[list[Block]], origins: Sequence[Sequence[ParagraphOrigin]] = (),
           ) -> list[_Unit]:
    """Blocks as (kind, [(text piece, page)]), merging paragraphs continued across pages and
    list items that complete the sentence their lead-in began."""
    units: list[_Unit] = []
    for page_number, blocks in enumerate(pages_blocks, start=1):
        pending = list(origins[page_number - 1]) if page_number <= len(origins) else []
        for position, block in enumerate(blocks):
            block_pieces = origin_pieces(block.text, page_number, pending)
            previous = units[-1] if units else None
            continues = (
                position == 0 and previous is not None and previous[0] != HEADING
                and block.kind == PARAGRAPH
                and (_starts_small(block.text) and _CONTINUES.search(previous[1][-1][0]) is not None
                     or block.text[:1].isalpha() and _BROKEN_WORD.search(previous[1][-1][0]))
            )
            if continues:
                pieces = previous[1]
                before = _text(pieces)
                joined = join_lines(before, block.text, Counter())
                if not joined.startswith(before):  # the end-of-line hyphen was dropped
                    pieces[-1] = (pieces[-1][0][:-1], pieces[-1][1])
                    before = before[:-1]
                glue = joined[len(before):len(joined) - len(block.text)]
                first, first_page = block_pieces[0]
                pieces.append((glue + first, first_page))
                pieces.extend(block_pieces[1:])
            else:
                units.append((block.kind, block_pieces))
    return _join_completing_items(units)


def _starts_small(text: str) -> bool:
    """Whether a text begins with a small letter, after any opening brackets and quotes."""
    return text.lstrip(_OPENERS)[:1].islower()


def _join_completing_items(units: list[_Unit]) -> list[_Unit]:
    """A lead-in ending with ":" and the list items that go on with its sentence, as one unit
    joined with spaces ("Herstel bestaanszekerheid door:" / "de norm af te schaffen;" / "te
    voorkomen dat ... belastingregels.")."""
    joined: list[_Unit] = []
    index = 0
    while index < len(units):
        kind, pieces = units[index]
        leads_in = kind != HEADING and _text(pieces).endswith(":")
        count = _completing_items(units, index + 1) if leads_in else 0
        if count:
            pieces = list(pieces)
            for _, item in units[index + 1:index + 1 + count]:
                pieces.append((" " + item[0][0], item[0][1]))
                pieces.extend(item[1:])
        joined.append((kind, pieces))
        index += 1 + count
    return joined


def _completing_items(units: list[_Unit], start: int) -> int:
    """How many list items from ``start`` on complete the sentence of the lead-in before them:
    each starts with a small letter, each but the last ends with ";" or ",", the last ends the
    sentence. 0 when they do not (capitalised items are sentences of their own)."""
    for index in range(start, len(units)):
        kind, pieces = units[index]
        text = _text(pieces)
        if kind != ITEM or not _starts_small(text):
            return 0
        if _ENDS_SENTENCE.search(text):
            return index - start + 1
        if not text.endswith((";", ",")):
            return 0
    return 0


def _text(pieces: list[tuple[str, int]]) -> str:
    return "".join(piece for piece, _ in pieces)


def _reattach_openers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Move an opening bracket or quote that the sentencizer left at a sentence's end to the next."""
    fixed = list(spans)
    for index in range(len(fixed) - 1):
        start, end = fixed[index]
        body = text[start:end].rstrip()
        while len(body) > 1 and body[-1] in _OPENERS and body[-2].isspace():
            body = body[:-1].rstrip()
        if start + len(body) < end and text[start + len(body):end].strip():
            fixed[index] = (start, start + len(body))
            fixed[index + 1] = (start + len(body), fixed[index + 1][1])
    return fixed


def _page_at(pieces: list[tuple[str, int]], char: int) -> int:
    position = 0
    for piece, page in pieces:
        position += len(piece)
        if char < position:
            return page
    return pieces[-1][1]


def _section_groups(sentences: tuple[SentenceSpan, ...]) -> list[list[SentenceSpan]]:
    """Consecutive sentences of one section; a short section is packed with the next."""
    groups: list[list[SentenceSpan]] = []
    for sentence in sentences:
        starts_section = not groups or sentence.section != groups[-1][-1].section
        small = groups and approx_tokens(" ".join(s.text for s in groups[-1])) < MIN_SECTION_TOKENS
        if starts_section and not small:
            groups.append([sentence])
        else:
            groups[-1].append(sentence)
    return groups


def _forward_runs(sentences: list[SentenceSpan]) -> list[list[SentenceSpan]]:
    """The sentences split where one stands on an earlier page than the one before it."""
    runs: list[list[SentenceSpan]] = []
    for sentence in sentences:
        if runs and sentence.page >= runs[-1][-1].page:
            runs[-1].append(sentence)
        else:
            runs.append([sentence])
    return runs


def _make_chunk(doc_id: str, ordinal: int, members: list[SentenceSpan]) -> Chunk:
    chunk_id = f"{doc_id}:{ordinal:05d}"
    sentences = tuple(
        Sentence(sentence_id=f"{chunk_id}:{index:03d}", chunk_id=chunk_id, doc_id=doc_id,
                 page=member.page, text=member.text)
        for index, member in enumerate(members)
    )
    return Chunk(
        chunk_id=chunk_id, doc_id=doc_id, text=" ".join(m.text for m in members),
        page_start=min(m.page for m in members), page_end=max(m.page for m in members),
        section=next((m.section for m in members if m.section), ""),
        char_start=members[0].start, char_end=members[-1].end, sentences=sentences,
    )
