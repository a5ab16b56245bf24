"""What spacy-lookups-data's Dutch tables tell about a word: its lemmas, and whether and where it
is a compound. Shared by the theme tagger's keyword matching (``index/themes.py``) and the BM25
tokenizer (``index/bm25.py``); the tables load once per process, when first needed."""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.wordbreaks import dutch_lemmas, dutch_table, lemma_index

# What precedes a compound head must read as Dutch words of MODIFIER_MIN letters or more (the
# lemmas of the Dutch lemma_index), each optionally followed by a linking element: groot|ouders,
# arbeid|s|migranten, kwijtschelding|s|beleid; not weth|ouder, statush|ouders, departe|mentale.
# Or it ends in a hyphen or apostrophe (collega-huisarts), or is the negating on-
# (ontoegankelijk), which keeps the head's topic.
MODIFIER_MIN, LINKING, NEGATION = 3, ("en", "s", "e"), "on"
# A compound is split for search into a noun modifier of SPLIT_MODIFIER_MIN letters or more
# (with an optional linking element) and a head of SPLIT_HEAD_MIN letters or more that is a form of a
# noun: schulden|problematiek, jongeren|werkers, corona|crisis. Shorter heads and other modifiers
# are mostly affixes that happen to be words (ver|schillen, uit|voering, voorzien|ingen).
SPLIT_MODIFIER_MIN, SPLIT_HEAD_MIN = 4, 6


@lru_cache(maxsize=200_000)
def compound_parts(word: str) -> tuple[str, str] | None:
    """``word`` (lower case) as (modifier, head) when it is a compound of two nouns
    (SPLIT_MODIFIER_MIN, SPLIT_HEAD_MIN); the longest head wins (schuld|hulpverlening)."""
    if not word.isalpha():
        return None
    nouns = lemma_index()["noun"]
    for cut in range(SPLIT_MODIFIER_MIN, len(word) - SPLIT_HEAD_MIN + 1):
        modifier, head = word[:cut], word[cut:]
        if _known_piece(modifier, nouns, SPLIT_MODIFIER_MIN) and lemmas(head) & nouns:
            return modifier, head
    return None


def compound_head(word: str, head: str) -> bool:
    """Whether ``word`` is a compound ending in ``head``: what precedes it reads as a modifier.
    ``head`` itself is no compound (equal stems are the caller's case, with its lemma check)."""
    if not word.endswith(head) or word == head:
        return False
    modifier = word[:len(word) - len(head)]
    if modifier[-1] in "-'’":
        return True
    return is_modifier(re.split(r"[-'’]", modifier)[-1])


@lru_cache(maxsize=100_000)
def is_modifier(text: str) -> bool:
    """``text`` is the negating on- or splits into known words, each with an optional linking
    element (kwijtschelding|s, jongere|n is not one: jongeren is itself a lemma)."""
    known = dutch_lemmas()
    return text == NEGATION or _known_piece(text, known, MODIFIER_MIN) or any(
        _known_piece(text[:i], known, MODIFIER_MIN) and is_modifier(text[i:])
        for i in range(MODIFIER_MIN, len(text) - MODIFIER_MIN + 1))


def _known_piece(piece: str, known: frozenset[str], minimum: int) -> bool:
    """``piece`` is a word of ``known``, of ``minimum`` letters or more, optionally followed by a
    linking element."""
    return (len(piece) >= minimum and piece in known) or any(
        piece.endswith(link) and len(piece) - len(link) >= minimum
        and piece[:-len(link)] in known for link in LINKING)


@lru_cache(maxsize=100_000)
def lemmas(word: str) -> frozenset[str]:
    """The lemmas ``word`` can have by spaCy's Dutch lemmatizer tables, for any part of speech:
    its lemma_lookup entry, its lemma_exc exceptions, itself if it is a lemma, and what the
    lemma_rules suffix rules make of it if that is a lemma of the rule's part of speech (talen ->
    taal); empty for a word the tables do not know."""
    lookup, exceptions, rules = (dutch_table(name) for name in
                                 ("lemma_lookup", "lemma_exc", "lemma_rules"))
    found = {str(lookup[word]).lower()} if word in lookup else set()
    for pos, known in lemma_index().items():
        found.update(str(lemma).lower() for lemma in (exceptions.get(pos) or {}).get(word, ()))
        if word in known:
            found.add(word)
        found.update(word[:len(word) - len(old)] + new for old, new in rules.get(pos) or ()
                     if word.endswith(old) and word[:len(word) - len(old)] + new in known)
    return frozenset(found)
