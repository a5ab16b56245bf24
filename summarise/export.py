"""Export a Summary (answer, report summary or theme digest) as a Markdown file or a Word file.

Both exports typeset the one Dutch rendering, ``render.to_markdown``, under the same title (the
question, or the report or theme) and kind ("Antwoord", ...): the Markdown file is that text, and
the .docx is the same lines as Word paragraphs (bullets, headings, an italic title in each
source), so the ``[n]`` markers and the source list cannot drift apart between formats.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from docx import Document as WordDocument
from docx.document import Document as WordDocumentType
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from core.models import Summary
from summarise.render import to_markdown

LANGUAGE = "nl-NL"
_SOURCE_LINE = re.compile(r"^\[\d+\] ")
_INLINE = re.compile(r"\*\*([^*]+)\*\*|\*([^*]+)\*")
_BOLD_LINE = re.compile(r"^\*\*([^*]+)\*\*$")
_MARKDOWN_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_TITLES = {"answer": "Antwoord", "report": "Rapportsamenvatting", "digest": "Themaoverzicht"}


def to_markdown_file(summary: Summary, path: str | Path) -> Path:
    """Write the summary as a UTF-8 Markdown document: its title as a heading, its kind, then
    ``render.to_markdown(summary)``."""
    target = Path(path)
    target.write_text(f"# {document_title(summary)}\n\n*{_kind_label(summary)}*\n\n"
                      f"{to_markdown(summary)}\n", encoding="utf-8")
    return target


def to_docx(summary: Summary, target: str | Path | BinaryIO) -> None:
    """Write the summary as a Word document to a path or a binary stream."""
    build_docx(summary).save(target)


def docx_bytes(summary: Summary) -> bytes:
    """The Word document as bytes, for a download button."""
    buffer = io.BytesIO()
    to_docx(summary, buffer)
    return buffer.getvalue()


def document_title(summary: Summary) -> str:
    """The question of an answer; the report title or theme of a report summary or digest."""
    kind = getattr(summary, "kind", "answer")
    heading = getattr(summary, "heading", "")
    if kind != "answer" and heading:
        return heading
    return summary.question or _kind_label(summary)


def _kind_label(summary: Summary) -> str:
    """What the summary is, in Dutch: "Antwoord", "Rapportsamenvatting" or "Themaoverzicht"."""
    return _TITLES.get(getattr(summary, "kind", "answer"), "Samenvatting")


def build_docx(summary: Summary) -> WordDocumentType:
    """The Word document: a title, then each line of the Markdown rendering as a paragraph."""
    document = WordDocument()
    title = document_title(summary)
    _set_properties(document, summary, title)
    document.add_heading(title, level=0)
    document.add_paragraph(_kind_label(summary), style="Subtitle")
    lines = to_markdown(summary).splitlines()
    if lines and lines[0].strip() == f"**{title}**":
        lines = lines[1:]  # a report summary opens with its title, already the document's title
    for line in lines:
        _add_line(document, line.strip())
    return document


def _add_line(document: WordDocumentType, text: str) -> None:
    """One Markdown line as a Word paragraph; bullets keep their sentence text literally."""
    if not text:
        return
    heading = _MARKDOWN_HEADING.match(text)
    bold_line = _BOLD_LINE.match(text)
    if heading:
        add_inline(document.add_heading("", level=len(heading.group(1))), heading.group(2))
    elif bold_line:
        add_inline(document.add_heading("", level=2), bold_line.group(1))
    elif text.startswith("- "):
        document.add_paragraph(text[2:], style="List Bullet")
    elif _SOURCE_LINE.match(text):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Pt(24)
        paragraph.paragraph_format.first_line_indent = Pt(-24)
        add_inline(paragraph, text)
    elif _is_heading_line(text):
        add_inline(document.add_heading("", level=1), text[:-1])
    else:
        add_inline(document.add_paragraph(), text)


def _is_heading_line(text: str) -> bool:
    """``Bronnen:``, ``Kernpunten:``: a short label ending in a colon on its own line.

    The lead line ("Op basis van 2 rapporten (SCP; SER):") also ends in a colon, but names its
    sources in brackets and stays a paragraph.
    """
    return text.endswith(":") and len(text.split()) <= 4 and "(" not in text


def add_inline(paragraph: Paragraph, text: str) -> None:
    """Add ``text`` as runs, ``**bold**`` and ``*italic*`` (a source's title) as such."""
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            paragraph.add_run(text[position:match.start()])
        if match.group(1) is not None:
            paragraph.add_run(match.group(1)).bold = True
        else:
            paragraph.add_run(match.group(2)).italic = True
        position = match.end()
    if position < len(text):
        paragraph.add_run(text[position:])


def _set_properties(document: WordDocumentType, summary: Summary, title: str) -> None:
    properties = document.core_properties
    properties.title = title
    properties.language = LANGUAGE
    properties.subject = summary.question if summary.question != title else ""
    properties.author = "Rapportwijzer"
    properties.last_modified_by = "Rapportwijzer"
    properties.comments = "Samenvatting met bronverwijzingen [n], gemaakt door Rapportwijzer."
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    properties.created = now
    properties.modified = now
    # The proofing language of the text itself, so Word checks spelling in Dutch.
    run_properties = document.styles["Normal"].element.get_or_add_rPr()
    for old in run_properties.findall(qn("w:lang")):
        run_properties.remove(old)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), LANGUAGE)
    language.set(qn("w:eastAsia"), LANGUAGE)
    language.set(qn("w:bidi"), LANGUAGE)
    run_properties.append(language)
