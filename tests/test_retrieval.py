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
