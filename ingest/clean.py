"""Turn raw page texts into clean blocks: headers/footers gone, hyphenation undone, lines joined."""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass

from ingest.wordbreaks import is_dutch_word

HEADING, PARAGRAPH, ITEM = "heading", "paragraph", "item"

_TERMINAL = (".", "!", "?", ":", ";", "…", '"', "”", "’", "'", ")")
_FOOTNOTE_MARKS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_OPENERS = "'\"‘“„("
_WORDISH = re.compile(r"[^\W\d_]{2}")
_NUMBERED = re.compile(r"^\d{1,2}\.\s+[^\W\d_]")
# List marks; "e" before a capital is an OCR'd bullet, "o" is Word's second-level list mark as
# pypdf reads it (seven of the 30 real PDFs: "o U vraagt voor het eerst een subsidie aan").
_BULLET_RE = re.compile(r"^\s*(?:[•·●◦▪■□‣∙¢*–—-]|e(?= [A-Z])|o(?= \S))\s+")
# Word's "o" mark with the space after it lost: "obevoegd en/of gemachtigd te zijn".
_GLUED_O_MARK = re.compile(r"^o(?=([a-zà-ÿ]+)\b)")
_PAGE_NUMBER_RE = re.compile(r"^(?:pagina|page|blz\.?|p\.)?\s*\d{1,4}(?:\s*(?:/|van|of)\s*\d{1,4})?$",
                             re.IGNORECASE)
_WORD_RE = re.compile(r"[\w'’]+(?:-[\w'’]+)*")
# A Dutch word after an abbreviation's hyphen (Wmo-aanvragen) has at least this many letters:
# shorter pieces are mostly the end of a name cut in two (Til-burg, Zaan-stad).
MIN_HYPHENATED_WORD = 5
_LIGATURES = {"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "\u00ad": "", "\u200b": ""}
_MD_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]{0,200}>")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")


@dataclass(frozen=True)
class Block:
    kind: str
    text: str


def clean_pages(raw_pages: list[str], markdown: bool = False) -> list[list[Block]]:
    """Clean every page; returns the blocks (headings, paragraphs, list items) of each page."""
    pages_lines = [_normalise_lines(page) for page in raw_pages]
    if markdown:
        pages_lines = [_markdown_to_plain(lines) for lines in pages_lines]
    pages_lines = strip_running_lines(pages_lines)
    pages_lines = [_separate_glued_marks(lines) for lines in pages_lines]
    words = vocabulary(pages_lines)
    width = _typical_line_width(pages_lines)
    double_spaced = _is_double_spaced(pages_lines)
    return [
        _blocks(lines, words, width, double_spaced, markdown) for lines in pages_lines
    ]


def strip_running_lines(pages_lines: list[list[str]]) -> list[list[str]]:
    """Remove page numbers and header/footer lines repeated at the top or bottom of pages."""
    if len(pages_lines) < 3:
        return [[line for line in lines] for lines in pages_lines]
    signature_pages: Counter[str] = Counter()
    for lines in pages_lines:
        edges = {_signature(line) for line in _edge_lines(lines)}
        signature_pages.update(edges)
    threshold = max(2, int(0.4 * len(pages_lines)))
    running = {sig for sig, count in signature_pages.items() if count >= threshold}
    cleaned = []
    for lines in pages_lines:
        edge_ids = {id(line) for line in _edge_lines(lines)}
        cleaned.append([
            line for line in lines
            if not (id(line) in edge_ids and (_signature(line) in running
                                              or _PAGE_NUMBER_RE.match(line.strip())))
        ])
    return cleaned


def _edge_lines(lines: list[str]) -> list[str]:
    content = [line for line in lines if line.strip()]
    return content[:2] + content[-2:] if len(content) > 4 else content


