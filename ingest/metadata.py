"""Report metadata: the manifest's word first, then what a reader sees on the first pages,
the PDF's own Title/Author fields only where they look like a title or an organisation."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as calendar_date
from pathlib import Path

from ingest.cover import cover_title
from ingest.organisations import (
    is_organisation_line,
    ministry,
    organisations,
    plausible_publisher,
    plausible_title,
)

_MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
_DUTCH_DATE = re.compile(
    r"\b(?:(\d{1,2})\s+)?(" + "|".join(_MONTHS) + r")\s+((?:19|20)\d{2})\b", re.IGNORECASE
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_LETTERS = re.compile(r"[^\W\d_]")
# A date is the document's own (a cover's, a letter's "Datum", a "Versie" line) when its line
# holds at most this many other words; a date inside a sentence is a date it cites. On the 35
# files of both libraries 2 and 3 are best (33/35 years right), 1 misses "Den Haag, 3 april
# 2009", 4 takes "31 december 2020 veel en intensief zorg" (docs/DECISIONS.md).
_OWN_DATE_LINE_WORDS = 3
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
                    full_text: str, manifest_entry: dict[str, str],
                    cover: Sequence[Sequence] = ()) -> Metadata:
    """Combine the manifest (which wins), what the first pages show and the file's metadata.

    The title is the cover's largest lines or a labelled line ("Betreft: ..."; ``cover`` holds
    pages 1-2's positioned text pieces, see ingest/cover.py), then the PDF Title if it looks
    like one, then the first line that can be a title. The publisher is the PDF Author if it
    is an organisation (never a user name, account or software), else the organisations the
    first pages name (letterhead and cover lines first), else the ministry of a letter's
    signatory, else the one the whole text names most. The date is the first one standing on
    a line of its own on the first pages, else on the last ones (a colophon), else the file
    name's year, else any date the first pages name.
    """
    field_title = pdf_info.get("title", "")
    pages = first_pages_text.split("\f")
    title = manifest_entry.get("title") or cover_title(
        cover, pages, field_title if plausible_title(field_title) else "")
    publisher = (manifest_entry.get("publisher") or plausible_publisher(pdf_info.get("author", ""))
                 or detect_publisher(first_pages_text) or _signatory(full_text[-3000:])
                 or _most_named(full_text))
    date = (manifest_entry.get("date") or detect_date(first_pages_text)
            or detect_date(full_text[-3000:]) or _year_from_name(path)
            or detect_date(first_pages_text, own_line=False))
    return Metadata(title=title.strip() or path.stem, publisher=publisher.strip(),
                    date=str(date), language=detect_language(full_text))


def detect_date(text: str, own_line: bool = True, latest_year: int | None = None) -> str:
    """The first Dutch date ("juli 2020", "1 april 2022") as ISO year-month, or ''.

    With ``own_line`` only a date on a line with at most three other words counts ("Den Haag,
    3 mei 2021", "Datum: 1 maart 2011", "Versie 22 maart 2024"), not one a sentence cites
    ("Verordening ... van 18 december 2013"). A year after ``latest_year`` (default: this
    year) is a misread or a plan, never the date of a document that exists.
    """
    latest = latest_year or calendar_date.today().year
    for line in text.splitlines():
        dates = [match for match in _DUTCH_DATE.finditer(line) if int(match.group(3)) <= latest]
        if not dates:
            continue
        other_words = [token for token in _DUTCH_DATE.sub(" ", line).split()
                       if _LETTERS.search(token)]
        if not own_line or len(other_words) <= _OWN_DATE_LINE_WORDS:
            return f"{dates[0].group(3)}-{_MONTHS[dates[0].group(2).lower()]:02d}"
    return ""


def detect_publisher(text: str) -> str:
    """The organisations a title page names ('' if none): those on a line of their own (a
    letterhead, the cover's publisher line) first, else all it names, at most three, in order;
    an addressee ("Aan de Voorzitter van de Tweede Kamer ...") is no publisher."""
    lines = [line.strip() for line in _without_addresses(text).splitlines() if line.strip()]
    own = [name for first, second in zip(lines, [*lines[1:], ""])
           for name in organisations(first if is_organisation_line(first) else
                                     f"{first} {second}" if is_organisation_line(f"{first} {second}")
                                     and not organisations(second) else "")]
    names = list(dict.fromkeys(own)) or organisations("\n".join(lines), introductions=False)
    if not names:  # letter-spaced cover lines ("G emee nte De n H aag")
        names = organisations("\n".join(_unspaced(line) for line in lines), introductions=False)
    return ", ".join(names[:3])


def detect_language(text: str) -> str:
    """'nl' or 'en' by the share of frequent function words; 'unknown' for too little text."""
    words = re.findall(r"[a-zà-ÿ]+", text.lower())[:5000]
    if len(words) < 20:
        return "unknown"
    dutch = sum(word in _DUTCH_WORDS for word in words)
    english = sum(word in _ENGLISH_WORDS for word in words)
    return "nl" if dutch >= english else "en"


def _year_from_name(path: Path) -> str:
    """The last year in the file name ("woo-inquiry-2003-slides-2021.pdf" -> 2021: an earlier
    number is more often a docket's)."""
    years = _YEAR.findall(path.name)
    return years[-1] if years else ""


_SIGNATORY = re.compile(r"^\s*De\s+(?:Minister|Staatssecretaris)\s+van\s+([^\n,]+(?:,[^\n,]+)*?),?\s*$",
                        re.IGNORECASE | re.MULTILINE)


def _signatory(text: str) -> str:
    """The ministry of the minister or state secretary who signs a letter ("De Staatssecretaris
    van Veiligheid en Justitie," -> "Ministerie van Veiligheid en Justitie"), or ''."""
    match = _SIGNATORY.search(text)
    return ministry(match.group(1).strip()) if match else ""


def _most_named(text: str) -> str:
    """The organisation the whole text names most often ('' if none)."""
    counts: dict[str, int] = {}
    for paragraph in text.split("\n"):
        for name in organisations(paragraph, introductions=False):
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda name: counts[name]) if counts else ""


_ADDRESSEE = re.compile(r"^\s*(?:>\s*)?(?:Aan\b|To:|Retouradres)", re.IGNORECASE)
_POSTCODE = re.compile(r"\b\d{4}\s?[A-Z]{2}\b")


def _without_addresses(text: str) -> str:
    """The text without its address blocks: a line opening with "Aan", "To:" or "Retouradres"
    and the lines after it up to its postcode line (at most four)."""
    lines = text.splitlines()
    keep = [True] * len(lines)
    for index, line in enumerate(lines):
        if _ADDRESSEE.match(line):
            end = next((i for i in range(index, min(index + 5, len(lines)))
                        if _POSTCODE.search(lines[i])), index)
            for i in range(index, end + 1):
                keep[i] = False
    return "\n".join(line for line, kept in zip(lines, keep) if kept)


def _unspaced(line: str) -> str:
    """A letter-spaced line read back into words: pieces of one or two letters glued to their
    neighbours ("G emee nte De n H aag" -> "Gemeente Den Haag")."""
    tokens = line.split()
    if sum(len(token) <= 2 for token in tokens) < 0.3 * max(len(tokens), 1):
        return line
    return re.sub(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Ý])", " ", "".join(tokens))
