"""Present an EvalResult: the console table, eval/report.md with the definitions, PNG plots."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from eval.metadata_score import markdown_lines, summary_lines
from eval.runner import EvalResult, K

COLUMNS = (  # (figure key, header, kind)
    ("recall@5", "R@5", "ratio"), ("recall@10", "R@10", "ratio"), ("mrr@10", "MRR@10", "ratio"),
    ("ndcg@10", "nDCG@10", "ratio"), ("citation_precision", "CitePrec", "ratio"),
    ("gold_quote_precision", "GoldPrec", "ratio"), ("judged_share", "Judged", "ratio"),
    ("answers_citing_relevant", "CitesRel", "ratio"),
    ("answers_citing_relevant_sentence", "CitesRelSent", "ratio"), ("verbatim", "Verbatim", "ratio"),
    ("refusal_accuracy", "RefuseAcc", "ratio"),
    ("false_refusal_rate", "FalseRef", "ratio"), ("rouge_l_recall", "ROUGE-L", "ratio"),
    ("ask_ms_p50", "ask p50", "ms"), ("ask_ms_p95", "ask p95", "ms"),
    ("search_ms_p50", "ret p50", "ms"), ("search_ms_p95", "ret p95", "ms"),
)
NO_TAGGER = "n/a (no tagger)"
NO_PASSAGES = "not scored (this library has no labelled passages)"

DEFINITIONS = f"""\
## Definitions

- **Relevant chunk.** A retrieved chunk (or naive window) is relevant when it matches one of the
  question's gold quotes: after normalisation (Unicode NFKC, typographic quotes and dashes unified,
  soft hyphens dropped, a hyphen between letters removed with the whitespace after it, so
  `gezond- heid` = `gezondheid`; lower case; whitespace collapsed) it contains the quote, or it
  contains at least 60% of the quote's words as one contiguous run (a quote cut by a chunk
  boundary still counts). The file named next to a quote is not required: the same sentence in a
  twin report is the same evidence. A quote listed twice (for two twin files) counts once.
- **Retrieval** (answerable questions only, top {K} of `Library.search`, or of the naive index):
  Recall@k = share of the question's quotes matched by at least one of the top k results;
  MRR@10 = 1 / rank of the first relevant result (0 if none); nDCG@10 with binary gains where a
  result gains 1 only when it matches a quote no higher result matched, normalised by the ideal
  of min(10, number of quotes) hits at the top. All are means over questions.
- **CitePrec** (citation precision): over every sentence cited in the answers to answerable
  questions, the share that is relevant: the sentence contains one of the question's gold quotes
  (as a relevant chunk does, above) or is part of one (a run of its words holding a content
  word, so a lone table cell or list number inside it is not), or it was judged relevant in
  `eval/gold/judgments.jsonl` for this question, file and page. The judgments were made by hand
  from the pooled citations of all four systems (TREC-style pooling; see "Citation judgments").
  A cited sentence nobody judged counts as not relevant, so a later change to the pipeline that
  cites new sentences cannot raise the figure until they are judged: **Judged** is the share of
  cited sentences that hold a gold quote or were judged (the judgment coverage).
- **GoldPrec** (gold-quote precision, the strict figure of earlier reports): the share of cited
  sentences whose source chunk (the retrieved chunk of the cited document that contains the
  sentence) is relevant. With usually one quote per question, any other sentence that answers
  the question counts as wrong here.
- **CitesRel**: among answerable questions the system answered, the share whose answer cites at
  least one relevant chunk.
- **CitesRelSent**: the same share with a relevant *sentence* cited (relevant as CitePrec counts
  it: it holds or is part of a gold quote, or was judged relevant). This is the figure issue #19's
  target "answers citing a relevant sentence" means; CitesRel, the chunk-level figure, is higher.
- **Verbatim**: over every sentence of every answer (answerable questions or not), the share
  that is a verbatim sentence of the page it cites: the report file is read and cleaned again by
  the ingest reader and cleaner (`eval/verbatim.py`), independent of chunking and the index, and
  the sentence must occur in it as one run of words and punctuation starting on the cited page
  (it may run on to the next page). Compared after normalisation (case, whitespace, typographic
  quotes and dashes, soft and line-break hyphens); table cells that run over pages are placed
  on their pages by the reader. The naive baseline cites the page its window starts on, which is
  often not the page of the sentence. Report summaries are checked the same way (below).
