"""The optional rewriter against a real OpenAI-compatible HTTP server on 127.0.0.1
(tests/chat_server.py, served by the ``llm_url`` fixture)."""

from __future__ import annotations

import copy
import re
import socket
from dataclasses import replace

import pytest

from core.settings import load_settings
from summarise.render import to_json, to_markdown
from summarise.rewrite import SYSTEM_PROMPT, chat_url, check_grounding, rewrite, user_prompt
from tests.chat_server import ChatHandler, grounded_prose

QUESTION = "Wat zijn de gevolgen van corona voor de mentale gezondheid?"


@pytest.fixture(scope="module")
def answer(corpus_library):
    summary = corpus_library.ask(QUESTION)
    assert summary.answered and len(summary.sentences) >= 2
    return summary


def test_grounded_rewrite_is_accepted_and_shown_above_the_quotes(answer, embedder, llm_url):
    ChatHandler.requests.clear()
    result = rewrite(answer, embedder, llm_url, model="gegrond", timeout=30, api_key="geheim")
    assert result.rewritten, result.rejected_reasons
    assert result.rejected_reasons == []
    prose = result.summary.prose
    assert prose.startswith(answer.sentences[0].text.rstrip("."))
    assert "Daarnaast geldt:" in prose and re.search(r"\[\d+\]\.", prose)

    request = ChatHandler.requests[-1]
    assert request["path"] == "/v1/chat/completions"
    assert request["authorization"] == "Bearer geheim"
    assert request["body"]["messages"][0] == {"role": "system", "content": SYSTEM_PROMPT}
    for sentence in answer.sentences:
        assert sentence.text in request["body"]["messages"][1]["content"]

    markdown = to_markdown(result.summary)
    assert markdown.index(prose) < markdown.index("Letterlijk uit de rapporten:")
    for sentence in answer.sentences:  # the extractive quotes stay below, for checking
        assert sentence.text in markdown
    assert to_json(result.summary)["rewrite"] == {"prose": prose, "rejected": []}


def test_a_reasoning_block_and_list_form_are_cleaned_before_the_check(answer, embedder,
                                                                      llm_url):
    result = rewrite(answer, embedder, f"{llm_url}/v1/", model="opsomming-met-denkblok",
                     timeout=30)
    assert result.rewritten, result.rejected_reasons
    assert "<think>" not in result.summary.prose and not result.summary.prose.startswith("-")
    assert ChatHandler.requests[-1]["path"] == "/v1/chat/completions"
    assert ChatHandler.requests[-1]["authorization"] is None


@pytest.mark.parametrize(("model", "expected"), [
    ("verzint-feit", ["noemt 37", "noemt Jansen"]),
    ("zonder-bron", ["geen bronverwijzing"]),
    ("onbekende-bron", ["bron [99]", "niet in de bronnenlijst"]),
    ("ander-verhaal", ["te weinig woorden uit de geciteerde zin"]),
])
def test_ungrounded_rewrite_is_rejected_and_the_extractive_text_kept(
        answer, embedder, llm_url, model, expected):
    result = rewrite(answer, embedder, llm_url, model=model, timeout=30)
    assert not result.rewritten
    reasons = " ".join(result.rejected_reasons)
    for phrase in expected:
        assert phrase in reasons, result.rejected_reasons
    assert result.summary.prose == ""
    assert to_markdown(result.summary) == to_markdown(answer)
    assert result.summary.sentences == answer.sentences
    assert to_json(result.summary)["rewrite"]["rejected"] == result.rejected_reasons


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(("url", "model", "timeout", "expected"), [
    (f"http://127.0.0.1:{_closed_port()}", "gegrond", 5, "niet bereikbaar"),
    (None, "kapot", 30, "HTTP-status 500"),
    (None, "traag", 0.5, "geen antwoord binnen de wachttijd"),
])
def test_server_down_or_failing_gives_the_extractive_text_and_a_reason(
        answer, embedder, llm_url, url, model, timeout, expected):
    result = rewrite(answer, embedder, url or llm_url, model=model, timeout=timeout)
    assert not result.rewritten
    assert len(result.rejected_reasons) == 1 and expected in result.rejected_reasons[0]
    assert to_markdown(result.summary) == to_markdown(answer)


def test_a_refusal_is_not_sent_to_the_model(corpus_library, embedder, llm_url):
    refusal = corpus_library.ask("Wie won de Tour de France in 1995?")
    assert not refusal.answered
    ChatHandler.requests.clear()
    result = rewrite(refusal, embedder, llm_url, model="gegrond", timeout=30)
    assert not result.rewritten and result.summary is refusal
    assert ChatHandler.requests == []


def test_library_ask_rewrites_only_when_rw_llm_url_is_set(corpus_library, llm_url):
    settings = load_settings({"RW_LLM_URL": f"{llm_url}/v1", "RW_LLM_MODEL": "gegrond"})
    assert (settings.llm_url, settings.llm_model) == (f"{llm_url}/v1", "gegrond")
    assert load_settings({}).llm_url is None
    assert corpus_library.settings.llm_url is None
    assert corpus_library.ask(QUESTION).prose == ""

    library = copy.copy(corpus_library)  # the same index, other settings
    library.settings = replace(corpus_library.settings, llm_url=settings.llm_url,
                               llm_model="gegrond")
    summary = library.ask(QUESTION)
    assert summary.prose and summary.rewrite_notes == ()
    assert "rewrite_ms" in summary.timings_ms
    assert summary.prose in to_markdown(summary)

    library.settings = replace(library.settings, llm_model="verzint-feit")
    refused = library.ask(QUESTION)
    assert refused.prose == "" and refused.rewrite_notes
    assert "Letterlijk uit de rapporten:" not in to_markdown(refused)


def test_chat_url_accepts_a_base_or_a_v1_url():
    assert chat_url("http://localhost:11434") == "http://localhost:11434/v1/chat/completions"
    assert chat_url("http://localhost:8000/v1/") == "http://localhost:8000/v1/chat/completions"


def test_the_similarity_threshold_is_applied_to_each_sentence(answer, embedder):
    prompt = user_prompt(answer)
    reply = grounded_prose(prompt)
    assert check_grounding(reply, answer, embedder)[1] == []
    reasons = check_grounding(reply, answer, embedder, threshold=0.999)[1]
    assert reasons and all("wijkt te veel af van de geciteerde zin" in r for r in reasons)
