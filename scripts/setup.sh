#!/usr/bin/env bash
# One-time set-up, safe to run again: the uv package manager (it installs the
# Python packages on first `uv run`), and, where missing, Chromium and CJK
# fonts for static images with Chinese labels. Everything else works without
# Chromium: the HTML report is written anyway. With everything present it
# touches no package manager and prints nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v uv > /dev/null 2>&1 || pip install -q uv

# apt-get waits for the dpkg lock with DPkg::Lock::Timeout, but not for the
# lists and archive locks: apt 2.6's 'apt-get update' fails at once while
# another process (an unattended upgrade, a second set-up) holds
# /var/lib/apt/lists/lock. So a run that failed on a lock is retried, every
# 5 s for up to 5 minutes; any other failure is shown at once.
apt_wait() {
  local log tries=0
  log=$(mktemp)
  until apt-get -o DPkg::Lock::Timeout=300 "$@" > /dev/null 2> "$log"; do
    if ! grep -q "Could not get lock" "$log" || [ $((tries += 1)) -gt 60 ]; then
      cat "$log" >&2
      rm -f "$log"
      return 1
    fi
    if [ "$tries" = 1 ]; then
      echo "setup: another process holds the apt lock; waiting (up to 5 minutes)..." >&2
    fi
    sleep 5
  done
  rm -f "$log"
}

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
    apt_wait update -qq
    apt_wait install -y -qq "${need[@]}"
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
