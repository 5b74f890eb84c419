#!/usr/bin/env bash
# Installs the Node tooling from the committed lockfile, once, even when several test projects
# build in parallel (they serialise on a lock and skip the install if another one just did it).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
install() {
  if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    return 0
  fi
  echo "Installing Node tooling (npm ci from package-lock.json)..."
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
  touch node_modules/.package-lock.json
}
if command -v flock >/dev/null 2>&1; then
  exec 9>"$root/.npm-install.lock"
  flock 9
fi
install
