#!/usr/bin/env bash
# One command for the demo: install, migrate, load Gunma's data and demo users, then serve on :8000
# with the background worker beside it (files made in the background: 「バックグラウンドで作成」).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install.sh
if [ ! -f .env ] && [ -z "${DEBUG:-}" ]; then
  # The demo runs with DEBUG on the embedded SQLite file; production sets its own environment
  # (and so may a caller of this script, such as tests/test_demo_worker.py).
  printf 'DEBUG=true\nSECRET_KEY=%s\n' "$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
fi
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py seed_demo
# The automatic reminders (提出期限と自動督促) run daily on the worker's queue; this enqueues the first run.
.venv/bin/python manage.py schedule_reminders

# The server and the worker run as children of this shell, which waits for them: a trapped signal
# (Ctrl+C, kill) interrupts the wait at once, and every way out stops both.
server="" worker=""
stop() {
  trap - EXIT INT TERM
  for pid in $server $worker; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $server $worker; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

.venv/bin/python manage.py db_worker --interval 1 --no-reload &
worker=$!
echo "バックグラウンドで作成する資料は、ワーカー（pid ${worker}）が作ります。"
echo "ポータルを http://127.0.0.1:${PORT:-8000}/ で起動します（停止は Ctrl+C。ワーカーも一緒に止まります）。"
# No autoreloader: its parent process would leave its serving child behind when stopped.
.venv/bin/python manage.py runserver --noreload "127.0.0.1:${PORT:-8000}" &
server=$!
# The demo lasts as long as the server; the trap then stops the worker. (Were the worker to fail,
# the server goes on, and a background job's page says that no worker has picked it up.)
wait "$server"
