"""An ingest killed halfway leaves an index that the next run completes, with nothing twice."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys

from library import Library
from tests.conftest import ROOT, make_settings

SEED_QUESTION = "Welke gevolgen had de coronacrisis voor gezondheidsverschillen?"
_PROGRESS = re.compile(rb"(\d+)/(\d+) \[")


def _ingest_command(corpus) -> list[str]:
    return [sys.executable, "-m", "cli", "ingest", str(corpus)]


def _kill_halfway(corpus, env) -> None:
    """Start the real CLI and SIGKILL it once the third file is under way (two are done)."""
    process = subprocess.Popen(_ingest_command(corpus), cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = b""
    try:
        while True:
            block = os.read(process.stderr.fileno(), 4096)
            assert block, f"ingest ended before it could be interrupted: {seen[-500:]!r}"
            seen += block
            started = [int(done) for done, _ in _PROGRESS.findall(seen)]
            if started and started[-1] >= 3:
                process.send_signal(signal.SIGKILL)
                break
    finally:
        process.wait()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL


def test_sigkill_halfway_then_rerun_gives_the_clean_index(corpus_library, corpus_copy, tmp_path,
                                                           embedder):
    data = tmp_path / "data"
    (data / "cache").mkdir(parents=True)
    # The session's embedding cache saves time only; every vector is the embedder's own.
    shutil.copy(ROOT / ".cache" / "test-embeddings" / "embeddings.sqlite3", data / "cache")
    env = dict(os.environ, RW_DATA_DIR=str(data), RW_CORPUS_DIR=str(corpus_copy))
    _kill_halfway(corpus_copy, env)

    interrupted = Library(make_settings(data, corpus_copy), embedder)
    committed = len(interrupted.documents())
    expected = {info.file for info in corpus_library.documents()}
    assert 1 <= committed < len(expected)
    del interrupted

    rerun = subprocess.run(_ingest_command(corpus_copy), cwd=ROOT, env=env, capture_output=True,
                           text=True)
    assert rerun.returncode == 0, rerun.stderr
    library = Library(make_settings(data, corpus_copy), embedder)
    infos = library.documents()
    assert sorted(info.file for info in infos) == sorted(expected)  # each exactly once
    commits = {info.doc_id for info in infos}
    for collection in (library.store.chunks, library.store.sentences):
        stored = collection.get(include=["metadatas"])
        assert {meta["doc_id"] for meta in stored["metadatas"]} == commits  # no orphans
        assert len(stored["ids"]) == len(set(stored["ids"]))
    clean_chunks = {cid for cid, _, _ in corpus_library.store.all_chunks()}
    assert {cid for cid, _, _ in library.store.all_chunks()} == clean_chunks
    assert [(i.file, i.duplicate_of) for i in infos] == [
        (i.file, i.duplicate_of) for i in corpus_library.documents()]

    answer, clean = library.ask(SEED_QUESTION), corpus_library.ask(SEED_QUESTION)
    assert answer.answered and clean.answered
    assert [c.chunk_id for c in answer.retrieved] == [c.chunk_id for c in clean.retrieved]
    assert [s.text for s in answer.sentences] == [s.text for s in clean.sentences]
