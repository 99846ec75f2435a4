#!/usr/bin/env bash
# Proof that a backup restores: dump a database holding the demo data with pg_dump, restore it
# into a fresh database with pg_restore, and compare every table's rows and every sequence.
# Runs in CI (.ci/run). Usage: scripts/backup_check.sh [--self-test]
#   --self-test  also changes one restored row and expects the comparison to catch it.
set -euo pipefail
cd "$(dirname "$0")/.."

PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
src=portal_backup_src_$$
dst=portal_backup_dst_$$
dump=$(mktemp -d)/portal.dump
cleanup() {
  dropdb --if-exists "$src" 2>/dev/null || true
  dropdb --if-exists "$dst" 2>/dev/null || true
  rm -rf "$(dirname "$dump")"
}
trap cleanup EXIT

createdb "$src"
export PORTAL_ENV=test DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$src" SECRET_KEY=backup-check-only MEDIA_ROOT=$(dirname "$dump")/media
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py seed_demo > /dev/null

# The documented backup and restore (README「バックアップと復元」).
pg_dump --format=custom --no-owner --file="$dump" "$src"
createdb "$dst"
pg_restore --no-owner --exit-on-error --dbname="$dst" "$dump"

if [ "${1:-}" = "--self-test" ]; then
  psql -q -d "$dst" -c "UPDATE kpi_kpifigure SET comment = comment || '（改変）' WHERE id = (SELECT min(id) FROM kpi_kpifigure)"
fi

# One line per table: row count and a digest of all rows in a stable order; then every sequence.
snapshot() {
  psql -At -d "$1" <<'SQL'
SELECT format('SELECT ''table '' || %L || '' '' || count(*) || '' '' || coalesce(md5(string_agg(t::text, ''|'' ORDER BY t::text)), ''-'') FROM %I.%I t',
              table_name, table_schema, table_name)
FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name \gexec
SELECT 'sequence ' || sequencename || ' ' || coalesce(last_value::text, '-') FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename;
SQL
}
before=$(snapshot "$src")
after=$(snapshot "$dst")
tables=$(echo "$before" | grep -c '^table ' || true)
sequences=$(echo "$before" | grep -c '^sequence ' || true)
rows=$(echo "$before" | awk '$1 == "table" { s += $3 } END { print s }')
if [ "$before" != "$after" ]; then
  echo "復元したデータベースが元と一致しません。違いのあるテーブル・シーケンス:" >&2
  diff <(echo "$before") <(echo "$after") | grep '^[<>]' | awk '{ print "  " $2 " " $3 }' | sort -u >&2 || true
  [ "${1:-}" = "--self-test" ] && { echo "（--self-test: 改変を検出できました）"; exit 0; }
  exit 1
fi
[ "${1:-}" = "--self-test" ] && { echo "--self-test: 改変を検出できませんでした。比較が働いていません。" >&2; exit 1; }
echo "バックアップと復元を確認しました: ${tables} テーブル（${rows} 行）と ${sequences} シーケンスが一致しています。"
