#!/usr/bin/env bash
# Runs every benchmark in order; see bench/README.md.
#
#   bench/run-all.sh            all five
#   bench/run-all.sh --no-install   skip the cold install (it downloads every package)
#
# Each benchmark cleans up after itself (backend on port 7027, bench_* databases,
# temp folders). A failing benchmark does not stop the others; the exit code is
# non-zero when any failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ -x "$ROOT/.tools/node/bin/node" ]]; then
  export PATH="$ROOT/.tools/node/bin:$PATH"
  export npm_config_nodedir="$ROOT/.tools/node"
fi

SKIP_INSTALL=0
[[ "${1:-}" == "--no-install" ]] && SKIP_INSTALL=1

failed=()
run() {
  local name="$1"
  shift
  printf '\n\033[1;34m== %s ==\033[0m\n' "$name"
  # hard cap per benchmark, whatever happens inside it
  timeout --kill-after=30 "$BENCH_LIMIT" "$@" || failed+=("$name")
}

BENCH_LIMIT=2400 run stacks-endpoint node bench/stacks-endpoint.mjs
BENCH_LIMIT=1200 run start-time node bench/start-time.mjs
BENCH_LIMIT=900 run home-js-size node bench/home-js-size.mjs
BENCH_LIMIT=5400 run audit-log node --require @backstage/cli/config/nodeTransform.cjs bench/audit-log.ts
BENCH_LIMIT=3600 run audit-reports node --require @backstage/cli/config/nodeTransform.cjs bench/audit-reports.ts
BENCH_LIMIT=1500 run feature-flags node --require @backstage/cli/config/nodeTransform.cjs bench/feature-flags.ts
BENCH_LIMIT=1500 run support node --require @backstage/cli/config/nodeTransform.cjs bench/support.ts
BENCH_LIMIT=1200 run health node --require @backstage/cli/config/nodeTransform.cjs bench/health.ts
BENCH_LIMIT=1200 run cloudwatch node --require @backstage/cli/config/nodeTransform.cjs bench/cloudwatch.ts
BENCH_LIMIT=900 run templates node --require @backstage/cli/config/nodeTransform.cjs bench/templates.ts
BENCH_LIMIT=1200 run read-endpoints node bench/read-endpoints.mjs
if [[ $SKIP_INSTALL == 0 ]]; then
  BENCH_LIMIT=5400 run cold-install bash bench/cold-install.sh
fi

echo
if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all benchmarks done"
