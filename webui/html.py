"""HTML for the app's answers, source panels and tables. Every piece of document text passes
through ``html.escape``: a report may contain ``<script>`` or markup, and is shown as text.

An answer links each ``[n]`` to an element ``#<key>-<n>`` of the source panel; CSS ``:target``
opens that panel, so citations work without any script of our own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from urllib.parse import quote

from core.models import Citation, DocumentInfo, Summary
from summarise.render import TENTATIVE, excerpt, format_source, to_markdown

CSS = """
.rw-answer ul { margin: 0.3em 0 0.8em 1.2em; }
.rw-answer li { margin-bottom: 0.35em; line-height: 1.45; }
.rw-answer h4 { margin: 0.8em 0 0.2em; }
a.rw-cite { font-weight: 600; text-decoration: none; padding: 0 1px; border-radius: 3px; }
a.rw-cite:hover { background: var(--color-accent-soft); }
.rw-chips { margin: 0.6em 0; display: flex; flex-wrap: wrap; gap: 6px; }
.rw-chip { background: var(--color-accent-soft); border: 1px solid var(--color-accent);
  border-radius: 999px; padding: 1px 10px; font-size: 0.9em; color: inherit; }
button.rw-chip { cursor: pointer; }
button.rw-chip[aria-pressed="true"] { background: var(--color-accent); color: white; }
button.rw-chip[aria-pressed="true"] .rw-muted { color: inherit; }
.rw-answer [hidden] { display: none !important; }
.rw-rewrite { border-left: 4px solid var(--color-accent); padding: 2px 12px; margin: 0.6em 0; }
.rw-rewrite.rw-afgekeurd { border-left-color: var(--error-text-color); }
.rw-tentative { border-left: 4px solid var(--error-text-color); padding: 2px 12px; }
.rw-note { font-size: 0.9em; font-style: italic; color: var(--body-text-color-subdued); }
.rw-prose { line-height: 1.55; }
.rw-letterlijk > summary { cursor: pointer; font-weight: 600; margin: 0.4em 0; }
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
REWRITTEN_NOTE = ("Herschreven tekst: een taalmodel heeft de geciteerde zinnen samengevoegd tot "
                  "lopende tekst, en elke zin is gecontroleerd tegen de bron die hij noemt. De "
                  "letterlijke zinnen staan eronder.")
REJECTED_NOTE = ("Geen herschreven tekst: de herschrijving is afgekeurd of mislukt. U ziet de "
                 "letterlijke zinnen uit de rapporten.")
# Shows only the bullets of the theme chip clicked; runs in the page as the HTML component's
# js_on_load, so it keeps working when the component's content is replaced by a new answer.
CHIP_FILTER_JS = """
element.addEventListener('click', (event) => {
  const chip = event.target.closest('button.rw-chip[data-theme]');
  if (!chip) return;
  const answer = chip.closest('.rw-answer');
  const chosen = chip.getAttribute('aria-pressed') === 'true' ? '' : chip.dataset.theme;
  for (const other of answer.querySelectorAll('button.rw-chip[data-theme]')) {
    other.setAttribute('aria-pressed', String(other.dataset.theme === chosen));
  }
  for (const item of answer.querySelectorAll('li[data-themes]')) {
    item.hidden = chosen !== '' && !item.dataset.themes.split(' ').includes(chosen);
  }
  for (const group of answer.querySelectorAll('.rw-group')) {
    group.hidden = !group.querySelector('li[data-themes]:not([hidden])');
  }
  const quotes = answer.querySelector('details.rw-letterlijk');
  if (quotes && chosen) quotes.open = true;
});
"""
_MARKS = re.compile(r"((?:\[\d+\])+)$")
_PROSE_MARK = re.compile(r"\[(\d+)\]")
_INLINE = re.compile(r"\*\*([^*]+)\*\*|\*([^*]+)\*")


# Beside a scanned page's number: its text was read by OCR, so a quote may differ from the scan.
SCANNED_NOTE = " · gescand: met OCR gelezen, het citaat kan leesfouten bevatten"

@dataclass(frozen=True)
class PageRef:
    """One page a reader can open: a cited source or a 'misschien relevant' passage."""

    number: int
    doc_id: str
    file: str
    page: int
    heading: str
    quotes: tuple[str, ...]
    scanned: bool = False  # read by OCR: the page text may carry reading errors


def page_refs(summary: Summary) -> list[PageRef]:
    """The pages an answer points to, numbered as in its text."""
    if summary.answered:
        refs = []
        for n, source in enumerate(summary.sources, start=1):
            quotes = tuple(dict.fromkeys(
                c.quote for s in summary.sentences for c in s.citations
                if (c.doc_id, c.page) == (source.doc_id, source.page)))
            refs.append(PageRef(n, source.doc_id, source.file, source.page,
                                format_source(source), quotes, source.scanned))
        return refs
    return [PageRef(n, c.doc_id, c.file, c.page, format_source(c), (c.quote,), c.scanned)
            for n, c in enumerate((s.citations[0] for s in summary.nearest), start=1)]


