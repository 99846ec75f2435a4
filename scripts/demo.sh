#!/usr/bin/env bash
# One command for the demo: install, migrate, load Gunma's data and demo users, serve on :8000.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install.sh
if [ ! -f .env ]; then
  # The demo runs with DEBUG on the embedded SQLite file; production sets its own environment.
  printf 'DEBUG=true\nSECRET_KEY=%s\n' "$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
fi
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py seed_demo
echo "ポータルを http://127.0.0.1:${PORT:-8000}/ で起動します（停止は Ctrl+C）。"
exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT:-8000}"
