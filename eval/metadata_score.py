"""How often ingest names a report's title, publisher and year right, file by file of a corpus
folder.

Every file is parsed as ingest parses it (``ingest.document.parse_document``) and its detected
title and publisher are compared with a truth:

- a JSONL file (``file``, ``title``, ``publisher``, ``year``, optional ``title_aliases`` and
  ``publisher_aliases``) beside the folder, such as ``eval/real/metadata.jsonl`` for the real
  library in ``eval/real/corpus/``; files are parsed with the folder's ``manifest.toml`` entry,
  if any;
- or, without one, the folder's ``manifest.toml`` itself: then each file is parsed *without*
  its manifest entry (only a password is kept), so the figure is what detection alone finds.

A **title is right** when, after normalisation (NFKD without accents, lower case, words of
letters and digits), it equals the truth or an alias, or the main words of one (words of 3+
letters that are no function word, number, month or weekday) all occur in the other and make up
at least half of the other's main words: a title with the annotator's additions (a date, the
kind of document) still counts, a fragment of it does not. A **publisher is right** when the
detected publisher names (contains, case-insensitive, as whole words) the truth publisher or an
alias. The truth's own parts count as aliases: a publisher's pieces around " / ", " – ",
", in opdracht van", "via", "et al." and brackets (``DUS-I / Ministerie van VWS`` gives
``DUS-I`` and ``Ministerie van VWS``); a title also counts without its trailing bracketed note (the
annotator's "(infographic)"), and its pieces around " – " count (``Verslag – Bestuurlijk
overleg ...`` also as ``Bestuurlijk overleg ...``). A **year is right** when the detected date
starts with the truth's year (a manifest's ``date`` gives its first four digits); files without a
truth year are not counted for it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.errors import IngestError
from ingest.metadata import load_manifest
from ingest.readers import SUPPORTED_SUFFIXES

_FUNCTION_WORDS = frozenset(
    "aan als bij dan dat de den der des die dit door een en er het in is met na naar niet of om "
    "op over te ten ter tot uit van voor zijn the and of for to in on by at with from a an its "
    "behorend behorende".split())
_DATE_WORDS = frozenset(
    "januari februari maart april mei juni juli augustus september oktober november december "
    "january february march may june july august october december maandag dinsdag woensdag "
    "donderdag vrijdag zaterdag zondag".split())
_PUBLISHER_PARTS = re.compile(r"\s+[/–—]\s+|,?\s+in opdracht van\s+|\s+via\s+|\s+et al\.?|[()]")
_TITLE_PARTS = re.compile(r"\s+[–—]\s+")


@dataclass(frozen=True)
class Truth:
    file: str
    title: str
    publisher: str
    title_aliases: tuple[str, ...] = ()
    publisher_aliases: tuple[str, ...] = ()
    year: str = ""


@dataclass(frozen=True)
class MetadataRow:
    file: str
    title: str
    publisher: str
    truth_title: str
    truth_publisher: str
    title_right: bool
    publisher_right: bool
    error: str = ""
    date: str = ""
    truth_year: str = ""
    year_right: bool | None = None  # None: the truth states no year


@dataclass
class MetadataScore:
    corpus: str
    truth: str  # where the truth came from
    rows: list[MetadataRow] = field(default_factory=list)

    def share(self, key: str) -> float | None:
        if not self.rows:
            return None
        if key == "both":
            return sum(r.title_right and r.publisher_right for r in self.rows) / len(self.rows)
        rows = [r for r in self.rows if getattr(r, f"{key}_right") is not None]
        return sum(getattr(r, f"{key}_right") for r in rows) / len(rows) if rows else None

    def to_json(self) -> dict:
        return {"corpus": self.corpus, "truth": self.truth, "files": len(self.rows),
                "title_right": self.share("title"), "publisher_right": self.share("publisher"),
                "both_right": self.share("both"), "year_right": self.share("year"),
                "rows": [asdict(row) for row in self.rows]}


def load_truth(path: Path) -> dict[str, Truth]:
    """Per file name, the truth a JSONL file states (see the module docstring)."""
    truth: dict[str, Truth] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        truth[row["file"]] = Truth(row["file"], row.get("title", ""), row.get("publisher", ""),
                                   tuple(row.get("title_aliases") or ()),
                                   tuple(row.get("publisher_aliases") or ()),
                                   str(row.get("year") or ""))
    return truth


def truth_from_manifest(manifest: dict[str, dict[str, str]]) -> dict[str, Truth]:
    return {name: Truth(name, entry.get("title", ""), entry.get("publisher", ""),
                        year=str(entry.get("date", ""))[:4])
            for name, entry in manifest.items() if entry.get("title") or entry.get("publisher")}


def score_corpus(corpus: Path, truth_file: Path | None = None) -> MetadataScore | None:
    """Parse every file of ``corpus`` that the truth names and score its title, publisher and
    year;
    None when there is no truth (no ``truth_file`` and no manifest with titles)."""
    from ingest.document import parse_document

    manifest = load_manifest(corpus / "manifest.toml")
    if truth_file is not None and truth_file.is_file():
        truth, source, blind = load_truth(truth_file), str(truth_file), False
    else:
        truth, source, blind = truth_from_manifest(manifest), str(corpus / "manifest.toml"), True
    if not truth:
        return None
    score = MetadataScore(str(corpus), source)
    for path in sorted(corpus.iterdir()):
        if path.suffix.lower() not in SUPPORTED_SUFFIXES or path.name not in truth:
            continue
        entry = manifest.get(path.name, {})
        if blind:  # detection alone: of the manifest only what opens the file
            entry = {key: value for key, value in entry.items() if key == "password"}
        expected = truth[path.name]
        try:
            document = parse_document(path, entry).document
        except IngestError as error:
            score.rows.append(MetadataRow(path.name, "", "", expected.title, expected.publisher,
                                          False, False, str(error), truth_year=expected.year,
                                          year_right=False if expected.year else None))
            continue
        score.rows.append(MetadataRow(
            path.name, document.title, document.publisher, expected.title, expected.publisher,
            title_right(document.title, expected), publisher_right(document.publisher, expected),
            date=document.date, truth_year=expected.year,
            year_right=document.date.startswith(expected.year) if expected.year else None))
    return score


def title_right(detected: str, truth: Truth) -> bool:
    found = _plain(detected)
    if not found:
        return False
    found_words = main_words(detected)
    for title in _with_parts((truth.title, *truth.title_aliases), titles=True):
        if found == _plain(title):
            return True
        words = main_words(title)
        small, large = sorted((found_words, words), key=len)
        if small and small <= large and 2 * len(small) >= len(large):
            return True
    return False


def publisher_right(detected: str, truth: Truth) -> bool:
    found = f" {_plain(detected)} "
    return any(f" {_plain(name)} " in found
               for name in _with_parts((truth.publisher, *truth.publisher_aliases))
               if _plain(name))


def main_words(text: str) -> frozenset[str]:
    return frozenset(word for word in _plain(text).split()
                     if len(word) >= 3 and not word.isdigit()
                     and word not in _FUNCTION_WORDS and word not in _DATE_WORDS)


def corpus_metadata(corpus: Path) -> dict | None:
    """`rapportwijzer eval`'s metadata figures for the evaluated library's folder: against
    ``metadata.jsonl`` beside it (``eval/real/corpus`` -> ``eval/real/metadata.jsonl``) when
    there is one, else against its manifest; None without either."""
    beside = corpus.parent / "metadata.jsonl"
    score = score_corpus(corpus, beside if beside.is_file() else None)
    return score.to_json() if score is not None else None


def summary_lines(scores: list[dict]) -> list[str]:
    """One line per scored corpus: title, publisher, both and year right."""
    return [f"Metadata {Path(s['corpus']).as_posix()} ({s['files']} files, truth "
            f"{Path(s['truth']).name}): title right {_pct(s['title_right'])}, publisher right "
            f"{_pct(s['publisher_right'])}, both {_pct(s['both_right'])}, year right "
            f"{_pct(s.get('year_right'))}" for s in scores]


def markdown_lines(scores: list[dict]) -> list[str]:
    """The report's section: the summary lines, then per file what was detected and whether
    it is right."""
    if not scores:
        return ["No corpus with a metadata truth (manifest.toml or metadata.jsonl)."]
    lines = [f"- {line}" for line in summary_lines(scores)]
    for s in scores:
        lines += ["", f"`{Path(s['corpus']).as_posix()}`:", "",
                  "| file | detected title | detected publisher | date | title | publisher | year |",
                  "|---|---|---|---|---|---|---|"]
        for row in s["rows"]:
            lines.append(f"| {row['file']} | {_cell(row['title'] or row['error'])} | "
                         f"{_cell(row['publisher'])} | {row.get('date', '')} | "
                         f"{_verdict(row['title_right'])} | {_verdict(row['publisher_right'])} | "
                         f"{_verdict(row.get('year_right'))} |")
    return lines


def _with_parts(names, titles: bool = False) -> list[str]:
    out: list[str] = []
    for name in names:
        if titles:  # the title as stated and without its trailing bracketed note
            out.append(name)
            name = re.sub(r"\s*\([^()]*\)\s*$", "", name) or name
        out.append(name)
        split = _TITLE_PARTS if titles else _PUBLISHER_PARTS
        out += [part for part in split.split(name) if part and part.strip(" ,;:")]
    return out


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _verdict(right: bool | None) -> str:
    return "–" if right is None else "right" if right else "WRONG"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:90]
