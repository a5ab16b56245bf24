"""One-shot commands answer from the store's snapshot: the same answers, never stale, no Chroma."""

from __future__ import annotations

import shutil
import subprocess
import sys

from index.snapshot import FILE, Snapshot, chroma_write_token
from index.store import Store
from library import Library
from tests.conftest import CORPUS, ROOT, make_settings

QUESTIONS = ("Wat zeggen de rapporten over schulden bij jongeren?",
             "Hoe hebben ze in Vaals de buurtsteunpunten tijdens de lockdown vormgegeven?",
             "Hoeveel leerlingen moesten door de schoolsluitingen een jaar overdoen?")


def test_a_one_shot_library_answers_from_the_snapshot_as_the_store_does(corpus_library, embedder):
    one_shot = Library(corpus_library.settings, embedder, one_shot=True)
    assert isinstance(one_shot.reader, Snapshot)
    assert isinstance(corpus_library.reader, Store)
    assert one_shot.documents() == corpus_library.documents()
    for question in QUESTIONS:
        ours, theirs = one_shot.ask(question), corpus_library.ask(question)
        assert ours.answered == theirs.answered
        assert [(s.text, s.citations) for s in ours.sentences] == [
            (s.text, s.citations) for s in theirs.sentences]
        assert ours.sources == theirs.sources


def test_every_write_makes_the_snapshot_stale(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "gezondin-2021-versneld-leren.pdf", corpus)
    settings = make_settings(tmp_path / "data", corpus)
    assert chroma_write_token(settings.chroma_dir) is None  # no index yet: the store is read
    writer = Library(settings, embedder)
    writer.ingest([corpus])
    before = chroma_write_token(settings.chroma_dir)
    first = Library(settings, embedder, one_shot=True)
    [info] = first.documents()
    assert (settings.cache_dir / FILE).is_file()

    writer.update_metadata(info.doc_id, title="Een andere titel")
    assert chroma_write_token(settings.chroma_dir) != before
    assert [i.title for i in Library(settings, embedder, one_shot=True).documents()] == [
        "Een andere titel"]

    writer.remove_document(info.doc_id)
    assert Library(settings, embedder, one_shot=True).documents() == []


def test_a_snapshot_of_another_embedder_is_not_used(corpus_library, embedder):
    one_shot = Library(corpus_library.settings, embedder, one_shot=True)
    token = chroma_write_token(corpus_library.settings.chroma_dir)
    path = corpus_library.settings.cache_dir / FILE
    assert one_shot.reader is not None and token is not None
    assert Snapshot.load(path, token, embedder.name) is not None
    assert Snapshot.load(path, token, "st:another-model") is None
    assert Snapshot.load(path, token + "1", embedder.name) is None


def test_the_command_line_asks_without_importing_chroma(cli_env):
    ask = [sys.executable, "-c", "import sys, cli; code = cli.main(['ask', sys.argv[1]]); "
           "print('chromadb' in sys.modules); raise SystemExit(code)", QUESTIONS[0]]
    subprocess.run(ask, cwd=ROOT, env=cli_env, capture_output=True, check=True)  # makes it
    done = subprocess.run(ask, cwd=ROOT, env=cli_env, capture_output=True, text=True, check=True)
    assert "[1]" in done.stdout
    assert done.stdout.rstrip().endswith("False")
