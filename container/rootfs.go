package container

import (
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Rootfs sources for BuildOptions.From.
const (
	FromAuto    = "auto"    // busybox when a static one is installed, else host binaries
	FromBusybox = "busybox" // a static busybox and its applets
	FromHost    = "host"    // host binaries plus the libraries their ELF headers name
)

// BuildOptions says how Build makes a rootfs.
type BuildOptions struct {
	From    string   // FromAuto (default), FromBusybox or FromHost
	Busybox string   // path of busybox; "" looks it up on PATH
	Tools   []string // host programs for FromHost; nil means DefaultHostTools
}

// DefaultHostTools are the programs a host-built rootfs gets, when present.
var DefaultHostTools = []string{"sh", "ls", "ps", "cat", "echo", "hostname", "id", "mount", "ip",
	"true", "false", "sleep", "env", "mkdir", "rm", "touch", "grep", "uname", "readlink", "head"}

// Copied is one thing Build put into the rootfs, and why.
type Copied struct {
	Path string    `json:"path"` // inside the rootfs
	From string    `json:"from,omitempty"`
	Why  i18n.Text `json:"why"`
}

// BuildReport is what Build did.
type BuildReport struct {
	Dir     string   `json:"dir"`
	From    string   `json:"from"` // "busybox" or "host"
	Applets int      `json:"applets,omitempty"`
	Copied  []Copied `json:"copied"`
}

// Build makes a minimal root filesystem in dir, which must be missing or
// empty. With busybox it copies the static binary and links its applets;
// with host binaries it copies each program and, recursively, the shared
// libraries and the loader its ELF headers name. Both get /etc/passwd,
// /etc/group and /etc/hostname.
func Build(dir string, opt BuildOptions) (*BuildReport, error) {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return nil, i18n.Invalid(i18n.T("%s is not empty: a rootfs is built into a new or empty directory",
			"%s가 비어 있지 않습니다: rootfs는 새 디렉터리나 빈 디렉터리에 만듭니다").F(dir))
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, invalidErr(i18n.T("cannot use %s as a rootfs directory", "%s를 rootfs 디렉터리로 쓸 수 없습니다").F(dir), err)
	}
	from := opt.From
	if from == "" {
		from = FromAuto
	}
	bb := opt.Busybox
	if from != FromHost && bb == "" {
		bb, _ = exec.LookPath("busybox")
	}
	switch from {
	case FromAuto:
		from = FromHost
		if bb != "" && isStatic(bb) {
			from = FromBusybox
		}
	case FromBusybox:
		if bb == "" || !isStatic(bb) {
			return nil, i18n.Invalid(i18n.T("no static busybox found (install busybox-static, or use --from host)",
				"정적 busybox가 없습니다 (busybox-static을 설치하거나 --from host를 쓰세요)"))
		}
	case FromHost:
	default:
		return nil, i18n.Invalid(i18n.T("unknown rootfs source %q (use auto, busybox or host)",
			"모르는 rootfs 출처입니다: %q (auto, busybox, host 중에서 고르세요)").F(from))
	}
	rep := &BuildReport{Dir: dir, From: from}
	if err := skeleton(dir); err != nil {
		return nil, err
	}
	var err error
	if from == FromBusybox {
		err = buildBusybox(dir, bb, rep)
	} else {
		tools := opt.Tools
		if tools == nil {
			tools = DefaultHostTools
		}
		err = buildHost(dir, tools, rep)
	}
	if err != nil {
		return nil, err
	}
	if err := writeEtc(dir, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

// invalidErr is bad input (exit status 2) with its cause.
func invalidErr(t i18n.Text, err error) *i18n.Error {
	e := i18n.Invalid(t)
	e.Err = err
	return e
}

func skeleton(dir string) error {
	dirs := []struct {
		p    string
		mode os.FileMode
	}{
		{"", 0o755}, {"bin", 0o755}, {"sbin", 0o755}, {"usr/bin", 0o755}, {"usr/sbin", 0o755},
		{"etc", 0o755}, {"proc", 0o555}, {"sys", 0o555}, {"dev", 0o755}, {"tmp", 0o1777},
		{"root", 0o700}, {"home", 0o755}, {"var", 0o755}, {"run", 0o755},
	}
	for _, d := range dirs {
		p := filepath.Join(dir, d.p)
		if err := os.MkdirAll(p, 0o755); err != nil {
			return i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(p), err)
		}
		if err := os.Chmod(p, d.mode); err != nil {
			return i18n.Failed(i18n.T("cannot set the mode of %s", "%s의 모드를 정할 수 없습니다").F(p), err)
		}
	}
	return nil
}

func buildBusybox(dir, bb string, rep *BuildReport) error {
	if err := copyFile(bb, filepath.Join(dir, "bin/busybox"), 0o755); err != nil {
		return err
	}
	rep.Copied = append(rep.Copied, Copied{Path: "/bin/busybox", From: bb,
		Why: i18n.T("one static binary (no libraries needed) that is sh, ls, ps and ~300 other commands",
			"라이브러리가 필요 없는 정적 바이너리 하나로 sh, ls, ps 등 300개쯤의 명령 역할을 합니다")})
	out, err := exec.Command(bb, "--list-full").Output()
	if err != nil {
		return i18n.Failed(i18n.T("cannot list busybox applets", "busybox 애플릿 목록을 얻을 수 없습니다"), err)
	}
	for _, a := range strings.Fields(string(out)) {
		a = strings.TrimPrefix(filepath.Clean("/"+a), "/")
		if a == "bin/busybox" || strings.Contains(a, "..") {
			continue
		}
		link := filepath.Join(dir, a)
		if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
			return i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(filepath.Dir(link)), err)
		}
		rel, _ := filepath.Rel(filepath.Dir("/"+a), "/bin/busybox")
		if err := os.Symlink(rel, link); err != nil && !errors.Is(err, os.ErrExist) {
			return i18n.Failed(i18n.T("cannot link applet %s", "애플릿 %s를 링크할 수 없습니다").F(a), err)
		}
		rep.Applets++
	}
	// Debian's busybox-static has no adduser or addgroup applet.
	for _, a := range []string{"usr/sbin/adduser", "usr/sbin/addgroup", "bin/adduser", "bin/addgroup", "sbin/adduser", "sbin/addgroup"} {
		if _, err := os.Lstat(filepath.Join(dir, a)); err == nil {
			return nil
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "usr/sbin"), 0o755); err != nil {
		return i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(filepath.Join(dir, "usr/sbin")), err)
	}
	if err := os.WriteFile(filepath.Join(dir, "usr/sbin/adduser"), []byte(adduserScript), 0o755); err != nil {
		return i18n.Failed(i18n.T("cannot write %s", "%s를 쓸 수 없습니다").F("/usr/sbin/adduser"), err)
	}
	if err := os.Symlink("adduser", filepath.Join(dir, "usr/sbin/addgroup")); err != nil {
		return i18n.Failed(i18n.T("cannot link %s", "%s를 링크할 수 없습니다").F("/usr/sbin/addgroup"), err)
	}
	rep.Copied = append(rep.Copied, Copied{Path: "/usr/sbin/adduser",
		Why: i18n.T("this busybox has no adduser/addgroup: a small script with the same options adds users and groups",
			"이 busybox에는 adduser/addgroup이 없어서, 같은 옵션을 받는 작은 스크립트로 사용자와 그룹을 추가합니다")})
	return nil
}

