# ConvQuiz: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

# Local HTTP: the HTTPS-only settings are switched off explicitly, never by default.
RUN_ENV := DEBUG=true SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0

.PHONY: install run test lint bench bench-load clean

install: $(STAMP)

$(STAMP): requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	PIP_CONSTRAINT=$(CURDIR)/constraints.txt $(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $(STAMP)

run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_question_bank
	$(RUN_ENV) $(BIN)/python manage.py create_demo_accounts
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .

test: install lint
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -n auto $(PYTEST_ARGS)

# Benchmarks run on demand, never in the test suite; figures in docs/benchmarks.md.
bench: install
	$(BIN)/python bench/grading.py
	$(BIN)/python bench/written_answers.py $(WRITTEN_ARGS)
	$(BIN)/python bench/batch.py $(BATCH_ARGS)

# About 7 minutes; a smoke run: make bench-load LOAD_ARGS="--students 50 --scale 0.2"
bench-load: install
	$(BIN)/python bench/exam_day.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
