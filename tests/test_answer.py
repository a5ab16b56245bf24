"""End to end over the real corpus index: cited answers whose pages are right, and refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from core.models import DocumentInfo, RetrievedChunk
from core.whole_sentence import is_whole_sentence
from eval.verbatim import Sources, check_summary
from summarise.answer import answer_question
from summarise.candidates import CandidateSentence, Evidence
from summarise.relevance import RelevanceModel
from summarise.render import excerpt, to_markdown
from tests.conftest import CORPUS, ROOT

SEED_QUESTIONS = [
    "Wat zijn de gevolgen van corona voor de mentale gezondheid?",
    "Wat zeggen de rapporten over schulden bij jongeren?",
    "Hoe kunnen gemeenten samenwerken met lokale partners in een crisis?",
    "Welke groepen werden extra hard geraakt door de coronacrisis?",
    "Wat is de rol van digitale hulpverlening tijdens corona?",
]


@pytest.fixture(scope="module")
def sources() -> Sources:
    """The reports as the ingest reader and cleaner yield them, read apart from the index."""
    return Sources(CORPUS, CORPUS / "manifest.toml")


@pytest.mark.parametrize("question", SEED_QUESTIONS)
def test_every_sentence_is_verbatim_on_the_page_it_cites(corpus_library, sources, question):
    summary = corpus_library.ask(question)
    assert summary.answered, question
    assert summary.sentences
    assert all(c.quote == s.text for s in summary.sentences for c in s.citations)
    failures = [c for c in check_summary(summary, sources) if not c.ok]
    assert not failures, failures


def test_each_summary_sentence_is_verbatim_from_its_chunk(corpus_library):
    summary = corpus_library.ask(SEED_QUESTIONS[0])
    texts = {chunk.chunk_id: chunk.text for chunk in summary.retrieved}
    joined = " ".join(texts.values())
    for sentence in summary.sentences:
        assert sentence.text in joined


def test_an_unrelated_question_is_answered_as_not_covered(corpus_library):
    summary = corpus_library.ask("Wat waren de uitslagen van de voetbalwedstrijden in de eredivisie?")
    assert not summary.answered
    assert summary.sentences == ()


def test_cli_ask_json_has_the_stable_shape(cli_env):
    result = subprocess.run(
        [sys.executable, "-m", "cli", "ask", SEED_QUESTIONS[0], "--json"],
        cwd=ROOT, env=cli_env, capture_output=True, text=True, timeout=300, check=True,
    )
    payload = json.loads(result.stdout)
    assert set(payload) == {"question", "answered", "tentative", "summary", "sentences",
                            "sources", "nearest", "retrieved", "timings_ms", "themes", "asked_of"}
    assert payload["nearest"] == []  # an answer; a refusal lists its nearest sentences there
    counted = {}
    for sentence in payload["sentences"]:
        for theme in sentence["themes"]:
            counted[theme] = counted.get(theme, 0) + 1
    assert {t["id"]: t["count"] for t in payload["themes"]} == counted
    assert payload["answered"] is True
    assert len(payload["retrieved"]) == 10
    corpus_files = {path.name for path in CORPUS.iterdir()}
    for item in payload["retrieved"]:
        assert set(item) == {"chunk_id", "doc_id", "file", "page_start", "page_end", "score",
                             "text"}
        assert item["file"] in corpus_files
    scores = [item["score"] for item in payload["retrieved"]]
    assert scores == sorted(scores, reverse=True)
    for sentence in payload["sentences"]:
        assert set(sentence) == {"text", "citations", "themes"}
        for citation in sentence["citations"]:
            assert set(citation) == {"doc_id", "file", "title", "publisher", "year", "page",
                                     "scanned", "quote"}
            assert f"[{_source_number(payload, citation)}]" in payload["summary"]


def _source_number(payload: dict, citation: dict) -> int:
    for source in payload["sources"]:
        if (source["doc_id"], source["page"]) == (citation["doc_id"], citation["page"]):
            return source["n"]
    raise AssertionError(f"citation without a source: {citation}")


def test_cli_refusal_is_dutch(cli_env):
    result = subprocess.run(
        [sys.executable, "-m", "cli", "ask", "Wie won de Tour de France in 1995?"],
        cwd=ROOT, env=cli_env, capture_output=True, text=True, timeout=300, check=True,
    )
    assert result.stdout.startswith("De bibliotheek noemt ‘Tour de France’ nergens. "
                                    "De bibliotheek bevat geen gegevens over 1995.")
    unnamed = subprocess.run(
        [sys.executable, "-m", "cli", "ask", "Wat waren de uitslagen van de voetbalwedstrijden?"],
        cwd=ROOT, env=cli_env, capture_output=True, text=True, timeout=300, check=True,
    )
    assert "geven geen antwoord op deze vraag" in unnamed.stdout


def test_literature_references_are_not_statements():
    assert not is_whole_sentence("Vergelijk o.a. VNG-essay (2019) De staat van het sociaal "
                                 "domein, pag. 19.")
    assert not is_whole_sentence("Zie ook het advies van VNG om de menselijke maat te behouden: "
                                 "VNG (2021) Sociaal sterker de crisis uit.")
    assert is_whole_sentence("Zie de crisis als bevestiging om in kwetsbare wijken gebiedsgericht "
                             "te werk te gaan.")


def test_a_title_with_its_subtitle_is_not_a_statement_but_a_list_of_names_is():
    assert not is_whole_sentence("Een jaar met corona, Ontwikkelingen in de maatschappelijke "
                                 "gevolgen van corona.")
    assert is_whole_sentence("Onderzoek hoe gemeenten, Rijk en onderzoeksinstanties snel(ler) "
                             "risicogezinnen kunnen identificeren.")
    assert is_whole_sentence("Sommige gemeenten, zoals Utrecht, Helmond en Breda presenteren "
                             "herstelagenda's.")
    assert is_whole_sentence("Kortom, Nederland heeft de eerste golf redelijk goed doorstaan.")


def test_a_line_of_contents_is_not_a_statement():
    """The VNG report lists its eight themes as "Label: over ..."; an answer quoted one."""
    assert not is_whole_sentence("Werk en inkomen: over baanverlies, inkomsterugval, schulden en "
                                 "nieuwe solidariteit.")
    assert is_whole_sentence("Het advies is helder: over twee jaar moeten alle gemeenten een "
                             "schuldenaanpak hebben.")
    assert is_whole_sentence("Zij spraken over schulden: vooral jongeren hebben het moeilijk.")
    assert is_whole_sentence("Conclusie: over het geheel genomen gaat het goed met de wijk.")


def test_a_lead_in_cut_off_at_its_list_is_not_a_whole_sentence():
    assert not is_whole_sentence("Met dit appel bepleiten we vier veranderingen in oriëntatie: 1.")
    assert is_whole_sentence("Dit impliceert een levensbrede en een gebiedsgerichte "
                             "gezondheidsaanpak, zie thema 5.")


def test_colophon_boilerplate_is_not_a_statement():
    """It was the first key point of the GezondIn 2020 report summary."""
    assert not is_whole_sentence("Alles uit deze uitgave mag worden vermenigvuldigd en/of openbaar "
                                 "worden gemaakt mits de bron wordt vermeld.")
    assert is_whole_sentence("Gemeenten mogen de uitgaven voor schuldhulp niet verlagen, vindt "
                             "de commissie.")


def test_table_and_list_cells_glued_into_one_sentence_are_not_statements():
    """The impactcorona focus-group list and the VNG examples table, as the reports' PDFs give
    them; the first answered "schulden bij jongeren", the second was a report summary's point."""
    assert not is_whole_sentence(
        "Vertegenwoordigers van jongeren met schuldenproblematiek Deelnemers: vertegenwoordigers "
        "van Pit010, Jongeren Perspectief Fonds en beleidsmedewerkers Den Haag.")
    assert not is_whole_sentence("In tal van gemeenten kunnen bewoners met initiatieven rekenen "
                                 "op steun van de gemeente:In Assen is het preventiefonds gestart.")
    assert not is_whole_sentence("Tal van gemeenten stimuleren online activiteiten, zoals Tilburg "
                                 "In veel gemeenten zijn ook initiatieven op gang gekomen.")
    assert is_whole_sentence("Wij zien als centrale rol van het Rijk: invulling geven aan zijn "
                             "systeemverantwoordelijkheid.")
    assert is_whole_sentence("Een voorbeeld uit Rotterdam: daar gingen wijkteams de deur langs.")
    assert is_whole_sentence("Sluit hierbij aan op de propositie De winst van het sociaal domein.")
    assert is_whole_sentence("In Vaals zijn fysieke steunpunten in de wijken omgevormd naar "
                             "online ondersteuning.")