// isStatic reports whether the ELF file at p needs no loader.
func isStatic(p string) bool {
	f, err := elf.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	for _, pr := range f.Progs {
		if pr.Type == elf.PT_INTERP {
			return false
		}
	}
	return true
}

// libDirs are where the loader looks for libraries without an ld.so.cache.
var libDirs = []string{"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
	"/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"}

// ELFDeps returns the loader (PT_INTERP) and the shared libraries (DT_NEEDED,
// recursively, found in the usual library directories) that the program at
// p needs, as absolute host paths.
func ELFDeps(p string) (interp string, libs []string, err error) {
	seen := map[string]bool{}
	var walk func(string) error
	walk = func(file string) error {
		f, err := elf.Open(file)
		if err != nil {
			return fmt.Errorf("reading ELF headers of %s: %w", file, err)
		}
		defer f.Close()
		for _, pr := range f.Progs {
			if pr.Type == elf.PT_INTERP && interp == "" {
				b, _ := io.ReadAll(pr.Open())
				interp = strings.TrimRight(string(b), "\x00")
			}
		}
		needed, err := f.ImportedLibraries()
		if err != nil {
			return nil // static: nothing needed
		}
		for _, n := range needed {
			lib := ""
			for _, d := range libDirs {
				if _, err := os.Stat(filepath.Join(d, n)); err == nil {
					lib = filepath.Join(d, n)
					break
				}
			}
			if lib == "" {
				return fmt.Errorf("%s needs %s, which is in none of %s", file, n, strings.Join(libDirs, " "))
			}
			if !seen[lib] {
				seen[lib] = true
				libs = append(libs, lib)
				if err := walk(lib); err != nil {
					return err
				}
			}
		}
		return nil
	}
	err = walk(p)
	sort.Strings(libs)
	return interp, libs, err
}

