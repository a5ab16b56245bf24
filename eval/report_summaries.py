"""Report summaries against each report's own summary or introduction: ROUGE-L of ours beside a
lead and a random baseline, and the verbatim check of every sentence of every report summary.

The reference is the first section headed like a summary ("Samenvatting", "Kernboodschappen",
...), else the first headed like an introduction ("Inleiding", ...), in the report's clean blocks:
from the heading to the next heading. Since a summary that copies the reference scores high
trivially, the summary is scored twice: as shipped (with the share of its words taken from the
reference), and with the reference held out, i.e. made by the same summariser from every other
sentence of the report. The baselines never see the reference: the lead takes the first whole
sentences after it, the random baseline whole sentences drawn from the rest of the report.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass, field

from core.models import DocumentInfo, Summary
from core.whole_sentence import is_whole_sentence
from eval.matching import normalise
from eval.metrics import Rouge, rouge_l
from eval.verbatim import Sources, SourceText, check_summary
from summarise.report import REPORT_WORDS

SUMMARY_HEADINGS = ("samenvatting", "management samenvatting", "managementsamenvatting",
                    "kernboodschappen", "kernpunten", "belangrijkste bevindingen", "in het kort")
INTRODUCTION_HEADINGS = ("inleiding", "introductie")
MIN_REFERENCE_WORDS = 40
RANDOM_DRAWS = 20  # seeds 0..19, scores averaged
_NUMBERING = re.compile(r"^\d+(\.\d+)*\.?\s+")


@dataclass(frozen=True)
class Reference:
    heading: str
    text: str
    page: int


@dataclass
class ReportRow:
    """One report: its reference (if any), ROUGE-L of each summary against it, and which
    sentences of the shipped summary are not verbatim on their cited page."""

    file: str
    title: str
    summary_words: int
    verbatim_checked: int
    verbatim_failures: list[dict] = field(default_factory=list)  # text, page, found_on
    reference_heading: str | None = None
    reference_page: int | None = None
    reference_words: int = 0
    from_reference: float | None = None  # share of the shipped summary's words in the reference
    shipped: dict | None = None  # ROUGE-L precision, recall, f1
    held_out: dict | None = None
    lead: dict | None = None
    random: dict | None = None


def evaluate_report_summaries(library, sources: Sources) -> list[ReportRow]:
    """Summarise every report that is not a duplicate, check it and score it."""
    return [_evaluate(library, info, sources)
            for info in library.documents() if not info.duplicate_of]


def find_reference(source: SourceText) -> Reference | None:
    """The report's own summary, else its introduction; None when it has neither."""
    for names in (SUMMARY_HEADINGS, INTRODUCTION_HEADINGS):
        for index, block in enumerate(source.blocks):
            if block.kind == "heading" and _heading_name(block.text) in names:
                body = []
                for following in source.blocks[index + 1:]:
                    if following.kind == "heading":
                        break
                    body.append(following.text)
                text = "\n\n".join(body)
                if len(text.split()) >= MIN_REFERENCE_WORDS:
                    return Reference(block.text, text, block.page)
    return None


def _heading_name(text: str) -> str:
    return _NUMBERING.sub("", " ".join(text.split())).strip(" :").lower()


def _evaluate(library, info: DocumentInfo, sources: Sources) -> ReportRow:
    shipped = library.summarise_report(info.doc_id)
    checks = check_summary(shipped, sources)
    row = ReportRow(
        file=info.file, title=info.title, summary_words=_words(shipped),
        verbatim_checked=len(checks),
        verbatim_failures=[{"text": c.text, "page": c.page, "found_on": list(c.found_on)}
                           for c in checks if not c.ok],
    )
    reference = find_reference(sources.get(info.file))
    if reference is None:
        return row
    inside = normalise(reference.text)
    stored = library.store.sentences_where({"doc_id": info.doc_id})
    in_reference = {s.sentence_id for s in stored if normalise(s.text) in inside}
    held_out = library.summarise_report(info.doc_id, leave_out=in_reference)
    rest = [s.text for s in stored if s.sentence_id not in in_reference and is_whole_sentence(s.text)]
    after = max((i for i, s in enumerate(stored) if s.sentence_id in in_reference), default=-1)
    lead = _within_budget([s.text for s in stored[after + 1:] if is_whole_sentence(s.text)])
    copied = sum(len(s.text.split()) for s in shipped.sentences if normalise(s.text) in inside)
    row.reference_heading, row.reference_page = reference.heading, reference.page
    row.reference_words = len(reference.text.split())
    row.from_reference = copied / max(row.summary_words, 1)
    row.shipped = asdict(rouge_l(reference.text, _text(shipped)))
    row.held_out = asdict(rouge_l(reference.text, _text(held_out)))
    row.lead = asdict(rouge_l(reference.text, " ".join(lead)))
    row.random = asdict(_mean([rouge_l(reference.text, " ".join(_random_draw(rest, seed)))
                               for seed in range(RANDOM_DRAWS)]))
    return row


def _random_draw(sentences: list[str], seed: int) -> list[str]:
    """Sentences drawn at random (fixed seed) up to the word budget, in document order."""
    order = list(range(len(sentences)))
    random.Random(seed).shuffle(order)
    picked = order[:len(_within_budget([sentences[i] for i in order]))]
    return [sentences[i] for i in sorted(picked)]


def _within_budget(sentences: list[str], budget: int = REPORT_WORDS) -> list[str]:
    """The sentences in order while they fit the budget (the first always)."""
    taken, words = [], 0
    for sentence in sentences:
        length = len(sentence.split())
        if taken and words + length > budget:
            break
        taken.append(sentence)
        words += length
    return taken


def _mean(scores: list[Rouge]) -> Rouge:
    return Rouge(*(sum(getattr(s, name) for s in scores) / len(scores)
                   for name in ("precision", "recall", "f1")))


def _words(summary: Summary) -> int:
    return sum(len(s.text.split()) for s in summary.sentences)


def _text(summary: Summary) -> str:
    return " ".join(s.text for s in summary.sentences)

