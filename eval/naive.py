"""The naive baseline a default tutorial gives: fixed 1,000-character windows, dense top-10,
and the retrieved windows' sentences most similar to the question as the answer (no refusal)."""

from __future__ import annotations

import bisect
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from core.models import Document
from index.embedders import Embedder
from ingest.document import parse_document
from ingest.metadata import load_manifest
from ingest.sentences import split_sentences
from summarise.answer import WORD_BUDGET

WINDOW_CHARS = 1000
TOP_K = 10
ANSWER_SENTENCES = 3  # the baseline quotes its three best sentences, as a tutorial would
COLLECTION = "naive_windows"


@dataclass(frozen=True)
class Window:
    """A fixed-size slice of a document's clean text, with the page its first character is on."""

    window_id: str
    file: str
    page: int
    text: str


@dataclass(frozen=True)
class NaiveHit:
    window_id: str
    file: str
    page: int
    text: str
    similarity: float


@dataclass(frozen=True)
class NaiveSentence:
    text: str
    window_id: str
    file: str
    page: int


@dataclass(frozen=True)
class NaiveAnswer:
    sentences: tuple[NaiveSentence, ...]
    retrieved: tuple[NaiveHit, ...]
    answered: bool = True  # a tutorial pipeline always answers


class NaiveBaseline:
    """Its own Chroma collection of windows, and each window's sentences with their vectors."""

    def __init__(self, collection, embedder: Embedder,
                 sentences: dict[str, tuple[list[str], np.ndarray]], windows: dict[str, Window]):
        self._collection = collection
        self._embedder = embedder
        self._sentences = sentences
        self._windows = windows

    @classmethod
    def build(cls, files: Sequence[Path], embedder: Embedder, data_dir: Path,
              manifest_path: Path | None = None, max_file_mb: float = 50.0) -> NaiveBaseline:
        """Window, embed and store every file; ``data_dir`` is emptied and used for Chroma."""
        manifest = load_manifest(manifest_path) if manifest_path else {}
        windows = [window for path in files
                   for window in windows_of(parse_document(path, manifest.get(path.name, {}),
                                                           max_file_mb).document)]
        if not windows:
            raise ValueError("the naive baseline found no text in the corpus")
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(data_dir),
                                           settings=ChromaSettings(anonymized_telemetry=False))
        collection = client.create_collection(COLLECTION, embedding_function=None,
                                              configuration={"hnsw": {"space": "cosine"}})
        vectors = embedder.embed_passages([w.text for w in windows])
        for start in range(0, len(windows), 1000):
            batch = windows[start:start + 1000]
            collection.add(ids=[w.window_id for w in batch], documents=[w.text for w in batch],
                           embeddings=vectors[start:start + len(batch)],
                           metadatas=[{"file": w.file, "page": w.page} for w in batch])
        return cls(collection, embedder, _window_sentences(windows, embedder),
                   {w.window_id: w for w in windows})

    def search(self, question: str, k: int = TOP_K) -> list[NaiveHit]:
        """The ``k`` windows nearest to the question (cosine), best first."""
        return self._search(self._embedder.embed_queries([question])[0], k)

    def ask(self, question: str, k: int = TOP_K, word_budget: int = WORD_BUDGET) -> NaiveAnswer:
        """The sentences of the top windows most similar to the question, under the word budget."""
        query = self._embedder.embed_queries([question])[0]
        hits = self._search(query, k)
        pool = [(text, vector, hit) for hit in hits
                for text, vector in zip(*self._sentences[hit.window_id])]
        chosen: list[NaiveSentence] = []
        words = 0
        for text, _, hit in sorted(pool, key=lambda item: -float(item[1] @ query)):
            length = len(text.split())
            if chosen and words + length > word_budget:
                continue
            chosen.append(NaiveSentence(text, hit.window_id, hit.file, hit.page))
            words += length
            if len(chosen) == ANSWER_SENTENCES:
                break
        return NaiveAnswer(tuple(chosen), tuple(hits))

    def _search(self, query: np.ndarray, k: int) -> list[NaiveHit]:
        result = self._collection.query(query_embeddings=[query], n_results=k,
                                        include=["documents", "metadatas", "distances"])
        return [
            NaiveHit(window_id, meta["file"], int(meta["page"]), text, 1.0 - float(distance))
            for window_id, text, meta, distance in zip(
                result["ids"][0], result["documents"][0], result["metadatas"][0],
                result["distances"][0])
        ]


def windows_of(document: Document, size: int = WINDOW_CHARS) -> list[Window]:
    """Consecutive ``size``-character slices of the clean page texts joined by blank lines."""
    starts, numbers, parts, offset = [], [], [], 0
    for page in document.pages:
        starts.append(offset)
        numbers.append(page.number)
        parts.append(page.text)
        offset += len(page.text) + 2
    text = "\n\n".join(parts)
    windows = []
    for start in range(0, len(text), size):
        piece = text[start:start + size]
        if piece.strip():
            page = numbers[bisect.bisect_right(starts, start) - 1]
            windows.append(Window(f"{document.file}#{len(windows):05d}", document.file, page, piece))
    return windows


def _window_sentences(windows: Sequence[Window],
                      embedder: Embedder) -> dict[str, tuple[list[str], np.ndarray]]:
    """Each window's sentences (spaCy Dutch sentencizer, whitespace collapsed), embedded once."""
    texts = [[" ".join(w.text[a:b].split()) for a, b in spans]
             for w, spans in zip(windows, split_sentences(w.text for w in windows))]
    vectors = embedder.embed_passages([t for group in texts for t in group])
    sentences, offset = {}, 0
    for window, group in zip(windows, texts):
        sentences[window.window_id] = (group, vectors[offset:offset + len(group)])
        offset += len(group)
    return sentences
