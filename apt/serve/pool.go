package serve

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// A pool is a directory of .deb files (/var/cache/apt/archives, or what
// apt-get download fetched) served as the packages of every suite's main
// component, with Packages made from each .deb's own control file.
//
// The directory is read through an os.Root: only its own regular files
// (no symbolic links, no subdirectories), each with a bounded read; a
// file that is not a well-formed .deb is skipped and not served. The
// server opens a file again, inside the same root and without following
// links, when it is asked for it, and serves it only while it still has
// the size it was listed with.

// Limits on a pool.
const (
	MaxDebSize   = 2 << 30 // bytes in one .deb
	MaxPoolFiles = 20000   // .deb files in one pool
)

// Pool is a scanned pool directory.
type Pool struct {
	Dir     string
	Debs    []*PoolDeb
	Skipped []Skipped
	root    *os.Root
}

// PoolDeb is one package a mirror serves.
type PoolDeb struct {
	File     string    // its name in the pool directory ("" for the demo)
	Filename string    // its path in an archive: pool/main/h/hello/hello_1.0_all.deb
	Size     int64     // bytes
	MD5      string    // hex
	SHA256   string    // hex
	Control  Paragraph // from the .deb's control file
	ModTime  time.Time
	body     []byte // the demo package's bytes (served from memory)
}

// Skipped is a file of the pool that is not served, and why.
type Skipped struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// OpenPool scans dir. It fails only when dir itself cannot be read; each
// bad file is listed in Skipped.
func OpenPool(dir string) (*Pool, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	p := &Pool{Dir: dir, root: root}
	d, err := root.Open(".")
	if err != nil {
		root.Close()
		return nil, err
	}
	ents, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		root.Close()
		return nil, err
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	seen := map[string]string{}
	if demo, err := demoPoolDeb(); err == nil {
		seen[demo.Filename] = "the demo package " + DemoPackage
	}
	for _, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(name, ".deb") {
			continue
		}
		show := strconv.Quote(name)
		if len(p.Debs) >= MaxPoolFiles {
			p.Skipped = append(p.Skipped, Skipped{show, fmt.Sprintf("more than %d .deb files in the pool", MaxPoolFiles)})
			continue
		}
		deb, err := p.scan(name)
		if err != nil {
			p.Skipped = append(p.Skipped, Skipped{show, err.Error()})
			continue
		}
		if other, dup := seen[deb.Filename]; dup {
			p.Skipped = append(p.Skipped, Skipped{show, "the same package, version and architecture as " + other})
			continue
		}
		seen[deb.Filename] = show
		p.Debs = append(p.Debs, deb)
	}
	return p, nil
}

// Close releases the pool directory.
func (p *Pool) Close() error {
	if p == nil || p.root == nil {
		return nil
	}
	return p.root.Close()
}

// scan reads one file of the pool: a regular file, at most MaxDebSize,
// hashed as a whole and its control file read.
func (p *Pool) scan(name string) (*PoolDeb, error) {
	if !utf8.ValidString(name) || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return nil, errors.New("a control character in the file name")
	}
	f, fi, err := p.openFile(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := fi.Size()
	if size > MaxDebSize {
		return nil, fmt.Errorf("larger than %d bytes", int64(MaxDebSize))
	}
	h5, h256 := md5.New(), sha256.New()
	n, err := io.Copy(io.MultiWriter(h5, h256), io.LimitReader(f, size+1))
	if err != nil {
		return nil, err
	}
	if n != size {
		return nil, errors.New("it changed while it was read")
	}
	ctl, err := ReadControl(f, size)
	if err != nil {
		return nil, fmt.Errorf("not a valid .deb: %w", err)
	}
	para, err := ParseControl(ctl)
	if err != nil {
		return nil, fmt.Errorf("not a valid .deb: %w", err)
	}
	fn, err := poolPath(para)
	if err != nil {
		return nil, fmt.Errorf("not a valid .deb: %w", err)
	}
	return &PoolDeb{File: name, Filename: fn, Size: size, MD5: hex.EncodeToString(h5.Sum(nil)),
		SHA256: hex.EncodeToString(h256.Sum(nil)), Control: indexFields(para), ModTime: fi.ModTime()}, nil
}

// openFile opens name in the pool: inside its root, not through a
// symbolic link, a regular file only (a FIFO or a device is refused
// before it is read).
func (p *Pool) openFile(name string) (*os.File, fs.FileInfo, error) {
	if strings.ContainsRune(name, '/') || name == "." || name == ".." {
		return nil, nil, errors.New("not a file name")
	}
	symlink := errors.New("a symbolic link (only the pool's own regular files are served)")
	if fi, err := p.root.Lstat(name); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return nil, nil, symlink
	}
	// (O_NOFOLLOW too: a link put there after the Lstat is not followed.)
	f, err := p.root.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, nil, symlink
		}
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, errors.New("not a regular file")
	}
	return f, fi, nil
}

// indexFields drops the fields that only an index may set.
func indexFields(p Paragraph) Paragraph {
	var out Paragraph
	for _, f := range p {
		switch strings.ToLower(f.Name) {
		case "filename", "size", "md5sum", "sha1", "sha256", "sha512", "description-md5", "installed-size-bytes":
			continue
		}
		out = append(out, f)
	}
	return out
}

// stanza is the package's paragraph in a Packages file.
func (d *PoolDeb) stanza() string {
	var b strings.Builder
	var desc string
	for _, f := range d.Control {
		if strings.EqualFold(f.Name, "Description") {
			desc = f.Value
			continue
		}
		fmt.Fprintf(&b, "%s: %s\n", f.Name, f.Value)
	}
	fmt.Fprintf(&b, "Filename: %s\nSize: %d\nMD5sum: %s\nSHA256: %s\n", d.Filename, d.Size, d.MD5, d.SHA256)
	if desc != "" {
		fmt.Fprintf(&b, "Description: %s\n", desc)
	}
	return b.String() + "\n"
}

// arch is the package's architecture.
func (d *PoolDeb) arch() string { return d.Control.Get("Architecture") }

func demoPoolDeb() (*PoolDeb, error) {
	b, err := DemoDeb()
	if err != nil {
		return nil, err
	}
	ctl, err := ReadControl(bytesReaderAt(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	para, err := ParseControl(ctl)
	if err != nil {
		return nil, err
	}
	fn, err := poolPath(para)
	if err != nil {
		return nil, err
	}
	s := sha256.Sum256(b)
	m := md5.Sum(b)
	return &PoolDeb{Filename: fn, Size: int64(len(b)), MD5: hex.EncodeToString(m[:]), SHA256: hex.EncodeToString(s[:]),
		Control: para, ModTime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), body: b}, nil
}

type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
