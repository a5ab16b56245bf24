"""Report metadata: the manifest's word first, then the PDF's own metadata, then the text."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

_MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
_DUTCH_DATE = re.compile(
    r"\b(?:(\d{1,2})\s+)?(" + "|".join(_MONTHS) + r")\s+((?:19|20)\d{2})\b", re.IGNORECASE
)
_ORGANISATIONS = {
    name: re.compile(pattern) for name, pattern in {
        "GezondIn": r"\bGezond\s?[Il]n\b", "Pharos": r"\bPharos\b", "Platform31": r"\bPlatform\s?31\b",
        "VNG": r"\bVNG\b|Vereniging van Nederlandse Gemeenten",
        "SCP": r"\bSCP\b|Sociaal en Cultureel Planbureau",
        "SER": r"\bSER\b|Sociaal-Economische Raad", "RVS": r"\bRVS\b|Raad voor Volksgezondheid",
        "RIVM": r"\bRIVM\b", "CBS": r"\bCBS\b", "WRR": r"\bWRR\b", "GGD": r"\bGGD\b",
        "Movisie": r"\bMovisie\b", "Erasmus Universiteit": r"\bErasmus\b", "Nivel": r"\bNivel\b",
    }.items()
}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_DUTCH_WORDS = {"de", "het", "een", "en", "van", "is", "dat", "die", "niet", "op", "voor", "met",
                "zijn", "ook", "worden", "wordt", "naar", "bij", "aan", "er", "om", "door"}
_ENGLISH_WORDS = {"the", "and", "of", "to", "is", "that", "for", "with", "are", "on", "this",
                  "be", "by", "as", "from", "it", "was", "which", "have", "has", "at"}


@dataclass(frozen=True)
class Metadata:
    title: str
    publisher: str
    date: str
    language: str


def load_manifest(path: Path) -> dict[str, dict[str, str]]:
    """Per file name, what ``corpus/manifest.toml`` states about it (may be empty)."""
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return {name: dict(entry) for name, entry in data.get("files", {}).items()}


def detect_metadata(path: Path, pdf_info: dict[str, str], first_pages_text: str,
                    full_text: str, manifest_entry: dict[str, str]) -> Metadata:
    """Combine the manifest (which wins), the file's metadata and what its text says.

    A date is looked for on the first pages, then on the last one (a colophon), then in the
    file name; a publisher in the file's metadata, then among the organisations the first
    pages name.
    """
    title = manifest_entry.get("title") or pdf_info.get("title") or _first_line(first_pages_text)
    publisher = (manifest_entry.get("publisher") or pdf_info.get("author")
                 or detect_publisher(first_pages_text))
    date = (manifest_entry.get("date") or detect_date(first_pages_text)
            or detect_date(full_text[-3000:]) or _year_from_name(path))
    return Metadata(title=title.strip() or path.stem, publisher=publisher.strip(),
                    date=str(date), language=detect_language(full_text))


def detect_date(text: str) -> str:
    """The first Dutch date ("juli 2020", "1 april 2022") as ISO year-month, or ''."""
    match = _DUTCH_DATE.search(text)
    if match:
        return f"{match.group(3)}-{_MONTHS[match.group(2).lower()]:02d}"
    return ""


def detect_publisher(text: str) -> str:
    """The known organisations a title page names, in order of appearance ('' if none)."""
    found: list[tuple[int, str]] = []
    for name, pattern in _ORGANISATIONS.items():
        match = pattern.search(text)
        if match:
            found.append((match.start(), name))
    return ", ".join(name for _, name in sorted(found)[:3])


def detect_language(text: str) -> str:
    """'nl' or 'en' by the share of frequent function words; 'unknown' for too little text."""
    words = re.findall(r"[a-zà-ÿ]+", text.lower())[:5000]
    if len(words) < 20:
        return "unknown"
    dutch = sum(word in _DUTCH_WORDS for word in words)
    english = sum(word in _ENGLISH_WORDS for word in words)
    return "nl" if dutch >= english else "en"


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _year_from_name(path: Path) -> str:
    match = _YEAR.search(path.name)
    return match.group(1) if match else ""
