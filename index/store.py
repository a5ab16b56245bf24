"""The Chroma store: chunks, sentences and one commit record per document, embedded or served."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ParamSpec, TypeVar
from urllib.parse import urlparse

import numpy as np

from core.models import Chunk, Document, DocumentInfo, sentences_on_page
from core.settings import Settings

# Chroma (and httpx with it) is imported when a store is opened, not with this module: its
# import is half a second that a question answered from the snapshot (index/snapshot.py) saves.
if TYPE_CHECKING:
    import chromadb

CHUNKS, SENTENCES, DOCUMENTS = "chunks", "sentences", "documents"
_WRITE_BATCH = 1000
# A Chroma server keeps the memory of its largest responses: reading 100k chunks in pages of
# 5,000 left it 250 MB larger than pages of 1,000 (680 vs 430 MB), for a 20% slower full read.
_READ_PAGE = 1000


class StoreError(RuntimeError):
    """The index cannot be used as asked; the message says why in Dutch and English."""


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _reachable(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Turn a lost connection to a Chroma server into a StoreError a user can read."""

    @functools.wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        import httpx  # already loaded by chromadb, which opened the store

        try:
            return method(*args, **kwargs)
        except httpx.TransportError as exc:
            raise StoreError(
                "de Chroma-server is niet bereikbaar; start hem opnieuw of controleer "
                f"RW_CHROMA_URL / the Chroma server cannot be reached ({exc})"
            ) from exc

    return wrapper


@dataclass(frozen=True)
class StoredSentence:
    sentence_id: str
    chunk_id: str
    doc_id: str
    page: int
    position: int
    text: str
    themes: tuple[str, ...]
    vector: np.ndarray


# Only chunks are searched by vector. Sentences and documents are read by id or metadata, so
# their HNSW graphs are built cheaply: ten sentence rows per chunk would otherwise make the
# graph the slowest part of writing a large index (3x at 20k rows).
_UNSEARCHED = {"space": "cosine", "ef_construction": 16, "max_neighbors": 8}
_HNSW = {CHUNKS: {"space": "cosine"}, SENTENCES: _UNSEARCHED, DOCUMENTS: _UNSEARCHED}


def connect(settings: Settings) -> chromadb.ClientAPI:
    """An embedded PersistentClient under the data dir, or an HttpClient for ``RW_CHROMA_URL``."""
    import chromadb
    import httpx
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if not settings.chroma_url:
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    url = urlparse(settings.chroma_url)
    try:
        return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                   ssl=url.scheme == "https", settings=chroma_settings)
    except (ValueError, httpx.TransportError) as exc:  # chromadb's "could not connect"
        raise StoreError(
            f"de Chroma-server op {settings.chroma_url} is niet bereikbaar / "
            f"the Chroma server at {settings.chroma_url} cannot be reached ({exc})"
        ) from exc