# A hand-made model: P rises with the sentence's cosine to the question, 0.5 at cosine 0.9.
BY_COSINE = RelevanceModel(features=("cos_sentence",), mean=np.zeros(1), scale=np.ones(1),
                           coef=np.array([40.0]), intercept=-36.0, answer_threshold=0.5,
                           quote_threshold=0.3)


def _model_answer(question: str, sentences: list[tuple[str, str, int, float]],
                  model: RelevanceModel = BY_COSINE):
    """``answer_question`` over (document, text, page, cosine to the query) sentences, one chunk
    per document in order of first appearance, sentences far apart from each other."""
    query = np.zeros(len(sentences) + 1)
    query[0] = 1
    candidates, texts = [], {}
    for i, (doc, text, page, cosine) in enumerate(sentences):
        vector = np.zeros_like(query)
        vector[0], vector[i + 1] = cosine, np.sqrt(1 - cosine ** 2)
        position = sum(d == doc for d, *_ in sentences[:i])
        candidates.append(CandidateSentence(f"{doc}:00000:{position:03d}", f"{doc}:00000", doc,
                                            page, text, (), vector))
        texts.setdefault(doc, []).append(text)
    retrieved = [RetrievedChunk(f"{doc}:00000", doc, f"{doc}.pdf", 1, 2, 1.0, " ".join(parts),
                                sentence_count=len(parts)) for doc, parts in texts.items()]
    infos = {doc: DocumentInfo(doc_id=doc, file=f"{doc}.pdf", file_sha256="", title=doc.upper(),
                               publisher=f"Uitgever {doc.upper()}", date="2021", language="nl",
                               pages=2, chunks=1) for doc in texts}
    return answer_question(question, Evidence(query, retrieved), candidates, infos, model)


