"""Names a question asks about that the library does not hold (issue #19, part 5).

"Wat adviseerde de Gezondheidsraad over ...?" over a library that never names the Gezondheidsraad
must be told so plainly, not answered with a look-alike (another organisation's advice). A name
is a run of capitalised words after the question's first word (core.question_names), kept whole
as the question writes it ("Nationaal Programma Groningen"); a year is 1900-2099. A name is
absent when one of its distinctive words (no function words, no generic words such as
"gemeente" or "programma") occurs nowhere in the library. Every doubt counts as present: a
false "absent" on an answerable question is worse than a miss. So a question most of whose
words are capitalised names nothing (articles and particles aside); an acronym (WNT, MR) is never
claimed absent, since reports often write the full name instead (Wet Normering Topinkomens);
and a word one letter off from a held word (a typo; Irak in a question, Iraq in an English
report) counts as held.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence

from bm25s.stopwords import STOPWORDS_DUTCH

from core.lexical import stemmer
from index.bm25 import dutch_tokenizer

# Words a name is built with that do not tell one organisation, programme or place from another.
_GENERIC = frozenset({
    "gemeente", "gemeenten", "provincie", "provincies", "ministerie", "ministeries", "minister",
    "staatssecretaris", "programma", "programmas", "rapport", "rapporten", "regeling",
    "regelingen", "wet", "wetten", "commissie", "raad", "stichting", "vereniging", "dienst",
    "directie", "afdeling", "bureau", "instituut", "centrum", "fonds", "project", "plan",
    "akkoord", "nota", "brief", "kamerbrief", "motie", "tweede", "eerste", "kamer", "rijk",
    "nationaal", "nationale", "landelijk", "landelijke", "college", "regio", "stad", "dorp",
    "land", "nederland", "nederlandse", "rijksoverheid", "overheid", "kabinet", "mevrouw",
    "meneer", "heer", "dhr", "mw", "prof", "dr",
})
_FUNCTION_WORDS = frozenset(STOPWORDS_DUTCH) | {"wat", "welke", "welk", "hoe", "hoeveel", "waarom",
                                                "wanneer", "wie", "waar", "waarover", "waarmee"}
# Letters and digits; a name's words are joined by spaces, hyphens, slashes or apostrophes.
_TOKEN = re.compile(r"[^\W_]+")
_JOINER = re.compile(r"[\s\-/’']+")
_PARTICLES = frozenset({"van", "de", "der", "den", "ter"})
_ARTICLES = _PARTICLES | {"het", "een", "'t"}
_YEAR = re.compile(r"(?<![\w.,])(?:19|20)\d{2}(?![^\W_]|[.,]\d)")
_SENTENCE_END = re.compile(r"[.?!:;]\s*$")
_CAMEL = re.compile(r"[A-Z]?[a-z\u00df-\u00ff]+|[A-Z]+(?![a-z])|\d+")


def absent_from_library(question: str, holds: Callable[[str], bool]) -> tuple[str, ...]:
    """The names (as written in ``question``) and years it asks about that the library does not
    hold, in the order asked; ``holds(term)`` says whether a lower-case word or a year occurs
    anywhere in the library."""
    absent: list[str] = []
    for name, words in _names(question):
        if not all(_held(word, holds) for word in words):
            absent.append(name)
    for year in _YEAR.findall(question):
        if not holds(year):
            absent.append(year)
    return tuple(dict.fromkeys(absent))


def absence_statement(absent: Sequence[str]) -> str:
    """Plain Dutch for what ``absent`` says the library lacks: "De bibliotheek noemt
    ‘Gezondheidsraad’ nergens." A name is quoted, not given an article: quoted, any name
    (Gezondheidsraad, Zeeland, Limburgse, VUmc) reads right in the same sentence, and "noemt
    nergens" claims exactly what was checked (the name is not in the texts), not that nothing
    about its subject is. Years: "De bibliotheek bevat geen gegevens over 2031."; empty: ""."""
    names = [f"‘{item}’" for item in absent if not _YEAR.fullmatch(item)]
    years = [item for item in absent if _YEAR.fullmatch(item)]
    sentences = []
    if names:
        sentences.append(f"De bibliotheek noemt {_listed(names)} nergens.")
    if years:
        sentences.append(f"De bibliotheek bevat geen gegevens over {_listed(years)}.")
    return " ".join(sentences)


def holds_in(vocabulary: Collection[str], texts: Iterable[str] = ()) -> Callable[[str], bool]:
    """``holds`` over a BM25 vocabulary (``index.bm25.Bm25Index.vocabulary``: the Snowball Dutch
    stems of every word of the chunks' texts) and ``texts`` the index leaves out (section
    headings, titles, publishers), tokenised the same way; a term is held when its stem is."""
    known = set(vocabulary)
    extra = list(texts)
    if extra:
        tokenizer = dutch_tokenizer()
        tokenizer.tokenize(extra, show_progress=False, return_as="ids")
        known |= set(tokenizer.get_vocab_dict()) - {""}
    stem = stemmer("dutch").stemWord

    def holds(term: str) -> bool:
        term = term.lower()
        return term in known or stem(term) in known

    return holds


def _names(question: str) -> list[tuple[str, tuple[str, ...]]]:
    """The question's names as (surface, distinctive lower-case words); a name with no
    distinctive word is left out."""
    if _names_nothing(question):
        return []
    tokens = list(_TOKEN.finditer(question))
    runs: list[list[re.Match[str]]] = []
    run: list[re.Match[str]] = []
    pending: list[re.Match[str]] = []  # particles inside a name: "Ministerie van Justitie"
    for index, token in enumerate(tokens):
        word = token.group()
        before = question[tokens[index - 1].end():token.start()] if index else ""
        opens = index == 0 or _SENTENCE_END.search(question[:token.start()]) is not None
        capitalised = word[0].isupper() and not opens
        joined = run and _JOINER.fullmatch(before or " ") is not None
        if capitalised and joined:
            run.extend(pending)
            run.append(token)
            pending = []
        elif capitalised:
            runs.append(run)
            run, pending = [token], []
        elif run and joined and word.lower() in _PARTICLES and len(pending) < 2:
            pending.append(token)
        else:
            runs.append(run)
            run, pending = [], []
    runs.append(run)
    names = []
    for run in filter(None, runs):
        words = tuple(token.group().lower() for token in run
                      if token.group()[0].isupper() and _distinctive(token.group()))
        if words:
            names.append((question[run[0].start():run[-1].end()], words))
    return names


def _names_nothing(question: str) -> bool:
    """No capitalised word after the first, or most of them capitalised (a question typed in
    capitals or title case). Articles and particles are not counted: in "Wie schilderde De
    Nachtwacht?" the name's own "De" does not make the question title case."""
    words = [word for word in _TOKEN.findall(question)[1:]
             if not word.isdigit() and word.lower() not in _ARTICLES]
    capitalised = sum(word[0].isupper() for word in words)
    return not capitalised or 2 * capitalised > len(words)


