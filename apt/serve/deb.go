package serve

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// A .deb is an ar archive (deb(5)): "debian-binary" ("2.0\n"), then
// control.tar[.gz|.xz|.zst] (the control file, md5sums, maintainer
// scripts), then data.tar[.gz|.xz|.zst] (the files). This file reads the
// control file out of one, with every read bounded, and writes one.

// Limits on what is read from a .deb.
const (
	maxControlTar = 16 << 20 // a control.tar member, compressed or not
	maxControl    = 1 << 20  // the control file itself
)

const arMagic = "!<arch>\n"

// arMember is one member of an ar archive: its name, offset and size.
type arMember struct {
	name   string
	offset int64
	size   int64
}

// readAr lists the members of the ar archive r (size bytes), reading
// only its 60-byte headers.
func readAr(r io.ReaderAt, size int64) ([]arMember, error) {
	magic := make([]byte, len(arMagic))
	if _, err := r.ReadAt(magic, 0); err != nil || string(magic) != arMagic {
		return nil, errors.New("not an ar archive")
	}
	var out []arMember
	off := int64(len(arMagic))
	hdr := make([]byte, 60)
	for off < size && len(out) < 16 {
		if _, err := r.ReadAt(hdr, off); err != nil {
			return nil, fmt.Errorf("ar header at %d: %w", off, err)
		}
		if hdr[58] != '`' || hdr[59] != '\n' {
			return nil, fmt.Errorf("ar header at %d: bad end", off)
		}
		name := strings.TrimSuffix(strings.TrimRight(string(hdr[0:16]), " "), "/")
		n, err := strconv.ParseInt(strings.TrimSpace(string(hdr[48:58])), 10, 64)
		if err != nil || n < 0 || off+60+n > size {
			return nil, fmt.Errorf("ar member %q: bad size", name)
		}
		out = append(out, arMember{name: name, offset: off + 60, size: n})
		off += 60 + n + n%2
	}
	return out, nil
}

// decompressor opens the member by its name's suffix.
func decompressor(name string, r io.Reader) (io.Reader, func(), error) {
	switch {
	case strings.HasSuffix(name, ".tar"):
		return r, func() {}, nil
	case strings.HasSuffix(name, ".tar.gz"):
		z, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, err
		}
		return z, func() { z.Close() }, nil
	case strings.HasSuffix(name, ".tar.xz"):
		z, err := xz.NewReader(r)
		return z, func() {}, err
	case strings.HasSuffix(name, ".tar.zst"):
		z, err := zstd.NewReader(r, zstd.WithDecoderMaxMemory(64<<20), zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, nil, err
		}
		return z, z.Close, nil
	}
	return nil, nil, fmt.Errorf("unknown compression of %s", name)
}

// ReadControl returns the control file of the .deb r (size bytes).
func ReadControl(r io.ReaderAt, size int64) ([]byte, error) {
	members, err := readAr(r, size)
	if err != nil {
		return nil, err
	}
	if len(members) < 3 || members[0].name != "debian-binary" {
		return nil, errors.New("not a .deb: debian-binary is not the first member")
	}
	v := make([]byte, min(members[0].size, 16))
	if _, err := r.ReadAt(v, members[0].offset); err != nil || !bytes.HasPrefix(v, []byte("2.")) {
		return nil, errors.New("not a .deb of format 2.x")
	}
	m := members[1]
	if !strings.HasPrefix(m.name, "control.tar") {
		return nil, fmt.Errorf("the second member is %q, not control.tar", m.name)
	}
	if m.size > maxControlTar {
		return nil, fmt.Errorf("%s is too large (%d bytes)", m.name, m.size)
	}
	// Read whole (it is small and bounded): the decompressors read a
	// byte at a time, which from r would be a system call each.
	member := make([]byte, m.size)
	if _, err := r.ReadAt(member, m.offset); err != nil {
		return nil, fmt.Errorf("reading %s: %w", m.name, err)
	}
	dec, done, err := decompressor(m.name, bytes.NewReader(member))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.name, err)
	}
	defer done()
	tr := tar.NewReader(io.LimitReader(dec, maxControlTar))
	for {
		h, err := tr.Next()
		if err != nil {
			return nil, fmt.Errorf("%s: no control file (%v)", m.name, err)
		}
		if path.Clean(strings.TrimPrefix(h.Name, "./")) != "control" || h.Typeflag != tar.TypeReg {
			continue
		}
		if h.Size > maxControl {
			return nil, fmt.Errorf("the control file is too large (%d bytes)", h.Size)
		}
		return io.ReadAll(io.LimitReader(tr, maxControl))
	}
}

// Field is one field of a control paragraph, in its order.
type Field struct{ Name, Value string }

// Paragraph is one deb822 paragraph.
type Paragraph []Field

// Get returns the value of the field name (case-insensitive).
func (p Paragraph) Get(name string) string {
	for _, f := range p {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

var fieldName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`) })

// ParseControl reads a control file: exactly one paragraph of "Name:
// value" lines and their continuation lines; no control characters but
// tab. The value keeps its continuation lines ("\n ..."), trimmed.
func ParseControl(b []byte) (Paragraph, error) {
	text := strings.TrimRight(string(b), "\n")
	if text == "" {
		return nil, errors.New("empty control file")
	}
	var p Paragraph
	seen := map[string]bool{}
	for i, l := range strings.Split(text, "\n") {
		if strings.ContainsFunc(l, func(r rune) bool { return (r < 0x20 && r != '\t') || r == 0x7f }) {
			return nil, fmt.Errorf("control line %d: a control character", i+1)
		}
		if l == "" || strings.TrimSpace(l) == "" {
			return nil, fmt.Errorf("control line %d: an empty line (one paragraph only)", i+1)
		}
		if l[0] == ' ' || l[0] == '\t' {
			if len(p) == 0 {
				return nil, fmt.Errorf("control line %d: a continuation before any field", i+1)
			}
			p[len(p)-1].Value += "\n" + l
			continue
		}
		if l[0] == '#' {
			continue
		}
		name, val, ok := strings.Cut(l, ":")
		if !ok || !fieldName().MatchString(name) {
			return nil, fmt.Errorf("control line %d: not a field", i+1)
		}
		if seen[strings.ToLower(name)] {
			return nil, fmt.Errorf("control line %d: field %s twice", i+1, name)
		}
		seen[strings.ToLower(name)] = true
		p = append(p, Field{Name: name, Value: strings.TrimSpace(val)})
	}
	return p, nil
}

var (
	pkgName    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`) })
	pkgVersion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9]+:)?[0-9][A-Za-z0-9.+~-]*$`) })
	pkgArch    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`) })
)

