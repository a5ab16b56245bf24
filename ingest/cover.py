"""A report's title as a reader sees it on the first pages: the largest lines, or a labelled one.

The text pieces of pages 1-2 (``RawDocument.cover``, with their drawn font sizes) are put back
into lines. On a page set in a few font sizes (a born-digital cover) the title is the top-most
line of the largest size, with the large lines right below it (a subtitle, a title over two or
three lines). Letters, notes and minutes, and pages whose text layer came from OCR (where every
line has a size of its own), have no such hierarchy: there the title is the line labelled
"Betreft", "Onderwerp", "Titel", "Subject" or "Document", else the first line that can be one.
Lines that are no title are skipped everywhere: page numbers and other lone numbers, a date or
place-and-date line, "Retouradres", "Pagina 1 van 3", web and mail addresses, a running header
(a line repeated on page 2, or fields parted by a bar: "GezondIn | Versneld leren"), and an
organisation's name alone (the letterhead; the publisher is found apart).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.clean import join_lines
from ingest.organisations import is_organisation_line, name_spans

# A line at least this much larger than the body text is display type (a title or heading).
# Measured on the development half of eval/real (dev/check split by file order): cover
# subtitles run 1.2-1.6x the body (12 over 10, 16.1 over 9.1), body-size variants (bold,
# 10.4 over 9.4 labels) stay below 1.12.
_DISPLAY_RATIO = 1.15
# A page whose letters are mostly in its three most common sizes is typeset. Measured on all
# pages 1 of eval/real (both halves, the same picture in each): in the OCR layers of the scans
# 37-75% are (sizes follow the scanned glyphs), on born-digital pages 93-100%; 0.85 lies between.
_TYPESET_SHARE = 0.85
# A title's lines follow each other at most this many line heights apart (covers set titles
# with generous leading: 45 pt between 16 pt lines measured).
_TITLE_LEADING = 3.0
_MAX_TITLE_LINES = 4
_LABEL = re.compile(r"^\s*(?:Betreft|Onderwerp|Titel|Subject|Document)\s*:?\s+(\S.*)$", re.IGNORECASE)
_DATE = re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b|\b(?:\d{1,2}\s+)?(?:jan|feb|maart|apr|mei|"
                   r"jun|jul|aug|sep|okt|nov|dec)[a-z]*\.?\s+\d{4}\b", re.IGNORECASE)
# (a bar between words parts a running header's fields: "GezondIn | Versneld leren")
_NOISE = re.compile(r"retouradres|^pagina\s+\d+|^page\s+\d+|www\.|https?:|@|^datum\b|^versie\b"
                    r"|\w\W*\s\|\s\W*\w", re.IGNORECASE)
_FUNCTION_END = re.compile(r"\b(bij|van|de|het|een|en|of|over|voor|met|op|in|aan|te|tot|the|of|and)$",
                           re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    text: str
    size: float
    x: float
    y: float


def cover_title(pages: Sequence[Sequence], page_texts: Sequence[str] = (),
                field_title: str = "") -> str:
    """The title of a report from its first pages' text pieces (``pages``: per page a sequence
    of ``Fragment``), or from their plain text when there are no pieces; '' if none is found.
    ``field_title`` (a PDF Title field found plausible) comes after the display and labelled
    lines, before the first line that can be a title."""
    lines = [page_lines(fragments) for fragments in pages[:2]]
    if not any(lines):
        lines = [[Line(text, 0.0, 0.0, 0.0) for text in _plain_lines(page)]
                 for page in page_texts[:2]]
    repeated = {_key(line.text) for line in lines[1]} if len(lines) > 1 else set()
    pages_candidates = [[line for line in _without_letterheads(page)
                         if _key(line.text) not in repeated] for page in lines]
    body = _body_size([line for page in lines for line in page])
    for number, (page, candidates) in enumerate(zip(lines, pages_candidates)):
        title = display_title(candidates, page, body) if _typeset(page) else ""
        if title := title or labelled_title([line.text for line in candidates]):
            return respace(title, page_texts[number]) if number < len(page_texts) else title
    if field_title:
        return field_title
    return next((_with_continuation(candidates, index) for candidates in pages_candidates
                 for index, line in enumerate(candidates) if _can_be_title(line.text)), "")


def page_lines(fragments: Sequence) -> list[Line]:
    """A page's text pieces as lines, top to bottom: pieces on one baseline, of about one size
    and without a column's gap between them."""
    groups: list[list] = []
    for piece in sorted(fragments, key=lambda f: (-f.y, f.x)):
        size = piece.size or 10.0
        for group in reversed(groups[-6:]):
            first, last = group[0], max(group, key=lambda f: f.x)
            end = last.x + 0.5 * len(last.text) * (last.size or 10.0)
            if (abs(first.y - piece.y) <= 0.3 * size and _same_size(first.size, piece.size)
                    and piece.x - end <= 2.5 * size):
                group.append(piece)
                break
        else:
            groups.append([piece])
    lines = []
    for group in groups:
        group.sort(key=lambda f: f.x)
        text = " ".join("".join(f.text for f in group).split())
        if text:
            size = Counter(f.size for f in group for ch in f.text if ch.isalpha()).most_common(1)
            lines.append(Line(text, size[0][0] if size else group[0].size, group[0].x, group[0].y))
    return sorted(lines, key=lambda line: (-round(line.y), line.x))


