"""Write a report's corrected metadata into ``corpus/manifest.toml``, keeping the rest intact.

The manifest is read by ``ingest.metadata.load_manifest``; a correction made in the app is
written here so a later re-ingest keeps it. Only the named keys of one ``[files."name"]``
table change: comments, other reports and keys such as ``password`` stay as they were.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

HEADER = "# What is known for certain about each report in the corpus (title, publisher, date).\n"
_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


def update_manifest(path: Path, file: str, changes: Mapping[str, str]) -> None:
    """Set ``changes`` (title, publisher, date) for ``file``; the result is checked to parse."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else [HEADER.rstrip()]
    header = f"[files.{toml_string(file)}]"
    start = next((i for i, line in enumerate(lines) if _same_table(line, file)), None)
    if start is None:
        if lines and lines[-1].strip():
            lines.append("")
        lines.append(header)
        lines += [f"{key} = {toml_string(value)}" for key, value in changes.items()]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")),
                   len(lines))
        pending = dict(changes)
        for i in range(start + 1, end):
            match = _KEY_LINE.match(lines[i])
            if match and match.group(1) in pending:
                key = match.group(1)
                lines[i] = f"{key} = {toml_string(pending.pop(key))}"
        insert_at = end
        while insert_at > start + 1 and not lines[insert_at - 1].strip():
            insert_at -= 1
        lines[insert_at:insert_at] = [f"{key} = {toml_string(value)}" for key, value in pending.items()]
    text = "\n".join(lines) + "\n"
    tomllib.loads(text)  # never leave a manifest the ingest cannot read
    path.write_text(text, encoding="utf-8")


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    escaped = []
    for char in value:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04X}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def _same_table(line: str, file: str) -> bool:
    stripped = line.strip()
    if not stripped.startswith("[files.") or stripped.startswith("[["):
        return False
    try:
        parsed = tomllib.loads(stripped + "\n")
    except tomllib.TOMLDecodeError:
        return False
    return list(parsed.get("files", {})) == [file]
