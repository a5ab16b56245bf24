"""Near-duplicate reports are recorded as such, whichever arrives first, and released when gone."""

from __future__ import annotations

import random
import shutil

import pytest

from ingest.document import parse_document
from ingest.duplicates import (
    SCHEME,
    SHINGLE_WORDS,
    THRESHOLD,
    Candidate,
    duplicate_of,
    is_current,
    signature,
    similarity,
)
from library import Library
from tests.conftest import CORPUS, ROOT, make_settings

REAL_CORPUS = ROOT / "eval" / "real" / "corpus"

PDF = "gezondin-2020-impact-coronacrisis.pdf"
TWIN = "gezondin-2020-impact-coronacrisis-pdfextract.txt"


def test_the_text_twin_of_the_gezondin_2020_pdf_is_its_duplicate(corpus_library):
    infos = {info.file: info for info in corpus_library.documents()}
    assert infos[TWIN].duplicate_of == infos[PDF].doc_id
    assert [name for name, info in infos.items() if info.duplicate_of] == [TWIN]


def _shingles(text: str) -> set[str]:
    words = text.lower().split()
    return {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


@pytest.mark.parametrize("shared", [0, 300, 1000, 1800])
def test_the_estimate_follows_the_exact_jaccard_similarity(shared):
    rng = random.Random(shared)
    vocabulary = [f"woord{i}" for i in range(5000)]
    common = [rng.choice(vocabulary) for _ in range(shared)]
    first = " ".join(common + [rng.choice(vocabulary) for _ in range(2000 - shared)])
    second = " ".join(common + [rng.choice(vocabulary) for _ in range(2000 - shared)])
    exact = (len(_shingles(first) & _shingles(second))
             / len(_shingles(first) | _shingles(second)))
    assert abs(similarity(signature(first), signature(second)) - exact) < 0.12


def test_a_lightly_edited_report_is_a_duplicate():
    rng = random.Random(7)
    report = " ".join(rng.choice(["de", "wijk", "zorg", "schulden", "jongeren", "gemeente",
                                  "eenzaamheid", "ouderen", "in", "2020", "nam", "toe"])
                      for _ in range(3000))
    edited = report.replace("schulden", "armoede", 1) + " Een extra zin aan het eind."
    assert similarity(signature(report), signature(edited)) >= THRESHOLD


def test_two_unrelated_real_dusi_reports_are_no_duplicates():
    # The earlier hash scheme took these for one report: estimated 0.66, exact Jaccard 0.0006.
    vut = parse_document(REAL_CORPUS / "dusi-accountantsprotocol-vut-ambulance-2023.pdf")
    ptz = parse_document(REAL_CORPUS / "dusi-verantwoorden-ptz-2023.pdf")
    assert similarity(vut.document.signature, ptz.document.signature) < 0.1


def test_a_signature_of_an_earlier_scheme_is_never_similar():
    current = signature("gelijk verslag " * 40)
    assert is_current(current)
    assert similarity(current[len(SCHEME):], current[len(SCHEME):]) == 0.0


def test_a_document_with_an_earlier_signature_is_parsed_again(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Eenzaamheid onder ouderen nam toe tijdens de lockdown. " * 4)
    library = Library(make_settings(tmp_path / "data", corpus), embedder)
    library.ingest([corpus])
    doc_id = library.documents()[0].doc_id
    library.store.documents.update(ids=[doc_id], metadatas=[{"signature": "00ff" * 128}])
    assert [row.state for row in library.ingest([corpus])] == ["bijgewerkt"]
    assert [is_current(sig) for _, _, sig, _ in library.store.document_signatures()] == [True]
    assert [row.state for row in library.ingest([corpus])] == ["ongewijzigd"]


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
