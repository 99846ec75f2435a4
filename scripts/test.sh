#!/usr/bin/env bash
# One command for the tests: install, then run the whole suite.
# DATABASE_URL chooses the database (CI points it at PostgreSQL); without it, SQLite is used.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install.sh
# The test environment's relaxations (plain HTTP, SQLite allowed); production rules are tested too.
export PORTAL_ENV=${PORTAL_ENV:-test}
export SECRET_KEY=${SECRET_KEY:-test-only-secret-key-not-for-production}
.venv/bin/python manage.py makemigrations --check --dry-run
.venv/bin/python manage.py check
exec .venv/bin/python -m pytest "$@"
