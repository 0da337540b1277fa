package container

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// BundleOptions is what goes into an OCI bundle.
type BundleOptions struct {
	Rootfs   string // copied to OUTDIR/rootfs
	Args     []string
	Env      []string
	Dir      string
	Hostname string // default "sysdojo"
	Limits   Limits
}

// BundleReport says what Bundle wrote.
type BundleReport struct {
	Dir    string `json:"dir"`
	Config string `json:"config"`
	Rootfs string `json:"rootfs"`
	Files  int    `json:"files"`
}

// Spec is the OCI runtime configuration of what sysdojo itself would do
// for opts: the same namespaces (PID, mount, IPC, UTS, network with only
// lo, cgroup), the same mounts (/proc, a small /dev, /dev/pts, /dev/shm,
// /sys read-only), the same masked and read-only paths, capabilities,
// no_new_privs and limits. (sysdojo's copy-on-write overlay has no OCI
// equivalent: the bundle's rootfs is a copy, and writes go there.)
func Spec(opts BundleOptions) (*specs.Spec, error) {
	if len(opts.Args) == 0 || opts.Args[0] == "" {
		return nil, i18n.Invalid(i18n.T("no command given: say what the bundle runs, e.g. 'container bundle OUT -- sh'",
			"실행할 명령이 없습니다: 예를 들어 'container bundle OUT -- sh'처럼 쓰세요"))
	}
	host := opts.Hostname
	if host == "" {
		host = "sysdojo"
	}
	cwd := "/"
	if opts.Dir != "" {
		if !filepath.IsAbs(opts.Dir) {
			return nil, i18n.Invalid(i18n.T("the working directory must be absolute: %q", "작업 디렉터리는 절대 경로여야 합니다: %q").F(opts.Dir))
		}
		cwd = filepath.Clean(opts.Dir)
	}
	env := []string{"PATH=" + defaultPath, "HOME=/root", "HOSTNAME=" + host, "TERM=xterm"}
	for _, kv := range opts.Env {
		k, _, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, i18n.Invalid(i18n.T("bad environment variable %q (use -e KEY=VALUE)", "잘못된 환경 변수입니다: %q (-e KEY=VALUE 형식)").F(kv))
		}
		env = append(env, kv)
	}
	var caps []string
	for _, c := range DefaultCaps {
		caps = append(caps, strings.ToUpper(CapName(c)))
	}
	var masked, ro []string
	for _, p := range maskedPaths {
		masked = append(masked, "/"+p)
	}
	for _, p := range readonlyPaths {
		ro = append(ro, "/"+p)
	}
	s := &specs.Spec{
		Version: specs.Version,
		Process: &specs.Process{
			Args: opts.Args, Env: env, Cwd: cwd,
			Capabilities:    &specs.LinuxCapabilities{Bounding: caps, Effective: caps, Permitted: caps},
			NoNewPrivileges: true,
		},
		Root:     &specs.Root{Path: "rootfs"},
		Hostname: host,
		Mounts: []specs.Mount{
			{Destination: "/proc", Type: "proc", Source: "proc", Options: []string{"nosuid", "noexec", "nodev"}},
			{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
			{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}},
			{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
			{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}},
		},
		Linux: &specs.Linux{
			Namespaces: []specs.LinuxNamespace{{Type: specs.PIDNamespace}, {Type: specs.NetworkNamespace}, {Type: specs.IPCNamespace},
				{Type: specs.UTSNamespace}, {Type: specs.MountNamespace}, {Type: specs.CgroupNamespace}},
			MaskedPaths:   masked,
			ReadonlyPaths: ro,
			Resources: &specs.LinuxResources{
				Devices: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}},
			},
		},
	}
	r := s.Linux.Resources
	if m := opts.Limits.Memory; m > 0 {
		swap := m // memory+swap = memory: no swap, as sysdojo sets it
		r.Memory = &specs.LinuxMemory{Limit: &m, Swap: &swap}
	}
	if p := opts.Limits.Pids; p > 0 {
		r.Pids = &specs.LinuxPids{Limit: p}
	}
	if c := opts.Limits.CPUs; c > 0 {
		period := uint64(100000)
		quota := int64(c * float64(period))
		r.CPU = &specs.LinuxCPU{Quota: &quota, Period: &period}
	}
	return s, nil
}

