"""The tagger's shipped vectors: used for their embedder, missing texts embedded, others ignored."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from index.theme_calibration import load_passages
from index.theme_vectors import load_vectors, text_key, vectors_path, write_vectors
from index.themes import ThemeTagger, calibration_path, load_params, load_taxonomy, prototype_views
from tests.conftest import CORPUS, ROOT, CountingEmbedder

THEMES = CORPUS / "themes.toml"
TEXTS = [p.text for p in load_passages(ROOT / "eval" / "gold" / "passages.jsonl")[:40]]


class Renamed:
    """The real embedder under another name."""

    def __init__(self, inner, name: str) -> None:
        self.inner, self.name, self.dim = inner, name, inner.dim

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts):
        return self.inner.embed_passages(texts)


def _plain_tagger(taxonomy: Path, embedder) -> ThemeTagger:
    """The tagger as without a vectors file: everything embedded."""
    return ThemeTagger(load_taxonomy(taxonomy), embedder,
                       load_params(calibration_path(taxonomy), embedder.name))


def _copy_taxonomy(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(THEMES, target / "themes.toml")
    shutil.copy(calibration_path(THEMES), calibration_path(target / "themes.toml"))
    return target / "themes.toml"


@pytest.fixture
def shipped(tmp_path, embedder) -> Path:
    """A copy of the taxonomy and calibration with vectors written for the real embedder."""
    taxonomy = _copy_taxonomy(tmp_path / "corpus")
    write_vectors(vectors_path(taxonomy), embedder, _plain_tagger(taxonomy, embedder).fixed_texts())
    return taxonomy


def test_a_tagger_with_vectors_for_its_embedder_embeds_no_fixed_text_and_tags_the_same(
        shipped, embedder):
    counting = CountingEmbedder(embedder)
    tagger = ThemeTagger.from_files(shipped, counting)
    plain = _plain_tagger(shipped, embedder)
    assert len(tagger.params.examples) == 235
    assert tagger.prototypes.shape == (14, embedder.dim)
    assert tagger.example_vectors.shape == (235, embedder.dim)
    vectors = embedder.embed_passages(TEXTS)
    assert tagger.tag_vectors(TEXTS, vectors) == plain.tag_vectors(TEXTS, vectors)
    assert any(tagger.tag_vectors(TEXTS, vectors))
    np.testing.assert_array_equal(tagger.score_matrix(TEXTS, vectors),
                                  plain.score_matrix(TEXTS, vectors))
    assert counting.passages == []


def test_only_a_text_missing_from_the_file_is_embedded(shipped, embedder):
    text = shipped.read_text(encoding="utf-8")
    old = load_taxonomy(shipped)[0]
    new_description = old.description + " Ook stress door de coronamaatregelen."
    shipped.write_text(text.replace(old.description, new_description, 1), encoding="utf-8")
    edited = load_taxonomy(shipped)[0]
    assert edited.description == new_description

    counting = CountingEmbedder(embedder)
    tagger = ThemeTagger.from_files(shipped, counting)
    np.testing.assert_array_equal(tagger.prototypes, _plain_tagger(shipped, embedder).prototypes)
    tagger.example_vectors  # noqa: B018 - built from the file, nothing embedded
    views = prototype_views([edited])
    assert sorted(counting.passages) == sorted([views[0][0], views[2][0]])


def test_a_file_for_another_embedder_is_ignored(tmp_path, embedder, capsys):
    taxonomy = _copy_taxonomy(tmp_path / "corpus")
    fixed = _plain_tagger(taxonomy, embedder).fixed_texts()
    write_vectors(vectors_path(taxonomy), Renamed(embedder, "st:another-model"), fixed)
    assert load_vectors(vectors_path(taxonomy)).embedder == "st:another-model"

    counting = CountingEmbedder(embedder)
    tagger = ThemeTagger.from_files(taxonomy, counting)
    np.testing.assert_array_equal(tagger.prototypes, _plain_tagger(taxonomy, embedder).prototypes)
    tagger.example_vectors  # noqa: B018
    assert sorted(counting.passages) == sorted(fixed)
    assert capsys.readouterr().err == ""


def test_an_unreadable_file_gives_one_notice_and_everything_is_embedded(tmp_path, embedder, capsys):
    taxonomy = _copy_taxonomy(tmp_path / "corpus")
    vectors_path(taxonomy).write_bytes(b"not a zip file")
    counting = CountingEmbedder(embedder)
    tagger = ThemeTagger.from_files(taxonomy, counting)
    tagger.prototypes, tagger.example_vectors  # noqa: B018
    assert sorted(counting.passages) == sorted(tagger.fixed_texts())
    notice = capsys.readouterr().err
    assert notice.count("\n") == 1 and "themes.vectors.npz" in notice


def test_committed_vectors_cover_the_committed_taxonomy_and_calibration(embedder):
    shipped = load_vectors(vectors_path(THEMES))
    assert shipped is not None and shipped.embedder == embedder.name
    fixed = _plain_tagger(THEMES, embedder).fixed_texts()
    assert set(shipped.vectors) == {text_key(t) for t in fixed}
    stored = np.array([shipped.vectors[text_key(t)] for t in fixed])
    assert stored.dtype == np.float32
    # The same embedder built elsewhere differs by ~1e-4 in cosine, not more.
    cosines = np.sum(stored * embedder.embed_passages(fixed), axis=1)
    assert cosines.min() > 0.999
