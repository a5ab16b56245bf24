"""Render a Summary as Dutch text with [n] markers and a source list, or as stable JSON."""

from __future__ import annotations

from typing import Any

from core.models import Citation, Summary

NOT_COVERED = "De rapporten in de bibliotheek geven geen antwoord op deze vraag."


def source_number(summary: Summary, citation: Citation) -> int:
    """The ``[n]`` of a citation: its (document, page) position in the source list."""
    for number, source in enumerate(summary.sources, start=1):
        if (source.doc_id, source.page) == (citation.doc_id, citation.page):
            return number
    raise ValueError(f"citation of {citation.doc_id} p. {citation.page} is not a source")


def format_source(citation: Citation) -> str:
    year = f" ({citation.year})" if citation.year else ""
    publisher = f"{citation.publisher}, " if citation.publisher else ""
    return f"{publisher}*{citation.title}*{year}, p. {citation.page}"


def to_markdown(summary: Summary) -> str:
    """The answer as a staff member pastes it: lead line, cited bullets, sources."""
    if not summary.answered:
        lines = [NOT_COVERED]
        if summary.retrieved:
            lines += ["", "Misschien relevant:"]
            lines += [f"- {chunk.file}, p. {chunk.page_start}: {_excerpt(chunk.text)}"
                      for chunk in summary.retrieved[:3]]
        return "\n".join(lines)
    publishers = list(dict.fromkeys(s.publisher or s.title for s in summary.sources))
    count = len({s.doc_id for s in summary.sources})
    lead = (f"Op basis van {count} rapport{'en' if count != 1 else ''} "
            f"({'; '.join(publishers)}):")
    lines = [lead, ""]
    for sentence in summary.sentences:
        marks = "".join(f"[{source_number(summary, c)}]" for c in sentence.citations)
        lines.append(f"- {sentence.text} {marks}")
    if summary.themes:
        lines += ["", "Thema's: " + ", ".join(f"{t.label} ({t.count})" for t in summary.themes)]
    lines += ["", "Bronnen:"]
    lines += [f"[{n}] {format_source(source)}" for n, source in enumerate(summary.sources, 1)]
    return "\n".join(lines)


def to_json(summary: Summary) -> dict[str, Any]:
    """The machine-readable form; its keys are a stable contract."""
    return {
        "question": summary.question,
        "answered": summary.answered,
        "summary": to_markdown(summary),
        "sentences": [
            {"text": s.text, "citations": [_citation_json(c) for c in s.citations],
             "themes": list(s.themes)}
            for s in summary.sentences
        ],
        "sources": [{"n": n, **_citation_json(c)} for n, c in enumerate(summary.sources, 1)],
        "themes": [{"id": t.id, "label": t.label, "count": t.count} for t in summary.themes],
        "retrieved": [
            {"chunk_id": c.chunk_id, "doc_id": c.doc_id, "file": c.file,
             "page_start": c.page_start, "page_end": c.page_end, "score": round(c.score, 6),
             "text": c.text}
            for c in summary.retrieved
        ],
        "timings_ms": {key: round(value, 1) for key, value in summary.timings_ms.items()},
    }


def _citation_json(citation: Citation) -> dict[str, Any]:
    return {"doc_id": citation.doc_id, "file": citation.file, "title": citation.title,
            "publisher": citation.publisher, "year": citation.year, "page": citation.page,
            "quote": citation.quote}


def _excerpt(text: str, words: int = 30) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")
