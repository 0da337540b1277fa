package container_test

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/testenv"
	"github.com/sysdojo/sysdojo/internal/testregistry"
)

// ent is one tar entry of a crafted layer.
type ent struct {
	name, link string
	typ        byte
	body       string
	size       int64 // for huge files: a body of this many zero bytes
	mode       int64
	uid, gid   int
	pax        map[string]string
}

func layerOf(t *testing.T, ents ...ent) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range ents {
		h := &tar.Header{Name: e.name, Linkname: e.link, Typeflag: e.typ, Mode: e.mode, Uid: e.uid, Gid: e.gid,
			ModTime: time.Unix(1700000000, 0), Devmajor: 1, Devminor: 1, PAXRecords: e.pax}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Mode == 0 {
			h.Mode = 0o644
			if h.Typeflag == tar.TypeDir {
				h.Mode = 0o755
			}
		}
		var body io.Reader = strings.NewReader(e.body)
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.body))
			if e.size > 0 {
				h.Size, body = e.size, io.LimitReader(zeros{}, e.size)
			}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := io.Copy(tw, body); err != nil {
				t.Fatal(err)
			}
		}
	}
	tw.Close()
	b := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

// testRegistry is go-containerregistry's own registry, in this process,
// on 127.0.0.1.
func testRegistry(t *testing.T) string {
	t.Helper()
	host, stop := testregistry.Start()
	t.Cleanup(stop)
	return host
}

func push(t *testing.T, ref string, layers ...v1.Layer) v1.Image {
	t.Helper()
	img, err := testregistry.Push(ref, []string{"PATH=/usr/bin:/bin", "GREETING=hello"}, []string{"/bin/sh"}, layers...)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func imageTree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		fi, _ := d.Info()
		s := rel
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			s += " -> " + l
		case fi.IsDir():
			s += "/"
		}
		out = append(out, s)
		return nil
	})
	sort.Strings(out)
	return out
}

