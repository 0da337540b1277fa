#!/usr/bin/env bash
# bench/container.sh: start-up time of /bin/true in one busybox rootfs, warm,
# measured by hyperfine in the same run:
#   sysdojo container run (the full default profile: capabilities, devices,
#                          seccomp, no_new_privs, nodev/nosuid; + --memory
#                          64m --pids 64)
#   runc run              (runc spec defaults + the same limits)
#   crun run              (the same bundle; on a hybrid cgroup machine crun
#                          1.8 refuses to start, so the whole benchmark runs in
#                          a private mount namespace with an empty file bound
#                          over /sys/fs/cgroup/unified/cgroup.controllers)
#   bwrap --unshare-all   (read-only bind of the rootfs, /proc, /dev)
#   unshare -fpmuinC ... chroot
# then the peak RSS of sysdojo (GNU time's %M: the largest of the runtime and
# its first process). Goals: sysdojo's median <= 0.5 x runc's (and
# <= 1.0 x crun's); peak RSS < 20 MB. The seccomp filter's and the device
# rules' own cost: go test -bench 'Seccomp|DeviceRules|BuildProg' ./container/
#
# sysdojo is built as the README says to install it: CGO_ENABLED=0 (a static
# binary: no dynamic loader at each start). Where its time goes, step by
# step: SYSDOJO_TRACE=1 sysdojo container run ... prints a timestamped line
# (CLOCK_MONOTONIC, microseconds) per step of the runtime and of its init.
#
# Usage: sudo bench/container.sh [RUNS]   (needs hyperfine runc crun bwrap
# busybox-static python3; Debian: apt-get install hyperfine runc crun
# bubblewrap busybox-static python3)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
[[ $EUID -eq 0 ]] || { echo "bench/container.sh: needs root (try sudo)" >&2; exit 2; }
for t in go make hyperfine runc crun bwrap unshare busybox python3; do
  command -v "$t" >/dev/null || { echo "bench/container.sh: $t is not installed" >&2; exit 2; }
done

work=$(mktemp -d /tmp/sysdojo-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "building sysdojo as the release does (make build: static, -trimpath, stripped, no man page generator)" >&2
make -s build >/dev/null && cp bin/sysdojo "$work/sysdojo"
"$work/sysdojo" container rootfs build "$work/rootfs" >/dev/null
mkdir -p "$work/bundle" "$work/runc" "$work/crun"
(cd "$work/bundle" && runc spec)
python3 - "$work/bundle/config.json" "$work/rootfs" <<'PY'
import json, sys
path, rootfs = sys.argv[1], sys.argv[2]
c = json.load(open(path))
c["root"] = {"path": rootfs, "readonly": True}
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
res = c["linux"].setdefault("resources", {})
res["memory"] = {"limit": 64 << 20}
res["pids"] = {"limit": 64}
json.dump(c, open(path, "w"), indent=1)
PY
touch "$work/empty"

unshare -m --propagation private bash -s "$work" "$runs" <<'SH'
set -euo pipefail
w=$1 runs=$2
if [[ -e /sys/fs/cgroup/unified/cgroup.controllers ]]; then
  mount --bind "$w/empty" /sys/fs/cgroup/unified/cgroup.controllers
fi
hyperfine -N --warmup 20 --runs "$runs" --style basic \
  --export-json "$w/result.json" --export-markdown "$w/result.md" \
  -n "sysdojo run (mem+pids)" "$w/sysdojo container run --rootfs $w/rootfs --memory 64m --pids 64 -- /bin/true" \
  -n "sysdojo run, no seccomp" "$w/sysdojo container run --rootfs $w/rootfs --memory 64m --pids 64 --security-opt seccomp=unconfined -- /bin/true" \
  -n "runc run (mem+pids)" "runc --root $w/runc run -b $w/bundle bench-runc" \
  -n "crun run (mem+pids)" "crun --root $w/crun run -b $w/bundle bench-crun" \
  -n "bwrap --unshare-all" "bwrap --unshare-all --ro-bind $w/rootfs / --proc /proc --dev /dev /bin/true" \
  -n "unshare -fpmuinC chroot" "unshare -fpmuinC chroot $w/rootfs /bin/true" >/dev/null
SH

peak=0
for _ in $(seq 20); do
  kb=$( { /usr/bin/time -f %M "$work/sysdojo" container run --rootfs "$work/rootfs" --memory 64m --pids 64 -- /bin/true; } 2>&1 | tail -1)
  (( kb > peak )) && peak=$kb
done

python3 - "$work/result.json" "$peak" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
peak = int(sys.argv[2])
med = {x["command"]: x["median"] * 1000 for x in r}
print(f"{'command':28} {'median ms':>10} {'mean ms':>9} {'min ms':>8} {'max ms':>8}")
for x in r:
    print(f"{x['command']:28} {x['median']*1000:10.2f} {x['mean']*1000:9.2f} {x['min']*1000:8.2f} {x['max']*1000:8.2f}")
s = med["sysdojo run (mem+pids)"]
runc, crun = med["runc run (mem+pids)"], med["crun run (mem+pids)"]
ok = lambda b: "ok" if b else "MISSED"
print()
print(f"sysdojo / runc median: {s/runc:.2f}  (goal <= 0.5: {ok(s <= 0.5*runc)})")
print(f"sysdojo / crun median: {s/crun:.2f}  (goal <= 1.00: {ok(s <= crun)})")
print(f"the seccomp filter's cost: {s - med['sysdojo run, no seccomp']:.2f} ms of the median (goal with the device rules <= 1 ms)")
print(f"sysdojo peak RSS: {peak/1024:.1f} MB  (goal < 20 MB: {ok(peak < 20*1024)})")
PY
