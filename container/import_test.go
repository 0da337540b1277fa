package container_test

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/i18n"
)

type entry struct {
	name, body, link string
	typ              byte
}

func tarBytes(t *testing.T, ents []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range ents {
		h := &tar.Header{Name: e.name, Mode: 0o644, Typeflag: e.typ, Linkname: e.link, Size: int64(len(e.body))}
		if e.typ == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Typeflag == tar.TypeDir {
			h.Mode = 0o755
		}
		if h.Typeflag != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			tw.Write([]byte(e.body))
		}
	}
	tw.Close()
	return buf.Bytes()
}

// testImage is two layers; the upper one deletes a file (a whiteout),
// empties a directory (an opaque whiteout) and adds files.
func testImage(t *testing.T) v1.Image {
	t.Helper()
	l1 := tarBytes(t, []entry{
		{name: "etc/", typ: tar.TypeDir}, {name: "etc/os-release", body: "ID=test\n"},
		{name: "gone.txt", body: "lower\n"}, {name: "d/", typ: tar.TypeDir}, {name: "d/old", body: "old\n"},
		{name: "bin/", typ: tar.TypeDir}, {name: "bin/sh", body: "#!fake\n"}, {name: "bin/ash", typ: tar.TypeSymlink, link: "sh"},
	})
	l2 := tarBytes(t, []entry{
		{name: ".wh.gone.txt", body: ""}, {name: "d/", typ: tar.TypeDir}, {name: "d/.wh..wh..opq", body: ""},
		{name: "d/new", body: "new\n"}, {name: "etc/hostname", body: "layered\n"},
	})
	var layers []v1.Layer
	for _, b := range [][]byte{l1, l2} {
		b := b
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
		if err != nil {
			t.Fatal(err)
		}
		layers = append(layers, l)
	}
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			rel += " -> " + l
		case fi.Mode().IsRegular():
			b, _ := os.ReadFile(p)
			rel += " = " + strings.TrimSpace(string(b))
		}
		out = append(out, rel)
		return nil
	})
	sort.Strings(out)
	return out
}

var wantTree = []string{"bin", "bin/ash -> sh", "bin/sh = #!fake", "d", "d/new = new", "etc",
	"etc/hostname = layered", "etc/os-release = ID=test"}

func TestImport(t *testing.T) {
	img := testImage(t)
	tmp := t.TempDir()
	ref, _ := name.ParseReference("sysdojo/test:latest")

	save := filepath.Join(tmp, "save.tar")
	if err := tarball.WriteToFile(save, ref, img); err != nil {
		t.Fatal(err)
	}
	ociDir := filepath.Join(tmp, "oci")
	p, err := layout.Write(ociDir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	ociTar := filepath.Join(tmp, "oci.tar")
	if err := tarDir(ociDir, ociTar); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(tmp, "plain.tar")
	os.WriteFile(plain, tarBytes(t, []entry{{name: "./etc/", typ: tar.TypeDir}, {name: "./etc/hostname", body: "plain\n"},
		{name: "./bin/", typ: tar.TypeDir}, {name: "./bin/sh", typ: tar.TypeSymlink, link: "/bin/busybox"}}), 0o644)

	for _, c := range []struct {
		src, format string
		layers      int
		want        []string
	}{
		{save, container.FormatDockerSave, 2, wantTree},
		{ociDir, container.FormatOCILayout, 2, wantTree},
		{ociTar, container.FormatOCILayout, 2, wantTree},
		{plain, container.FormatRootfsTar, 0, []string{"bin", "bin/sh -> /bin/busybox", "etc", "etc/hostname = plain"}},
	} {
		t.Run(filepath.Base(c.src), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "rootfs")
			rep, err := container.Import(c.src, dir)
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if rep.Format != c.format || rep.Layers != c.layers {
				t.Errorf("format %s with %d layers, want %s with %d", rep.Format, rep.Layers, c.format, c.layers)
			}
			if got := tree(t, dir); strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("tree:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestImportRefusesEscapes(t *testing.T) {
	for _, c := range []struct {
		name string
		ents []entry
	}{
		{"dot-dot name", []entry{{name: "../evil", body: "x"}}},
		{"deep dot-dot name", []entry{{name: "a/../../evil", body: "x"}}},
		{"relative link out", []entry{{name: "up", typ: tar.TypeSymlink, link: "../../../evil"}}},
		{"through an absolute link", []entry{{name: "etc", typ: tar.TypeSymlink, link: "/tmp"}, {name: "etc/evil", body: "x"}}},
		{"hard link out", []entry{{name: "h", typ: tar.TypeLink, link: "../../etc/passwd"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			src := filepath.Join(tmp, "bad.tar")
			os.WriteFile(src, tarBytes(t, c.ents), 0o644)
			dir := filepath.Join(tmp, "a", "b", "rootfs")
			_, err := container.Import(src, dir)
			var le *i18n.Error
			if !errors.As(err, &le) || le.Kind != i18n.KindInvalid || !strings.Contains(le.Text.En, "escapes") {
				t.Errorf("Import = %v, want a refusal (exit 2)", err)
			}
			for _, p := range []string{filepath.Join(tmp, "evil"), filepath.Join(tmp, "a", "evil"), filepath.Join(tmp, "a", "b", "evil"), "/tmp/evil"} {
				if _, err := os.Lstat(p); err == nil {
					t.Errorf("%s was written outside the target", p)
				}
			}
		})
	}
}

func tarDir(dir, out string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	if err := tw.AddFS(os.DirFS(dir)); err != nil {
		return err
	}
	return tw.Close()
}
