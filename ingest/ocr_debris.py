"""What OCR leaves in a text, repaired or dropped, and how much of a text reads as Dutch.

Applied only to pages whose text came from OCR (Tesseract at ingest, or an OCR layer made by
others, as in the VWS Woo scans): a born-digital page keeps its `|` and brackets. The repairs,
each seen in the Woo files of the development corpus:

- Woo redaction codes (``5.1.2e``, ``51.2e``, ``512e``, ``5.1.2¢``, ``si2e``) and the black
  redaction boxes OCR reads as capitals (``[JEXEZIN``, ``[EEE``, ``BE|``, ``IEE``) become one
  ``[…]``: the quote shows that something was left out, without the noise.
- A stray ``|`` glued to a word (``|leerlingen``, ``3|``) goes; one inside a word becomes the
  letter that makes it a Dutch word (else it goes).
- ``{``/``}`` become round brackets, and a round bracket closed by ``]`` is closed by ``)``.
- ``l`` among capitals is ``I`` (``CoronlT`` -> ``CoronIT``), ``I`` inside a lower-case word is
  ``l``; an unknown word that becomes a Dutch word by one common confusion is read as that word
  (``patiénten`` -> ``patiënten``, ``coodrdinatie`` -> ``coördinatie``).
- OCR'd bullet marks (``«``, ``°``) become ``•``; a bullet alone on its line joins the next.

``known_word_share`` is the measure: the share of a text's words that the Dutch word list
(spacy-lookups-data's tables, spaCy's Dutch stop words, their regular inflections and two-part
compounds) knows. It also decides when an OCR layer is "mostly noise" (ingest/readers.py).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from ingest.wordbreaks import dutch_table, is_dutch_word

REDACTED = "[…]"
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_MIN_COMPOUND_PART = 4
_MIN_STEM = 3  # an inflection is read off a stem of at least this many letters
# A Woo redaction ground (Wet open overheid art. 5.1.1/5.1.2 sub a-i) as OCR renders it.
_CODE = re.compile(r"(?<![\w.,])[5s][.,]?\s?[1iIl][.,]?\s?[12][.,]?\s?[a-i¢](?![\w])")
# A redaction box read as letters: a capital after "[" (with its "]"), or capitals glued to a
# bracket or bar, or capitals made mostly of E (checked against the word list below).
_BOX_BRACKETED = re.compile(r"\[[A-Z][A-Za-z]{0,15}\]?|(?<!\S)[A-Z]{1,5}[|\[\]][()\[\]|]*(?!\S)")
_BOX_CAPITALS = re.compile(r"(?<!\S)[A-Z]{3,8}[.,)]?(?!\S)")
_RUN_OF_REDACTIONS = re.compile(r"\[…\](?:[\s,;]*\[…\])+")
_GLUED_BAR = re.compile(r"(?<=\w)\|(?!\w)|(?<!\w)\|(?=\w)")
_INNER_BAR = re.compile(r"\w+\|\w+")
_L_AMONG_CAPITALS = re.compile(r"(?<=[A-Za-z])l(?=[A-Z]+\b)|(?<=[A-Z])l(?=[A-Z])|\bl(?=[A-Z]{2,}\b)")
_I_IN_LOWER = re.compile(r"(?<=[a-z])I(?=[a-z])")
_ROUND_CLOSED_SQUARE = re.compile(r"\(([^()\[\]]{1,80})\]")
_BULLET = re.compile(r"^[«°]\s*")
_LONE_BULLET = re.compile(r"^[-•·*–«°¢]$")
# Characters OCR confuses in Dutch text, tried on an unknown word: the first reading the word
# list knows wins.
_CONFUSIONS = (("é", "ë"), ("od", "ö"), ("d", "ö"), ("I", "l"), ("l", "I"), ("rn", "m"), ("ii", "ü"))


def repair_debris(text: str) -> str:
    """``text`` (one page of OCR output, lines separated by newlines) with its debris repaired."""
    lines = [_repair_line(line) for line in text.split("\n")]
    return "\n".join(_join_lone_bullets(lines))


def known_word_share(text: str) -> tuple[float, int]:
    """The share of the words (two letters or more) of ``text`` the Dutch word list knows, and
    how many words were counted; (0.0, 0) for a text without words."""
    words = [word for word in _WORD.findall(text) if len(word) >= 2]
    if not words:
        return 0.0, 0
    return sum(is_known(word) for word in words) / len(words), len(words)


@lru_cache(maxsize=200_000)
def is_known(word: str) -> bool:
    """Whether the Dutch word list knows ``word``: as is, by a regular inflection (spaCy's Dutch
    lemmatizer rules), with a possessive 's, or as a compound of two known words."""
    word = word.lower().replace("’", "'")
    if _known_form(word):
        return True
    parts = word.split("-")
    if len(parts) > 1 and all(part and _known_form(part) for part in parts):
        return True
    return any(_known_form(word[:cut]) or (word[cut - 1] == "s" and _known_form(word[:cut - 1]))
               for cut in range(_MIN_COMPOUND_PART, len(word) - _MIN_COMPOUND_PART + 1)
               if _known_form(word[cut:]))


