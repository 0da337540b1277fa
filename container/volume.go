package container

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Volume is a host directory (or file) bound into the container.
type Volume struct {
	Host      string `json:"host"`      // absolute path on the host
	Container string `json:"container"` // absolute path inside
	ReadOnly  bool   `json:"read_only,omitempty"`
}

func (v Volume) String() string {
	s := v.Host + ":" + v.Container
	if v.ReadOnly {
		s += ":ro"
	}
	return s
}

// ParseVolume reads HOSTDIR:CTRDIR[:ro|:rw] (what -v takes). The host path
// may be relative (to the current directory); the container path must be
// absolute.
func ParseVolume(s string) (Volume, error) {
	bad := func(why i18n.Text) (Volume, error) {
		return Volume{}, i18n.Invalid(i18n.Text{En: fmt.Sprintf("bad volume %q: ", s) + why.En, Ko: fmt.Sprintf("잘못된 볼륨입니다 %q: ", s) + why.Ko})
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return bad(i18n.T("use HOSTDIR:CTRDIR or HOSTDIR:CTRDIR:ro", "HOSTDIR:CTRDIR나 HOSTDIR:CTRDIR:ro 형식으로 쓰세요"))
	}
	v := Volume{Host: parts[0], Container: parts[1]}
	if len(parts) == 3 {
		switch parts[2] {
		case "ro":
			v.ReadOnly = true
		case "rw":
		default:
			return bad(i18n.T("the option must be ro or rw", "옵션은 ro나 rw여야 합니다"))
		}
	}
	if v.Host == "" || v.Container == "" {
		return bad(i18n.T("both paths are needed", "두 경로가 모두 필요합니다"))
	}
	if strings.ContainsRune(s, 0) {
		return bad(i18n.T("a path cannot hold a NUL byte", "경로에 NUL 바이트가 있을 수 없습니다"))
	}
	if !filepath.IsAbs(v.Container) {
		return bad(i18n.T("the container path must be absolute", "컨테이너 쪽 경로는 절대 경로여야 합니다"))
	}
	v.Container = filepath.Clean(v.Container)
	if v.Container == "/" {
		return bad(i18n.T("it cannot cover the container's whole root", "컨테이너의 루트 전체를 덮을 수는 없습니다"))
	}
	for _, p := range []string{"/proc", "/sys", "/dev"} {
		if v.Container == p || strings.HasPrefix(v.Container, p+"/") {
			return bad(i18n.T("%s belongs to the kernel's view of the container", "%s는 커널이 컨테이너에 보여 주는 영역입니다").F(p))
		}
	}
	abs, err := filepath.Abs(v.Host)
	if err != nil {
		return bad(i18n.T("the host path cannot be resolved", "호스트 쪽 경로를 해석할 수 없습니다"))
	}
	v.Host = abs
	return v, nil
}

// check makes sure the host side exists, and resolves its links.
func (v *Volume) check() error {
	real, err := filepath.EvalSymlinks(v.Host)
	if err != nil {
		return i18n.Invalid(i18n.T("volume %s: %s does not exist on the host", "볼륨 %s: 호스트에 %s가 없습니다").F(v.String(), v.Host))
	}
	if strings.ContainsAny(real, "\n") {
		return i18n.Invalid(i18n.T("volume %s: the host path has a newline", "볼륨 %s: 호스트 경로에 줄바꿈이 있습니다").F(v.String()))
	}
	v.Host = real
	return nil
}

// bindVolumes binds each volume into the new root m (before pivot_root,
// in init). The container path is made inside m without following any
// symbolic link, so a link in the rootfs cannot aim a mount at the host.
func bindVolumes(m string, vols []Volume) error {
	for _, v := range vols {
		fi, err := os.Stat(v.Host)
		if err != nil {
			return fmt.Errorf("volume %s: %w", v, err)
		}
		target, err := mkTarget(m, v.Container, fi.IsDir())
		if err != nil {
			return fmt.Errorf("volume %s: %w", v, err)
		}
		if err := unix.Mount(v.Host, target, "", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("volume %s: bind mount: %w", v, err)
		}
		// Mounts under it, now or later, stay on their own side.
		if err := unix.Mount("", target, "", unix.MS_PRIVATE, ""); err != nil {
			return fmt.Errorf("volume %s: making it private: %w", v, err)
		}
		if v.ReadOnly {
			var st unix.Statfs_t
			flags := uintptr(unix.MS_BIND | unix.MS_REMOUNT | unix.MS_RDONLY)
			if unix.Statfs(target, &st) == nil {
				flags |= uintptr(st.Flags) & (unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC)
			}
			if err := unix.Mount("", target, "", flags, ""); err != nil {
				return fmt.Errorf("volume %s: making it read-only: %w", v, err)
			}
		}
	}
	return nil
}

// mkTarget makes rel (absolute inside root) under root, refusing symbolic
// links on the way, and returns its host path.
func mkTarget(root, rel string, dir bool) (string, error) {
	parts := strings.Split(strings.TrimPrefix(filepath.Clean(rel), "/"), "/")
	p := root
	for i, part := range parts {
		p = filepath.Join(p, part)
		last := i == len(parts)-1
		fi, err := os.Lstat(p)
		switch {
		case err == nil && fi.Mode()&os.ModeSymlink != 0:
			return "", fmt.Errorf("%s is a symbolic link in the rootfs", "/"+filepath.Join(parts[:i+1]...))
		case err == nil:
			if !last && !fi.IsDir() {
				return "", fmt.Errorf("%s is not a directory", "/"+filepath.Join(parts[:i+1]...))
			}
		case os.IsNotExist(err):
			if last && !dir {
				f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
				if err != nil {
					return "", err
				}
				f.Close()
			} else if err := os.Mkdir(p, 0o755); err != nil {
				return "", err
			}
		default:
			return "", err
		}
	}
	return p, nil
}
