"""A Dutch BM25 index over the chunks, derived from the store and cached on disk beside it."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.tokenization import Tokenizer

from index.dutch_words import compound_parts

_FINGERPRINT = "fingerprint.json"
# Names how texts become tokens; a cached index made another way is rebuilt.
TOKENIZATION = "dutch-snowball+compound-parts"
_WORD = re.compile(r"(?u)\b\w\w+\b")


def dutch_tokenizer() -> Tokenizer:
    """Lower-cased words and the parts of compounds, Dutch stop words removed, Snowball's Dutch
    stemmer applied."""
    return Tokenizer(stemmer=Stemmer.Stemmer("dutch"), stopwords="nl",
                     splitter=words_and_compound_parts)


def words_and_compound_parts(text: str) -> list[str]:
    """The words of ``text``, each compound followed by its modifier and head, so a search for
    schulden finds schuldenproblematiek and one for jongerenwerkers finds werkers."""
    words: list[str] = []
    for word in _WORD.findall(text):
        words.append(word)
        words.extend(compound_parts(word) or ())
    return words


class Bm25Index:
    """BM25 over chunk texts; ``chunk_ids[i]`` is the i-th indexed chunk."""

    def __init__(self, chunk_ids: list[str], retriever: bm25s.BM25 | None,
                 tokenizer: Tokenizer) -> None:
        self.chunk_ids = chunk_ids
        self._retriever = retriever
        self._tokenizer = tokenizer

    @classmethod
    def build(cls, chunks: Iterable[tuple[str, str]]) -> Bm25Index:
        pairs = list(chunks)
        tokenizer = dutch_tokenizer()
        if not pairs:
            return cls([], None, tokenizer)
        tokens = tokenizer.tokenize([text for _, text in pairs], show_progress=False,
                                   return_as="tuple")
        retriever = bm25s.BM25()
        retriever.index(tokens, show_progress=False)
        return cls([chunk_id for chunk_id, _ in pairs], retriever, tokenizer)

    @property
    def vocabulary(self) -> frozenset[str]:
        """The stems of every indexed word (stop words excluded)."""
        return frozenset(self._tokenizer.get_vocab_dict()) - {""}

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The best ``k`` chunks with a positive score, limited to ``mask`` when given."""
        if self._retriever is None:
            return []
        tokens = self._tokenizer.tokenize([query], update_vocab=False, show_progress=False)
        if not any(tokens[0]):
            return []
        weight_mask = None if mask is None else mask.astype(np.float32)
        indices, scores = self._retriever.retrieve(
            tokens, k=min(k, len(self.chunk_ids)), show_progress=False, weight_mask=weight_mask
        )
        return [(self.chunk_ids[i], float(s)) for i, s in zip(indices[0], scores[0]) if s > 0]

    def save(self, directory: Path, fingerprint: str) -> None:
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        if self._retriever is not None:
            self._retriever.save(str(directory / "bm25"))
            self._tokenizer.save_vocab(str(directory / "bm25"))
        (directory / "chunk_ids.json").write_text(json.dumps(self.chunk_ids))
        # Written last: a half-written cache has no fingerprint and is rebuilt.
        (directory / _FINGERPRINT).write_text(json.dumps([TOKENIZATION, fingerprint]))

    @classmethod
    def load(cls, directory: Path, fingerprint: str) -> Bm25Index | None:
        """The cached index if it was built from the same store state and tokenization, else None."""
        marker = directory / _FINGERPRINT
        if not marker.exists() or json.loads(marker.read_text()) != [TOKENIZATION, fingerprint]:
            return None
        chunk_ids = json.loads((directory / "chunk_ids.json").read_text())
        tokenizer = dutch_tokenizer()
        if not chunk_ids:
            return cls([], None, tokenizer)
        retriever = bm25s.BM25.load(str(directory / "bm25"))
        tokenizer.load_vocab(str(directory / "bm25"))
        return cls(chunk_ids, retriever, tokenizer)
