"""The web app in a real browser: Playwright drives Debian's Chromium against a served app.

One app serves the session's corpus index (read-only); a second serves a small library in a
temporary folder for uploads, edits, removal and an injected-HTML report. Every test saves a
screenshot in tests/artifacts/.
"""

from __future__ import annotations

import copy
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import CORPUS, FIXTURES, ROOT, free_port, make_settings

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "tests" / "artifacts"
WAIT_MS = 90_000  # two shared cores: an answer can take a while under load
XSS_REPORT = (
    "Wachtlijsten in Zuiderdorp\n\n"
    "De wachtlijsten voor schuldhulpverlening in Zuiderdorp zijn in 2023 opgelopen tot negen "
    "maanden. Volgens de wethouder <script>window.__xss = 1</script> is de aanpak van <b>vet</b> "
    "belang <img src=x onerror=\"window.__xss = 2\"> voor alle inwoners van Zuiderdorp. "
    "De gemeente Zuiderdorp wil de wachtlijsten voor schuldhulpverlening verkorten met extra "
    "budget voor schuldhulpverleners.\n"
)

sync_api = pytest.importorskip("playwright.sync_api")
if not CHROMIUM.exists():
    pytest.skip("Chromium ontbreekt (apt-get install chromium)", allow_module_level=True)


def _serve(library) -> tuple[str, object]:
    from ui import serve

    port = free_port()
    blocks = serve(library, port=port, block=False)
    return f"http://127.0.0.1:{port}/", blocks


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def corpus_app(corpus_library):
    url, blocks = _serve(corpus_library)
    yield url
    blocks.close()


@pytest.fixture(scope="module")
def small_library(tmp_path_factory, embedder):
    """A writable library: one report carrying injected HTML, in its own corpus folder."""
    from library import Library

    root = tmp_path_factory.mktemp("ui-library")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "themes.toml", corpus / "themes.toml")
    (corpus / "zuiderdorp-wachtlijsten.txt").write_text(XSS_REPORT, encoding="utf-8")
    library = Library(make_settings(root / "data", corpus), embedder)
    assert [row.state for row in library.ingest([corpus])] == ["nieuw"]
    return library


@pytest.fixture(scope="module")
def small_app(small_library):
    url, blocks = _serve(small_library)
    yield url
    blocks.close()


@pytest.fixture(scope="module")
def rewriting_library(corpus_library, llm_url):
    """The session's corpus index with the optional rewriter on the local chat server."""
    library = copy.copy(corpus_library)  # the same index, other settings
    library.settings = replace(corpus_library.settings, llm_url=llm_url, llm_model="gegrond")
    return library


@pytest.fixture(scope="module")
def rewriting_app(rewriting_library):
    url, blocks = _serve(rewriting_library)
    yield url
    blocks.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True,
                                  locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#vraag textarea")


def _ask(page, question: str) -> None:
    page.fill("#vraag textarea", question)
    page.click("#vraag-knop")
    page.wait_for_selector("#antwoord .rw-answer")


def _shows(page, area: str, text: str) -> None:
    """Wait until ``area`` visibly shows ``text`` (tables keep a hidden copy for measuring)."""
    page.locator(area).get_by_text(text).locator("visible=true").first.wait_for()


def _choose(page, elem_id: str, label: str) -> None:
    """Pick an option of a Gradio dropdown by its label."""
    page.click(f"#{elem_id} input")
    page.get_by_role("option", name=label, exact=True).click()
    page.keyboard.press("Escape")


def test_a_question_is_answered_and_a_citation_opens_its_page(page, corpus_app):
    _open(page, corpus_app)
    _ask(page, "Wat zijn de gevolgen van corona voor de mentale gezondheid?")
    answer = page.locator("#antwoord")
    assert "Op basis van" in answer.inner_text()
    assert page.locator("#antwoord .rw-chip").count() >= 1  # theme chips
    page.locator("#antwoord li a.rw-cite").first.click()
    panel = page.locator("#bronpaneel .rw-bron:visible")
    panel.wait_for()
    assert panel.locator("mark").count() >= 1  # the quoted sentence is highlighted
    link = panel.locator("a[href*='#page=']").first.get_attribute("href")
    assert link.startswith("gradio_api/file=") and (".pdf" in link or ".txt" in link)
    page.locator("#download-docx").wait_for()
    # The session's recent questions are a separate output, which may render after the answer.
    _shows(page, "#recent", "mentale gezondheid")
    assert not page.errors


