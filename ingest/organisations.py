"""Which organisations a text names, and whether a PDF's Title or Author field can be believed.

Organisations are found by general Dutch patterns ("Ministerie van X", "Gemeente X",
"Tweede Kamer der Staten-Generaal", a parliamentary "vaste commissie voor ...", a name followed
by its own initials in brackets) and by a short list of bodies known by name, acronym or web
address. A ministry is named by its usual acronym ("Ministerie van Volksgezondheid, Welzijn en
Sport" -> "Ministerie van VWS") so that one ministry is one publisher however it is written.
"""

from __future__ import annotations

import re

# Ministries by the first word of their name (the names changed over the years; the first word
# did not): the acronym the government itself uses.
_MINISTRY_ACRONYMS = {
    "volksgezondheid": "VWS", "onderwijs": "OCW", "sociale": "SZW", "binnenlandse": "BZK",
    "landbouw": "LNV", "infrastructuur": "IenW", "economische": "EZK", "buitenlandse": "BZ",
    "algemene": "AZ", "financiën": "Financiën", "financien": "Financiën", "defensie": "Defensie",
}
_ACRONYM_MINISTRIES = {"VWS", "OCW", "SZW", "BZK", "LNV", "IenW", "EZK", "BZ", "AZ", "JenV", "VenJ"}
_NAME_WORD = r"[A-ZÀ-Ý][\wÀ-ÿ'’-]+"
_MINISTRY = re.compile(  # "Ministerie van Onderwijs,Cultuur en Wetenschap", "ministerie van VWS"
    r"\b[Mm]inisterie van (" + _NAME_WORD + r"(?:(?:,\s*|\s+en\s+|\s+)" + _NAME_WORD + r")*)")
_MUNICIPALITY = re.compile(r"\bGemeente\s+((?:'s-)?" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r")?)")
_ACRONYM_INTRO = re.compile(r"((?:" + _NAME_WORD + r"\s+){1,6}" + _NAME_WORD + r")\s+\(([A-Z]{2,6})\)")
_KNOWN = {
    name: re.compile(pattern) for name, pattern in {
        "GezondIn": r"\bGezond\s?[Il]n\b", "Pharos": r"\bPharos\b", "Platform31": r"\bPlatform\s?31\b",
        "VNG": r"\bVNG\b|Vereniging van Nederlandse Gemeenten",
        "SCP": r"\bSCP\b|Sociaal en Cultureel Planbureau",
        "SER": r"\bSER\b|Sociaal-Economische Raad", "RVS": r"\bRVS\b|Raad voor Volksgezondheid",
        "RIVM": r"\bRIVM\b|Rijksinstituut voor Volksgezondheid(?:\s+en\s+Milieu)?",
        "CBS": r"\bCBS\b", "WRR": r"\bWRR\b",
        "GGD": r"\bGGD\b", "Movisie": r"\bMovisie\b", "Erasmus Universiteit": r"\bErasmus\b",
        "Nivel": r"\bNivel\b",
        "DUS-I": r"\bDUS-I\b|Dienst Uitvoering\s+Subsidies|\bdus-i\.nl\b",
        "Ministerie van VWS": r"\bminvws\.nl\b",
        "Tweede Kamer der Staten-Generaal": r"\bTweede Kamer der\s+Staten-Generaal\b"
                                            r"|\b[Vv]aste commissie voor\b",
        "Eerste Kamer der Staten-Generaal": r"\bEerste Kamer der\s+Staten-Generaal\b",
        "United Nations Security Council": r"\bSecurity Council\b",
        "United Nations": r"\bUnited Nations\b(?!\s+Security)",
    }.items()
}
# Words that make a PDF Author field an organisation rather than a person's or account's name.
_ORGANISATION_WORDS = re.compile(
    r"\b(ministerie|gemeente|provincie|dienst|raad|instituut|universiteit|hogeschool|stichting|"
    r"vereniging|kamer|planbureau|bureau|commissie|agentschap|inspectie|college|centrum|"
    r"platform|council|nations|institute|university|b\.?v\.?|n\.?v\.?)\b", re.IGNORECASE)
# What a document's software, a file or an account puts in Title/Author, never a reader.
_SOFTWARE = re.compile(r"\b(microsoft|word|excel|powerpoint|office|adobe|acrobat|indesign|"
                       r"libreoffice|openoffice|writer|pdf|pscript|untitled|naamloos)\b",
                       re.IGNORECASE)
_FILE_NAME = re.compile(r"\.(docx?|xlsx?|pptx?|pdf|odt|rtf|xml|tmp|txt)\b|~\$|~", re.IGNORECASE)
_ACCOUNT = re.compile(r"\b(user|gebruiker|admin|beheerder)\b|_|^[a-z]+\d*$|^[A-Za-z]+\d+$",
                      re.IGNORECASE)
