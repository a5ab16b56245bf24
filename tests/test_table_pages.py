"""A sentence from a table row that runs over pages is cited with the page it stands on."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from ingest.document import parse_document
from tests.conftest import CORPUS, letters

PDF = CORPUS / "vng-2021-sociaal-sterker-de-crisis-uit.pdf"
TABLE_PAGES = range(21, 44)
_MIN_LETTERS = 5


@pytest.fixture(scope="module")
def sentences_and_pages():
    parsed = parse_document(PDF)
    pages = [letters(page.extract_text() or "") for page in PdfReader(PDF).pages]
    sentences = [s for chunk in parsed.chunks for s in chunk.sentences if s.page in TABLE_PAGES]
    return sentences, pages


def test_every_table_sentence_stands_on_its_cited_page(sentences_and_pages):
    """Its first long word is on the cited page, and its long words, read in order, go on from
    there through the pages: on the same page, or on a later one where the cell runs on (narrow
    cells run over many pages); a word broken over two pages has a part on each. When short words
    open the sentence ("Zet de dialoog") its first five letters are on the cited page instead,
    or at least four of them when the rest is on the next page ("Werk | als gemeenten")."""
    sentences, pages = sentences_and_pages
    assert len(sentences) > 40
    wrong = []
    for sentence in sentences:
        words = [w for w in map(letters, sentence.text.split()) if len(w) >= _MIN_LETTERS]
        opening = letters(sentence.text)[:_MIN_LETTERS]
        opens_short = bool(words) and not letters(sentence.text).startswith(words[0])
        if opens_short and not _opens_on(opening, sentence.page, pages):
            wrong.append((sentence.page, opening, sentence.text[:80]))
            continue
        lost = _first_word_off_its_page(words, sentence.page, pages, opens_short)
        if lost:
            wrong.append((sentence.page, lost, sentence.text[:80]))
    assert not wrong, wrong


def _opens_on(opening: str, cited: int, pages: list[str]) -> bool:
    if opening in pages[cited - 1]:
        return True
    rest = pages[cited] if cited < len(pages) else ""
    return any(opening[:cut] in pages[cited - 1] and opening[cut:] in rest
               for cut in range(_MIN_LETTERS - 1, len(opening)))


def _first_word_off_its_page(words: list[str], cited: int, pages: list[str],
                             opens_short: bool) -> str | None:
    page = cited
    for index, word in enumerate(words):
        if word in pages[page - 1]:
            continue
        later = range(page + 1, len(pages) + 1)
        whole = [p for p in later if (index > 0 or opens_short) and word in pages[p - 1]]
        broken = [p for p in later for cut in range(1, len(word))
                  if word[:cut] in pages[page - 1] and word[cut:] in pages[p - 1]]
        if not whole and not broken:
            return word
        page = min(whole + broken)
    return None


def test_the_breda_and_studievertraging_rows_cite_their_own_pages(sentences_and_pages):
    sentences, _ = sentences_and_pages
    cited = {s.text[:30]: s.page for s in sentences}
    assert cited["In Breda werkten horecamedewer"] == 22
    assert cited["Om studievertraging tegen te g"] in (30, 31)
