#!/usr/bin/env bash
# bench/cli.sh: start-up cost of the CLI. `sysdojo perm explain 755`, built
# as the release builds it (make build: static, -trimpath, stripped, with
# the urfave_cli_no_docs tag), against `stat -c %A /` in the same hyperfine
# run; the plain `go build` (cgo, dynamically linked, with the man page
# generator linked in) for comparison. Target: the release build's median
# at most 3x stat's. Also prints the binary sizes. Results go to
# bench/results/cli.md and cli.json (gitignored).
#
# Two more programs show where the time goes, built the same way:
#   - go-empty: `func main() {}`, the Go runtime's own start;
#   - floor: the same `perm explain` through urfave/cli, in a program that
#     links every third-party package sysdojo links (go-containerregistry,
#     nftables, yaml, xz, zstd, bbolt, ...) and nothing of sysdojo's own
#     but perm. Go runs every linked package's initialisation at start,
#     so no sysdojo that keeps these libraries starts faster than floor.
# and the Korean form of the command (--lang ko), which reads display
# widths.
#
# Usage: bench/cli.sh [RUNS]   (default 300)
# Needs: go, make, hyperfine (apt-get install hyperfine; installed when
# missing and running as root), python3 for the summary.
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

echo "building sysdojo..."
make -s -C "$here" build >/dev/null
cp "$here/bin/sysdojo" "$work/sysdojo"
(cd "$here" && go build -trimpath -o "$work/sysdojo-gobuild" ./cmd/sysdojo)

# floor and go-empty, in a directory of the module that go's ./... skips.
gen=$here/bench/_gen
rm -rf "$gen" && mkdir -p "$gen/floor" "$gen/empty"
trap 'rm -rf "$work" "$gen"' EXIT
echo 'package main

func main() {}' >"$gen/empty/main.go"
{
	echo 'package main

import (
	"fmt"
	"os"

	"github.com/sysdojo/sysdojo/perm"
	"github.com/urfave/cli/v2"
'
	(cd "$here" && go list -deps -f '{{if not .Standard}}{{.ImportPath}}{{end}}' ./cmd/sysdojo) |
		grep -v -e '^github.com/sysdojo/' -e '/internal/' -e '^github.com/urfave/cli/v2$' | sed 's/.*/\t_ "&"/'
	echo ')

func main() {
	app := &cli.App{Name: "floor", Commands: []*cli.Command{{Name: "explain", Action: func(c *cli.Context) error {
		p, err := perm.ParseAny(c.Args().First())
		fmt.Println(p, err)
		return err
	}}}}
	if app.Run(os.Args) != nil {
		os.Exit(1)
	}
}'
} >"$gen/floor/main.go"
for p in floor empty; do
	(cd "$here" && CGO_ENABLED=0 go build -trimpath -tags urfave_cli_no_docs -ldflags '-s -w' -o "$work/$p" ./bench/_gen/$p)
done
mkdir -p "$out"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
for b in sysdojo sysdojo-gobuild floor empty; do
	printf '%-16s %6.1f MB\n' "$b" "$(stat -c %s "$work/$b" | awk '{print $1/1e6}')"
done

# -N: no intermediate shell, so the figures are the programs' own.
hyperfine -N --warmup 30 --runs "$runs" \
	--command-name 'sysdojo perm explain 755' "$work/sysdojo perm explain 755" \
	--command-name 'stat -c %A /' "stat -c %A /" \
	--command-name 'sysdojo perm explain 755 (go build)' "$work/sysdojo-gobuild perm explain 755" \
	--command-name 'sysdojo --lang ko perm explain 755' "$work/sysdojo --lang ko perm explain 755" \
	--command-name 'floor explain 755' "$work/floor explain 755" \
	--command-name 'go-empty' "$work/empty" \
	--export-markdown "$out/cli.md" --export-json "$out/cli.json"

python3 - "$out/cli.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
for c, x in r.items():
    print(f"median {x['median']*1000:6.2f} ms  mean {x['mean']*1000:6.2f} ms  ±{x['stddev']*1000:5.2f}  {c}")
s, st = r["sysdojo perm explain 755"]["median"], r["stat -c %A /"]["median"]
print(f"sysdojo perm explain 755 / stat: {s/st:.2f}x the median ({'within' if s <= 3*st else 'OVER'} the 3x target)")
f, e = r["floor explain 755"]["median"], r["go-empty"]["median"]
print(f"floor / stat: {f/st:.2f}x   go-empty / stat: {e/st:.2f}x   sysdojo / floor: {s/f:.2f}x")
PY
