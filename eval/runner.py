"""Run every gold question through every system in one process and collect the figures.

Systems: the library's ``ask``/``search`` in modes hybrid, bm25 and dense, and the naive
baseline of ``eval.naive``. Per question and system it records what the top 10 matched, each
cited sentence (gold quote? judged relevant? verbatim on its page?), whether it refused, its
ROUGE-L recall and two wall-clock latencies. The report summaries are scored by
``eval.report_summaries`` in the same run.
"""

from __future__ import annotations

import sys
import time
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from eval import metrics
from eval.gold import GoldQuestion, LabelledPassage
from eval.judgments import DEFAULT_JUDGMENTS, Judgments, holds_gold_quote, load_judgments, write_pool
from eval.matching import matched_quotes, matches, normalise
from eval.naive import NaiveBaseline
from eval.report_summaries import ReportRow, evaluate_report_summaries
from eval.verbatim import Sources, check
from summarise.relevance import RelevanceModel, load_model_file

PIPELINE_MODES = ("hybrid", "bm25", "dense")
SYSTEMS = (*PIPELINE_MODES, "naive")
K = 10
REPORT_KS = (5, 10)


@dataclass(frozen=True)
class Cited:
    """A sentence an answer cites: the file and page it names, and the text of the chunk (or
    window) it was taken from."""

    text: str
    file: str
    page: int
    source: str


@dataclass(frozen=True)
class Answer:
    """What any system answered: refused or not, each cited sentence, and whether the answer
    said it is unsure (``Summary.tentative``; the naive baseline never does)."""

    answered: bool
    cited: tuple[Cited, ...]
    tentative: bool = False

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cited)


@dataclass
class CitedSentence:
    """One cited sentence as scored: is its chunk relevant (matches a gold quote), does the
    sentence itself hold a gold quote, how was it judged (None: never), is it verbatim on its
    page (eval/verbatim.py)."""

    text: str
    file: str
    page: int
    in_gold_chunk: bool
    gold_sentence: bool
    judged: bool | None
    verbatim: bool

    @property
    def relevant(self) -> bool:
        return self.gold_sentence or self.judged is True


@dataclass
class QuestionRun:
    """One system on one question."""

    system: str
    question_id: str
    answerable: bool
    ranking: list[list[int]]  # per rank (best first): indices of the quotes the result matches
    n_quotes: int
    answered: bool
    cited: list[CitedSentence]
    rouge_l: float | None
    ask_ms: float
    search_ms: float
    tentative: bool = False


@dataclass
class EvalResult:
    systems: dict[str, dict]
    themes: dict | None
    runs: list[QuestionRun] = field(default_factory=list)
    reports: list[ReportRow] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """All figures as one JSON-ready object (per-question detail under ``questions``)."""
        return {"meta": self.meta, "systems": self.systems, "themes": self.themes,
                "reports": [asdict(row) for row in self.reports],
                "questions": [asdict(run) for run in self.runs]}

    def pool(self, unjudged_only: bool = False) -> list[dict]:
        """Every sentence cited in an answer to an answerable question, with its question: what
        relevance judgments are made from (eval/judgments.py). With ``unjudged_only``, those
        neither judged nor holding a gold quote."""
        questions = self.meta.get("question_texts", {})
        return [{"question_id": r.question_id, "question": questions.get(r.question_id, ""),
                 "file": c.file, "page": c.page, "sentence": c.text}
                for r in self.runs if r.answerable and r.answered for c in r.cited
                if not unjudged_only or (c.judged is None and not c.gold_sentence)]


@dataclass(frozen=True)
class EvalLibrary:
    """An evaluation library other than the seed: a folder holding ``corpus/`` (the report
    files) and, beside it, ``questions.jsonl``, ``judgments.jsonl`` (absent: nothing judged yet),
    optionally ``passages.jsonl`` (absent: themes are not scored), and the ``report.md`` the
    run writes; eval/real/ is one. It is indexed into ``RW_DATA_DIR/libraries/<folder name>``,
    always an embedded store, so the seed index (and a shared Chroma server) is never touched."""

    name: str
    corpus: Path
    questions: Path
    passages: Path | None
    judgments: Path
    report: Path

    @classmethod
    def beside(cls, corpus: Path) -> EvalLibrary:
        folder = corpus.resolve().parent
        passages = corpus.parent / "passages.jsonl"
        return cls(folder.name, corpus, corpus.parent / "questions.jsonl",
                   passages if passages.exists() else None, corpus.parent / "judgments.jsonl",
                   corpus.parent / "report.md")

    def settings(self, settings):
        """``settings`` with this library's own data dir and corpus (embedded Chroma)."""
        return replace(settings, data_dir=settings.data_dir / "libraries" / self.name,
                       corpus_dir=self.corpus, chroma_url=None)