// poolPath is where a package's file goes in a pool, as Debian lays it
// out: pool/main/h/hello/hello_2.10-3_amd64.deb (lib* packages under
// their first four letters). The epoch is not part of a file name.
func poolPath(p Paragraph) (string, error) {
	name, ver, arch := p.Get("Package"), p.Get("Version"), p.Get("Architecture")
	if !pkgName().MatchString(name) || len(name) > 100 {
		return "", fmt.Errorf("bad package name %q", name)
	}
	if !pkgVersion().MatchString(ver) || len(ver) > 100 {
		return "", fmt.Errorf("bad version %q", ver)
	}
	if !pkgArch().MatchString(arch) || len(arch) > 32 {
		return "", fmt.Errorf("bad architecture %q", arch)
	}
	if _, v, ok := strings.Cut(ver, ":"); ok {
		ver = v
	}
	dir := name[:1]
	if strings.HasPrefix(name, "lib") && len(name) > 3 {
		dir = name[:4]
	}
	return "pool/main/" + dir + "/" + name + "/" + name + "_" + ver + "_" + arch + ".deb", nil
}

// ---- writing

// DebFile is one file of a package being built.
type DebFile struct {
	Path string // absolute: /usr/bin/x
	Mode int64
	Body []byte
}

// BuildDeb writes a .deb: control (without Installed-Size, which it
// adds) and files, all owned by root, dated mtime. Directories are made
// for every file's parents.
func BuildDeb(control Paragraph, files []DebFile, mtime time.Time) ([]byte, error) {
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	var dataTar bytes.Buffer
	tw := tar.NewWriter(&dataTar)
	dirs := map[string]bool{}
	var mkdirs func(d string) error
	mkdirs = func(d string) error {
		if d == "/" || dirs[d] {
			return nil
		}
		if err := mkdirs(path.Dir(d)); err != nil {
			return err
		}
		dirs[d] = true
		return tw.WriteHeader(&tar.Header{Name: "." + d + "/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mtime,
			Uname: "root", Gname: "root", Format: tar.FormatGNU})
	}
	if err := tw.WriteHeader(&tar.Header{Name: "./", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mtime, Uname: "root", Gname: "root", Format: tar.FormatGNU}); err != nil {
		return nil, err
	}
	var size int64
	var md5sums strings.Builder
	for _, f := range files {
		if err := mkdirs(path.Dir(f.Path)); err != nil {
			return nil, err
		}
		if err := tw.WriteHeader(&tar.Header{Name: "." + f.Path, Typeflag: tar.TypeReg, Mode: f.Mode, Size: int64(len(f.Body)),
			ModTime: mtime, Uname: "root", Gname: "root", Format: tar.FormatGNU}); err != nil {
			return nil, err
		}
		tw.Write(f.Body)
		size += int64(len(f.Body)+1023) / 1024
		fmt.Fprintf(&md5sums, "%x  %s\n", md5Sum(f.Body), strings.TrimPrefix(f.Path, "/"))
	}
	size += int64(len(dirs))
	if err := tw.Close(); err != nil {
		return nil, err
	}
	var ctl strings.Builder
	for _, f := range control {
		fmt.Fprintf(&ctl, "%s: %s\n", f.Name, f.Value)
		if f.Name == "Architecture" {
			fmt.Fprintf(&ctl, "Installed-Size: %d\n", size)
		}
	}
	var controlTar bytes.Buffer
	cw := tar.NewWriter(&controlTar)
	cw.WriteHeader(&tar.Header{Name: "./", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mtime, Uname: "root", Gname: "root", Format: tar.FormatGNU})
	for _, m := range []struct {
		name string
		body string
	}{{"control", ctl.String()}, {"md5sums", md5sums.String()}} {
		if err := cw.WriteHeader(&tar.Header{Name: "./" + m.name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(m.body)),
			ModTime: mtime, Uname: "root", Gname: "root", Format: tar.FormatGNU}); err != nil {
			return nil, err
		}
		cw.Write([]byte(m.body))
	}
	if err := cw.Close(); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteString(arMagic)
	for _, m := range []struct {
		name string
		body []byte
	}{{"debian-binary", []byte("2.0\n")}, {"control.tar.gz", gz(controlTar.Bytes(), mtime)}, {"data.tar.gz", gz(dataTar.Bytes(), mtime)}} {
		fmt.Fprintf(&out, "%-16s%-12d%-6d%-6d%-8s%-10d`\n", m.name, mtime.Unix(), 0, 0, "100644", len(m.body))
		out.Write(m.body)
		if len(m.body)%2 == 1 {
			out.WriteByte('\n')
		}
	}
	return out.Bytes(), nil
}

func gz(b []byte, mtime time.Time) []byte {
	var out bytes.Buffer
	w, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	w.ModTime = mtime
	w.Write(b)
	w.Close()
	return out.Bytes()
}
