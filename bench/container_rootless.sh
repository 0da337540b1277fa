#!/usr/bin/env bash
# bench/container_rootless.sh: rootless start-up of /bin/true in one busybox
# rootfs, warm, measured by hyperfine in the same run, both run by the same
# unprivileged user (nobody unless BENCH_USER says otherwise):
#   sysdojo container run   (rootless: a user namespace, the default profile)
#   bwrap --unshare-all --uid 0   (the same kind of sandbox, bubblewrap's way)
# Goal: sysdojo's median <= 1.5 x bwrap's.
#
# Usage: sudo bench/container_rootless.sh [RUNS]   (needs hyperfine bwrap
# busybox-static setpriv python3; it runs as root only to become the user)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100}
user=${BENCH_USER:-nobody}
[[ $EUID -eq 0 ]] || { echo "bench/container_rootless.sh: needs root, to run as $user (try sudo)" >&2; exit 2; }
for t in go make hyperfine bwrap busybox setpriv python3; do
  command -v "$t" >/dev/null || { echo "bench/container_rootless.sh: $t is not installed" >&2; exit 2; }
done

work=$(mktemp -d /tmp/sysdojo-rootless-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "building sysdojo as the release does (make build: static, -trimpath, stripped, no man page generator)" >&2
make -s build >/dev/null && cp bin/sysdojo "$work/sysdojo"
chmod 755 "$work"
chown "$user" "$work"
as() {
  setpriv --reuid "$user" --regid "$(id -g "$user")" --clear-groups \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$work" TMPDIR="$work" LANG=C.UTF-8 "$@"
}
as "$work/sysdojo" container rootfs build "$work/rootfs" >/dev/null
as hyperfine -N --warmup 20 --runs "$runs" --style basic --export-json "$work/result.json" \
  -n "sysdojo run (rootless)" "$work/sysdojo container run --rootfs $work/rootfs -- /bin/true" \
  -n "bwrap --unshare-all --uid 0" "bwrap --unshare-all --uid 0 --ro-bind $work/rootfs / --proc /proc --dev /dev /bin/true" >/dev/null

python3 - "$work/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
med = {x["command"]: x["median"] * 1000 for x in r}
print(f"{'command':30} {'median ms':>10} {'mean ms':>9} {'min ms':>8} {'max ms':>8}")
for x in r:
    print(f"{x['command']:30} {x['median']*1000:10.2f} {x['mean']*1000:9.2f} {x['min']*1000:8.2f} {x['max']*1000:8.2f}")
s, b = med["sysdojo run (rootless)"], med["bwrap --unshare-all --uid 0"]
print()
print(f"sysdojo / bwrap median: {s/b:.2f}  (goal <= 1.5: {'ok' if s <= 1.5*b else 'MISSED'})")
PY