def test_a_refusal_shows_the_nearest_sentences_and_opens_their_page(page, corpus_app,
                                                                     corpus_library):
    question = "Wat adviseerde de Gezondheidsraad over eenzaamheid?"
    expected = corpus_library.ask(question)
    assert not expected.answered and expected.nearest
    _open(page, corpus_app)
    page.fill("#vraag textarea", question)
    page.press("#vraag textarea", "Enter")  # Enter asks, like the button
    page.wait_for_selector("#antwoord .rw-answer")
    assert "De bibliotheek noemt ‘Gezondheidsraad’ nergens." in page.locator("#antwoord").inner_text()
    items = page.locator("#antwoord .rw-nearest li")
    assert items.count() == len(expected.nearest)
    first = expected.nearest[0]
    assert first.citations[0].title in items.first.inner_text()
    items.first.locator("a.rw-cite").click()
    panel = page.locator("#bronpaneel .rw-bron:visible")
    panel.wait_for()
    assert first.text[:40] in panel.locator("mark").first.inner_text()  # marked on its page
    assert not page.errors


def test_a_theme_filter_narrows_the_answer(page, corpus_app, corpus_library):
    from index.search import Filters
    from summarise.render import format_source

    question = "Wat zeggen de rapporten over schulden?"
    theme = "werk_inkomen" if "werk_inkomen" in corpus_library.tagger.ids else corpus_library.tagger.ids[0]
    label = corpus_library.tagger.label(theme)
    _open(page, corpus_app)
    _choose(page, "filter-thema", label)
    _ask(page, question)
    expected = corpus_library.ask(question, filters=Filters(themes=(theme,)))
    shown = page.locator("#antwoord .rw-sources li").all_inner_texts()
    assert len(shown) == len(expected.sources)
    for line, source in zip(shown, expected.sources):
        assert source.title in line and f"p. {source.page}" in line
    assert all(format_source(s) for s in expected.sources)


def test_a_report_is_summarised_edited_and_downloaded_as_docx(page, corpus_app, tmp_path):
    from docx import Document

    _open(page, corpus_app)
    page.get_by_role("tab", name="Rapport samenvatten").click()
    _choose(page, "samenvatten-rapport",
            "Sociaal sterker de crisis uit (vng-2021-sociaal-sterker-de-crisis-uit.pdf)")
    page.get_by_label("Kort (± 150 woorden)").check()
    page.click("#samenvatten-knop")
    page.wait_for_selector("#samenvatting .rw-answer li")
    assert "VNG" in page.locator("#rapport-kaart").inner_text()
    text = page.locator("#samenvatting-tekst textarea")
    text.fill(text.input_value() + "\n\nNotitie van de adviseur: bespreken in het team.")
    page.click("#export-docx")
    link = page.locator("#export-bestand a").first
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "samenvatting.docx"
    download.value.save_as(saved)
    paragraphs = [p.text for p in Document(str(saved)).paragraphs]
    assert any("Sociaal sterker de crisis uit" in p for p in paragraphs)
    assert any("Notitie van de adviseur" in p for p in paragraphs)


def test_the_summary_page_hints_before_a_report_is_picked_and_offers_no_duplicates(
        page, corpus_app):
    _open(page, corpus_app)
    page.get_by_role("tab", name="Rapport samenvatten").click()
    page.click("#export-docx")  # nothing to export yet: a hint, not an English "Error"
    toast = page.locator('[data-testid="toast-text"]').first
    toast.wait_for()
    assert "Er is nog geen samenvatting om te exporteren." in toast.inner_text()
    assert "warning" in (toast.get_attribute("class") or "").split()
    assert not page.get_by_text("Error", exact=True).locator("visible=true").count()
    page.click("#samenvatten-knop")
    _shows(page, "#rapport-kaart", "Kies eerst een rapport.")
    page.click("#samenvatten-rapport input")
    options = page.get_by_role("option").all_inner_texts()
    assert any("gezondin-2020-impact-coronacrisis.pdf" in o for o in options)
    assert not any("pdfextract" in o for o in options)  # its duplicate is not a report of its own
    page.get_by_role("option", name="Sociaal sterker de crisis uit "
                     "(vng-2021-sociaal-sterker-de-crisis-uit.pdf)", exact=True).click()
    page.wait_for_function(
        "() => !document.querySelector('#rapport-kaart').innerText.includes('Kies eerst')")


def test_clicking_the_heatmap_shows_a_theme_digest(page, corpus_app):
    _open(page, corpus_app)
    page.get_by_role("tab", name="Thema's").click()
    cell = page.locator('#heatmap [data-row="1"]').nth(1)  # "Schulden en armoede"
    cell.wait_for()
    header = page.locator("#heatmap thead").first.inner_text()
    assert "gezondin-2020-impact-c" in header and "pdfextract" not in header  # no duplicate
    cell.click()
    page.wait_for_selector("#digest .rw-answer")
    assert page.locator("#digest").inner_text().strip()


