"""The Gradio web app, in Dutch: four pages wired to the library's functions.

Vraag stellen (cited answers with a source panel), Rapport samenvatten, Thema's (heatmap and
digest) and Bibliotheek (list, upload, edit, remove). HTML and tables live in ``webui/``; all
document text is escaped there. ``serve`` binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import html
import secrets
import threading
from pathlib import Path

import gradio as gr
import pandas as pd

from core.models import DocumentInfo, Summary
from index.indexer import CONFIG_SUFFIXES, FAILED
from index.search import Filters
from library import Library, document_state
from summarise.render import to_markdown
from webui.exports import Downloads, slug
from webui.html import (
    CHIP_FILTER_JS,
    CSS,
    document_card,
    messages_html,
    page_refs,
    pdf_url,
    source_panel_html,
    summary_html,
)
from webui.locks import ReadWriteLock
from webui.uploads import ALLOWED_SUFFIXES, UploadRefused, accept_upload, discard, restore

EXAMPLES = [
    "Wat zijn de gevolgen van corona voor de mentale gezondheid?",
    "Wat zeggen de rapporten over schulden bij jongeren?",
    "Welke rol spelen gemeenten bij het verkleinen van gezondheidsverschillen?",
]
LENGTHS = [("Kort (± 150 woorden)", 150), ("Middel (± 250 woorden)", 250),
           ("Lang (± 400 woorden)", 400)]
RECENT = 8
PICK_A_REPORT = "<p>Kies eerst een rapport.</p>"
QUEUE_SIZE = 64


class App:
    """The library plus what the pages share: a lock, a download folder, a heatmap lock."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.lock = ReadWriteLock()
        self.downloads = Downloads()
        self.plot_lock = threading.Lock()  # matplotlib's pyplot is not thread-safe

    # -- shared rendering ----------------------------------------------------------------------

    def render(self, summary: Summary) -> tuple[str, str]:
        """(summary HTML, source panel HTML) with fresh anchor ids for this summary."""
        key = f"bron-{secrets.token_hex(4)}"
        refs = page_refs(summary)
        corpus = self.library.settings.corpus_dir
        links = {ref.file: url for ref in refs if (url := pdf_url(corpus, ref.file))}
        links.update({s.file: url for s in summary.sources if (url := pdf_url(corpus, s.file))})
        texts = {(r.doc_id, r.page): self.library.page_text(r.doc_id, r.page) for r in refs}
        return summary_html(summary, key, links), source_panel_html(refs, key, texts, links)

    # -- choices shown in several pages --------------------------------------------------------

    def documents(self) -> list[DocumentInfo]:
        with self.lock.reading():
            return self.library.documents()

    def theme_choices(self) -> list[tuple[str, str]]:
        return [(theme.label, theme.id) for theme in self.library.tagger.themes]

    def report_choices(self, duplicates: bool = False,
                       infos: list[DocumentInfo] | None = None) -> list[tuple[str, str]]:
        """(label, doc id) of the reports (``infos``, read from the library when not given); a
        duplicate of another report (never searched) only with ``duplicates``, for the
        maintainer's pages, and marked as one."""
        return [(f"{info.title} ({info.file}{', duplicaat' if info.duplicate_of else ''})",
                 info.doc_id) for info in (self.documents() if infos is None else infos)
                if duplicates or not info.duplicate_of]

    def library_table(self) -> pd.DataFrame:
        labels = dict((tid, label) for label, tid in self.theme_choices())
        with self.lock.reading():
            infos = self.library.documents()
            profiles = {p.doc_id: p for p in self.library.theme_profiles()}
        files = {info.doc_id: info.file for info in infos}
        rows = []
        for info in infos:
            shares = profiles[info.doc_id].shares if info.doc_id in profiles else {}
            top = [labels.get(t, t) for t, share in sorted(shares.items(), key=lambda p: -p[1])
                   if share >= 0.1][:3]
            rows.append([info.file, info.title, info.publisher, info.date, info.pages, info.chunks,
                         ", ".join(top), document_state(info, files)])
        return pd.DataFrame(rows, columns=["Bestand", "Titel", "Uitgever", "Datum", "Pagina's",
                                           "Passages", "Thema's", "Status"])


