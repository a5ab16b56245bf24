"""The ``rapportwijzer`` command: a thin shell over the library for each task."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from core.settings import load_settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    from index.store import StoreError

    try:
        return args.handler(args)
    except StoreError as error:
        print(f"Fout / error: {error}", file=sys.stderr)
        return 3


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
    ingest.set_defaults(handler=_ingest)

    ask = commands.add_parser("ask", help="een vraag stellen / ask a question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="machineleesbare uitvoer")
    ask.add_argument("--publisher", action="append", default=[], help="alleen deze uitgever")
    ask.add_argument("--year", help="jaar of bereik, bijv. 2021 of 2020-2022")
    ask.add_argument("--words", type=int, default=150, help="woordbudget van het antwoord")
    ask.set_defaults(handler=_ask)

    docs = commands.add_parser("docs", help="geïndexeerde rapporten tonen / list documents")
    docs.add_argument("--json", action="store_true")
    docs.set_defaults(handler=_docs)

    evaluate = commands.add_parser("eval", help="kwaliteit en snelheid meten / evaluate "
                                   "against the gold set and baselines")
    evaluate.add_argument("--gold", type=Path, help="vragenbestand (JSONL; standaard eval/gold)")
    evaluate.add_argument("--passages", type=Path, help="gelabelde passages (JSONL)")
    evaluate.add_argument("--json", action="store_true", help="alle cijfers als één JSON-object")
    evaluate.add_argument("--out", type=Path, default=Path("eval/out"),
                          help="map voor grafieken, results.json en een kopie van het rapport")
    evaluate.add_argument("--report", type=Path, help="het rapport (standaard eval/report.md)")
    evaluate.add_argument("--systems", default="hybrid,bm25,dense,naive",
                          help="te vergelijken systemen, kommagescheiden")
    evaluate.set_defaults(handler=_eval)

    bench = commands.add_parser("bench", help="snelheid en geheugen meten / run the benchmarks")
    bench.add_argument("sizes", nargs="*", type=int, help="indexgroottes in chunks "
                       "(standaard 1000 10000 100000)")
    bench.set_defaults(handler=_bench)

    serve = commands.add_parser("serve", help="de webapp starten / start the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=7860)
    serve.set_defaults(handler=_serve)
    return parser


def _library():
    from library import Library

    return Library(load_settings())


def _ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from index.indexer import FAILED, collect_files

    library = _library()
    paths = args.paths or [library.settings.corpus_dir]
    files = collect_files(paths)
    with tqdm(total=len(files), desc="Indexeren", unit="bestand", file=sys.stderr) as bar:
        def progress(path: Path) -> None:
            bar.set_postfix_str(path.name[:40])
            bar.update(1)

        rows = library.ingest(paths, progress, prune=args.prune)
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
    from summarise.render import to_json, to_markdown

    year_from = year_to = None
    if args.year:
        first, _, last = args.year.partition("-")
        year_from, year_to = int(first), int(last or first)
    filters = Filters(publishers=tuple(args.publisher), year_from=year_from, year_to=year_to)
    summary = _library().ask(args.question, filters=filters, word_budget=args.words)
    if args.json:
        print(json.dumps(to_json(summary), ensure_ascii=False, indent=2))
    else:
        print(to_markdown(summary))
    return 0


def _docs(args: argparse.Namespace) -> int:
    infos = _library().documents()
    if args.json:
        print(json.dumps([info.__dict__ for info in infos], ensure_ascii=False, indent=2))
        return 0
    files = {info.doc_id: info.file for info in infos}
    _print_table(["bestand", "uitgever", "titel", "datum", "pagina's", "chunks", "status"],
                 [[i.file, i.publisher, i.title, i.date, str(i.pages), str(i.chunks),
                   _document_state(i, files)] for i in infos])
    return 0


def _document_state(info, files: dict[str, str]) -> str:
    """What ``docs`` says of a document: indexed, a duplicate of another, its language."""
    state = (f"duplicaat van {files.get(info.duplicate_of, info.duplicate_of)}"
             if info.duplicate_of else "geïndexeerd")
    return state if info.language in ("nl", "") else f"{state}, taal: {info.language}"


def _eval(args: argparse.Namespace) -> int:
    from eval.gold import DEFAULT_PASSAGES, DEFAULT_QUESTIONS, GOLD_DIR
    from eval.runner import run_command

    return run_command(_library(), args.gold or DEFAULT_QUESTIONS, args.passages or DEFAULT_PASSAGES,
                       args.out, args.report or GOLD_DIR.parent / "report.md", args.json,
                       tuple(name.strip() for name in args.systems.split(",") if name.strip()))


def _bench(args: argparse.Namespace) -> int:
    from bench.run import SIZES
    from bench.run import main as run_benchmarks

    run_benchmarks(sizes=tuple(args.sizes) or SIZES)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from ui import serve

    serve(_library(), host=args.host, port=args.port)
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
