#!/usr/bin/env bash
# The editor clients' checks (issue 6), after scripts/editors/install.sh:
#   1. the VS Code extension: type check, unit tests (node --test), bundle, package gomodls.vsix
#   2. the server's start-up time (initialize answered), reported
#   3. tests/editors/: Neovim 0.7 and 0.11, Emacs 28 and 30, VS Code (code-server + chromium),
#      each headless against the server, with the documented configurations
# Artifacts (results, logs, screenshots): artifacts/editors/. Extra arguments go to pytest.
#   bash scripts/editors/run.sh [-k nvim] ...
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PY=${PYTHON:-$ROOT/.venv/bin/python}
export GOMODLS_ARTIFACTS=${GOMODLS_ARTIFACTS:-$ROOT/artifacts/editors}
mkdir -p "$GOMODLS_ARTIFACTS"
SECONDS=0
say() { echo "[editors +${SECONDS}s] $*"; }

say "VS Code extension: npm ci, type check, unit tests, package"
(
  cd vscode-client
  [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
  node syntaxes/generate.mjs --check
  npx tsc --noEmit -p .
  npm test --silent 2>&1 | tee "$GOMODLS_ARTIFACTS/vscode-unit-tests.txt" | grep -E '^# (tests|pass|fail)'
  [ "${PIPESTATUS[0]}" -eq 0 ]
  npx vsce package --no-dependencies --allow-missing-repository --out gomodls.vsix 2>&1 | grep -E 'DONE|ERROR|WARNING' || true
  [ -f gomodls.vsix ]
)
cp vscode-client/gomodls.vsix "$GOMODLS_ARTIFACTS/"

say "server start-up time"
"$PY" scripts/editors/startup_time.py --runs 7 --target 0.5 --profile | tee "$GOMODLS_ARTIFACTS/startup-time.txt"

say "editors"
status=0
"$PY" -m pytest tests/editors -v -ra -p no:cacheprovider --junitxml="$GOMODLS_ARTIFACTS/junit.xml" "$@" || status=$?
"$PY" - "$GOMODLS_ARTIFACTS" <<'PYEOF'
import json, pathlib, sys
root = pathlib.Path(sys.argv[1])
for result in sorted(root.glob("*/result.json")):
    r = json.loads(result.read_text())
    checks = r.get("checks", [])
    ok = sum(1 for c in checks if c.get("ok"))
    print(f"  {result.parent.name:26} {r.get('version', r.get('chromium', '')):14} {ok}/{len(checks)} checks, "
          f"exit {r.get('exit_code')}, {r.get('wall_seconds', '?')} s")
PYEOF
say "done (artifacts in $GOMODLS_ARTIFACTS)"
exit $status
