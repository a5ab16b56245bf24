"""The evaluation's metric, matching and loading functions on hand-made cases."""

from __future__ import annotations

import json
import math

import pytest

from core.models import Document, Page
from eval import metrics
from eval.gold import GoldError, load_questions
from eval.matching import longest_common_run, matched_quotes, matches, normalise
from eval.naive import windows_of

# -- ranking metrics ----------------------------------------------------------------------------


def test_perfect_ranking_scores_one():
    ranking = [{0}, {1}, set()]
    assert metrics.reciprocal_rank(ranking, 10) == 1.0
    assert metrics.recall_at_k(ranking, 2, 5) == 1.0
    assert metrics.ndcg_at_k(ranking, 2, 10) == pytest.approx(1.0)


def test_empty_ranking_scores_zero():
    assert metrics.reciprocal_rank([], 10) == 0.0
    assert metrics.recall_at_k([], 2, 10) == 0.0
    assert metrics.ndcg_at_k([], 2, 10) == 0.0
    nothing = [set(), set(), set()]
    assert metrics.reciprocal_rank(nothing, 10) == 0.0
    assert metrics.ndcg_at_k(nothing, 1, 10) == 0.0


def test_rank_cut_off_and_partial_recall():
    ranking = [set(), set(), {1}, set(), set(), {0}]
    assert metrics.reciprocal_rank(ranking, 10) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank(ranking, 2) == 0.0
    assert metrics.recall_at_k(ranking, 2, 5) == 0.5
    assert metrics.recall_at_k(ranking, 4, 10) == 0.5


def test_ndcg_known_value():
    # hits at ranks 2 and 4, two relevant items: (1/log2 3 + 1/log2 5) / (1 + 1/log2 3)
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert metrics.ndcg_at_k([set(), {0}, set(), {1}], 2, 10) == pytest.approx(expected)
    assert expected == pytest.approx(0.6509, abs=1e-4)


def test_repeated_evidence_gains_once():
    # a twin copy of the same quote at rank 2 neither helps nor exceeds the ideal
    assert metrics.novelty_gains([{0}, {0}, {1}]) == [1, 0, 1]
    assert metrics.ndcg_at_k([{0}, {0}], 1, 10) == pytest.approx(1.0)
    assert metrics.recall_at_k([{0}, {0}], 2, 10) == 0.5


def test_ranking_metrics_need_relevant_items():
    with pytest.raises(ValueError):
        metrics.recall_at_k([{0}], 0, 10)


# -- ROUGE-L ------------------------------------------------------------------------------------


def test_lcs_length():
    assert metrics.lcs_length("abcbdab", "bdcaba") == 4
    assert metrics.lcs_length([], ["a"]) == 0


def test_rouge_l_recall_known_value():
    reference = "De gemeenten voerden twintig gesprekken"
    # "twintig" comes too early to join the LCS: de, gemeenten, voerden, gesprekken (4 of 5)
    assert metrics.rouge_l_recall(reference, "twintig: de gemeenten voerden gesprekken") == 0.8
    assert metrics.rouge_l_recall(reference, "twintig de gemeenten gesprekken") == pytest.approx(3 / 5)
    assert metrics.rouge_l_recall(reference, "") == 0.0
    assert metrics.rouge_l_recall(reference, reference) == 1.0


def test_rouge_l_precision_recall_and_f1():
    reference = "De gemeenten voerden twintig gesprekken"
    scores = metrics.rouge_l(reference, "twintig: de gemeenten voerden gesprekken met wethouders")
    assert (scores.recall, scores.precision) == (pytest.approx(4 / 5), pytest.approx(4 / 7))
    assert scores.f1 == pytest.approx(2 * (4 / 5) * (4 / 7) / (4 / 5 + 4 / 7))
    assert metrics.rouge_l(reference, "") == metrics.Rouge(0.0, 0.0, 0.0)
    with pytest.raises(ValueError):
        metrics.rouge_l("", "iets")


def test_rouge_l_uses_dutch_stems():
    assert metrics.dutch_stems("gemeenten") == metrics.dutch_stems("gemeente")
    assert metrics.rouge_l_recall("de gemeenten", "De gemeente!") == 1.0


# -- labels -------------------------------------------------------------------------------------


def test_label_scores_micro_macro_and_per_label():
    gold = [{"a"}, {"a", "b"}, set()]
    predicted = [{"a"}, {"b"}, {"b"}]
    scores = metrics.label_scores(gold, predicted, labels=["a", "b", "c"])
    a, b, c = (scores.per_label[x] for x in "abc")
    assert (a.precision, a.recall, a.f1, a.support) == (1.0, 0.5, pytest.approx(2 / 3), 2)
    assert (b.precision, b.recall, b.f1, b.support) == (0.5, 1.0, pytest.approx(2 / 3), 1)
    assert (c.precision, c.recall, c.f1, c.support) == (0.0, 0.0, 0.0, 0)
    # micro: tp 2, fp 1, fn 1
    assert scores.micro.f1 == pytest.approx(2 / 3)
    assert scores.micro.precision == pytest.approx(2 / 3)
    # macro: the unweighted mean over a, b and the never-seen c
    assert scores.macro.f1 == pytest.approx(4 / 9)


