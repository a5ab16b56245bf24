"""Export to Markdown and Word on real answers from the corpus index: citations survive intact."""

from __future__ import annotations

import io

import pytest
from docx import Document

from summarise.export import docx_bytes, to_docx, to_markdown_file
from summarise.render import NOT_COVERED, format_source, source_number, to_markdown

QUESTION = "Wat zijn de gevolgen van corona voor de mentale gezondheid?"
REFUSED = "Wat waren de uitslagen van de voetbalwedstrijden in de eredivisie?"


@pytest.fixture(scope="module")
def answer(corpus_library):
    summary = corpus_library.ask(QUESTION)
    assert summary.answered and len(summary.sources) >= 2
    return summary


def _paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _positions(paragraphs: list[str], expected: list[str]) -> list[int]:
    """The index of each expected paragraph, searching forward from the previous one."""
    positions, start = [], 0
    for text in expected:
        assert text in paragraphs[start:], f"missing or out of order: {text!r}"
        start = paragraphs.index(text, start)
        positions.append(start)
        start += 1
    return positions


def test_markdown_file_is_the_rendered_text_under_the_question(answer, tmp_path):
    path = to_markdown_file(answer, tmp_path / "antwoord.md")
    assert path.read_text(encoding="utf-8") == (
        f"# {QUESTION}\n\n*Antwoord*\n\n{to_markdown(answer)}\n")


def test_docx_keeps_every_sentence_marker_and_source_in_order(answer, tmp_path):
    document = _exported(answer, tmp_path)
    paragraphs = _paragraphs(document)
    assert paragraphs[0] == QUESTION
    assert paragraphs[1] == "Antwoord"
    assert paragraphs[2].startswith("Op basis van ")
    bullet_at, source_at = _assert_citations_intact(answer, document)

    # The theme line and the Dutch "Bronnen" heading sit between the bullets and the sources.
    theme_line = next(line for line in to_markdown(answer).splitlines()
                      if line.startswith("Thema's: "))
    theme_at, heading_at = _positions(paragraphs, [theme_line, "Bronnen"])
    assert bullet_at[-1] < theme_at < heading_at < source_at[0]
    assert document.paragraphs[heading_at].style.name.startswith("Heading")


def test_report_summary_and_theme_digest_export_with_their_citations(corpus_library, tmp_path):
    report_file = sorted(info.file for info in corpus_library.documents())[0]
    report = corpus_library.summarise_report(report_file)
    digest = corpus_library.digest("mentale_gezondheid")
    for summary, subtitle in ((report, "Rapportsamenvatting"), (digest, "Themaoverzicht")):
        assert summary.answered and summary.heading
        document = _exported(summary, tmp_path)
        assert _paragraphs(document)[:2] == [summary.heading, subtitle]
        assert document.core_properties.title == summary.heading
        _assert_citations_intact(summary, document)
        markdown = to_markdown_file(summary, tmp_path / f"{summary.kind}.md")
        assert markdown.read_text(encoding="utf-8") == (
            f"# {summary.heading}\n\n*{subtitle}*\n\n{to_markdown(summary)}\n")


def _exported(summary, tmp_path):
    """Write the .docx to disk and open it again with python-docx."""
    path = tmp_path / f"{summary.kind}.docx"
    to_docx(summary, path)
    return Document(str(path))


def _assert_citations_intact(summary, document) -> tuple[list[int], list[int]]:
    """Every sentence with its [n] markers as a bullet, in the Markdown's order, then the
    sources [1]..[n] in order with the report title in italics; returns their positions."""
    assert document.paragraphs[0].style.name == "Title"
    paragraphs = _paragraphs(document)
    bullets = [line[2:] for line in to_markdown(summary).splitlines() if line.startswith("- ")]
    assert len(bullets) == len(summary.sentences)
    for sentence in summary.sentences:
        marks = "".join(f"[{source_number(summary, c)}]" for c in sentence.citations)
        assert marks and f"{sentence.text} {marks}" in bullets
    bullet_at = _positions(paragraphs, bullets)
    assert all(document.paragraphs[i].style.name == "List Bullet" for i in bullet_at)
    sources = [f"[{n}] {format_source(c).replace('*', '')}"
               for n, c in enumerate(summary.sources, 1)]
    source_at = _positions(paragraphs, sources)
    assert bullet_at[-1] < source_at[0]
    for index, citation in zip(source_at, summary.sources, strict=True):
        italic = [run.text for run in document.paragraphs[index].runs if run.italic]
        assert italic == [citation.title]
    return bullet_at, source_at


def test_docx_properties_are_dutch_and_name_the_question(answer):
    document = Document(io.BytesIO(docx_bytes(answer)))
    assert document.core_properties.title == QUESTION
    assert document.core_properties.language == "nl-NL"
    language = document.styles["Normal"].element.rPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}lang")
    assert language.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val") == "nl-NL"


def test_refusal_exports_its_dutch_text_and_the_nearest_passages(corpus_library, tmp_path):
    refusal = corpus_library.ask(REFUSED)
    assert not refusal.answered and refusal.retrieved

    markdown = to_markdown_file(refusal, tmp_path / "geen-antwoord.md").read_text("utf-8")
    assert NOT_COVERED in markdown and "Misschien relevant:" in markdown

    to_docx(refusal, tmp_path / "geen-antwoord.docx")
    paragraphs = _paragraphs(Document(str(tmp_path / "geen-antwoord.docx")))
    nearest = [line[2:] for line in to_markdown(refusal).splitlines() if line.startswith("- ")]
    assert 1 <= len(nearest) == len(refusal.nearest) <= 3
    _positions(paragraphs, [REFUSED, NOT_COVERED, "Misschien relevant", *nearest])
    assert "geen antwoord op deze vraag" in NOT_COVERED


def test_stream_and_bytes_give_the_same_document(answer):
    stream = io.BytesIO()
    to_docx(answer, stream)
    from_stream = _paragraphs(Document(io.BytesIO(stream.getvalue())))
    assert from_stream == _paragraphs(Document(io.BytesIO(docx_bytes(answer))))
