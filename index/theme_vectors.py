"""The tagger's fixed texts embedded once, shipped beside the calibration.

``rapportwijzer themes --calibrate`` writes ``corpus/themes.vectors.npz``: the embedder's name and
the passage vector of every prototype view and calibration example, keyed by the sha256 of the
text. A tagger for that embedder takes its vectors from the file and embeds only texts it lacks
(a description edited or a theme added after calibration), so a cold ingest does not embed them.
"""

from __future__ import annotations

import hashlib
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.embedders import Embedder, fill_known


def vectors_path(taxonomy_path: Path | str) -> Path:
    """corpus/themes.toml -> corpus/themes.vectors.npz."""
    path = Path(taxonomy_path)
    return path.with_name(f"{path.stem}.vectors.npz")


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ShippedVectors:
    """Passage vectors by text hash, made by ``embedder``."""

    embedder: str
    vectors: dict[str, np.ndarray]

    def embed_passages(self, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
        """The passage vectors of ``texts``: from the file when it was made by this embedder,
        the embedder asked only for the texts the file lacks."""
        known = self.vectors if self.embedder == embedder.name else {}
        return fill_known(texts, [text_key(text) for text in texts], known, embedder.dim,
                          embedder.embed_passages)[0]


def write_vectors(path: Path, embedder: Embedder, texts: Sequence[str]) -> int:
    """Embed ``texts`` as passages and write them with the embedder's name; returns how many."""
    unique = list(dict.fromkeys(texts))
    vectors = np.asarray(embedder.embed_passages(unique), dtype=np.float32).reshape(
        len(unique), embedder.dim)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        np.savez_compressed(handle, embedder=np.array(embedder.name),
                            keys=np.array([text_key(t) for t in unique]), vectors=vectors)
    return len(unique)


def load_vectors(path: Path | str, warn: bool = True) -> ShippedVectors | None:
    """The shipped vectors, or None when the file is absent or unreadable (with a notice)."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            name, keys = str(data["embedder"]), [str(k) for k in data["keys"]]
            vectors = np.asarray(data["vectors"], dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(keys):
            raise ValueError(f"{len(keys)} keys, vectors of shape {vectors.shape}")
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile) as error:
        if warn:
            print(f"Let op / note: {path.name} is onleesbaar, de vaste teksten worden opnieuw "
                  f"ingebed / is unreadable, embedding the fixed texts instead ({error})",
                  file=sys.stderr)
        return None
    return ShippedVectors(name, dict(zip(keys, vectors)))
