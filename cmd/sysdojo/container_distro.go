package main

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/apt"
	"github.com/sysdojo/sysdojo/apt/mirrors"
	"github.com/sysdojo/sysdojo/apt/serve"
	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/i18n"
)

// distroRootfsCommands are `container rootfs debian|ubuntu`.
func (e *env) distroRootfsCommands() []*cli.Command {
	var out []*cli.Command
	for _, d := range []string{"debian", "ubuntu"} {
		distro := d
		title := map[string]string{"debian": "Debian", "ubuntu": "Ubuntu"}[d]
		out = append(out, &cli.Command{
			Name: distro,
			Usage: e.t("build a minimal "+title+" root from any mirror (mmdebstrap)",
				"원하는 미러에서 최소 "+title+" 루트를 만듦 (mmdebstrap)"),
			ArgsUsage: "DIR",
			Description: e.t("--mirror takes a catalogue name ('sysdojo apt mirrors --country KR') or a\nURL, e.g. a local 'sysdojo apt serve' for a class with no internet. Without\nmmdebstrap, debootstrap. Then: 'sysdojo container run --rootfs DIR -- bash'.",
				"--mirror에는 카탈로그 이름('sysdojo apt mirrors --country KR')이나\nURL을 줍니다. 인터넷이 없는 교실이라면 로컬 'sysdojo apt serve'의 URL을\n주면 됩니다. mmdebstrap이 없으면 debootstrap을 씁니다.\n그다음: 'sysdojo container run --rootfs DIR -- bash'."),
			Flags: []cli.Flag{jsonFlag,
				&cli.StringFlag{Name: "suite", Usage: e.t("release, e.g. "+container.DefaultSuite[distro]+" (the default)", "릴리스, 예: "+container.DefaultSuite[distro]+" (기본값)")},
				&cli.StringFlag{Name: "mirror", Usage: e.t("catalogue name (kakao, kaist, ...) or URL", "카탈로그 이름(kakao, kaist 등)이나 URL")},
				&cli.StringFlag{Name: "arch", Usage: e.t("architecture (default: this machine's)", "아키텍처 (기본값: 이 머신)")},
				&cli.StringSliceFlag{Name: "include", Usage: e.t("more packages to install", "더 설치할 패키지")},
				&cli.StringFlag{Name: "keyring", Usage: e.t("the archive's signing keys (default: this machine's keyrings)", "저장소 서명 키 (기본값: 이 머신의 키링)")},
				&cli.StringFlag{Name: "tool", Usage: e.t("mmdebstrap or debootstrap (default: mmdebstrap when installed)", "mmdebstrap 또는 debootstrap (기본값: 설치되어 있으면 mmdebstrap)")},
				&cli.StringFlag{Name: "variant", Usage: e.t("what goes in: minbase (the default), buildd, standard, ...", "무엇을 넣을지: minbase(기본값), buildd, standard 등")},
				&cli.BoolFlag{Name: "trusted", Usage: e.t("take the mirror's indexes unsigned (a class mirror that signs nothing)", "미러의 색인을 서명 없이 받아들임 (서명하지 않는 교실 미러)")},
			},
			Action: func(c *cli.Context) error { return e.containerRootfsDistro(c, distro) },
		})
	}
	return out
}

