"""The Gradio web app, in Dutch: wires the library's functions to pages."""

from __future__ import annotations

import html

import gradio as gr

from library import Library
from summarise.render import to_markdown

EXAMPLES = [
    "Wat zijn de gevolgen van corona voor de mentale gezondheid?",
    "Wat zeggen de rapporten over schulden bij jongeren?",
    "Welke rol spelen gemeenten bij het verkleinen van gezondheidsverschillen?",
]


def build_app(library: Library) -> gr.Blocks:
    """The Blocks app for one library."""

    def ask(question: str) -> str:
        question = (question or "").strip()
        if not question:
            return "Typ eerst een vraag."
        return _escaped(to_markdown(library.ask(question)))

    with gr.Blocks(title="Rapportwijzer", analytics_enabled=False) as app:
        gr.Markdown("# Rapportwijzer\nAntwoorden met bronvermelding uit rapporten over de "
                    "sociale impact van crises en beleid.")
        with gr.Tab("Vraag stellen"):
            question = gr.Textbox(label="Uw vraag", placeholder="Stel een vraag over de rapporten",
                                  lines=2, elem_id="vraag")
            submit = gr.Button("Vraag stellen", variant="primary", elem_id="vraag-knop")
            gr.Examples(EXAMPLES, inputs=question, label="Voorbeelden")
            answer = gr.Markdown(elem_id="antwoord")
            submit.click(ask, inputs=question, outputs=answer, api_name="ask")
            question.submit(ask, inputs=question, outputs=answer, api_visibility="private")
    return app


def serve(library: Library, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Start the app; binds to localhost unless told otherwise."""
    build_app(library).queue(default_concurrency_limit=2).launch(
        server_name=host, server_port=port, show_error=False, share=False,
    )


def _escaped(markdown: str) -> str:
    """Document text is shown as text: a report may contain HTML or script tags."""
    return html.escape(markdown, quote=False)
