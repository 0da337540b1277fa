#!/bin/sh
# Start-up time of the lesson commands (issue 7: well under 50 ms), side by
# side with perm explain (no lesson data) and ls -l. Needs hyperfine.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/sysdojo" ./cmd/sysdojo
export SYSDOJO_PROGRESS="$tmp/progress.json" HOME="$tmp/home"
"$tmp/sysdojo" lesson start perm-octal >/dev/null
cd "$HOME/sysdojo-lab/perm-octal"
hyperfine -N -i --warmup 5 -r 60 \
	"$tmp/sysdojo lesson list" \
	"$tmp/sysdojo lesson check" \
	"$tmp/sysdojo lesson check --json" \
	"$tmp/sysdojo progress" \
	"$tmp/sysdojo perm explain 754" \
	"/bin/ls -l" \
	--export-json "$tmp/hf.json" >/dev/null 2>&1
python3 - "$tmp/hf.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%-40s median %5.1f ms" % (r["command"].split("/")[-1], r["median"] * 1000))
PY
