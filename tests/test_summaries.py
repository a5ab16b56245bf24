"""Report summaries and theme digests over the real corpus index, and answers grouped by theme."""

from __future__ import annotations

import subprocess
import sys

from core.whole_sentence import is_whole_sentence
from eval.verbatim import Sources, check_summary
from summarise.candidates import stands_alone
from summarise.render import to_markdown
from summarise.report import about_the_report
from tests.conftest import CORPUS, ROOT

VNG = "vng-2021-sociaal-sterker-de-crisis-uit.pdf"


def test_report_summary_covers_sections_within_budget_with_true_pages(corpus_library):
    summary = corpus_library.summarise_report(VNG)
    assert summary.answered and summary.kind == "report"
    words = sum(len(s.text.split()) for s in summary.sentences)
    longest = max(len(s.text.split()) for s in summary.sentences)
    assert 150 <= words <= 250 + longest
    info = corpus_library.document(VNG)
    assert summary.heading == info.title
    sections = corpus_library.store.chunk_sections(info.doc_id)
    stored = {s.text: s for s in corpus_library.store.sentences_where({"doc_id": info.doc_id})}
    assert len({sections[stored[s.text].chunk_id] for s in summary.sentences}) >= 4
    assert all([c.doc_id for c in s.citations] == [info.doc_id] for s in summary.sentences)
    checks = check_summary(summary, Sources(CORPUS, CORPUS / "manifest.toml"))
    assert len(checks) == len(summary.sentences)
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]
    pages = [s.citations[0].page for s in summary.sentences]
    assert pages == sorted(pages), "key points follow the report's order"
    markdown = to_markdown(summary)
    assert markdown.startswith(f"**{info.title}**") and "Kernpunten:" in markdown


def test_a_long_report_is_summarised_to_its_end(corpus_library):
    """27 sections and room for about ten sentences: the key points reach the last quarter of
    the report (taken section by section in document order they stopped at page 9 of 23)."""
    info = corpus_library.document("impactcorona-2022-lessen-sociaal-domein.pdf")
    pages = [s.citations[0].page for s in corpus_library.summarise_report(info.doc_id).sentences]
    assert min(pages) <= 3 and max(pages) >= 0.75 * info.pages


def test_report_key_points_are_the_reports_words_not_an_interviewees(corpus_library):
    """Both sentences were key points before: the end of a quotation (its closing mark) and a
    sentence inside one (no mark of its own)."""
    summary = corpus_library.summarise_report("impactcorona-2022-lessen-sociaal-domein.pdf")
    texts = [s.text for s in summary.sentences]
    assert len(texts) >= 8
    assert not any(text.endswith(("”", '"')) or text.startswith(("“", '"')) for text in texts)
    assert "Wat ik heel vaak hoor, is dat mensen in de uitvoering van beleid vastlopen." \
        not in texts


def test_report_key_points_are_about_the_subject_not_the_report():
    """Sentences that point within the text, announce the authors' plans or open by naming the
    document are no key points; a finding stated through the document ("... laten we zien dat
    ...") and a passing mention later in the sentence are."""
    about_itself = [
        "Ons gaat het zoals gezegd specifiek om de sociale impact.",
        "Waar mogelijk zullen we voorbeelden toevoegen, daarmee krijgt het overzicht een dynamisch karakter.",
        "Dit verslag beschrijft de uitkomsten van deze gesprekken tot nu toe.",
        "De in deze notitie uitgewerkte principes kunnen dan als richting dienen.",
        "Specifiek voor het Rijk geeft hierna, per uitgangspunt voorbeelden van essentiële aspecten.",
    ]
    about_the_subject = [
        "In dit rapport laten we zien dat de schulden onder jongeren sterk zijn toegenomen.",
        "Als de lokale overheid haar rollen goed vervult – zoals de zes handelingsperspectieven in "
        "deze publicatie bepleiten – kan het vertrouwen herstellen.",
        "Jongeren gaan allemaal anders met de crisis om en zullen er ook verschillend uitkomen.",
    ]
    assert all(about_the_report(text) for text in about_itself)
    assert not any(about_the_report(text) for text in about_the_subject)