func TestPullLayersWhiteoutsAndCache(t *testing.T) {
	reg := testRegistry(t)
	ref := reg + "/class/base:1"
	layers := []v1.Layer{
		layerOf(t,
			ent{name: "etc/", typ: tar.TypeDir},
			ent{name: "etc/passwd", body: "root:x:0:0::/root:/bin/sh\n"},
			ent{name: "etc/gone", body: "old"},
			ent{name: "var/", typ: tar.TypeDir},
			ent{name: "var/cache/", typ: tar.TypeDir},
			ent{name: "var/cache/a", body: "a"},
			ent{name: "var/cache/sub/b", body: "b"},
			ent{name: "usr/bin/tool", body: "#!/bin/sh\n", mode: 0o4755, uid: 12, gid: 34},
			ent{name: "bin", typ: tar.TypeSymlink, link: "usr/bin"},
		),
		layerOf(t,
			ent{name: "etc/.wh.gone", body: ""},
			ent{name: "var/cache/", typ: tar.TypeDir},
			ent{name: "var/cache/.wh..wh..opq"},
			ent{name: "var/cache/new", body: "n"},
			// through the symlink bin -> usr/bin, and a hard link to a
			// file of the layer below
			ent{name: "bin/other", body: "o"},
			ent{name: "tool2", typ: tar.TypeLink, link: "usr/bin/tool"},
		),
	}
	push(t, ref, layers...)
	s := container.ImageStore{Dir: t.TempDir()}
	// What a killed pull left: a half-unpacked root, half a layer.
	for _, d := range []string{"rootfs/.unpack-123/etc", "oci/blobs/sha256"} {
		os.MkdirAll(filepath.Join(s.Dir, d), 0o755)
	}
	os.WriteFile(filepath.Join(s.Dir, "oci/blobs/sha256/.fetch-456"), []byte("half"), 0o644)
	var seen int64
	rep, err := s.Pull(ref, container.PullOptions{Progress: func(done, total int64) { seen = done }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Fetched != 2 || !rep.Unpacked || seen != rep.Downloaded || seen == 0 {
		t.Errorf("first pull: fetched %d, unpacked %v, progress %d of %d", rep.Fetched, rep.Unpacked, seen, rep.Downloaded)
	}
	for _, p := range []string{"rootfs/.unpack-123", "oci/blobs/sha256/.fetch-456"} {
		if _, err := os.Stat(filepath.Join(s.Dir, p)); err == nil {
			t.Errorf("a killed pull's %s is still there", p)
		}
	}
	got := strings.Join(imageTree(t, rep.Rootfs), "\n")
	want := strings.Join([]string{"bin -> usr/bin", "etc/", "etc/passwd", "tool2", "usr/", "usr/bin/", "usr/bin/other", "usr/bin/tool",
		"var/", "var/cache/", "var/cache/new"}, "\n")
	if got != want {
		t.Errorf("unpacked tree:\n%s\nwant:\n%s", got, want)
	}
	fi, err := os.Stat(filepath.Join(rep.Rootfs, "usr/bin/tool"))
	if err != nil || fi.Mode()&os.ModeSetuid == 0 {
		t.Errorf("usr/bin/tool: %v %v, want setuid kept", fi, err)
	}
	if os.Geteuid() == 0 {
		if uid, gid := owner(t, filepath.Join(rep.Rootfs, "usr/bin/tool")); uid != 12 || gid != 34 {
			t.Errorf("usr/bin/tool owned by %d:%d, want 12:34", uid, gid)
		}
	}
	if fi, err := os.Stat(rep.Rootfs); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("the image's root: %v %v, want mode 0755", fi, err)
	}
	// Again: nothing fetched, nothing unpacked.
	rep2, err := s.Pull(ref, container.PullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Fetched != 0 || rep2.Unpacked || rep2.Rootfs != rep.Rootfs {
		t.Errorf("second pull: fetched %d, unpacked %v", rep2.Fetched, rep2.Unpacked)
	}
	// By digest, as registry:5000/x/y@sha256:...: the same image, in the
	// store already.
	byDigest, err := s.Pull(reg+"/class/base@"+rep.Digest, container.PullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if byDigest.Fetched != 0 || byDigest.Unpacked || byDigest.ID != rep.ID || byDigest.Name != reg+"/class/base@"+rep.Digest {
		t.Errorf("pull by digest: %+v", byDigest)
	}
	if _, err := s.RemoveImage(reg+"/class/base@"+rep.Digest, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(rep.Rootfs); err != nil {
		t.Errorf("rmi of the digest removed the tag's root: %v", err)
	}
	// The tag moves to another image: the new one is pulled, and what
	// only the old one used goes.
	push(t, ref+"-b", layerOf(t, ent{name: "only-b", body: "b"}))
	if _, err := s.Pull(ref+"-b", container.PullOptions{}); err != nil {
		t.Fatal(err)
	}
	push(t, ref, layerOf(t, ent{name: "only-b", body: "b"}))
	rep3, err := s.Pull(ref, container.PullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep3.Fetched != 0 || rep3.Unpacked || rep3.ID == rep.ID {
		t.Errorf("pull of a moved tag: fetched %d (the layer is in the store), unpacked %v (so is the image), id %s", rep3.Fetched, rep3.Unpacked, rep3.ID)
	}
	if _, err := os.Stat(rep.Rootfs); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the old image's root is still there: %v", err)
	}
	if _, err := s.RemoveImage(ref+"-b", t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(rep3.Rootfs); err != nil {
		t.Errorf("rmi of one of two names of an image removed its root: %v", err)
	}
	push(t, ref, layers...)
	if _, err := s.Pull(ref, container.PullOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(rep3.Rootfs); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the old image's root is still there: %v", err)
	}
	imgs, err := s.Images()
	if err != nil || len(imgs) != 1 || imgs[0].Ref != ref || imgs[0].Layers != 2 {
		t.Fatalf("images: %+v %v", imgs, err)
	}
	img, ok, err := s.Lookup(ref)
	if err != nil || !ok || img.Config.Env[1] != "GREETING=hello" {
		t.Fatalf("lookup: %+v %v %v", img, ok, err)
	}
	if _, ok, _ := s.Lookup(reg + "/class/base:2"); ok {
		t.Errorf("lookup of a tag never pulled found an image")
	}
	if _, err := s.RemoveImage(ref, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(rep.Rootfs); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("rmi left %s: %v", rep.Rootfs, err)
	}
	blobs, _ := os.ReadDir(filepath.Join(s.Dir, "oci/blobs/sha256"))
	if len(blobs) != 0 {
		t.Errorf("rmi left %d blobs", len(blobs))
	}
	if _, err := s.RemoveImage(ref, t.TempDir()); kind(err) != i18n.KindInvalid {
		t.Errorf("rmi of a removed image: %v, want invalid input", err)
	}
}

func TestPullErrors(t *testing.T) {
	reg := testRegistry(t)
	s := container.ImageStore{Dir: t.TempDir()}
	if _, err := s.Pull(reg+"/no/such:1", container.PullOptions{}); kind(err) != i18n.KindInvalid || !strings.Contains(err.Error(), "unknown image") {
		t.Errorf("unknown image: %v", err)
	}
	if _, err := s.Pull("Bad Ref", container.PullOptions{}); kind(err) != i18n.KindInvalid {
		t.Errorf("bad reference: %v", err)
	}
	// A port nothing listens on, on 127.0.0.1.
	dead := httptest.NewServer(nil)
	addr := dead.Listener.Addr().String()
	dead.Close()
	if _, err := s.Pull(addr+"/x/y:1", container.PullOptions{}); kind(err) != i18n.KindFailed || !strings.Contains(err.Error(), "cannot reach") {
		t.Errorf("unreachable registry: %v", err)
	}
	push(t, reg+"/x/y:1", layerOf(t, ent{name: "f", body: "x"}))
	other := "arm64"
	if runtime.GOARCH == "arm64" {
		other = "amd64"
	}
	if _, err := s.Pull(reg+"/x/y:1", container.PullOptions{Platform: "linux/" + other}); kind(err) != i18n.KindInvalid {
		t.Errorf("other platform: %v", err)
	}
	if _, err := s.Pull(reg+"/x/y:1", container.PullOptions{Platform: "nonsense"}); kind(err) != i18n.KindInvalid {
		t.Errorf("bad platform: %v", err)
	}
}

// TestPullHostileLayers serves layers crafted to write outside the image,
// and checks that nothing outside changes.
func TestPullHostileLayers(t *testing.T) {
	reg := testRegistry(t)
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	tests := []struct {
		name    string
		ents    []ent
		limits  container.ImageLimits
		wantErr bool
		check   func(t *testing.T, rootfs string)
	}{
		{name: "dotdot", ents: []ent{{name: "../../../../../../../.." + outside + "/pwned", body: "x"}}, wantErr: true},
		{name: "dotdot-inside", ents: []ent{{name: "a/../../pwned", body: "x"}}, wantErr: true},
		{name: "absolute-name", ents: []ent{{name: outside + "/pwned", body: "x"}},
			check: func(t *testing.T, rootfs string) {
				// An absolute name is the image's own path.
				if _, err := os.Stat(filepath.Join(rootfs, outside, "pwned")); err != nil {
					t.Errorf("an absolute name did not land inside the image: %v", err)
				}
			}},
		{name: "absolute-symlink-then-write", ents: []ent{
			{name: "evil", typ: tar.TypeSymlink, link: outside},
			{name: "evil/pwned", body: "x"}},
			check: func(t *testing.T, rootfs string) {
				if _, err := os.Stat(filepath.Join(rootfs, outside, "pwned")); err != nil {
					t.Errorf("a write through an absolute link did not stay in the image: %v", err)
				}
			}},
		{name: "relative-symlink-then-write", ents: []ent{
			{name: "a/b/up", typ: tar.TypeSymlink, link: "../../../../../../../../../../.." + outside},
			{name: "a/b/up/pwned", body: "x"}}},
		{name: "symlink-chain-then-write", ents: []ent{
			{name: "l1", typ: tar.TypeSymlink, link: "l2/.."},
			{name: "l2", typ: tar.TypeSymlink, link: "/../../.."},
			{name: "l1/" + strings.TrimPrefix(outside, "/") + "/pwned", body: "x"}}},
		{name: "symlink-replaced-by-file-write", ents: []ent{
			{name: "f", typ: tar.TypeSymlink, link: secret},
			{name: "f", body: "overwritten"}},
			check: func(t *testing.T, rootfs string) {
				if b, _ := os.ReadFile(filepath.Join(rootfs, "f")); string(b) != "overwritten" {
					t.Errorf("f = %q", b)
				}
			}},
		{name: "hardlink-dotdot", ents: []ent{{name: "hl", typ: tar.TypeLink, link: "../../../../../../../.." + secret}}, wantErr: true},
		{name: "hardlink-absolute", ents: []ent{{name: "hl", typ: tar.TypeLink, link: secret}}, wantErr: true},
		{name: "hardlink-through-symlink", ents: []ent{
			{name: "s", typ: tar.TypeSymlink, link: outside},
			{name: "hl", typ: tar.TypeLink, link: "s/secret"}}, wantErr: true},
		{name: "hardlink-then-write", ents: []ent{
			{name: "s", typ: tar.TypeSymlink, link: outside},
			{name: "hl", typ: tar.TypeLink, link: "s/secret"},
			{name: "hl", body: "overwritten"}}, wantErr: true},
		{name: "whiteout-dotdot", ents: []ent{{name: "etc/.wh..."}}, wantErr: true},
		{name: "whiteout-through-symlink", ents: []ent{
			{name: "s", typ: tar.TypeSymlink, link: outside},
			{name: "s/.wh.secret"}}},
		{name: "opaque-through-symlink", ents: []ent{
			{name: "s", typ: tar.TypeSymlink, link: outside},
			{name: "s/.wh..wh..opq"}}},
		{name: "symlink-loop", ents: []ent{
			{name: "a", typ: tar.TypeSymlink, link: "b"},
			{name: "b", typ: tar.TypeSymlink, link: "a"},
			{name: "a/x", body: "x"}}, wantErr: true},
		{name: "overlay-xattrs", ents: []ent{
			// What overlayfs reads in a lower layer (an opaque mark, a
			// redirect) is not the image's to set.
			{name: "d/", typ: tar.TypeDir, pax: map[string]string{"SCHILY.xattr.trusted.overlay.opaque": "y",
				"SCHILY.xattr.trusted.overlay.redirect": "/etc"}},
			{name: "f", body: "x", pax: map[string]string{"SCHILY.xattr.security.capability": "\x01\x00\x00\x02"}}},
			check: func(t *testing.T, rootfs string) {
				buf := make([]byte, 64)
				for _, c := range []struct{ p, attr string }{{"d", "trusted.overlay.opaque"}, {"d", "trusted.overlay.redirect"}, {"f", "security.capability"}} {
					if n, err := syscall.Getxattr(filepath.Join(rootfs, c.p), c.attr, buf); err == nil {
						t.Errorf("%s has %s = %q", c.p, c.attr, buf[:n])
					}
				}
			}},
		{name: "device-node", ents: []ent{
			{name: "dev/", typ: tar.TypeDir},
			{name: "dev/mem", typ: tar.TypeChar, mode: 0o666},
			{name: "disk", typ: tar.TypeBlock, mode: 0o666},
			{name: "fifo", typ: tar.TypeFifo, mode: 0o666}},
			check: func(t *testing.T, rootfs string) {
				for _, n := range []string{"dev/mem", "disk", "fifo"} {
					if _, err := os.Lstat(filepath.Join(rootfs, n)); err == nil {
						t.Errorf("%s was made", n)
					}
				}
			}},
		{name: "huge-file", ents: []ent{{name: "big", size: 64 << 20}},
			limits: container.ImageLimits{Download: 1 << 30, Unpacked: 1 << 20, Entries: 100}, wantErr: true},
		{name: "many-files", ents: []ent{{name: "a"}, {name: "b"}, {name: "c"}, {name: "d"}},
			limits: container.ImageLimits{Download: 1 << 30, Unpacked: 1 << 20, Entries: 3}, wantErr: true},
		{name: "big-download", ents: []ent{{name: "a", body: strings.Repeat("x", 4096)}},
			limits: container.ImageLimits{Download: 10, Unpacked: 1 << 20, Entries: 100}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(secret, []byte("secret"), 0o600); err != nil {
				t.Fatal(err)
			}
			ref := reg + "/hostile/" + tt.name + ":1"
			push(t, ref, layerOf(t, ent{name: "etc/", typ: tar.TypeDir}), layerOf(t, tt.ents...))
			s := container.ImageStore{Dir: filepath.Join(t.TempDir(), "store")}
			rep, err := s.Pull(ref, container.PullOptions{Limits: tt.limits})
			if tt.wantErr != (err != nil) {
				t.Errorf("pull: %v, want an error: %v", err, tt.wantErr)
			}
			if le := (*i18n.Error)(nil); err != nil && !errors.As(err, &le) {
				t.Errorf("pull: %v is not one line for the user", err)
			}
			if got := imageTree(t, outside); len(got) != 1 || got[0] != "secret" {
				t.Errorf("outside the image: %v, want only secret", got)
			}
			var st = statOf(t, secret)
			if b, _ := os.ReadFile(secret); string(b) != "secret" || st.nlink != 1 {
				t.Errorf("secret: %q, %d links", b, st.nlink)
			}
			if err != nil {
				if ents, _ := os.ReadDir(filepath.Join(s.Dir, "rootfs")); len(ents) != 0 {
					t.Errorf("a failed unpack left %v", ents)
				}
				return
			}
			if tt.check != nil {
				tt.check(t, rep.Rootfs)
			}
		})
	}
}

func owner(t *testing.T, p string) (int, int) {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Lstat(p, &st); err != nil {
		t.Fatal(err)
	}
	return int(st.Uid), int(st.Gid)
}

type fileStat struct{ nlink uint64 }

func statOf(t *testing.T, p string) fileStat {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Lstat(p, &st); err != nil {
		t.Fatal(err)
	}
	return fileStat{nlink: uint64(st.Nlink)}
}

// tamper changes the bytes of every blob a registry sends.
type tamper struct {
	rt   http.RoundTripper
	grow bool
}

func (t tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.rt.RoundTrip(r)
	if err != nil || !strings.Contains(r.URL.Path, "/blobs/") || r.Method != http.MethodGet {
		return resp, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if len(b) > 0 && !strings.HasPrefix(string(b), "{") { // (a layer, not the config)
		if t.grow {
			b = append(b, make([]byte, 1<<20)...)
		} else {
			b[len(b)/2] ^= 0xff
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// TestPullTamperedLayer: a registry that sends other bytes than the
// manifest's digest (or more of them) gets nothing into the store.
func TestPullTamperedLayer(t *testing.T) {
	reg := testRegistry(t)
	ref := reg + "/x/tampered:1"
	push(t, ref, layerOf(t, ent{name: "f", body: strings.Repeat("x", 1000)}))
	for _, grow := range []bool{false, true} {
		s := container.ImageStore{Dir: t.TempDir()}
		_, err := s.Pull(ref, container.PullOptions{Transport: tamper{rt: http.DefaultTransport, grow: grow}})
		if kind(err) != i18n.KindFailed {
			t.Errorf("grow %v: pull of a tampered layer: %v", grow, err)
		}
		if blobs, _ := os.ReadDir(filepath.Join(s.Dir, "oci/blobs/sha256")); len(blobs) != 0 {
			t.Errorf("grow %v: blobs in the store: %v", grow, blobs)
		}
		if ents, _ := os.ReadDir(filepath.Join(s.Dir, "rootfs")); len(ents) != 0 {
			t.Errorf("grow %v: unpacked %v", grow, ents)
		}
	}
}

// TestPullPlatform: from an index of images for two platforms, the one
// asked for (this machine's by default).
func TestPullPlatform(t *testing.T) {
	reg := testRegistry(t)
	var adds []mutate.IndexAddendum
	for _, arch := range []string{"amd64", "arm64"} {
		img, err := mutate.AppendLayers(empty.Image, layerOf(t, ent{name: "arch", body: arch}))
		if err != nil {
			t.Fatal(err)
		}
		cf, _ := img.ConfigFile()
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture = "linux", arch
		img, _ = mutate.ConfigFile(img, cf)
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: arch}}})
	}
	idx := mutate.AppendManifests(empty.Index, adds...)
	r, _ := name.ParseReference(reg + "/multi/arch:1")
	if err := remote.WriteIndex(r, idx); err != nil {
		t.Fatal(err)
	}
	for _, plat := range []string{"", "linux/amd64", "linux/arm64"} {
		s := container.ImageStore{Dir: t.TempDir()}
		rep, err := s.Pull(r.String(), container.PullOptions{Platform: plat})
		if err != nil {
			t.Fatal(err)
		}
		want := strings.TrimPrefix(plat, "linux/")
		if plat == "" {
			want = runtime.GOARCH
		}
		if b, _ := os.ReadFile(filepath.Join(rep.Rootfs, "arch")); string(b) != want || rep.Platform != "linux/"+want {
			t.Errorf("--platform %q: got the image for %q (%s)", plat, b, rep.Platform)
		}
		// The same reference for another platform is another pull.
		if plat != "" {
			other := map[string]string{"amd64": "linux/arm64", "arm64": "linux/amd64"}[want]
			rep2, err := s.Pull(r.String(), container.PullOptions{Platform: other})
			if err != nil || rep2.Fetched != 1 || rep2.Platform != other {
				t.Errorf("then --platform %s: %+v %v", other, rep2, err)
			}
		}
	}
}

// pullAsUser pulls as the user the test started it as:
// SYSDOJO_TEST_PULL=REF|STORE; with |rmi after them, it removes the image.
func pullAsUser() int {
	ref, store, _ := strings.Cut(os.Getenv("SYSDOJO_TEST_PULL"), "|")
	store, op, _ := strings.Cut(store, "|")
	if op == "rmi" {
		info, err := container.ImageStore{Dir: store}.RemoveImage(ref, "")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println(info.Rootfs)
		return 0
	}
	rep, err := container.ImageStore{Dir: store}.Pull(ref, container.PullOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(rep.Rootfs)
	return 0
}

// TestPullRootless: a user who is not root pulls into their own store:
// the files are theirs (they are root in their rootless container), the
// modes are the image's.
func TestPullRootless(t *testing.T) {
	testenv.NeedRoot(t)
	reg := testRegistry(t)
	ref := reg + "/rootless/img:1"
	push(t, ref, layerOf(t,
		ent{name: "etc/", typ: tar.TypeDir},
		ent{name: "etc/shadow", body: "root:*:1::::::\n", mode: 0o640, gid: 42},
		ent{name: "usr/bin/passwd", body: "#!/bin/sh\n", mode: 0o4755},
		ent{name: "ro/", typ: tar.TypeDir, mode: 0o555},
		ent{name: "ro/f", body: "f", mode: 0o444}))
	// (t.TempDir's parent is not for other users to enter)
	base, err := os.MkdirTemp("", "sysdojo-pull-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	os.Chmod(base, 0o755)
	store := filepath.Join(base, "store")
	os.Mkdir(store, 0o700)
	os.Chown(store, 65534, 65534)
	self, _ := os.Executable()
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(base, "pull")
	if err := os.WriteFile(exe, b, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Dir = "/"
	cmd.Env = append(os.Environ(), "SYSDOJO_TEST_PULL="+ref+"|"+store)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{}}}
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		errors.As(err, &ee)
		t.Fatalf("pull as nobody: %v %s", err, ee.Stderr)
	}
	rootfs := strings.TrimSpace(string(out))
	for p, want := range map[string]os.FileMode{"etc/shadow": 0o640, "usr/bin/passwd": 0o755 | os.ModeSetuid, "ro": 0o555 | os.ModeDir, "ro/f": 0o444} {
		fi, err := os.Lstat(filepath.Join(rootfs, p))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), want)
		}
		if uid, _ := owner(t, filepath.Join(rootfs, p)); uid != 65534 {
			t.Errorf("%s: owner %d, want the user's own (65534)", p, uid)
		}
	}
}

// TestPullRootlessSubIDs: a user with subordinate ids pulls an image whose
// files belong to several users; the root is unpacked in their user
// namespace, so their rootless container sees the image's owners (0 for
// root's files, 1000 for kim's home), the host sees the subordinate ids
// those map to, and the user can remove it all again.
func TestPullRootlessSubIDs(t *testing.T) {
	e := newRootlessEnv(t)
	for _, h := range container.IDMapHelpers {
		if _, err := os.Stat(h); err != nil {
			testenv.Skip(t, h+" is missing (Debian package uidmap)")
		}
	}
	bb, err := os.ReadFile(testenv.NeedTool(t, "busybox"))
	if err != nil {
		t.Fatal(err)
	}
	reg := testRegistry(t)
	ref := reg + "/rootless/owners:1"
	push(t, ref, layerOf(t,
		ent{name: "bin/", typ: tar.TypeDir},
		ent{name: "bin/busybox", body: string(bb), mode: 0o755},
		ent{name: "etc/", typ: tar.TypeDir},
		ent{name: "etc/shadow", body: "root:*:1::::::\n", mode: 0o640, gid: 42},
		ent{name: "home/", typ: tar.TypeDir},
		ent{name: "home/kim/", typ: tar.TypeDir, mode: 0o700, uid: 1000, gid: 1000},
		ent{name: "home/kim/notes", body: "hi", mode: 0o600, uid: 1000, gid: 1000}))
	store := filepath.Join(e.dir, "store")
	os.Mkdir(store, 0o700)
	os.Chown(store, int(e.uid), int(e.gid))
	asUser := func(env string, args ...string) string {
		c := e.cmd("", args...)
		for i, kv := range c.Env {
			if strings.HasPrefix(kv, "SYSDOJO_TEST_ROOTLESS=") {
				c.Env[i] = env
			}
		}
		out, err := c.Output()
		if err != nil {
			var ee *exec.ExitError
			errors.As(err, &ee)
			stderr := ""
			if ee != nil {
				stderr = string(ee.Stderr)
			}
			t.Fatalf("%s %v as %s: %v %s", env, args, e.name, err, stderr)
		}
		return strings.TrimSpace(string(out))
	}
	rootfs := asUser("SYSDOJO_TEST_PULL=" + ref + "|" + store)

	subUID := container.SubIDRange("/etc/subuid", e.name, -1)[0]
	subGID := container.SubIDRange("/etc/subgid", e.name, -1)[0]
	for p, want := range map[string][2]int{
		"home/kim/notes": {int(subUID) + 999, int(subGID) + 999},
		"etc/shadow":     {int(e.uid), int(subGID) + 41},
		"bin/busybox":    {int(e.uid), int(e.gid)},
	} {
		if uid, gid := owner(t, filepath.Join(rootfs, p)); uid != want[0] || gid != want[1] {
			t.Errorf("%s on the host: owner %d:%d, want %d:%d", p, uid, gid, want[0], want[1])
		}
	}

	// Inside the user's rootless container: the image's own owners.
	c := e.cmd("", "/bin/busybox", "stat", "-c", "%u:%g %n", "/home/kim/notes", "/etc/shadow")
	for i, kv := range c.Env {
		if strings.HasPrefix(kv, "SYSDOJO_TEST_ROOTLESS=") {
			c.Env[i] = "SYSDOJO_TEST_ROOTLESS=" + rootfs + "|"
		}
	}
	out, err := c.CombinedOutput()
	if want := "1000:1000 /home/kim/notes\n0:42 /etc/shadow\n"; err != nil || !strings.HasSuffix(string(out), want) {
		t.Errorf("inside the rootless container: %v\n%s\nwant %q", err, out, want)
	}

	// And the user removes it all again (kim's files are not theirs on the host).
	asUser("SYSDOJO_TEST_PULL=" + ref + "|" + store + "|rmi")
	if _, err := os.Lstat(rootfs); !os.IsNotExist(err) {
		t.Errorf("after rmi, %s: %v", rootfs, err)
	}
}
