# Two commands for a fresh machine: `make run` and `make test`.
PORT ?= 8000
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run serve worker test venv lint check clean screenshots

$(VPY):
	@PY=$$(bin/find-python) || exit 1; \
	echo "Creating $(VENV) with $$PY"; \
	"$$PY" -m venv $(VENV)

$(STAMP): $(VPY) pyproject.toml
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

# The worker of the background tasks (the admin's import jobs), started beside the server and
# stopped with it: the database queue's, or RQ's when TASKS_REDIS_URL names a Redis.
WORKER = $(if $(TASKS_REDIS_URL),rqworker --job-class django_tasks_rq.backend.Job default,db_worker --interval 1)

run: venv
	DEBUG=1 $(VPY) manage.py migrate --noinput
	DEBUG=1 $(VPY) manage.py load_vocabulary
	DEBUG=1 $(VPY) manage.py setup_roles
	DEBUG=1 $(VPY) manage.py import_articles --status published fixtures/seeds
	DEBUG=1 PORT=$(PORT) $(VPY) manage.py ensure_dev_superuser
	DEBUG=1 $(VPY) manage.py resume_import_jobs --all
	@DEBUG=1 $(VPY) manage.py $(WORKER) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	echo "Background worker (manage.py $(WORKER)) started, pid $$worker"; \
	DEBUG=1 $(VPY) manage.py runserver 127.0.0.1:$(PORT)

# Production: the strict settings (DEBUG off, SECRET_KEY and ALLOWED_HOSTS required), static
# files collected, migrations applied, check --deploy clean, then gunicorn configured from the
# environment (asean_archive/gunicorn.conf.py; README "Production").
serve: export DJANGO_SETTINGS_MODULE ?= asean_archive.settings.base
serve: venv
	$(VPY) manage.py collectstatic --noinput --verbosity 0
	$(VPY) manage.py migrate --noinput
	$(VPY) manage.py check --deploy --fail-level WARNING
	exec $(VENV)/bin/gunicorn --config asean_archive/gunicorn.conf.py

# Production's background worker (the admin's import jobs), one or more processes beside
# `make serve`, on any machine that reaches the database (and TASKS_REDIS_URL's Redis).
worker: export DJANGO_SETTINGS_MODULE ?= asean_archive.settings.base
worker: venv
	$(VPY) manage.py resume_import_jobs --all
	exec $(VPY) manage.py $(WORKER)

test: venv
	@bin/install-chromium
	$(VENV)/bin/pytest

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: venv
	DEBUG=1 $(VPY) manage.py check
	DEBUG=1 $(VPY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
