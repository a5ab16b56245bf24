"""A second ingest of an unchanged corpus writes nothing; a changed file is replaced."""

from __future__ import annotations

import hashlib

from library import Library
from tests.conftest import make_settings


def _tree_digest(directory) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def test_second_ingest_of_unchanged_corpus_writes_nothing(corpus_library, corpus_copy, tmp_path,
                                                           embedder):
    library = Library(make_settings(tmp_path / "data", corpus_copy), embedder)
    first = library.ingest([corpus_copy])
    assert all(row.state == "nieuw" for row in first)
    before = _tree_digest(tmp_path / "data" / "chroma")
    counts = (library.store.chunks.count(), library.store.sentences.count())

    again = Library(make_settings(tmp_path / "data", corpus_copy), embedder)
    second = again.ingest([corpus_copy])
    assert [row.state for row in second] == ["ongewijzigd"] * len(first)
    assert (again.store.chunks.count(), again.store.sentences.count()) == counts
    assert _tree_digest(tmp_path / "data" / "chroma") == before


def test_a_changed_file_replaces_its_old_chunks(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    report = corpus / "notitie.txt"
    report.write_text("Eenzaamheid onder ouderen nam toe tijdens de lockdown in 2020. " * 3)
    library = Library(make_settings(tmp_path / "data", corpus), embedder)
    assert [row.state for row in library.ingest([corpus])] == ["nieuw"]
    report.write_text("Schulden bij jongeren vragen om vroegsignalering door de gemeente. " * 3)
    assert [row.state for row in library.ingest([corpus])] == ["bijgewerkt"]
    texts = [text for _, text, _ in library.store.all_chunks()]
    assert len(library.documents()) == 1
    assert texts and all("Schulden" in text and "Eenzaamheid" not in text for text in texts)
