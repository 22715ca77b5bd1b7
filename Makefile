# ConvQuiz: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.package-lock.json

.PHONY: install run test lint bench bench-load clean messages compilemessages

install: $(STAMP) .env

$(STAMP): requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	PIP_CONSTRAINT=$(CURDIR)/constraints.txt $(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $(STAMP)

# Tools the browser tests inject into pages (axe-core, the accessibility audit), pinned by
# package-lock.json; nothing from node_modules is ever served.
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# This checkout's development settings, read by every `python manage.py …` (config/settings.py):
# DEBUG on, a key of its own, and the HTTPS-only settings switched off explicitly for local
# HTTP. Written once and never overwritten (the key keeps everyone logged in across restarts);
# git-ignored; a variable set in the environment wins over it.
.env:
	@umask 077 && key=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))') && { \
	  echo "# Development settings for this checkout only, written by make; never deploy this file."; \
	  echo "DEBUG=true"; \
	  echo "SECRET_KEY=$$key"; \
	  echo "SECURE_SSL_REDIRECT=false"; \
	  echo "SESSION_COOKIE_SECURE=false"; \
	  echo "CSRF_COOKIE_SECURE=false"; \
	  echo "SECURE_HSTS_SECONDS=0"; \
	} > $@.new && mv $@.new $@
	@echo "wrote .env: development settings for this checkout (DEBUG on, a new SECRET_KEY, plain HTTP)"

# The import keeps what was edited in the admin since the last load (it prints how it differs
# from the file), and the demo accounts are created only when missing: restarting undoes nothing.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_question_bank quiz/data/cnn-fundamentals.yaml quiz/data/cnn-shapes-and-costs.yaml
	$(BIN)/python manage.py create_demo_accounts
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# ruff everywhere (grader/ruff.toml also forbids the grader importing Django or quiz); mypy on
# the grader, a pure library whose types say what quiz may rely on.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

# The attempt page's save queue under Node's own test runner, then everything else.
test: install $(NODE_STAMP) lint
	node --test tests/js/*.test.mjs
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -n auto $(PYTEST_ARGS)

# Translations (README.md, Translations); these two need GNU gettext (apt-get install gettext).
# `messages` collects every marked string into the catalogs of LOCALES (the pages', the scripts'
# and the grader's own); `compilemessages` writes the .mo files that are committed beside them.
# Other packages' strings have a catalog of their own (LIBRARIES, second in LOCALE_PATHS), so that
# collecting ours with --no-obsolete keeps them: django-lti's, which ships no German, and those
# Django's own German lacks, listed by hand in $(LIBRARIES)/missing-in-django.pot. Their template is
# libraries.pot: makemessages deletes any django.pot it finds in a LOCALE_PATHS directory.
LOCALES ?= de
LIBRARIES := locale/libraries
NOT_OURS := --ignore=.venv --ignore=node_modules --ignore=staticfiles
messages: install
	$(BIN)/python manage.py makemessages $(addprefix -l ,$(LOCALES)) $(NOT_OURS) --ignore=grader --ignore=tests --ignore=bench --ignore=docs --no-obsolete
	$(BIN)/python manage.py makemessages -d djangojs -e js -e mjs $(addprefix -l ,$(LOCALES)) $(NOT_OURS) --ignore=grader --ignore=tests --ignore=bench --no-obsolete
	xgettext --language=Python --from-code=UTF-8 --keyword=_ --keyword=gettext --keyword=gettext_noop \
	  --keyword=ngettext:1,2 --sort-by-file --package-name=convquiz-grader -o grader/locale/grader.pot $$(git ls-files 'grader/*.py')
	for locale in $(LOCALES); do \
	  po=grader/locale/$$locale/LC_MESSAGES/grader.po; mkdir -p $$(dirname $$po); \
	  if [ -f $$po ]; then msgmerge --quiet --update --backup=none --no-fuzzy-matching $$po grader/locale/grader.pot; \
	  else msginit --no-translator -l $$locale -i grader/locale/grader.pot -o $$po; fi; \
	done
	site=$$($(BIN)/python -c 'import lti_tool, pathlib; print(pathlib.Path(lti_tool.__file__).parent.parent)') && \
	xgettext --from-code=UTF-8 --keyword=_ --keyword=gettext --keyword=gettext_lazy --keyword=gettext_noop \
	  --keyword=ngettext:1,2 --keyword=ngettext_lazy:1,2 --keyword=pgettext:1c,2 --keyword=pgettext_lazy:1c,2 \
	  --sort-by-file --package-name=convquiz-libraries -D $$site -D $(LIBRARIES) -o $(LIBRARIES)/libraries.pot \
	  $$(cd $$site && find lti_tool -name '*.py' -not -path '*/migrations/*' | sort) missing-in-django.pot
	for locale in $(LOCALES); do \
	  po=$(LIBRARIES)/$$locale/LC_MESSAGES/django.po; mkdir -p $$(dirname $$po); \
	  if [ -f $$po ]; then msgmerge --quiet --update --backup=none --no-fuzzy-matching $$po $(LIBRARIES)/libraries.pot \
	    && msgattrib --no-obsolete -o $$po $$po; \
	  else msginit --no-translator -l $$locale -i $(LIBRARIES)/libraries.pot -o $$po; fi; \
	done

compilemessages: install
	$(BIN)/python manage.py compilemessages $(NOT_OURS)

# Benchmarks run on demand, never in the test suite; figures in docs/benchmarks.md.
bench: install
	$(BIN)/python bench/grading.py
	$(BIN)/python bench/parsing.py
	$(BIN)/python bench/formulas.py
	$(BIN)/python bench/bank_load.py
	$(BIN)/python bench/written_answers.py $(WRITTEN_ARGS)
	$(BIN)/python bench/batch.py $(BATCH_ARGS)
	$(BIN)/python bench/lti.py

# About 7 minutes; a smoke run: make bench-load LOAD_ARGS="--students 50 --scale 0.2"
bench-load: install
	$(BIN)/python bench/exam_day.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache
