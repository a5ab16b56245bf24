"""The ``rapportwijzer`` command: a thin shell over the library for each task."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from core.settings import load_settings

REAL_CORPUS = Path("eval/real/corpus")  # the development library of real PDFs (eval/real/README.md)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    _log_to_file(load_settings().data_dir / LOG_FILE)
    from index.store import StoreError
    from library import NotInLibrary

    try:
        return args.handler(args)
    except (StoreError, NotInLibrary) as error:
        print(f"Fout / error: {error}", file=sys.stderr)
        return 3


LOG_FILE = "rapportwijzer.log"


def _log_to_file(path: Path) -> None:
    """Send what the libraries log or warn (pypdf, langchain, Chroma, ...) to ``path`` in the
    data dir instead of among the Dutch output; opened only when there is something to write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)
    logging.captureWarnings(True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rapportwijzer",
        description="Geciteerde Nederlandse antwoorden uit rapporten / cited Dutch answers "
                    "from reports.",
    )
    commands = parser.add_subparsers(dest="command")

    ingest = commands.add_parser("ingest", help="rapporten indexeren / index report files")
    ingest.add_argument("paths", nargs="*", type=Path, help="bestanden of mappen (standaard corpus/)")
    ingest.add_argument("--prune", action="store_true",
                        help="rapporten verwijderen waarvan het bestand weg is / remove documents "
                             "whose file is gone")
    redo = ingest.add_mutually_exclusive_group()
    redo.add_argument("--reindex", action="store_true",
                      help="ook ongewijzigde bestanden opnieuw lezen en schrijven (na een "
                           "parserwijziging); gelijke teksten komen uit de embeddingcache / "
                           "re-parse and re-write unchanged files too")
    redo.add_argument("--retag", action="store_true",
                      help="alleen thema's opnieuw toekennen, zonder opnieuw te embedden / "
                           "re-tag stored chunks and sentences")
    ingest.set_defaults(handler=_ingest)

    tag = commands.add_parser("tag", help="thema's van een tekst tonen / tag a text with themes")
    tag.add_argument("text")
    tag.add_argument("--json", action="store_true", help="machineleesbare uitvoer")
    tag.set_defaults(handler=_tag)

    themes = commands.add_parser("themes", help="themaprofiel per rapport en heatmap / theme "
                                 "profile per report; --calibrate kalibreert de tagger")
    themes.add_argument("--out", type=Path, default=None,
                        help="PNG-bestand of map voor de heatmap (standaard: "
                             "themes_heatmap.png in RW_DATA_DIR)")
    themes.add_argument("--calibrate", action="store_true",
                        help="drempels kiezen op gelabelde passages / calibrate the tagger")
    themes.add_argument("--passages", type=Path, default=Path("eval/gold/passages.jsonl"),
                        help="gelabelde passages (JSONL: quote, themes)")
    themes.add_argument("--cv", action="store_true",
                        help="kruisvalidatie op het kalibratiedeel (5-voudig, 10 keer); het "
                             "toetsdeel blijft ongezien / cross-validate on the calibration part")
    themes.add_argument("--json", action="store_true")
    themes.set_defaults(handler=_themes)

    ask = commands.add_parser("ask", help="een vraag stellen / ask a question")
    ask.add_argument("question")
    ask.add_argument("--publisher", action="append", default=[], help="alleen deze uitgever")
    ask.add_argument("--year", help="jaar of bereik, bijv. 2021 of 2020-2022")
    ask.add_argument("--theme", action="append", default=[], help="alleen dit thema (id)")
    ask.add_argument("--words", type=int, default=150, help="woordbudget van het antwoord")
    ask.set_defaults(handler=_ask)

    summarise = commands.add_parser("summarise", help="een rapport samenvatten / summarise a "
                                    "report")
    summarise.add_argument("report", help="bestandsnaam in corpus/ of doc_id")
    summarise.add_argument("--words", type=int, default=250, help="woordbudget (standaard 250)")
    summarise.set_defaults(handler=_summarise)

    digest = commands.add_parser("digest", help="wat alle rapporten over een thema zeggen / "
                                 "theme digest")
    digest.add_argument("theme", help="thema-id uit corpus/themes.toml, bijv. schulden_armoede")
    digest.add_argument("--since", type=int, help="alleen rapporten vanaf dit jaar")
    digest.set_defaults(handler=_digest)

    for command in (ask, summarise, digest):
        command.add_argument("--json", action="store_true", help="machineleesbare uitvoer")
        command.add_argument("--md", type=Path, help="ook als Markdown-bestand opslaan")
        command.add_argument("--docx", type=Path, help="ook als Word-bestand (.docx) opslaan")

    docs = commands.add_parser("docs", help="geïndexeerde rapporten tonen / list documents")
    docs.add_argument("--json", action="store_true")
    docs.set_defaults(handler=_docs)

    evaluate = commands.add_parser("eval", help="kwaliteit en snelheid meten / evaluate "
                                   "against the gold set and baselines")
    evaluate.add_argument("--corpus", type=Path,
                          help="een andere bibliotheek scoren, bijv. eval/real/corpus: de map wordt "
                               "bijgewerkt in een eigen index (RW_DATA_DIR/libraries/<map erboven>); "
                               "questions.jsonl, judgments.jsonl en report.md naast de map / score "
                               "another library, indexed on its own; gold files beside the folder")
    evaluate.add_argument("--gold", type=Path, help="vragenbestand (JSONL; standaard eval/gold)")
    evaluate.add_argument("--passages", type=Path, help="gelabelde passages (JSONL)")
    evaluate.add_argument("--judgments", type=Path, help="relevantieoordelen over geciteerde zinnen "
                          "(JSONL; standaard eval/gold/judgments.jsonl)")
    evaluate.add_argument("--json", action="store_true", help="alle cijfers als één JSON-object")
    evaluate.add_argument("--out", type=Path,
                          help="map voor grafieken, results.json, unjudged.jsonl en een kopie van "
                               "het rapport (standaard eval/out, met --corpus eval/out/<naam>)")
    evaluate.add_argument("--report", type=Path, help="het rapport (standaard eval/report.md)")
    evaluate.add_argument("--systems", default="hybrid,bm25,dense,naive",
                          help="te vergelijken systemen, kommagescheiden")
    evaluate.set_defaults(handler=_eval)

    train = commands.add_parser("train", help="het relevantiemodel trainen / train the relevance "
                                "model (leave-one-document-out)")
    train.add_argument("--extract", action="store_true",
                       help="eerst de voorbeelden opnieuw afleiden uit beide indexen (corpus/ en "
                            "eval/real/corpus) / rebuild the examples from both indexes first")
    train.set_defaults(handler=_train)

    bench = commands.add_parser("bench", help="snelheid en geheugen meten / run the benchmarks")
    bench.add_argument("sizes", nargs="*", type=int, help="indexgroottes in chunks "
                       "(standaard 1000 10000 100000)")
    bench.set_defaults(handler=_bench)

    serve = commands.add_parser("serve", help="de webapp starten / start the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=7860)
    serve.add_argument("--auth", metavar="GEBRUIKER:WACHTWOORD", default=None,
                       help="inloggen vereisen (ook via RW_AUTH) / require a login")
    serve.set_defaults(handler=_serve)
    return parser


def _library(one_shot: bool = True):
    """The library for one command; the web app and the evaluation, which ask many questions of
    a store that may change meanwhile, read the store itself rather than its snapshot."""
    from library import Library

    return Library(load_settings(), one_shot=one_shot)


def _ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from index.indexer import FAILED, collect_files

    library = _library()
    if args.retag:
        result = library.retag()
        print(f"Thema's opnieuw toegekend: {result.chunks} chunks ({result.changed_chunks} gewijzigd), "
              f"{result.sentences} zinnen ({result.changed_sentences} gewijzigd) in "
              f"{result.seconds:.1f} s")
        return 0
    paths = args.paths or [library.settings.corpus_dir]
    files = collect_files(paths)
    with tqdm(total=len(files), desc="Indexeren", unit="bestand", file=sys.stderr) as bar:
        def progress(path: Path) -> None:
            bar.set_postfix_str(path.name[:40])
            bar.update(1)

        def ocr_page(path: Path, done: int, total: int) -> None:
            bar.set_postfix_str(f"{path.name[:40]} OCR pagina {done}/{total}")

        rows = library.ingest(paths, progress, prune=args.prune, reindex=args.reindex,
                              page_progress=ocr_page)
    _print_table(["bestand", "pagina's", "chunks", "status", "opmerking"],
                 [[r.file, str(r.pages), str(r.chunks), r.state,
                   "" if r.state == FAILED else r.message] for r in rows])
    failed = [row for row in rows if row.state == FAILED]
    for row in failed:
        print(f"Fout / error: {row.message}", file=sys.stderr)
    if failed:
        print(f"{len(failed)} van {len(rows)} bestanden mislukt; de andere zijn bijgewerkt / "
              f"{len(failed)} of {len(rows)} files failed; the others were indexed", file=sys.stderr)
    return 1 if failed else 0


def _ask(args: argparse.Namespace) -> int:
    from index.search import Filters

    year_from = year_to = None
    if args.year:
        first, _, last = args.year.partition("-")
        year_from, year_to = int(first), int(last or first)
    filters = Filters(publishers=tuple(args.publisher), year_from=year_from, year_to=year_to,
                      themes=tuple(args.theme))
    return _emit(_library().ask(args.question, filters=filters, word_budget=args.words), args)


def _summarise(args: argparse.Namespace) -> int:
    return _emit(_library().summarise_report(args.report, word_budget=args.words), args)


def _digest(args: argparse.Namespace) -> int:
    return _emit(_library().digest(args.theme, since=args.since), args)


def _emit(summary, args: argparse.Namespace) -> int:
    """Print a summary as Markdown or JSON; write the requested exports beside it."""
    from summarise.render import to_json, to_markdown

    print(json.dumps(to_json(summary), ensure_ascii=False, indent=2) if args.json
          else to_markdown(summary))
    if args.md or args.docx:
        from summarise.export import to_docx, to_markdown_file

        if args.md:
            to_markdown_file(summary, args.md)
        if args.docx:
            to_docx(summary, args.docx)
    return 0


def _docs(args: argparse.Namespace) -> int:
    from library import document_state

    infos = _library().documents()
    if args.json:
        print(json.dumps([info.__dict__ for info in infos], ensure_ascii=False, indent=2))
        return 0
    files = {info.doc_id: info.file for info in infos}
    _print_table(["bestand", "uitgever", "titel", "datum", "pagina's", "chunks", "status"],
                 [[i.file, i.publisher, i.title, i.date, str(i.pages), str(i.chunks),
                   document_state(i, files)] for i in infos])
    return 0



def _eval(args: argparse.Namespace) -> int:
    from eval.gold import DEFAULT_PASSAGES, DEFAULT_QUESTIONS, GOLD_DIR
    from eval.judgments import DEFAULT_JUDGMENTS
    from eval.runner import EvalLibrary, run_command

    systems = tuple(name.strip() for name in args.systems.split(",") if name.strip())
    if args.corpus is None:
        return run_command(_library(one_shot=False), args.gold or DEFAULT_QUESTIONS,
                           args.passages or DEFAULT_PASSAGES, args.out or Path("eval/out"),
                           args.report or GOLD_DIR.parent / "report.md", args.json, systems,
                           args.judgments or DEFAULT_JUDGMENTS)
    from index.indexer import FAILED
    from library import Library

    if not args.corpus.is_dir():
        print(f"Fout / error: {args.corpus} is geen map / is not a folder", file=sys.stderr)
        return 2
    evaluated = EvalLibrary.beside(args.corpus)
    library = Library(evaluated.settings(load_settings()))
    rows = library.ingest([args.corpus], prune=True)  # only new and changed files are read
    states = {state: sum(row.state == state for row in rows) for state in {r.state for r in rows}}
    print(f"[eval] {args.corpus} in {library.settings.data_dir}: "
          + ", ".join(f"{n} {state}" for state, n in sorted(states.items())), file=sys.stderr)
    for row in rows:
        if row.state == FAILED:
            print(f"Fout / error: {row.file}: {row.message}", file=sys.stderr)
    if not evaluated.passages and not args.passages:
        print("[eval] geen passages.jsonl: thema's worden niet gescoord / no labelled passages: "
              "themes are not scored", file=sys.stderr)
    return run_command(library, args.gold or evaluated.questions, args.passages or evaluated.passages,
                       args.out or Path("eval/out") / evaluated.name,
                       args.report or evaluated.report, args.json, systems,
                       args.judgments or evaluated.judgments, evaluated.name)


def _train(args: argparse.Namespace) -> int:
    from eval.relevance_examples import EXAMPLES_PATH, extract, write_examples
    from eval.runner import stderr_progress
    from eval.train_relevance import REPORT_PATH, train

    if args.extract:
        write_examples(extract(_gold_libraries(), progress=stderr_progress))
        print(f"[train] examples: {EXAMPLES_PATH}", file=sys.stderr)
    result = train(progress=stderr_progress)
    _print_table(["variant", "log loss", "Brier", "AUC", "ECE"],
                 [[row["variant"], f"{row['log_loss']:.4f}", f"{row['brier']:.4f}",
                   f"{row['auc']:.3f}", f"{row['ece']:.4f}"] for row in result.table])
    answer, quote = result.thresholds
    print(f"\nshipped: {result.chosen.name}; answer threshold {answer:.2f}, quote threshold "
          f"{quote:.2f}; out-of-fold top-1 accuracy {result.top1:.3f}; report: {REPORT_PATH}\n")
    _print_table(["share of training documents", "top-1", "spread", "log loss"],
                 [[f"{p.fraction:.2f}", f"{p.top1:.3f}", f"{p.top1_spread:.3f}",
                   f"{p.log_loss:.4f}"] for p in result.curve])
    return 0


def _gold_libraries() -> list:
    """(name, library, questions, judgments) of the seed library and the real one, each index
    brought up to date first."""
    from eval.gold import DEFAULT_QUESTIONS, load_questions
    from eval.judgments import DEFAULT_JUDGMENTS, load_judgments
    from eval.runner import EvalLibrary
    from library import Library

    seed = Library(load_settings())
    seed.ingest([seed.settings.corpus_dir])
    real = EvalLibrary.beside(REAL_CORPUS)
    real_library = Library(real.settings(load_settings()))
    real_library.ingest([REAL_CORPUS], prune=True)
    return [("seed", seed, load_questions(DEFAULT_QUESTIONS), load_judgments(DEFAULT_JUDGMENTS)),
            (real.name, real_library, load_questions(real.questions),
             load_judgments(real.judgments))]


def _bench(args: argparse.Namespace) -> int:
    from bench.run import SIZES
    from bench.run import main as run_benchmarks

    run_benchmarks(sizes=tuple(args.sizes) or SIZES)
    return 0


def _tag(args: argparse.Namespace) -> int:
    tagger = _library().tagger
    scores = tagger.scores([args.text])[0]
    tags = tagger.tags_from_scores([[scores[t] for t in tagger.ids]])[0]
    matches = tagger.keyword_matches(args.text)
    rows = [{"id": t, "label": tagger.label(t), "score": round(scores[t], 4),
             "threshold": round(tagger.params.threshold(t), 4), "keywords": matches.get(t, [])}
            for t in tags]
    if args.json:
        print(json.dumps({"text": args.text, "themes": rows,
                          "scores": {t: round(v, 4) for t, v in scores.items()}},
                         ensure_ascii=False, indent=2))
    elif not rows:
        print("Geen thema's.")
    else:
        _print_table(["thema", "label", "score", "drempel", "trefwoorden"],
                     [[r["id"], r["label"], f"{r['score']:.3f}", f"{r['threshold']:.3f}",
                       ", ".join(r["keywords"])] for r in rows])
    return 0


def _themes(args: argparse.Namespace) -> int:
    from index.theme_calibration import calibrate, cross_validate, load_passages
    from index.theme_index import write_heatmap
    from index.theme_vectors import vectors_path, write_vectors
    from index.themes import ThemeTagger, calibration_path, load_taxonomy

    library = _library()
    # Calibration embeds every fixed text itself rather than trust the shipped vectors it replaces.
    fresh = ThemeTagger(load_taxonomy(library.settings.taxonomy_path), library.embedder)
    if args.cv:
        cv = cross_validate(fresh, load_passages(args.passages))
        print(f"Kruisvalidatie op {cv['passages']} kalibratiepassages ({cv['folds']}-voudig, "
              f"{cv['repeats']} keer): micro-F1 {cv['micro_f1']:.3f} (sd {cv['micro_sd']:.3f}), "
              f"macro-F1 {cv['macro_f1']:.3f} (sd {cv['macro_sd']:.3f})")
        return 0
    if args.calibrate:
        result = calibrate(fresh, load_passages(args.passages))
        path = calibration_path(library.settings.taxonomy_path)
        path.write_text(json.dumps(result.to_json(), ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
        shipped = vectors_path(library.settings.taxonomy_path)
        count = write_vectors(shipped, library.embedder,
                              ThemeTagger(fresh.themes, library.embedder, result.params).fixed_texts())
        held = result.heldout
        print(f"Gekalibreerd op {result.calibration_size} passages; getoetst op {held['passages']} "
              f"andere: micro-F1 {held['micro_f1']:.3f}, macro-F1 {held['macro_f1']:.3f}, "
              f"zonder thema goed {held['no_theme_correct']}")
        _print_table(["thema", "precisie", "recall", "F1", "n", "drempel"],
                     [[t, f"{m['precision']:.2f}", f"{m['recall']:.2f}", f"{m['f1']:.2f}",
                       str(m["support"]), f"{result.params.threshold(t):.4f}"]
                      for t, m in held["per_theme"].items()])
        print(f"Geschreven: {path} en {shipped} ({count} vectoren). Pas toe op de index met: "
              "rapportwijzer ingest --retag")
        return 0
    profiles = library.theme_profiles()
    labels = {t.id: t.label for t in library.tagger.themes}
    out = args.out or library.settings.data_dir
    out = out / "themes_heatmap.png" if out.suffix.lower() != ".png" else out
    write_heatmap(profiles, labels, out)
    if args.json:
        print(json.dumps({"heatmap": str(out), "profiles": [
            {"doc_id": p.doc_id, "file": p.file, "title": p.title, "chunks": p.chunks,
             "shares": {t: round(v, 4) for t, v in p.shares.items()}} for p in profiles]},
            ensure_ascii=False, indent=2))
        return 0
    ids = [t for t in labels if any(p.shares[t] for p in profiles)]
    _print_table(["bestand", "chunks", *ids],
                 [[p.file, str(p.chunks), *(f"{p.shares[t]:.0%}" for t in ids)] for p in profiles])
    print(f"Heatmap: {out}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import os

    from ui import parse_auth, serve

    try:
        auth = parse_auth(args.auth or os.environ.get("RW_AUTH"))
    except ValueError as error:
        print(f"Fout / error: {error}", file=sys.stderr)
        return 2
    serve(_library(one_shot=False), host=args.host, port=args.port, auth=auth)
    return 0


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line.format(*row))


if __name__ == "__main__":
    raise SystemExit(main())