def _known_form(word: str) -> bool:
    if word in _stop_words() or is_dutch_word(word):
        return True
    stem = re.sub(r"'s$", "", word)
    if stem != word and is_dutch_word(stem):
        return True
    return any(word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM
               and is_dutch_word(word[:len(word) - len(suffix)] + replacement)
               for suffix, replacement in _suffix_rules())


@cache
def _suffix_rules() -> tuple[tuple[str, str], ...]:
    """spaCy's Dutch lemmatizer suffix rules of every part of speech, plus the plural -s."""
    rules = {("s", "")}
    for entries in dutch_table("lemma_rules").values():
        rules.update((suffix, replacement) for suffix, replacement in entries
                     if suffix.isalpha())
    return tuple(sorted(rules, key=lambda rule: -len(rule[0])))


@cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.nl.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _repair_line(line: str) -> str:
    line = line.replace("{", "(").replace("}", ")")
    line = _ROUND_CLOSED_SQUARE.sub(r"(\1)", line)
    line = _CODE.sub(REDACTED, line)
    line = _BOX_BRACKETED.sub(f" {REDACTED} ", line)
    line = _BOX_CAPITALS.sub(_box_of_capitals, line)
    line = _RUN_OF_REDACTIONS.sub(REDACTED, line)
    line = _INNER_BAR.sub(lambda m: _best_reading(m.group(0), ("l", "i", "I", "")), line)
    line = _GLUED_BAR.sub("", line)
    line = _L_AMONG_CAPITALS.sub("I", line)
    line = _WORD.sub(_confusion_repaired, line)
    line = _BULLET.sub("• ", line)
    return re.sub(r" {2,}", " ", line).strip()


def _box_of_capitals(match: re.Match[str]) -> str:
    """Capitals with a double E that are no word (IEE, EEE, JEEH) are a redaction box; a double
    I is not enough (a mask of type IIR)."""
    token = match.group(0)
    letters = token.rstrip(".,)")
    boxy = "EE" in letters
    return REDACTED if boxy and not is_known(letters) else token


def _best_reading(token: str, fills: tuple[str, ...]) -> str:
    readings = [token.replace("|", fill) for fill in fills]
    return next((r for r in readings if r and all(is_known(w) for w in _WORD.findall(r))),
                readings[-1])


def _confusion_repaired(match: re.Match[str]) -> str:
    word = match.group(0)
    if is_known(word) or len(word) < 3:
        return word
    word = _I_IN_LOWER.sub("l", word) if word[0].islower() else word
    if is_known(word):
        return word
    for wrong, right in _CONFUSIONS:
        start = word.find(wrong)
        while start >= 0:
            candidate = word[:start] + right + word[start + len(wrong):]
            if is_known(candidate):
                return candidate
            start = word.find(wrong, start + 1)
    return match.group(0)


def _join_lone_bullets(lines: list[str]) -> list[str]:
    joined: list[str] = []
    for line in lines:
        if joined and _LONE_BULLET.match(joined[-1].strip()) and line.strip():
            joined[-1] = f"• {line.strip()}"
        else:
            joined.append(line)
    return joined
