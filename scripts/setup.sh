#!/usr/bin/env bash
# One-time set-up, safe to run again: the uv package manager (it installs the
# Python packages on first `uv run`), and, where missing, Chromium and CJK
# fonts for static images with Chinese labels. Everything else works without
# Chromium: the HTML report is written anyway. With everything present it
# touches no package manager and prints nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v uv > /dev/null 2>&1 || pip install -q uv

need=()
command -v chromium > /dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
# Not "fc-list | grep -q": grep -q exits at the first match, fc-list then dies
# of SIGPIPE and, under pipefail, the pipeline fails although the fonts exist.
fonts=$(fc-list 2> /dev/null || true)
[[ "${fonts,,}" == *"noto sans cjk"* ]] || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null 2>&1; then
    echo "setup: installing ${need[*]} (for PNG/SVG/PDF charts with Chinese labels)..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq > /dev/null
    apt-get install -y -qq "${need[@]}" > /dev/null
  else
    echo "setup: ${need[*]} not installed; charts are written as HTML only." >&2
    echo "       To get PNG/SVG/PDF too: sudo apt-get install ${need[*]}" >&2
  fi
fi
# The Python packages: only when the lock file changed since the last sync.
stamp=.venv/.setup-synced
if [ ! -f "$stamp" ] || [ uv.lock -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  uv sync --locked --quiet
  touch "$stamp"
fi
