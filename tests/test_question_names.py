"""The names a question asks about, and which texts name them."""

from __future__ import annotations

from core.question_names import names_in, question_names


def test_capitalised_words_after_the_first_are_the_questions_names():
    assert question_names("Welk Bredaas initiatief helpt inwoners met acute geldproblemen?") == \
        names_in("Bredaas")
    assert question_names("Wat zeggen de rapporten over schulden bij jongeren?") == frozenset()
    assert question_names("Sinds wanneer zijn de GIDS-gemeenten actief?") == names_in("GIDS")


def test_a_name_matches_its_inflections_written_with_a_capital():
    assert question_names("Welk Bredaas initiatief?") <= names_in("het Bredase BroodNood")
    assert question_names("Wat veranderde er in Vaals?") <= names_in("Zowel in Vaals als Wageningen")


def test_a_name_does_not_match_a_common_word_with_the_same_stem():
    """The noun val stems like Vaals (val); only words written with a capital are names."""
    vaals = question_names("Wat veranderde er in Vaals?")
    assert vaals == names_in("Vaals")
    assert not vaals & names_in("Na de val van het kabinet bleven de steunpunten open.")


def test_a_question_typed_in_capitals_names_nothing():
    assert question_names("WAT ZEGGEN DE RAPPORTEN OVER SCHULDEN BIJ JONGEREN?") == frozenset()
    assert question_names("Wat Zeggen De Rapporten Over Vaals?") == frozenset()
