"""Which sentences are whole statements, not headings, table cells, footnotes or literature
references. Every sentence is stored and weighed by the relevance model, which takes this test as
one of its features; a report summary, which has no model, takes whole sentences only."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[.!…][\"'”’)]*$")
_SENTENCE_START = re.compile(r"^[\"'“‘(]?[A-ZÀ-Ý0-9]")
_FOOTNOTE = re.compile(r"^\d{1,3}\s+[A-Z]|https?://|www\.")
# A literature reference ("VNG (2021) Sociaal sterker ...") or a pointer to one ("Zie ook ...").
_REFERENCE = re.compile(r"\b(?:e\.a\.|et al\.|[A-Z][\w&-]+)\s+\((?:19|20)\d{2}\)\s+[A-Z'‘“\"]"
                        r"|^(?:Zie (?:ook|over|voor|het eerder)|Vergelijk|Vgl\.|Verschenen in)\b"
                        # A title with its subtitle ("Een jaar met corona, Ontwikkelingen in ..."):
                        # an opening phrase of two to six words, then a capitalised word followed
                        # by a small word other than "en"/"of" (those make a list of names:
                        # "Onderzoek hoe gemeenten, Rijk en ..."). Dutch puts the verb second, so a
                        # sentence rarely goes on with a capitalised word after such a phrase.
                        r"|^[A-Z][^,;:() ]*(?: [^,;:() ]+){1,5}, [A-Z][a-z]+ (?!(?:en|of)\b)[a-z]")

# A line of contents: a label of at most five words, a colon and "over" with what that part
# covers ("Gezondheid: over gezondheidsverschillen en een toenemend beroep op het sociaal
# domein."), with none of the common finite verbs a statement would hold ("Het advies is
# helder: over twee jaar moeten ...").
_CONTENTS_LINE = re.compile(r"^[^:\s]+(?:\s[^:\s]+){0,4}:\s+over\s")
_FINITE_VERB = re.compile(r"\b(?:is|zijn|was|waren|wordt|worden|werd|werden|heeft|hebben|had|"
                          r"hadden|kan|kunnen|moet|moeten|zal|zullen|gaat|gaan|staat|staan)\b",
                          re.IGNORECASE)

# Colophon boilerplate: rights and reuse of the publication itself ("Alles uit deze uitgave mag
# worden vermenigvuldigd ... mits de bron wordt vermeld"), never a finding.
_COLOPHON = re.compile(r"\b(?:uitgave|publicatie)\b[^.]{0,40}\bmag\b|\bmits (?:de|met) bron|©"
                       r"|\bISBN\b|\bcopyright\b|\bauteursrecht", re.IGNORECASE)

# A lead-in that ends where its numbered list begins ("... vier veranderingen in oriëntatie: 1."):
# the sentence goes on in the list.
_OPENS_A_LIST = re.compile(r":\s*\d{1,2}\.$")

# Text from a table or list glued into one sentence: a heading run into its label ("... jongeren
# met schuldenproblematiek Deelnemers: vertegenwoordigers van ..."; a capitalised word with a
# colon after a word that is no article or preposition, as "het Rijk:" or "uit Rotterdam:"
# are), a colon with no space before a capital ("steun van de gemeente:In Assen ..."), or a cell
# ending in a name run into the next cell's opening ("zoals Tilburg In veel gemeenten ...").
_GLUED_CELLS = re.compile(
    r"(?<!\S)(?!(?:de|het|een|in|uit|van|voor|naar|bij|met|op|te|door|over|aan|om|zoals|en|of|"
    r"als)\s)[\w'’-]+ [A-Z][a-zà-ÿ]+:\s"
    r"|\w:[A-ZÀ-Ý]"
    r"|\b[A-Z][a-zà-ÿ]+ (?:In|Op|Het|Een|Er|We|Wij|Dit|Deze|Ook|Zo|Tijdens|Daarnaast|Bij|Met|"
    r"Voor|Om|Sinds|Vanaf|Naast|Door|Na|Als) [a-zà-ÿ]")


def is_whole_sentence(text: str) -> bool:
    """A full statement: starts like a sentence, ends with a full stop (not a question mark),
    and has words enough to say something; headings, cells, footnotes, references, lines of
    contents, lead-ins cut off at their list's first number, colophon boilerplate and table or
    list cells glued together fail."""
    words = text.split()
    letters = sum(ch.isalpha() for ch in text)
    return (len(words) >= 6 and letters >= 0.6 * len(text.replace(" ", ""))
            and bool(_SENTENCE_END.search(text)) and bool(_SENTENCE_START.match(text))
            and not _FOOTNOTE.search(text) and not _REFERENCE.search(text)
            and not (_CONTENTS_LINE.match(text) and not _FINITE_VERB.search(text))
            and not _OPENS_A_LIST.search(text) and not _COLOPHON.search(text)
            and not _GLUED_CELLS.search(text))
