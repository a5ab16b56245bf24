"""Line breaks in narrow table cells: a name the lexicon lacks stays whole, common words split off."""

from __future__ import annotations

from ingest.wordbreaks import BREAK, Lexicon, resolve_breaks

BODY = Lexicon(["de", "in", "een", "regio", "jongeren", "voor"])


def cells(text: str) -> str:
    return resolve_breaks(text.replace("|", BREAK), BODY)


def test_a_word_unknown_to_the_lexicon_does_not_shed_a_rare_short_word():
    # "lei", "ka" and "si" are in spacy-lookups-data's Dutch list; "dse", "nselijkheid" are not
    assert cells("de Lei|dse regio") == "de Leidse regio"
    assert cells("Ka|nselijkhei|d") == "Kanselijkheid"
    assert cells("Tilbur|g") == "Tilburg"


def test_common_words_and_capitals_still_split():
    assert cells("in|Amstelveen.") == "in Amstelveen."
    assert cells("de|Mei|jerij") == "de Meijerij"
    assert cells("jon|geren|voor") == "jongeren voor"


def test_digits_do_not_glue_a_word_onto_a_code():
    assert cells("een|stagepac|t07|1") == "een stagepact071"
