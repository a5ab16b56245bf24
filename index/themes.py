"""The theme taxonomy (corpus/themes.toml) and the tagger: stemmed keywords, embedded prototypes
and the votes of the nearest labelled examples.

A theme's score for a text is ``centred prototype similarity + keyword_weight * keyword evidence
+ example_weight * share of the theme among the text's nearest labelled examples``; the text
carries the theme when the score reaches the theme's calibrated threshold
(``index/theme_calibration.py`` chooses them and the examples, and writes
``corpus/themes.calibration.json``; the vectors of the tagger's fixed texts ship beside it,
``index/theme_vectors.py``).
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from core.lexical import stemmer
from core.models import SummarySentence, ThemeCount
from index.dutch_words import compound_head, lemmas
from index.embedders import Embedder
from index.theme_vectors import ShippedVectors, load_vectors, vectors_path

# Keyword stems shorter than this only match whole words; longer ones also match word prefixes
# (schuld -> schuldhulpverlening) and, from SUFFIX_MIN on, compound heads (probleemschulden).
PREFIX_MIN, SUFFIX_MIN = 4, 5
# A stem shorter than its keyword by more than this has lost meaning (overheid -> over).
STEM_LOSS = 3
# Without a calibration for this embedder, one keyword hit decides (1 - e^-1 = 0.63 >= 0.5) and the
# prototype similarity (centred, a few hundredths) only breaks near-ties.
DEFAULT_KEYWORD_WEIGHT, DEFAULT_THRESHOLD = 1.0, 0.5
# The nearest EXAMPLE_K labelled examples vote, weighted by softmax(cosine / EXAMPLE_TEMPERATURE);
# both chosen by cross-validation on the calibration passages (docs/ARCHITECTURE.md, Themes).
EXAMPLE_K, EXAMPLE_TEMPERATURE = 10, 0.02
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    description: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Example:
    """A labelled passage whose themes vote for the texts it is nearest to."""

    text: str
    themes: tuple[str, ...]


@dataclass(frozen=True)
class TaggerParams:
    """How scores become tags; ``thresholds`` missing a theme use ``default_threshold``."""

    keyword_weight: float = DEFAULT_KEYWORD_WEIGHT
    default_threshold: float = DEFAULT_THRESHOLD
    thresholds: dict[str, float] = field(default_factory=dict)
    example_weight: float = 0.0
    examples: tuple[Example, ...] = ()
    embedder: str = ""
    notice: str = ""

    def threshold(self, theme_id: str) -> float:
        return self.thresholds.get(theme_id, self.default_threshold)


def load_taxonomy(path: Path | str) -> list[Theme]:
    """The themes of a themes.toml, in file order; ids must be unique."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    themes = [Theme(id=str(t["id"]), label=str(t["label"]), description=str(t.get("description", "")),
                    keywords=tuple(str(k) for k in t.get("keywords", ())))
              for t in data.get("theme", [])]
    ids = [theme.id for theme in themes]
    if len(ids) != len(set(ids)):
        raise ValueError(f"dubbele thema-id's in {path} / duplicate theme ids in {path}")
    return themes


def calibration_path(taxonomy_path: Path | str) -> Path:
    """corpus/themes.toml -> corpus/themes.calibration.json."""
    path = Path(taxonomy_path)
    return path.with_name(f"{path.stem}.calibration.json")


def load_params(path: Path | str, embedder_name: str) -> TaggerParams:
    """The calibrated parameters, or the defaults with a notice when absent or for another embedder."""
    path = Path(path)
    if not path.exists():
        return TaggerParams(notice=f"geen kalibratie ({path.name}); standaardwaarden gebruikt / "
                                   "no calibration, using defaults")
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("embedder") != embedder_name:
        return TaggerParams(notice=(
            f"de thema-kalibratie is gemaakt met {data.get('embedder')!r}, niet met {embedder_name!r}: "
            "kalibreer opnieuw (rapportwijzer themes --calibrate); tot dan beslissen de trefwoorden / "
            "theme calibration was made for another embedder: recalibrate; keywords decide until then"))
    return TaggerParams(keyword_weight=float(data["keyword_weight"]),
                        default_threshold=float(data["default_threshold"]),
                        thresholds={k: float(v) for k, v in data.get("thresholds", {}).items()},
                        example_weight=float(data.get("example_weight", 0.0)),
                        examples=tuple(Example(e["text"], tuple(e["themes"]))
                                       for e in data.get("examples", ())),
                        embedder=embedder_name)