def test_label_scores_default_labels_and_perfect():
    scores = metrics.label_scores([("x",), ("y",)], [("x",), ("y",)])
    assert scores.micro.f1 == scores.macro.f1 == 1.0
    assert set(scores.per_label) == {"x", "y"}


def test_percentile_and_mean():
    assert metrics.percentile([4, 1, 3, 2], 50) == 2.5
    assert metrics.percentile([10, 20], 95) == pytest.approx(19.5)
    assert metrics.percentile([], 50) is None
    assert metrics.mean([]) is None
    assert metrics.mean([1, 2]) == 1.5


# -- quote matching -----------------------------------------------------------------------------

QUOTE = "De kans is groot dat door deze crisis de gezondheidsachterstanden verder toenemen."


def test_normalisation_undoes_hyphenation_and_whitespace():
    assert normalise("gezond- heid") == normalise("gezond-\nheid") == "gezondheid"
    assert normalise("  Twee\n\tregels  ") == "twee regels"
    assert normalise("“ﬁnanciën” – zo") == '"financien" - zo'
    assert normalise("patiénten") == normalise("patiënten") == "patienten"  # OCR's é for ë
    assert normalise("verricht of o Binnen 22 weken") == "verricht of binnen 22 weken"
    assert normalise("zo of zo") == "zo of zo"  # only the lone letter: Word's list mark
    chunk = ("Inleiding. De kans is groot dat door deze\ncrisis de gezondheids-\nachterstanden "
             "verder toenemen. Daarna")
    assert matches(chunk, QUOTE)


def test_match_is_case_insensitive_containment():
    assert matches(f"Eerst iets anders. {QUOTE.upper()} En meer.", QUOTE)
    assert not matches("Een heel andere tekst over wonen en werk.", QUOTE)


def test_sixty_percent_contiguous_run():
    quote = "een twee drie vier vijf zes zeven acht negen tien"
    assert matches("bla bla vijf zes zeven acht negen tien", quote)      # last 6 of 10
    assert not matches("bla bla zes zeven acht negen tien", quote)       # only 5 of 10
    # 6 of 10 words present, but not as one run: no match
    assert not matches("een twee drie x vier vijf zes", quote)
    assert longest_common_run(quote.split(), "x drie vier y drie vier vijf".split()) == 3


def test_quote_cut_by_a_chunk_boundary():
    text = f"Voorafgaande zin over iets. {QUOTE} Volgende zin."
    cut = text.index("gezondheidsachterstanden")  # 9 of the quote's 12 words fall before the cut
    first, second = text[:cut], text[cut:]
    assert matches(first, QUOTE)
    assert not matches(second, QUOTE)
    assert matched_quotes(first, [QUOTE, "iets totaal anders hier"]) == frozenset({0})


# -- gold files and naive windows ---------------------------------------------------------------


def test_load_questions_rejects_inconsistent_rows(tmp_path):
    row = {"id": "q1", "question": "Vraag?", "kind": "unanswerable",
           "relevant": [{"file": "a.pdf", "quote": "Een citaat."}], "themes": [], "answer": "-"}
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match="q.jsonl:1"):
        load_questions(path)
    path.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(GoldError, match="invalid JSON"):
        load_questions(path)


def test_twin_quotes_count_once(tmp_path):
    quote = {"file": "a.pdf", "quote": "Zelfde zin."}
    row = {"id": "q1", "question": "Vraag?", "kind": "factoid",
           "relevant": [quote, {**quote, "file": "a.txt"}], "themes": [], "answer": "Ja."}
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    (question,) = load_questions(path)
    assert question.answerable and question.quotes == ("Zelfde zin.",)


def test_naive_windows_are_fixed_size_and_know_their_page():
    pages = (Page(1, "a" * 1500), Page(2, "b" * 700), Page(3, "   "))
    document = Document("d", "corpus/x.pdf", "sha", "T", "P", "2021", "nl", pages)
    windows = windows_of(document, size=1000)
    assert [len(w.text) for w in windows] == [1000, 1000, 207]  # 1500 + 2 + 700 + 2 + 3 characters
    assert [w.page for w in windows] == [1, 1, 2]  # the 2nd window starts at char 1000, page 1
    assert "".join(w.text for w in windows) == "\n\n".join(p.text for p in pages)
    assert windows[0].window_id == "x.pdf#00000"