func (e *env) containerRootfsDistro(c *cli.Context, distro string) error {
	a, err := args(c, 1, 1, "DIR")
	if err != nil {
		return err
	}
	opt := container.DistroOptions{Distro: distro, Suite: c.String("suite"), Arch: c.String("arch"),
		Include: c.StringSlice("include"), Tool: c.String("tool"), Variant: c.String("variant"), Trusted: c.Bool("trusted")}
	if m := c.String("mirror"); m != "" {
		t, err := apt.ResolveTarget(mirrors.Default(), m, distro)
		if err != nil {
			return err
		}
		opt.Mirror = t.Archive[distro]
		if opt.Mirror == "" {
			return i18n.Invalid(i18n.T("the mirror %s has no %s archive", "미러 %s에는 %s 저장소가 없습니다").F(m, distro))
		}
		for _, n := range t.Notes {
			fmt.Fprintf(e.io.Err, "sysdojo: %s\n", n.In(e.io.Lang))
		}
	}
	serveKey := "" // apt serve's key, put in the root that trusts it
	if loopback(opt.Mirror) && slices.Contains([]string{"", "minbase", "required", "buildd"}, opt.Variant) {
		// apt serve's pool takes each package's Priority from its own
		// control file, where apt says important (the archive overrides
		// it to required): name it, or minbase has no apt-get. (Not for
		// the variants that install no apt: extract, custom, essential.)
		if !slices.Contains(opt.Include, "apt") {
			opt.Include = append(opt.Include, "apt")
		}
	}
	if k := c.String("keyring"); k != "" {
		opt.Keyrings = []string{k}
	} else if loopback(opt.Mirror) {
		// A mirror on this machine is most likely 'apt serve': its
		// releases are signed with its test key.
		dir, err := os.MkdirTemp("", "sysdojo-keyring-")
		if err != nil {
			return i18n.Failed(i18n.T("cannot write the keyring", "키링을 쓸 수 없습니다"), err)
		}
		defer os.RemoveAll(dir)
		// Public keys, readable by apt's sandbox user _apt, which
		// checks the signatures.
		if err := os.Chmod(dir, 0o755); err != nil {
			return i18n.Failed(i18n.T("cannot write the keyring", "키링을 쓸 수 없습니다"), err)
		}
		kr := filepath.Join(dir, "sysdojo-apt-serve.gpg")
		if err := serve.WriteKeyring(kr, false); err != nil {
			return err
		}
		if err := os.Chmod(kr, 0o644); err != nil {
			return i18n.Failed(i18n.T("cannot write the keyring", "키링을 쓸 수 없습니다"), err)
		}
		// The directory, with the distributions' own keys linked in, is
		// the keyring (apt's TrustedParts): apt takes one trusted file,
		// so a second --keyring file would replace the first.
		for _, k := range []string{"/usr/share/keyrings/debian-archive-keyring.gpg", "/usr/share/keyrings/ubuntu-archive-keyring.gpg"} {
			if _, err := os.Stat(k); err == nil {
				os.Symlink(k, filepath.Join(dir, filepath.Base(k)))
			}
		}
		opt.Keyrings = []string{dir}
		serveKey = kr
	}
	if e.io.ErrTTY && !c.Bool("json") {
		opt.Output = e.io.Err
	}
	rep, err := container.BuildDistro(a[0], opt)
	if err != nil {
		return err
	}
	if serveKey != "" {
		// The root trusts the class mirror it came from, as it trusts
		// the distribution: apt-get update works inside.
		if err := copyKey(serveKey, rep.Dir, "etc/apt/trusted.gpg.d/sysdojo-apt-serve.gpg"); err != nil {
			return i18n.Failed(i18n.T("cannot put the class mirror's key in the root", "루트에 교실 미러의 키를 넣을 수 없습니다"), err)
		}
	}
	if c.Bool("json") {
		return e.writeJSON(rep)
	}
	fmt.Fprintf(e.io.Out, "%s %s\n", e.io.Mark(true), i18n.T("%s %s root built in %s (%s, %.1f s)", "%[1]s %[2]s 루트를 %[3]s에 만들었습니다 (%[4]s, %[5].1f초)").
		F(distro, rep.Suite, rep.Dir, rep.Tool, rep.Seconds).In(e.io.Lang))
	fmt.Fprintf(e.io.Out, "  %s %s\n", e.t("from", "미러:"), rep.Mirror)
	fmt.Fprintf(e.io.Out, "  %s\n", i18n.T("run it: sysdojo container run --rootfs %s -- apt-get --version", "실행: sysdojo container run --rootfs %s -- apt-get --version").F(rep.Dir).In(e.io.Lang))
	return nil
}

// copyKey copies the key file src to rel inside the root dir, through
// os.Root: a link in the root (its packages came from a pool anyone
// may fill) never takes the write out of it.
func copyKey(src, dir, rel string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer r.Close()
	if err := r.MkdirAll(filepath.Dir(rel), 0o755); err != nil {
		return err
	}
	return r.WriteFile(rel, b, 0o644)
}

// loopback reports whether a mirror URL is on this machine.
func loopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if u.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}