def test_no_sentence_over_the_answer_threshold_is_a_refusal():
    summary = _model_answer("Hoeveel gemeenten boden schuldhulp aan?", [
        ("a", "Gemeenten bieden inwoners met schulden snel schuldhulpverlening aan.", 1, 0.88),
        ("a", "Schulden nemen toe onder jongeren in grote steden.", 1, 0.80)])
    assert not summary.answered and summary.reason == "weak_evidence"
    assert summary.sentences == () and summary.retrieved


def test_the_best_sentence_and_those_over_the_quote_threshold_are_quoted_in_reading_order():
    texts = ["Gemeenten bestrijden eenzaamheid onder ouderen met huisbezoeken van vrijwilligers.",
             "Eenzaamheid onder ouderen nam toe tijdens de lockdowns, melden gemeenten.",
             "Gemeenten organiseren voor ouderen telefooncirkels en buurtkoffie."]
    # P = 0.73, 0.01, 0.5: the first answers, the third joins (>= 0.3), the second does not.
    summary = _model_answer("Wat doen gemeenten tegen eenzaamheid onder ouderen?",
                            [("a", texts[0], 1, 0.925), ("a", texts[1], 1, 0.79),
                             ("a", texts[2], 1, 0.9)])
    assert summary.answered
    assert [s.text for s in summary.sentences] == [texts[0], texts[2]]
    assert all(c.quote == s.text and c.page == 1 for s in summary.sentences for c in s.citations)


def test_an_answer_whose_best_sentence_misses_the_quote_threshold_is_tentative():
    doubting = replace(BY_COSINE, answer_threshold=0.3, quote_threshold=0.6)
    text = "Gemeenten bieden inwoners met schulden snel schuldhulpverlening aan."
    # P = 0.5 at cosine 0.9: over the answer threshold, under the quote threshold
    tentative = _model_answer("Hoeveel gemeenten boden schuldhulp aan?",
                              [("a", text, 1, 0.9)], doubting)
    assert tentative.answered and tentative.tentative
    assert to_markdown(tentative).splitlines()[2].startswith("Let op: dit antwoord is onzeker.")
    sure = _model_answer("Hoeveel gemeenten boden schuldhulp aan?", [("a", text, 1, 0.95)],
                         doubting)
    assert sure.answered and not sure.tentative and "onzeker" not in to_markdown(sure)


