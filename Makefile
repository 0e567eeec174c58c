# Two commands for a new user: `make demo` (the main job on the embedded synthetic data set)
# and `make test` (the test suite). Both create .venv and install what is missing first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CFG ?= configs/synthetic.yaml
# Extra `KEY VALUE` config overrides for the demo, e.g. make demo OPTS="OUTPUT_DIR /tmp/x"
OPTS ?=

.PHONY: install demo test lint clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt requirements-nodeps.txt setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	# TrackEval without its declared dependencies: it asks for the GUI build of OpenCV, which
	# conflicts with opencv-python-headless; its MOT metrics need only numpy and scipy.
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-nodeps.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python tools/demo.py --cfg $(CFG) $(OPTS)

test: $(STAMP)
	$(BIN)/ruff check src tools tests benchmarks setup.py
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tools tests benchmarks setup.py
	$(BIN)/ruff format --check src tools tests benchmarks setup.py

clean:
	rm -rf $(VENV) output .pytest_cache
