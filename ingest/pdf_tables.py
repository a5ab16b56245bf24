"""PDF page texts with tables read cell by cell, also when a table's rows run over many pages.

pypdf reads a table drawn in narrow columns as a stream of word pieces ("Vee", "r-", "kra",
"cht"), column by column and page by page, so a cell that runs onto the next page ends up
between the other columns. Here the text pieces keep their positions: columns are found as x
positions that recur on lines shared by three or more of them, rows start at the labels in the
leftmost column, the repeated column header is kept once, and every cell is joined back into
words. A page without such a grid keeps pypdf's own text, unchanged.

A row is written out on the page where it starts, but every piece of its cells keeps the page it
was read from: the returned page texts carry, per cell paragraph holding text of another page,
where in it each page's text begins (``PageText.origins``), so that a sentence is cited with the
page it stands on.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from pypdf import PageObject

from ingest.clean import join_lines, vocabulary
from ingest.wordbreaks import BREAK, Lexicon, resolve_breaks

_MIN_COLUMNS = 3  # cell columns on one line before the line counts as a table row
_MIN_GRID_LINES = 2
_ROW_GAP = 20.0  # points between label lines that start a new row
_LABEL_GAP = 5.0
_SENTENCE_END = re.compile(r"[.!?;:,)]$")


@dataclass(frozen=True)
class ParagraphOrigin:
    """A cell paragraph (as its letters and digits, ``key``) and where each page's text begins:
    (offset into ``key``, page number from 1), in order."""

    key: str
    starts: tuple[tuple[int, int], ...]


class PageText(str):
    """A page's text with the origins of the cell paragraphs on it that came from other pages."""

    origins: tuple[ParagraphOrigin, ...]

    def __new__(cls, text: str, origins: Sequence[ParagraphOrigin] = ()) -> PageText:
        page = super().__new__(cls, text)
        page.origins = tuple(origins)
        return page


@dataclass(frozen=True)
class Fragment:
    x: float
    y: float
    text: str
    size: float = 0.0  # the font size as drawn (points), for the title on a cover page


@dataclass
class _Table:
    columns: tuple[float, ...]
    header: list[list[str]]
    rows: list[_Row] = field(default_factory=list)


@dataclass
class _Row:
    page: int
    label: list[str] = field(default_factory=list)
    cells: dict[int, list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))


def extract_page_texts(fragments: Sequence[Sequence[Fragment]],
                       texts: Sequence[str]) -> list[PageText]:
    """The pages' texts (``texts`` as pypdf extracted them) with any table grid rebuilt from
    the pages' positioned text pieces (``read_page``)."""
    margin = _left_margin(fragments)
    before: list[str] = list(texts)
    after: list[str] = [""] * len(texts)
    tables: list[_Table] = []
    page_columns = _table_runs(fragments, margin)
    for index, columns in enumerate(page_columns):
        if not columns:
            continue
        above, cells, labels, below = _split_page(fragments[index], columns)
        before[index] = _lines_text(above)
        after[index] = _lines_text(below)
        continued = index > 0 and page_columns[index - 1] == columns
        table = tables[-1] if continued else None
        header_depth = _header_depth(cells, labels, table)
        if table is None:
            table = _Table(columns, _column_texts(cells, columns, header_depth, head=True))
            tables.append(table)
        _add_rows(table, index, cells, labels, header_depth)
    table_text: dict[int, list[str]] = defaultdict(list)
    origins: dict[int, list[ParagraphOrigin]] = defaultdict(list)
    # The body text's words, not the tables': their pieces ("Lei", "dse") are no words.
    lexicon = Lexicon(vocabulary([text.splitlines() for text in (*before, *after)]))
    for table in tables:
        header = " – ".join(_join_pieces(parts, lexicon) for parts in table.header)
        table_text[table.rows[0].page if table.rows else 0].append(header)
        for row in table.rows:
            for text, origin in _row_paragraphs(row, len(table.columns), lexicon):
                table_text[row.page].append(text)
                if origin and any(page != row.page + 1 for _, page in origin.starts):
                    origins[row.page].append(origin)
    return [
        PageText("\n\n".join(part for part in (before[i], *table_text.get(i, ()), after[i])
                              if part.strip()), origins.get(i, ()))
        for i in range(len(texts))
    ]


def text_key(text: str) -> str:
    """The letters and digits of a text, lowercase and without ligatures: what cleaning and
    joining a cell's pieces never change. One character's key is its part of the whole's."""
    return "".join(_char_key(char) for char in unicodedata.normalize("NFC", text))


