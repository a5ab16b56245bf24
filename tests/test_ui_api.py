"""The Gradio app served on localhost answers through its API like the CLI does."""

from __future__ import annotations

import pytest
from gradio_client import Client

from tests.conftest import free_port
from ui import build_app


@pytest.fixture(scope="module")
def served_app(corpus_library):
    app = build_app(corpus_library)
    port = free_port()
    app.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True,
                       quiet=True)
    yield f"http://127.0.0.1:{port}/"
    app.close()


def test_the_app_answers_a_question_with_citations(served_app):
    client = Client(served_app, verbose=False)
    answer = client.predict("Wat zijn de gevolgen van corona voor de mentale gezondheid?",
                            api_name="/ask")
    assert answer.startswith("Op basis van")
    assert "[1]" in answer and "Bronnen:" in answer


def test_the_app_refuses_an_unrelated_question_in_dutch(served_app):
    client = Client(served_app, verbose=False)
    answer = client.predict("Wie won de Tour de France in 1995?", api_name="/ask")
    assert "De bibliotheek noemt ‘Tour de France’ nergens." in answer
