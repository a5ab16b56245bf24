"""Compounds and lemmas from spacy-lookups-data's Dutch tables, and the BM25 tokens made of them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from core.lexical import stemmer
from index.bm25 import Bm25Index, words_and_compound_parts
from index.dutch_words import compound_head, compound_parts
from tests.conftest import ROOT


@pytest.mark.parametrize("word, parts", [
    ("schuldenproblematiek", ("schulden", "problematiek")),
    ("jongerenwerkers", ("jongeren", "werkers")),
    ("schuldhulpverlening", ("schuld", "hulpverlening")),  # the longest head wins
    ("coronacrisis", ("corona", "crisis")),
    ("gezondheidsverschillen", ("gezondheids", "verschillen")),
])
def test_a_compound_of_two_nouns_splits_at_its_longest_head(word, parts):
    assert compound_parts(word) == parts


@pytest.mark.parametrize("word", [
    "verschillen", "uitvoering", "voorzieningen", "overheden", "onderwijs", "gemeenten",
    "jeugdhulp",  # a head of four letters: too short to tell from a suffix
    "covid19",
])
def test_prefixed_words_short_heads_and_non_words_stay_whole(word):
    assert compound_parts(word) is None


def test_a_compound_head_needs_a_modifier_of_dutch_words():
    assert compound_head("grootouders", "ouders")
    assert compound_head("collega-huisarts", "huisarts")
    assert not compound_head("statushouders", "ouders")
    assert not compound_head("ouders", "ouders")


def test_bm25_tokens_hold_each_compound_and_its_parts():
    assert words_and_compound_parts("jongeren met schuldenproblematiek") == [
        "jongeren", "met", "schuldenproblematiek", "schulden", "problematiek"]


def test_bm25_finds_a_word_inside_a_compound():
    index = Bm25Index.build([
        ("a", "Vertegenwoordigers van jongeren met schuldenproblematiek kwamen aan het woord."),
        ("b", "Jongeren misten school en vrienden tijdens de lockdown."),
        ("c", "Het aantal faillissementen bleef laag dankzij de steunpakketten."),
    ])
    assert [chunk_id for chunk_id, _ in index.search("schulden bij jongeren", 3)][0] == "a"
    assert set(stemmer().stemWords(["schulden", "problematiek"])) <= index.vocabulary


def test_a_cached_index_tokenized_another_way_is_rebuilt(tmp_path):
    index = Bm25Index.build([("a", "Schuldhulpverlening aan huis."), ("b", "Werk en inkomen.")])
    index.save(tmp_path, "store-state")
    assert Bm25Index.load(tmp_path, "store-state") is not None
    assert Bm25Index.load(tmp_path, "another-store-state") is None
    (tmp_path / "fingerprint.json").write_text(json.dumps("store-state"))  # as before compounds
    assert Bm25Index.load(tmp_path, "store-state") is None


@pytest.mark.parametrize("name", ["lemma_lookup", "lemma_index", "lemma_exc", "lemma_rules"])
def test_the_tables_read_without_spacy_are_the_tables_spacy_loads(name):
    from spacy.lookups import load_lookups

    from ingest.wordbreaks import dutch_table

    ours, theirs = dutch_table(name), load_lookups("nl", [name]).get_table(name)
    assert len(ours) == len(theirs) > 0
    for key in list(ours)[::997]:
        assert key in theirs and theirs[key] == ours[key]


def test_asking_a_question_imports_neither_spacy_nor_torch():
    done = subprocess.run([sys.executable, "-c", "import sys, library, summarise.answer, "
                           "index.bm25, index.themes; print(sorted(m for m in ('spacy', 'torch') "
                           "if m in sys.modules))"], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
