"""A second ingest of an unchanged corpus writes nothing; a changed file is replaced."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

from index.embedders import CachedEmbedder
from ingest.clean import HEADING, Block, clean_pages
from library import Library
from tests.conftest import ROOT, CountingEmbedder, make_settings


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


REPORT = """Wat gemeenten leerden

Gemeenten werkten tijdens de crisis nauw samen met lokale partners in de wijk.

Zij spraken ook vaker met bewoners die eerder buiten beeld bleven.
"""


def _glue_headings(raw_pages, markdown=False):
    """An older parser's cleaning: a heading glued onto the paragraph after it."""
    glued = []
    for blocks in clean_pages(raw_pages, markdown):
        page, heading = [], ""
        for block in blocks:
            if block.kind == HEADING:
                heading = block.text
                continue
            page.append(Block(block.kind, f"{heading} {block.text}" if heading else block.text))
            heading = ""
        glued.append(page)
    return glued


def test_reindex_reparses_unchanged_files_and_embeds_only_new_texts(tmp_path, embedder,
                                                                    monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notitie.txt").write_text(REPORT)
    counting = CountingEmbedder(embedder.inner)
    library = Library(make_settings(tmp_path / "data", corpus),
                      CachedEmbedder(counting, tmp_path / "cache" / "embeddings.sqlite3"))

    def sentences() -> list[str]:
        doc_id = library.documents()[0].doc_id
        return [s.text for s in library.store.sentences_where({"doc_id": doc_id})]

    monkeypatch.setattr("ingest.document.clean_pages", _glue_headings)
    assert [row.state for row in library.ingest([corpus])] == ["nieuw"]
    monkeypatch.undo()  # the parser is fixed; the file is the same
    assert [row.state for row in library.ingest([corpus])] == ["ongewijzigd"]
    old = sentences()
    assert old[0].startswith("Wat gemeenten leerden Gemeenten werkten")

    counting.passages.clear()
    assert [row.state for row in library.ingest([corpus], reindex=True)] == ["bijgewerkt"]
    assert sentences() == [
        "Gemeenten werkten tijdens de crisis nauw samen met lokale partners in de wijk.",
        "Zij spraken ook vaker met bewoners die eerder buiten beeld bleven."]
    assert len(library.documents()) == 1 and library.store.chunks.count() == 1
    # The new first sentence and the new chunk text were embedded; the unchanged sentence
    # came from the cache.
    assert "Gemeenten werkten tijdens de crisis nauw samen met lokale partners in de wijk." \
        in counting.passages
    assert old[1] == sentences()[1] and old[1] not in counting.passages

    counting.passages.clear()
    assert [row.state for row in library.ingest([corpus], reindex=True)] == ["bijgewerkt"]
    assert counting.passages == []  # a second re-index embeds nothing


def test_the_cli_reindexes_on_request(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notitie.txt").write_text(REPORT)
    env = dict(os.environ, RW_DATA_DIR=str(tmp_path / "data"), RW_CORPUS_DIR=str(corpus))

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cli", "ingest", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True)

    assert "nieuw" in cli().stdout
    assert "ongewijzigd" in cli().stdout
    reindexed = cli("--reindex")
    assert reindexed.returncode == 0 and "bijgewerkt" in reindexed.stdout, reindexed.stderr
    refused = cli("--reindex", "--retag")
    assert refused.returncode == 2 and "not allowed with argument" in refused.stderr