class FreshQueries:
    """The library's embedder, except that queries bypass its on-disk cache.

    Passages (already embedded at ingest) still come from the cache; a query is embedded anew
    every time, so ask and retrieval latencies include what a question never seen before costs.
    """

    def __init__(self, embedder) -> None:
        self.cached = embedder
        self.name, self.dim = embedder.name, embedder.dim
        self._fresh = getattr(embedder, "inner", embedder)

    def embed_queries(self, texts: Sequence[str]):
        return self._fresh.embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]):
        return self.cached.embed_passages(texts)


class PipelineSystem:
    """The real pipeline through the library facade, in one retrieval mode. A gold question is
    answered with its held-out relevance model (trained without its document) when ``models``
    has one, so the figures are leave-one-document-out."""

    def __init__(self, library, mode: str, models: Mapping[str, RelevanceModel]) -> None:
        self.library, self.mode, self.models = library, mode, models

    def search(self, question: str) -> list[str]:
        return [c.text for c in self.library.search(question, k=K, mode=self.mode).chunks]

    def ask(self, question: str) -> Answer:
        summary = self.library.ask(question, mode=self.mode, model=self.models.get(question))
        return Answer(summary.answered, tuple(
            Cited(s.text, citation.file, citation.page, _source_text(s, summary.retrieved))
            for s in summary.sentences for citation in s.citations), summary.tentative)


class NaiveSystem:
    def __init__(self, baseline: NaiveBaseline) -> None:
        self.baseline = baseline

    def search(self, question: str) -> list[str]:
        return [hit.text for hit in self.baseline.search(question, K)]

    def ask(self, question: str) -> Answer:
        answer = self.baseline.ask(question, K)
        windows = {hit.window_id: hit.text for hit in answer.retrieved}
        return Answer(answer.answered, tuple(Cited(s.text, s.file, s.page, windows[s.window_id])
                                             for s in answer.sentences))


def run_eval(library, questions: Sequence[GoldQuestion], passages: Sequence[LabelledPassage],
             naive_dir: Path, systems: Sequence[str] = SYSTEMS,
             progress: Callable[[str], None] | None = None,
             judgments: Judgments | None = None, library_name: str = "seed") -> EvalResult:
    """Score ``systems`` on ``questions``, the report summaries, and the tagger on ``passages``,
    all in this process; cited sentences are looked up in ``judgments``. Each question the
    relevance model was trained on (as ``<library_name>/<id>``) is answered by the model
    trained without its document."""
    documents = library.documents()
    if not documents:
        raise RuntimeError("de index is leeg: draai eerst `rapportwijzer ingest corpus/` / "
                           "the index is empty: run `rapportwijzer ingest corpus/` first")
    # Every gold question is timed as a new question: queries skip the embedding cache.
    embedder = FreshQueries(library.embedder)
    library = type(library)(library.settings, embedder)
    model_file = load_model_file()
    held_out = {q.question: model_file.held_out(f"{library_name}/{q.id}") for q in questions}
    models = {text: model for text, model in held_out.items() if model is not None}
    runners: dict[str, PipelineSystem | NaiveSystem] = {}
    for name in systems:
        if name in PIPELINE_MODES:
            runners[name] = PipelineSystem(library, name, models)
        elif name == "naive":
            _say(progress, "building the naive baseline (1,000-character windows)")
            files = [library.settings.corpus_dir / info.file for info in documents]
            runners[name] = NaiveSystem(NaiveBaseline.build(
                [f for f in files if f.exists()], embedder, naive_dir,
                library.settings.manifest_path, library.settings.max_file_mb))
        else:
            raise ValueError(f"unknown system {name!r}; choose from {SYSTEMS}")
    for runner in runners.values():  # warm up: load models and derived indexes before timing
        runner.search(questions[0].question)
        runner.ask(questions[0].question)
    sources = Sources(library.settings.corpus_dir, library.settings.manifest_path)
    judgments = judgments or Judgments({}, {})
    runs = []
    for number, question in enumerate(questions, start=1):
        _say(progress, f"question {number}/{len(questions)} ({question.id})")
        for name, runner in runners.items():  # interleaved, so load on the machine hits all alike
            runs.append(_run_one(name, runner, question, sources, judgments))
    _say(progress, "summarising every report")
    result = EvalResult(
        systems={name: summarise_runs([r for r in runs if r.system == name]) for name in runners},
        themes=evaluate_themes(library, passages) if passages else None,
        runs=runs,
        reports=evaluate_report_summaries(library, sources),
        meta={"questions": len(questions),
              "question_texts": {q.id: q.question for q in questions},
              "judgments_note": judgments.note,
              "judgments_held": {"judged": len(judgments.relevant),
                                 "relevant": sum(judgments.relevant.values())},
              "answerable": sum(q.answerable for q in questions),
              "unanswerable": sum(not q.answerable for q in questions),
              "passages": len(passages), "documents": len(documents),
              "held_out_models": len(models),
              "corpus": str(library.settings.corpus_dir),
              "embedder": library.embedder.name, "k": K},
    )
    return result


