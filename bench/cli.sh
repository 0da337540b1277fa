#!/usr/bin/env bash
# bench/cli.sh: start-up cost of the CLI. `sysdojo perm explain 755` (the
# built binary) against `stat -c %A /`, both warm, with hyperfine. Results
# go to bench/results/cli.md and bench/results/cli.json (gitignored), and
# the medians are printed. Target: sysdojo's median under 3 ms.
#
# Usage: bench/cli.sh [RUNS]   (default 300)
# Needs: go, hyperfine (apt-get install hyperfine; installed when missing
# and running as root).
set -euo pipefail

runs=${1:-300}
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/bench/results
work=$(mktemp -d "${TMPDIR:-/tmp}/sysdojo-bench-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT

if ! command -v hyperfine >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		apt-get install -y hyperfine >/dev/null || { apt-get update >/dev/null && apt-get install -y hyperfine >/dev/null; }
	fi
	command -v hyperfine >/dev/null || { echo "bench/cli.sh: hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }
fi

# Two builds: the default one (net and os/user make it a dynamically linked
# cgo binary, which pays for the dynamic loader at every start) and a static
# one (CGO_ENABLED=0), which is what the README's install line builds.
echo "building sysdojo..."
(cd "$here" && go build -trimpath -o "$work/sysdojo" ./cmd/sysdojo)
(cd "$here" && CGO_ENABLED=0 go build -trimpath -o "$work/sysdojo-static" ./cmd/sysdojo)
mkdir -p "$out"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

# -N: no intermediate shell, so the figures are the programs' own.
hyperfine -N --warmup 30 --runs "$runs" \
	--command-name 'sysdojo perm explain 755' "$work/sysdojo perm explain 755" \
	--command-name 'sysdojo perm explain 755 (CGO_ENABLED=0)' "$work/sysdojo-static perm explain 755" \
	--command-name 'stat -c %A /' "stat -c %A /" \
	--export-markdown "$out/cli.md" --export-json "$out/cli.json"

python3 - "$out/cli.json" <<'PY' || true
import json, sys
r = json.load(open(sys.argv[1]))["results"]
for x in r:
    print(f"median {x['median']*1000:6.2f} ms  mean {x['mean']*1000:6.2f} ms  ±{x['stddev']*1000:5.2f}  {x['command']}")
for x in r[:2]:
    s = x["median"] * 1000
    print(f"{x['command']}: median {s:.2f} ms, {'under' if s < 3 else 'OVER'} the 3 ms target")
PY
