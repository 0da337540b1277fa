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
	"runtime"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// CommitOptions say what Commit makes of a container.
type CommitOptions struct {
	Out string // a new (or empty) directory
	// OCI makes Out an OCI image layout: Base's layers (or, without
	// Base, one layer of the whole rootfs) and one more with the
	// container's changes. Otherwise Out is a root filesystem: the
	// rootfs with the changes applied.
	OCI  bool
	Base v1.Image // the image the container was run from, if any
	Ref  string   // the OCI layout's name for the image (org.opencontainers.image.ref.name)
}

// CommitReport is what Commit made.
type CommitReport struct {
	Out     string `json:"out"`
	Format  string `json:"format"` // "rootfs" or "oci-layout"
	Changes int    `json:"changes"`
	Layers  int    `json:"layers,omitempty"`
}

// Commit saves what the container called name changed, as docker commit
// does: as a new root filesystem, or as an OCI image layout whose last
// layer holds the changes (deletions as whiteouts). The changes are read
// as Diff reads them, through an os.Root at their directory (a link the
// container made is copied as a link, never followed), and a new root is
// written by the same code that unpacks pulled layers.
func Commit(root, name string, opt CommitOptions) (*CommitReport, error) {
	in, err := Find(root, name)
	if err != nil {
		return nil, err
	}
	if ents, err := os.ReadDir(opt.Out); err == nil && len(ents) > 0 {
		return nil, i18n.Invalid(i18n.T("%s is not empty: commit into a new or empty directory", "%s가 비어 있지 않습니다: 새 디렉터리나 빈 디렉터리에 commit 하세요").F(opt.Out))
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, invalidErr(i18n.T("cannot use %s", "%s를 쓸 수 없습니다").F(opt.Out), err)
	}
	changes, src, err := diffOf(in)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(opt.Out)
	if err != nil {
		return nil, invalidErr(i18n.T("cannot use %s", "%s를 쓸 수 없습니다").F(opt.Out), err)
	}
	parent := filepath.Dir(abs)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(parent), err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(abs)+".commit-")
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot make a directory in %s", "%s에 디렉터리를 만들 수 없습니다").F(parent), err)
	}
	defer removeTree(tmp)
	layerFile := filepath.Join(tmp, "changes.tar")
	if err := writeChanges(layerFile, src, changes); err != nil {
		return nil, i18n.Failed(i18n.T("cannot read the container's changes", "컨테이너가 바꾼 내용을 읽을 수 없습니다"), err)
	}
	rep := &CommitReport{Out: opt.Out, Changes: len(changes)}
	made := filepath.Join(tmp, "out")
	if opt.OCI {
		rep.Format = FormatOCILayout
		rep.Layers, err = commitOCI(made, in.Rootfs, layerFile, opt)
		if err != nil {
			return nil, err
		}
	} else {
		rep.Format = "rootfs"
		if err := os.Mkdir(made, 0o755); err != nil {
			return nil, i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(made), err)
		}
		if _, err := copyTree(in.Rootfs, made); err != nil {
			return nil, i18n.Failed(i18n.T("cannot copy the rootfs %s", "rootfs %s를 복사할 수 없습니다").F(in.Rootfs), err)
		}
		if err := applyLayerFile(made, layerFile); err != nil {
			return nil, err
		}
	}
	os.Remove(opt.Out) // (an empty directory)
	if err := os.Rename(made, opt.Out); err != nil {
		return nil, i18n.Failed(i18n.T("cannot move the result into %s", "결과를 %s로 옮길 수 없습니다").F(opt.Out), err)
	}
	return rep, nil
}

// applyLayerFile applies a layer's tar file to dir, as a pull does.
func applyLayerFile(dir, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return i18n.Failed(i18n.T("cannot read %s", "%s를 읽을 수 없습니다").F(file), err)
	}
	defer f.Close()
	u := &unpacker{dir: dir, budget: ImageLimits{Unpacked: 1 << 62, Entries: 1 << 40}, chown: os.Geteuid() == 0}
	if u.root, err = os.OpenRoot(dir); err != nil {
		return i18n.Failed(i18n.T("cannot open %s", "%s를 열 수 없습니다").F(dir), err)
	}
	defer u.root.Close()
	if err := u.apply(f); err != nil {
		return err
	}
	u.finish()
	return nil
}

