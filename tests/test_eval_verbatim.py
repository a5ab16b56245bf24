"""The verbatim checker, the citation judgments and the report references of the evaluation,
on the real corpus files (read apart from any index) and on hand-made cases."""

from __future__ import annotations

import json

import pytest

from eval.gold import GoldError
from eval.judgments import holds_gold_quote, load_judgments, write_pool
from eval.report_summaries import find_reference
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


def test_two_sentences_around_a_footnote_mark_are_verbatim_as_one_bullet(sources):
    # The source reads "... te herstellen.³⁶ Ook gemeenten ..."; an answer that leads a
    # sentence by the one before it quotes both without the mark.
    joined = ("In het publieke debat is er veel aandacht voor de vraag wat er nodig is om het "
              "vertrouwen in de overheid te herstellen. Ook gemeenten worstelen met de vraag hoe "
              "zij het vertrouwen van burgers kunnen terugwinnen.")
    lessen = "impactcorona-2022-lessen-sociaal-domein.pdf"
    assert check(joined, lessen, 19, sources).ok
    assert not check(joined.replace("Ook", "Maar"), lessen, 19, sources).ok


def test_comparison_ignores_case_spacing_quotes_and_line_break_hyphens():
    assert tokens("Gezond-\n heid  en ‘zorg’") == tokens("gezondheid en 'zorg'")
    assert tokens("zorg, welzijn") != tokens("zorg welzijn")


def test_only_a_hyphen_after_a_letter_joins_the_next_blocks_first_word(tmp_path):
    # vws-woo-179287, p. 1: a list dash left after a redaction code ends the block before
    (tmp_path / "n.txt").write_text(
        "De eerste alinea eindigt met een code 51.20 -\n\nEr wordt toegelicht dat het werkt.\n\n"
        "De gezond-\n\nheid van mensen telt.\n", encoding="utf-8")
    blocks = Sources(tmp_path)
    assert check("Er wordt toegelicht dat het werkt.", "n.txt", 1, blocks).ok
    assert check("De gezondheid van mensen telt.", "n.txt", 1, blocks).ok
    assert check("De eerste alinea eindigt met een code 51.20 -", "n.txt", 1, blocks).ok


def test_references_are_the_reports_own_summary_or_introduction(sources):
    summary = find_reference(sources.get("gezondin-2021-versneld-leren.pdf"))
    assert summary.heading == "Samenvatting" and summary.page == 2
    assert summary.text.startswith("Het omgaan met de coronacrisis")
    assert "Denkrichtingen" not in summary.text  # the next heading ends it
    introduction = find_reference(sources.get(VNG))
    assert introduction.heading == "Inleiding" and introduction.page == 4
    assert find_reference(sources.get("impactcorona-2022-lessen-sociaal-domein.pdf")) is None


def test_judgments_load_check_and_key_on_the_normalised_sentence(tmp_path):
    path = tmp_path / "judgments.jsonl"
    rows = [{"note": "judged by hand", "pooled_from": "abc1234"},
            {"question_id": "q1", "file": "a.pdf", "page": 3, "sentence": "Gezond- heid telt.",
             "relevant": True},
            {"question_id": "q1", "file": "a.pdf", "page": 4, "sentence": "Iets anders.",
             "relevant": False}]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    judged = load_judgments(path)
    assert judged.note["pooled_from"] == "abc1234"
    assert judged.get("q1", "a.pdf", 3, "gezondheid  telt.") is True
    assert judged.get("q1", "a.pdf", 4, "Iets anders.") is False
    assert judged.get("q1", "a.pdf", 5, "Iets anders.") is None  # the page is part of the key
    assert load_judgments(tmp_path / "absent.jsonl").get("q1", "a.pdf", 3, "x") is None
    rows.append({**rows[1], "relevant": False})
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    with pytest.raises(GoldError, match="contradicts"):
        load_judgments(path)


def test_a_sentence_holding_or_inside_a_gold_quote_is_relevant_without_judgment():
    quote = "Betekenisgeving viel weg. Met name eenzaamheid, depressie en angstklachten zijn toegenomen."
    assert holds_gold_quote("Met name eenzaamheid, depressie en angstklachten zijn toegenomen.",
                            [quote])
    assert not holds_gold_quote("Eenzaamheid is een probleem.", [quote])
    cells = "Fouten in de opgave <2% >2% - <4% >4%"
    assert holds_gold_quote("Fouten in de opgave", [cells])
    assert not holds_gold_quote("<2%", [cells]) and not holds_gold_quote("2.", ["1. Een. 2. Twee."])
    assert not holds_gold_quote("agen", ["Er kwamen 26 aanvragen binnen."])


def test_the_pool_to_judge_holds_each_citation_once_and_not_who_cited_it(tmp_path):
    row = {"question_id": "q1", "question": "Vraag?", "file": "a.pdf", "page": 2,
           "sentence": "Een zin."}
    path = tmp_path / "unjudged.jsonl"
    assert write_pool([row, {**row, "sentence": "Een  zin."}, {**row, "page": 3}], path) == 2
    written = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["page"] for r in written] == [2, 3]
    assert all(r["relevant"] is None and "system" not in r for r in written)
