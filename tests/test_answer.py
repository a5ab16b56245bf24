"""End to end over the real corpus index: cited answers whose pages are right, and refusals."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from core.models import DocumentInfo, RetrievedChunk
from core.whole_sentence import is_whole_sentence
from eval.verbatim import Sources, check_summary
from summarise.answer import (
    NEAR_DUPLICATE,
    OTHER_REPORT_CLOSENESS,
    SCORE_MARGIN,
    CandidateSentence,
    Evidence,
    answer_question,
)
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
    assert set(payload) == {"question", "answered", "summary", "sentences", "sources",
                            "retrieved", "timings_ms", "themes", "asked_of"}
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
    assert "geven geen antwoord op deze vraag" in result.stdout


def _candidate(index: int, text: str, vector) -> CandidateSentence:
    return CandidateSentence(sentence_id=f"d:00000:{index:03d}", chunk_id="d:00000", doc_id="d",
                             page=1, text=text, themes=(), vector=np.asarray(vector, np.float32))


def test_sentences_without_the_questions_distinctive_words_are_left_out():
    """Near in meaning is not enough: besides the best sentence, one that holds none of the
    question's rarer words ('kostendelersnorm', '27') is not cited, while one that does is."""
    question = "Tot welke leeftijd moet de kostendelersnorm volgens de VNG verdwijnen?"
    query = np.array([1, 0, 0, 0], np.float32)
    texts = [
        "Schaf de kostendelersnorm af, in elk geval tot 27 jaar, zegt de VNG-commissie.",
        "De kostendelersnorm treft vooral jongeren die bij hun ouders wonen.",
        "De VNG-commissie roept gemeenten en Rijk op om samen te werken aan herstel.",
        "De VNG-commissie heeft eerder kabinet en gemeenten geadviseerd over jongeren.",
    ]
    # About as close to the question (cosine 0.92-0.93), and apart from each other.
    apart = np.array([[0, 1, 1, 1], [0, 1, -1, -1], [0, -1, 1, -1], [0, -1, -1, 1]]) / np.sqrt(3)
    vectors = [a * query + np.sqrt(1 - a * a) * r for a, r in zip((0.92, 0.93, 0.93, 0.93), apart)]
    candidates = [_candidate(i, t, v) for i, (t, v) in enumerate(zip(texts, vectors))]
    chunk = RetrievedChunk(chunk_id="d:00000", doc_id="d", file="d.pdf", page_start=1,
                           page_end=1, score=1.0, text=" ".join(texts))
    info = DocumentInfo(doc_id="d", file="d.pdf", file_sha256="", title="T", publisher="VNG",
                        date="2021", language="nl", pages=1, chunks=1)
    summary = answer_question(question, Evidence(query, [chunk]), candidates, {"d": info},
                              threshold=0.0)
    assert [s.text for s in summary.sentences] == texts[:2]


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


def _answer(question: str, texts: list[str], closeness: list[float]):
    """``answer_question`` over one chunk whose sentences lie at the given cosines to the
    query and far apart from each other."""
    query = np.zeros(len(texts) + 1, np.float32)
    query[0] = 1
    vectors = []
    for i, a in enumerate(closeness):
        v = np.zeros_like(query)
        v[0], v[i + 1] = a, np.sqrt(1 - a * a)
        vectors.append(v)
    candidates = [_candidate(i, t, v) for i, (t, v) in enumerate(zip(texts, vectors))]
    chunk = RetrievedChunk(chunk_id="d:00000", doc_id="d", file="d.pdf", page_start=1,
                           page_end=1, score=1.0, text=" ".join(texts))
    info = DocumentInfo(doc_id="d", file="d.pdf", file_sha256="", title="T", publisher="VNG",
                        date="2021", language="nl", pages=1, chunks=1)
    return answer_question(question, Evidence(query, [chunk]), candidates, {"d": info},
                           threshold=0.0)


def test_a_question_for_an_amount_is_answered_by_a_number_on_its_subject():
    question = "Hoeveel gemeenten sprak GezondIn in 2020 over de schuldhulpverlening?"
    texts = ["GezondIn sprak in 2020 met gemeenten over de aanpak van schuldhulpverlening.",
             "GezondIn sprak met twintig gemeenten over de gevolgen voor schuldhulpverlening.",
             "In november 2021 had nog maar 29 procent vertrouwen in de landelijke overheid."]
    summary = _answer(question, texts, [0.95, 0.92, 0.94])
    assert [s.text for s in summary.sentences] == [texts[1]]


