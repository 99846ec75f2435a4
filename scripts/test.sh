#!/usr/bin/env bash
# One command for the tests: install, then run the whole suite.
# DATABASE_URL chooses the database (CI points it at PostgreSQL); without it, SQLite is used.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install.sh
export SECRET_KEY=${SECRET_KEY:-test-only-secret-key}
.venv/bin/python manage.py makemigrations --check --dry-run
.venv/bin/python manage.py check
exec .venv/bin/python -m pytest "$@"