def test_uploading_a_good_a_scanned_and_a_broken_pdf(page, small_app, small_library, tmp_path):
    broken = tmp_path / "kapot rapport.pdf"
    broken.write_bytes(b"%PDF-1.4\nthis is not really a pdf\n")
    good = tmp_path / "versneld-leren.pdf"
    shutil.copy(CORPUS / "gezondin-2021-versneld-leren.pdf", good)
    scanned = tmp_path / "gescand-versneld-leren.pdf"  # one page as an image: read by OCR
    shutil.copy(FIXTURES / "broken" / "scanned-page.pdf", scanned)
    _open(page, small_app)
    page.get_by_role("tab", name="Bibliotheek").click()
    page.locator("#upload input[type=file]").set_input_files([str(good), str(scanned), str(broken)])
    _shows(page, "#upload", "kapot")
    page.click("#upload-knop")
    result = page.locator("#upload-resultaat")
    result.locator(".rw-message").nth(2).wait_for()
    text = result.inner_text()
    assert "versneld-leren.pdf: nieuw" in text
    assert "gescand-versneld-leren.pdf: nieuw (1 pagina's" in text
    assert "pagina 1 gescand, met OCR gelezen" in text
    assert "kapot_rapport.pdf: mislukt" in text  # the name was sanitised
    assert page.locator("#upload-resultaat .rw-fout").count() == 1
    _shows(page, "#bibliotheek-tabel", "versneld-leren.pdf")
    _shows(page, "#bibliotheek-tabel", "gescand-versneld-leren.pdf")
    corpus = small_library.settings.corpus_dir
    assert (corpus / "versneld-leren.pdf").exists() and not (corpus / "kapot_rapport.pdf").exists()
    assert (corpus / "gescand-versneld-leren.pdf").exists()
    page.get_by_role("tab", name="Vraag stellen").click()  # the page still works
    _ask(page, "Wat is versneld leren over gezondheidsachterstanden?")
    assert not page.errors


def test_html_in_a_report_is_shown_as_text(page, small_app):
    _open(page, small_app)
    _ask(page, "Hoe lang zijn de wachtlijsten voor schuldhulpverlening in Zuiderdorp?")
    page.locator("#antwoord a.rw-cite").first.click()
    page.locator("#bronpaneel .rw-bron:visible").wait_for()
    shown = page.locator("#antwoord").inner_text() + page.locator("#bronpaneel").inner_text()
    assert "<b>vet</b>" in shown and "<script>" in shown
    for area in ("#antwoord", "#bronpaneel"):
        assert page.locator(f"{area} b, {area} script, {area} img").count() == 0
    page.get_by_role("tab", name="Bibliotheek").click()
    _shows(page, "#bibliotheek-tabel", "zuiderdorp-wachtlijsten.txt")
    assert page.evaluate("window.__xss === undefined")


def test_metadata_is_edited_and_a_report_removed(page, small_app, small_library):
    from ingest.metadata import load_manifest

    _open(page, small_app)
    page.get_by_role("tab", name="Bibliotheek").click()
    page.locator("#bewerken").get_by_text("Gegevens van een rapport aanpassen").click()
    name = next(i for i in small_library.documents() if i.file == "zuiderdorp-wachtlijsten.txt")
    _choose(page, "bewerk-rapport", f"{name.title} ({name.file})")
    title = page.locator("#bewerk-titel textarea, #bewerk-titel input")
    sync_api.expect(title).to_have_value(name.title)  # loaded, so it cannot overwrite our edit
    title.fill("Wachtlijsten Zuiderdorp")
    page.fill("#bewerk-uitgever textarea, #bewerk-uitgever input", "Gemeente Zuiderdorp")
    page.fill("#bewerk-datum textarea, #bewerk-datum input", "2023-05")
    page.click("#bewerk-opslaan")
    _shows(page, "#bewerk-resultaat", "Opgeslagen")
    _shows(page, "#bibliotheek-tabel", "Gemeente Zuiderdorp")
    manifest = load_manifest(small_library.settings.manifest_path)
    assert manifest["zuiderdorp-wachtlijsten.txt"]["publisher"] == "Gemeente Zuiderdorp"

    page.locator("#verwijderen").get_by_text("Rapport verwijderen").click()
    _choose(page, "verwijder-rapport", "Wachtlijsten Zuiderdorp (zuiderdorp-wachtlijsten.txt)")
    page.click("#verwijder-knop")
    _shows(page, "#verwijder-resultaat", "Vink eerst aan")
    page.locator("#verwijder-zeker input").check()
    page.click("#verwijder-knop")
    _shows(page, "#verwijder-resultaat", "Verwijderd")
    assert all(i.file != "zuiderdorp-wachtlijsten.txt" for i in small_library.documents())
    assert not (small_library.settings.corpus_dir / "zuiderdorp-wachtlijsten.txt").exists()