def _run_one(name: str, runner, question: GoldQuestion, sources: Sources,
             judgments: Judgments) -> QuestionRun:
    quotes = question.quotes
    started = time.perf_counter()
    retrieved = runner.search(question.question)
    searched = time.perf_counter()
    answer = runner.ask(question.question)
    asked = time.perf_counter()
    ranking = [sorted(matched_quotes(text, quotes)) for text in retrieved]
    cited = [CitedSentence(
        text=c.text, file=c.file, page=c.page,
        in_gold_chunk=any(matches(c.source, quote) for quote in quotes),
        gold_sentence=holds_gold_quote(c.text, quotes),
        judged=judgments.get(question.id, c.file, c.page, c.text),
        verbatim=check(c.text, c.file, c.page, sources).ok,
    ) for c in answer.cited]
    rouge = None
    if question.answerable:
        rouge = metrics.rouge_l_recall(question.answer, answer.text) if answer.answered else 0.0
    return QuestionRun(
        system=name, question_id=question.id, answerable=question.answerable, ranking=ranking,
        n_quotes=len(quotes), answered=answer.answered, cited=cited,
        rouge_l=rouge, ask_ms=(asked - searched) * 1000, search_ms=(searched - started) * 1000,
        tentative=answer.tentative,
    )


def summarise_runs(runs: Sequence[QuestionRun]) -> dict:
    """One system's figures over its runs (definitions in eval/report.md)."""
    answerable = [r for r in runs if r.answerable]
    unanswerable = [r for r in runs if not r.answerable]
    answered = [r for r in answerable if r.answered]
    cited = [c for r in answered for c in r.cited]
    every_cited = [c for r in runs if r.answered for c in r.cited]
    figures: dict = {
        "answerable": len(answerable), "unanswerable": len(unanswerable),
        "recall_at_k": [metrics.mean([metrics.recall_at_k(r.ranking, r.n_quotes, k)
                                      for r in answerable]) for k in range(1, K + 1)],
        "mrr@10": metrics.mean([metrics.reciprocal_rank(r.ranking, K) for r in answerable]),
        "ndcg@10": metrics.mean([metrics.ndcg_at_k(r.ranking, r.n_quotes, K) for r in answerable]),
        "citation_precision": _share([c.relevant for c in cited]),
        "gold_quote_precision": _share([c.in_gold_chunk for c in cited]),
        "judged_share": _share([c.gold_sentence or c.judged is not None for c in cited]),
        "cited_sentences": len(cited),
        "verbatim": _share([c.verbatim for c in every_cited]),
        "verbatim_checked": len(every_cited),
        "answers_citing_relevant": _share([any(c.in_gold_chunk for c in r.cited)
                                           for r in answered]),
        "answers_citing_relevant_sentence": _share([any(c.relevant for c in r.cited)
                                                    for r in answered]),
        "refusal_accuracy": (sum(not r.answered for r in unanswerable) / len(unanswerable)
                             if unanswerable else None),
        "false_refusal_rate": (sum(not r.answered for r in answerable) / len(answerable)
                               if answerable else None),
        "rouge_l_recall": metrics.mean([r.rouge_l for r in answerable if r.rouge_l is not None]),
        "ask_ms_p50": metrics.percentile([r.ask_ms for r in runs], 50),
        "ask_ms_p95": metrics.percentile([r.ask_ms for r in runs], 95),
        "search_ms_p50": metrics.percentile([r.search_ms for r in runs], 50),
        "search_ms_p95": metrics.percentile([r.search_ms for r in runs], 95),
    }
    for k in REPORT_KS:
        figures[f"recall@{k}"] = figures["recall_at_k"][k - 1] if answerable else None
    return figures


