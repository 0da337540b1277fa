// Package sysinfo probes the machine sysdojo runs on: privileges, which
// namespace kinds can be created, the cgroup layout, the APT layout and
// which optional tools are installed.
package sysinfo

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// Namespace kinds and their clone flags.
var namespaceKinds = []struct {
	Name string
	Flag uintptr
}{
	{"uts", syscall.CLONE_NEWUTS},
	{"pid", syscall.CLONE_NEWPID},
	{"mnt", syscall.CLONE_NEWNS},
	{"ipc", syscall.CLONE_NEWIPC},
	{"net", syscall.CLONE_NEWNET},
	{"cgroup", syscall.CLONE_NEWCGROUP},
	{"user", syscall.CLONE_NEWUSER},
}

// Namespace says whether a kind of namespace can be created here.
type Namespace struct {
	OK bool `json:"ok"`
	// ViaUser: only inside a new user namespace (not root).
	ViaUser bool   `json:"via_user,omitempty"`
	Error   string `json:"error,omitempty"`
}

// Namespaces tries to start a child process (true) in each kind of new
// namespace and reports which could be created.
func Namespaces() map[string]Namespace {
	exe, err := exec.LookPath("true")
	if err != nil {
		exe = "/bin/true"
	}
	try := func(flags uintptr, user bool) error {
		cmd := exec.Command(exe)
		cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: flags}
		if user {
			cmd.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
			cmd.SysProcAttr.GidMappingsEnableSetgroups = false
			cmd.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
		}
		return cmd.Run()
	}
	out := map[string]Namespace{}
	for _, k := range namespaceKinds {
		err := try(k.Flag, k.Flag == syscall.CLONE_NEWUSER)
		if err == nil {
			out[k.Name] = Namespace{OK: true}
			continue
		}
		ns := Namespace{Error: err.Error()}
		if k.Flag != syscall.CLONE_NEWUSER && try(k.Flag|syscall.CLONE_NEWUSER, true) == nil {
			ns = Namespace{OK: true, ViaUser: true}
		}
		out[k.Name] = ns
	}
	return out
}

// NamespaceNames lists the kinds Namespaces reports, in a fixed order.
func NamespaceNames() []string {
	var n []string
	for _, k := range namespaceKinds {
		n = append(n, k.Name)
	}
	return n
}

// Cgroup describes the cgroup filesystems mounted.
type Cgroup struct {
	// Layout is "v2" (only cgroup2), "v1" (only cgroup v1 hierarchies),
	// "hybrid" (both) or "none".
	Layout string `json:"layout"`
	// V2 is the mount point of the cgroup2 filesystem, if any.
	V2 string `json:"v2,omitempty"`
	// V1 maps each v1 controller (memory, pids, cpu, ...) to its mount point.
	V1 map[string]string `json:"v1,omitempty"`
}

// CgroupLayout reads /proc/self/mountinfo.
func CgroupLayout() (Cgroup, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return Cgroup{}, fmt.Errorf("reading mountinfo: %w", err)
	}
	defer f.Close()
	return ParseCgroupLayout(f)
}

// ParseCgroupLayout reads a mountinfo file (proc(5)).
func ParseCgroupLayout(r io.Reader) (Cgroup, error) {
	cg := Cgroup{V1: map[string]string{}}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		if !ok {
			continue
		}
		f, g := strings.Fields(pre), strings.Fields(post)
		if len(f) < 5 || len(g) < 3 {
			continue
		}
		mnt := unescape(f[4])
		switch g[0] {
		case "cgroup2":
			if cg.V2 == "" {
				cg.V2 = mnt
			}
		case "cgroup":
			for _, o := range strings.Split(g[2], ",") {
				switch o {
				case "rw", "ro", "nosuid", "nodev", "noexec", "relatime", "clone_children":
					continue
				}
				if strings.HasPrefix(o, "name=") || strings.HasPrefix(o, "release_agent=") {
					if o == "name=systemd" {
						cg.V1["name=systemd"] = mnt
					}
					continue
				}
				if _, seen := cg.V1[o]; !seen {
					cg.V1[o] = mnt
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return Cgroup{}, fmt.Errorf("reading mountinfo: %w", err)
	}
	controllers := 0
	for k := range cg.V1 {
		if k != "name=systemd" {
			controllers++
		}
	}
	switch {
	case cg.V2 != "" && len(cg.V1) > 0:
		cg.Layout = "hybrid"
	case cg.V2 != "":
		cg.Layout = "v2"
	case controllers > 0:
		cg.Layout = "v1"
	default:
		cg.Layout = "none"
	}
	if len(cg.V1) == 0 {
		cg.V1 = nil
	}
	return cg, nil
}

// unescape undoes mountinfo's octal escapes (\040 for a space).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			var v int
			if _, err := fmt.Sscanf(s[i+1:i+4], "%o", &v); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Apt is what APT source files exist under a root.
type Apt struct {
	Root       string   `json:"root"`
	SourceList bool     `json:"sources_list"`
	Lists      []string `json:"lists"`
	Sources    []string `json:"sources"`
}

// AptLayout lists /etc/apt/sources.list and sources.list.d/*.list and
// *.sources under root.
func AptLayout(root string) (Apt, error) {
	a := Apt{Root: root, Lists: []string{}, Sources: []string{}}
	etc := filepath.Join(root, "etc/apt")
	if _, err := os.Stat(filepath.Join(etc, "sources.list")); err == nil {
		a.SourceList = true
	} else if !errors.Is(err, os.ErrNotExist) {
		return a, fmt.Errorf("checking sources.list: %w", err)
	}
	ents, err := os.ReadDir(filepath.Join(etc, "sources.list.d"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return a, fmt.Errorf("reading sources.list.d: %w", err)
	}
	for _, e := range ents {
		switch filepath.Ext(e.Name()) {
		case ".list":
			a.Lists = append(a.Lists, e.Name())
		case ".sources":
			a.Sources = append(a.Sources, e.Name())
		}
	}
	sort.Strings(a.Lists)
	sort.Strings(a.Sources)
	return a, nil
}

// OptionalTools are the programs some parts of sysdojo use or test against.
var OptionalTools = []string{"busybox", "runc", "crun", "apt-get", "chmod", "stat", "find", "namei", "ip", "hyperfine"}

// Tools returns the path of each optional tool, or "" when it is missing.
func Tools() map[string]string {
	out := map[string]string{}
	for _, t := range OptionalTools {
		p, _ := exec.LookPath(t)
		out[t] = p
	}
	return out
}

// KernelRelease is the running kernel's release (uname -r).
func KernelRelease() string {
	var u syscall.Utsname
	if syscall.Uname(&u) != nil {
		return ""
	}
	var b []byte
	for _, c := range u.Release {
		if c == 0 {
			break
		}
		b = append(b, byte(c))
	}
	return string(b)
}

// KernelAtLeast reports whether release (as uname -r prints it) is at
// least major.minor.
func KernelAtLeast(release string, major, minor int) bool {
	var ma, mi int
	if n, _ := fmt.Sscanf(release, "%d.%d", &ma, &mi); n < 2 {
		return false
	}
	return ma > major || ma == major && mi >= minor
}
