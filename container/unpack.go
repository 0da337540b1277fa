package container

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	securejoin "github.com/cyphar/filepath-securejoin"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Whiteouts, as the OCI image spec writes them in a layer: .wh.NAME hides
// NAME of the layers below; .wh..wh..opq in a directory hides all of the
// directory's contents from below.
const (
	whiteoutPrefix = ".wh."
	whiteoutOpaque = ".wh..wh..opq"
)

// unpackHere applies img's layers in order to a new directory, then
// renames it to dir, in this process (see unpackImage): as root, with the
// layers' owners; otherwise every file is the caller's.
func unpackHere(img v1.Image, dir string, lim ImageLimits) (skipped int, err error) {
	layers, err := img.Layers()
	if err != nil {
		return 0, i18n.Failed(i18n.T("cannot read the image's layers", "이미지의 층을 읽을 수 없습니다"), err)
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return 0, i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(parent), err)
	}
	tmp, err := os.MkdirTemp(parent, ".unpack-")
	if err != nil {
		return 0, i18n.Failed(i18n.T("cannot make a directory in %s", "%s에 디렉터리를 만들 수 없습니다").F(parent), err)
	}
	defer func() {
		if err != nil {
			removeTreeHere(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return 0, i18n.Failed(i18n.T("cannot set the mode of %s", "%s의 모드를 정할 수 없습니다").F(tmp), err)
	}
	u := &unpacker{dir: tmp, budget: lim}
	if u.root, err = os.OpenRoot(tmp); err != nil {
		return 0, i18n.Failed(i18n.T("cannot open %s", "%s를 열 수 없습니다").F(tmp), err)
	}
	defer u.root.Close()
	u.chown = os.Geteuid() == 0
	for i, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			return 0, i18n.Failed(i18n.T("cannot read layer %d of the image", "이미지의 %d번째 층을 읽을 수 없습니다").F(i+1), err)
		}
		err = u.apply(rc)
		rc.Close()
		if err != nil {
			return 0, layerErr(i+1, err)
		}
	}
	u.finish()
	if err := os.Rename(tmp, dir); err != nil {
		return 0, i18n.Failed(i18n.T("cannot move the image into %s", "이미지를 %s로 옮길 수 없습니다").F(dir), err)
	}
	return u.skipped, nil
}

func layerErr(n int, err error) error {
	var le *i18n.Error
	if errors.As(err, &le) {
		return err
	}
	return i18n.Failed(i18n.T("cannot unpack layer %d of the image", "이미지의 %d번째 층을 풀 수 없습니다").F(n), err)
}

// unpacker applies layers to dir. Every name in a layer is resolved
// inside dir (symbolic links followed as the container will see them:
// an absolute one from dir, never out of it), and then written through an
// os.Root at dir, which refuses whatever would still lead out. Device
// nodes and fifos are not made, and extended attributes not set:
// overlayfs reads trusted.overlay.* in a lower directory (an opaque mark,
// a redirect), which is not an image's to say, and file capabilities do
// nothing on the container's nosuid mounts.
type unpacker struct {
	dir     string
	root    *os.Root
	chown   bool
	budget  ImageLimits // what is left of the limits
	skipped int
	// dirModes, when not root, are the directories' modes, set at the
	// end: until then the owner may write in every directory (a later
	// entry or layer may write in one the image makes read-only).
	dirModes map[string]fs.FileMode
}

// finish sets what was put off to the end.
func (u *unpacker) finish() {
	names := make([]string, 0, len(u.dirModes))
	for n := range u.dirModes {
		names = append(names, n)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(names))) // (children first)
	for _, n := range names {
		fi, err := u.root.Lstat(n)
		if err != nil || !fi.IsDir() {
			continue
		}
		u.root.Chmod(n, u.dirModes[n])
	}
}

type dirTime struct {
	name string
	t    time.Time
}