- **Report summaries**: `Library.summarise_report` (as `rapportwijzer summarise`) on every
  report that is not a duplicate. The reference is the report's own summary: the first section
  headed "Samenvatting", "Management samenvatting", "Kernboodschappen", "Kernpunten",
  "Belangrijkste bevindingen" or "In het kort", else its introduction ("Inleiding",
  "Introductie"), from that heading to the next heading in the clean text (at least 40 words; a
  report without one has no scores). ROUGE-L on Dutch stems as above, given as F1 (precision
  and recall in `eval/out/results.json`). A summary that copies the reference scores high
  trivially, so ours is scored twice: *as shipped*, with *from ref* the share of its words
  taken from the reference, and *held out*, made by the same summariser from every sentence of
  the report except the reference's. Only the held-out score compares fairly with the
  baselines, which never see the reference: *lead* = the first whole sentences after the
  reference, up to the same 250-word budget; *random* = whole sentences outside the
  reference drawn at random up to the budget, in document order, averaged over seeds 0-19.
- **RefuseAcc**: share of unanswerable questions refused (`Summary.answered` is false).
  **FalseRef**: share of answerable questions refused. The naive baseline never refuses.
- **ROUGE-L**: recall of the longest common subsequence of Dutch-stemmed (Snowball) lower-case
  words, reference answer against the answer text (its cited sentences joined), averaged over
  answerable questions; a refusal scores 0.
- **Latency**: wall-clock time in this process of one `ask` (retrieval + summarising) and,
  separately, of one retrieval alone (`Library.search`, k={K}), over all questions, after one
  untimed warm-up question per system; p50/p95 by linear interpolation. Systems run interleaved
  question by question, so background load affects them alike.
- **Themes**: the tagger (`Library.tagger.tag`) on the labelled passages: per-theme precision,
  recall and F1, micro F1 over the pooled counts, macro F1 as the unweighted mean over the
  taxonomy's themes (a zero denominator counts as 0). The tagger's thresholds are calibrated on
  a split of `eval/gold/passages.jsonl` (see `corpus/themes.calibration.json`), so its scores on
  that file are partly in-sample; pass a held-out file with `--passages` for an unbiased figure.
- **Metadata**: every file of the evaluated folder parsed as ingest parses it
  (`eval/metadata_score.py`), its title and publisher compared with `metadata.jsonl` beside the
  folder (`eval/real/metadata.jsonl`) or, without one, with the folder's `manifest.toml`, the
  files then parsed without their manifest entry so that detection alone is scored. Title right:
  equal after normalisation to the truth or an alias, or the main words of one all in the other
  and at least half of the other's; publisher right: the detected publisher names the truth's or
  an alias (or one of their parts around "/", brackets, "in opdracht van").
- **Systems**: `hybrid` = the full pipeline (dense + BM25, reciprocal rank fusion, extractive
  cited summary with refusal); `bm25` and `dense` = the same pipeline with one retriever;
  `naive` = fixed 1,000-character windows of the clean text, dense only (same embedder, its own
  Chroma collection), the answer being the retrieved windows' sentences most similar to the
  question under the same word budget, citing the page where the window starts.
