"""Files the app offers for download: a summary as Markdown or .docx, or a user's edited text.

Each export gets its own folder under one temporary directory of the app; folders older than
an hour are removed as new ones are made.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
import uuid
from pathlib import Path

from docx import Document as WordDocument

from core.models import Summary
from summarise.export import add_inline, document_title, to_docx, to_markdown_file
from summarise.render import to_markdown

MAX_AGE_S = 3600
_HEADING = re.compile(r"^(?:#{1,3}\s+|\*\*)(.+?)(?:\*\*)?$")


class Downloads:
    """Writes export files into fresh folders and prunes the old ones."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or Path(tempfile.mkdtemp(prefix="rapportwijzer-downloads-"))

    def summary_files(self, summary: Summary, stem: str) -> tuple[Path, Path]:
        """(Markdown, .docx) of a summary, both typeset from ``render.to_markdown``."""
        folder = self._folder()
        markdown = to_markdown_file(summary, folder / f"{stem}.md")
        docx = folder / f"{stem}.docx"
        to_docx(summary, docx)
        return markdown, docx

    def edited_file(self, text: str, title: str, stem: str, kind: str,
                    original: Summary | None = None) -> Path:
        """The user's (possibly edited) text as ``.md`` or ``.docx``; unedited text is exported
        exactly as the summary itself would be."""
        folder = self._folder()
        if kind == "md":
            path = folder / f"{stem}.md"
            path.write_text(text.rstrip() + "\n", encoding="utf-8")
            return path
        path = folder / f"{stem}.docx"
        if original is not None and text.strip() == to_markdown(original).strip():
            to_docx(original, path)
        else:
            edited_docx(text, title or (document_title(original) if original else "Samenvatting"),
                        path)
        return path

    def _folder(self) -> Path:
        now = time.time()
        for old in self.root.iterdir() if self.root.exists() else ():
            if old.is_dir() and now - old.stat().st_mtime > MAX_AGE_S:
                shutil.rmtree(old, ignore_errors=True)
        folder = self.root / uuid.uuid4().hex
        folder.mkdir(parents=True)
        return folder


def edited_docx(text: str, title: str, path: Path) -> None:
    """A Word file of edited Markdown: title, headings, bullets and paragraphs."""
    document = WordDocument()
    document.core_properties.title = title
    document.core_properties.author = "Rapportwijzer"
    document.add_heading(title, level=0)
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line == f"**{title}**":
            continue
        heading = _HEADING.match(line)
        if line.startswith("- "):
            add_inline(document.add_paragraph(style="List Bullet"), line[2:])
        elif heading and (line.startswith("#") or line.endswith("**")):
            document.add_heading(heading.group(1), level=2)
        else:
            add_inline(document.add_paragraph(), line)
    document.save(path)


def slug(text: str, fallback: str = "samenvatting") -> str:
    """A short file-name stem from a title or question."""
    words = re.findall(r"[A-Za-z0-9]+", text.lower())
    return "-".join(words[:8])[:60] or fallback

