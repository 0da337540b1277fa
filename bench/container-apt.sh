#!/usr/bin/env bash
# bench/container-apt.sh: issue 15's speed figures, with hyperfine, side by
# side (goals in brackets; nothing here is asserted by a test):
#   1. container pull of an image already in the cache       [<= 100 ms]
#      (go-containerregistry's registry on 127.0.0.1, bench/registry)
#   2. container run IMAGE -- /bin/true, the image pulled,
#      beside container run --rootfs DIR -- /bin/true         [as fast]
#   3. a Debian minbase root from a local apt serve --pool:
#      container rootfs debian --mirror URL, beside mmdebstrap run by hand
#      against the same mirror with the same options          [<= 1.2 x]
#   4. apt-get install sysdojo-hello in a container of that root
#      (--network host: the same mirror on 127.0.0.1 as the chroot), beside
#      the same in a chroot of a fresh copy of the root       [<= 1.1 x]
# The pool is a directory of .debs of a Debian minbase root (the test
# cache's, internal/debtest, or any: POOL=DIR); it must match this
# machine's Debian release. Run it when the machine is quiet.
#
# Usage: sudo [POOL=DIR] bench/container-apt.sh [RUNS]   (needs go hyperfine
# mmdebstrap busybox-static; RUNS for 1, 2 and 4, default 20; 3 runs 3 times)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
[[ $EUID -eq 0 ]] || { echo "bench/container-apt.sh: needs root (try sudo)" >&2; exit 2; }
for t in go hyperfine mmdebstrap tar chroot; do
  command -v "$t" >/dev/null || { echo "bench/container-apt.sh: $t is not installed" >&2; exit 2; }
done
pool=${POOL:-$(ls -d "${SYSDOJO_TEST_CACHE:-$HOME/.cache/sysdojo-test}"/debs-* 2>/dev/null | head -1)}
[[ -n "$pool" && -d "$pool" ]] || { echo "bench/container-apt.sh: no pool: give POOL=DIR (or run go test ./cmd/sysdojo -run TestContainerAptEndToEnd once)" >&2; exit 2; }
. /etc/os-release
suite=${VERSION_CODENAME:-bookworm}

w=$(mktemp -d /tmp/sysdojo-bench-apt.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$w"
}
trap cleanup EXIT
echo "building sysdojo as the release does (make build)" >&2
make -s build >/dev/null && cp bin/sysdojo "$w/sysdojo"
sd=$w/sysdojo
export XDG_CACHE_HOME=$w/cache SYSDOJO_CLASS=off LANG=C.UTF-8
hf() { hyperfine --style basic "$@"; }

# 1 and 2: an image in the in-process registry
"$sd" container rootfs build "$w/rootfs" >/dev/null
tar --numeric-owner -C "$w/rootfs" -cf "$w/layer.tar" .
go build -o "$w/registry" ./bench/registry
mkfifo "$w/reg.in"
"$w/registry" "$w/layer.tar" bench/busybox:1 <"$w/reg.in" >"$w/reg.out" &
pids+=($!)
exec 7>"$w/reg.in"
for _ in $(seq 100); do [[ -s "$w/reg.out" ]] && break; sleep 0.1; done
ref=$(cat "$w/reg.out")
"$sd" container pull "$ref" >/dev/null
echo "== 1. container pull, the image in the cache [goal <= 100 ms]"
hf --warmup 1 --runs "$runs" "$sd container pull $ref"
echo "== 2. second run of a pulled image vs --rootfs [goal: as fast]"
hf --warmup 1 --runs "$runs" -n image "$sd container run $ref -- /bin/true" -n rootfs "$sd container run --rootfs $w/rootfs -- /bin/true"

# 3: a Debian root from a local apt serve --pool
"$sd" apt serve --pool "$pool" --addr 127.0.0.1:0 --keyring "$w/serve.gpg" --for 2h >"$w/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 150); do grep -q '^mirror 1' "$w/serve.log" && break; sleep 0.2; done
url=$(sed -n 's/^mirror 1: //p' "$w/serve.log")debian
mkdir -p "$w/keys" && cp "$w/serve.gpg" "$w/keys/" && cp /usr/share/keyrings/debian-archive-keyring.gpg "$w/keys/" 2>/dev/null || true
chmod -R a+rX "$w/keys"
echo "== 3. a Debian $suite minbase root from $url [goal <= 1.2 x mmdebstrap by hand]"
hf --runs 3 --warmup 0 --prepare "rm -rf $w/deb1 $w/deb2" \
  -n "sysdojo container rootfs debian" "$sd container rootfs debian --suite $suite --mirror $url $w/deb1" \
  -n "mmdebstrap by hand" "mmdebstrap --quiet --variant=minbase --mode=auto --keyring=$w/keys --include=apt $suite $w/deb2 'deb $url $suite main'"

# 4: apt-get install in a container vs a chroot of the same root
root=$w/debroot
"$sd" container rootfs debian --suite "$suite" --mirror "$url" "$root" >/dev/null
chroot "$root" apt-get -qq update
echo "== 4. apt-get install sysdojo-hello: container (--network host) vs chroot [goal <= 1.1 x]"
hf --warmup 1 --runs "$runs" --prepare "rm -rf $w/ch && cp -a $root $w/ch" \
  -n container "$sd container run --network host --rootfs $root -- apt-get install -qq -y sysdojo-hello" \
  -n chroot "chroot $w/ch apt-get install -qq -y sysdojo-hello"
echo "(load: $(cut -d' ' -f1-3 /proc/loadavg))"