"""


def format_table(result: EvalResult) -> str:
    """The console table: one row per system, then the theme rows."""
    header = ["system", *(title for _, title, _ in COLUMNS)]
    rows = [[name, *(_cell(figures.get(key), kind) for key, _, kind in COLUMNS)]
            for name, figures in result.systems.items()]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.rjust(w) if i else cell.ljust(w)
                       for i, (cell, w) in enumerate(zip(row, widths)))
             for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    meta = result.meta
    lines.insert(0, f"{meta.get('corpus', 'corpus')}: {meta['questions']} questions "
                    f"({meta['answerable']} answerable, "
                    f"{meta['unanswerable']} unanswerable), {meta['documents']} documents, "
                    f"embedder {meta['embedder']}; latencies in ms")
    lines.insert(1, held_out_line(meta))
    lines += ["", *_verbatim_lines(result), *_tentative_lines(result), "", *_report_lines(result),
              "", *_theme_lines(result)]
    if result.meta.get("metadata"):
        lines += ["", *summary_lines([result.meta["metadata"]])]
    return "\n".join(lines)


def held_out_line(meta: dict) -> str:
    """How many questions the pipeline answered leave-one-document-out."""
    return (f"Pipeline answers leave-one-document-out: {meta.get('held_out_models', 0)} of "
            f"{meta['questions']} questions answered by the relevance model trained without their "
            f"document (the others by the shipped model).")


def write_markdown(result: EvalResult, path: Path, plots: list[Path]) -> Path:
    """Write the report: table, themes, misses, plots and the definitions of every figure."""
    meta = result.meta
    header = ["system", *(title for _, title, _ in COLUMNS)]
    lines = [
        "# Evaluation report", "",
        f"Run of {date.today().isoformat()} by `rapportwijzer eval` on "
        f"`{meta.get('corpus', 'corpus')}`: {meta['questions']} questions "
        f"({meta['answerable']} answerable, {meta['unanswerable']} unanswerable), "
        f"{meta['passages']} labelled passages, {meta['documents']} indexed documents, "
        f"embedder `{meta['embedder']}`. Latencies in milliseconds. {held_out_line(meta)}", "",
        "| " + " | ".join(header) + " |", "|" + "---|" * len(header),
    ]
    for name, figures in result.systems.items():
        cells = [_cell(figures.get(key), kind) for key, _, kind in COLUMNS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", *_verbatim_lines(result), "", *_tentative_lines(result), "",
              *_failures_markdown(result), "",
              "## Report summaries", "", *_report_markdown(result), "",
              "## Citation judgments", "", *_judgment_markdown(result), "",
              "## Themes", "", *_theme_markdown(result), "", *_misses(result), "",
              "## Metadata", "", *markdown_lines([m for m in [result.meta.get("metadata")] if m]),
              ""]
    if plots:
        lines += ["## Plots", ""]
        lines += [f"![{p.stem}]({Path(os.path.relpath(p, path.parent)).as_posix()})" for p in plots]
        lines.append("")
    lines.append(DEFINITIONS)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_plots(result: EvalResult, out_dir: Path) -> list[Path]:
    """Recall@k curves per system, latency box plots, and per-theme F1 when there is a tagger."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, figures in result.systems.items():
        curve = figures["recall_at_k"]
        if all(value is not None for value in curve):
            ax.plot(range(1, len(curve) + 1), curve, marker="o", label=name)
    ax.set(xlabel="k", ylabel="Recall@k", ylim=(0, 1.02), title="Recall@k per system")
    ax.set_xticks(range(1, K + 1))
    ax.grid(alpha=0.3)
    ax.legend()
    paths.append(_save(fig, out_dir / "recall_at_k.png"))

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    names = list(result.systems)
    for ax, key, title in ((axes[0], "ask_ms", "ask (retrieve + summarise)"),
                           (axes[1], "search_ms", "retrieval alone")):
        data = [[getattr(r, key) for r in result.runs if r.system == name] for name in names]
        ax.boxplot(data, tick_labels=names, showfliers=True)
        ax.set(ylabel="ms", title=f"Latency: {title}")
        ax.grid(alpha=0.3, axis="y")
    paths.append(_save(fig, out_dir / "latency.png"))

    if result.themes:
        per_theme = result.themes["per_theme"]
        fig, ax = plt.subplots(figsize=(7, 0.35 * len(per_theme) + 1.2))
        ax.barh(list(per_theme), [prf["f1"] for prf in per_theme.values()])
        ax.invert_yaxis()
        ax.set(xlabel="F1", xlim=(0, 1), title="Theme tagger F1 per theme")
        paths.append(_save(fig, out_dir / "theme_f1.png"))
    return paths


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path


def _cell(value, kind: str) -> str:
    if value is None:
        return "n/a"
    return f"{value:.0f}" if kind == "ms" else f"{value:.3f}"


def _theme_lines(result: EvalResult) -> list[str]:
    themes = result.themes
    if themes is None and not result.meta.get("passages"):
        return [f"themes: {NO_PASSAGES}"]
    if themes is None:
        return [f"themes: micro F1 {NO_TAGGER}, macro F1 {NO_TAGGER}"]
    lines = [f"themes ({themes['held_out']} held-out passages): micro F1 {themes['micro']['f1']:.3f}, "
             f"macro F1 {themes['macro']['f1']:.3f}",
             f"  {'theme':<34} {'P':>6} {'R':>6} {'F1':>6} {'n':>4}"]
    lines += [f"  {label:<34} {prf['precision']:6.3f} {prf['recall']:6.3f} {prf['f1']:6.3f} "
              f"{prf['support']:4d}" for label, prf in themes["per_theme"].items()]
    return lines