def _share(flags: Sequence[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def evaluate_themes(library, passages: Sequence[LabelledPassage]) -> dict | None:
    """Micro, macro and per-theme F1 of ``library.tagger`` on the held-out part of the passages
    (the tagger is calibrated on the other part); None without a tagger."""
    from index.theme_calibration import split

    try:
        tagger = library.tagger
    except (AttributeError, ImportError):
        return None
    calibration, held_out = split(passages, tagger.ids)
    scored = [passages[i] for i in held_out]
    if not scored:
        return None
    predicted = tagger.tag([p.quote for p in scored])
    labels = _taxonomy(library.settings.corpus_dir / "themes.toml")
    labels = list(dict.fromkeys([*labels, *(t for p in scored for t in p.themes)]))
    scores = metrics.label_scores([p.themes for p in scored], predicted, labels)
    return {"micro": asdict(scores.micro), "macro": asdict(scores.macro),
            "per_theme": {label: asdict(prf) for label, prf in scores.per_label.items()},
            "held_out": len(scored), "calibration": len(calibration)}


def _taxonomy(path: Path) -> list[str]:
    if not path.exists():
        return []
    with path.open("rb") as handle:
        return [theme["id"] for theme in tomllib.load(handle).get("theme", [])]


def _source_text(sentence, retrieved) -> str:
    """The retrieved chunk a summary sentence was taken from (same document, contains it)."""
    doc_ids = {c.doc_id for c in sentence.citations}
    target = normalise(sentence.text)
    for chunk in retrieved:
        if chunk.doc_id in doc_ids and target in normalise(chunk.text):
            return chunk.text
    return ""


def _say(progress: Callable[[str], None] | None, message: str) -> None:
    if progress:
        progress(message)


def stderr_progress(message: str) -> None:
    print(f"[eval] {message}", file=sys.stderr, flush=True)


def run_command(library, gold: Path, passages: Path | None, out_dir: Path, report: Path | None,
                as_json: bool, systems: Sequence[str] = SYSTEMS,
                judgments: Path = DEFAULT_JUDGMENTS, library_name: str = "seed") -> int:
    """`rapportwijzer eval`: run, print the table (or JSON), write the report, plots and JSON,
    and the cited sentences no judgment covers yet to ``out_dir/unjudged.jsonl``. Without
    ``passages`` the themes are not scored."""
    import json

    from eval import report as reporting
    from eval.gold import GoldError, load_passages, load_questions

    unknown = sorted(set(systems) - set(SYSTEMS))
    if unknown or not systems:
        print(f"Fout / error: unknown systems {unknown}; choose from {', '.join(SYSTEMS)}",
              file=sys.stderr)
        return 2
    try:
        questions = load_questions(gold)
        labelled = load_passages(passages) if passages else []
        judged = load_judgments(judgments)
    except GoldError as error:
        print(f"Fout / error: {error}", file=sys.stderr)
        return 2
    try:
        result = run_eval(library, questions, labelled, out_dir / "naive-index", systems,
                          progress=stderr_progress, judgments=judged, library_name=library_name)
    except RuntimeError as error:
        print(f"Fout / error: {error}", file=sys.stderr)
        return 1
    result.meta.update(gold=str(gold), passages_file=str(passages or ""),
                       judgments_file=str(judgments),
                       unjudged_file=str(out_dir / "unjudged.jsonl"))
    out_dir.mkdir(parents=True, exist_ok=True)
    from eval.metadata_score import corpus_metadata  # title and publisher right per file

    result.meta["metadata"] = corpus_metadata(Path(library.settings.corpus_dir))
    result.meta["unjudged"] = write_pool(result.pool(unjudged_only=True),
                                         out_dir / "unjudged.jsonl")
    plots = reporting.write_plots(result, out_dir)
    reporting.write_markdown(result, out_dir / "report.md", plots)
    if report is not None:
        reporting.write_markdown(result, report, plots)
    (out_dir / "results.json").write_text(
        json.dumps(result.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(reporting.format_table(result))
        print(f"\nreport: {report or out_dir / 'report.md'}; plots: "
              f"{', '.join(str(p) for p in plots)}")
    return 0
