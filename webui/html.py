"""HTML for the app's answers, source panels and tables. Every piece of document text passes
through ``html.escape``: a report may contain ``<script>`` or markup, and is shown as text.

An answer links each ``[n]`` to an element ``#<key>-<n>`` of the source panel; CSS ``:target``
opens that panel, so citations work without any script of our own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import quote

from core.models import Citation, DocumentInfo, RetrievedChunk, Summary
from summarise.render import format_source, to_markdown

CSS = """
.rw-answer ul { margin: 0.3em 0 0.8em 1.2em; }
.rw-answer li { margin-bottom: 0.35em; line-height: 1.45; }
.rw-answer h4 { margin: 0.8em 0 0.2em; }
a.rw-cite { font-weight: 600; text-decoration: none; padding: 0 1px; border-radius: 3px; }
a.rw-cite:hover { background: var(--color-accent-soft); }
.rw-chips { margin: 0.6em 0; display: flex; flex-wrap: wrap; gap: 6px; }
.rw-chip { background: var(--color-accent-soft); border: 1px solid var(--color-accent);
  border-radius: 999px; padding: 1px 10px; font-size: 0.9em; }
.rw-sources { font-size: 0.92em; padding-left: 0; list-style: none; }
.rw-sources li { margin-bottom: 0.3em; }
.rw-muted { color: var(--body-text-color-subdued); font-size: 0.9em; }
.rw-bron { display: none; border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 10px 14px; max-height: 70vh; overflow-y: auto; }
.rw-bron:target { display: block; }
.rw-panel:has(.rw-bron:target) .rw-hint { display: none; }
.rw-bron mark { background: #ffe58a; color: inherit; padding: 1px 0; }
.rw-pagetext { white-space: pre-wrap; line-height: 1.5; }
.rw-meta dt { font-weight: 600; float: left; clear: left; width: 8em; }
.rw-meta dd { margin-left: 8.5em; margin-bottom: 0.2em; }
.rw-message { margin: 0.2em 0; }
.rw-message.rw-fout { color: var(--error-text-color); }
"""

SOURCE_HINT = "Klik op een bronnummer zoals [1] om de geciteerde pagina te lezen."
_MARKS = re.compile(r"((?:\[\d+\])+)$")
_INLINE = re.compile(r"\*\*([^*]+)\*\*|\*([^*]+)\*")


@dataclass(frozen=True)
class PageRef:
    """One page a reader can open: a cited source or a 'misschien relevant' passage."""

    number: int
    doc_id: str
    file: str
    page: int
    heading: str
    quotes: tuple[str, ...]


def page_refs(summary: Summary) -> list[PageRef]:
    """The pages an answer points to, numbered as in its text."""
    if summary.answered:
        refs = []
        for n, source in enumerate(summary.sources, start=1):
            quotes = tuple(dict.fromkeys(
                c.quote for s in summary.sentences for c in s.citations
                if (c.doc_id, c.page) == (source.doc_id, source.page)))
            refs.append(PageRef(n, source.doc_id, source.file, source.page,
                                format_source(source), quotes))
        return refs
    return [PageRef(n, chunk.doc_id, chunk.file, chunk.page_start,
                    f"{chunk.file}, p. {chunk.page_start}", ())
            for n, chunk in enumerate(summary.retrieved[:3], start=1)]


def summary_html(summary: Summary, key: str, pdf_links: Mapping[str, str]) -> str:
    """The answer, report summary or digest: text with linked ``[n]``, theme chips, sources.

    ``pdf_links`` maps a file name to the URL of the file (without the page anchor).
    """
    if not summary.answered:
        return _refusal_html(summary, key, pdf_links)
    markdown = to_markdown(summary)
    head = markdown.rsplit("\nBronnen:", 1)[0]
    parts: list[str] = ['<div class="rw-answer">']
    in_list = False
    for line in head.splitlines():
        line = line.strip()
        if line.startswith("- "):
            if not in_list:
                parts.append("<ul>")
                in_list = True
            parts.append(f"<li>{_bullet(line[2:], key)}</li>")
            continue
        if in_list:
            parts.append("</ul>")
            in_list = False
        if not line or line.startswith("Thema's: "):
            continue
        heading = re.fullmatch(r"\*\*([^*]+)\*\*|#{1,3}\s+(.*)", line)
        parts.append(f"<h4>{_inline(heading.group(1) or heading.group(2))}</h4>" if heading
                     else f"<p>{_inline(line)}</p>")
    if in_list:
        parts.append("</ul>")
    parts.append(theme_chips(summary))
    parts.append("<h4>Bronnen</h4>")
    parts.append(_source_list(summary.sources, key, pdf_links))
    parts.append("</div>")
    return "\n".join(parts)


def theme_chips(summary: Summary) -> str:
    if not summary.themes:
        return ""
    chips = "".join(f'<span class="rw-chip" title="{t.count} zin(nen)">{escape(t.label)} '
                    f'<span class="rw-muted">{t.count}</span></span>' for t in summary.themes)
    return f'<div class="rw-chips" aria-label="Thema\'s">{chips}</div>'


def source_panel_html(refs: Sequence[PageRef], key: str, page_texts: Mapping[tuple[str, int], str],
                      pdf_links: Mapping[str, str]) -> str:
    """One hidden section per page, shown when its ``[n]`` is clicked (CSS ``:target``)."""
    sections = [f'<div class="rw-panel"><p class="rw-hint rw-muted">{escape(SOURCE_HINT)}</p>']
    for ref in refs:
        text = page_texts.get((ref.doc_id, ref.page), "")
        link = pdf_links.get(ref.file)
        open_pdf = (f' · <a href="{escape(link)}#page={ref.page}" target="_blank" rel="noopener">'
                    f'open het bestand op pagina {ref.page}</a>') if link else ""
        sections.append(
            f'<section class="rw-bron" id="{key}-{ref.number}">'
            f'<h4>[{ref.number}] {_inline(ref.heading)}</h4>'
            f'<p class="rw-muted">Pagina {ref.page}{open_pdf}</p>'
            f'<div class="rw-pagetext">{highlight(text, ref.quotes)}</div></section>')
    sections.append("</div>")
    return "\n".join(sections)


def highlight(text: str, quotes: Sequence[str]) -> str:
    """``text`` escaped, with every occurrence of a quote wrapped in ``<mark>``."""
    if not text:
        return '<span class="rw-muted">(de tekst van deze pagina is niet beschikbaar)</span>'
    spans: list[tuple[int, int]] = []
    for quote_text in quotes:
        start = text.find(quote_text) if quote_text else -1
        while start >= 0:
            spans.append((start, start + len(quote_text)))
            start = text.find(quote_text, start + len(quote_text))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, position = [], 0
    for start, end in merged:
        out += [escape(text[position:start]), f"<mark>{escape(text[start:end])}</mark>"]
        position = end
    out.append(escape(text[position:]))
    return "".join(out)


def document_card(info: DocumentInfo, themes: Sequence[str]) -> str:
    """A report's metadata as a definition list."""
    rows = [("Titel", info.title), ("Uitgever", info.publisher or "onbekend"),
            ("Datum", info.date or "onbekend"), ("Bestand", info.file),
            ("Pagina's", str(info.pages)), ("Passages", str(info.chunks))]
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    chips = "".join(f'<span class="rw-chip">{escape(label)}</span>' for label in themes)
    chips_html = f'<div class="rw-chips">{chips}</div>' if chips else ""
    return f'<dl class="rw-meta">{items}</dl>{chips_html}'


def messages_html(lines: Sequence[tuple[bool, str]]) -> str:
    """Upload and edit results: (ok, message) pairs, failures in the error colour."""
    return "".join(f'<p class="rw-message{"" if ok else " rw-fout"}">{escape(text)}</p>'
                   for ok, text in lines)


def pdf_url(corpus_dir: Path, file: str) -> str | None:
    """The app's URL of a corpus file (served through Gradio's file route), if it exists."""
    path = (corpus_dir / Path(file).name).resolve()
    return f"gradio_api/file={quote(str(path))}" if path.is_file() else None


def _refusal_html(summary: Summary, key: str, pdf_links: Mapping[str, str]) -> str:
    first = to_markdown(summary).splitlines()[0]
    parts = [f'<div class="rw-answer"><p><strong>{escape(first)}</strong></p>']
    if summary.retrieved:
        parts.append("<h4>Misschien relevant</h4><ul>")
        parts += [_maybe_relevant(n, chunk, key) for n, chunk in
                  enumerate(summary.retrieved[:3], start=1)]
        parts.append("</ul>")
    parts.append("</div>")
    return "\n".join(parts)


def _maybe_relevant(n: int, chunk: RetrievedChunk, key: str) -> str:
    words = chunk.text.split()
    excerpt = " ".join(words[:30]) + (" …" if len(words) > 30 else "")
    return (f'<li><a class="rw-cite" href="#{key}-{n}">[{n}]</a> '
            f'{escape(chunk.file)}, p. {chunk.page_start}: {escape(excerpt)}</li>')


def _source_list(sources: Sequence[Citation], key: str, pdf_links: Mapping[str, str]) -> str:
    items = []
    for n, source in enumerate(sources, start=1):
        link = pdf_links.get(source.file)
        pdf = (f' · <a href="{escape(link)}#page={source.page}" target="_blank" rel="noopener">'
               f'bestand</a>') if link else ""
        items.append(f'<li><a class="rw-cite" href="#{key}-{n}">[{n}]</a> '
                     f'{_inline(format_source(source))}{pdf}</li>')
    return f'<ul class="rw-sources">{"".join(items)}</ul>'


def _bullet(text: str, key: str) -> str:
    match = _MARKS.search(text)
    body, marks = (text[:match.start()].rstrip(), match.group(1)) if match else (text, "")
    links = "".join(f'<a class="rw-cite" href="#{key}-{n}">[{n}]</a>'
                    for n in re.findall(r"\d+", marks))
    return f"{escape(body)} {links}".rstrip()


def _inline(text: str) -> str:
    """Escape, then render ``**bold**`` and ``*italic*`` of our own rendering."""
    out, position = [], 0
    for match in _INLINE.finditer(text):
        out.append(escape(text[position:match.start()]))
        out.append(f"<strong>{escape(match.group(1))}</strong>" if match.group(1) is not None
                   else f"<em>{escape(match.group(2))}</em>")
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


__all__ = ["CSS", "PageRef", "document_card", "highlight", "messages_html", "page_refs",
           "pdf_url", "source_panel_html", "summary_html", "theme_chips"]
