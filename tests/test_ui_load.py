"""A burst of users against the served app: 10 simultaneous clients ask 5 questions each.

Every answer must be the complete, cited answer the library gives on its own; the latencies
(p50, p95) are printed, not asserted, since the machine's two cores are shared.
"""

from __future__ import annotations

import html
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from gradio_client import Client

from summarise.render import to_markdown
from tests.conftest import free_port

pytestmark = pytest.mark.slow

USERS = 10
QUESTIONS = [
    "Wat zijn de gevolgen van corona voor de mentale gezondheid?",
    "Wat zeggen de rapporten over schulden bij jongeren?",
    "Welke rol spelen gemeenten bij het verkleinen van gezondheidsverschillen?",
    "Hoe heeft de coronacrisis het sociaal domein geraakt?",
    "Wat kunnen gemeenten leren van de aanpak tijdens corona?",
]


@pytest.fixture(scope="module")
def served(corpus_library):
    from ui import serve

    port = free_port()
    blocks = serve(corpus_library, port=port, block=False)
    yield f"http://127.0.0.1:{port}/"
    blocks.close()


def test_ten_users_asking_at_once_all_get_complete_cited_answers(served, corpus_library):
    expected = {q: html.escape(to_markdown(corpus_library.ask(q)), quote=False) for q in QUESTIONS}
    assert all(answer.startswith("Op basis van") for answer in expected.values())

    def user(number: int) -> list[tuple[str, str, float]]:
        client = Client(served, verbose=False)
        results = []
        for i in range(len(QUESTIONS)):
            question = QUESTIONS[(number + i) % len(QUESTIONS)]
            started = time.perf_counter()
            answer = client.predict(question, api_name="/ask")
            results.append((question, answer, time.perf_counter() - started))
        return results

    started = time.perf_counter()
    with ThreadPoolExecutor(USERS) as pool:
        results = [r for rs in pool.map(user, range(USERS)) for r in rs]
    wall = time.perf_counter() - started
    assert len(results) == USERS * len(QUESTIONS)
    for question, answer, _ in results:
        assert answer == expected[question], question
        assert "[1]" in answer and "Bronnen:" in answer
    latencies = sorted(seconds for _, _, seconds in results)
    p50 = statistics.median(latencies)
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    print(f"\nbelasting: {USERS} gebruikers x {len(QUESTIONS)} vragen in {wall:.1f} s; "
          f"p50 {p50:.2f} s, p95 {p95:.2f} s, max {latencies[-1]:.2f} s")
