"""Reports a question names: "Wat verwacht de VNG van ...", "volgens het impactcorona-rapport".

An advisor often asks what one organisation says. Its name in the question is then a choice of
source, not a topic: searching all reports for it finds the sentences that mention the
organisation (other reports quoting it, its own colophon) instead of what it says. A report's
names are read from its publisher: words written with two or more capitals (VNG, SCP, GezondIn)
and the names of web addresses (impactcorona.nl), never general acronyms such as COVID.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Acronyms a publisher's name can hold that name a subject, not an organisation.
_GENERAL_ACRONYMS = frozenset({"covid", "corona", "sars", "eu", "nl"})
_PUBLISHER_WORD = re.compile(r"[^\W_][\w.]*")
_QUESTION_WORD = re.compile(r"[^\W_]+")
_DOMAIN = re.compile(r"^([a-z][a-z0-9]{2,})\.[a-z]{2,}$", re.IGNORECASE)


@dataclass(frozen=True)
class SourceMention:
    """The publishers the question names, and the question without their names."""

    publishers: tuple[str, ...]
    topic: str


def source_names(publisher: str) -> set[str]:
    """The names a publisher is known by, in lower case."""
    names: set[str] = set()
    for word in _PUBLISHER_WORD.findall(publisher.replace("-", " ")):
        word = word.rstrip(".")
        domain = _DOMAIN.match(word)
        if domain:
            name = domain.group(1)
        elif word.isalpha() and sum(ch.isupper() for ch in word) >= 2:
            name = word
        else:
            continue
        if name.lower() not in _GENERAL_ACRONYMS:
            names.add(name.lower())
    return names


def find_source_mention(question: str, publishers: Iterable[str]) -> SourceMention | None:
    """The publishers (of the library's reports) the question names, or None when it names none."""
    asked = {word.lower() for word in _QUESTION_WORD.findall(question)}
    named_publishers: list[str] = []
    named: set[str] = set()
    for publisher in dict.fromkeys(publishers):
        hits = source_names(publisher) & asked
        if hits:
            named_publishers.append(publisher)
            named |= hits
    if not named_publishers:
        return None
    return SourceMention(publishers=tuple(named_publishers),
                         topic=_without_names(question, named_publishers, named))


def _without_names(question: str, publishers: Iterable[str], names: Iterable[str]) -> str:
    """The question with each publisher's full name or one of its names, a compound built on
    it ("VNG-commissie") and the words that attach it ("volgens de", "van het") taken out."""
    spelled = [r"[\s-]+".join(map(re.escape, _QUESTION_WORD.findall(text)))
               for text in [*publishers, *names]]
    alternatives = "|".join(sorted(spelled, key=len, reverse=True))
    mention = re.compile(
        rf"(?:\b(?:volgens|van|door|bij)\s+)?(?:\b(?:de|het)\s+)?"
        rf"\b(?:{alternatives})(?:-\w+)*\b", re.IGNORECASE)
    topic = re.sub(r"\s+([?.,!])", r"\1", re.sub(r"\s{2,}", " ", mention.sub(" ", question)))
    return topic.strip() or question