// Bundle writes an OCI runtime bundle in out: config.json (see Spec) and a
// copy of the rootfs, for 'runc run --bundle OUT ID'.
func Bundle(out string, opts BundleOptions) (*BundleReport, error) {
	s, err := Spec(opts)
	if err != nil {
		return nil, err
	}
	if opts.Rootfs == "" {
		return nil, i18n.Invalid(i18n.T("no rootfs given", "rootfs가 주어지지 않았습니다"))
	}
	src, err := filepath.EvalSymlinks(opts.Rootfs)
	if err != nil {
		return nil, i18n.Invalid(i18n.T("rootfs %s does not exist", "rootfs %s가 없습니다").F(opts.Rootfs))
	}
	if fi, err := os.Stat(src); err != nil || !fi.IsDir() || src == "/" {
		return nil, i18n.Invalid(i18n.T("rootfs %s is not a root filesystem directory", "rootfs %s는 루트 파일시스템 디렉터리가 아닙니다").F(opts.Rootfs))
	}
	if _, err := lookIn(src, opts.Args[0], defaultPath); err != nil {
		return nil, err
	}
	if ents, err := os.ReadDir(out); err == nil && len(ents) > 0 {
		return nil, i18n.Invalid(i18n.T("%s is not empty: give a new or empty directory for the bundle", "%s가 비어 있지 않습니다: 번들용으로 새 디렉터리나 빈 디렉터리를 주세요").F(out))
	}
	fail := func(err error) (*BundleReport, error) {
		return nil, i18n.Failed(i18n.T("cannot write the bundle in %s", "%s에 번들을 쓸 수 없습니다").F(out), err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fail(err)
	}
	rep := &BundleReport{Dir: out, Config: filepath.Join(out, "config.json"), Rootfs: filepath.Join(out, "rootfs")}
	n, err := copyTree(src, rep.Rootfs)
	if err != nil {
		return fail(err)
	}
	rep.Files = n
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fail(err)
	}
	if err := os.WriteFile(rep.Config, append(b, '\n'), 0o644); err != nil {
		return fail(err)
	}
	return rep, nil
}

// copyTree copies a directory tree: files, directories, symbolic links
// and hard links (kept as links), modes and owners.
func copyTree(src, dst string) (int, error) {
	n := 0
	seen := map[[2]uint64]string{}
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		t := filepath.Join(dst, rel)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		st, _ := fi.Sys().(*unix.Stat_t)
		switch {
		case d.IsDir():
			if err := os.Mkdir(t, fi.Mode().Perm()); err != nil && !os.IsExist(err) {
				return err
			}
		case fi.Mode()&os.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			if err := os.Symlink(l, t); err != nil {
				return err
			}
		case fi.Mode().IsRegular():
			if st != nil && st.Nlink > 1 {
				key := [2]uint64{st.Dev, st.Ino}
				if first, ok := seen[key]; ok {
					n++
					return os.Link(first, t)
				}
				seen[key] = t
			}
			if err := copyRegular(p, t, fi.Mode().Perm()); err != nil {
				return err
			}
		default:
			return nil // devices, sockets: the runtime makes /dev
		}
		n++
		if st != nil {
			unix.Lchown(t, int(st.Uid), int(st.Gid))
			if fi.Mode()&os.ModeSymlink == 0 {
				os.Chmod(t, fi.Mode()&(os.ModePerm|os.ModeSetuid|os.ModeSetgid|os.ModeSticky))
			}
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("copying the rootfs: %w", err)
	}
	return n, nil
}

func copyRegular(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