def build_app(library: Library) -> gr.Blocks:
    """The Blocks app for one library."""
    app = App(library)
    with gr.Blocks(title="Rapportwijzer", analytics_enabled=False,
                   delete_cache=(3600, 3600)) as blocks:
        gr.Markdown("# Rapportwijzer\nAntwoorden met bronvermelding uit rapporten over de "
                    "sociale impact van crises en beleid.")
        # Registered first: the UI's own events are private but would otherwise take the name.
        gr.api(_api_ask(app), api_name="ask")
        with gr.Tabs():
            with gr.Tab("Vraag stellen", id="vraag"):
                ask_filters = _question_page(app)
            with gr.Tab("Rapport samenvatten", id="samenvatten"):
                report_pick = _report_page(app)
            with gr.Tab("Thema's", id="themas") as themes_tab:
                refresh_themes = _themes_page(app)
            with gr.Tab("Bibliotheek", id="bibliotheek"):
                library_outputs, changed = _library_page(app)


        def refresh_choices():
            infos = app.documents()  # read once for every list below
            reports = app.report_choices(infos=infos)
            every_file = app.report_choices(duplicates=True, infos=infos)
            publishers = sorted({i.publisher for i in infos if i.publisher})
            years = sorted({i.year for i in infos if i.year})
            return (gr.update(choices=publishers), gr.update(choices=app.theme_choices()),
                    gr.update(choices=years), gr.update(choices=years), gr.update(choices=reports),
                    gr.update(choices=reports), gr.update(choices=every_file),
                    gr.update(choices=every_file), app.library_table())

        choice_outputs = [*ask_filters, report_pick, *library_outputs]
        blocks.load(refresh_choices, outputs=choice_outputs, api_visibility="private")
        for event in changed:
            event.then(refresh_choices, outputs=choice_outputs, api_visibility="private")
        themes_tab.select(**refresh_themes)
    return blocks


def serve(library: Library, host: str = "127.0.0.1", port: int = 7860,
          auth: tuple[str, str] | None = None, block: bool = True) -> gr.Blocks:
    """Start the app: localhost unless told otherwise, optional login, at most two requests
    working at once (the machine has two cores), uploads capped in size."""
    settings = library.settings
    library.retriever, library.tagger  # noqa: B018  load models and BM25 before any visitor
    blocks = build_app(library).queue(default_concurrency_limit=2, max_size=QUEUE_SIZE)
    corpus = settings.corpus_dir.resolve()
    blocks.launch(
        server_name=host, server_port=port, show_error=False, share=False, auth=auth,
        auth_message="Log in om Rapportwijzer te gebruiken.", prevent_thread_lock=not block,
        quiet=not block, allowed_paths=[str(corpus)],
        # The manifest may hold PDF passwords; configuration files are never served.
        blocked_paths=[str(p) for p in corpus.glob("*") if p.suffix.lower() in CONFIG_SUFFIXES],
        max_file_size=f"{settings.max_file_mb:g}mb", css=CSS, footer_links=[],
        # System fonts: the browser fetches nothing from outside the server.
        theme=gr.themes.Soft(font=["system-ui", "sans-serif"], font_mono=["monospace"]),
        ssr_mode=False,
    )
    return blocks


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``user:pass`` as a tuple; None or empty means no login."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ValueError("gebruik --auth gebruiker:wachtwoord / use --auth user:password")
    return user, password


# -- Vraag stellen -------------------------------------------------------------------------------

