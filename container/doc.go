// Package container is sysdojo's small, real container runtime: it builds
// and imports root filesystems, and runs a command in new UTS, PID, mount,
// IPC, network and cgroup namespaces (and a user namespace when the caller
// is not root), on a copy-on-write overlay of the rootfs, behind
// pivot_root, with cgroup limits (v1, v2 and hybrid), and a profile at
// least as strict as Docker's default: reduced capabilities, no_new_privs,
// a seccomp filter, device rules, nodev and nosuid mounts, a pids limit.
// It keeps a little state on the host so that what a killed run left
// behind can be collected (GC).
//
// Images (image.go, unpack.go): Pull fetches a Docker-style reference
// from a registry into an ImageStore, an OCI image layout that keeps
// blobs by digest, and unpacks each image once (layers in order,
// whiteouts honoured, every entry written inside the image through an
// os.Root, with limits on what a pull downloads and writes); a run of an
// image mounts its overlay on that root. BuildDistro (distro.go) makes a
// Debian or Ubuntu root with mmdebstrap. Diff and Commit (diff.go,
// commit.go) read what a container changed, from its overlay's upper
// layer or, while it runs, from its root against its rootfs.
//
// The container's first process is the command itself, as with docker
// run: a child cloned from the runtime that runs only a list of system
// calls prepared before the clone (spawn.go), the discipline of the
// standard library's forkAndExecInChild1, up to its execve. With Init a
// small reaper runs in front of the command (this program executed
// afresh, as docker run --init does), so the program's main must call
// Init before anything else.
//
// Networking (netbridge.go, nat.go, dns.go): --net none gives the
// container lo only; --net host, the host's network; --net bridge, a veth
// pair to the bridge the containers share (sysdojo0) and an address of
// its own from the pool, the bridge as its default route, masquerade out
// through the host in an nftables table of sysdojo's own (IPv4
// forwarding switched on only while needed), a resolv.conf made from the
// host's as Docker makes it, and an /etc/hosts with its own name and the
// other containers' on the bridge. Everything goes with the container
// (the bridge with the last one): at its end, by rm, or by GC after a
// killed runtime.
package container