// writeChanges writes the changes as a layer's tar stream: what was added
// or changed from src, what was deleted as a whiteout.
func writeChanges(file, src string, changes []Change) error {
	r, err := os.OpenRoot(src)
	if err != nil {
		return err
	}
	defer r.Close()
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	var deleted []string
	budget := DefaultImageLimits.Unpacked // (a container's files may be huge, or sparse)
	for _, c := range changes {
		rel := strings.TrimPrefix(c.Path, "/")
		if under(deleted, c.Path) {
			continue
		}
		if c.Kind == "D" {
			deleted = append(deleted, c.Path)
			dir, base := path.Split(rel)
			if err := tw.WriteHeader(&tar.Header{Name: dir + whiteoutPrefix + base, Typeflag: tar.TypeReg, Mode: 0o600, ModTime: time.Unix(0, 0)}); err != nil {
				return err
			}
			continue
		}
		if fi, err := r.Lstat(rel); err == nil && fi.Mode().IsRegular() {
			if budget -= fi.Size(); budget < 0 {
				return fmt.Errorf("the changes are more than %d bytes", DefaultImageLimits.Unpacked)
			}
		}
		if err := addEntry(tw, r, rel); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue // (gone since the diff)
			}
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return f.Close()
}

func under(dirs []string, p string) bool {
	for _, d := range dirs {
		if strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

// addEntry writes rel, read inside r, to tw.
func addEntry(tw *tar.Writer, r *os.Root, rel string) error {
	fi, err := r.Lstat(rel)
	if err != nil {
		return err
	}
	link := ""
	if fi.Mode()&fs.ModeSymlink != 0 {
		if link, err = r.Readlink(rel); err != nil {
			return err
		}
	}
	if !fi.IsDir() && !fi.Mode().IsRegular() && link == "" {
		return nil // devices, fifos, sockets
	}
	h, err := tar.FileInfoHeader(fi, link)
	if err != nil {
		return err
	}
	h.Name = rel
	if fi.IsDir() {
		h.Name += "/"
	}
	h.Uname, h.Gname = "", ""
	if st, ok := fi.Sys().(*unix.Stat_t); ok {
		h.Uid, h.Gid = int(st.Uid), int(st.Gid)
	}
	if !fi.Mode().IsRegular() {
		return tw.WriteHeader(h)
	}
	f, err := r.OpenFile(rel, os.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if fi2, err := f.Stat(); err != nil || !fi2.Mode().IsRegular() || fi2.Size() != fi.Size() {
		return fmt.Errorf("%s changed while it was read", rel)
	}
	if err := tw.WriteHeader(h); err != nil {
		return err
	}
	_, err = io.CopyN(tw, f, h.Size)
	return err
}

// commitOCI writes an OCI image layout at dir: the base image's layers
// (or the whole rootfs as one) and the changes as the last.
func commitOCI(dir, rootfs, changes string, opt CommitOptions) (int, error) {
	img := opt.Base
	if img == nil {
		whole := filepath.Join(filepath.Dir(changes), "rootfs.tar")
		if err := tarTree(whole, rootfs); err != nil {
			return 0, i18n.Failed(i18n.T("cannot read the rootfs %s", "rootfs %s를 읽을 수 없습니다").F(rootfs), err)
		}
		l, err := tarball.LayerFromFile(whole)
		if err != nil {
			return 0, i18n.Failed(i18n.T("cannot make a layer of %s", "%s로 층을 만들 수 없습니다").F(rootfs), err)
		}
		if img, err = mutate.AppendLayers(empty.Image, l); err != nil {
			return 0, i18n.Failed(i18n.T("cannot make the image", "이미지를 만들 수 없습니다"), err)
		}
		cf, err := img.ConfigFile()
		if err != nil {
			return 0, i18n.Failed(i18n.T("cannot make the image", "이미지를 만들 수 없습니다"), err)
		}
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture = "linux", runtime.GOARCH
		cf.Config.Env = []string{"PATH=" + defaultPath}
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			return 0, i18n.Failed(i18n.T("cannot make the image", "이미지를 만들 수 없습니다"), err)
		}
	}
	l, err := tarball.LayerFromFile(changes)
	if err != nil {
		return 0, i18n.Failed(i18n.T("cannot make a layer of the changes", "바뀐 내용으로 층을 만들 수 없습니다"), err)
	}
	if img, err = mutate.Append(img, mutate.Addendum{Layer: l, History: v1.History{CreatedBy: "sysdojo container commit", Created: v1.Time{Time: time.Now().UTC()}}}); err != nil {
		return 0, i18n.Failed(i18n.T("cannot make the image", "이미지를 만들 수 없습니다"), err)
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return 0, i18n.Failed(i18n.T("cannot write the image layout in %s", "%s에 이미지 레이아웃을 쓸 수 없습니다").F(dir), err)
	}
	var opts []layout.Option
	if opt.Ref != "" {
		opts = append(opts, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": opt.Ref}))
	}
	if err := p.AppendImage(img, opts...); err != nil {
		return 0, i18n.Failed(i18n.T("cannot write the image layout in %s", "%s에 이미지 레이아웃을 쓸 수 없습니다").F(dir), err)
	}
	layers, _ := img.Layers()
	return len(layers), nil
}

// tarTree writes the tree at dir as a tar file.
func tarTree(file, dir string) error {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer r.Close()
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	err = fs.WalkDir(r.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == "." {
			return err
		}
		return addEntry(tw, r, p)
	})
	if err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return f.Close()
}