def _question_page(app: App):
    with gr.Row():
        with gr.Column(scale=3):
            # One line (growing with the text), so Enter asks, as in any search box.
            question = gr.Textbox(label="Uw vraag", placeholder="Stel een vraag over de rapporten",
                                  lines=1, max_lines=4, elem_id="vraag")
            with gr.Row():
                submit = gr.Button("Vraag stellen", variant="primary", elem_id="vraag-knop")
            gr.Examples(EXAMPLES, inputs=question, label="Voorbeelden")
            recent = gr.Radio([], label="Recente vragen (deze sessie)", elem_id="recent")
        with gr.Column(scale=2):
            with gr.Accordion("Filters", open=True, elem_id="filters"):
                publishers = gr.Dropdown([], multiselect=True, label="Uitgever",
                                         elem_id="filter-uitgever")
                themes = gr.Dropdown([], multiselect=True, label="Thema", elem_id="filter-thema")
                with gr.Row():
                    year_from = gr.Dropdown([], label="Van jaar", elem_id="filter-van")
                    year_to = gr.Dropdown([], label="Tot en met jaar", elem_id="filter-tot")
                reports = gr.Dropdown([], multiselect=True, label="Rapport", elem_id="filter-rapport")
    with gr.Row():
        with gr.Column(scale=3):
            answer = gr.HTML(elem_id="antwoord", js_on_load=CHIP_FILTER_JS)
            with gr.Row():
                copy = gr.Button("Kopiëren", size="sm", elem_id="kopieer")
                download_md = gr.DownloadButton("Download Markdown", size="sm", visible=False,
                                                elem_id="download-md")
                download_docx = gr.DownloadButton("Download .docx", size="sm", visible=False,
                                                  elem_id="download-docx")
            with gr.Accordion("Antwoord als tekst", open=False):
                text = gr.Textbox(show_label=False, lines=8, interactive=False,
                                  buttons=["copy"], elem_id="antwoord-tekst")
        with gr.Column(scale=2):
            panel = gr.HTML(elem_id="bronpaneel")
    history = gr.State([])

    def answer_question(q, pubs, theme_ids, y_from, y_to, doc_ids, past):
        q = (q or "").strip()
        if not q:
            return ("<p>Typ eerst een vraag.</p>", "", "", gr.update(visible=False),
                    gr.update(visible=False), gr.update(), past)
        if y_from and y_to and int(y_from) > int(y_to):
            y_from, y_to = y_to, y_from
        filters = Filters(publishers=tuple(pubs or ()), themes=tuple(theme_ids or ()),
                          doc_ids=tuple(doc_ids or ()), year_from=int(y_from) if y_from else None,
                          year_to=int(y_to) if y_to else None)
        with app.lock.reading():
            summary = app.library.ask(q, filters=filters)
            answer_html, panel_html = app.render(summary)
        markdown, docx = app.downloads.summary_files(summary, slug(q, "antwoord"))
        past = [q, *[p for p in past if p != q]][:RECENT]
        return (answer_html, panel_html, to_markdown(summary),
                gr.update(value=str(markdown), visible=True),
                gr.update(value=str(docx), visible=summary.answered),
                gr.update(choices=past, value=None), past)

    inputs = [question, publishers, themes, year_from, year_to, reports, history]
    outputs = [answer, panel, text, download_md, download_docx, recent, history]
    submit.click(answer_question, inputs, outputs, api_visibility="private")
    question.submit(answer_question, inputs, outputs, api_visibility="private")
    recent.input(lambda q: q, recent, question, api_visibility="private").then(
        answer_question, inputs, outputs, api_visibility="private")
    copy.click(None, text, None, js="(t) => { navigator.clipboard?.writeText(t); }")
    return publishers, themes, year_from, year_to, reports


def _api_ask(app: App):
    def ask(question: str) -> str:
        """The answer as Markdown text, cited [n], document text escaped."""
        question = (question or "").strip()
        if not question:
            return "Typ eerst een vraag."
        with app.lock.reading():
            return html.escape(to_markdown(app.library.ask(question)), quote=False)

    return ask


# -- Rapport samenvatten -------------------------------------------------------------------------