def summary_html(summary: Summary, key: str, pdf_links: Mapping[str, str]) -> str:
    """The answer, report summary or digest: text with linked ``[n]``, theme chips, sources.

    With the optional rewriter's prose, the prose comes first, marked as rewritten and checked,
    and the quotes it rests on stay one click away; a rejected rewrite is said so, above the
    quotes. ``pdf_links`` maps a file name to the URL of the file (without the page anchor).
    """
    if not summary.answered:
        return _refusal_html(summary, key, pdf_links)
    markdown = to_markdown(replace(summary, prose=""))  # the quotes; the prose is shown apart
    lines = [line.strip() for line in markdown.rsplit("\nBronnen:", 1)[0].splitlines()]
    themes = {sentence.text: sentence.themes for sentence in summary.sentences}
    parts: list[str] = ['<div class="rw-answer">']
    if summary.prose:
        parts += [_lines_html(lines[:1], key, themes), _prose_html(summary.prose, key),
                  '<details class="rw-letterlijk"><summary>Letterlijk uit de rapporten</summary>',
                  _lines_html(lines[1:], key, themes), "</details>"]
    elif summary.rewrite_notes:
        parts += [_lines_html(lines[:1], key, themes), _rejected_html(summary.rewrite_notes),
                  _lines_html(lines[1:], key, themes)]
    else:
        parts.append(_lines_html(lines, key, themes))
    parts.append(theme_chips(summary))
    parts.append("<h4>Bronnen</h4>")
    parts.append(_source_list(summary.sources, key, pdf_links))
    parts.append("</div>")
    return "\n".join(parts)


def theme_chips(summary: Summary) -> str:
    """The themes of the bullets as buttons: one shows only its bullets (``CHIP_FILTER_JS``),
    "alle" or a second click shows them all again."""
    if not summary.themes:
        return ""
    chips = ['<button type="button" class="rw-chip" data-theme="" aria-pressed="true">alle</button>']
    chips += [f'<button type="button" class="rw-chip" data-theme="{escape(t.id)}" '
              f'aria-pressed="false" title="Toon alleen de {t.count} zin(nen) over dit thema">'
              f'{escape(t.label)} <span class="rw-muted">{t.count}</span></button>'
              for t in summary.themes]
    return f'<div class="rw-chips" role="group" aria-label="Thema\'s">{"".join(chips)}</div>'


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
            f'<p class="rw-muted">Pagina {ref.page}{SCANNED_NOTE if ref.scanned else ""}{open_pdf}</p>'
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


def _lines_html(lines: Sequence[str], key: str,
                themes: Mapping[str, tuple[str, ...]]) -> str:
    """Markdown lines of our own rendering as HTML: paragraphs, headings, and bullets carrying
    their themes, each list kept with the heading above it as one group."""
    parts: list[str] = []
    items: list[str] = []
    heading = ""

    def flush() -> None:
        nonlocal heading
        if items:
            parts.append(f'<div class="rw-group">{heading}<ul>{"".join(items)}</ul></div>')
        elif heading:
            parts.append(heading)
        items.clear()
        heading = ""

    for line in lines:
        if line.startswith("- "):
            body = _MARKS.sub("", line[2:]).rstrip()
            tags = " ".join(themes.get(body, ()))
            items.append(f'<li data-themes="{escape(tags)}">{_bullet(line[2:], key)}</li>')
            continue
        flush()
        if not line or line.startswith("Thema's: "):
            continue
        match = re.fullmatch(r"\*\*([^*]+)\*\*|#{1,3}\s+(.*)", line)
        if match:
            heading = f"<h4>{_inline(match.group(1) or match.group(2))}</h4>"
        elif line == TENTATIVE:
            parts.append(f'<p class="rw-tentative" role="note">{escape(line)}</p>')
        else:
            parts.append(f"<p>{_inline(line)}</p>")
    flush()
    return "\n".join(parts)


def _prose_html(prose: str, key: str) -> str:
    body = _PROSE_MARK.sub(lambda m: f'<a class="rw-cite" href="#{key}-{m.group(1)}">[{m.group(1)}]</a>',
                           escape(prose))
    return (f'<div class="rw-rewrite"><p class="rw-note">{escape(REWRITTEN_NOTE)}</p>'
            f'<p class="rw-prose">{body}</p></div>')


def _rejected_html(reasons: Sequence[str]) -> str:
    items = "".join(f"<li>{escape(reason)}</li>" for reason in reasons)
    return (f'<div class="rw-rewrite rw-afgekeurd"><p class="rw-note">{escape(REJECTED_NOTE)}</p>'
            f'<details><summary>Waarom?</summary><ul>{items}</ul></details></div>')


def _refusal_html(summary: Summary, key: str, pdf_links: Mapping[str, str]) -> str:
    first = to_markdown(summary).splitlines()[0]
    parts = [f'<div class="rw-answer"><p><strong>{escape(first)}</strong></p>']
    if summary.nearest:
        parts.append('<h4>Misschien relevant</h4><ul class="rw-nearest">')
        parts += [f'<li>{escape(excerpt(s.text))} '
                  f'({_source_item(n, s.citations[0], key, pdf_links)})</li>'
                  for n, s in enumerate(summary.nearest, start=1)]
        parts.append("</ul>")
    parts.append("</div>")
    return "\n".join(parts)


def _source_list(sources: Sequence[Citation], key: str, pdf_links: Mapping[str, str]) -> str:
    items = [f"<li>{_source_item(n, source, key, pdf_links)}</li>"
             for n, source in enumerate(sources, start=1)]
    return f'<ul class="rw-sources">{"".join(items)}</ul>'


def _source_item(n: int, source: Citation, key: str, pdf_links: Mapping[str, str]) -> str:
    """``[n]`` (opening the page beside the answer), the source, and a link to the file."""
    link = pdf_links.get(source.file)
    pdf = (f' · <a href="{escape(link)}#page={source.page}" target="_blank" rel="noopener">'
           f'bestand</a>') if link else ""
    return (f'<a class="rw-cite" href="#{key}-{n}">[{n}]</a> '
            f'{_inline(format_source(source))}{pdf}')


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


__all__ = ["CHIP_FILTER_JS", "CSS", "PageRef", "document_card", "highlight", "messages_html", "page_refs",
           "pdf_url", "source_panel_html", "summary_html", "theme_chips"]
