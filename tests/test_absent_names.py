"""Names and years a question asks about that the library does not hold (summarise/absent_names)."""

from __future__ import annotations

from summarise.absent_names import absence_statement, absent_from_library, holds_in

_LIBRARY = holds_in((), [
    "Het RIVM en de VNG schrijven over Groningen, Limburg en Rotterdam in 2020 en 2021.",
    "Dienst Uitvoering Subsidies aan Instellingen voert de Kaderregeling uit.",
    "The Security Council decides that Iraq shall provide a declaration.",
    "Adviezen over nationaal beleid en het programma voor mantelzorgers.",
])


def absent(question: str) -> tuple[str, ...]:
    return absent_from_library(question, _LIBRARY)


def test_an_organisation_the_library_never_names_is_absent() -> None:
    assert absent("Wat adviseerde de Gezondheidsraad over draagmoederschap?") == ("Gezondheidsraad",)


def test_an_organisation_the_library_names_is_present() -> None:
    assert absent("Wat zegt de Kaderregeling over subsidies?") == ()
    assert absent("Hoeveel besmettingen waren er in Groningen?") == ()


def test_a_year_the_library_never_names_is_absent() -> None:
    assert absent("Hoeveel mantelzorgers waren er in 2031?") == ("2031",)


def test_a_year_the_library_names_is_present() -> None:
    assert absent("Hoeveel mantelzorgers waren er in 2021?") == ()
    assert absent("Hoeveel mantelzorgers waren er in 2020-2021?") == ()


def test_a_multiword_name_is_kept_whole_and_absent_when_a_distinctive_word_is_missing() -> None:
    assert (absent("Wat schrijft de Rotterdam Zuid Alliantie over de mantelzorgers in de stad?")
            == ("Rotterdam Zuid Alliantie",))  # Rotterdam is held, Zuid and Alliantie are not
    assert (absent("Wat zegt het Nationaal Programma Zeeland over de mantelzorgers daar?")
            == ("Nationaal Programma Zeeland",))
    # Its generic words (nationaal, programma) are no evidence either way: Groningen is held.
    assert absent("Wat zegt het Nationaal Programma Groningen over de mantelzorgers daar?") == ()


def test_a_sentence_initial_capital_is_no_name() -> None:
    assert absent("Mantelzorgers: hoeveel zijn er?") == ()
    assert absent("Hoeveel mantelzorgers zijn er? Welke steun krijgen zij?") == ()


def test_doubtful_words_count_as_present() -> None:
    assert absent("Wat zegt de WNT over mantelzorgers?") == ()  # acronyms are often written out
    assert absent("Welke Limburgse gemeente werd genoemd?") == ()  # adjective of Limburg
    assert absent("Hoeveel Rotterdammers zijn mantelzorger?") == ()  # inhabitants of Rotterdam
    assert absent("Wat moest Irak volgens de resolutie doen?") == ()  # one letter off Iraq


def test_a_question_in_capitals_names_nothing() -> None:
    assert absent("WAT ADVISEERDE DE GEZONDHEIDSRAAD?") == ()
    assert absent("Wat Adviseerde De Gezondheidsraad Over Draagmoederschap?") == ()  # title case


def test_a_name_that_opens_with_an_article_is_no_title_case() -> None:
    assert absent("Wie schilderde De Nachtwacht?") == ("De Nachtwacht",)


def test_statement_for_one_name_and_for_a_year() -> None:
    assert absence_statement(["Gezondheidsraad"]) == "De bibliotheek noemt ‘Gezondheidsraad’ nergens."
    assert absence_statement(["2031"]) == "De bibliotheek bevat geen gegevens over 2031."
    assert absence_statement([]) == ""


def test_statement_for_several() -> None:
    assert (absence_statement(["Gezondheidsraad", "Zeeland"])
            == "De bibliotheek noemt ‘Gezondheidsraad’ en ‘Zeeland’ nergens.")
    assert (absence_statement(["Gezondheidsraad", "Zeeland", "VUmc", "2031"])
            == "De bibliotheek noemt ‘Gezondheidsraad’, ‘Zeeland’ en ‘VUmc’ nergens. "
               "De bibliotheek bevat geen gegevens over 2031.")
