"""The verbatim checker of the evaluation, on the real corpus files (read apart from any index)
and on hand-made cases."""

from __future__ import annotations

import pytest

from eval.verbatim import Sources, check, tokens
from ingest.document import parse_document
from tests.conftest import CORPUS

VNG = "vng-2021-sociaal-sterker-de-crisis-uit.pdf"
GEZONDIN_2020 = "gezondin-2020-impact-coronacrisis.pdf"


@pytest.fixture(scope="module")
def sources() -> Sources:
    return Sources(CORPUS, CORPUS / "manifest.toml")


@pytest.mark.parametrize("file", [VNG, GEZONDIN_2020, "gezondin-2020-impact-coronacrisis-pdfextract.txt"])
def test_every_sentence_the_ingest_makes_is_verbatim_on_its_page(sources, file):
    """Chunking, sentence splitting and page attribution (table cells running over pages
    included, in the VNG report) agree with the pages as reader and cleaner give them."""
    parsed = parse_document(CORPUS / file)
    sentences = [s for chunk in parsed.chunks for s in chunk.sentences]
    assert len(sentences) > 200
    wrong = [(s.page, s.text[:80]) for s in sentences
             if not check(s.text, file, s.page, sources).ok]
    assert not wrong, wrong


def test_a_changed_word_or_a_wrong_page_fails(sources):
    sentence = "De gemeente Tilburg heeft bijvoorbeeld de normale opvoedingsondersteuning nu " \
               "digitaal aangeboden, met veel meer aanmeldingen."
    right = check(sentence, GEZONDIN_2020, 4, sources)
    assert right.ok and right.found_on == (4,)
    off_by_one = check(sentence, GEZONDIN_2020, 5, sources)
    assert not off_by_one.ok and off_by_one.found_on == (4,)
    altered = check(sentence.replace("veel meer", "meer"), GEZONDIN_2020, 4, sources)
    assert not altered.ok and altered.found_on == ()
    punctuation = check(sentence.replace(", met", " met"), GEZONDIN_2020, 4, sources)
    assert not punctuation.ok


def test_a_sentence_running_over_a_page_break_counts_for_the_page_it_starts_on(sources):
    """'Zaan-' ends page 3 and 'stad' opens page 4: the sentence is one of page 3."""
    sentence = ("In Amstelveen is de gemeente bijvoorbeeld samen met eerstelijnszorg thuis bij "
                "mensen langsgegaan en in Zaanstad werden in de 'Eerste 1000 dagen aanpak' "
                "huisbezoeken onderling goed afgestemd.")
    assert check(sentence, GEZONDIN_2020, 3, sources).ok
    assert not check(sentence, GEZONDIN_2020, 4, sources).ok


def test_comparison_ignores_case_spacing_quotes_and_line_break_hyphens():
    assert tokens("Gezond-\n heid  en ‘zorg’") == tokens("gezondheid en 'zorg'")
    assert tokens("zorg, welzijn") != tokens("zorg welzijn")