def test_theme_chips_show_only_the_bullets_of_their_theme(page, corpus_app, corpus_library):
    question = "Hoe kunnen gemeenten samenwerken met lokale partners in een crisis?"
    expected = corpus_library.ask(question)
    total = len(expected.sentences)
    theme = min(expected.themes, key=lambda t: t.count)
    assert theme.count < total  # a filter that visibly narrows
    wanted = sorted(s.text for s in expected.sentences if theme.id in s.themes)
    _open(page, corpus_app)
    _ask(page, question)
    answer = page.locator("#antwoord")
    bullets = answer.locator("li[data-themes]")
    assert bullets.count() == total

    def shown() -> list[str]:
        return sorted(re.sub(r"(?: ?\[\d+\])+$", "", text).strip()
                      for text in answer.locator("li[data-themes]:visible").all_inner_texts())

    chip = answer.locator(f'button.rw-chip[data-theme="{theme.id}"]')
    chip.click()
    assert shown() == wanted
    assert chip.get_attribute("aria-pressed") == "true"
    for group in answer.locator(".rw-group:visible").all():  # no heading over hidden bullets
        assert group.locator("li:visible").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "thema-chip-gefilterd.png"), full_page=True)
    chip.click()  # a second click shows all again
    assert len(shown()) == total and chip.get_attribute("aria-pressed") == "false"
    chip.click()
    answer.locator('button.rw-chip[data-theme=""]').click()  # "alle"
    assert len(shown()) == total
    assert answer.locator('button.rw-chip[data-theme=""]').get_attribute("aria-pressed") == "true"
    assert not page.errors


def test_rewritten_prose_is_shown_with_its_citations_and_the_quotes(page, rewriting_app,
                                                                    rewriting_library,
                                                                    corpus_library):
    question = "Wat zijn de gevolgen van corona voor de mentale gezondheid?"
    rewriting_library.settings = replace(rewriting_library.settings, llm_model="gegrond")
    extractive = corpus_library.ask(question)
    _open(page, rewriting_app)
    _ask(page, question)
    answer = page.locator("#antwoord")
    note = answer.locator(".rw-rewrite .rw-note").inner_text()
    assert "Herschreven tekst" in note and "gecontroleerd" in note
    prose = answer.locator(".rw-prose")
    assert "Daarnaast geldt:" in prose.inner_text()
    assert extractive.sentences[0].text.rstrip(".") in prose.inner_text()
    shown = answer.locator(".rw-sources li").all_inner_texts()  # the same sources
    assert len(shown) == len(extractive.sources)
    for line, source in zip(shown, extractive.sources):
        assert source.title in line and f"p. {source.page}" in line
    prose.locator("a.rw-cite").first.click()  # a citation in the prose opens its page
    panel = page.locator("#bronpaneel .rw-bron:visible")
    panel.wait_for()
    assert panel.locator("mark").count() >= 1
    quotes = answer.locator("details.rw-letterlijk")
    assert quotes.locator("li").count() == len(extractive.sentences)
    assert not quotes.locator("li").first.is_visible()  # one click away
    quotes.locator("summary").click()
    assert quotes.locator("li").first.is_visible()
    assert extractive.sentences[0].text in quotes.inner_text()
    assert not page.errors


def test_a_rejected_rewrite_falls_back_visibly_to_the_quotes(page, rewriting_app,
                                                              rewriting_library):
    question = "Wat zijn de gevolgen van corona voor de mentale gezondheid?"
    rewriting_library.settings = replace(rewriting_library.settings, llm_model="verzint-feit")
    _open(page, rewriting_app)
    _ask(page, question)
    answer = page.locator("#antwoord")
    rejected = answer.locator(".rw-afgekeurd")
    assert "Geen herschreven tekst" in rejected.locator(".rw-note").inner_text()
    assert answer.locator(".rw-prose").count() == 0
    assert answer.locator("details.rw-letterlijk").count() == 0
    assert answer.locator("li[data-themes]").first.is_visible()  # the quotes, open
    rejected.locator("summary").click()
    assert "Jansen" in rejected.inner_text()  # why: a name the sources do not hold
    assert not page.errors