def _distinctive(word: str) -> bool:
    """Whether ``word`` tells a name apart and can be checked: no function or generic word, no
    acronym (no lower-case letter), no number."""
    lower = word.lower()
    return (len(word) > 1 and word != word.upper() and not lower.isdigit()
            and lower not in _FUNCTION_WORDS and lower not in _GENERIC)


def _held(word: str, holds: Callable[[str], bool]) -> bool:
    """Whether the library holds ``word`` in some form: as written, as the place an adjective or
    inhabitant names (Limburgse, Rotterdammers), or, for a word joined from capitalised parts
    (MijnOmgeving, OpenVWS), as all its parts."""
    lower = word.lower()
    if any(holds(form) for form in _forms(lower)):
        return True
    if len(lower) >= 4 and any(holds(near) for near in _one_letter_off(lower)):
        return True
    parts = [part.lower() for part in _CAMEL.findall(word)]
    meaningful = [part for part in parts if len(part) > 1 and part not in _FUNCTION_WORDS]
    return len(parts) > 1 and bool(meaningful) and all(holds(part) for part in meaningful)


def _forms(word: str) -> list[str]:
    """``word`` and the places an adjective or inhabitant may name: Limburgse, Rotterdammers,
    Leidse (Leiden), Friese (Friesland)."""
    forms = [word]
    for suffix in ("se", "s", "ers", "er"):
        base = word[:-len(suffix)]
        if not word.endswith(suffix) or len(base) < 3:
            continue
        bases = [base, base[:-1]] if len(base) > 3 and base[-1] == base[-2] else [base]
        forms += [place + ending for place in bases for ending in ("", "en", "land")]
    return forms


def _one_letter_off(word: str) -> set[str]:
    """The words one deletion, swap, replacement or insertion away from ``word``."""
    letters = set("abcdefghijklmnopqrstuvwxyz") | set(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    near = {left + right[1:] for left, right in splits if right}
    near |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    near |= {left + letter + right[1:] for left, right in splits if right for letter in letters}
    near |= {left + letter + right for left, right in splits for letter in letters}
    near.discard(word)
    return near


def _listed(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} en {items[-1]}"
