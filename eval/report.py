"""Present an EvalResult: the console table, eval/report.md with the definitions, PNG plots."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from eval.runner import EvalResult, K

COLUMNS = (  # (figure key, header, kind)
    ("recall@5", "R@5", "ratio"), ("recall@10", "R@10", "ratio"), ("mrr@10", "MRR@10", "ratio"),
    ("ndcg@10", "nDCG@10", "ratio"), ("citation_precision", "CitePrec", "ratio"),
    ("answers_citing_relevant", "CitesRel", "ratio"), ("refusal_accuracy", "RefuseAcc", "ratio"),
    ("false_refusal_rate", "FalseRef", "ratio"), ("rouge_l_recall", "ROUGE-L", "ratio"),
    ("ask_ms_p50", "ask p50", "ms"), ("ask_ms_p95", "ask p95", "ms"),
    ("search_ms_p50", "ret p50", "ms"), ("search_ms_p95", "ret p95", "ms"),
)
NO_TAGGER = "n/a (no tagger)"

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
  questions, the share whose source chunk (the retrieved chunk of the cited document that
  contains the sentence) is relevant.
- **CitesRel**: among answerable questions the system answered, the share whose answer cites at
  least one relevant chunk.
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
    lines.insert(0, f"{meta['questions']} questions ({meta['answerable']} answerable, "
                    f"{meta['unanswerable']} unanswerable), {meta['documents']} documents, "
                    f"embedder {meta['embedder']}; latencies in ms")
    lines += ["", *_theme_lines(result)]
    return "\n".join(lines)


def write_markdown(result: EvalResult, path: Path, plots: list[Path]) -> Path:
    """Write the report: table, themes, misses, plots and the definitions of every figure."""
    meta = result.meta
    header = ["system", *(title for _, title, _ in COLUMNS)]
    lines = [
        "# Evaluation report", "",
        f"Run of {date.today().isoformat()} by `rapportwijzer eval`: {meta['questions']} questions "
        f"({meta['answerable']} answerable, {meta['unanswerable']} unanswerable), "
        f"{meta['passages']} labelled passages, {meta['documents']} indexed documents, "
        f"embedder `{meta['embedder']}`. Latencies in milliseconds.", "",
        "| " + " | ".join(header) + " |", "|" + "---|" * len(header),
    ]
    for name, figures in result.systems.items():
        cells = [_cell(figures.get(key), kind) for key, _, kind in COLUMNS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "## Themes", "", *_theme_markdown(result), "", *_misses(result), ""]
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
    if themes is None:
        return [f"themes: micro F1 {NO_TAGGER}, macro F1 {NO_TAGGER}"]
    lines = [f"themes ({result.meta['passages']} passages): micro F1 {themes['micro']['f1']:.3f}, "
             f"macro F1 {themes['macro']['f1']:.3f}",
             f"  {'theme':<34} {'P':>6} {'R':>6} {'F1':>6} {'n':>4}"]
    lines += [f"  {label:<34} {prf['precision']:6.3f} {prf['recall']:6.3f} {prf['f1']:6.3f} "
              f"{prf['support']:4d}" for label, prf in themes["per_theme"].items()]
    return lines


def _theme_markdown(result: EvalResult) -> list[str]:
    themes = result.themes
    if themes is None:
        return [f"Micro F1: {NO_TAGGER}. Macro F1: {NO_TAGGER}."]
    lines = [f"Micro F1 **{themes['micro']['f1']:.3f}**, macro F1 **{themes['macro']['f1']:.3f}** "
             f"on {result.meta['passages']} passages.", "",
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
    return ["## Where hybrid fails", "",
            f"- no relevant chunk in the top {K}: {', '.join(missed) or 'none'}",
            f"- answerable but refused: {', '.join(refused) or 'none'}",
            f"- unanswerable but answered: {', '.join(answered) or 'none'}"]
