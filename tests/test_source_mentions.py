"""A question naming a publisher is asked of that publisher's reports."""

from __future__ import annotations

from core.source_mentions import find_source_mention, source_names
from index.search import Filters
from summarise.render import to_markdown

VNG = "VNG-commissie Sociale impact COVID-19"
GEZONDIN = "GezondIn (Pharos, Platform31)"
IMPACTCORONA = "Van Bochove et al. (Erasmus Universiteit, impactcorona.nl)"
PUBLISHERS = [VNG, GEZONDIN, IMPACTCORONA, "Sociaal en Cultureel Planbureau (SCP)"]


def test_a_publisher_is_known_by_its_acronyms_and_web_address_not_by_general_words():
    assert source_names(VNG) == {"vng"}  # not COVID, not "Sociale"
    assert source_names(GEZONDIN) == {"gezondin"}
    assert source_names(IMPACTCORONA) == {"impactcorona"}  # not "et al."
    assert source_names("Sociaal en Cultureel Planbureau (SCP)") == {"scp"}


def test_the_topic_is_the_question_without_the_name_and_the_words_attaching_it():
    cases = {
        "Welke leeftijdsgroep werd volgens de VNG-commissie het hardst getroffen?":
            "Welke leeftijdsgroep werd het hardst getroffen?",
        "Wat zijn de vier leidende principes van de VNG-commissie Sociale impact COVID-19?":
            "Wat zijn de vier leidende principes?",
        "Welke groepen waren kwetsbaar volgens het impactcorona-rapport?":
            "Welke groepen waren kwetsbaar?",
    }
    for question, topic in cases.items():
        mention = find_source_mention(question, PUBLISHERS)
        assert mention is not None and mention.topic == topic, question
    both = find_source_mention("Wat noemt het SCP volgens het GezondIn-verslag?", PUBLISHERS)
    assert both is not None
    assert set(both.publishers) == {GEZONDIN, "Sociaal en Cultureel Planbureau (SCP)"}


def test_a_question_naming_no_publisher_has_no_mention():
    assert find_source_mention("Wat zegt covid over de sociale impact op jongeren?", PUBLISHERS) is None
    assert find_source_mention("Hoe gaat het met de vng?", [GEZONDIN]) is None


def test_a_question_naming_a_publisher_is_answered_from_its_reports(corpus_library):
    question = ("Welke leeftijdsgroep werd volgens de VNG-commissie relatief het hardst getroffen "
                "door de crisis?")
    summary = corpus_library.ask(question)
    assert summary.answered
    assert summary.asked_of == (VNG,)
    assert {c.publisher for s in summary.sentences for c in s.citations} == {VNG}
    # Searched across the library with the name as a word, the committee's age finding is
    # crowded out by sentences that quote the committee.
    assert "De relatief grootste impact zit bij jongvolwassenen (tot 27 jaar)." in \
        [s.text for s in summary.sentences]
    assert "de uitgever die de vraag noemt" in to_markdown(summary).splitlines()[0]


def test_when_the_named_publisher_does_not_answer_the_whole_library_does(corpus_library):
    summary = corpus_library.ask("Wat zegt de VNG over vaccinatie in de Turkse moskee in "
                                 "Rotterdam Zuid?")
    assert summary.answered
    assert summary.asked_of == ()
    assert {c.publisher for s in summary.sentences for c in s.citations} == {IMPACTCORONA}


def test_a_publisher_filter_the_user_set_wins_over_a_name_in_the_question(corpus_library):
    summary = corpus_library.ask("Wat zegt de VNG over eenzaamheid?",
                                 filters=Filters(publishers=(GEZONDIN,)))
    assert summary.asked_of == ()
    assert {c.publisher for s in summary.sentences for c in s.citations} <= {GEZONDIN}
