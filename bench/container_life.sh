#!/usr/bin/env bash
# bench/container_life.sh: the container lifecycle's latencies, warm, in one
# busybox rootfs, measured by hyperfine in the same run, beside runc's:
#   sysdojo container run -d   vs  runc create + runc start
#   sysdojo container exec     vs  runc exec            (/bin/true inside)
#   sysdojo container rm -f    vs  runc delete -f       (of a running container)
# The command in every container is "sleep 1000"; no limits.
#
# Usage: sudo bench/container_life.sh [RUNS]   (needs go hyperfine runc
# busybox-static python3; Debian: apt-get install hyperfine runc busybox-static python3)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
[[ $EUID -eq 0 ]] || { echo "bench/container_life.sh: needs root (try sudo)" >&2; exit 2; }
for t in go make hyperfine runc busybox python3; do
  command -v "$t" >/dev/null || { echo "bench/container_life.sh: $t is not installed" >&2; exit 2; }
done

work=$(mktemp -d /tmp/sysdojo-bench-life.XXXXXX)
sd="$work/sysdojo"
r="runc --root $work/runc"
cleanup() {
  for n in bl-exec bl-run bl-rm; do "$sd" container rm -f "$n" >/dev/null 2>&1 || true; done
  for n in bl-rc bl-rs bl-rx bl-rd; do $r delete -f "$n" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
make -s build >/dev/null && cp bin/sysdojo "$sd"   # the release build (make build)
"$sd" container rootfs build "$work/rootfs" >/dev/null
mkdir -p "$work/bundle" "$work/runc"
(cd "$work/bundle" && runc spec)
python3 - "$work/bundle/config.json" "$work/rootfs" <<'PY'
import json, sys
path, rootfs = sys.argv[1], sys.argv[2]
c = json.load(open(path))
c["root"] = {"path": rootfs, "readonly": True}
c["process"]["args"] = ["sleep", "1000"]
c["process"]["terminal"] = False
json.dump(c, open(path, "w"), indent=1)
PY
b="$work/bundle"
run="$sd container run --rootfs $work/rootfs"

# long-lived containers to exec into
$run -d --name bl-exec -- sleep 1000 >/dev/null
$r create -b "$b" bl-rx >/dev/null 2>&1 </dev/null && $r start bl-rx

hyperfine -N --warmup 5 --runs "$runs" --style basic --export-json "$work/result.json" \
  -n "sysdojo run -d" --prepare "sh -c '$sd container rm -f bl-run 2>/dev/null || true'" "$run -d --name bl-run -- sleep 1000" \
  -n "runc create" --prepare "sh -c '$r delete -f bl-rc 2>/dev/null || true'" "$r create -b $b bl-rc" \
  -n "runc start" --prepare "sh -c '$r delete -f bl-rs 2>/dev/null; $r create -b $b bl-rs'" "$r start bl-rs" \
  -n "sysdojo exec" --prepare "true" "$sd container exec bl-exec /bin/true" \
  -n "runc exec" --prepare "true" "$r exec bl-rx /bin/true" \
  -n "sysdojo rm -f" --prepare "sh -c '$sd container rm -f bl-rm 2>/dev/null; $run -d --name bl-rm -- sleep 1000'" "$sd container rm -f bl-rm" \
  -n "runc delete -f" --prepare "sh -c '$r delete -f bl-rd 2>/dev/null; $r create -b $b bl-rd; $r start bl-rd'" "$r delete -f bl-rd" \
  >/dev/null

python3 - "$work/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(f"{'command':16} {'median ms':>10} {'mean ms':>9} {'min ms':>8} {'max ms':>8}")
for x in r:
    print(f"{x['command']:16} {x['median']*1000:10.2f} {x['mean']*1000:9.2f} {x['min']*1000:8.2f} {x['max']*1000:8.2f}")
med = {x["command"]: x["median"] * 1000 for x in r}
print()
print(f"run -d vs runc create+start: {med['sysdojo run -d']:.2f} ms vs {med['runc create'] + med['runc start']:.2f} ms")
print(f"exec   vs runc exec:         {med['sysdojo exec']:.2f} ms vs {med['runc exec']:.2f} ms")
print(f"rm -f  vs runc delete -f:    {med['sysdojo rm -f']:.2f} ms vs {med['runc delete -f']:.2f} ms")
PY