def _report_page(app: App):
    with gr.Row():
        report = gr.Dropdown([], label="Rapport", scale=3, elem_id="samenvatten-rapport")
        length = gr.Radio(LENGTHS, value=250, label="Lengte", scale=2, elem_id="samenvatten-lengte")
    run = gr.Button("Samenvatten", variant="primary", elem_id="samenvatten-knop")
    with gr.Row():
        with gr.Column(scale=3):
            card = gr.HTML(elem_id="rapport-kaart")
            rendered = gr.HTML(elem_id="samenvatting", js_on_load=CHIP_FILTER_JS)
            with gr.Accordion("Bewerken en exporteren", open=True):
                edited = gr.Textbox(label="Samenvatting (bewerkbaar, Markdown)", lines=12,
                                    interactive=True, elem_id="samenvatting-tekst")
                with gr.Row():
                    export_docx = gr.Button("Exporteer als .docx", size="sm", elem_id="export-docx")
                    export_md = gr.Button("Exporteer als Markdown", size="sm", elem_id="export-md")
                exported = gr.File(label="Download", interactive=False, elem_id="export-bestand")
        with gr.Column(scale=2):
            panel = gr.HTML(elem_id="rapport-bronpaneel")
    current = gr.State(None)

    def summarise(doc_id, words):
        if not doc_id:
            return PICK_A_REPORT, "", "", "", None, None
        with app.lock.reading():
            info = app.library.document(doc_id)
            summary = app.library.summarise_report(doc_id, word_budget=int(words or 250))
            profile = next((p for p in app.library.theme_profiles() if p.doc_id == doc_id), None)
            rendered_html, panel_html = app.render(summary)
        labels = dict((tid, label) for label, tid in app.theme_choices())
        top = ([labels.get(t, t) for t, s in sorted(profile.shares.items(), key=lambda p: -p[1])
                if s >= 0.1][:5] if profile else [])
        return (document_card(info, top), rendered_html, panel_html, to_markdown(summary), None,
                summary)

    def export(kind):
        def run_export(text, summary):
            if not (text or "").strip():  # a hint, not an error: nothing failed
                gr.Warning("Er is nog geen samenvatting om te exporteren. Kies een rapport en "
                           "klik op Samenvatten.")
                return None
            title = summary.heading if summary is not None else "Samenvatting"
            return str(app.downloads.edited_file(text, title, slug(title), kind, summary))

        return run_export

    run.click(summarise, [report, length], [card, rendered, panel, edited, exported, current],
              api_visibility="private")
    # Once a report is picked, the hint to pick one no longer applies.
    report.change(lambda shown: "" if shown == PICK_A_REPORT else gr.update(), card, card,
                  api_visibility="private")
    export_docx.click(export("docx"), [edited, current], exported, api_visibility="private")
    export_md.click(export("md"), [edited, current], exported, api_visibility="private")
    return report


# -- Thema's ---------------------------------------------------------------------------------------

