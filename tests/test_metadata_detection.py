"""Publisher, title and date come from the PDF and its text; the manifest overrides them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from eval.metadata_score import Truth, publisher_right, score_corpus, summary_lines, title_right
from ingest.cover import cover_title
from ingest.document import parse_document
from ingest.metadata import detect_date, detect_publisher, load_manifest
from ingest.organisations import organisations, plausible_publisher, plausible_title
from ingest.pdf_tables import Fragment
from tests.conftest import CORPUS, ROOT


def test_dutch_dates_are_found_in_the_text():
    assert detect_date("Uitgave GezondIn, Utrecht, juli 2020") == "2020-07"
    assert detect_date("April 2022\n\nLESSEN VAN DE CORONACRISIS") == "2022-04"
    assert detect_date("Den Haag, 3 mei 2021") == "2021-05"
    assert detect_date("zonder datum") == ""


def test_a_document_is_dated_by_a_date_on_a_line_of_its_own_not_by_one_it_cites():
    text = ("(Verordening (EU) Nr. 1407/2013 van de Commissie van 18 december 2013) verklaart de\n"
            "Datum: 18 maart 2024\n")
    assert detect_date(text) == "2024-03"
    assert detect_date(text, own_line=False) == "2013-12"  # the fallback takes any date
    assert detect_date("Verordening van de Commissie van 18 december 2013 verklaart") == ""
    # a year still to come is an OCR misreading ("2029" for 2021) or a plan
    assert detect_date("Vanaf 1 juni 2029", latest_year=2026) == ""
    assert detect_date("Vanaf 1 juni 2029", latest_year=2030) == "2029-06"


def test_the_file_name_gives_its_last_year_when_no_page_dates_the_document(tmp_path):
    path = tmp_path / "woo-inquiry-2003-notitie-2021.txt"
    path.write_text("Een notitie zonder datum over de inzet van testlocaties in de regio.\n",
                    encoding="utf-8")
    assert parse_document(path).document.date == "2021"


def test_organisations_on_the_title_page_name_the_publisher():
    assert detect_publisher("Versneld leren\nGezondln (Pharos en Platform31)") == (
        "GezondIn, Pharos, Platform31")
    assert detect_publisher("Vereniging van Nederlandse Gemeenten") == "VNG"


def test_detection_without_a_manifest_uses_the_pdf_and_its_text():
    parsed = parse_document(CORPUS / "impactcorona-2022-lessen-sociaal-domein.pdf")
    document = parsed.document
    assert document.title == "Lessen van de coronacrisis voor het sociaal domein"
    assert "Van Bochove" in document.publisher
    assert document.date == "2022-04"  # "April 2022" on the title page
    vng = parse_document(CORPUS / "vng-2021-sociaal-sterker-de-crisis-uit.pdf").document
    assert vng.date == "2021-05"  # "mei 2021" in the colophon on the last page


def test_the_manifest_overrides_what_is_detected():
    name = "gezondin-2020-impact-coronacrisis.pdf"
    entry = load_manifest(CORPUS / "manifest.toml")[name]
    document = parse_document(CORPUS / name, entry).document
    assert (document.title, document.publisher, document.date) == (
        entry["title"], entry["publisher"], entry["date"])


def test_docs_lists_every_document_with_metadata_and_state(corpus_library, cli_env):
    done = subprocess.run([sys.executable, "-m", "cli", "docs"], cwd=ROOT, env=cli_env,
                          capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["bestand", "uitgever", "titel", "datum", "pagina's", "chunks",
                                "status"]
    for info in corpus_library.documents():
        row = next(line for line in lines if line.startswith(info.file + " "))
        assert info.publisher in row and info.date in row and f" {info.chunks} " in row
    twin = next(line for line in lines if line.startswith("gezondin-2020-impact-coronacrisis-pdf"))
    assert twin.rstrip().endswith("duplicaat van gezondin-2020-impact-coronacrisis.pdf")
    assert sum("geïndexeerd" in line for line in lines) == len(corpus_library.documents()) - 1


# --- PDF fields only where they look like a title or an organisation (issue #19 part 6) ---

REAL = ROOT / "tests" / "fixtures" / "real"


def test_user_names_and_accounts_are_no_publisher():
    for author in ("Margo Welling", "John Poot", "Linden, J.C. van der (Johan)", "berr0904",
                   "peykelen", "DEKKERE", "TIMMERS_J", "Service_Parlis", "Microsoft Office User",
                   "DGAACS User"):
        assert plausible_publisher(author) == "", author


def test_organisations_in_the_author_field_are_kept_and_named_as_known():
    assert plausible_publisher("Ministerie van Volksgezondheid") == "Ministerie van VWS"
    assert plausible_publisher("Dienst Uitvoering Subsidies aan Instellingen") == "DUS-I"
    assert plausible_publisher("Tweede Kamer der Staten-Generaal") == (
        "Tweede Kamer der Staten-Generaal")
    assert plausible_publisher("VNG-commissie Sociale impact COVID-19") == (
        "VNG-commissie Sociale impact COVID-19")  # spelled out already: kept as written
    # a list of a report's authors is a publisher line, one person's name is not
    assert plausible_publisher("Van Bochove, Rusinovic, El Farisi, Bussemaker, Engbersen")


def test_software_file_names_and_lone_words_are_no_title():
    for title in ("Microsoft Word - Toelichting formulier subsidieaanvraag OCW (juni 2022)",
                  "Microsoft Word - 20110301_5687928a draagmoederschap.doc", "PowerPoint-presentatie",
                  "~$rslag.docx", "rapport_def.pdf", "1", "2020", "Logo", "AGENDA", "Eindrapportage",
                  "Controleprotocol", "Logo                      Den Haag, 2 november 2007",
                  "aanvraagformulier vaststelling KR2016 webversie",
                  "Dienst Uitvoering Subsidies aan Instellingen"):
        assert not plausible_title(title), title
    assert plausible_title("Financiële Ondersteuning voor Zorgmedewerkers met Post-COVID")
    assert plausible_title("Impact coronacrisis op aanpak van gezondheidsverschillen")


def test_government_bodies_are_found_by_general_patterns():
    assert organisations("Ministerie van Volksgezondheid, Welzijn en Sport") == ["Ministerie van VWS"]
    assert organisations("van het Ministerie van Onderwijs, Cultuur en Wetenschap toe") == [
        "Ministerie van OCW"]
    assert organisations("Gemeente Den Haag | mei 2025") == ["Gemeente Den Haag"]
    assert organisations("Dienst Uitvoering Subsidies aan Instellingen (DUS-I)") == ["DUS-I"]
    assert organisations("Voortouwcommissie: vaste commissie voor Binnenlandse Zaken") == [
        "Tweede Kamer der Staten-Generaal"]
    assert detect_publisher("Aan de Voorzitter van de Tweede Kamer\nder Staten-Generaal\n"
                            "Postbus 20018\n2500 EA DEN HAAG\nOnderwerp Draagmoederschap") == ""
    assert detect_publisher("G emee nte De n H aag | me i 20 25") == "Gemeente Den Haag"


def test_the_title_is_the_covers_largest_lines_not_a_number_or_the_letterhead():
    # The cover's largest text is a "2" (51 pt), then "Tweede Kamer der Staten-Generaal" (18 pt);
    # the title is the largest line after them (its dossier number "32 545" stands apart, in a
    # column of its own). The file has no Title field at all.
    document = parse_document(REAL / "tk-kst-32545-143-motie-van-dijk-grinwis-2021.pdf").document
    assert document.title == "Wet- en regelgeving financiële markten"  # the dossier's title
    assert document.publisher == "Tweede Kamer der Staten-Generaal"  # its Author field
    assert document.date == "2021-07"


def test_a_letter_is_titled_by_its_subject_and_published_by_its_signatory():
    # Title "Microsoft Word - 20110301_5687928a draagmoederschap.doc", Author "peykelen"; the
    # letter is addressed to the Tweede Kamer, which is therefore not its publisher.
    document = parse_document(REAL / "justitie-kamerbrief-draagmoederschap-2011.pdf").document
    assert document.title == "Draagmoederschap"  # "Onderwerp Draagmoederschap"
    assert document.publisher == "Ministerie van Veiligheid en Justitie"  # who signs it
    assert document.date == "2011-03"


def test_a_labelled_title_in_a_column_beside_its_label():
    # Title field "Logo   Den Haag, 2 november 2007", Author "berr0904".
    document = parse_document(REAL / "tk-besluitenlijst-emailprocedure-bz-2015.pdf").document
    assert document.title == "Besluitenlijst van de e-mailprocedure van donderdag 26 maart 2015"
    assert document.publisher == "Tweede Kamer der Staten-Generaal"  # "vaste commissie voor"
    assert document.date == "2015-03"


def test_a_woo_scan_without_metadata_takes_its_publisher_from_the_letterhead():
    path = REAL / "vws-woo-179287-verslag-bestuurlijk-overleg-ic-2020.pdf"
    document = parse_document(path).document
    assert document.publisher == "Ministerie van VWS"  # "Ministerie van Volksgezondheid, /
    # Welzijn en Sport" over two OCR lines; the file has no Title or Author
    assert document.title.startswith("Bestuurlijk overleg over financiering IC-")  # "Betreft"
    # its only dates sit in longer lines ("Betreft Bestuurlijk overleg ... 24 september 2020"),
    # so the file name's year dates it
    assert document.date == "2020"


def test_the_manifest_still_wins_over_the_page(tmp_path):
    entry = {"title": "Eigen titel", "publisher": "Eigen uitgever", "date": "2011"}
    document = parse_document(REAL / "justitie-kamerbrief-draagmoederschap-2011.pdf", entry).document
    assert (document.title, document.publisher, document.date) == (
        "Eigen titel", "Eigen uitgever", "2011")


def test_the_metadata_score_compares_with_the_truth_and_its_parts(tmp_path):
    truth = Truth("a.pdf", "Verslag – Bestuurlijk overleg over financiering IC-opschaling en "
                  "planning, 24 september 2020", "DUS-I / Ministerie van VWS (Woo-publicatie)")
    assert title_right("Bestuurlijk overleg over financiering IC- 24 september 2020", truth)
    assert not title_right("Bestuurlijk overleg", truth)  # a fragment: under half the words
    assert not title_right("Microsoft Word - verslag.docx", truth)
    bracketed = Truth("b.pdf", "Modellen voor verantwoording over abortusactiviteiten (conform "
                      "Subsidieregeling abortusklinieken artikel 24 lid 3 sub b)", "DUS-I")
    assert title_right(bracketed.title, bracketed)  # the title as stated, its bracket too
    assert title_right("Modellen voor verantwoording over abortusactiviteiten", bracketed)
    assert publisher_right("Ministerie van VWS", truth) and publisher_right("DUS-I", truth)
    assert not publisher_right("RIVM", truth) and not publisher_right("", truth)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("justitie-kamerbrief-draagmoederschap-2011.pdf",
                 "tk-besluitenlijst-emailprocedure-bz-2015.pdf"):
        shutil.copy(REAL / name, corpus / name)
    truth_file = tmp_path / "metadata.jsonl"
    truth_file.write_text("\n".join(json.dumps(row) for row in (
        {"file": "justitie-kamerbrief-draagmoederschap-2011.pdf", "title": "Draagmoederschap",
         "publisher": "Ministerie van Justitie", "publisher_aliases": ["Justitie"], "year": 2011},
        {"file": "tk-besluitenlijst-emailprocedure-bz-2015.pdf",
         "title": "Besluitenlijst van de e-mailprocedure van donderdag 26 maart 2015",
         "publisher": "Tweede Kamer der Staten-Generaal", "year": 2016})), encoding="utf-8")
    score = score_corpus(corpus, truth_file)
    assert [(r.title_right, r.publisher_right) for r in score.rows] == [(True, True), (True, True)]
    assert score.share("both") == 1.0
    # "Den Haag, 27 maart 2015" dates the second: the stated 2016 is wrong
    assert [(r.date, r.year_right) for r in score.rows] == [("2011-03", True), ("2015-03", False)]
    assert "title right 100%" in summary_lines([score.to_json()])[0]
    assert "year right 50%" in summary_lines([score.to_json()])[0]
    # without a truth file the manifest is the truth, and files are parsed without their entry
    (corpus / "manifest.toml").write_text(
        '[files."justitie-kamerbrief-draagmoederschap-2011.pdf"]\n'
        'title = "Draagmoederschap"\npublisher = "Ministerie van Justitie"\n', encoding="utf-8")
    blind = score_corpus(corpus)
    assert [(r.file, r.title_right, r.publisher_right) for r in blind.rows] == [
        ("justitie-kamerbrief-draagmoederschap-2011.pdf", True, False)]


# --- the title as a reader takes it from hand-made cover pages ---

def _page(*lines: tuple[str, float, float, float]) -> list[Fragment]:
    """A cover page from (text, size, x, y) lines, with body text below them to set its sizes."""
    body = [Fragment(60.0, 400.0 - 12 * n, "Dit is de lopende tekst van het rapport, regel na regel.",
                     10.0) for n in range(20)]
    return [Fragment(x, y, text, size) for text, size, x, y in lines] + body


def test_same_size_headings_are_read_column_by_column():
    # A chart caption at the top of the right column and the title lower in the left one: the
    # reader starts at the left column.
    page = _page(("Spreiding aanvragers", 14.0, 400.0, 700.0),
                 ("Regeling voor virtuele", 14.0, 60.0, 600.0),
                 ("samenwerking in het onderwijs", 14.0, 60.0, 585.0))
    assert cover_title([page]) == "Regeling voor virtuele samenwerking in het onderwijs"


def test_a_dateline_below_the_title_is_no_subtitle():
    page = _page(("Resolution 1441 (2002)", 14.0, 60.0, 700.0),
                 ("Adopted by the Council at its 4644th meeting, on", 12.0, 60.0, 675.0),
                 ("8 November 2002", 12.0, 60.0, 661.0))
    assert cover_title([page]) == "Resolution 1441 (2002)"
    # a smaller subtitle without a date stays part of the title
    page = _page(("Accountantsprotocol", 20.0, 60.0, 700.0),
                 ("behorend bij de regeling publieke gezondheid", 16.0, 60.0, 660.0))
    assert cover_title([page]) == "Accountantsprotocol behorend bij de regeling publieke gezondheid"


def test_a_running_header_with_bar_separated_fields_is_no_title():
    text = "Bureau Zorg | Versneld leren\nVersneld leren over de aanpak ten tijde van coro-\nna\n\nTekst."
    assert cover_title([()], [text]) == "Versneld leren over de aanpak ten tijde van corona"
    assert cover_title([()], ["Een titel zonder breuk\nvolgende regel"]) == "Een titel zonder breuk"


def test_a_title_line_with_an_open_bracket_goes_on_to_the_line_that_closes_it():
    page = ("Modellen (formulieren) voor verantwoording over abortusactiviteiten (conform "
            "Subsidieregeling\nabortusklinieken artikel 24 lid 3 sub b)\n"
            "Model 1: Informatie over abortusactiviteiten\n")
    assert cover_title([], [page]) == (
        "Modellen (formulieren) voor verantwoording over abortusactiviteiten (conform "
        "Subsidieregeling abortusklinieken artikel 24 lid 3 sub b)")
    assert cover_title([], ["Jaarverslag (concept\nTweede regel\nDerde regel\nVierde regel\n"]) == (
        "Jaarverslag (concept Tweede regel Derde regel")  # never more than three lines
