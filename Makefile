# Two commands for a newcomer: `make demo` (set up, run the pipeline on the demo corpus) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA := data

.PHONY: setup setup-labelstudio demo test gold models eval bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/nlp-toolkit ingest corpus/ -o $(DATA)/segments.jsonl --key keys/pseudonym_key.json
	$(BIN)/nlp-toolkit tag $(DATA)/segments.jsonl -o $(DATA)/tagged.jsonl
	$(BIN)/nlp-toolkit validate $(DATA)/tagged.jsonl
	$(BIN)/nlp-toolkit ilo $(DATA)/tagged.jsonl -o $(DATA)/interviews.jsonl
	$(BIN)/nlp-toolkit dataset $(DATA)/tagged.jsonl --human annotation/gold -o $(DATA)/coded
	$(BIN)/nlp-toolkit quotes --data $(DATA)/coded --code document_retention --actor POLICE --limit 3

# Label Studio server in its own venv (it pins numpy/pyarrow older than ours); the SDK is in the main venv.
LS_VENV := .venv-labelstudio
LS_STAMP := $(LS_VENV)/.installed
$(LS_STAMP):
	test -x $(LS_VENV)/bin/python || $(PYTHON) -m venv $(LS_VENV)
	$(LS_VENV)/bin/python -m pip install --quiet 'label-studio==1.23.2'
	touch $(LS_STAMP)

setup-labelstudio: $(LS_STAMP)

test: setup setup-labelstudio
	$(BIN)/python -m pytest

# Rebuild the demo transcripts (corpus/) and their gold (annotation/gold/) from the marked-up sources.
gold: setup
	$(BIN)/python -m nlp_toolkit.annotation.gold annotation/gold/source corpus annotation/gold

# Retrain the default code model from the demo gold (project data only), comparing all four candidates;
# the card records the figures.
models: setup
	$(BIN)/nlp-toolkit train $(foreach f,$(sort $(wildcard annotation/gold/*.jsonl)),--data $(f)) \
		--candidates cues,tfidf_lr,tfidf_lr+cues,spacy_textcat -o models/codes

eval: setup
	for f in eval/*.py; do $(BIN)/python $$f || exit 1; done

bench: setup
	for f in benchmarks/*.py; do case $$f in */synthetic.py) ;; *) $(BIN)/python $$f || exit 1;; esac; done

clean:
	rm -rf $(DATA) build *.egg-info