def display_title(candidates: list[Line], page: list[Line], body: float) -> str:
    """The first line of the largest display size in reading order (``body``: the body text's
    size) with the display lines right below it; a single word alone ("Inhoud", "Financiën") is
    a heading, and an organisation's name no title, so the next start is tried. A smaller
    display run ending in a date below the title is its dateline, not a subtitle ("Adopted by
    the Security Council at its 4644th meeting, on" / "8 November 2002")."""
    starts = [line for line in candidates
              if line.size >= _DISPLAY_RATIO * body and _can_be_title(line.text)]
    for start in (line for size in sorted({line.size for line in starts}, reverse=True)
                  for line in reading_order([line for line in starts if line.size == size])):
        index = page.index(start)
        parts, previous = [start], start
        for line in page[index + 1:]:
            if not _overlaps(line, start):
                continue  # another column
            gap = previous.y - line.y
            if (len(parts) >= _MAX_TITLE_LINES or line.size < _DISPLAY_RATIO * body or gap <= 0
                    or gap > _TITLE_LEADING * max(line.size, previous.size)
                    or line not in candidates or _is_number(line.text)):
                break
            parts.append(line)
            previous = line
        title = _joined([line.text for line in _without_dateline(parts)])
        if len(title.split()) >= 2 and not is_organisation_line(title):
            return title
    return ""


def labelled_title(lines: Sequence[str]) -> str:
    """The value of the first "Betreft:"-like line, with its next line when it stops on a
    function word ("... behorend bij")."""
    for index, line in enumerate(lines):
        match = _LABEL.match(line)
        if not match and _LABEL.match(f"{line} x") and index + 1 < len(lines):
            # the label alone on its line ("Document:"), the value set in a column beside it
            line, index = f"{line} {lines[index + 1]}", index + 1
            match = _LABEL.match(line)
        if match and re.search(r"[^\W\d_]{3,}", match.group(1)):
            value = [match.group(1)]
            if _FUNCTION_END.search(value[0].strip()) and index + 1 < len(lines):
                value.append(lines[index + 1])
            return _joined(value)
    return ""


def reading_order(lines: Sequence[Line]) -> list[Line]:
    """Lines (top to bottom) as a reader takes them: column by column from the left, where
    lines sharing some of their width are one column, top to bottom within a column."""
    columns: list[list[Line]] = []
    for line in lines:
        column = next((column for column in columns
                       if any(_overlaps(line, other) for other in column)), None)
        if column is None:
            columns.append([line])
        else:
            column.append(line)
    return [line for column in sorted(columns, key=lambda column: min(line.x for line in column))
            for line in column]


def _without_dateline(parts: list[Line]) -> list[Line]:
    """The title's lines without a dateline: the run of lines of one size, smaller than the
    first line, that closes the title with a date."""
    end = len(parts)
    if end < 2 or not _is_date_line(parts[-1].text) or parts[-1].size >= 0.9 * parts[0].size:
        return parts
    while end > 1 and abs(parts[end - 1].size - parts[-1].size) < 0.5:
        end -= 1
    return parts[:end]