def _theme_markdown(result: EvalResult) -> list[str]:
    themes = result.themes
    if themes is None and not result.meta.get("passages"):
        return [f"Themes: {NO_PASSAGES}."]
    if themes is None:
        return [f"Micro F1: {NO_TAGGER}. Macro F1: {NO_TAGGER}."]
    lines = [f"Micro F1 **{themes['micro']['f1']:.3f}**, macro F1 **{themes['macro']['f1']:.3f}** "
             f"on the {themes['held_out']} held-out passages (the tagger is calibrated on the "
             f"other {themes['calibration']}; `index/theme_calibration.py`).", "",
             "| theme | precision | recall | F1 | passages |", "|---|---|---|---|---|"]
    lines += [f"| {label} | {prf['precision']:.3f} | {prf['recall']:.3f} | {prf['f1']:.3f} | "
              f"{prf['support']} |" for label, prf in themes["per_theme"].items()]
    return lines


def _misses(result: EvalResult) -> list[str]:
    """Where the full pipeline went wrong, so the next change knows where to look."""
    runs = [r for r in result.runs if r.system == "hybrid"]
    if not runs:
        return []
    missed = [r.question_id for r in runs if r.answerable and not any(r.ranking)]
    refused = [r.question_id for r in runs if r.answerable and not r.answered]
    answered = [r.question_id for r in runs if not r.answerable and r.answered]
    tentative = [r.question_id for r in runs if not r.answerable and r.answered and r.tentative]
    return ["## Where hybrid fails", "",
            f"- no relevant chunk in the top {K}: {', '.join(missed) or 'none'}",
            f"- answerable but refused: {', '.join(refused) or 'none'}",
            f"- unanswerable but answered: {', '.join(answered) or 'none'}",
            f"- of those, marked tentative: {', '.join(tentative) or 'none'}"]


def _tentative_lines(result: EvalResult) -> list[str]:
    """How often the hybrid answers said they are unsure, to answerable and to unanswerable
    questions, and how often an unsure answer still cites a relevant sentence."""
    answered = [r for r in result.runs if r.system == "hybrid" and r.answered]
    if not answered:
        return []
    asked = [r for r in answered if r.answerable]
    unanswerable = [r for r in answered if not r.answerable]
    unsure = [r for r in asked if r.tentative]
    return ["Marked tentative ('onzeker'): hybrid answers to answerable questions "
            f"{_share_text(len(unsure), len(asked))}, to unanswerable ones "
            f"{_share_text(sum(r.tentative for r in unanswerable), len(unanswerable))}; "
            "tentative answers to answerable questions citing a relevant sentence "
            f"{_share_text(sum(any(c.relevant for c in r.cited) for r in unsure), len(unsure))}."]