func buildHost(dir string, tools []string, rep *BuildReport) error {
	libWhy := map[string][]string{}
	interps := map[string]bool{}
	for _, t := range tools {
		p, err := exec.LookPath(t)
		if err != nil {
			continue
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			continue
		}
		interp, libs, err := ELFDeps(real)
		if err != nil {
			continue // a script or something odd: leave it out
		}
		if err := copyFile(real, filepath.Join(dir, "bin", t), 0o755); err != nil {
			return err
		}
		rep.Copied = append(rep.Copied, Copied{Path: "/bin/" + t, From: real,
			Why: i18n.T("a program from this machine", "이 머신에 있는 프로그램")})
		if interp != "" {
			interps[interp] = true
		}
		for _, l := range libs {
			libWhy[l] = append(libWhy[l], t)
		}
	}
	for ip := range interps {
		real, err := filepath.EvalSymlinks(ip)
		if err != nil {
			return i18n.Failed(i18n.T("cannot find the loader %s", "로더 %s를 찾을 수 없습니다").F(ip), err)
		}
		if err := copyFile(real, filepath.Join(dir, ip), 0o755); err != nil {
			return err
		}
		rep.Copied = append(rep.Copied, Copied{Path: ip, From: real,
			Why: i18n.T("the dynamic loader (PT_INTERP) that starts every program above",
				"위의 프로그램을 모두 시작시키는 동적 로더(PT_INTERP)")})
	}
	var libs []string
	for l := range libWhy {
		libs = append(libs, l)
	}
	sort.Strings(libs)
	for _, l := range libs {
		real, err := filepath.EvalSymlinks(l)
		if err != nil {
			return i18n.Failed(i18n.T("cannot resolve %s", "%s를 따라갈 수 없습니다").F(l), err)
		}
		if err := copyFile(real, filepath.Join(dir, l), 0o755); err != nil {
			return err
		}
		users := strings.Join(libWhy[l], ", ")
		rep.Copied = append(rep.Copied, Copied{Path: l, From: real,
			Why: i18n.T("a shared library (DT_NEEDED) of %s", "%s가 필요로 하는 공유 라이브러리(DT_NEEDED)").F(users)})
	}
	if _, err := os.Lstat(filepath.Join(dir, "bin/sh")); err != nil {
		return i18n.Failed(i18n.T("no shell found on this machine to put into the rootfs", "rootfs에 넣을 셸을 이 머신에서 찾지 못했습니다"), err)
	}
	return nil
}

