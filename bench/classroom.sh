#!/bin/sh
# Timings of the instructor commands (issue 8), with hyperfine: grading
# every step of every lesson, a class report over 60 students' exports, a
# 20-question quiz key, handouts, the man page; and a whole demo run with
# --auto 0, beside the same lesson's solutions run by a plain shell loop.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/sysdojo" ./cmd/sysdojo
sd="$tmp/sysdojo"
export SYSDOJO_PROGRESS="$tmp/progress.json" HOME="$tmp/home"
for id in $("$sd" lesson list --json | python3 -c 'import json,sys; [print(l["id"]) for l in json.load(sys.stdin)]'); do
	"$sd" lesson start "$id" >/dev/null
done
# 60 students: copies of one export under different names.
mkdir "$tmp/class"
i=1
while [ $i -le 60 ]; do
	"$sd" progress export --student "student$i" >"$tmp/class/s$i.json"
	i=$((i + 1))
done
echo '{"broken": ' >"$tmp/class/broken.json"
# The perm-octal solutions as a plain script, for the demo's comparison.
cat >"$tmp/plain.sh" <<'SH'
d=$(mktemp -d); cd "$d"; echo sample >sample.txt; printf '#!/bin/sh\n' >script.sh; echo q >report.txt
chmod 777 sample.txt; chmod 754 script.sh; chmod 0640 report.txt; chmod 644 sample.txt; stat -c %a sample.txt script.sh report.txt >/dev/null
cd /; rm -rf "$d"
SH
hyperfine -N -i --warmup 3 -r 30 \
	"$sd lesson check --all --format tap" \
	"$sd lesson check --all --format junit" \
	"$sd class report $tmp/class" \
	"$sd class report --csv $tmp/class" \
	"$sd quiz --count 20 --seed 1 --key" \
	"$sd lesson handout links-experiment --format html" \
	"$sd man" \
	"$sd demo perm-octal --auto 0s" \
	"sh $tmp/plain.sh" \
	--export-json "$tmp/hf.json" >/dev/null 2>&1
python3 - "$tmp/hf.json" "$tmp/" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%-52s median %6.1f ms" % (r["command"].replace(sys.argv[2], ""), r["median"] * 1000))
PY