def _with_continuation(lines: list[Line], index: int) -> str:
    """The line at ``index`` with the lines after it while a word breaks at a line's end
    ("... ten tijde van coro-" / "na") or a bracket is still open ("... (conform
    Subsidieregeling" / "abortusklinieken artikel 24 lid 3 sub b)"), at most three lines."""
    end = index + 1
    while end < min(len(lines), index + 3) and (
            re.search(r"[^\W\d_]-$", lines[end - 1].text)
            or _open_brackets(" ".join(line.text for line in lines[index:end])) > 0):
        end += 1
    return _joined([line.text for line in lines[index:end]])


def _open_brackets(text: str) -> int:
    return text.count("(") - text.count(")")


def _joined(lines: Sequence[str]) -> str:
    """Title lines as one, a word broken over two lines made whole (as wrapped text lines)."""
    text = ""
    for line in (line.strip() for line in lines):
        text = join_lines(text, line, Counter()) if text else line
    return " ".join(text.split())


def _can_be_title(text: str) -> bool:
    letters = len(re.findall(r"[^\W\d_]", text))
    if letters < 4 or _NOISE.search(text) or is_organisation_line(text) or text.endswith(":"):
        return False  # (a line ending in ":" is a label)
    return not _is_date_line(text)


def _is_date_line(text: str) -> bool:
    """Whether a line is a date with at most two other words ("Den Haag, 3 april 2009",
    "Versie: 19 april 2024")."""
    words = re.findall(r"[^\W\d_]{2,}", _DATE.sub(" ", text))
    return bool(_DATE.search(text)) and len(words) <= 2


def _overlaps(line: Line, other: Line) -> bool:
    """Whether two lines share some of their width (estimated at half an em per letter)."""
    def end(item: Line) -> float:
        return item.x + 0.5 * len(item.text) * (item.size or 10.0)
    return line.x <= end(other) and other.x <= end(line)


def respace(title: str, page_text: str) -> str:
    """The title with the spacing of pypdf's page text where that holds the same letters: text
    pieces carry no widths, so a gap between two pieces ("Subsidieregeling" "publieke") is
    only seen there."""
    letters = [ch for ch in title if not ch.isspace()]
    if not letters or len(letters) > 400:
        return title
    match = re.search(r"\s*".join(re.escape(ch) for ch in letters), page_text)
    return " ".join(match.group(0).split()) if match else title


def _without_letterheads(page: list[Line]) -> list[Line]:
    """The page's lines without an organisation's name set over two lines ("Ministerie van
    Volksgezondheid," / "Welzijn en Sport")."""
    drop: set[int] = set()
    for index, line in enumerate(page):
        below = next((i for i in range(index + 1, min(index + 4, len(page)))
                      if _overlaps(page[i], line)), None)  # the next line of its column
        joined = f"{line.text} {page[below].text}" if below is not None else ""
        if joined and is_organisation_line(joined) and any(
                start < len(line.text) < end for start, end in name_spans(joined)):
            drop.update((index, below))  # a name running from one line onto the next
    return [line for index, line in enumerate(page) if index not in drop]


def _typeset(page: list[Line]) -> bool:
    """Whether the page is set in a few font sizes (plain text lines have no size at all)."""
    counts = Counter()
    for line in page:
        if line.size:
            counts[round(line.size, 1)] += sum(ch.isalpha() for ch in line.text)
    total = sum(counts.values())
    return total > 0 and sum(n for _, n in counts.most_common(3)) >= _TYPESET_SHARE * total


def _body_size(page: list[Line]) -> float:
    counts = Counter()
    for line in page:
        counts[round(line.size, 1)] += sum(ch.isalpha() for ch in line.text)
    return counts.most_common(1)[0][0] if counts else 0.0


def _same_size(a: float, b: float) -> bool:
    return not a or not b or abs(a - b) <= 0.2 * max(a, b)


def _is_number(text: str) -> bool:
    return not re.search(r"[^\W\d_]{2,}", text)


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


def _plain_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
