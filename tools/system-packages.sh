#!/usr/bin/env bash
# Install the Debian packages frontcounter needs, only those missing (run by `make`).
#   base: python3 venv, Node.js + npm (GOV.UK Frontend assets), Pango and a font (PDFs)
#   test: PostgreSQL and Redis binaries (the tests start throwaway servers from them), Chromium
#   bench: wrk, the load generator of bench/public_pages.py, bench/submit.py and bench/mixed_load.py
set -euo pipefail
want=()
have() { command -v "$1" >/dev/null 2>&1; }
python3 -c 'import ensurepip, venv' 2>/dev/null || want+=(python3-venv)
have npm || want+=(npm)
# weasyprint (PDF letters and certificates) needs Pango; fonts so the PDFs have text to draw.
ldconfig -p 2>/dev/null | grep 'libpangoft2-1.0' >/dev/null || want+=(libpango-1.0-0 libpangoft2-1.0-0)
fc-list 2>/dev/null | grep . >/dev/null || want+=(fonts-dejavu-core)
if [ "${1:-}" = "test" ]; then
  have redis-server || want+=(redis-server)
  have initdb || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || want+=(postgresql)
  have chromium || want+=(chromium)
fi
if [ "${1:-}" = "bench" ]; then
  have wrk || want+=(wrk)
fi
[ ${#want[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${want[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${want[@]}"