class Store:
    """All reads and writes of the index. The ``documents`` record is each document's commit mark."""

    def __init__(self, client: chromadb.ClientAPI, embedder_name: str, dim: int) -> None:
        import httpx

        self.embedder_name = embedder_name
        self.dim = dim
        metadata = {"embedder": embedder_name, "dim": dim}
        try:
            self._collections = {
                name: client.get_or_create_collection(
                    name, embedding_function=None, metadata=metadata,
                    configuration={"hnsw": _HNSW[name]},
                )
                for name in (CHUNKS, SENTENCES, DOCUMENTS)
            }
        except httpx.TransportError as exc:
            raise StoreError(f"de index kan niet worden geopend / the index cannot be opened "
                             f"({exc})") from exc
        for collection in self._collections.values():
            recorded = (collection.metadata or {}).get("embedder")
            if recorded != embedder_name:
                raise StoreError(
                    f"de index is gemaakt met embedder {recorded!r}, niet met {embedder_name!r}; "
                    f"indexeer opnieuw (rapportwijzer ingest --reindex) / the index was built "
                    f"with embedder {recorded!r}, not {embedder_name!r}; re-index it"
                )

    @property
    def chunks(self):
        return self._collections[CHUNKS]

    @property
    def sentences(self):
        return self._collections[SENTENCES]

    @property
    def documents(self):
        return self._collections[DOCUMENTS]

    # -- documents -------------------------------------------------------------------------

    @_reachable
    def document_infos(self) -> list[DocumentInfo]:
        """Every committed document, in file-name order."""
        return document_infos(self.documents.get(include=["metadatas"])["metadatas"] or [])

    @_reachable
    def fingerprint(self, infos: Sequence[DocumentInfo] | None = None) -> str:
        """Changes whenever a document is committed or removed: keys derived caches.
        ``infos`` saves a second read when the caller has just read the document records."""
        return fingerprint_of(self.document_infos() if infos is None else infos)

    @_reachable
    def document_signatures(self) -> list[tuple[str, str, str, float]]:
        """(doc_id, file, MinHash signature, ingest time) of every committed document."""
        records = self.documents.get(include=["metadatas"])
        return [(m["doc_id"], m["file"], m.get("signature", ""), float(m.get("ingested_at", 0.0)))
                for m in records["metadatas"] or []]

    @_reachable
    def set_duplicate_of(self, marks: dict[str, str | None]) -> None:
        """Record, per committed doc_id, which document it duplicates ('' for none)."""
        if marks:
            self.documents.update(ids=list(marks),
                                  metadatas=[{"duplicate_of": marks[i] or ""} for i in marks])

    @_reachable
    def write_document(self, document: Document, chunks: Sequence[Chunk],
                       chunk_vectors: np.ndarray, sentence_vectors: np.ndarray) -> None:
        """Replace the document's records: chunks and sentences first, the commit record last."""
        self.remove_document(document.doc_id)
        base = {"doc_id": document.doc_id, "file": document.file}
        chunk_meta = [
            _without_empty({**base, "title": document.title, "publisher": document.publisher,
                            "year": document.year or 0, "page_start": c.page_start,
                            "page_end": c.page_end, "section": c.section,
                            "char_start": c.char_start, "char_end": c.char_end,
                            "sentences": len(c.sentences), "layout": c.layout(),
                            "themes": list(c.themes)})
            for c in chunks
        ]
        self._add(self.chunks, [c.chunk_id for c in chunks], [c.text for c in chunks],
                  chunk_vectors, chunk_meta)
        sentences = [s for c in chunks for s in c.sentences]
        sentence_meta = [
            _without_empty({**base, "chunk_id": s.chunk_id, "page": s.page,
                            "position": int(s.sentence_id.rsplit(":", 1)[1]),
                            "themes": list(s.themes)})
            for s in sentences
        ]
        self._add(self.sentences, [s.sentence_id for s in sentences],
                  [s.text for s in sentences], sentence_vectors, sentence_meta)
        mean = chunk_vectors.mean(axis=0) if len(chunk_vectors) else np.zeros(self.dim)
        mean = mean / max(float(np.linalg.norm(mean)), 1e-12)
        record = _without_empty({
            **base, "file_sha256": document.file_sha256, "title": document.title,
            "publisher": document.publisher, "date": document.date, "year": document.year or 0,
            "language": document.language, "pages": len(document.pages), "chunks": len(chunks),
            "duplicate_of": document.duplicate_of or "", "signature": document.signature,
            "ingested_at": time.time(),
            # Pages read by OCR, and Tesseract's mean confidence of each (-1: the file's own layer).
            "scanned_pages": [page.number for page in document.pages if page.ocr],
            "ocr_confidence": [-1.0 if page.ocr_confidence is None else page.ocr_confidence
                               for page in document.pages if page.ocr],
        })
        self.documents.upsert(ids=[document.doc_id], embeddings=[mean.astype(np.float32)],
                              documents=[document.title], metadatas=[record])

    @_reachable
    def remove_document(self, doc_id: str) -> None:
        """Delete the commit record first, so a crash midway leaves orphans, never a half doc."""
        self.documents.delete(ids=[doc_id])
        for collection in (self.chunks, self.sentences):
            collection.delete(where={"doc_id": doc_id})

    @_reachable
    def remove_orphans(self) -> int:
        """Remove chunks and sentences whose document has no commit record; returns how many."""
        committed = {info.doc_id for info in self.document_infos()}
        removed = 0
        for collection in (self.chunks, self.sentences):
            metadatas = collection.get(include=["metadatas"])
            orphans = [
                record_id for record_id, meta in zip(metadatas["ids"], metadatas["metadatas"])
                if meta.get("doc_id") not in committed
            ]
            for start in range(0, len(orphans), _WRITE_BATCH):
                collection.delete(ids=orphans[start:start + _WRITE_BATCH])
            removed += len(orphans)
        return removed

    # -- themes ------------------------------------------------------------------------------

    def record_pages(self, name: str) -> Iterator[tuple[list[str], list[str], list[dict],
                                                        np.ndarray]]:
        """Every record of ``chunks`` or ``sentences`` as pages of (ids, texts, metadatas,
        vectors): what re-tagging and the retriever's reload need, the stored vectors included."""
        for got in self._pages(name, ["documents", "metadatas", "embeddings"]):
            yield (list(got["ids"]), list(got["documents"]), list(got["metadatas"]),
                   np.asarray(got["embeddings"], dtype=np.float32))

    def _pages(self, name: str, include: list[str]) -> Iterator[dict]:
        """All records of a collection, a page of ids at a time: one request for 100k records
        would hold every text and vector twice, in the server and here, at once."""
        collection = self._collections[name]
        ids = collection.get(include=[])["ids"]
        for start in range(0, len(ids), _READ_PAGE):
            yield collection.get(ids=ids[start:start + _READ_PAGE], include=include)

    def update_themes(self, name: str, themes: dict[str, Sequence[str]]) -> None:
        """Set the ``themes`` of stored chunks or sentences; texts and vectors stay untouched.

        chromadb 1.5 merges the given metadata into the stored one, and refuses empty lists:
        ``None`` removes the key, which is how a record loses all its themes."""
        collection = self._collections[name]
        ids = list(themes)
        for start in range(0, len(ids), _WRITE_BATCH):
            batch = ids[start:start + _WRITE_BATCH]
            collection.update(ids=batch,
                              metadatas=[{"themes": list(themes[i]) or None} for i in batch])

    # -- reads for retrieval -----------------------------------------------------------------

    @_reachable
    def dense_chunks(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The ``k`` nearest chunks by the HNSW index, as (chunk_id, cosine similarity)."""
        # No count() first: it costs ~10 ms at 100k chunks, and Chroma returns fewer hits
        # (none for an empty collection) when k exceeds the count.
        result = self.chunks.query(query_embeddings=[vector.astype(np.float32)],
                                   n_results=k, include=["distances"])
        return [(cid, 1.0 - float(d)) for cid, d in zip(result["ids"][0], result["distances"][0])]

    @_reachable
    def all_chunks(self) -> list[tuple[str, str, dict]]:
        """Every chunk as (chunk_id, text, metadata); for derived indexes such as BM25."""
        return [record for got in self._pages(CHUNKS, ["documents", "metadatas"])
                for record in zip(got["ids"], got["documents"], got["metadatas"])]

    @_reachable
    def chunk_table(self) -> tuple[list[str], list[str], list[dict], np.ndarray]:
        """Every chunk's id, text, metadata and vector, row by row, read in one pass."""
        ids: list[str] = []
        texts: list[str] = []
        metas: list[dict] = []
        vectors = [np.zeros((0, self.dim), dtype=np.float32)]
        for page_ids, page_texts, page_metas, page_vectors in self.record_pages(CHUNKS):
            ids += page_ids
            texts += page_texts
            metas += page_metas
            vectors.append(page_vectors.reshape(-1, self.dim))
        return ids, texts, metas, np.vstack(vectors)

    @_reachable
    def chunk_sections(self, doc_id: str) -> dict[str, str]:
        """The section heading of every chunk of a document, keyed by chunk id."""
        got = self.chunks.get(where={"doc_id": doc_id}, include=["metadatas"])
        return {cid: meta.get("section", "") for cid, meta in zip(got["ids"], got["metadatas"])}

    @_reachable
    def sentences_where(self, where: dict) -> list[StoredSentence]:
        """Sentences matching a metadata filter, with their vectors, in document order."""
        got = self.sentences.get(where=where, include=["documents", "metadatas", "embeddings"])
        return _stored_sentences(got)

    @_reachable
    def sentences_of(self, sentence_counts: Mapping[str, int | None]) -> list[StoredSentence]:
        """The sentence records of the given chunks (chunk id -> how many sentences it holds,
        its headings and cells included), with their vectors, in document order. Chunks written
        before every sentence became a record hold whole sentences only, so some of their
        positions have none.

        Sentence ids are derived from the counts, since a lookup by id stays fast as the index
        grows and a metadata filter does not; a chunk without a count (written before counts
        were recorded) is looked up by filter.
        """
        ids, uncounted = sentence_ids(sentence_counts)
        found = _stored_sentences(self.sentences.get(
            ids=ids, include=["documents", "metadatas", "embeddings"])) if ids else []
        if uncounted:
            found += self.sentences_where({"chunk_id": {"$in": uncounted}})
        return sorted(found, key=lambda s: s.sentence_id)

    @_reachable
    def page_sentences(self, doc_id: str, page: int) -> list[str]:
        """The texts of all sentences (headings and cells too) that start on one page of a
        document, in order, cut from the chunks by their sentence layout."""
        got = self.chunks.get(where={"$and": [{"doc_id": doc_id}, {"page_start": {"$lte": page}},
                                              {"page_end": {"$gte": page}}]},
                              include=["documents", "metadatas"])
        chunks = sorted(zip(got["ids"], got["documents"], got["metadatas"]))
        if any("layout" not in meta for _, _, meta in chunks):
            # Chunks written before they kept their layout: every sentence was a record then.
            records = self.sentences.get(where={"$and": [{"doc_id": doc_id}, {"page": page}]},
                                         include=["documents"])
            return [text for _, text in sorted(zip(records["ids"], records["documents"]))]
        return [sentence for _, text, meta in chunks
                for sentence in sentences_on_page(text, meta["layout"], page)]

    @_reachable
    def update_document_fields(self, doc_id: str, fields: dict[str, str | int]) -> None:
        """Change metadata (title, publisher, date, year) of a document and of its chunks."""
        self.documents.update(ids=[doc_id], metadatas=[fields])
        chunk_fields = {key: value for key, value in fields.items() if key != "date"}
        ids = self.chunks.get(where={"doc_id": doc_id}, include=[])["ids"]
        for start in range(0, len(ids), _WRITE_BATCH):
            batch = ids[start:start + _WRITE_BATCH]
            self.chunks.update(ids=batch, metadatas=[chunk_fields] * len(batch))

    def _add(self, collection, ids: list[str], texts: list[str], vectors: np.ndarray,
             metadatas: list[dict]) -> None:
        for start in range(0, len(ids), _WRITE_BATCH):
            end = start + _WRITE_BATCH
            collection.add(ids=ids[start:end], documents=texts[start:end],
                           embeddings=vectors[start:end].astype(np.float32),
                           metadatas=metadatas[start:end])


def document_infos(metas: Iterable[Mapping]) -> list[DocumentInfo]:
    """Commit records as documents, in file-name order (the store's and its snapshot's)."""
    return sorted((document_info(meta) for meta in metas), key=lambda info: info.file)


def sentence_ids(sentence_counts: Mapping[str, int | None]) -> tuple[list[str], list[str]]:
    """The ids of the sentence positions of chunks whose sentence count is known, and the
    chunks without a count (written before counts were recorded)."""
    ids = [f"{chunk_id}:{position:03d}" for chunk_id, count in sentence_counts.items()
           if count is not None for position in range(count)]
    return ids, [chunk_id for chunk_id, count in sentence_counts.items() if count is None]


def fingerprint_of(infos: Sequence[DocumentInfo]) -> str:
    """What changes whenever a document is committed or removed (keys derived caches)."""
    return json.dumps(sorted((i.doc_id, i.file_sha256, i.duplicate_of or "") for i in infos))


def stored_sentence(sentence_id: str, text: str, meta: Mapping, vector) -> StoredSentence:
    """A sentence record as read back from the store (or its snapshot)."""
    return StoredSentence(sentence_id=sentence_id, chunk_id=meta["chunk_id"],
                          doc_id=meta["doc_id"], page=int(meta["page"]),
                          position=int(meta["position"]), text=text,
                          themes=tuple(meta.get("themes") or ()),
                          vector=np.asarray(vector, dtype=np.float32))


def _stored_sentences(got: dict) -> list[StoredSentence]:
    sentences = [stored_sentence(sid, text, meta, vector) for sid, text, meta, vector
                 in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"])]
    return sorted(sentences, key=lambda s: s.sentence_id)


def _without_empty(meta: dict) -> dict:
    """Chroma refuses empty lists as metadata values; an absent key means the same here."""
    return {key: value for key, value in meta.items() if value != []}


def document_info(meta: Mapping) -> DocumentInfo:
    return DocumentInfo(
        doc_id=meta["doc_id"], file=meta["file"], file_sha256=meta["file_sha256"],
        title=meta.get("title", ""), publisher=meta.get("publisher", ""),
        date=meta.get("date", ""), language=meta.get("language", ""),
        pages=int(meta.get("pages", 0)), chunks=int(meta.get("chunks", 0)),
        duplicate_of=meta.get("duplicate_of") or None,
        scanned_pages=tuple(int(page) for page in meta.get("scanned_pages") or ()),
    )
