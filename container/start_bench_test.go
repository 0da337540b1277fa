package container

import "testing"

// The steps of a container's start that run before init is cloned, one
// by one (bench/container.sh measures the whole start against runc).

func BenchmarkBuildProg(b *testing.B) {
	ic := &initConfig{Rootfs: "/tmp/rootfs", Scratch: "/run/sysdojo/mnt", Args: []string{"/bin/true"}, Path: "/bin/true",
		Env: []string{"PATH=/bin"}, Dir: "/", Hostname: "sysdojo", NewNet: true, Caps: DefaultCaps, Seccomp: true}
	filter, err := seccompFilter(DefaultCaps)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		buildProg(ic, &spawnOptions{status: 9, goAhead: -1, reaper: -1, seccomp: filter})
	}
}

func BenchmarkPlanCgroup(b *testing.B) {
	for b.Loop() {
		if _, _, _, err := planRunCgroup(nil, "bench", Limits{Memory: 64 << 20, Pids: 64}, Limits{}, false); err != nil {
			b.Fatal(err)
		}
	}
}