def _signature(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def _normalise_lines(page: str) -> list[str]:
    for ligature, plain in _LIGATURES.items():
        page = page.replace(ligature, plain)
    page = unicodedata.normalize("NFC", page)
    lines = []
    for line in page.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = "".join(ch for ch in line if ch == "\t" or unicodedata.category(ch)[0] != "C")
        line = re.sub(r"[ \t\u00a0]+", " ", line).strip()
        if line and not re.search(r"[\w]", line) and not _BULLET_RE.match(line + " x"):
            continue  # OCR debris and rules: lines with no letter or digit at all
        lines.append(line)
    return lines


def _separate_glued_marks(lines: list[str]) -> list[str]:
    """A line that opens with Word's "o" list mark glued to its first word ("obevoegd"), in a list
    of such items (a line before or after it opens with "o "), gets its space back; only when the
    glued word is no Dutch word and the word without the "o" is ("ook", "over" stay)."""
    separated = list(lines)
    for i, line in enumerate(lines):
        glued = _GLUED_O_MARK.match(line)
        if not glued:
            continue
        beside = lines[max(i - 1, 0):i] + lines[i + 1:i + 2]
        word = glued.group(1).lower()
        if (any(other.startswith("o ") for other in beside) and len(word) >= 3
                and is_dutch_word(word) and not is_dutch_word("o" + word)):
            separated[i] = "o " + line[1:]
    return separated


def _markdown_to_plain(lines: list[str]) -> list[str]:
    plain = []
    for line in lines:
        if _MD_TABLE_SEPARATOR.match(line):
            continue
        if line.startswith("|"):
            cells = [_strip_inline_markup(cell) for cell in line.strip("|").split("|")]
            line = " – ".join(cell for cell in cells if cell)
            plain.extend(["", line, ""] if line else [""])
            continue
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        if heading:
            plain.extend(["", "# " + _strip_inline_markup(heading.group(1)), ""])
            continue
        line = re.sub(r"^>\s?", "", line)
        plain.append(_strip_inline_markup(line))
    return plain


def _strip_inline_markup(text: str) -> str:
    text = _HTML_TAG.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    text = text.replace("\\", "")
    return re.sub(r"\s+", " ", text).strip()


def vocabulary(pages_lines: list[list[str]]) -> Counter[str]:
    """How often each word (lower case) occurs in the lines; a word cut at a line end is left out."""
    words: Counter[str] = Counter()
    for lines in pages_lines:
        for line in lines:
            body = re.sub(r"\S*-$", "", line)
            words.update(word.lower() for word in _WORD_RE.findall(body))
    return words


def _typical_line_width(pages_lines: list[list[str]]) -> float:
    lengths = [len(line) for lines in pages_lines for line in lines if len(line) > 20]
    return statistics.median(lengths) if lengths else 80.0


def _is_double_spaced(pages_lines: list[list[str]]) -> bool:
    """Text extracted with an empty line after every line: blank lines then carry no meaning."""
    lines = [line for page in pages_lines for line in page]
    blank = sum(1 for line in lines if not line)
    return len(lines) > 20 and blank >= 0.4 * len(lines)


def _blocks(lines: list[str], words: Counter[str], width: float,
            double_spaced: bool, markdown: bool) -> list[Block]:
    blocks: list[Block] = []
    kind, current, previous = PARAGRAPH, "", ""

    def close() -> None:
        nonlocal kind, current
        if current.strip():
            blocks.append(Block(kind, current.strip()))
        kind, current = PARAGRAPH, ""

    content = [line for line in lines if line] if double_spaced else lines
    for index, line in enumerate(content):
        if not line:
            close()
            previous = ""
            continue
        next_line = next((other for other in content[index + 1:] if other), "")
        if markdown and line.startswith("# "):
            close()
            blocks.append(Block(HEADING, line[2:].strip()))
            previous = ""
            continue
        bullet = _opens_item(line, previous if current else "", width)
        if bullet:
            close()
            kind, current = ITEM, line[bullet.end():]
        elif kind == HEADING and current and _is_capitals(line):
            current = join_lines(current, line, words)  # a heading in capitals over two lines
        elif ((not current or _ends_sentence(previous))
              and _looks_like_heading(line, next_line, width)):
            close()  # a heading after a paragraph's last full line starts a block of its own
            kind, current = HEADING, line
        elif current:
            current = join_lines(current, line, words)
        else:
            current = line
        if _ends_block(kind, line, next_line, width, markdown):
            close()
        previous = line
    close()
    return blocks


def _ends_sentence(text: str) -> bool:
    """Whether the text ends with end punctuation, footnote marks after it left aside."""
    return text.rstrip(_FOOTNOTE_MARKS).endswith(_TERMINAL)


def _opens_item(line: str, previous: str, width: float) -> re.Match[str] | None:
    """The list mark opening ``line``. A dash before a small letter, after a full line that ends
    no sentence, is the text's own dash wrapped to the line start ("de verhalen achter – en vóór
    / – de cijfers")."""
    bullet = _BULLET_RE.match(line)
    if (bullet and line[0] in "–—-" and line[bullet.end():][:1].islower() and previous
            and not _ends_sentence(previous) and len(previous) >= 0.8 * width):
        return None
    return bullet


def _is_capitals(line: str) -> bool:
    letters = [char for char in line if char.isalpha()]
    return len(letters) >= 4 and all(char.isupper() for char in letters)


def _looks_like_heading(line: str, next_line: str, width: float) -> bool:
    """A short line that starts with a capital or a number and does not end a sentence, before
    a line that starts anew; a heading in capitals may break a word at its end."""
    words = line.split()
    capitals = _is_capitals(line)
    if not words or (len(words) > 12 and not capitals) or len(line) > min(90, 0.8 * width):
        return False
    if _ends_sentence(line) or line.endswith(",") or (line.endswith("-") and not capitals):
        return False
    first = line.lstrip(_OPENERS)[:1]
    if not (first.isupper() or first.isdigit()) or not _WORDISH.search(line):
        return False  # a page number alone is no heading
    return not next_line or _starts_anew(next_line)


def _starts_anew(line: str) -> bool:
    """Whether a line may begin a block: a capital, a number like "4. " or a bullet."""
    return line[0].isupper() or bool(_NUMBERED.match(line) or _BULLET_RE.match(line))


def _ends_block(kind: str, line: str, next_line: str, width: float, markdown: bool) -> bool:
    if not next_line:
        return True
    if kind == HEADING:
        return not (_is_capitals(line) and _is_capitals(next_line))
    if _opens_item(next_line, line, width) or (markdown and next_line.startswith("# ")):
        return True
    if not _starts_anew(next_line):
        return False
    # Justified text fills its lines: a line well short of the width ends its paragraph or list
    # item (or is a heading or a table-of-contents entry), with or without a full stop. In the
    # corpus, lines wrapped before a capital fill at least 0.83 of the width; headings and last
    # list items without a full stop fill at most 0.79.
    return len(line) < 0.8 * width


def join_lines(left: str, right: str, vocabulary: Counter[str]) -> str:
    """Join two wrapped lines, undoing end-of-line hyphenation but keeping real hyphens."""
    if not left.endswith("-") or len(left) < 2 or not left[-2].isalpha() or not right:
        return f"{left} {right}"
    head = re.search(r"[\w'’-]+-$", left)
    tail = re.match(r"[\w'’]+", right)
    if not head or not tail:
        return f"{left} {right}"
    first, second = head.group(0)[:-1], tail.group(0)
    if second.lower() in {"en", "of", "tot"}:
        return f"{left} {right}"  # an elided compound part: "zorg- en welzijn"
    joined, hyphenated = (first + second).lower(), f"{first}-{second}".lower()
    before = left[:head.start()].rstrip()
    keep_hyphen = (
        (second[0].isupper() and not (first.isupper() and second.isupper()))
        or (vocabulary[joined] == 0 and (
            vocabulary[hyphenated] > 0
            or _is_abbreviation_before_word(first, second, opens_sentence=not before
                                            or _ends_sentence(before))))
    )
    return left + right if keep_hyphen else left[:-1] + right


def _is_abbreviation_before_word(first: str, second: str, opens_sentence: bool) -> bool:
    """Whether ``first``-``second`` is an abbreviation or name hyphenated to a Dutch word, as Dutch
    writes it (Wmo-aanvragen, GGD-regio's): ``first`` is capitalised where no sentence begins or
    holds a capital or digit after its first letter, and is no Dutch word (nor one with a linking
    s or en: Rijks-, Jongeren-), while ``second`` is a Dutch word of MIN_HYPHENATED_WORD letters
    or more. A name hyphenation cut in two has no such second part (Amers-foort, Til-burg)."""
    capitalised = (any(ch.isupper() or ch.isdigit() for ch in first[1:])
                   or (first[:1].isupper() and not opens_sentence))
    lowered = first.lower()
    stems = (lowered, lowered.removesuffix("s"), lowered.removesuffix("en"))
    return (capitalised and len(second) >= MIN_HYPHENATED_WORD
            and not any(is_dutch_word(stem) for stem in stems)
            and is_dutch_word(second.lower()))
