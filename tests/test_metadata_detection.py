"""Publisher, title and date come from the PDF and its text; the manifest overrides them."""

from __future__ import annotations

import subprocess
import sys

from ingest.document import parse_document
from ingest.metadata import detect_date, detect_publisher, load_manifest
from tests.conftest import CORPUS, ROOT


def test_dutch_dates_are_found_in_the_text():
    assert detect_date("Uitgave GezondIn, Utrecht, juli 2020") == "2020-07"
    assert detect_date("April 2022\n\nLESSEN VAN DE CORONACRISIS") == "2022-04"
    assert detect_date("Den Haag, 3 mei 2021") == "2021-05"
    assert detect_date("zonder datum") == ""


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
