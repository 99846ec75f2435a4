#!/usr/bin/env bash
# A multi-process deployment on this machine's loopback, with production settings:
# two gunicorn app servers (127.0.0.1:8101 and :8102), one background worker (db_worker) and the
# real PostgreSQL. Static files are served by the app (WhiteNoise, after collectstatic).
#   scripts/deploy_local.sh start       # migrate, load demo data once, start everything, wait until healthy
#   scripts/deploy_local.sh start-apps  # (re)start only the app servers
#   scripts/deploy_local.sh stop
#   scripts/deploy_local.sh status
# Plain HTTP on loopback, so HTTPS=false; a real server sits behind TLS (README「本番運用」).
# Logs, in $RUN (run/deploy/): app-<port>.log (errors and tracebacks of each app server),
# access.log, worker.log. The processes are this script's background children, not daemons:
# a daemonised gunicorn sends the portal's own log output (tracebacks) to /dev/null.
set -euo pipefail
cd "$(dirname "$0")/.."

RUN=${RUN_DIR:-$PWD/run/deploy}
PORTS=(${APP_PORTS:-8101 8102})
DB=${DEPLOY_DB:-portal_deploy}
mkdir -p "$RUN"
[ -f "$RUN/secret_key" ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(60))' > "$RUN/secret_key"

export PORTAL_ENV=production DEBUG=false HTTPS=false
export SECRET_KEY=$(cat "$RUN/secret_key")
export ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/$DB}
export CACHE_URL=${CACHE_URL:-redis://127.0.0.1:6379/1}
export MEDIA_ROOT=$RUN/media STATIC_ROOT=$RUN/static
export GUNICORN_ACCESS_LOG=${GUNICORN_ACCESS_LOG:-$RUN/access.log}

stop() {
  for pidfile in "$RUN"/*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null && echo "停止: $(basename "$pidfile" .pid)（pid $pid）"
    rm -f "$pidfile"
  done
}

healthy() { curl -fsS "http://127.0.0.1:$1/healthz/" >/dev/null 2>&1; }

start() {
  stop >/dev/null 2>&1 || true
  if ! psql -h 127.0.0.1 -U postgres -lqt | cut -d '|' -f1 | grep -qw "$DB"; then
    createdb -h 127.0.0.1 -U postgres "$DB"
  fi
  .venv/bin/python manage.py migrate --noinput -v 0
  .venv/bin/python manage.py collectstatic --noinput -v 0
  .venv/bin/python manage.py schedule_reminders   # the daily automatic reminders, as README says for every deployment
  if ! .venv/bin/python manage.py shell -c "from members.models import User; raise SystemExit(0 if User.objects.filter(username='lead').exists() else 1)" >/dev/null 2>&1; then
    .venv/bin/python manage.py seed_demo > "$RUN/seed_demo.log"
  fi
  start_apps
  nohup .venv/bin/python manage.py db_worker >> "$RUN/worker.log" 2>&1 &
  echo $! > "$RUN/worker.pid"
  wait_healthy
  echo "起動しました: アプリ ${PORTS[*]/#/127.0.0.1:}、ワーカー（pid $(cat "$RUN/worker.pid")）、データベース $DB"
  echo "ログ: $RUN/app-<ポート>.log（エラー）、$RUN/access.log、$RUN/worker.log"
}

start_apps() {
  for port in "${PORTS[@]}"; do
    [ -f "$RUN/app-$port.pid" ] && kill "$(cat "$RUN/app-$port.pid")" 2>/dev/null && sleep 1
    # gunicorn's error log and everything the portal writes to stderr (Django's tracebacks) go to one file.
    nohup .venv/bin/gunicorn -c deploy/gunicorn.conf.py --bind "127.0.0.1:$port" >> "$RUN/app-$port.log" 2>&1 &
    echo $! > "$RUN/app-$port.pid"
  done
}

wait_healthy() {
  for port in "${PORTS[@]}"; do
    for _ in $(seq 1 60); do healthy "$port" && break; sleep 0.5; done
    healthy "$port" || { echo "アプリサーバー（:$port）が起動しません。$RUN/app-$port.log を確認してください。" >&2; exit 1; }
  done
}

case "${1:-start}" in
  start) start ;;
  start-apps) .venv/bin/python manage.py collectstatic --noinput -v 0; start_apps; wait_healthy; echo "アプリ ${PORTS[*]/#/127.0.0.1:} を起動しました（ログ: $RUN/app-<ポート>.log）" ;;
  stop) stop ;;
  status) for port in "${PORTS[@]}"; do healthy "$port" && echo ":$port 稼働中" || echo ":$port 停止"; done ;;
  *) echo "使い方: $0 start|start-apps|stop|status" >&2; exit 2 ;;
esac
