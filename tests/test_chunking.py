"""Chunks hold whole sentences, stay within the token budget and know their pages."""

from __future__ import annotations

from collections import Counter

import pytest

from ingest.chunking import approx_tokens, chunk_document, lay_out
from ingest.clean import Block, clean_pages, join_lines
from ingest.document import parse_document
from ingest.sentences import split_sentences
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def parsed_corpus():
    return {path.name: parse_document(path) for path in sorted(CORPUS.iterdir())
            if path.suffix in {".pdf", ".txt", ".md"}}


def test_dutch_sentences_keep_abbreviations_and_numbers():
    text = "Er waren o.a. 1.200 meldingen, bijv. in Utrecht. Dat is veel! Daarna volgde de rest."
    sentences = [text[a:b] for a, b in split_sentences([text])[0]]
    assert sentences == ["Er waren o.a. 1.200 meldingen, bijv. in Utrecht.", "Dat is veel!",
                         "Daarna volgde de rest."]


def test_chunks_consist_of_whole_sentences(parsed_corpus):
    for name, parsed in parsed_corpus.items():
        for chunk in parsed.chunks:
            assert chunk.text == " ".join(s.text for s in chunk.sentences), name
            for sentence in chunk.sentences:
                spans = split_sentences([sentence.text])[0]
                assert len(spans) == 1, (name, sentence.text)


def test_chunk_sizes_stay_in_budget(parsed_corpus):
    sizes = []
    for parsed in parsed_corpus.values():
        for chunk in parsed.chunks:
            tokens = approx_tokens(chunk.text)
            if len(chunk.sentences) > 1:
                assert tokens <= 350, chunk.text[:80]
            sizes.append(tokens)
    sizes.sort()
    assert 200 <= sizes[len(sizes) // 2] <= 350


def test_chunk_pages_span_their_sentences(parsed_corpus):
    parsed = parsed_corpus["vng-2021-sociaal-sterker-de-crisis-uit.pdf"]
    assert parsed.chunks[-1].page_end == len(parsed.document.pages)
    for chunk in parsed.chunks:
        pages = [s.page for s in chunk.sentences]
        assert (chunk.page_start, chunk.page_end) == (min(pages), max(pages))
        assert pages == sorted(pages)


def test_page_numbers_and_running_headers_are_removed(parsed_corpus):
    parsed = parsed_corpus["vng-2021-sociaal-sterker-de-crisis-uit.pdf"]
    text = "\n".join(page.text for page in parsed.document.pages)
    assert "Pagina " not in text
    assert "VNG | Sociaal sterker de crisis uit" not in text


def test_end_of_line_hyphenation_is_undone_but_real_hyphens_stay():
    vocabulary = Counter({"sociaal-economische": 2})
    assert join_lines("de ge-", "zondheid van", vocabulary) == "de gezondheid van"
    assert join_lines("in Noord-", "Holland", vocabulary) == "in Noord-Holland"
    assert join_lines("de sociaal-", "economische positie", vocabulary) == (
        "de sociaal-economische positie")
    assert join_lines("zorg-", "en welzijn", vocabulary) == "zorg- en welzijn"


def test_a_paragraph_running_onto_the_next_page_is_one_sentence():
    pages = [[Block("paragraph", "De gemeente zag dat de vraag naar")],
             [Block("paragraph", "hulp sterk toenam. Daarna kwam herstel.")]]
    laid_out = lay_out(pages)
    assert [s.text for s in laid_out.sentences] == [
        "De gemeente zag dat de vraag naar hulp sterk toenam.", "Daarna kwam herstel."]
    assert [s.page for s in laid_out.sentences] == [1, 2]
    chunks = chunk_document("d", laid_out)
    assert (chunks[0].page_start, chunks[0].page_end) == (1, 2)


def test_hard_wrapped_text_is_joined_into_paragraphs():
    raw = ("Het coronavirus heeft veel impact op ons \n\ndagelijks leven en op de gezond-\n\n"
           "heid van mensen. Dat zien we overal terug in de gemeenten die we spraken.\n\n") * 12
    blocks = clean_pages([raw])[0]
    assert blocks[0].text.startswith(
        "Het coronavirus heeft veel impact op ons dagelijks leven en op de gezondheid van mensen.")
