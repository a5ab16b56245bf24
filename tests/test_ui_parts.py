"""The app's parts without a browser: escaping, uploads, the manifest writer, library edits."""

from __future__ import annotations

import tomllib
from dataclasses import replace

import pytest

from core.models import Citation, RetrievedChunk, Summary, SummarySentence, ThemeCount
from ingest.manifest import update_manifest
from tests.conftest import CORPUS, make_settings
from ui import parse_auth
from webui.html import highlight, page_refs, summary_html
from webui.uploads import UploadRefused, accept_upload, restore, safe_filename

EVIL = '<script>alert(1)</script><b>vet</b>'


def _summary(text: str = f"Tekst met {EVIL} erin.") -> Summary:
    citation = Citation("d1", "r.pdf", "Titel <i>x</i>", "SCP", 2021, 3, text)
    return Summary(question="v", answered=True, sentences=(SummarySentence(text, (citation,)),),
                   sources=(citation,), themes=(ThemeCount("t", "Thema", 1),))


def test_document_text_is_escaped_in_answers_and_sources():
    rendered = summary_html(_summary(), "k", {"r.pdf": "gradio_api/file=/c/r.pdf"})
    assert "<script>" not in rendered and "<b>" not in rendered and "<i>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;vet&lt;/b&gt;" in rendered
    assert 'href="#k-1"' in rendered and "#page=3" in rendered
    marked = highlight(f"Voor. Tekst met {EVIL} erin. Na.", [f"Tekst met {EVIL} erin."])
    assert marked.startswith("Voor. <mark>Tekst met &lt;script&gt;") and "<b>" not in marked


def test_a_refusal_offers_the_nearest_sentences_cited_and_escaped():
    chunk = RetrievedChunk("d1:00001", "d1", "r.pdf", 4, 4, 0.1, f"Briefhoofd. {EVIL}")
    citation = Citation("d1", "r.pdf", "Titel", "SCP", 2021, 4, EVIL)
    refusal = Summary(question="v", answered=False, sentences=(), sources=(), retrieved=(chunk,),
                      nearest=(SummarySentence(EVIL, (citation,)),))
    rendered = summary_html(refusal, "k", {"r.pdf": "/bestand/r.pdf"})
    assert "Misschien relevant" in rendered and "<script>" not in rendered
    assert "&lt;script&gt;" in rendered and "<em>Titel</em>" in rendered
    assert 'href="/bestand/r.pdf#page=4"' in rendered
    assert [(r.number, r.page, r.quotes) for r in page_refs(refusal)] == [(1, 4, (EVIL,))]


@pytest.mark.parametrize("name, safe", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\win.PDF", "win.pdf"),
    ("Rapport ézèf (2021).pdf", "Rapport_ezef_2021.pdf"),
    (".verborgen.pdf", "verborgen.pdf"),
    ("", "rapport"),
])
def test_upload_names_are_sanitised(name, safe):
    assert safe_filename(name) == safe


def test_uploads_are_checked_for_type_and_size(tmp_path):
    corpus = tmp_path / "corpus"
    script = tmp_path / "x.exe"
    script.write_bytes(b"MZ")
    with pytest.raises(UploadRefused, match="alleen PDF"):
        accept_upload(script, "x.exe", corpus, 1.0)
    big = tmp_path / "groot.pdf"
    big.write_bytes(b"0" * 2_000_000)
    with pytest.raises(UploadRefused, match="de grens is 1 MB"):
        accept_upload(big, "groot.pdf", corpus, 1.0)
    small = tmp_path / "klein.txt"
    small.write_text("nieuw", encoding="utf-8")
    corpus.mkdir()
    (corpus / "klein.txt").write_text("oud", encoding="utf-8")
    target, backup = accept_upload(small, "../klein.txt", corpus, 1.0)
    assert target == (corpus / "klein.txt").resolve() and target.read_text() == "nieuw"
    restore(target, backup)  # a failed ingest puts the old file back
    assert (corpus / "klein.txt").read_text() == "oud" and not backup.exists()


def test_the_manifest_keeps_comments_and_other_keys(tmp_path):
    manifest = tmp_path / "manifest.toml"
    manifest.write_text('# keep me\n\n[files."a.pdf"]\ntitle = "A"\npassword = "geheim"\n\n'
                        '[files."b.pdf"]\ndate = "2020"\n', encoding="utf-8")
    update_manifest(manifest, "a.pdf", {"title": 'Nieuw "A"', "date": "2021-03"})
    update_manifest(manifest, "c d.pdf", {"publisher": "SCP\\SER"})
    text = manifest.read_text(encoding="utf-8")
    data = tomllib.loads(text)["files"]
    assert text.startswith("# keep me")
    assert data["a.pdf"] == {"title": 'Nieuw "A"', "password": "geheim", "date": "2021-03"}
    assert data["b.pdf"] == {"date": "2020"} and data["c d.pdf"] == {"publisher": "SCP\\SER"}


def test_auth_is_user_colon_password():
    assert parse_auth("anna:geheim:1") == ("anna", "geheim:1")
    assert parse_auth(None) is None
    with pytest.raises(ValueError):
        parse_auth("anna")


