"""The same code against a real Chroma server (`chroma run`) on 127.0.0.1, restarts included."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from index.store import StoreError
from library import Library
from tests.conftest import ROOT, free_port, make_settings

QUESTION = "Wat zijn de gevolgen van corona voor de mentale gezondheid?"


class ChromaServer:
    """A `chroma run` process on 127.0.0.1 that the test can stop and start again."""

    def __init__(self, path: Path, port: int) -> None:
        self.path, self.port = path, port
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
        assert chroma, "the chroma command ships with chromadb"
        self.process = subprocess.Popen(
            [chroma, "run", "--path", str(self.path), "--host", "127.0.0.1",
             "--port", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError("chroma run did not come up within 60 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


@pytest.fixture
def server(tmp_path):
    chroma = ChromaServer(tmp_path / "server-data", free_port())
    chroma.start()
    yield chroma
    chroma.stop()


def _answer_key(library: Library) -> tuple:
    summary = library.ask(QUESTION)
    return summary.answered, tuple(c.chunk_id for c in summary.retrieved), tuple(
        s.text for s in summary.sentences)


def test_ingest_and_ask_survive_a_server_restart(server, tmp_path, embedder):
    settings = make_settings(tmp_path / "client", chroma_url=server.url)
    library = Library(settings, embedder)
    rows = library.ingest([settings.corpus_dir])
    assert rows and all(row.state == "nieuw" for row in rows)
    before = _answer_key(library)
    assert before[0] is True

    server.stop()
    with pytest.raises(StoreError, match="niet bereikbaar"):
        library.ask(QUESTION)

    server.start()
    assert _answer_key(Library(settings, embedder)) == before
    assert _answer_key(library) == before


def test_cli_reports_an_unreachable_server_without_a_traceback(tmp_path):
    env = {"RW_CHROMA_URL": f"http://127.0.0.1:{free_port()}", "RW_DATA_DIR": str(tmp_path),
           "PATH": str(Path(sys.executable).parent)}
    result = subprocess.run([sys.executable, "-m", "cli", "ask", QUESTION], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 3
    assert "niet bereikbaar" in result.stderr
    assert "Traceback" not in result.stderr
