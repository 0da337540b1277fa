package container

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Import formats.
const (
	FormatRootfsTar  = "rootfs-tar"  // a plain rootfs tarball (docker export)
	FormatDockerSave = "docker-save" // docker save: manifest.json and layer tarballs
	FormatOCILayout  = "oci-layout"  // an OCI image layout, as a directory or a tarball
)

// ImportReport is what Import unpacked.
type ImportReport struct {
	Source  string `json:"source"`
	Dir     string `json:"dir"`
	Format  string `json:"format"`
	Layers  int    `json:"layers,omitempty"`
	Files   int    `json:"files"`
	Dirs    int    `json:"dirs"`
	Links   int    `json:"links"`
	Skipped int    `json:"skipped"` // device nodes and other special files
}

// Import unpacks src into dir (missing or empty): a plain rootfs tarball
// (gzip or not), a docker save tarball, or an OCI image layout (directory
// or tarball). Image layers are applied in order with whiteouts honoured
// (by go-containerregistry's mutate.Extract). Every entry is written
// through an os.Root at dir: an entry that would land outside dir (a ../
// name, a link to an absolute or escaping path, a path through such a
// link) is refused with an error.
func Import(src, dir string) (*ImportReport, error) {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return nil, i18n.Invalid(i18n.T("%s is not empty: import into a new or empty directory", "%s가 비어 있지 않습니다: 새 디렉터리나 빈 디렉터리로 가져오세요").F(dir))
	}
	fi, err := os.Stat(src)
	if err != nil {
		return nil, invalidErr(i18n.T("cannot read %s", "%s를 읽을 수 없습니다").F(src), err)
	}
	rep := &ImportReport{Source: src, Dir: dir}
	var img v1.Image
	var cleanup func()
	switch {
	case fi.IsDir():
		rep.Format = FormatOCILayout
		img, err = ociImage(src)
	default:
		rep.Format, err = sniff(src)
		if err != nil {
			return nil, err
		}
		switch rep.Format {
		case FormatDockerSave:
			img, err = tarball.ImageFromPath(src, nil)
		case FormatOCILayout:
			var tmp string
			tmp, err = os.MkdirTemp("", "sysdojo-oci-")
			if err == nil {
				cleanup = func() { os.RemoveAll(tmp) }
				var f *os.File
				if f, err = os.Open(src); err == nil {
					_, err = untar(f, tmp, &ImportReport{})
					f.Close()
				}
				if err == nil {
					img, err = ociImage(tmp)
				}
			}
		}
	}
	if cleanup != nil {
		defer cleanup()
	}
	if err != nil {
		var le *i18n.Error
		if errors.As(err, &le) {
			return nil, err
		}
		return nil, invalidErr(i18n.T("cannot read the image in %s", "%s에서 이미지를 읽을 수 없습니다").F(src), err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(dir), err)
	}
	var r io.ReadCloser
	if img != nil {
		layers, err := img.Layers()
		if err != nil {
			return nil, invalidErr(i18n.T("cannot read the image's layers", "이미지의 층을 읽을 수 없습니다"), err)
		}
		rep.Layers = len(layers)
		r = mutate.Extract(img)
	} else {
		f, err := os.Open(src)
		if err != nil {
			return nil, invalidErr(i18n.T("cannot read %s", "%s를 읽을 수 없습니다").F(src), err)
		}
		r = f
	}
	defer r.Close()
	if _, err := untar(r, dir, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

func ociImage(dir string) (v1.Image, error) {
	p, err := layout.FromPath(dir)
	if err != nil {
		return nil, err
	}
	idx, err := p.ImageIndex()
	if err != nil {
		return nil, err
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	if len(m.Manifests) == 0 {
		return nil, fmt.Errorf("the OCI layout in %s holds no image", dir)
	}
	return idx.Image(m.Manifests[0].Digest)
}

// sniff tells the format of a tarball from its member names.
func sniff(src string) (string, error) {
	f, err := os.Open(src)
	if err != nil {
		return "", invalidErr(i18n.T("cannot read %s", "%s를 읽을 수 없습니다").F(src), err)
	}
	defer f.Close()
	r, err := maybeGzip(f)
	if err != nil {
		return "", invalidErr(i18n.T("%s is not a tar archive", "%s는 tar 아카이브가 아닙니다").F(src), err)
	}
	tr := tar.NewReader(r)
	seen := map[string]bool{}
	n := 0
	for ; n < 10000; n++ {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if n == 0 {
				return "", invalidErr(i18n.T("%s is not a tar archive", "%s는 tar 아카이브가 아닙니다").F(src), err)
			}
			break
		}
		seen[path.Clean(strings.TrimPrefix(h.Name, "./"))] = true
	}
	switch {
	case seen["oci-layout"] && seen["index.json"]:
		return FormatOCILayout, nil
	case seen["manifest.json"]:
		return FormatDockerSave, nil
	}
	return FormatRootfsTar, nil
}

func maybeGzip(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		return gzip.NewReader(br)
	}
	return br, nil
}

