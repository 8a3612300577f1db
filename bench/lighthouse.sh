#!/bin/sh
# Lighthouse (mobile) on the phone pages: see bench/lighthouse/run.mjs. Installs its own npm
# packages (Lighthouse stays out of the root package.json that CI's `npm ci` installs) and the
# root ones the browser tests' server helper needs (playwright-core), then runs the bench.
# SARAFAN_BIN / SARAFAN_SITE_ROOT choose the build (default: target/debug/sarafan, target/site).
# Usage: bench/lighthouse.sh [--runs N]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
stale() { [ ! -f "$1/node_modules/.package-lock.json" ] || [ "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]; }
if stale "$root"; then (cd "$root" && npm ci --no-audit --no-fund); fi
if stale "$here/lighthouse"; then (cd "$here/lighthouse" && npm ci --no-audit --no-fund); fi
exec node "$here/lighthouse/run.mjs" "$@"
