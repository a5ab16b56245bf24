"""Scanned pages are read with Tesseract's Dutch model; born-digital pages never are.

Real PDFs throughout: the corpus PDFs, the scanned page made from one of them, and the 30 real
government PDFs of /work/shared/real-pdf (skipped where that folder is absent).
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, FIXTURES, ROOT, make_settings

SCANNED = FIXTURES / "broken" / "scanned-page.pdf"
REAL = Path("/work/shared/real-pdf")
CORPUS_PDF = Path("/work/shared/corpus-pdf")
BORN_DIGITAL = [*sorted(CORPUS.glob("*.pdf")),
                *sorted(p for p in REAL.glob("*.pdf") if not p.name.startswith("vws-woo-"))]
WOO = sorted(REAL.glob("vws-woo-*.pdf"))
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None,
                                     reason="Tesseract ontbreekt (apt-get install tesseract-ocr "
                                            "tesseract-ocr-nld)")


def words(text: str) -> list[str]:
    return re.findall(r"\w+(?:[-'’]\w+)*", text.lower())


def word_accuracy(reference: list[str], read: list[str]) -> float:
    """The share of the reference's words that a word alignment (difflib) matches in ``read``."""
    matcher = difflib.SequenceMatcher(None, reference, read, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(reference)


def source_page(read: list[str]) -> tuple[Path, int, list[str]]:
    """The corpus PDF page the scan was made from: the one whose words the OCR matches best."""
    from pypdf import PdfReader

    best = (0.0, None, 0, [])
    for path in sorted(CORPUS.glob("*.pdf")):
        for number, page in enumerate(PdfReader(path).pages, start=1):
            reference = words(page.extract_text())
            if reference:
                best = max(best, (word_accuracy(reference, read), path, number, reference),
                           key=lambda found: found[0])
    return best[1], best[2], best[3]


@needs_tesseract
def test_the_scanned_page_is_read_with_word_accuracy_above_095():
    from ingest.ocr import open_pdf, recognise

    page = recognise(open_pdf(SCANNED), 0)
    read = words(page.text)
    path, number, reference = source_page(read)
    assert (path.name, number) == ("gezondin-2021-versneld-leren.pdf", 2)
    assert word_accuracy(reference, read) >= 0.95
    assert 0.8 <= page.confidence <= 1.0


@needs_tesseract
def test_a_scanned_pdf_is_read_page_by_page_with_progress():
    from ingest.readers import read_raw_pages

    heard = []
    raw = read_raw_pages(SCANNED, ocr_progress=lambda done, total: heard.append((done, total)))
    assert heard == [(0, 1), (1, 1)]
    assert list(raw.ocr) == [0] and raw.ocr[0] > 0.8
    assert "gezondheidsachterstanden" in raw.pages[0]
    assert raw.warnings == ("pagina 1 gescand, met OCR gelezen / page 1 scanned, read by OCR",)


@pytest.mark.skipif(not REAL.is_dir(), reason="/work/shared/real-pdf ontbreekt")
def test_no_born_digital_page_is_ocred():
    """Every page of the corpus PDFs and the real born-digital PDFs keeps its own text layer:
    none is sent to OCR (nor counted as an OCR layer), whatever its share of Dutch words (the
    English UN resolution's pages read 0.26-0.40)."""
    from ingest.readers import read_raw_pages

    pages = 0
    for path in BORN_DIGITAL:
        raw = read_raw_pages(path)
        assert raw.ocr == {}, path.name
        pages += len(raw.pages)
    assert len(BORN_DIGITAL) == 23 and pages >= 300


@pytest.mark.skipif(not WOO, reason="/work/shared/real-pdf ontbreekt")
@needs_tesseract
def test_woo_ocr_layers_are_kept_and_only_the_noisy_ones_are_read_again():
    """The Woo scans' own OCR layers are used, and marked as OCR, without running Tesseract;
    only the slides' layer is mostly noise, and only its pages are read again."""
    from ingest.readers import read_raw_pages

    slides = "vws-woo-inquiry-2003-slides-testen-ggd-2021.pdf"
    for path in WOO:
        heard: list[int] = []
        raw = read_raw_pages(path, ocr_progress=lambda done, total, heard=heard: heard.append(total))
        with_text = {i for i, text in enumerate(raw.pages) if text.strip()}
        assert set(raw.ocr) == with_text, path.name
        if path.name == slides:
            assert set(heard) == {8}
        else:
            assert heard == [] and set(raw.ocr.values()) == {None}, path.name


def test_woo_debris_is_repaired():
    from ingest.ocr_debris import repair_debris

    cases = {
        "Aanwezig: 5.1.2e": "Aanwezig: […]",
        "T 512e\nM 51.2e": "T […]\nM […]",
        "Van: EEE[( 5.1.2¢ JEEH @minvws.nl>": "Van: […] @minvws.nl>",
        "Kan via notitie (m.n. [JEXEZIN en [ERIEER . Niet opnieuw":
            "Kan via notitie (m.n. […] en […] . Niet opnieuw",
        "Hoi [EE dit staat haaks op wat ik met [IEEE heb afgesproken.":
            "Hoi […] dit staat haaks op wat ik met […] heb afgesproken.",
        "met andere |leerlingen van de school": "met andere leerlingen van de school",
        "Werksituatie 71 | 5.0 (3-15)": "Werksituatie 71 | 5.0 (3-15)",  # a column, not debris
        "Woonzorgcentrum 3| 4.7": "Woonzorgcentrum 3 4.7",
        "{Den Haag)": "(Den Haag)",
        "het aantal (per dag]": "het aantal (per dag)",
        "registratie in CoronlT en GGlD": "registratie in CoronIT en GGID",
        "de niet-controversiéle maatregelen voor patiénten":
            "de niet-controversiële maatregelen voor patiënten",
        "regionale coodrdinatiefuncties": "regionale coördinatiefuncties",
        "wiIlen we dat?": "willen we dat?",
        "«Het beperken van introducties": "• Het beperken van introducties",
        "-\nIn proces HKS wordt\n-\nNaast de nota": "• In proces HKS wordt\n• Naast de nota",
    }
    for debris, repaired in cases.items():
        assert repair_debris(debris) == repaired, debris
    # Words and capitals that are words stay as they are.
    for kept in ("EEN NIEUWE AANPAK VOOR DE ZEE", "VNG | Sociaal sterker", "De GGD en het RIVM",
                 "een chirurgisch mondneusmasker IIR en een bril",
                 "hoofdstuk 5.1.2 van de wet", "Op 5 september 2020"):
        assert repair_debris(kept) == kept


def test_known_word_share_counts_dutch_words():
    from ingest.ocr_debris import known_word_share

    share, count = known_word_share("De gemeenten maken zich zorgen over de mondkapjesplicht.")
    assert count == 8 and share == 1.0
    share, count = known_word_share("Aznleicing Symptomatiseh Cnbekend Reduliere Abbotdn lecstie")
    assert count == 6 and share < 0.5
    assert known_word_share("12 34 --") == (0.0, 0)


@needs_tesseract
def test_a_question_on_a_scanned_report_is_answered_citing_its_scanned_page(tmp_path, embedder):
    from library import Library
    from summarise.render import to_json, to_markdown

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SCANNED, corpus / "scanned-page.pdf")
    library = Library(make_settings(tmp_path / "data", corpus), embedder)
    heard = []
    rows = library.ingest([corpus], page_progress=lambda path, done, total: heard.append(
        (path.name, done, total)))
    assert [(row.state, row.pages) for row in rows] == [("nieuw", 1)]
    assert heard == [("scanned-page.pdf", 0, 1), ("scanned-page.pdf", 1, 1)]
    summary = library.ask("Waar maken gemeenten zich zorgen over?")
    assert summary.answered
    cited = [c for s in summary.sentences for c in s.citations]
    assert cited and all(c.file == "scanned-page.pdf" and c.page == 1 and c.scanned for c in cited)
    assert any("welbevinden van jongeren" in c.quote for c in cited)
    assert "p. 1 (gescand)" in to_markdown(summary)
    assert all(c["scanned"] is True for c in to_json(summary)["sources"])
    info = library.documents()[0]
    assert info.scanned_pages == (1,)