def _themes_page(app: App):
    gr.Markdown("Per thema het percentage passages van elk rapport dat erover gaat. Klik op een "
                "rij of kies een thema voor een overzicht van wat de rapporten erover zeggen.")
    heatmap = gr.Dataframe(interactive=False, elem_id="heatmap", max_height=620)
    with gr.Row():
        theme = gr.Dropdown([], label="Thema", elem_id="digest-thema")
        since = gr.Dropdown([], label="Rapporten vanaf jaar", elem_id="digest-vanaf")
        run = gr.Button("Toon overzicht", variant="primary", elem_id="digest-knop")
    with gr.Row():
        with gr.Column(scale=3):
            digest = gr.HTML(elem_id="digest", js_on_load=CHIP_FILTER_JS)
            with gr.Row():
                download_md = gr.DownloadButton("Download Markdown", size="sm", visible=False)
                download_docx = gr.DownloadButton("Download .docx", size="sm", visible=False)
        with gr.Column(scale=2):
            panel = gr.HTML(elem_id="digest-bronpaneel")
    with gr.Accordion("Heatmap als afbeelding", open=False):
        image = gr.Image(show_label=False, interactive=False, elem_id="heatmap-png")
    ids = gr.State([])

    def load():
        with app.lock.reading():
            profiles = app.library.theme_profiles()
            infos = app.library.documents()
        themes = app.theme_choices()
        labels = {tid: label for label, tid in themes}
        columns = _short_names([p.file for p in profiles])
        frame = pd.DataFrame([[label] + [round(100 * p.shares.get(tid, 0.0)) for p in profiles]
                              for label, tid in themes], columns=["Thema", *columns])
        styled = frame.style.background_gradient(cmap="YlGnBu", vmin=0, vmax=100, subset=columns)
        png = app.downloads.root / "themes_heatmap.png"
        from index.theme_index import write_heatmap

        with app.plot_lock:
            write_heatmap(profiles, labels, png)
        years = sorted({i.year for i in infos if i.year})
        return (styled, gr.update(choices=themes), gr.update(choices=years), str(png),
                [t for _, t in themes])

    def pick(theme_ids, evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else None
        return theme_ids[row] if row is not None and row < len(theme_ids) else gr.update()

    def show(theme_id, year):
        if not theme_id:
            return "<p>Kies eerst een thema.</p>", "", gr.update(), gr.update()
        with app.lock.reading():
            summary = app.library.digest(theme_id, since=int(year) if year else None)
            digest_html, panel_html = app.render(summary)
        markdown, docx = app.downloads.summary_files(summary, slug(summary.heading, "thema"))
        return (digest_html, panel_html, gr.update(value=str(markdown), visible=True),
                gr.update(value=str(docx), visible=summary.answered))

    outputs = [digest, panel, download_md, download_docx]
    heatmap.select(pick, ids, theme, api_visibility="private").then(
        show, [theme, since], outputs, api_visibility="private")
    run.click(show, [theme, since], outputs, api_visibility="private")
    return dict(fn=load, outputs=[heatmap, theme, since, image, ids], api_visibility="private")


# -- Bibliotheek -----------------------------------------------------------------------------------

def _library_page(app: App):
    table = gr.Dataframe(interactive=False, elem_id="bibliotheek-tabel", wrap=True,
                         column_widths=["17%", "24%", "17%", "8%", "7%", "7%", "12%", "8%"])
    with gr.Accordion("Rapporten toevoegen", open=True):
        files = gr.File(label=f"PDF-, .txt- of .md-bestanden (max. "
                              f"{app.library.settings.max_file_mb:g} MB per bestand)",
                        file_count="multiple", file_types=list(ALLOWED_SUFFIXES),
                        elem_id="upload")
        upload = gr.Button("Toevoegen aan de bibliotheek", variant="primary", elem_id="upload-knop")
        upload_result = gr.HTML(elem_id="upload-resultaat")
    with gr.Accordion("Gegevens van een rapport aanpassen", open=False, elem_id="bewerken"):
        edit_pick = gr.Dropdown([], label="Rapport", elem_id="bewerk-rapport")
        title = gr.Textbox(label="Titel", elem_id="bewerk-titel")
        with gr.Row():
            publisher = gr.Textbox(label="Uitgever", elem_id="bewerk-uitgever")
            date = gr.Textbox(label="Datum (JJJJ, JJJJ-MM of JJJJ-MM-DD)", elem_id="bewerk-datum")
        save = gr.Button("Opslaan", elem_id="bewerk-opslaan")
        edit_result = gr.HTML(elem_id="bewerk-resultaat")
    with gr.Accordion("Rapport verwijderen", open=False, elem_id="verwijderen"):
        remove_pick = gr.Dropdown([], label="Rapport", elem_id="verwijder-rapport")
        sure = gr.Checkbox(label="Ja, verwijder dit rapport uit de index en het bestand uit de "
                                 "bibliotheekmap", elem_id="verwijder-zeker")
        remove = gr.Button("Verwijderen", variant="stop", elem_id="verwijder-knop")
        remove_result = gr.HTML(elem_id="verwijder-resultaat")

    def ingest(paths, progress=gr.Progress()):  # noqa: B008  (how Gradio asks for it)
        if not paths:
            return messages_html([(False, "Kies eerst een of meer bestanden.")]), None
        settings = app.library.settings
        lines: list[tuple[bool, str]] = []
        accepted: list[tuple[Path, Path | None]] = []
        for temp in paths:
            temp = Path(temp)
            try:
                accepted.append(accept_upload(temp, temp.name, settings.corpus_dir,
                                              settings.max_file_mb))
            except UploadRefused as refused:
                lines.append((False, str(refused)))
        if accepted:
            done = [0]

            def step(path: Path) -> None:
                progress(done[0] / len(accepted), desc=f"Indexeren: {path.name}")
                done[0] += 1

            def ocr_page(path: Path, pages: int, total: int) -> None:  # a scan, read by OCR
                progress((done[0] - 1 + pages / total) / len(accepted),
                         desc=f"Indexeren: {path.name}, OCR pagina {pages} van {total}")

            progress(0, desc="Indexeren")
            try:
                with app.lock.writing():
                    rows = app.library.ingest([path for path, _ in accepted], step,
                                              page_progress=ocr_page)
            except Exception as error:  # the page keeps working whatever a file does
                rows = []
                lines.append((False, f"Indexeren mislukt: {type(error).__name__}: {error}"))
            by_name = {row.file: row for row in rows}
            for path, backup in accepted:
                row = by_name.get(path.name)
                if row is None or row.state == FAILED:
                    restore(path, backup)  # a broken file is not kept in the corpus
                else:
                    discard(backup)
            lines += [_row_message(row) for row in rows]
        return messages_html(lines), None

    def load_metadata(doc_id):
        if not doc_id:
            return "", "", "", ""
        info = app.library.document(doc_id)
        return info.title, info.publisher, info.date, ""

    def save_metadata(doc_id, new_title, new_publisher, new_date):
        if not doc_id:
            return messages_html([(False, "Kies eerst een rapport.")])
        try:
            with app.lock.writing():
                info = app.library.update_metadata(doc_id, title=new_title, publisher=new_publisher,
                                                   date=new_date)
        except (ValueError, LookupError) as error:
            return messages_html([(False, str(error))])
        return messages_html([(True, f"Opgeslagen: {info.title} ({info.publisher}, {info.date}).")])

    def remove_report(doc_id, confirmed):
        if not doc_id:
            return messages_html([(False, "Kies eerst een rapport.")]), gr.update()
        if not confirmed:
            return messages_html([(False, "Vink eerst aan dat u het rapport wilt verwijderen.")]), \
                gr.update()
        try:
            with app.lock.writing():
                info = app.library.remove_document(doc_id)
        except LookupError as error:
            return messages_html([(False, str(error))]), gr.update()
        return messages_html([(True, f"Verwijderd: {info.title} ({info.file}).")]), False

    uploaded = upload.click(ingest, files, [upload_result, files], api_visibility="private",
                            concurrency_limit=1, concurrency_id="write")
    edit_pick.input(load_metadata, edit_pick, [title, publisher, date, edit_result],
                    api_visibility="private")
    saved = save.click(save_metadata, [edit_pick, title, publisher, date], edit_result,
                       api_visibility="private", concurrency_limit=1, concurrency_id="write")
    removed = remove.click(remove_report, [remove_pick, sure], [remove_result, sure],
                           api_visibility="private", concurrency_limit=1, concurrency_id="write")
    return [edit_pick, remove_pick, table], (uploaded, saved, removed)


def _short_names(files: list[str]) -> list[str]:
    """Column names for reports: the file name without extension, unique."""
    names: list[str] = []
    for file in files:
        name = Path(file).stem[:22]
        while name in names:
            name += "*"
        names.append(name)
    return names


def _row_message(row) -> tuple[bool, str]:
    if row.state == FAILED:
        return False, f"{row.file}: mislukt. {row.message}"
    detail = f"{row.pages} pagina's, {row.chunks} passages"
    note = f" {row.message}" if row.message else ""
    return True, f"{row.file}: {row.state} ({detail}).{note}"