# Words that stand in a Title field for a template part, not for this document's title.
_PLACEHOLDERS = {"logo", "agenda", "titel", "title", "document", "sjabloon", "template", "concept",
                 "memo", "brief", "notitie", "rapport", "eindrapportage", "presentatie"}


def organisations(text: str, introductions: bool = True) -> list[str]:
    """The organisations the text names, each once, in order of first appearance.
    ``introductions``: also a name followed by its initials ("Landelijke Coördinatie
    Infectieziektebestrijding (LCI)"), which in running text is as often a body the report
    is about as its publisher."""
    found: list[tuple[int, str]] = []
    for match in _MINISTRY.finditer(text):
        found.append((match.start(), ministry(match.group(1))))
    for match in _MUNICIPALITY.finditer(text):
        found.append((match.start(), f"Gemeente {match.group(1)}"))
    for name, pattern in _KNOWN.items():
        found += [(match.start(), name) for match in pattern.finditer(text)]
    for match in _ACRONYM_INTRO.finditer(text if introductions else ""):
        words, acronym = match.group(1).split(), match.group(2)
        initials = "".join(word[0] for word in words if word[0].isupper())
        if initials.endswith(acronym) and not any(n in _KNOWN and _KNOWN[n].search(match.group(0))
                                                  for n in _KNOWN):
            found.append((match.start(), acronym))
    names: list[str] = []
    for _, name in sorted(found):
        if name not in names:
            names.append(name)
    return names


def name_spans(text: str) -> list[tuple[int, int]]:
    """Where in the text organisations are named (start, end), by the same patterns."""
    return [match.span() for pattern in (_MINISTRY, _MUNICIPALITY, *_KNOWN.values())
            for match in pattern.finditer(text)]


def ministry(name: str) -> str:
    """ "Volksgezondheid, Welzijn en Sport" -> "Ministerie van VWS"; an unknown ministry keeps
    its name ("Ministerie van Justitie")."""
    name = " ".join(name.split())
    if name in _ACRONYM_MINISTRIES:
        return f"Ministerie van {name}"
    acronym = _MINISTRY_ACRONYMS.get(name.split()[0].rstrip(",").lower())
    return f"Ministerie van {acronym or name.rstrip(',')}"


def is_organisation_line(text: str) -> bool:
    """Whether a line is an organisation's name and little else (a letterhead, a cover's
    publisher line): at most two other words besides the names."""
    names = organisations(text)
    if not names:
        return False
    rest = text
    for pattern in (_MINISTRY, _MUNICIPALITY, _ACRONYM_INTRO, *_KNOWN.values()):
        rest = pattern.sub(" ", rest)
    return len(re.findall(r"[^\W\d_]{2,}", rest)) <= 2


def field_is_junk(value: str) -> bool:
    """A PDF field that software, a file or an account filled in: software names
    ("Microsoft Word - x.docx", "PowerPoint"), file names, account ids ("berr0904",
    "DGAACS User", "TIMMERS_J"), or no word at all ("1")."""
    value = value.strip()
    return (not re.search(r"[^\W\d_]{2,}", value) or bool(_SOFTWARE.search(value))
            or bool(_FILE_NAME.search(value)) or bool(_ACCOUNT.search(value)))


def plausible_title(value: str) -> bool:
    """Whether a PDF Title field looks like a title: no junk, at least two words, beginning
    with a capital or digit, no placeholder word first ("Logo", "AGENDA"), no runs of spaces
    (a text box copied whole), and not just an organisation's name."""
    value = value.strip()
    words = value.split()
    return (not field_is_junk(value) and len(words) >= 2 and (value[0].isupper() or value[0].isdigit())
            and words[0].lower().strip(":") not in _PLACEHOLDERS and "   " not in value
            and not is_organisation_line(value))


def plausible_publisher(value: str) -> str:
    """A PDF Author field as a publisher, or '' when it is not one: the organisations it names
    ("Ministerie van Volksgezondheid" -> "Ministerie van VWS"), or the field itself when it holds
    an organisation word or is a list of three or more names (a report's authors); a person's
    name ("Margo Welling", "Linden, J.C. van der"), an account or software never."""
    value = " ".join(value.split())
    if not value or field_is_junk(value):
        return ""
    names = organisations(value)
    if names:  # as written when that spells every name, else the names as they are known
        spelled = all(name.lower() in value.lower() for name in names)
        return value if spelled else ", ".join(names)
    if _ORGANISATION_WORDS.search(value) or len([p for p in value.split(",") if p.strip()]) >= 3:
        return value
    return ""
