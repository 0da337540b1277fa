// Package container is sysdojo's small, real container runtime: it builds
// and imports root filesystems, and runs a command in new UTS, PID, mount,
// IPC, network and cgroup namespaces, on a copy-on-write overlay of the
// rootfs, behind pivot_root, with cgroup limits (v1, v2 and hybrid),
// reduced capabilities and no_new_privs. It keeps a little state on the
// host so that what a killed run left behind can be collected (GC).
//
// The container's first process (its PID 1, a small init that reaps
// orphans and forwards signals, as docker run --init has) is a child
// cloned from the runtime, sharing its memory, that runs a list of system
// calls prepared before the clone (forkinit.go): mounts, pivot_root,
// hostname, capabilities, cgroup, then the command as PID 2. With NoInit
// it execs the command itself, which is then PID 1 (as with runc). Runs
// with volumes (and SYSDOJO_INIT=exec, and machines other than amd64) use
// the older init instead, this same binary re-executed, so the program's
// main must call Init before anything else.
package container
