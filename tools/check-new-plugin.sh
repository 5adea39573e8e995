#!/usr/bin/env bash
# Part of `make test`: write a plugin outside the repository with `frontcounter new-plugin`, install it in
# a virtualenv of its own (which also sees the project's installed packages), lint it, then run its own
# tests on PostgreSQL and Redis (the migrations of the core and the new plugin run first).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
project_site=$("$root/.venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
work=$(mktemp -d "${TMPDIR:-/tmp}/frontcounter-new-plugin.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$root/.venv/bin/frontcounter" new-plugin noise_nuisance --dir "$work"
"$root/.venv/bin/python" -m venv "$work/venv"
plugin_site=$("$work/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "import site; site.addsitedir('$project_site')" > "$plugin_site/frontcounter-project.pth"
"$work/venv/bin/python" -m pip install --quiet --no-deps -e "$work/frontcounter-noise-nuisance"
cd "$work/frontcounter-noise-nuisance"
"$root/.venv/bin/ruff" check --no-cache .
FRONTCOUNTER_TEST_BACKEND=${FRONTCOUNTER_TEST_BACKEND:-postgres} "$work/venv/bin/python" -m pytest -q -p no:cacheprovider
