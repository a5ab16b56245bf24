"""Hybrid retrieval over the real corpus index: filters on both sides, duplicates, ranking."""

from __future__ import annotations

import pytest

from core.lexical import question_focus
from index.search import MODES, Filters, reciprocal_rank_fusion

GEZONDIN_QUESTION = "Welke kansen zagen de twintig gemeenten die GezondIn sprak in de coronacrisis?"


def test_reciprocal_rank_fusion_rewards_agreement():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "a", "d"]], k=60)
    assert [item for item, _ in fused][:2] == ["a", "b"]
    assert dict(fused)["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert dict(fused)["d"] == pytest.approx(1 / 63)


def test_question_frames_are_stripped_before_embedding():
    assert question_focus("Wat zeggen de rapporten over schulden bij jongeren?") == (
        "schulden bij jongeren?")
    assert question_focus("Wat is eenzaamheid?") == "Wat is eenzaamheid?"


def test_a_question_frame_is_not_counted_as_words_unknown_to_the_library(corpus_library):
    """"melden" frames the question; counted as a topic word unknown to the library, it lowered
    the evidence the refusal weighs."""
    assert corpus_library.search("Wat melden de rapporten over de pandemie?").terms_known == 1.0


def test_a_present_participle_is_known_when_its_verb_is(corpus_library):
    """The reports write "groei" and "groeien", never "groeiende": the stem groeiend is the verb's
    participle, not a word the library lacks."""
    result = corpus_library.search("Wat melden de rapporten over groeiende gezondheidsverschillen?")
    assert result.terms_known == 1.0


@pytest.mark.parametrize("mode", MODES)
def test_publisher_and_year_filters_apply_to_every_mode(corpus_library, mode):
    vng = "VNG-commissie Sociale impact COVID-19"
    result = corpus_library.search("Wat kunnen gemeenten doen tegen armoede?", mode=mode,
                                   filters=Filters(publishers=(vng,)))
    infos = {info.doc_id: info for info in corpus_library.documents()}
    assert result.chunks
    assert {infos[c.doc_id].publisher for c in result.chunks} == {vng}
    recent = corpus_library.search("Wat kunnen gemeenten doen tegen armoede?", mode=mode,
                                   filters=Filters(year_from=2022, year_to=2022))
    assert recent.chunks and {infos[c.doc_id].year for c in recent.chunks} == {2022}


def test_a_duplicate_report_is_never_returned_beside_its_original(corpus_library):
    infos = corpus_library.documents()
    twin = next(info for info in infos if info.file.endswith("-pdfextract.txt"))
    assert twin.duplicate_of
    result = corpus_library.search(GEZONDIN_QUESTION)
    assert twin.doc_id not in {c.doc_id for c in result.chunks}
    assert twin.duplicate_of in {c.doc_id for c in result.chunks}
    named = corpus_library.search(GEZONDIN_QUESTION, filters=Filters(doc_ids=(twin.doc_id,)))
    assert named.chunks and {c.doc_id for c in named.chunks} == {twin.doc_id}


def test_ranking_is_diverse_and_scores_fall_along_it(corpus_library):
    result = corpus_library.search("Hoe ging het met de mentale gezondheid van jongeren?")
    assert len(result.chunks) == 10
    scores = [c.score for c in result.chunks]
    assert scores == sorted(scores, reverse=True)
    assert len({c.text for c in result.chunks}) == len(result.chunks)


def test_chunk_facets_mask_combines_every_filter_and_the_exclusions():
    from index.facets import ChunkFacets

    metas = {
        "a:0": {"doc_id": "a", "publisher": "SCP", "year": 2020, "themes": ["jeugd"]},
        "a:1": {"doc_id": "a", "publisher": "SCP", "year": 2020, "themes": ["schulden_armoede"]},
        "b:0": {"doc_id": "b", "publisher": "VNG", "year": 2022, "themes": ["jeugd", "wonen"]},
        "c:0": {"doc_id": "c", "publisher": "VNG", "year": 2023},
    }
    facets = ChunkFacets(list(metas), metas)
    assert facets.mask(Filters()) is None
    assert facets.mask(Filters(publishers=("VNG",))).tolist() == [False, False, True, True]
    assert facets.mask(Filters(year_from=2021, year_to=2022)).tolist() == [False, False, True, False]
    assert facets.mask(Filters(themes=("jeugd", "wonen"))).tolist() == [True, False, True, False]
    assert facets.mask(Filters(doc_ids=("a", "c"))).tolist() == [True, True, False, True]
    assert facets.mask(Filters(publishers=("RVS",))).tolist() == [False] * 4
    assert facets.mask(Filters(themes=("jeugd",)), {"a"}).tolist() == [False, False, True, False]


REPORT = ("Schuldhulpverlening in de wijk\n\nDe gemeente Zwolle bood tijdens de coronacrisis "
          "schuldhulpverlening aan huis aan. Huishoudens met betalingsachterstanden bij de "
          "energieleverancier kregen binnen twee weken een schuldhulpverlener op bezoek. "
          "Volgens de gemeente daalde het aantal huisuitzettingen daardoor met een derde.\n")


def test_a_report_committed_by_another_process_is_found_after_the_recheck(tmp_path, embedder,
                                                                         monkeypatch):
    """Two users share one index: the reader's retriever notices the writer's new report."""
    from conftest import make_settings

    from index import search
    from library import Library

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "zwolle-schulden.txt").write_text(REPORT, encoding="utf-8")
    settings = make_settings(tmp_path / "data", corpus)
    reader = Library(settings, embedder)
    assert reader.search("schuldhulpverlening aan huis").chunks == ()
    Library(settings, embedder).ingest([corpus])

    assert reader.search("schuldhulpverlening aan huis").chunks == (), (
        "a report the reader has not seen committed yet must not be returned")
    monkeypatch.setattr(search, "RECHECK_SECONDS", 0.0)
    found = reader.search("schuldhulpverlening aan huis", mode="bm25")
    assert [c.file for c in found.chunks] == ["zwolle-schulden.txt"]
    assert "zwolle-schulden.txt" in {info.file for info in reader.retriever.documents.values()}


@pytest.mark.parametrize("share", [1.0, 0.5, 0.2, 0.05])
def test_filtered_dense_search_agrees_with_an_exact_scan(corpus_library, share):
    """Broad masks go through the HNSW index with oversampling, narrow ones are scanned exactly;
    on this small index both must give the exact nearest chunks."""
    import numpy as np

    from index.dense import DenseIndex

    store = corpus_library.store
    chunk_ids, _, _, vectors = store.chunk_table()
    dense = DenseIndex(store, chunk_ids, vectors)
    query = corpus_library.embedder.embed_queries(["Hoe ging het met de schulden van gezinnen?"])[0]
    mask = np.random.default_rng(3).random(len(chunk_ids)) < share
    found = dense.search(query, 10, mask)
    assert [chunk_id for chunk_id, _ in found] == [c for c, _ in dense.exact(query, 10, mask)]
    assert all(mask[chunk_ids.index(chunk_id)] for chunk_id, _ in found)
    assert len(found) == min(10, int(mask.sum()))
