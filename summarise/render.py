"""Render a Summary as Dutch text with [n] markers and a source list, or as stable JSON."""

from __future__ import annotations

from typing import Any

from core.models import Citation, Summary, SummarySentence
from summarise.absent_names import absence_statement

NOT_COVERED = "De rapporten in de bibliotheek geven geen antwoord op deze vraag."
TENTATIVE = ("Let op: dit antwoord is onzeker. Deze zinnen komen het dichtst bij een antwoord, "
             "maar het is goed mogelijk dat de rapporten deze vraag niet beantwoorden; "
             "controleer de bron.")
NOTHING_TO_SUMMARISE = {
    "report": "Dit rapport bevat geen volledige zinnen om samen te vatten.",
    "digest": "Geen van de rapporten in de bibliotheek gaat over dit thema.",
}


def source_number(summary: Summary, citation: Citation) -> int:
    """The ``[n]`` of a citation: its (document, page) position in the source list."""
    for number, source in enumerate(summary.sources, start=1):
        if (source.doc_id, source.page) == (citation.doc_id, citation.page):
            return number
    raise ValueError(f"citation of {citation.doc_id} p. {citation.page} is not a source")


SCANNED = "(gescand)"  # the cited page was read by OCR: the quote may carry reading errors


def format_source(citation: Citation) -> str:
    year = f" ({citation.year})" if citation.year else ""
    publisher = f"{citation.publisher}, " if citation.publisher else ""
    scanned = f" {SCANNED}" if citation.scanned else ""
    return f"{publisher}*{citation.title}*{year}, p. {citation.page}{scanned}"


def to_markdown(summary: Summary) -> str:
    """The summary as a staff member pastes it: lead, cited bullets, themes, sources."""
    if not summary.answered:
        return _refusal(summary)
    compose = {"answer": _answer_lines, "report": _report_lines, "digest": _digest_lines}
    lines = compose[summary.kind](summary)
    if summary.prose:  # grounded prose (summarise/rewrite.py), above the quotes it rests on
        lines[1:1] = ["", summary.prose, "", "Letterlijk uit de rapporten:"]
    if summary.themes and summary.kind != "report":
        lines += ["", _themes_line(summary)]
    lines += ["", "Bronnen:"]
    lines += [f"[{n}] {format_source(source)}" for n, source in enumerate(summary.sources, 1)]
    return "\n".join(lines)


def _refusal(summary: Summary) -> str:
    if summary.absent:
        lines = [absence_statement(summary.absent)]
    else:
        lines = [NOT_COVERED if summary.kind == "answer" else NOTHING_TO_SUMMARISE[summary.kind]]
    if summary.nearest:
        lines += ["", "Misschien relevant:"]
        lines += [f"- {excerpt(s.text)} ({format_source(s.citations[0])})"
                  for s in summary.nearest]
    return "\n".join(lines)


def _answer_lines(summary: Summary) -> list[str]:
    """A lead naming the reports, then the bullets grouped by their main theme."""
    publishers = list(dict.fromkeys(s.publisher or s.title for s in summary.sources))
    count = len({s.doc_id for s in summary.sources})
    # A question naming a publisher was searched in its reports alone: the lead says so.
    named = ", de uitgever die de vraag noemt" if summary.asked_of else ""
    if len(summary.asked_of) > 1:
        named = ", de uitgevers die de vraag noemt"
    lines = [f"Op basis van {count} rapport{'en' if count != 1 else ''} "
             f"({'; '.join(publishers)}){named}:"]
    if summary.tentative:
        lines += ["", TENTATIVE]
    labels = {theme.id: theme.label for theme in summary.themes}
    groups: dict[str, list[SummarySentence]] = {}
    for sentence in summary.sentences:
        main = next((labels[t] for t in sentence.themes if t in labels), "Overig")
        groups.setdefault(main, []).append(sentence)
    if len(groups) == 1 or 2 * len(groups) > len(summary.sentences):
        # Headings over single bullets read as noise: group only when groups hold two or more.
        return lines + [""] + [_bullet(summary, sentence) for sentence in summary.sentences]
    for label, sentences in groups.items():
        lines += ["", f"**{label}**"]
        lines += [_bullet(summary, sentence) for sentence in sentences]
    return lines


def _report_lines(summary: Summary) -> list[str]:
    """Title, publisher and year, themes, then the key points in document order."""
    source = summary.sources[0]
    lines = [f"**{summary.heading}**",
             ", ".join(str(part) for part in (source.publisher, source.year) if part)]
    if summary.themes:
        lines.append(_themes_line(summary))
    lines += ["", "Kernpunten:"]
    return lines + [_bullet(summary, sentence) for sentence in summary.sentences]


def _digest_lines(summary: Summary) -> list[str]:
    """The theme, then per report (newest first) what it says."""
    lines = [f"Thema: {summary.heading}"]
    current = ""
    for sentence in summary.sentences:
        citation = sentence.citations[0]
        if citation.doc_id != current:
            current = citation.doc_id
            year = f" ({citation.year})" if citation.year else ""
            lines += ["", f"### {citation.publisher} — *{citation.title}*{year}"]
        lines.append(_bullet(summary, sentence))
    return lines


def _bullet(summary: Summary, sentence: SummarySentence) -> str:
    marks = "".join(f"[{source_number(summary, c)}]" for c in sentence.citations)
    return f"- {sentence.text} {marks}"


def _themes_line(summary: Summary) -> str:
    return "Thema's: " + ", ".join(f"{t.label} ({t.count})" for t in summary.themes)


def to_json(summary: Summary) -> dict[str, Any]:
    """The machine-readable form; its keys are a stable contract."""
    return {
        "question": summary.question,
        "answered": summary.answered,
        "tentative": summary.tentative,
        "summary": to_markdown(summary),
        "sentences": [
            {"text": s.text, "citations": [_citation_json(c) for c in s.citations],
             "themes": list(s.themes)}
            for s in summary.sentences
        ],
        "sources": [{"n": n, **_citation_json(c)} for n, c in enumerate(summary.sources, 1)],
        "nearest": [{"text": s.text, "citation": _citation_json(s.citations[0])}
                    for s in summary.nearest],
        "themes": [{"id": t.id, "label": t.label, "count": t.count} for t in summary.themes],
        "asked_of": list(summary.asked_of),
        "retrieved": [
            {"chunk_id": c.chunk_id, "doc_id": c.doc_id, "file": c.file,
             "page_start": c.page_start, "page_end": c.page_end, "score": round(c.score, 6),
             "text": c.text}
            for c in summary.retrieved
        ],
        "timings_ms": {key: round(value, 1) for key, value in summary.timings_ms.items()},
        **_rewrite_json(summary),
    }


def _rewrite_json(summary: Summary) -> dict[str, Any]:
    """Only when the optional rewriter (RW_LLM_URL) ran: its prose, or why it was refused."""
    if not summary.prose and not summary.rewrite_notes:
        return {}
    return {"rewrite": {"prose": summary.prose, "rejected": list(summary.rewrite_notes)}}


def _citation_json(citation: Citation) -> dict[str, Any]:
    return {"doc_id": citation.doc_id, "file": citation.file, "title": citation.title,
            "publisher": citation.publisher, "year": citation.year, "page": citation.page,
            "scanned": citation.scanned, "quote": citation.quote}


def excerpt(text: str, words: int = 30) -> str:
    """The first ``words`` words of ``text``, with an ellipsis when it goes on."""
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")
