"""The one error type ingest raises for a file it cannot use, with a bilingual message."""

from __future__ import annotations


class IngestError(Exception):
    """A file was skipped; the message names the file and the cause in Dutch and English."""

    def __init__(self, file: str, nl: str, en: str) -> None:
        self.file = file
        self.nl = nl
        self.en = en
        super().__init__(f"{file}: {nl} / {en}")
