package container

import "testing"

// The steps of a container's start that run before init is cloned, one
// by one (bench/container.sh measures the whole start against runc).

func BenchmarkBuildForkProg(b *testing.B) {
	ic := &initConfig{Rootfs: "/tmp/rootfs", Scratch: "/run/sysdojo/mnt", Args: []string{"/bin/true"}, Path: "/bin/true",
		Env: []string{"PATH=/bin"}, Dir: "/", Hostname: "sysdojo", NewNet: true, Caps: DefaultCaps,
		CgroupTasks: []string{"/sys/fs/cgroup/pids/sysdojo/x/tasks"}, HomeTasks: []string{"/sys/fs/cgroup/pids/tasks"}}
	for b.Loop() {
		p, err := buildForkProg(ic)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.unmap(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlanCgroup(b *testing.B) {
	for b.Loop() {
		if _, err := planCgroup(nil, "bench", Limits{Memory: 64 << 20, Pids: 64}); err != nil {
			b.Fatal(err)
		}
	}
}
