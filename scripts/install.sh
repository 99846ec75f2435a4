#!/usr/bin/env bash
# Installs everything a fresh Debian machine lacks: system packages, the virtualenv and the
# Python packages pinned in pyproject.toml. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  python3-venv
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint (PDF meeting packet); harfbuzz-subset keeps font subsetting fast
  fonts-ipaexfont                                        # the Japanese font embedded, as a subset, in PDFs
  poppler-utils                                          # pdftotext / pdffonts, to read generated PDFs back
  chromium                                               # headless browser for the Playwright tests
  postgresql-client                                      # pg_isready, createdb, pg_dump / pg_restore
  libreoffice-calc-nogui                                 # the tests open the Excel report in LibreOffice, headless
)
# Front-end packages come from the npm registry at setup time; Debian's npm is used only when the
# machine has no npm of its own.
command -v npm >/dev/null || APT_PACKAGES+=(npm)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""
  elif command -v sudo >/dev/null; then SUDO="sudo"
  else
    echo "次のパッケージが必要です。root で apt-get install してください: ${missing[*]}" >&2
    exit 1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# Reinstall only when the pinned dependencies change, so the test command stays quick.
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q ".[test]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# The Digital Agency design tokens (CSS variables), served by the app itself as static files.
npm_stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
if [ ! -f "$npm_stamp" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch "$npm_stamp"
fi
