#!/usr/bin/env bash
# Cold install time of the committed HEAD, against a warm re-install as reference.
#
#   bench/cold-install.sh
#
# Clones the repo (committed HEAD, not the working tree) into a temp folder,
# then times `node .yarn/releases/yarn-4.13.0.cjs install --immutable` there:
#   cold: empty yarn cache (YARN_CACHE_FOLDER=<tmp>/cache, YARN_ENABLE_GLOBAL_CACHE=false)
#         and an empty yarn global folder (YARN_GLOBAL_FOLDER=<tmp>/global), so no
#         package archive or registry metadata is reused from earlier installs;
#   warm: the same command again in the same clone (node_modules present,
#         lockfile unchanged).
# Prints both and the ratio cold / warm, then deletes the temp folder.
# Downloads every package from the npm registry: the figure includes the network.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COLD_TIMEOUT="${COLD_TIMEOUT:-3600}" # seconds
WARM_TIMEOUT="${WARM_TIMEOUT:-900}"

if [[ -x "$ROOT/.tools/node/bin/node" ]]; then
  export PATH="$ROOT/.tools/node/bin:$PATH"
  export npm_config_nodedir="$ROOT/.tools/node"
else
  export npm_config_nodedir="${npm_config_nodedir:-$(dirname "$(dirname "$(command -v node)")")}"
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/bench-install-XXXXXX")"
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

git clone --quiet "$ROOT" "$TMP/repo"
HEAD_SHA="$(git -C "$TMP/repo" rev-parse --short HEAD)"
say "cloned HEAD $HEAD_SHA into $TMP/repo; node $(node -v)"

export YARN_CACHE_FOLDER="$TMP/cache"
export YARN_ENABLE_GLOBAL_CACHE=false
export YARN_GLOBAL_FOLDER="$TMP/global"
export YARN_ENABLE_TELEMETRY=0
export YARN_ENABLE_PROGRESS_BARS=false
# yarn's own temp files (build logs of native packages) stay inside the temp folder
mkdir -p "$TMP/tmp"
export TMPDIR="$TMP/tmp"
unset CI

# Runs the install under a time-out; prints the elapsed seconds.
timed_install() {
  local name="$1" limit="$2" start end rc=0
  start="$(date +%s.%N)"
  (cd "$TMP/repo" && timeout "$limit" node .yarn/releases/yarn-4.13.0.cjs install --immutable) \
    >"$TMP/$name.log" 2>&1 || rc=$?
  end="$(date +%s.%N)"
  if [[ $rc -ne 0 ]]; then
    say "$name install FAILED (exit $rc$([[ $rc == 124 ]] && echo ", timed out after ${limit} s")); last lines:"
    tail -n 30 "$TMP/$name.log" >&2
    exit 1
  fi
  node -e "console.log((Number(process.argv[1]) - Number(process.argv[2])).toFixed(1))" "$end" "$start"
}

LOAD_BEFORE="$(cut -d' ' -f1 /proc/loadavg)"
say "cold install (empty cache, time-out ${COLD_TIMEOUT} s)"
COLD="$(timed_install cold "$COLD_TIMEOUT")"
say "cold install: ${COLD} s; warm install (time-out ${WARM_TIMEOUT} s)"
WARM="$(timed_install warm "$WARM_TIMEOUT")"
say "warm install: ${WARM} s"

CACHE_MB="$(du -sm "$TMP/cache" | cut -f1)"
NM_MB="$(du -sm "$TMP/repo/node_modules" | cut -f1)"
PKGS="$(find "$TMP/cache" -maxdepth 1 -name '*.zip' | wc -l)"
RATIO="$(node -e "console.log((Number(process.argv[1]) / Number(process.argv[2])).toFixed(1))" "$COLD" "$WARM")"
NOW="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
MACHINE="$(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB RAM, Node $(node -v)"

echo
echo "Cold install of HEAD $HEAD_SHA (yarn install --immutable)"
echo "  $NOW  $MACHINE"
echo "  load average (1 min) before $LOAD_BEFORE, after $(cut -d' ' -f1 /proc/loadavg)"
echo "  cold (empty cache): ${COLD} s   ($PKGS package archives, ${CACHE_MB} MB cache, ${NM_MB} MB node_modules)"
echo "  warm (reference, node_modules present): ${WARM} s"
echo "  ratio cold / warm: ${RATIO}"
# Native packages whose build failed (yarn reports and carries on: they are optional here)
FAILED_BUILDS="$(grep -o "YN0009: │ [^ ]* couldn't be built" "$TMP/cold.log" | sed "s/YN0009: │ //; s/ couldn't be built//" | tr '\n' ' ' || true)"
[[ -n "$FAILED_BUILDS" ]] && echo "  native builds that failed (install still succeeded): $FAILED_BUILDS"
echo "RESULT {\"bench\":\"cold-install\",\"date\":\"$NOW\",\"head\":\"$HEAD_SHA\",\"coldS\":$COLD,\"warmS\":$WARM,\"ratio\":$RATIO,\"packages\":$PKGS,\"cacheMB\":$CACHE_MB,\"nodeModulesMB\":$NM_MB}"