class ThemeTagger:
    """Tags texts with theme ids, best first; zero themes when no score reaches its threshold."""

    def __init__(self, themes: Sequence[Theme], embedder: Embedder,
                 params: TaggerParams | None = None,
                 shipped: ShippedVectors | None = None) -> None:
        self.themes = list(themes)
        self.embedder = embedder
        self.params = params or TaggerParams()
        # The prototype views' and examples' vectors written at calibration, if any.
        self.shipped = shipped or ShippedVectors("", {})
        self._keywords = KeywordMatcher(self.themes)

    @classmethod
    def from_files(cls, taxonomy_path: Path | str, embedder: Embedder,
                   warn: bool = True) -> ThemeTagger:
        params = load_params(calibration_path(taxonomy_path), embedder.name)
        if params.notice and warn:
            print(f"Let op / note: {params.notice}", file=sys.stderr)
        return cls(load_taxonomy(taxonomy_path), embedder, params,
                   load_vectors(vectors_path(taxonomy_path), warn))

    @property
    def ids(self) -> list[str]:
        return [theme.id for theme in self.themes]

    def label(self, theme_id: str) -> str:
        return next((t.label for t in self.themes if t.id == theme_id), theme_id)

    def fixed_texts(self) -> list[str]:
        """The texts the tagger embeds for itself: its prototype views and its examples."""
        return [*(text for view in prototype_views(self.themes) for text in view),
                *(example.text for example in self.params.examples)]

    @cached_property
    def prototypes(self) -> np.ndarray:
        """One unit vector per theme: the mean of three passage views of its taxonomy entry.

        Views in the shipped vectors are not embedded again (nor, with the embedder's cache,
        any view embedded before)."""
        if not self.themes:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        total = sum(self.shipped.embed_passages(self.embedder, view)
                    for view in prototype_views(self.themes))
        return (total / np.linalg.norm(total, axis=1, keepdims=True)).astype(np.float32)

    def tag(self, texts: Sequence[str]) -> list[tuple[str, ...]]:
        return self.tag_vectors(texts, self.embedder.embed_passages(list(texts)))

    def scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        matrix = self.score_matrix(texts, self.embedder.embed_passages(list(texts)))
        return [dict(zip(self.ids, map(float, row))) for row in matrix]

    def tag_vectors(self, texts: Sequence[str], vectors: np.ndarray) -> list[tuple[str, ...]]:
        """Tags from passage vectors already computed (at ingest or in the store)."""
        return self.tags_from_scores(self.score_matrix(texts, vectors))

    def score_matrix(self, texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        """Scores, shape (len(texts), len(themes))."""
        votes = (self.example_votes(texts, vectors) if self.params.example_weight
                 else np.zeros((len(texts), len(self.themes)), dtype=np.float32))
        return combine(self.similarity(vectors), self.keyword_hits(texts), votes,
                       self.params.keyword_weight, self.params.example_weight)

    def similarity(self, vectors: np.ndarray) -> np.ndarray:
        """Prototype cosine minus the text's mean cosine over all themes (removes a text's
        general closeness to the whole domain, which dominates raw e5 cosines)."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, self.embedder.dim)
        if not self.themes or not len(vectors):
            return np.zeros((len(vectors), len(self.themes)), dtype=np.float32)
        cosines = vectors @ self.prototypes.T
        return cosines - cosines.mean(axis=1, keepdims=True)

    @cached_property
    def example_vectors(self) -> np.ndarray:
        """The examples' passage vectors: shipped, else embedded (and cached) once."""
        texts = [example.text for example in self.params.examples]
        vectors = self.shipped.embed_passages(self.embedder, texts)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.embedder.dim)

    def example_votes(self, texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        """Per text, each theme's share among its EXAMPLE_K nearest examples (cosine, softmax
        weighted), shape (texts, themes). An example never votes for its own text, so the
        calibration passages are scored as if left out, and a theme without examples gets 0."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, self.embedder.dim)
        if not self.params.examples or not len(vectors):
            return np.zeros((len(vectors), len(self.themes)), dtype=np.float32)
        index = {theme_id: j for j, theme_id in enumerate(self.ids)}
        labels = np.zeros((len(self.params.examples), len(self.themes)), dtype=np.float32)
        for i, example in enumerate(self.params.examples):
            labels[i, [index[t] for t in example.themes if t in index]] = 1.0
        cosines = vectors @ self.example_vectors.T
        own: dict[str, list[int]] = {}
        for i, example in enumerate(self.params.examples):
            own.setdefault(" ".join(example.text.split()), []).append(i)
        for row, text in enumerate(texts):
            cosines[row, own.get(" ".join(text.split()), [])] = -np.inf
        k = min(EXAMPLE_K, len(self.params.examples))
        nearest = np.argpartition(-cosines, k - 1, axis=1)[:, :k]
        near = np.take_along_axis(cosines, nearest, axis=1)
        top = near.max(axis=1, keepdims=True)
        weights = np.exp((near - np.where(np.isfinite(top), top, 0.0)) / EXAMPLE_TEMPERATURE)
        votes = np.einsum("nk,nkt->nt", weights, labels[nearest])
        return votes / np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)

    def keyword_hits(self, texts: Sequence[str]) -> np.ndarray:
        """Distinct keyword stems of each theme found in each text, shape (texts, themes)."""
        return np.array([self._keywords.hits(text) for text in texts],
                        dtype=np.float32).reshape(len(texts), len(self.themes))

    def tags_from_scores(self, matrix: np.ndarray) -> list[tuple[str, ...]]:
        thresholds = np.array([self.params.threshold(i) for i in self.ids], dtype=np.float32)
        tags = []
        for row in np.asarray(matrix, dtype=np.float32).reshape(-1, len(self.ids)):
            chosen = [j for j in np.argsort(-row, kind="stable") if row[j] >= thresholds[j]]
            tags.append(tuple(self.ids[j] for j in chosen))
        return tags

    def keyword_matches(self, text: str) -> dict[str, list[str]]:
        """Which words of ``text`` hit which theme's keywords: for explaining a tag."""
        return {self.ids[j]: words for j, words in self._keywords.matches(text).items()}


def prototype_views(themes: Sequence[Theme]) -> list[list[str]]:
    """Three texts per theme, one list per view, embedded as passages for its prototype."""
    return [[f"{t.label}. {t.description}" for t in themes],
            [", ".join(t.keywords) or t.label for t in themes],
            [f"{t.label}: {t.description} Trefwoorden: {', '.join(t.keywords)}" for t in themes]]


def combine(similarity: np.ndarray, hits: np.ndarray, votes: np.ndarray, keyword_weight: float,
            example_weight: float) -> np.ndarray:
    """Score = centred similarity + keyword_weight * (1 - e^-hits) (the first hit counts most)
    + example_weight * example votes."""
    return similarity + keyword_weight * (1.0 - np.exp(-hits)) + example_weight * votes


def tag_chunk_sentences(tagger: ThemeTagger, chunk_tags: Sequence[tuple[str, ...]],
                        sentence_texts: Sequence[str], sentence_vectors: np.ndarray,
                        sentence_chunk: Sequence[int]) -> list[tuple[str, ...]]:
    """A sentence's themes: its own tags, plus its chunk's themes for which the sentence itself
    holds a keyword (a short sentence often names the theme its chunk is about without enough
    context for the prototype similarity)."""
    scores = tagger.score_matrix(sentence_texts, sentence_vectors)
    own = tagger.tags_from_scores(scores)
    hits = tagger.keyword_hits(sentence_texts)
    index = {theme_id: j for j, theme_id in enumerate(tagger.ids)}
    tags = []
    for i, chunk in enumerate(sentence_chunk):
        inherited = {t for t in chunk_tags[chunk] if hits[i, index[t]] > 0} if chunk_tags else set()
        chosen = set(own[i]) | inherited
        tags.append(tuple(sorted(chosen, key=lambda t: -scores[i, index[t]])))
    return tags


def theme_counts(sentences: Sequence[SummarySentence], tagger: ThemeTagger) -> tuple[ThemeCount, ...]:
    """An answer's themes: how many of its sentences carry each, most frequent first."""
    counts = Counter(theme for sentence in sentences for theme in sentence.themes)
    order = {theme_id: j for j, theme_id in enumerate(tagger.ids)}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], order.get(item[0], len(order))))
    return tuple(ThemeCount(theme, tagger.label(theme), n) for theme, n in ranked)


