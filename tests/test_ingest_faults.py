"""Bad files are named with their cause and skipped or partly kept; the rest is indexed."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

from tests.conftest import CORPUS, FIXTURES, ROOT

GOOD = "gezondin-2020-impact-coronacrisis.pdf"
SOURCE = "gezondin-2021-versneld-leren.pdf"  # the PDF that broken/encrypted.pdf holds
ENGLISH = ("The pandemic hit vulnerable households hardest. Local governments responded with "
           "emergency support for people with debts, and they worked with schools to reach "
           "young people who had dropped out of view during the lockdowns. ") * 6


def _pdf_with_damaged_page(source, page_index: int) -> bytes:
    """A copy of a real PDF whose one page has a content stream that cannot be decompressed."""
    writer = PdfWriter(clone_from=source)
    damaged = StreamObject()
    damaged._data = b"these bytes are not zlib data"
    damaged[NameObject("/Filter")] = NameObject("/FlateDecode")
    writer.pages[page_index][NameObject("/Contents")] = writer._add_object(damaged)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _bad_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / GOOD, corpus / GOOD)
    for name in ("scanned-page.pdf", "truncated.pdf", "encrypted.pdf"):
        shutil.copy(FIXTURES / "broken" / name, corpus / name)
    shutil.copy(FIXTURES / "broken" / "encrypted.pdf", corpus / "versleuteld-zonder-wachtwoord.pdf")
    (corpus / "manifest.toml").write_text('[files."encrypted.pdf"]\npassword = "geheim"\n')
    (corpus / "leeg.pdf").write_bytes(b"")
    (corpus / "notities.docx").write_bytes(b"PK\x03\x04 not a report we can read")
    (corpus / "groot.txt").write_text("Een zin over armoede in de wijk. " * 20_000)  # ~640 kB
    (corpus / "english-summary.txt").write_text(ENGLISH)
    (corpus / "deels-beschadigd.pdf").write_bytes(_pdf_with_damaged_page(CORPUS / SOURCE, 2))
    return corpus


def test_bad_files_are_reported_and_the_rest_is_indexed(tmp_path, corpus_library):
    corpus = _bad_corpus(tmp_path)
    data = tmp_path / "data"
    (data / "cache").mkdir(parents=True)
    # The session's embedding cache saves time only; every vector is the embedder's own.
    shutil.copy(ROOT / ".cache" / "test-embeddings" / "embeddings.sqlite3", data / "cache")
    env = dict(os.environ, RW_DATA_DIR=str(data), RW_CORPUS_DIR=str(corpus), RW_MAX_FILE_MB="0.5")
    done = subprocess.run([sys.executable, "-m", "cli", "ingest", str(corpus)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    table = {line.split()[0]: line for line in done.stdout.splitlines()[2:]}
    errors = done.stderr

    def failed(name: str, *causes: str) -> None:
        assert " mislukt" in table[name], table[name]
        line = next(line for line in errors.splitlines() if line.startswith(f"Fout / error: {name}:"))
        for cause in causes:
            assert cause in line, line

    failed("truncated.pdf", "beschadigd of onvolledig", "damaged or truncated")
    failed("versleuteld-zonder-wachtwoord.pdf", "versleuteld", "wachtwoord", "encrypted")
    failed("leeg.pdf", "het bestand is leeg", "the file is empty")
    failed("notities.docx", "bestandstype .docx wordt niet ondersteund", "unsupported file type")
    failed("groot.txt", "te groot", "too large")
    assert "5 van 10 bestanden mislukt" in errors

    assert " nieuw " in table[GOOD] and " nieuw " in table["encrypted.pdf"]
    # A scan is read by OCR (tests/test_ocr.py; without Tesseract it fails in both languages).
    assert " nieuw " in table["scanned-page.pdf"] and "met OCR gelezen" in table["scanned-page.pdf"]
    assert "taal: en" in table["english-summary.txt"]
    partial = table["deels-beschadigd.pdf"]
    assert " nieuw " in partial and "pagina 3 zonder leesbare tekst" in partial

    docs = subprocess.run([sys.executable, "-m", "cli", "docs"], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True).stdout
    listed = {line.split()[0] for line in docs.splitlines()[2:]}
    assert listed == {GOOD, "encrypted.pdf", "english-summary.txt", "deels-beschadigd.pdf",
                      "scanned-page.pdf"}
    assert "taal: en" in next(line for line in docs.splitlines() if "english-summary" in line)
    pages = PdfReader(corpus / "deels-beschadigd.pdf").pages
    assert len(pages) == 5 and not pages[2].extract_text().strip()