// apply writes one layer's tar stream.
func (u *unpacker) apply(r io.Reader) error {
	tr := tar.NewReader(r)
	written := map[string]bool{} // names this layer wrote (resolved)
	var opaque []string
	var dirTimes []dirTime
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return invalidErr(i18n.T("reading the layer's tar stream", "층의 tar 스트림을 읽는 중"), err)
		}
		if u.budget.Entries--; u.budget.Entries < 0 {
			return i18n.Failed(i18n.T("the image has more files than a pull may unpack", "이미지의 파일이 한 번에 풀 수 있는 개수보다 많습니다"), nil)
		}
		name, ok := entryName(h.Name)
		if !ok {
			return escapeErr(h.Name)
		}
		if name == "." {
			if h.Typeflag == tar.TypeDir {
				u.meta(".", h)
			}
			continue
		}
		dir, base := path.Split(name)
		pdir, err := u.resolve(strings.TrimSuffix(dir, "/"))
		if err != nil {
			return writeErr(h.Name, err)
		}
		if base == whiteoutOpaque {
			opaque = append(opaque, pdir)
			continue
		}
		if hidden, ok := strings.CutPrefix(base, whiteoutPrefix); ok {
			if hidden == "" || hidden == "." || hidden == ".." {
				return escapeErr(h.Name)
			}
			target := path.Join(pdir, hidden)
			if !written[target] {
				if err := u.root.RemoveAll(target); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return writeErr(h.Name, err)
				}
			}
			continue
		}
		if pdir != "." {
			if err := u.root.MkdirAll(pdir, 0o755); err != nil {
				return writeErr(h.Name, err)
			}
		}
		target := path.Join(pdir, base)
		switch h.Typeflag {
		case tar.TypeDir:
			if fi, err := u.root.Lstat(target); err == nil && !fi.IsDir() {
				u.root.Remove(target)
			}
			if err := u.root.Mkdir(target, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
				return writeErr(h.Name, err)
			}
			dirTimes = append(dirTimes, dirTime{target, h.ModTime})
		case tar.TypeReg, tar.TypeRegA:
			if h.Size < 0 || h.Size > u.budget.Unpacked {
				return i18n.Failed(i18n.T("the image unpacks to more than a pull may write (%s is %d bytes)",
					"이미지를 풀면 한 번에 쓸 수 있는 양보다 커집니다 (%s가 %d 바이트)").F(h.Name, h.Size), nil)
			}
			u.budget.Unpacked -= h.Size
			if err := u.replace(target); err != nil {
				return writeErr(h.Name, err)
			}
			f, err := u.root.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return writeErr(h.Name, err)
			}
			_, err = io.CopyN(f, tr, h.Size)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return writeErr(h.Name, err)
			}
		case tar.TypeSymlink:
			// Any target is fine: it is only ever followed inside the
			// image (by resolve here, and in the container behind its
			// pivot_root).
			if err := u.replace(target); err != nil {
				return writeErr(h.Name, err)
			}
			if err := u.root.Symlink(h.Linkname, target); err != nil {
				return writeErr(h.Name, err)
			}
		case tar.TypeLink:
			ln, ok := entryName(h.Linkname)
			if !ok || ln == "." {
				return escapeErr(h.Name + " => " + h.Linkname)
			}
			ld, lb := path.Split(ln)
			lpdir, err := u.resolve(strings.TrimSuffix(ld, "/"))
			if err != nil {
				return writeErr(h.Name, err)
			}
			old := path.Join(lpdir, lb)
			if fi, err := u.root.Lstat(old); err != nil {
				return writeErr(h.Name, err)
			} else if fi.IsDir() {
				return escapeErr(h.Name + " => " + h.Linkname)
			}
			if err := u.replace(target); err != nil {
				return writeErr(h.Name, err)
			}
			if err := u.root.Link(old, target); err != nil {
				return writeErr(h.Name, err)
			}
			written[target] = true
			continue // (a hard link shares its target's owner and mode)
		default:
			u.skipped++ // devices and fifos: a container gets its own /dev
			continue
		}
		written[target] = true
		u.meta(target, h)
	}
	if len(opaque) > 0 {
		under := map[string]bool{}
		for w := range written {
			for d := path.Dir(w); d != "."; d = path.Dir(d) {
				under[d] = true
			}
			under["."] = true
		}
		for _, d := range opaque {
			if err := u.prune(d, written, under); err != nil {
				return writeErr(d, err)
			}
		}
	}
	for i := len(dirTimes) - 1; i >= 0; i-- {
		u.root.Chtimes(dirTimes[i].name, dirTimes[i].t, dirTimes[i].t)
	}
	return nil
}

// resolve gives the path of dir (a name of the layer) inside the image,
// its symbolic links followed as the container would, within the image.
func (u *unpacker) resolve(dir string) (string, error) {
	if dir == "" || dir == "." {
		return ".", nil
	}
	abs, err := securejoin.SecureJoin(u.dir, dir)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(u.dir, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("%s resolves outside the image", dir)
	}
	return filepath.ToSlash(rel), nil
}

// replace clears the way for a new entry at name: whatever is there goes,
// unless it is a directory the new entry would replace (a layer may not
// turn a directory into a file without a whiteout).
func (u *unpacker) replace(name string) error {
	fi, err := u.root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return u.root.RemoveAll(name)
	}
	return u.root.Remove(name)
}

// tarPerm is the permission bits of a tar entry, setuid, setgid and
// sticky included, as os.Chmod takes them.
func tarPerm(h *tar.Header) fs.FileMode {
	return h.FileInfo().Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
}

// meta sets an entry's owner, mode and time.
func (u *unpacker) meta(name string, h *tar.Header) {
	if u.chown {
		u.root.Lchown(name, h.Uid, h.Gid)
	}
	if h.Typeflag == tar.TypeSymlink {
		return
	}
	mode := tarPerm(h)
	if h.Typeflag == tar.TypeDir && !u.chown {
		if u.dirModes == nil {
			u.dirModes = map[string]fs.FileMode{}
		}
		u.dirModes[name] = mode
		mode |= 0o700
	}
	u.root.Chmod(name, mode)
	if h.Typeflag != tar.TypeDir {
		u.root.Chtimes(name, h.ModTime, h.ModTime)
	}
}

// prune removes what the layers below left in an opaque directory: all
// but what this layer wrote.
func (u *unpacker) prune(dir string, written, under map[string]bool) error {
	f, err := u.root.Open(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	ents, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return err
	}
	for _, e := range ents {
		p := path.Join(dir, e.Name())
		switch {
		case under[p] && e.IsDir():
			if err := u.prune(p, written, under); err != nil {
				return err
			}
		case written[p]:
		default:
			if err := u.root.RemoveAll(p); err != nil {
				return err
			}
		}
	}
	return nil
}