def test_library_page_text_metadata_edit_and_removal(tmp_path, embedder):
    from index.search import Filters
    from library import Library

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    first, reference = "Eerste zin over schulden bij jongeren in de stad.", "Zie ook het advies van de VNG."
    second = "Tweede zin over wachtlijsten in de jeugdzorg."
    (corpus / "a.txt").write_text(f"{first}\n\n{reference}\n\n{second}\n", encoding="utf-8")
    library = Library(make_settings(tmp_path / "data", corpus, themes_path=CORPUS / "themes.toml"),
                      embedder)
    library.ingest([corpus])
    info = library.documents()[0]
    # The page shows every line, and every sentence is a record the relevance model can weigh.
    assert library.page_text(info.doc_id, 1) == f"{first} {reference} {second}"
    assert [s.text for s in library.store.sentences_where({"doc_id": info.doc_id})] == [
        first, reference, second]
    updated = library.update_metadata(info.doc_id, title="Schulden", publisher="SCP", date="2019")
    assert (updated.title, updated.publisher, updated.year) == ("Schulden", "SCP", 2019)
    assert library.search("schulden", filters=Filters(publishers=("SCP",), year_to=2019)).chunks
    assert tomllib.loads((corpus / "manifest.toml").read_text())["files"]["a.txt"]["title"] == "Schulden"
    with pytest.raises(ValueError):
        library.update_metadata(info.doc_id, date="vorig jaar")
    library.remove_document(info.doc_id)
    assert library.documents() == [] and not (corpus / "a.txt").exists()
    assert library.ingest([corpus]) == []  # nothing comes back


def test_rewritten_prose_links_its_citations_and_keeps_the_quotes_a_click_away():
    summary = replace(_summary("Een zin uit het rapport."),
                      prose="Een <b>herschreven</b> zin [1].")
    rendered = summary_html(summary, "k", {})
    assert ('<p class="rw-prose">Een &lt;b&gt;herschreven&lt;/b&gt; zin '
            '<a class="rw-cite" href="#k-1">[1]</a>.</p>') in rendered
    assert "gecontroleerd tegen de bron" in rendered
    assert (rendered.index("rw-prose") < rendered.index('<details class="rw-letterlijk">')
            < rendered.index("Een zin uit het rapport.") < rendered.index("Bronnen"))


def test_a_rejected_rewrite_is_said_above_the_quotes_with_its_reasons():
    summary = replace(_summary("Een zin uit het rapport."),
                      rewrite_notes=("zin 1 noemt <Jansen>, dat niet in de bron staat",))
    rendered = summary_html(summary, "k", {})
    assert "Geen herschreven tekst" in rendered and "&lt;Jansen&gt;" in rendered
    assert "rw-prose" not in rendered and "rw-letterlijk" not in rendered
    assert rendered.index("Geen herschreven tekst") < rendered.index("Een zin uit het rapport.")


def test_a_tentative_answer_says_so_above_its_quotes():
    rendered = summary_html(replace(_summary("Een zin uit het rapport."), tentative=True), "k", {})
    assert '<p class="rw-tentative" role="note">Let op: dit antwoord is onzeker.' in rendered
    assert rendered.index("rw-tentative") < rendered.index("Een zin uit het rapport.")
    assert "rw-tentative" not in summary_html(_summary("Een zin uit het rapport."), "k", {})


def test_bullets_carry_their_themes_for_the_chip_filter():
    citation = Citation("d1", "r.pdf", "Titel", "SCP", 2021, 3, "q")
    sentences = tuple(SummarySentence(text, (citation,), themes) for text, themes in (
        ("Schulden bij jongeren nemen toe.", ("schulden", "jeugd")),
        ("Gemeenten werken samen.", ("bestuur",))))
    summary = Summary(question="v", answered=True, sentences=sentences, sources=(citation,),
                      themes=(ThemeCount("schulden", "Schulden", 1), ThemeCount("bestuur", "Bestuur", 1)))
    rendered = summary_html(summary, "k", {})
    assert '<li data-themes="schulden jeugd">Schulden bij jongeren nemen toe.' in rendered
    assert '<li data-themes="bestuur">Gemeenten werken samen.' in rendered
    assert 'data-theme="" aria-pressed="true">alle</button>' in rendered
    assert 'data-theme="schulden" aria-pressed="false"' in rendered


def test_a_duplicate_is_offered_to_the_maintainer_only(corpus_library):
    from ui import App

    app = App(corpus_library)
    twin = next(info for info in corpus_library.documents() if info.duplicate_of)
    assert twin.doc_id not in {doc_id for _, doc_id in app.report_choices()}
    every = dict((doc_id, label) for label, doc_id in app.report_choices(duplicates=True))
    assert every[twin.doc_id].endswith(f"({twin.file}, duplicaat)")
    assert len(every) == len(app.report_choices()) + 1
    table = app.library_table()
    state = table.loc[table["Bestand"] == twin.file, "Status"].item()
    original = next(i.file for i in corpus_library.documents() if i.doc_id == twin.duplicate_of)
    assert state == f"duplicaat van {original}"