def test_a_sentence_leaning_on_the_one_before_is_shown_with_it():
    lead = "In Vaals zijn de fysieke steunpunten in de wijken omgevormd naar online hulp."
    leaning = "Dit leverde in de eerste maand veel meer contacten met ouderen op."
    summary = _model_answer("Wat leverde de online hulp in Vaals op?",
                            [("a", lead, 1, 0.85), ("a", leaning, 1, 0.95)])
    assert [s.text for s in summary.sentences] == [f"{lead} {leaning}"]
    assert summary.sentences[0].citations[0].quote == f"{lead} {leaning}"


def test_a_leaning_sentence_is_not_joined_across_a_page_or_to_a_quoted_neighbour():
    lead = "In Vaals zijn de fysieke steunpunten in de wijken omgevormd naar online hulp."
    leaning = "Dit leverde in de eerste maand veel meer contacten met ouderen op."
    across = _model_answer("Wat leverde de online hulp in Vaals op?",
                           [("a", lead, 1, 0.85), ("a", leaning, 2, 0.95)])
    assert [s.text for s in across.sentences] == [leaning]
    both = _model_answer("Wat leverde de online hulp in Vaals op?",
                         [("a", lead, 1, 0.93), ("a", leaning, 1, 0.95)])
    assert [s.text for s in both.sentences] == [lead, leaning]


def test_a_lead_in_is_shown_with_the_list_items_after_it_on_its_page():
    # dusi-verantwoorden-ptz-2023.pdf, p. 3: a form's list without punctuation
    lead = "De ondertekenaar verklaart:"
    items = ["bevoegd en/of gemachtigd te zijn om deze aanvraag te ondertekenen",
             "kennis te hebben genomen van de geldende wet- en regelgeving"]
    after = "Voeg een machtiging bij als bijlage bij dit formulier."
    summary = _model_answer("Wat verklaart degene die het formulier ondertekent?",
                            [("a", lead, 3, 0.95), ("a", items[0], 3, 0.5),
                             ("a", items[1], 3, 0.5), ("a", after, 3, 0.5)])
    assert [s.text for s in summary.sentences] == [" ".join([lead, *items])]
    assert summary.sentences[0].citations[0].page == 3
    next_page = _model_answer("Wat verklaart degene die het formulier ondertekent?",
                              [("a", lead, 3, 0.95), ("a", items[0], 4, 0.5)])
    assert [s.text for s in next_page.sentences] == [lead]


def test_relevant_sentences_of_several_reports_show_each_report():
    summary = _model_answer("Wat zeggen de rapporten over informele hulp in coronatijd?", [
        ("a", "In Wageningen zette het Welsaamnetwerk in coronatijd informele hulp op.", 1, 0.95),
        ("b", "In Breda zetten inwoners in coronatijd binnen een week informele hulp op.", 1, 0.93)])
    assert [source.file for source in summary.sources] == ["a.pdf", "b.pdf"]
    assert [s.citations[0].publisher for s in summary.sentences] == ["Uitgever A", "Uitgever B"]


def test_a_question_naming_what_the_library_does_not_hold_says_so(corpus_library):
    summary = corpus_library.ask("Wat adviseerde de Zwanenburgcommissie over eenzaamheid?")
    assert not summary.answered and summary.reason == "not_in_library"
    assert summary.absent == ("Zwanenburgcommissie",)
    text = to_markdown(summary)
    assert text.startswith("De bibliotheek noemt ‘Zwanenburgcommissie’ nergens.")
    assert "Misschien relevant:" in text  # what the library does hold nearby: whole sentences
    assert summary.nearest and all(excerpt(s.text) in text for s in summary.nearest)
    # each is a sentence of a retrieved passage, cited by its report's title and page
    assert {s.citations[0].doc_id for s in summary.nearest} <= {c.doc_id for c in summary.retrieved}
    for sentence in summary.nearest:
        citation = sentence.citations[0]
        assert f"*{citation.title}*" in text and f"p. {citation.page}" in text
        assert corpus_library.page_text(citation.doc_id, citation.page).count(sentence.text[:40])
    named = corpus_library.ask("Wat adviseert de VNG gemeenten over eenzaamheid?")
    assert named.absent == ()