class KeywordMatcher:
    """Dutch keyword evidence: Snowball's classic Dutch (Porter) stems, matched as whole words,
    word prefixes and compound heads. The newer 'dutch' (Kraaij-Pohlmann) stemmer strips
    prefixes such as ge- (gemeenten -> meen), which makes prefix matching unsafe.

    A compound head counts only after a modifier of Dutch words (index/dutch_words.py): groot|
    ouders and schuld|hulpverlening do, statush|ouders, weth|ouder and departe|mentale do not.
    Prefix matches are not checked: gemeenschappelijk (gemeenschap) is as much a derivation as
    preventief (preventie). What each guard removed and its figures: docs/ARCHITECTURE.md, Themes.

    Three guards keep stems from matching another word: a stem that lost more than STEM_LOSS
    letters of its keyword (overheid -> over, verenigingen -> veren) is not used, the keyword
    then matches as written; a word that is itself a keyword counts only for the themes that
    list it (ouders, a youth keyword, does not count for ouderen through the stem ouder); and
    equal stems alone do not join a word to a keyword when both are known Dutch forms without a
    lemma in common (spaCy's Dutch lemma tables, any part of speech): tal ('tal van', many) is no
    taal, talen still is. A keyword's own themes keep their stem links (eenzaamheid still counts
    as eenzaam too), and prefix and compound-head matches are not checked."""

    def __init__(self, themes: Sequence[Theme]) -> None:
        self._stemmer = stemmer("dutch_porter")
        self._n = len(themes)
        self._keywords: list[tuple[int, str, str]] = []  # (theme index, keyword, stem)
        self._listed: dict[str, set[int]] = {}  # keyword -> the themes listing it
        for j, theme in enumerate(themes):
            for keyword in dict.fromkeys(k.lower() for k in theme.keywords):
                stem = self._stemmer.stemWord(keyword)
                self._keywords.append((j, keyword, stem if len(keyword) - len(stem) <= STEM_LOSS
                                       else keyword))
                self._listed.setdefault(keyword, set()).add(j)
        self._word_hits = lru_cache(maxsize=200_000)(self._match_word)

    def hits(self, text: str) -> list[int]:
        found: list[set[str]] = [set() for _ in range(self._n)]
        for word in set(_WORD_RE.findall(text.lower())):
            for j, stem in self._word_hits(word):
                found[j].add(stem)
        return [len(stems) for stems in found]

    def matches(self, text: str) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for word in dict.fromkeys(_WORD_RE.findall(text.lower())):
            for j, _ in self._word_hits(word):
                out.setdefault(j, []).append(word)
        return out

    def _match_word(self, word: str) -> tuple[tuple[int, str], ...]:
        stem = self._stemmer.stemWord(word)
        listed = self._listed.get(word)
        found = []
        for j, keyword, kstem in self._keywords:
            if listed is not None and j not in listed:
                continue
            if (word == keyword
                    or (stem == kstem and (listed is not None or not _other_lemmas(word, keyword)))
                    or (len(kstem) >= PREFIX_MIN and word.startswith(kstem))
                    or (len(kstem) >= SUFFIX_MIN and (compound_head(word, kstem)
                                                      or compound_head(stem, kstem)))):
                found.append((j, kstem))
        return tuple(dict.fromkeys(found))


def _other_lemmas(word: str, keyword: str) -> bool:
    """Whether ``word`` and ``keyword`` are both known Dutch word forms without a lemma in common
    (tal 'number' and taal 'language' share the stem tal; talen is a form of taal)."""
    ours, theirs = lemmas(word), lemmas(keyword)
    return bool(ours and theirs and not ours & theirs)
