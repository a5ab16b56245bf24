"""A small OpenAI-compatible chat server for tests, on 127.0.0.1.

It rewrites the way a language model would, deterministically: it reads the numbered sentences
from the prompt and answers according to the model name it is asked for (grounded prose, prose
with an invented number and name, a dropped marker, an unknown source, ...). The ``llm_url``
fixture in conftest.py serves it for a test session.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ingest.sentences import split_sentences

_PROMPT_LINE = re.compile(r"^- (.*) ((?:\[\d+\])+)$")
_MARKS = re.compile(r" ?(?:\[\d+\])+")


def _one_sentence(text: str) -> bool:
    return len(split_sentences([text])[0]) == 1


def grounded_prose(prompt: str) -> str:
    """Light rephrasing of the prompt's sentences: joined into prose with connectives, each
    keeping its marker before the full stop. Items that are two sentences are left out."""
    items = [m.groups() for line in prompt.splitlines() if (m := _PROMPT_LINE.match(line))]
    parts = []
    for index, (text, marks) in enumerate(item for item in items if _one_sentence(item[0])):
        body = text.rstrip(".!?… ")
        if index:
            body = "Daarnaast geldt: " + body[0].lower() + body[1:]
        parts.append(f"{body} {marks}.")
    return " ".join(parts)


def _reply_for(model: str, prompt: str) -> str:
    prose = grounded_prose(prompt)
    first, _, rest = prose.partition("]. ")
    first += "]."
    if model in ("gegrond", "traag"):
        return prose
    if model == "opsomming-met-denkblok":  # a reasoning model's reply, as a list
        return "<think>Eerst de zinnen lezen.</think>\n" + "\n".join(
            f"- {s}" for s in re.split(r"(?<=\]\.) ", prose))
    if model == "verzint-feit":  # an invented number and name, under a valid marker
        return (f"{first} Volgens onderzoeker Jansen steeg het aantal klachten met 37 procent "
                f"{first[first.rindex('['):]} {rest}")
    if model == "zonder-bron":  # a sentence that lost its marker
        return _MARKS.sub("", first) + " " + rest
    if model == "onbekende-bron":
        return re.sub(r"\[\d+\]\.$", "[99].", first) + " " + rest
    if model == "ander-verhaal":  # on topic, validly marked, but not what the source says
        return ("Sporten in de buitenlucht helpt mensen het beste tegen somberheid en stress "
                f"{first[first.rindex('['):]}")
    raise AssertionError(model)


class ChatHandler(BaseHTTPRequestHandler):
    """``POST /v1/chat/completions`` the way Ollama and vLLM answer it (non-streaming)."""

    requests: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ChatHandler.requests.append({"path": self.path, "body": body,
                                     "authorization": self.headers.get("Authorization")})
        if self.path != "/v1/chat/completions":
            return self._send(404, {"error": "not found"})
        model = body["model"]
        if model == "kapot":
            return self._send(500, {"error": "model crashed"})
        if model == "traag":
            time.sleep(3)
        content = _reply_for(model, body["messages"][-1]["content"])
        self._send(200, {"id": "chatcmpl-1", "object": "chat.completion", "model": model,
                         "choices": [{"index": 0, "finish_reason": "stop",
                                      "message": {"role": "assistant", "content": content}}]})

    def _send(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting ("traag")

    def log_message(self, *args) -> None:
        pass


@contextmanager
def serving() -> Iterator[str]:
    """The server running in a thread; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), ChatHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
