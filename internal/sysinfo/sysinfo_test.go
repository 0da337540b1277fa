package sysinfo

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

const hybrid = `22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
25 22 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
26 25 0:24 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate
27 25 0:25 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd
30 25 0:28 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,memory
31 25 0:29 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,pids
32 25 0:30 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,cpu,cpuacct
`

const unified = `22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`

const legacy = `22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
30 25 0:28 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime - cgroup cgroup rw,memory
31 25 0:29 / /sys/fs/cgroup/my\040pids rw,nosuid,nodev,noexec,relatime - cgroup cgroup rw,pids
`

func TestParseCgroupLayout(t *testing.T) {
	tests := []struct {
		name, in string
		want     Cgroup
	}{
		{"hybrid", hybrid, Cgroup{Layout: "hybrid", V2: "/sys/fs/cgroup/unified", V1: map[string]string{
			"name=systemd": "/sys/fs/cgroup/systemd", "memory": "/sys/fs/cgroup/memory", "pids": "/sys/fs/cgroup/pids",
			"cpu": "/sys/fs/cgroup/cpu,cpuacct", "cpuacct": "/sys/fs/cgroup/cpu,cpuacct", "xattr": "/sys/fs/cgroup/systemd"}}},
		{"v2", unified, Cgroup{Layout: "v2", V2: "/sys/fs/cgroup"}},
		{"v1", legacy, Cgroup{Layout: "v1", V1: map[string]string{"memory": "/sys/fs/cgroup/memory", "pids": "/sys/fs/cgroup/my pids"}}},
		{"none", "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n", Cgroup{Layout: "none"}},
	}
	for _, tt := range tests {
		got, err := ParseCgroupLayout(strings.NewReader(tt.in))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		delete(got.V1, "xattr")
		delete(tt.want.V1, "xattr")
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}

func TestAptLayout(t *testing.T) {
	root := t.TempDir()
	d := filepath.Join(root, "etc/apt/sources.list.d")
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"../sources.list", "b.list", "a.list", "x.sources", "old.list.save"} {
		if err := os.WriteFile(filepath.Join(d, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a, err := AptLayout(root)
	if err != nil {
		t.Fatal(err)
	}
	if !a.SourceList || !reflect.DeepEqual(a.Lists, []string{"a.list", "b.list"}) || !reflect.DeepEqual(a.Sources, []string{"x.sources"}) {
		t.Errorf("AptLayout = %+v", a)
	}
}

func TestNamespacesAsRoot(t *testing.T) {
	testenv.NeedRoot(t)
	for name, ns := range Namespaces() {
		if !ns.OK || ns.ViaUser {
			t.Errorf("as root, namespace %s: %+v", name, ns)
		}
	}
}

func TestKernelAtLeast(t *testing.T) {
	for _, c := range []struct {
		rel  string
		want bool
	}{{"5.11.0", true}, {"5.10.200-foo", false}, {"6.1", true}, {"4.19.0", false}, {"6.18.44-fc-v1272", true}, {"", false}, {"x", false}} {
		if got := KernelAtLeast(c.rel, 5, 11); got != c.want {
			t.Errorf("KernelAtLeast(%q, 5, 11) = %v", c.rel, got)
		}
	}
	if KernelRelease() == "" {
		t.Error("no kernel release")
	}
}
