"""Accept an uploaded report safely: type and size checked, name sanitised, saved in the corpus.

Gradio hands over a temporary file under the name the browser sent; that name is never used as
a path. Only its last component survives, reduced to letters, digits, ``.``, ``-`` and ``_``.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

ALLOWED_SUFFIXES = (".pdf", ".txt", ".md")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class UploadRefused(ValueError):
    """The upload cannot be accepted; the message says why, in Dutch and English."""


def safe_filename(name: str) -> str:
    """A file name without directories, accents or unusual characters, never hidden or empty."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    base = _UNSAFE.sub("_", base).strip("._-")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"\.+", ".", stem).strip("._-")[:120] or "rapport"
    return f"{stem}.{suffix.lower()}" if suffix else stem


def accept_upload(temp_path: Path, original_name: str, corpus_dir: Path,
                  max_file_mb: float) -> tuple[Path, Path | None]:
    """Copy an uploaded file into the corpus folder under a safe name.

    Returns its new path and, when a file of that name was there already, where that one was
    kept aside (a hidden name, which ingest skips): ``restore`` puts it back if the new file
    fails, ``discard`` drops it once the new one is in.
    """
    name = safe_filename(original_name)
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise UploadRefused(f"{name}: alleen PDF-, .txt- en .md-bestanden worden geaccepteerd / "
                            f"only PDF, .txt and .md files are accepted")
    size_mb = temp_path.stat().st_size / 1_000_000
    if size_mb > max_file_mb:
        raise UploadRefused(f"{name}: het bestand is {size_mb:.1f} MB, de grens is "
                            f"{max_file_mb:g} MB / the file is larger than {max_file_mb:g} MB")
    corpus_dir.mkdir(parents=True, exist_ok=True)
    target = (corpus_dir / name).resolve()
    if target.parent != corpus_dir.resolve():  # cannot happen after safe_filename; stay sure
        raise UploadRefused(f"{name}: ongeldige bestandsnaam / invalid file name")
    backup = None
    if target.is_file():
        backup = target.with_name(f".{target.name}.vorige")
        target.replace(backup)
    shutil.copyfile(temp_path, target)
    return target, backup


def restore(target: Path, backup: Path | None) -> None:
    """A failed upload leaves the corpus as it was: the new file goes, an old one comes back."""
    target.unlink(missing_ok=True)
    if backup is not None:
        backup.replace(target)


def discard(backup: Path | None) -> None:
    if backup is not None:
        backup.unlink(missing_ok=True)
