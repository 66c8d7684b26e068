# Two commands for a newcomer: `make demo` (set up, run the pipeline on the demo corpus) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA := data

.PHONY: setup demo test gold models eval bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/nlp-toolkit ingest corpus/ -o $(DATA)/segments.jsonl --key keys/pseudonym_key.json
	$(BIN)/nlp-toolkit validate $(DATA)/segments.jsonl

test: setup
	$(BIN)/python -m pytest

# Rebuild the demo transcripts (corpus/) and their gold (annotation/gold/) from the marked-up sources.
gold: setup
	$(BIN)/python -m nlp_toolkit.annotation.gold annotation/gold/source corpus annotation/gold

eval: setup
	for f in eval/*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(DATA) build *.egg-info
