package container

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// DistroOptions say how BuildDistro makes a Debian or Ubuntu root.
type DistroOptions struct {
	Distro   string   // "debian" or "ubuntu"
	Suite    string   // default: DefaultSuite[Distro]
	Mirror   string   // the archive's URL; default: DefaultMirror[Distro]
	Keyrings []string // the archive's signing keys (files); default: the tool's own (the host's keyrings)
	Arch     string   // default: the host's
	Include  []string // more packages
	Tool     string   // "mmdebstrap" or "debootstrap"; default: mmdebstrap when installed, else debootstrap
	Variant  string   // the tool's --variant; default minbase (Essential packages and apt)
	// Trusted takes the mirror's indexes without checking a signature
	// (apt's [trusted=yes]): a classroom mirror that signs nothing.
	Trusted bool
	// Output gets the tool's output as it runs (nil: kept, and its last
	// lines put in the error when it fails).
	Output io.Writer
}

// DefaultSuite and DefaultMirror are what a root is built from when the
// options do not say.
var (
	DefaultSuite  = map[string]string{"debian": "bookworm", "ubuntu": "noble"}
	DefaultMirror = map[string]string{"debian": "http://deb.debian.org/debian", "ubuntu": "http://archive.ubuntu.com/ubuntu"}
)

// DistroReport is what BuildDistro made.
type DistroReport struct {
	Dir     string  `json:"dir"`
	Distro  string  `json:"distro"`
	Suite   string  `json:"suite"`
	Mirror  string  `json:"mirror"`
	Tool    string  `json:"tool"`
	Command string  `json:"command"`
	Seconds float64 `json:"seconds"`
}

var suiteRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9.+-]{0,63}$`) })

// DistroCommand is the command line BuildDistro runs to make a root in
// dir (which the tool makes).
func DistroCommand(dir string, opt DistroOptions) ([]string, error) {
	if _, ok := DefaultSuite[opt.Distro]; !ok {
		return nil, i18n.Invalid(i18n.T("unknown distribution %q (debian or ubuntu)", "모르는 배포판입니다: %q (debian 또는 ubuntu)").F(opt.Distro))
	}
	suite := opt.Suite
	if suite == "" {
		suite = DefaultSuite[opt.Distro]
	}
	if !suiteRE().MatchString(suite) {
		return nil, i18n.Invalid(i18n.T("bad suite %q (e.g. bookworm, trixie, noble)", "잘못된 스위트입니다: %q (예: bookworm, trixie, noble)").F(suite))
	}
	mirror := opt.Mirror
	if mirror == "" {
		mirror = DefaultMirror[opt.Distro]
	}
	if u, err := url.Parse(mirror); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "file") ||
		strings.ContainsAny(mirror, " \t\n") {
		return nil, i18n.Invalid(i18n.T("%q is not a mirror URL", "%q는 미러 URL이 아닙니다").F(mirror))
	}
	if opt.Arch != "" && !suiteRE().MatchString(opt.Arch) {
		return nil, i18n.Invalid(i18n.T("bad architecture %q", "잘못된 아키텍처입니다: %q").F(opt.Arch))
	}
	for _, p := range opt.Include {
		if !suiteRE().MatchString(p) {
			return nil, i18n.Invalid(i18n.T("bad package name %q", "잘못된 패키지 이름입니다: %q").F(p))
		}
	}
	variant := opt.Variant
	if variant == "" {
		variant = "minbase"
	}
	if !slices.Contains([]string{"extract", "custom", "essential", "apt", "required", "minbase", "buildd", "important", "standard"}, variant) {
		return nil, i18n.Invalid(i18n.T("unknown variant %q (e.g. minbase, buildd, standard)", "모르는 변형입니다: %q (예: minbase, buildd, standard)").F(variant))
	}
	tool := opt.Tool
	if tool == "" {
		tool = "mmdebstrap"
		if _, err := exec.LookPath(tool); err != nil {
			tool = "debootstrap"
		}
	}
	if tool != "mmdebstrap" && tool != "debootstrap" {
		return nil, i18n.Invalid(i18n.T("unknown tool %q (mmdebstrap or debootstrap)", "모르는 도구입니다: %q (mmdebstrap 또는 debootstrap)").F(tool))
	}
	if _, err := exec.LookPath(tool); err != nil {
		return nil, i18n.Failed(i18n.T("%s is not installed: a Debian or Ubuntu root is built by mmdebstrap (or debootstrap)",
			"%s가 설치되어 있지 않습니다: 데비안이나 우분투 루트는 mmdebstrap(또는 debootstrap)으로 만듭니다").F(tool), nil).
			WithHint(i18n.T("apt-get install mmdebstrap; or pull an image: 'sysdojo container pull debian:12'",
				"apt-get install mmdebstrap 하세요. 아니면 이미지를 받으세요: 'sysdojo container pull debian:12'"))
	}
	var args []string
	switch tool {
	case "mmdebstrap":
		args = []string{tool, "--variant=" + variant, "--mode=auto"}
		for _, k := range opt.Keyrings {
			args = append(args, "--keyring="+k)
		}
		if opt.Arch != "" {
			args = append(args, "--architectures="+opt.Arch)
		}
		if len(opt.Include) > 0 {
			args = append(args, "--include="+strings.Join(opt.Include, ","))
		}
		if opt.Trusted {
			mirror = "deb [trusted=yes] " + mirror + " " + suite + " main"
		}
		args = append(args, suite, dir, mirror)
	case "debootstrap":
		args = []string{tool, "--variant=" + variant}
		if opt.Trusted {
			args = append(args, "--no-check-gpg")
		}
		if len(opt.Keyrings) > 0 {
			args = append(args, "--keyring="+opt.Keyrings[0]) // (debootstrap takes one)
		}
		if opt.Arch != "" {
			args = append(args, "--arch="+opt.Arch)
		}
		if len(opt.Include) > 0 {
			args = append(args, "--include="+strings.Join(opt.Include, ","))
		}
		args = append(args, suite, dir, mirror)
	}
	return args, nil
}

// BuildDistro makes a minimal (minbase) Debian or Ubuntu root in dir,
// which must be missing or empty, with mmdebstrap, or debootstrap where
// mmdebstrap is not installed. The tool builds into a new directory beside
// dir that takes dir's place only when it succeeded: a failed build
// leaves nothing behind.
func BuildDistro(dir string, opt DistroOptions) (*DistroReport, error) {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return nil, i18n.Invalid(i18n.T("%s is not empty: a rootfs is built into a new or empty directory",
			"%s가 비어 있지 않습니다: rootfs는 새 디렉터리나 빈 디렉터리에 만듭니다").F(dir))
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, invalidErr(i18n.T("cannot use %s as a rootfs directory", "%s를 rootfs 디렉터리로 쓸 수 없습니다").F(dir), err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, invalidErr(i18n.T("cannot use %s as a rootfs directory", "%s를 rootfs 디렉터리로 쓸 수 없습니다").F(dir), err)
	}
	parent := filepath.Dir(abs)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(parent), err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(abs)+".building-")
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot make a directory in %s", "%s에 디렉터리를 만들 수 없습니다").F(parent), err)
	}
	defer removeTree(tmp)
	target := filepath.Join(tmp, "root")
	args, err := DistroCommand(target, opt)
	if err != nil {
		return nil, err
	}
	rep := &DistroReport{Dir: dir, Distro: opt.Distro, Suite: opt.Suite, Mirror: opt.Mirror, Tool: args[0],
		Command: strings.Join(append(append([]string{}, args[:len(args)-2]...), dir, args[len(args)-1]), " ")}
	if rep.Suite == "" {
		rep.Suite = DefaultSuite[opt.Distro]
	}
	if rep.Mirror == "" {
		rep.Mirror = DefaultMirror[opt.Distro]
	}
	var kept bytes.Buffer
	out := opt.Output
	if out == nil {
		out = &tail{buf: &kept, max: 4096}
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "DEBIAN_FRONTEND=noninteractive")
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t := i18n.Text{En: fmt.Sprintf("%s could not build the %s root from %s", args[0], opt.Distro, rep.Mirror),
			Ko: fmt.Sprintf("%s가 %s에서 %s 루트를 만들지 못했습니다", args[0], rep.Mirror, opt.Distro)}
		if last := lastLine(kept.String()); last != "" {
			t.En += ": " + last
			t.Ko += ": " + last
		}
		return nil, i18n.Failed(t, err).WithHint(i18n.T("no network? serve a mirror on this machine ('sysdojo apt serve --pool DIR') and give its URL with --mirror",
			"네트워크가 없나요? 이 머신에서 미러를 띄우고('sysdojo apt serve --pool DIR') 그 URL을 --mirror로 주세요"))
	}
	rep.Seconds = time.Since(start).Seconds()
	os.Remove(dir) // (an empty directory)
	if err := os.Rename(target, dir); err != nil {
		return nil, i18n.Failed(i18n.T("cannot move the root into %s", "루트를 %s로 옮길 수 없습니다").F(dir), err)
	}
	return rep, nil
}

// tail keeps the last max bytes written to it.
type tail struct {
	buf *bytes.Buffer
	max int
}

func (t *tail) Write(b []byte) (int, error) {
	t.buf.Write(b)
	if t.buf.Len() > 2*t.max {
		keep := append([]byte{}, t.buf.Bytes()[t.buf.Len()-t.max:]...)
		t.buf.Reset()
		t.buf.Write(keep)
	}
	return len(b), nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			if len(l) > 200 {
				l = l[:200]
			}
			return l
		}
	}
	return ""
}
