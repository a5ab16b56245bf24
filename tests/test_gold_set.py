"""Consistency checks for the hand-made gold evaluation data.

Covers eval/gold/questions.jsonl, eval/gold/passages.jsonl and the theme
taxonomy corpus/themes.toml. Quotes are verified against the original source
texts in tests/fixtures/originals/ (whitespace-collapsed). Stdlib only: no
project imports.
"""

import json
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORIGINALS = ROOT / "tests" / "fixtures" / "originals"
QUESTIONS = ROOT / "eval" / "gold" / "questions.jsonl"
PASSAGES = ROOT / "eval" / "gold" / "passages.jsonl"
THEMES = ROOT / "corpus" / "themes.toml"

# corpus file name -> original text in tests/fixtures/originals/
CORPUS_TO_ORIGINAL = {
    "gezondin-2020-impact-coronacrisis.pdf": "gezondin-2020-impact-coronacrisis.txt",
    "gezondin-2020-impact-coronacrisis-pdfextract.txt": "gezondin-2020-impact-coronacrisis-pdfextract.txt",
    "vng-2021-sociaal-sterker-de-crisis-uit.pdf": "vng-2021-sociaal-sterker-de-crisis-uit.md",
    "impactcorona-2022-lessen-sociaal-domein.pdf": "impactcorona-2022-lessen-sociaal-domein.md",
    "gezondin-2021-versneld-leren.pdf": "gezondin-2021-versneld-leren-ocr.txt",
}

# corpus files that are the same report (near-duplicate twins)
REPORT_OF = {
    "gezondin-2020-impact-coronacrisis.pdf": "gezondin-2020",
    "gezondin-2020-impact-coronacrisis-pdfextract.txt": "gezondin-2020",
    "vng-2021-sociaal-sterker-de-crisis-uit.pdf": "vng-2021",
    "impactcorona-2022-lessen-sociaal-domein.pdf": "impactcorona-2022",
    "gezondin-2021-versneld-leren.pdf": "gezondin-2021",
}

REQUIRED_THEME_IDS = [
    "mentale_gezondheid",
    "schulden_armoede",
    "jeugd_jongeren",
    "eenzaamheid",
    "ouderen",
    "werk_inkomen",
    "onderwijs",
    "wonen_wijk",
    "gezondheidsverschillen",
    "digitalisering_laaggeletterdheid",
    "sociale_basis_informele_zorg",
    "zorg_toegang",
    "migranten_nieuwkomers",
    "gemeentelijk_beleid",
]

QUESTION_KEYS = {"id", "question", "kind", "relevant", "themes", "answer"}
KINDS = {"factoid", "list", "thematic", "cross-document", "unanswerable"}
# markdown/HTML syntax and superscript footnote markers must not be in quotes
FORBIDDEN_QUOTE_CHARS = set("*#|<>_") | set("¹²³⁴⁵⁶⁷⁸⁹⁰")


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def word_count(text: str) -> int:
    return len(text.split())


def read_jsonl(path: Path) -> list:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:  # pragma: no cover - reported as failure
                pytest.fail(f"{path.name}:{lineno}: invalid JSON: {exc}")
    return rows


@pytest.fixture(scope="module")
def originals() -> dict:
    return {
        corpus_name: collapse((ORIGINALS / fname).read_text(encoding="utf-8"))
        for corpus_name, fname in CORPUS_TO_ORIGINAL.items()
    }


@pytest.fixture(scope="module")
def taxonomy() -> list:
    with THEMES.open("rb") as fh:
        data = tomllib.load(fh)
    return data.get("theme", [])


@pytest.fixture(scope="module")
def theme_ids(taxonomy) -> set:
    return {t["id"] for t in taxonomy}


@pytest.fixture(scope="module")
def questions() -> list:
    return read_jsonl(QUESTIONS)


@pytest.fixture(scope="module")
def passages() -> list:
    return read_jsonl(PASSAGES)


def check_quote(originals: dict, file: str, quote: str, lo: int, hi: int, where: str) -> list:
    problems = []
    if file not in originals:
        return [f"{where}: unknown corpus file {file!r}"]
    if not isinstance(quote, str) or not quote.strip():
        return [f"{where}: empty quote"]
    n = word_count(quote)
    if not lo <= n <= hi:
        problems.append(f"{where}: quote has {n} words (expected {lo}-{hi}): {quote[:60]!r}")
    bad = set(quote) & FORBIDDEN_QUOTE_CHARS
    if bad:
        problems.append(f"{where}: quote contains markup/footnote characters {sorted(bad)}")
    if collapse(quote) not in originals[file]:
        problems.append(f"{where}: quote not found verbatim in {file}: {quote[:80]!r}")
    return problems


# ---------------------------------------------------------------- taxonomy


