"""Themes in the index: tag chunks and sentences at ingest, re-tag the store, profile reports."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from core.models import Chunk, passage_text
from index.store import CHUNKS, SENTENCES, Store
from index.themes import ThemeTagger, tag_chunk_sentences


def tag_chunks(tagger: ThemeTagger, chunks: Sequence[Chunk], passages: Sequence[str],
               chunk_vectors: np.ndarray, sentence_vectors: np.ndarray) -> list[Chunk]:
    """The chunks with ``themes`` set on them and on their sentences, from the vectors just
    computed for indexing (``passages[i]`` is the text embedded for chunk i, ``sentence_vectors``
    follow the chunks' sentences in order): no extra embedding."""
    chunk_tags = tagger.tag_vectors(passages, chunk_vectors)
    owned = [(i, s) for i, chunk in enumerate(chunks) for s in chunk.sentences]  # vectors' order
    sentence_tags = dict(zip((s.sentence_id for _, s in owned), tag_chunk_sentences(
        tagger, chunk_tags, [s.text for _, s in owned], sentence_vectors, [i for i, _ in owned])))
    return [replace(chunk, themes=tags,
                    sentences=tuple(replace(s, themes=sentence_tags.get(s.sentence_id, ()))
                                    for s in chunk.sentences))
            for chunk, tags in zip(chunks, chunk_tags)]


@dataclass(frozen=True)
class RetagResult:
    chunks: int
    sentences: int
    changed_chunks: int
    changed_sentences: int
    seconds: float


def retag_store(store: Store, tagger: ThemeTagger) -> RetagResult:
    """Recompute the themes of every stored chunk and sentence from its stored text and vector
    (the embedder is never asked for them) and write only the themes back."""
    started = time.perf_counter()
    chunk_tags: dict[str, tuple[str, ...]] = {}
    changed_chunks = 0
    for ids, texts, metas, vectors in store.record_pages(CHUNKS):
        passages = [passage_text(t, m.get("section", "")) for t, m in zip(texts, metas)]
        tags = tagger.tag_vectors(passages, vectors)
        changed = {i: t for i, t, m in zip(ids, tags, metas) if tuple(m.get("themes") or ()) != t}
        store.update_themes(CHUNKS, changed)
        chunk_tags.update(zip(ids, tags))
        changed_chunks += len(changed)
    sentences = changed_sentences = 0
    for ids, texts, metas, vectors in store.record_pages(SENTENCES):
        owners = sorted({m["chunk_id"] for m in metas})
        owner_tags = [chunk_tags.get(chunk_id, ()) for chunk_id in owners]
        position = {chunk_id: i for i, chunk_id in enumerate(owners)}
        tags = tag_chunk_sentences(tagger, owner_tags, texts, vectors,
                                   [position[m["chunk_id"]] for m in metas])
        changed = {i: t for i, t, m in zip(ids, tags, metas) if tuple(m.get("themes") or ()) != t}
        store.update_themes(SENTENCES, changed)
        sentences += len(ids)
        changed_sentences += len(changed)
    return RetagResult(len(chunk_tags), sentences, changed_chunks, changed_sentences,
                       time.perf_counter() - started)


@dataclass(frozen=True)
class ThemeProfile:
    """One report's share of chunks per theme (a chunk can count for several themes)."""

    doc_id: str
    file: str
    title: str
    chunks: int
    shares: dict[str, float]


def theme_profiles(store: Store, theme_ids: Sequence[str]) -> list[ThemeProfile]:
    """Per committed report, in file order: the share of its chunks carrying each theme. A
    duplicate of another report (a text extract of a PDF) is that report, not a column of its
    own: it is never searched either."""
    counts: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for _, _, meta in store.all_chunks():
        doc = meta["doc_id"]
        totals[doc] = totals.get(doc, 0) + 1
        for theme in meta.get("themes") or ():
            counts.setdefault(doc, {}).setdefault(theme, 0)
            counts[doc][theme] += 1
    return [ThemeProfile(info.doc_id, info.file, info.title, totals.get(info.doc_id, 0),
                         {t: counts.get(info.doc_id, {}).get(t, 0) / max(totals.get(info.doc_id, 0), 1)
                          for t in theme_ids})
            for info in store.document_infos() if not info.duplicate_of]


def write_heatmap(profiles: Sequence[ThemeProfile], labels: dict[str, str], path: Path) -> Path:
    """A reports x themes heatmap of the chunk shares, as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ids = list(labels)
    grid = np.array([[p.shares.get(t, 0.0) for t in ids] for p in profiles]).reshape(len(profiles),
                                                                                   len(ids))
    fig, ax = plt.subplots(figsize=(2.0 + 0.6 * len(ids), 2.2 + 0.45 * len(profiles)))
    image = ax.imshow(grid, cmap="YlGnBu", vmin=0.0, vmax=max(float(grid.max(initial=0.0)), 0.01),
                      aspect="auto")
    ax.set_xticks(range(len(ids)), [labels[t] for t in ids], rotation=55, ha="right", fontsize=8)
    ax.set_yticks(range(len(profiles)), [p.file for p in profiles], fontsize=8)
    for (row, col), value in np.ndenumerate(grid):
        ax.text(col, row, f"{value:.0%}", ha="center", va="center", fontsize=6,
                color="white" if value > 0.6 * grid.max(initial=0.0) else "black")
    fig.colorbar(image, ax=ax, label="aandeel chunks")
    ax.set_title("Themaprofiel per rapport (aandeel chunks per thema)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
