"""Command-line latency: wall time of `rapportwijzer ask`, `docs` and `--help` over an indexed
corpus (p50/p95 of RUNS runs, after one run that warms the disk cache and makes the snapshot),
and where the start-up of `ask` goes, phase by phase.

``python -m bench.cli DATA_DIR`` prints one JSON object; ``python -m bench.cli phases`` (with
RW_DATA_DIR set) measures the phases of one `ask` in its own process, as the first form runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 10
QUESTION = "Wat zeggen de rapporten over schulden bij jongeren?"
COMMANDS = {"ask": ["ask", QUESTION], "docs": ["docs"], "help": ["--help"]}
PHASES = ("interpreter", "imports", "open_index", "embedder", "retrieval_indexes", "tagger",
          "answer")


def measure(data_dir: Path) -> dict:
    # Imported here, not at the top: bench.scale imports the library, whose imports `phases`
    # (run as this module in a fresh process) must time itself.
    from bench.scale import percentile

    def summary(seconds: list[float]) -> dict[str, float]:
        milliseconds = [s * 1000 for s in seconds]
        return {"p50_ms": percentile(milliseconds, 50), "p95_ms": percentile(milliseconds, 95)}

    env = {**os.environ, "RW_DATA_DIR": str(data_dir), "RW_CORPUS_DIR": str(ROOT / "corpus")}
    script = Path(sys.executable).with_name("rapportwijzer")
    walls: dict[str, dict[str, float]] = {}
    for name, args in COMMANDS.items():
        times = [_wall([str(script), *args], env) for _ in range(RUNS + 1)][1:]
        walls[name] = summary(times)
    interpreter = [_wall([sys.executable, "-c", "pass"], env) for _ in range(RUNS)]
    phases = [json.loads(subprocess.run(
        [sys.executable, "-m", "bench.cli", "phases"], cwd=ROOT, env=env,
        capture_output=True, text=True, check=True).stdout) for _ in range(RUNS)]
    split = {phase: percentile([run[phase] for run in phases], 50) for phase in PHASES[1:]}
    return {"runs": RUNS, **walls,
            "ask_phases_p50_ms": {"interpreter": summary(interpreter)["p50_ms"], **split}}


def phases() -> dict[str, float]:
    """Milliseconds of each start-up phase of one `ask`, in the order the CLI goes through
    them (the interpreter's own start is measured apart)."""
    marks = [time.perf_counter()]
    from core.settings import load_settings
    from library import Library

    marks.append(time.perf_counter())
    library = Library(load_settings(), one_shot=True)
    for step in (lambda: library.reader, lambda: library.embedder, lambda: library.retriever,
                 lambda: library.tagger, lambda: library.ask(QUESTION)):
        step()
        marks.append(time.perf_counter())
    return {phase: round((end - start) * 1000, 1)
            for phase, start, end in zip(PHASES[1:], marks, marks[1:])}


def _wall(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True)
    return time.perf_counter() - started


if __name__ == "__main__":
    print(json.dumps(phases() if sys.argv[1] == "phases" else measure(Path(sys.argv[1]))))