def test_taxonomy_has_required_ids_in_order(taxonomy):
    assert [t.get("id") for t in taxonomy] == REQUIRED_THEME_IDS


def test_taxonomy_entries_complete(taxonomy):
    for t in taxonomy:
        for key in ("label", "description"):
            assert isinstance(t.get(key), str) and t[key].strip(), f"{t.get('id')}: missing {key}"
        kws = t.get("keywords")
        assert isinstance(kws, list) and kws, f"{t['id']}: keywords must be a non-empty list"
        assert all(isinstance(k, str) and k.strip() for k in kws), f"{t['id']}: empty keyword"
        assert all(k == k.lower() for k in kws), f"{t['id']}: keywords must be lowercase"
        assert len(kws) == len(set(kws)), f"{t['id']}: duplicate keywords"


def test_taxonomy_header_comment():
    first = THEMES.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#")
    assert "rapportwijzer ingest --retag" in first


# ---------------------------------------------------------------- questions


def test_question_schema(questions):
    ids = []
    for q in questions:
        assert set(q) == QUESTION_KEYS, f"{q.get('id')}: keys {sorted(q)}"
        assert re.fullmatch(r"q\d{3}", q["id"]), q["id"]
        assert q["kind"] in KINDS, f"{q['id']}: invalid kind {q['kind']!r}"
        assert isinstance(q["question"], str) and q["question"].strip(), q["id"]
        assert isinstance(q["answer"], str) and q["answer"].strip(), q["id"]
        assert isinstance(q["relevant"], list), q["id"]
        assert isinstance(q["themes"], list), q["id"]
        for r in q["relevant"]:
            assert set(r) == {"file", "quote"}, f"{q['id']}: relevant keys {sorted(r)}"
        ids.append(q["id"])
    assert len(ids) == len(set(ids)), "duplicate question ids"


def test_question_counts(questions):
    assert len(questions) >= 60
    kinds = Counter(q["kind"] for q in questions)
    unanswerable = [q for q in questions if q["kind"] == "unanswerable"]
    assert len(unanswerable) >= 8, kinds
    for q in unanswerable:
        assert q["relevant"] == [], f"{q['id']}: unanswerable must have relevant == []"
    for q in questions:
        if q["kind"] != "unanswerable":
            assert len(q["relevant"]) >= 1, f"{q['id']}: answerable question without relevant quote"


def test_cross_document_questions_span_reports(questions):
    for q in questions:
        if q["kind"] == "cross-document":
            reports = {REPORT_OF.get(r["file"]) for r in q["relevant"]}
            assert len(reports) >= 2, f"{q['id']}: cross-document needs quotes from >= 2 reports"


def test_question_quotes_verbatim(questions, originals):
    problems = []
    for q in questions:
        for i, r in enumerate(q["relevant"]):
            problems += check_quote(originals, r["file"], r["quote"], 8, 40, f"{q['id']}[{i}]")
    assert not problems, "\n".join(problems)


def test_question_themes_exist(questions, theme_ids):
    unknown = [(q["id"], t) for q in questions for t in q["themes"] if t not in theme_ids]
    assert not unknown, unknown


def test_every_report_has_questions(questions):
    covered = {REPORT_OF[r["file"]] for q in questions for r in q["relevant"] if r["file"] in REPORT_OF}
    assert covered == set(REPORT_OF.values())


# ---------------------------------------------------------------- passages


def test_passage_schema_and_count(passages):
    assert len(passages) >= 80
    for i, p in enumerate(passages):
        assert set(p) == {"file", "quote", "themes"}, f"passage {i}: keys {sorted(p)}"
        assert isinstance(p["themes"], list), f"passage {i}"
    keys = [(p["file"], p["quote"]) for p in passages]
    assert len(keys) == len(set(keys)), "duplicate passages"


def test_passage_quotes_verbatim(passages, originals):
    problems = []
    for i, p in enumerate(passages):
        problems += check_quote(originals, p["file"], p["quote"], 15, 70, f"passage {i}")
    assert not problems, "\n".join(problems)


def test_passage_themes_exist(passages, theme_ids):
    unknown = [(i, t) for i, p in enumerate(passages) for t in p["themes"] if t not in theme_ids]
    assert not unknown, unknown
    for i, p in enumerate(passages):
        assert len(p["themes"]) == len(set(p["themes"])), f"passage {i}: duplicate themes"


def test_passage_theme_coverage(passages):
    assert sum(1 for p in passages if not p["themes"]) >= 5
    counts = Counter(t for p in passages for t in p["themes"])
    missing = {t: counts.get(t, 0) for t in REQUIRED_THEME_IDS if counts.get(t, 0) < 5}
    assert not missing, f"themes with fewer than 5 passages: {missing}"