def test_the_vng_summary_quotes_no_sentence_about_the_report(corpus_library):
    """Last stop's VNG summary quoted "Ons gaat het zoals gezegd ..." and "Waar mogelijk zullen
    we voorbeelden toevoegen ..."; the report holds a dozen such sentences."""
    info = corpus_library.document(VNG)
    stored = [s.text for s in corpus_library.store.sentences_where({"doc_id": info.doc_id})]
    assert sum(about_the_report(text) for text in stored) >= 10
    texts = [s.text for s in corpus_library.summarise_report(VNG).sentences]
    assert len(texts) >= 8 and not any(about_the_report(text) for text in texts)


def test_report_summary_length_is_settable(corpus_library):
    short = corpus_library.summarise_report(VNG, word_budget=80)
    long = corpus_library.summarise_report(VNG, word_budget=400)
    assert len(short.sentences) < len(long.sentences)


def test_theme_digest_groups_reports_newest_first_and_skips_duplicates(corpus_library):
    digest = corpus_library.digest("schulden_armoede")
    assert digest.answered and digest.kind == "digest"
    order = list(dict.fromkeys(s.citations[0].doc_id for s in digest.sentences))
    infos = {info.doc_id: info for info in corpus_library.documents()}
    dates = [infos[doc_id].date for doc_id in order]
    assert dates == sorted(dates, reverse=True)
    assert not any(infos[doc_id].duplicate_of for doc_id in order)
    assert all("schulden_armoede" in s.themes for s in digest.sentences)
    since = corpus_library.digest("schulden_armoede", since=2022)
    assert {infos[s.citations[0].doc_id].year for s in since.sentences} <= {2022}


def test_theme_digest_takes_each_reports_sentences_with_the_highest_theme_score(corpus_library):
    # The tagger's score is the evidence behind the tag: a sentence that names loneliness must
    # come before one that only shares the theme's general drift (the prototype's).
    theme = "eenzaamheid"
    digest = corpus_library.digest(theme)
    assert digest.answered
    for doc_id in dict.fromkeys(s.citations[0].doc_id for s in digest.sentences):
        picked = {s.text for s in digest.sentences if s.citations[0].doc_id == doc_id}
        tagged = [s.text for s in corpus_library.store.sentences_where(
                      {"$and": [{"doc_id": doc_id}, {"themes": {"$contains": theme}}]})
                  if is_whole_sentence(s.text) and stands_alone(s.text)]
        score = {text: row[theme] for text, row in zip(tagged, corpus_library.tagger.scores(tagged))}
        left = [score[text] for text in tagged if text not in picked]
        if left:
            assert min(score[text] for text in picked) >= max(left), doc_id


def test_answer_bullets_are_grouped_under_their_main_theme(corpus_library):
    summary = corpus_library.ask("Wat zeggen de rapporten over schulden bij jongeren?")
    assert summary.answered
    labels = {t.id: t.label for t in summary.themes}
    markdown = to_markdown(summary)
    heading = None
    for line in markdown.splitlines():
        if line.startswith("**") and line.endswith("**"):
            heading = line.strip("*")
        elif line.startswith("- ") and heading is not None:
            sentence = next(s for s in summary.sentences if line[2:].startswith(s.text))
            main = next((labels[t] for t in sentence.themes if t in labels), "Overig")
            assert main == heading


def test_cli_summarise_and_unknown_report(cli_env):
    # The report's path, as a user types it beside the corpus folder, names it as well as its file.
    ok = subprocess.run([sys.executable, "-m", "cli", "summarise", f"corpus/{VNG}", "--words", "120"],
                        cwd=ROOT, env=cli_env, capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0 and "Kernpunten:" in ok.stdout and "[1]" in ok.stdout
    missing = subprocess.run([sys.executable, "-m", "cli", "summarise", "bestaat-niet.pdf"],
                             cwd=ROOT, env=cli_env, capture_output=True, text=True, timeout=300)
    assert missing.returncode == 3
    assert "staat niet in de bibliotheek" in missing.stderr and "Traceback" not in missing.stderr