def _char_key(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", char).lower() if c.isalnum())


def origin_pieces(text: str, page: int, pending: list[ParagraphOrigin]) -> list[tuple[str, int]]:
    """A clean block's text as (text, page) pieces: split where a cell paragraph's text moves to
    another page when the block is one of ``pending`` (which it is then taken from), else whole.
    A block may have lost a leading bullet mark to cleaning, so its key may end the paragraph's."""
    key = text_key(text)
    match = next((o for o in pending if key and o.key.endswith(key)), None) if pending else None
    if match is None:
        return [(text, page)]
    pending.remove(match)
    skipped = len(match.key) - len(key)
    cuts: list[tuple[int, int]] = []  # (character index in text, page from there on)
    starts = [(max(offset - skipped, 0), number) for offset, number in match.starts]
    position = 0
    for index, char in enumerate(text):
        size = len(_char_key(char))
        while size and starts and starts[0][0] <= position:
            cut = index
            while cut > 0 and not text[cut - 1].isspace() and not _char_key(text[cut - 1]):
                cut -= 1  # an opening bracket or quote goes with its word
            cuts.append((cut, starts.pop(0)[1]))
        position += size
    if not cuts:
        return [(text, page)]
    cuts[0] = (0, cuts[0][1])
    bounds = [index for index, _ in cuts[1:]] + [len(text)]
    return [(text[start:end], number) for (start, number), end in zip(cuts, bounds) if end > start]


def read_page(page: PageObject) -> tuple[str, list[Fragment]]:
    """pypdf's text of the page and its text pieces with their positions, from one pass over
    the content stream (a second pass cost a third of a corpus ingest's reading time); a hyphen
    piece joins the piece before it."""
    fragments: list[Fragment] = []

    def visit(text: str, cm, tm, _font, size) -> None:
        if not text.strip():
            return
        x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        previous = fragments[-1] if fragments else None
        if previous and text.lstrip().startswith("-") and abs(previous.y - y) < 1.0 \
                and not previous.text.endswith(" "):
            fragments[-1] = Fragment(previous.x, previous.y, previous.text + text, previous.size)
        else:
            # The size as drawn: the font size scaled by the text and graphics matrices.
            drawn = (size or 0.0) * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
            fragments.append(Fragment(round(x, 1), round(y, 1), text, round(drawn, 1)))

    text = page.extract_text(visitor_text=visit)
    return text or "", fragments


def _left_margin(fragments: Sequence[Sequence[Fragment]]) -> float:
    """Where body lines start: the most common x of long text pieces."""
    counts = Counter(round(f.x) for page in fragments for f in page if len(f.text) > 30)
    return float(counts.most_common(1)[0][0]) if counts else 0.0


def _table_runs(fragments: Sequence[Sequence[Fragment]], margin: float) -> list[tuple[float, ...]]:
    """Per page, the columns of the table on it: one tuple for a run of pages of one table.

    A page may show only some columns of a grid (the others being empty there), and a table's
    last page may hold a single column; it still repeats the header in every column.
    """
    detected = [_cell_columns(page, margin) for page in fragments]
    runs: list[list[int]] = []
    union: list[set[float]] = []
    for index, columns in enumerate(detected):
        current = union[-1] if runs and runs[-1][-1] == index - 1 else None
        shared = current is not None and len(current & set(columns)) >= 2
        if columns and not shared:
            runs.append([index])
            union.append(set(columns))
        elif current is not None and (shared or _shows_columns(fragments[index], current)):
            runs[-1].append(index)
            current.update(columns)
    per_page: list[tuple[float, ...]] = [()] * len(fragments)
    for pages, columns in zip(runs, union):
        for index in pages:
            per_page[index] = tuple(sorted(columns))
    return per_page


def _shows_columns(fragments: Sequence[Fragment], columns: set[float]) -> bool:
    return sum(any(abs(f.x - x) <= 1.5 for f in fragments) for x in columns) >= _MIN_COLUMNS


def _cell_columns(fragments: Sequence[Fragment], margin: float) -> tuple[float, ...]:
    """x positions of table columns right of the margin; () when the page has no grid."""
    lines: dict[float, set[float]] = defaultdict(set)
    for fragment in fragments:
        if fragment.x > margin + _LABEL_GAP * 4:
            lines[fragment.y].add(round(fragment.x))
    recurring = Counter(x for xs in lines.values() for x in xs)
    frequent = {x for x, count in recurring.items() if count >= 4}
    grid = [xs & frequent for xs in lines.values() if len(xs & frequent) >= _MIN_COLUMNS]
    if len(grid) < _MIN_GRID_LINES:
        return ()
    return tuple(sorted(set().union(*grid)))


def _split_page(fragments: Sequence[Fragment], columns: tuple[float, ...]):
    """Body fragments above and below the table, the cell fragments and the row labels."""
    in_cells = [f for f in fragments if _column_of(f, columns) is not None]
    top = max(f.y for f in in_cells) + 2.0
    bottom = min(f.y for f in in_cells) - 2.0
    label_limit = columns[0] - _LABEL_GAP
    labels = [f for f in fragments if bottom <= f.y <= top and f.x < label_limit]
    inside = {id(f) for f in (*in_cells, *labels)}
    above = [f for f in fragments if id(f) not in inside and f.y > bottom]
    below = [f for f in fragments if id(f) not in inside and f.y <= bottom]
    return above, in_cells, labels, below


def _column_of(fragment: Fragment, columns: tuple[float, ...]) -> int | None:
    for index, x in enumerate(columns):
        if abs(fragment.x - x) <= 1.5:
            return index
    return None


def _header_depth(cells: list[Fragment], labels: list[Fragment], table: _Table | None) -> float:
    """The y below which cell content starts: under the first label, or under a repeated header."""
    if table is None:
        return max(f.y for f in labels) + 2.0 if labels else max(f.y for f in cells) + 2.0
    by_column = _by_column(cells, table.columns)
    depth = max(f.y for f in cells) + 2.0
    for column, header in enumerate(table.header):
        pieces = by_column.get(column, [])
        if [f.text for f in pieces[:len(header)]] == header and header:
            depth = min(depth, pieces[len(header) - 1].y - 0.5)
    return depth


def _column_texts(cells: list[Fragment], columns: tuple[float, ...], depth: float,
                  head: bool) -> list[list[str]]:
    by_column = _by_column(cells, columns)
    return [[f.text for f in by_column.get(i, []) if (f.y > depth) == head]
            for i in range(len(columns))]


def _by_column(cells: list[Fragment], columns: tuple[float, ...]) -> dict[int, list[Fragment]]:
    by_column: dict[int, list[Fragment]] = defaultdict(list)
    for fragment in sorted(cells, key=lambda f: (-f.y, f.x)):
        by_column[_column_of(fragment, columns)].append(fragment)
    return by_column


def _add_rows(table: _Table, page: int, cells: list[Fragment], labels: list[Fragment],
              depth: float) -> None:
    starts: list[float] = []
    previous_y = float("inf")
    for label in sorted(labels, key=lambda f: -f.y):
        if previous_y - label.y > _ROW_GAP:
            starts.append(label.y)
            table.rows.append(_Row(page))
        table.rows[-1].label.append(label.text)
        previous_y = label.y
    first_new = len(table.rows) - len(starts)
    if not table.rows:
        table.rows.append(_Row(page))
        first_new = 0
    for fragment in sorted(cells, key=lambda f: (-f.y, f.x)):
        if fragment.y > depth:
            continue
        started = [i for i, y in enumerate(starts) if y + 2.0 >= fragment.y]
        row = table.rows[first_new + started[-1]] if started else table.rows[first_new - 1]
        row.cells[_column_of(fragment, table.columns)].append((fragment.text, page))


def _row_paragraphs(row: _Row, columns: int,
                    lexicon: Lexicon) -> list[tuple[str, ParagraphOrigin | None]]:
    """The row's label and cells as paragraphs, each with where its pages' texts begin."""
    cells = [[(label, row.page) for label in row.label]]
    cells += [row.cells.get(i, []) for i in range(columns)]
    paragraphs = []
    for pieces in cells:
        text = " ".join(_join_pieces([piece for piece, _ in pieces], lexicon).split())
        if text.strip():
            paragraphs.append((text, _origin(text, pieces)))
    return paragraphs


def _origin(text: str, pieces: Sequence[tuple[str, int]]) -> ParagraphOrigin | None:
    """Where each page's pieces begin in the paragraph's key (page numbers from 1); None when the
    joined text lost or gained letters, which joining never does."""
    key = text_key(text)
    starts: list[tuple[int, int]] = []
    offset = 0
    for piece, page in pieces:
        if not starts or starts[-1][1] != page + 1:
            starts.append((offset, page + 1))
        offset += len(text_key(piece))
    return ParagraphOrigin(key, tuple(starts)) if offset == len(key) else None


def _join_pieces(pieces: Sequence[str], lexicon: Lexicon) -> str:
    """Join a cell's line pieces: a space ends a word, a hyphen may be a break, else the lexicon."""
    text = ""
    for piece in pieces:
        if not text or text.endswith(" ") or piece.startswith(" "):
            text += piece
        elif text.endswith("-"):
            text = join_lines(text, piece, Counter())
        elif piece[:1].isupper() and _SENTENCE_END.search(text):
            text = f"{text} {piece}"
        else:
            text += BREAK + piece
    return resolve_breaks(" ".join(text.split()), lexicon)


def _lines_text(fragments: Sequence[Fragment]) -> str:
    """Body fragments back into lines, top to bottom."""
    lines: dict[float, list[Fragment]] = defaultdict(list)
    for fragment in fragments:
        key = next((y for y in lines if abs(y - fragment.y) < 1.0), fragment.y)
        lines[key].append(fragment)
    return "\n".join(_join_line(sorted(lines[y], key=lambda f: f.x)) for y in sorted(lines, reverse=True))


def _join_line(fragments: Sequence[Fragment]) -> str:
    text = ""
    for fragment in fragments:
        glue = "" if not text or text.endswith(" ") or fragment.text.startswith((" ", "-")) else " "
        text += glue + fragment.text
    return text.strip()