def _share_text(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else "0/0"


def _verbatim_lines(result: EvalResult) -> list[str]:
    """The verbatim share of the hybrid answers and of the report summaries."""
    hybrid = [c for r in result.runs if r.system == "hybrid" and r.answered for c in r.cited]
    checked = sum(row.verbatim_checked for row in result.reports)
    failed = sum(len(row.verbatim_failures) for row in result.reports)
    good = sum(c.verbatim for c in hybrid)
    return [f"Verbatim on the cited page: hybrid answers {_count(good, len(hybrid))}, "
            f"report summaries {_count(checked - failed, checked)}."]


def _count(good: int, total: int) -> str:
    return f"{good}/{total} sentences ({good / total:.1%})" if total else "no sentences"


def _failures_markdown(result: EvalResult) -> list[str]:
    """Every hybrid or report-summary sentence that is not verbatim on its cited page."""
    failures = [(f"hybrid, {r.question_id}", c.text, c.file, c.page, None)
                for r in result.runs if r.system == "hybrid" for c in r.cited if not c.verbatim]
    failures += [("report summary", f["text"], row.file, f["page"], f["found_on"])
                 for row in result.reports for f in row.verbatim_failures]
    if not failures:
        return ["Every sentence of the hybrid answers and the report summaries passed."]
    lines = ["Sentences that are not verbatim on their cited page:", ""]
    for where, text, file, page, found_on in failures:
        found = f"; found on p. {', '.join(map(str, found_on))}" if found_on else ""
        lines.append(f"- ({where}) {file}, p. {page}{found}: \"{text}\"")
    return lines


def _report_lines(result: EvalResult) -> list[str]:
    scored = [row for row in result.reports if row.shipped]
    lines = ["report summaries, ROUGE-L F1 against the report's own summary/introduction:",
             f"  {'report':<46} {'reference':<14} {'shipped':>7} {'held out':>8} {'lead':>6} "
             f"{'random':>6}"]
    lines += [f"  {row.file:<46} {row.reference_heading or 'none':<14} {_f1(row.shipped):>7} "
              f"{_f1(row.held_out):>8} {_f1(row.lead):>6} {_f1(row.random):>6}"
              for row in result.reports]
    if scored:
        lines.append(f"  {'mean':<46} {'':<14} " + " ".join(
            f"{_mean_f1(scored, key):>{width}}"
            for key, width in (("shipped", 7), ("held_out", 8), ("lead", 6), ("random", 6))))
    return lines


def _report_markdown(result: EvalResult) -> list[str]:
    """ROUGE-L F1 per report; see the definitions for what is held out."""
    lines = ["ROUGE-L F1 of each report summary (250 words) against the report's own summary or "
             "introduction.", "",
             "| report | reference | ref words | ours, as shipped | from ref | ours, held out | "
             "lead | random |", "|---|---|---|---|---|---|---|---|"]
    for row in result.reports:
        if row.shipped is None:
            lines.append(f"| {row.file} | none found | | | | | | |")
            continue
        lines.append(f"| {row.file} | {row.reference_heading} (p. {row.reference_page}) | "
                     f"{row.reference_words} | {_f1(row.shipped)} | {row.from_reference:.0%} | "
                     f"{_f1(row.held_out)} | {_f1(row.lead)} | {_f1(row.random)} |")
    scored = [row for row in result.reports if row.shipped]
    if scored:
        lines.append(f"| mean of {len(scored)} | | | {_mean_f1(scored, 'shipped')} | | "
                     f"{_mean_f1(scored, 'held_out')} | {_mean_f1(scored, 'lead')} | "
                     f"{_mean_f1(scored, 'random')} |")
    return lines


def _f1(scores: dict | None) -> str:
    return "n/a" if scores is None else f"{scores['f1']:.3f}"


def _mean_f1(rows: list, key: str) -> str:
    return f"{sum(getattr(row, key)['f1'] for row in rows) / len(rows):.3f}"


def _judgment_markdown(result: EvalResult) -> list[str]:
    """How many pooled citations there are and how they were judged, over all systems."""
    pooled: dict[tuple, object] = {}
    for run in result.runs:
        if run.answerable and run.answered:
            for c in run.cited:
                pooled[(run.question_id, c.file, c.page, " ".join(c.text.split()))] = c
    cited = list(pooled.values())
    gold = sum(c.gold_sentence for c in cited)
    judged = [c for c in cited if not c.gold_sentence and c.judged is not None]
    relevant = sum(c.judged for c in judged)
    note = result.meta.get("judgments_note") or {}
    lines = [f"This run cited {len(cited)} distinct sentences (question, file, page) in answers "
             f"to answerable questions, over all systems: {gold} hold a gold quote, "
             f"{len(judged)} were judged by hand ({relevant} relevant, {len(judged) - relevant} "
             f"not), {len(cited) - gold - len(judged)} are unjudged and count as not relevant "
             f"(listed in `{result.meta.get('unjudged_file', 'eval/out/unjudged.jsonl')}`)."]
    held = result.meta.get("judgments_held") or {}
    if held:
        name = os.path.relpath(result.meta.get("judgments_file", "judgments.jsonl"))
        lines += ["", f"The judgments file (`{name}`) holds "
                      f"{held['judged']} judgments ({held['relevant']} relevant, "
                      f"{held['judged'] - held['relevant']} not)."]
    if note:
        lines += ["", f"Judgments: {note.get('note', '')} Pooled from the runs at "
                      f"{note.get('pooled_from', '?')}."]
    return lines