def test_without_tesseract_a_scanned_file_is_refused_in_both_languages_and_the_batch_goes_on(
        tmp_path, corpus_library):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SCANNED, corpus / "scanned-page.pdf")
    shutil.copy(CORPUS / "gezondin-2021-versneld-leren.pdf", corpus / "versneld-leren.pdf")
    data = tmp_path / "data"
    (data / "cache").mkdir(parents=True)
    shutil.copy(ROOT / ".cache" / "test-embeddings" / "embeddings.sqlite3", data / "cache")
    bare = tmp_path / "bin"  # a PATH on which there is no tesseract
    bare.mkdir()
    env = dict(os.environ, RW_DATA_DIR=str(data), RW_CORPUS_DIR=str(corpus), PATH=str(bare))
    done = subprocess.run([sys.executable, "-m", "cli", "ingest", str(corpus)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    table = {line.split()[0]: line for line in done.stdout.splitlines()[2:]}
    assert " nieuw " in table["versneld-leren.pdf"]
    assert " mislukt" in table["scanned-page.pdf"]
    error = next(line for line in done.stderr.splitlines()
                 if line.startswith("Fout / error: scanned-page.pdf:"))
    for part in ("geen tekstlaag (gescand beeld); OCR is nodig, maar Tesseract (OCR) is niet "
                 "geïnstalleerd", "no text layer (scanned image); OCR is needed, but Tesseract "
                 "(OCR) is not installed", "apt-get install tesseract-ocr tesseract-ocr-nld"):
        assert part in error, error
    assert "1 van 2 bestanden mislukt" in done.stderr
