#!/usr/bin/env bash
# bench/link.sh: `sysdojo link same F DIR` against `find DIR -samefile F`
# on a tree of about 200,000 entries (some hard links), both warm, with
# hyperfine; then peak memory of each with /usr/bin/time -v.
#
# Usage: bench/link.sh [ENTRIES]   (default 200000)
# Needs: go, hyperfine, GNU time (/usr/bin/time; installed with apt-get
# when missing and running as root).
set -euo pipefail

entries=${1:-200000}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sysdojo-bench-link.XXXXXX")
trap 'rm -rf "$work"' EXIT

need() {
	command -v "$1" >/dev/null && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		apt-get install -y "$2" >/dev/null || { apt-get update >/dev/null && apt-get install -y "$2" >/dev/null; }
	fi
	command -v "$1" >/dev/null || { echo "bench/link.sh: $1 is needed (apt-get install $2)" >&2; exit 1; }
}
need hyperfine hyperfine
[ -x /usr/bin/time ] || need /usr/bin/time time

echo "building sysdojo..."
(cd "$here" && go build -o "$work/sysdojo" ./cmd/sysdojo)

# The tree: T top directories x S subdirectories x 100 files, plus
# symbolic links and hard links of F spread through it.
tree=$work/tree
per=100
subs=50
tops=$(( (entries + subs * per - 1) / (subs * per) ))
echo "building a tree of ~$entries entries ($tops x $subs dirs x $per files) in $tree..."
mkdir -p "$tree"
names=$(printf 'f%d ' $(seq 0 $((per - 1))))
for t in $(seq 1 "$tops"); do
	for s in $(seq 1 "$subs"); do
		d="$tree/t$t/s$s"
		mkdir -p "$d"
		(cd "$d" && touch $names && ln -s f0 link0 && ln -s ../s1/f1 link1)
	done
done
F=$tree/F
echo data >"$F"
for t in $(seq 1 "$tops"); do
	ln "$F" "$tree/t$t/s$((t % subs + 1))/hard-of-F"
	ln "$tree/t$t/s1/f5" "$tree/t$t/s2/another-hard-link"
done
total=$(find "$tree" | wc -l)
echo "tree: $total entries, F has $(stat -c %h "$F") names"

# Same answer first.
diff <("$work/sysdojo" link same "$F" "$tree" | sort) <(find "$tree" -samefile "$F" | sort) >/dev/null ||
	{ echo "bench/link.sh: sysdojo and find disagree" >&2; exit 1; }

hyperfine --warmup 3 --runs 15 --export-json "$work/hf.json" \
	-n find "find '$tree' -samefile '$F'" \
	-n sysdojo "'$work/sysdojo' link same '$F' '$tree'"

median() { # name
	python3 -c "import json,sys; r={x['command']:x for x in json.load(open('$work/hf.json'))['results']}; print('%.4f' % r['$1']['median'])" 2>/dev/null ||
		jq -r ".results[] | select(.command==\"$1\") | .median" "$work/hf.json"
}
mf=$(median find)
ms=$(median sysdojo)
rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'; }
rf=$(rss find "$tree" -samefile "$F")
rs=$(rss "$work/sysdojo" link same "$F" "$tree")
echo
echo "entries:            $total"
printf 'median find:        %s s\n' "$mf"
printf 'median sysdojo:     %s s\n' "$ms"
printf 'ratio sysdojo/find: %s (goal <= 1.0)\n' "$(awk -v a="$ms" -v b="$mf" 'BEGIN{printf "%.2f", a/b}')"
echo "peak RSS find:      $rf KB"
echo "peak RSS sysdojo:   $rs KB (goal < 65536 KB)"