func writeEtc(dir string, rep *BuildReport) error {
	files := []struct {
		p, body string
		why     i18n.Text
	}{
		{"etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
			i18n.T("users: root and nobody, so id and ls can show names", "사용자: root와 nobody (id와 ls가 이름을 보여 줄 수 있게)")},
		{"etc/group", "root:x:0:\nnogroup:x:65534:\n",
			i18n.T("groups: root and nogroup", "그룹: root와 nogroup")},
		{"etc/hostname", "sysdojo\n",
			i18n.T("the default host name", "기본 호스트 이름")},
	}
	for _, f := range files {
		p := filepath.Join(dir, f.p)
		if err := os.WriteFile(p, []byte(f.body), 0o644); err != nil {
			return i18n.Failed(i18n.T("cannot write %s", "%s를 쓸 수 없습니다").F(p), err)
		}
		rep.Copied = append(rep.Copied, Copied{Path: "/" + f.p, Why: f.why})
	}
	return nil
}

func copyFile(src, dst string, mode os.FileMode) error {
	fail := func(err error) error {
		return i18n.Failed(i18n.T("cannot copy %s to %s", "%s를 %s로 복사할 수 없습니다").F(src, dst), err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fail(err)
	}
	in, err := os.Open(src)
	if err != nil {
		return fail(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return fail(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fail(err)
	}
	if err := out.Close(); err != nil {
		return fail(err)
	}
	return nil
}

// defaultRootfsVersion changes whenever Build puts something new into a
// rootfs, so that an older default rootfs in a user's cache is rebuilt.
const defaultRootfsVersion = "2" // 2: adduser/addgroup script

// DefaultRootfs returns the default rootfs under cacheDir
// (cacheDir/sysdojo/rootfs), building it first when it is not there yet or
// was built by an older sysdojo. built says whether it was built now.
func DefaultRootfs(cacheDir string) (dir string, built *BuildReport, err error) {
	base := filepath.Join(cacheDir, "sysdojo")
	dir = filepath.Join(base, "rootfs")
	stamp := filepath.Join(base, "rootfs.version")
	current := func() bool {
		v, err := os.ReadFile(stamp)
		_, serr := os.Stat(filepath.Join(dir, "etc/hostname"))
		return err == nil && serr == nil && strings.TrimSpace(string(v)) == defaultRootfsVersion
	}
	if current() {
		return dir, nil, nil
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", nil, i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(base), err)
	}
	tmp, err := os.MkdirTemp(base, "rootfs-building-")
	if err != nil {
		return "", nil, i18n.Failed(i18n.T("cannot make a directory in %s", "%s에 디렉터리를 만들 수 없습니다").F(base), err)
	}
	rep, err := Build(tmp, BuildOptions{})
	if err != nil {
		os.RemoveAll(tmp)
		return "", nil, err
	}
	// An older rootfs moves aside first; a run still using it keeps it
	// until it ends.
	if _, err := os.Stat(dir); err == nil {
		old, err := os.MkdirTemp(base, "rootfs-old-")
		if err == nil {
			if os.Rename(dir, filepath.Join(old, "rootfs")) == nil {
				defer os.RemoveAll(old)
			}
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		if current() {
			return dir, nil, nil // another run built it first
		}
		return "", nil, i18n.Failed(i18n.T("cannot put the rootfs in place at %s", "rootfs를 %s에 둘 수 없습니다").F(dir), err)
	}
	if err := os.WriteFile(stamp, []byte(defaultRootfsVersion+"\n"), 0o644); err != nil {
		return "", nil, i18n.Failed(i18n.T("cannot write %s", "%s를 쓸 수 없습니다").F(stamp), err)
	}
	rep.Dir = dir
	return dir, rep, nil
}
