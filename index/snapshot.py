"""A read-only copy of the embedded store for one-shot commands: `rapportwijzer ask` and `docs`
answer from it without importing or opening Chroma (0.6 s of a 1.4 s `ask`).

The snapshot is derived, never a second truth. It is keyed by Chroma's write counter, read from
Chroma's own SQLite file with the standard library: every write through Chroma (an ingest, a
removal, a metadata edit, a re-tag) adds a row to its embeddings queue, so the snapshot is
stale after any of them and is rebuilt from the store on the next command. A counter that cannot
be read (no index yet, another Chroma schema) means no snapshot: the store is used as before.
Dense search over the snapshot is exact (every chunk vector scored), which at the sizes a shell
user asks over costs less than loading an HNSW graph.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from functools import cached_property
from pathlib import Path

import numpy as np

from core.models import DocumentInfo
from index.store import (
    SENTENCES,
    Store,
    StoredSentence,
    document_infos,
    fingerprint_of,
    sentence_ids,
    stored_sentence,
)

FILE = "snapshot.sqlite3"
_SCHEMA = """
CREATE TABLE about (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (meta TEXT NOT NULL);
CREATE TABLE chunks (row INTEGER PRIMARY KEY, id TEXT NOT NULL, text TEXT NOT NULL,
                     meta TEXT NOT NULL, vector BLOB NOT NULL);
CREATE TABLE sentences (id TEXT PRIMARY KEY, text TEXT NOT NULL, meta TEXT NOT NULL,
                        vector BLOB NOT NULL);
"""


def chroma_write_token(chroma_dir: Path) -> str | None:
    """Changes with every write to the embedded Chroma under ``chroma_dir``; None when there is
    no index or its bookkeeping is not the one this reads (then no snapshot is trusted)."""
    path = chroma_dir / "chroma.sqlite3"
    if not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            queued, rows = db.execute("SELECT max(seq_id), count(*) FROM embeddings_queue").fetchone()
            consumed = db.execute("SELECT max(seq_id) FROM max_seq_id").fetchone()[0]
            records = db.execute("SELECT count(*) FROM embeddings").fetchone()[0]
    except sqlite3.Error:
        return None
    return f"{queued}:{rows}:{consumed}:{records}"


def open_snapshot(directory: Path, token: str, embedder_name: str,
                  store: Callable[[], Store]) -> Snapshot:
    """The snapshot under ``directory`` for this write token and embedder, rebuilt from
    ``store()`` (opened only then, which refuses an index of another embedder) when it is
    missing or stale."""
    path = directory / FILE
    snapshot = Snapshot.load(path, token, embedder_name)
    if snapshot is None:
        write_snapshot(path, store(), token)
        snapshot = Snapshot.load(path, token, embedder_name)
        assert snapshot is not None, "a snapshot just written reads back"
    return snapshot


def write_snapshot(path: Path, store: Store, token: str) -> None:
    """Copy the committed documents, every chunk and every sentence record of ``store``;
    written beside the old file and moved over it, so a reader never sees half a snapshot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    infos = store.document_infos()
    with closing(sqlite3.connect(partial)) as db:
        db.executescript(_SCHEMA)
        db.executemany("INSERT INTO documents VALUES (?)",
                       [(json.dumps(info.__dict__, ensure_ascii=False),) for info in infos])
        ids, texts, metas, vectors = store.chunk_table()
        db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?)",
                       [(row, chunk_id, text, json.dumps(meta, ensure_ascii=False),
                         vectors[row].astype(np.float32).tobytes())
                        for row, (chunk_id, text, meta) in enumerate(zip(ids, texts, metas))])
        for page_ids, page_texts, page_metas, page_vectors in store.record_pages(SENTENCES):
            db.executemany("INSERT INTO sentences VALUES (?, ?, ?, ?)",
                           [(sid, text, json.dumps(meta, ensure_ascii=False),
                             vector.astype(np.float32).tobytes())
                            for sid, text, meta, vector in
                            zip(page_ids, page_texts, page_metas, page_vectors)])
        db.executemany("INSERT INTO about VALUES (?, ?)", [
            ("token", token), ("embedder", store.embedder_name), ("dim", str(store.dim))])
        db.commit()
    partial.replace(path)


class Snapshot:
    """The reads a question needs, as ``Store`` answers them, from the snapshot file."""

    def __init__(self, db: sqlite3.Connection, dim: int) -> None:
        self._db = db
        self.dim = dim

    @classmethod
    def load(cls, path: Path, token: str, embedder_name: str) -> Snapshot | None:
        """The snapshot at ``path`` if it was made at ``token`` by this embedder, else None."""
        if not path.is_file():
            return None
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            about = dict(db.execute("SELECT key, value FROM about"))
        except sqlite3.Error:
            return None
        if (about.get("token"), about.get("embedder")) != (token, embedder_name):
            db.close()
            return None
        return cls(db, int(about["dim"]))

    def document_infos(self) -> list[DocumentInfo]:
        return document_infos(json.loads(meta) for (meta,) in
                              self._db.execute("SELECT meta FROM documents"))

    def fingerprint(self, infos: Sequence[DocumentInfo] | None = None) -> str:
        return fingerprint_of(self.document_infos() if infos is None else infos)

    def chunk_table(self) -> tuple[list[str], list[str], list[dict], np.ndarray]:
        """Every chunk's id, text, metadata and vector, in the store's order."""
        return self._chunks

    def dense_chunks(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The ``k`` nearest chunks by exact cosine (the vectors are L2-normalised)."""
        ids, _, _, vectors = self._chunks
        scores = vectors @ np.asarray(vector, dtype=np.float32)
        top = np.argsort(-scores, kind="stable")[:k]
        return [(ids[i], float(scores[i])) for i in top]

    @cached_property
    def _chunks(self) -> tuple[list[str], list[str], list[dict], np.ndarray]:
        rows = self._db.execute("SELECT id, text, meta, vector FROM chunks ORDER BY row").fetchall()
        vectors = np.frombuffer(b"".join(row[3] for row in rows), dtype=np.float32)
        return ([row[0] for row in rows], [row[1] for row in rows],
                [json.loads(row[2]) for row in rows], vectors.reshape(len(rows), self.dim))

    def sentences_of(self, sentence_counts: Mapping[str, int | None]) -> list[StoredSentence]:
        """The sentence records of the given chunks, in document order, as
        ``Store.sentences_of`` reads them; a chunk without a count by its ids' prefix."""
        ids, uncounted = sentence_ids(sentence_counts)
        select = "SELECT id, text, meta, vector FROM sentences WHERE "
        rows = self._db.execute(f"{select}id IN ({','.join('?' * len(ids))})", ids).fetchall() \
            if ids else []
        for chunk_id in uncounted:
            rows += self._db.execute(f"{select}id >= ? AND id < ?",
                                     (f"{chunk_id}:", f"{chunk_id};")).fetchall()
        found = [stored_sentence(sid, text, json.loads(meta), np.frombuffer(vector, np.float32))
                 for sid, text, meta, vector in rows]
        return sorted(found, key=lambda s: s.sentence_id)