// untar writes the tar stream r under dir through an os.Root, refusing
// anything that escapes dir.
func untar(r io.Reader, dir string, rep *ImportReport) (*ImportReport, error) {
	zr, err := maybeGzip(r)
	if err != nil {
		return nil, invalidErr(i18n.T("not a tar archive", "tar 아카이브가 아닙니다"), err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot open %s", "%s를 열 수 없습니다").F(dir), err)
	}
	defer root.Close()
	tr := tar.NewReader(zr)
	isRoot := os.Geteuid() == 0
	type dirTime struct {
		name string
		t    time.Time
	}
	var dirTimes []dirTime
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, invalidErr(i18n.T("reading the tar archive", "tar 아카이브를 읽는 중"), err)
		}
		name, ok := entryName(h.Name)
		if !ok {
			return nil, escapeErr(h.Name)
		}
		if name == "." {
			continue
		}
		if parent := path.Dir(name); parent != "." {
			if err := root.MkdirAll(parent, 0o755); err != nil {
				return nil, writeErr(h.Name, err)
			}
		}
		mode := fs.FileMode(h.Mode) & fs.ModePerm
		switch h.Typeflag {
		case tar.TypeDir:
			if err := root.Mkdir(name, mode); err != nil && !errors.Is(err, fs.ErrExist) {
				return nil, writeErr(h.Name, err)
			}
			rep.Dirs++
			dirTimes = append(dirTimes, dirTime{name, h.ModTime})
		case tar.TypeReg:
			removeNonDir(root, name)
			f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
			if err != nil {
				return nil, writeErr(h.Name, err)
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return nil, writeErr(h.Name, err)
			}
			rep.Files++
		case tar.TypeSymlink:
			if linkEscapes(name, h.Linkname) {
				return nil, escapeErr(h.Name + " -> " + h.Linkname)
			}
			removeNonDir(root, name)
			if err := root.Symlink(h.Linkname, name); err != nil {
				return nil, writeErr(h.Name, err)
			}
			rep.Links++
		case tar.TypeLink:
			target, ok := entryName(h.Linkname)
			if !ok {
				return nil, escapeErr(h.Name + " => " + h.Linkname)
			}
			removeNonDir(root, name)
			if err := root.Link(target, name); err != nil {
				return nil, writeErr(h.Name, err)
			}
			rep.Links++
			continue
		default:
			rep.Skipped++ // devices, fifos: a container gets its own /dev
			continue
		}
		if isRoot {
			root.Lchown(name, h.Uid, h.Gid)
		}
		if h.Typeflag != tar.TypeSymlink {
			root.Chmod(name, tarPerm(h))
			if h.Typeflag == tar.TypeReg {
				root.Chtimes(name, h.ModTime, h.ModTime)
			}
		}
	}
	for i := len(dirTimes) - 1; i >= 0; i-- {
		root.Chtimes(dirTimes[i].name, dirTimes[i].t, dirTimes[i].t)
	}
	return rep, nil
}

// entryName cleans a tar member name; ok is false when it climbs out.
func entryName(n string) (string, bool) {
	c := path.Clean("/" + strings.ReplaceAll(n, "\\", "/"))
	raw := path.Clean(strings.TrimPrefix(n, "/"))
	if raw == ".." || strings.HasPrefix(raw, "../") {
		return "", false
	}
	return strings.TrimPrefix(c, "/") + map[bool]string{true: ".", false: ""}[c == "/"], true
}

// linkEscapes reports whether a symbolic link at name pointing to target
// points outside the tree when resolved from where it stands. An absolute
// target means the rootfs's own root, which is inside.
func linkEscapes(name, target string) bool {
	if path.IsAbs(target) {
		return false
	}
	p := path.Join("/", path.Dir(name))
	depth := strings.Count(strings.Trim(p, "/"), "/") + 1
	if p == "/" {
		depth = 0
	}
	for _, part := range strings.Split(target, "/") {
		switch part {
		case "..":
			depth--
			if depth < 0 {
				return true
			}
		case ".", "":
		default:
			depth++
		}
	}
	return false
}

func removeNonDir(root *os.Root, name string) {
	if fi, err := root.Lstat(name); err == nil && !fi.IsDir() {
		root.Remove(name)
	}
}

func escapeErr(name string) error {
	return i18n.Invalid(i18n.T("refusing tar entry %q: it escapes the target directory",
		"tar 항목 %q를 거부합니다: 대상 디렉터리 밖으로 나갑니다").F(name))
}

func writeErr(name string, err error) error {
	if strings.Contains(err.Error(), "escapes") {
		return invalidErr(i18n.T("refusing tar entry %q: it escapes the target directory",
			"tar 항목 %q를 거부합니다: 대상 디렉터리 밖으로 나갑니다").F(name), err)
	}
	return i18n.Failed(i18n.T("cannot write %s", "%s를 쓸 수 없습니다").F(name), err)
}
