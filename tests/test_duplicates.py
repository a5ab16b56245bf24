"""Near-duplicate reports are recorded as such, whichever arrives first, and released when gone."""

from __future__ import annotations

import shutil

from ingest.duplicates import THRESHOLD, Candidate, duplicate_of, signature, similarity
from library import Library
from tests.conftest import CORPUS, make_settings

PDF = "gezondin-2020-impact-coronacrisis.pdf"
TWIN = "gezondin-2020-impact-coronacrisis-pdfextract.txt"


def test_the_text_twin_of_the_gezondin_2020_pdf_is_its_duplicate(corpus_library):
    infos = {info.file: info for info in corpus_library.documents()}
    assert infos[TWIN].duplicate_of == infos[PDF].doc_id
    assert [name for name, info in infos.items() if info.duplicate_of] == [TWIN]


def test_signatures_separate_the_twin_from_other_reports():
    base = "De coronacrisis raakte kwetsbare groepen in de wijk het hardst. " * 3
    other = "Schulden bij jongeren vragen om vroegsignalering door de gemeente. " * 3
    edited = base.replace("hardst", "zwaarst", 1) + " Een extra zin aan het eind van het verslag."
    assert similarity(signature(base), signature(edited)) >= THRESHOLD
    assert similarity(signature(base), signature(other)) < 0.1


def test_the_pdf_is_the_original_whatever_the_order_of_ingest():
    first = Candidate("t", "a-twin.txt", signature("x " * 50 + "gelijk verslag " * 40), 1.0)
    later = Candidate("p", "b-report.pdf", first.signature, 2.0)
    assert duplicate_of([first, later]) == {"p": None, "t": "p"}
    second_txt = Candidate("u", "c-copy.txt", first.signature, 3.0)
    assert duplicate_of([second_txt, first]) == {"t": None, "u": "t"}


def test_twin_ingested_first_then_pdf_then_pdf_removed(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / TWIN, corpus / TWIN)
    library = Library(make_settings(tmp_path / "data", corpus), embedder)
    library.ingest([corpus])
    assert [info.duplicate_of for info in library.documents()] == [None]

    shutil.copy(CORPUS / PDF, corpus / PDF)
    rows = {row.file: row for row in library.ingest([corpus])}
    infos = {info.file: info for info in library.documents()}
    assert infos[TWIN].duplicate_of == infos[PDF].doc_id and infos[PDF].duplicate_of is None
    assert f"duplicaat van {PDF}" in rows[TWIN].message

    (corpus / PDF).unlink()
    rows = {row.file: row for row in library.ingest([corpus], prune=True)}
    assert rows[PDF].state == "verwijderd"
    assert [(info.file, info.duplicate_of) for info in library.documents()] == [(TWIN, None)]
    chunk_docs = {meta["doc_id"] for _, _, meta in library.store.all_chunks()}
    assert chunk_docs == {library.documents()[0].doc_id}


def test_an_exact_copy_is_not_indexed_twice(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = "Eenzaamheid onder ouderen nam toe tijdens de lockdown in 2020. " * 4
    (corpus / "a.txt").write_text(text)
    (corpus / "b.txt").write_text(text)
    library = Library(make_settings(tmp_path / "data", corpus), embedder)
    rows = library.ingest([corpus])
    assert [row.state for row in rows] == ["nieuw", "overgeslagen"]
    assert "a.txt" in rows[1].message
    assert [info.file for info in library.documents()] == ["a.txt"]
