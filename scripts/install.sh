#!/usr/bin/env bash
# Installs everything a fresh Debian machine lacks: system packages, the virtualenv and the
# Python packages pinned in pyproject.toml. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  python3-venv
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint; harfbuzz-subset keeps font subsetting fast
  fonts-ipaexfont                                        # Japanese font embedded (subset) in PDFs
  poppler-utils                                          # pdffonts/pdftotext, used by the tests to read PDFs back
  chromium                                               # headless browser for the Playwright tests
  postgresql-client                                      # pg_dump / pg_restore
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q ".[test]"
