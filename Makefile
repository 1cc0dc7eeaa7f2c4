# Two commands: `make demo` runs the platform with Atyrau demo data, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test lint bench messages clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP)

# The demo runs without the second factor so every demo login works at once; production keeps it.
demo: export AMANAT_2FA_REQUIRED = 0
demo: export AMANAT_DEBUG = 1
demo: install
	$(BIN)/amanat migrate --noinput
	$(BIN)/amanat collectstatic --noinput --verbosity 0
	$(BIN)/amanat demo-data
	$(BIN)/amanat serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/amanat check --fail-level WARNING
	$(BIN)/amanat makemigrations --check --dry-run
	$(BIN)/pytest -n 2 --dist loadgroup

bench: install
	$(BIN)/python -m bench

messages: install
	cd amanat && for app in */; do \
	  if [ -d "$$app/locale" ]; then (cd $$app && ../../$(BIN)/django-admin makemessages -l kk -l ru -l en --no-obsolete --add-location=file --ignore=tests >/dev/null); fi; done
	cd votecrypto && xgettext --language=Python --keyword=_ --keyword=ngettext:1,2 --from-code=UTF-8 \
	  --add-location=file -o locale/votecrypto.pot *.py && for lang in kk ru en; do \
	  msgmerge --quiet --update --no-fuzzy-matching --backup=none locale/$$lang/LC_MESSAGES/votecrypto.po locale/votecrypto.pot; done \
	  && rm locale/votecrypto.pot
	$(BIN)/amanat compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