def test_a_question_for_an_amount_without_one_on_its_subject_is_refused():
    """Numbers on another subject (trust) and years are no answer to 'how much on debt help'."""
    question = "Hoeveel euro gaf het Rijk in 2021 uit aan schuldhulpverlening?"
    texts = ["Het Rijk vraagt gemeenten in 2021 de schuldhulpverlening laagdrempelig te maken.",
             "In november 2021 had nog maar 29 procent vertrouwen in de landelijke overheid."]
    summary = _answer(question, texts, [0.93, 0.92])
    assert not summary.answered
    assert summary.reason == "weak_evidence"


def test_a_question_asking_when_is_answered_by_a_sentence_stating_a_time():
    """Nearer in meaning, the sentences on the talks say nothing of when the next round is."""
    question = "Wanneer stond een vervolgronde van de gesprekken met gemeenten gepland?"
    texts = ["GezondIn ging kort na de uitbraak met gemeenten in gesprek over hun aanpak.",
             "Dit verslag beschrijft de uitkomsten van de gesprekken met gemeenten tot nu toe.",
             "Naar verwachting volgt in september een nieuwe ronde gesprekken."]
    summary = _answer(question, texts, [0.95, 0.94, 0.90])
    assert [s.text for s in summary.sentences] == [texts[2]]


def test_wanneer_inside_a_question_means_if_and_asks_no_time():
    question = "Wat doen gemeenten wanneer inwoners schulden hebben?"
    texts = ["Gemeenten bieden inwoners met schulden snel schuldhulpverlening aan.",
             "In september 2021 hadden meer inwoners schulden dan een jaar eerder."]
    summary = _answer(question, texts, [0.95, 0.85])
    assert [s.text for s in summary.sentences] == [texts[0]]


def test_sentences_well_below_the_best_are_not_cited_to_fill_the_budget():
    question = "Wat doen gemeenten tegen eenzaamheid onder ouderen?"
    texts = ["Gemeenten bestrijden eenzaamheid onder ouderen met huisbezoeken van vrijwilligers.",
             "Gemeenten organiseren voor ouderen tegen eenzaamheid telefooncirkels en buurtkoffie.",
             "Eenzaamheid onder ouderen nam toe tijdens de lockdowns, melden gemeenten."]
    summary = _answer(question, texts, [0.95, 0.94, 0.95 - SCORE_MARGIN - 0.02])
    assert [s.text for s in summary.sentences] == texts[:2]


def _answer_from_chunks(question: str, chunks: list[list[str]], closeness: list[float]):
    """``answer_question`` over chunks (lists of sentences, in rank order) whose sentences, in
    order, lie at the given cosines to the query and far apart from each other."""
    texts = [text for chunk in chunks for text in chunk]
    query = np.zeros(len(texts) + 1, np.float32)
    query[0] = 1
    candidates, retrieved, i = [], [], 0
    for number, chunk in enumerate(chunks):
        chunk_id = f"d:{number:05d}"
        for text in chunk:
            vector = np.zeros_like(query)
            vector[0], vector[i + 1] = closeness[i], np.sqrt(1 - closeness[i] ** 2)
            candidates.append(CandidateSentence(
                sentence_id=f"{chunk_id}:{i:03d}", chunk_id=chunk_id, doc_id="d", page=number + 1,
                text=text, themes=(), vector=vector))
            i += 1
        retrieved.append(RetrievedChunk(chunk_id=chunk_id, doc_id="d", file="d.pdf",
                                        page_start=number + 1, page_end=number + 1,
                                        score=1.0 / (1 + number), text=" ".join(chunk)))
    info = DocumentInfo(doc_id="d", file="d.pdf", file_sha256="", title="T", publisher="GezondIn",
                        date="2020", language="nl", pages=len(chunks), chunks=len(chunks))
    return answer_question(question, Evidence(query, retrieved), candidates, {"d": info},
                           threshold=0.0)


def test_a_question_naming_a_place_is_answered_from_the_passages_naming_it():
    """Breda's steunpunten are as near in meaning as Vaals's, but the question asks about Vaals;
    its passage is found even where the sentence itself does not repeat the name."""
    question = "Hoe hebben ze in Vaals de buurtsteunpunten tijdens de lockdown vormgegeven?"
    breda = ["In Breda bleven de buurtsteunpunten tijdens de lockdown open met vrijwilligers."]
    vaals = ["In Vaals is veel veranderd tijdens de lockdown.",
             "De fysieke buurtsteunpunten werden omgevormd naar online ondersteuning."]
    summary = _answer_from_chunks(question, [breda, vaals], [0.95, 0.90, 0.93])
    assert [s.text for s in summary.sentences] == vaals


def test_a_name_no_passage_holds_leaves_the_answer_to_all_passages():
    question = "Hoe hebben ze in Vaals de buurtsteunpunten tijdens de lockdown vormgegeven?"
    chunks = [["In Breda bleven de buurtsteunpunten tijdens de lockdown open met vrijwilligers."],
              ["Na de val van het kabinet gingen de buurtsteunpunten tijdens de lockdown online."]]
    summary = _answer_from_chunks(question, chunks, [0.95, 0.94])
    assert [s.text for s in summary.sentences] == [chunks[0][0], chunks[1][0]]


def test_when_the_passages_naming_it_do_not_answer_all_passages_are_asked():
    """The Westland passage names the place but not the number; the next passage gives it."""
    question = "Hoeveel mensen werden op de eerste dag gevaccineerd in het Westland?"
    chunks = [["In het Westland werkten uitzendbureaus mee aan een vaccinatieactie."],
              ["Op de eerste dag zijn 1.200 mensen gevaccineerd, met verschillende nationaliteiten."]]
    summary = _answer_from_chunks(question, chunks, [0.95, 0.94])
    assert summary.answered
    assert [s.text for s in summary.sentences] == [chunks[1][0]]


def test_another_reports_sentence_joins_only_when_close_to_the_best():
    """Sentences on the question's subject from a second report were seldom an answer unless
    they said much the same as the best sentence; the best sentence's own report may add more."""
    question = "Wat zeggen de rapporten over informele hulp in coronatijd?"
    best = "In Wageningen zette het Welsaamnetwerk in coronatijd informele hulp op."
    same_report = "Vrijwilligers boden er in coronatijd informele hulp aan ouderen."
    close = "In Breda zetten inwoners in coronatijd binnen een week informele hulp op."
    far = "Gemeenten zien dat informele hulp in coronatijd vaak niet geboden kon worden."
    axes = np.eye(5, dtype=np.float32)
    vectors = {best: 0.95 * axes[0] + np.sqrt(1 - 0.95 ** 2) * axes[1],
               same_report: 0.92 * axes[0] + np.sqrt(1 - 0.92 ** 2) * axes[2],
               close: 0.93 * axes[0] + 0.1 * axes[1] + np.sqrt(1 - 0.93 ** 2 - 0.01) * axes[3],
               far: 0.93 * axes[0] + np.sqrt(1 - 0.93 ** 2) * axes[4]}
    assert float(vectors[close] @ vectors[best]) >= OTHER_REPORT_CLOSENESS
    assert float(vectors[far] @ vectors[best]) < OTHER_REPORT_CLOSENESS
    assert float(vectors[close] @ vectors[best]) < NEAR_DUPLICATE
    reports = {best: "a", same_report: "a", close: "b", far: "b"}
    candidates = [CandidateSentence(sentence_id=f"{doc}:00000:{i:03d}", chunk_id=f"{doc}:00000",
                                    doc_id=doc, page=1, text=text, themes=(), vector=vectors[text])
                  for i, (text, doc) in enumerate(reports.items())]
    retrieved = [RetrievedChunk(chunk_id=f"{doc}:00000", doc_id=doc, file=f"{doc}.pdf",
                                page_start=1, page_end=1, score=1.0,
                                text=" ".join(t for t, d in reports.items() if d == doc))
                 for doc in ("a", "b")]
    infos = {doc: DocumentInfo(doc_id=doc, file=f"{doc}.pdf", file_sha256="", title=doc.upper(),
                               publisher="GezondIn", date="2020", language="nl", pages=1, chunks=1)
             for doc in ("a", "b")}
    summary = answer_question(question, Evidence(axes[0], retrieved), candidates, infos,
                              threshold=0.0)
    assert [s.text for s in summary.sentences] == [best, same_report, close]
