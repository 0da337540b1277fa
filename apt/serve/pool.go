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
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/sysdojo/sysdojo/internal/i18n"
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

// poolFileLimit is MaxPoolFiles (tests lower it).
var poolFileLimit = MaxPoolFiles

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
	File   string    `json:"file"`   // its name, quoted
	Reason string    `json:"reason"` // Why in English
	Why    i18n.Text `json:"-"`
}

// skip is why a file is not served.
type skip struct{ why i18n.Text }

func (s *skip) Error() string { return s.why.En }

func skipped(file string, err error) Skipped {
	var s *skip
	if errors.As(err, &s) {
		return Skipped{File: file, Reason: s.why.En, Why: s.why}
	}
	why := i18n.T("cannot be read: %s", "읽을 수 없습니다: %s").F(err.Error())
	return Skipped{File: file, Reason: why.En, Why: why}
}

func skipf(why i18n.Text) error { return &skip{why} }

func notDeb(err error) error {
	return skipf(i18n.T("not a valid .deb: %s", "올바른 .deb가 아닙니다: %s").F(err.Error()))
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
	var names []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".deb") {
			names = append(names, e.Name())
		}
	}
	// Scanned a batch at a time on every CPU (reading a .deb's control
	// decompresses it), taken in name order.
	batch := 4 * runtime.GOMAXPROCS(0)
	for len(names) > 0 {
		if len(p.Debs) >= poolFileLimit {
			for _, name := range names {
				p.Skipped = append(p.Skipped, skipped(strconv.Quote(name), skipf(i18n.T("more than %d .deb files in the pool", "풀에 든 .deb 파일이 %d개를 넘습니다").F(poolFileLimit))))
			}
			break
		}
		n := min(batch, len(names), poolFileLimit-len(p.Debs))
		debs, errs := make([]*PoolDeb, n), make([]error, n)
		var wg sync.WaitGroup
		work := make(chan int)
		for range min(runtime.GOMAXPROCS(0), n) {
			wg.Go(func() {
				for i := range work {
					debs[i], errs[i] = p.scan(names[i])
				}
			})
		}
		for i := range n {
			work <- i
		}
		close(work)
		wg.Wait()
		for i := range n {
			show := strconv.Quote(names[i])
			if errs[i] != nil {
				p.Skipped = append(p.Skipped, skipped(show, errs[i]))
				continue
			}
			deb := debs[i]
			if other, dup := seen[deb.Filename]; dup {
				p.Skipped = append(p.Skipped, skipped(show, skipf(i18n.T("the same package, version and architecture as %s", "패키지, 버전, 아키텍처가 이미 있는 것(%s)과 겹칩니다").F(other))))
				continue
			}
			seen[deb.Filename] = show
			p.Debs = append(p.Debs, deb)
		}
		names = names[n:]
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
		return nil, skipf(i18n.T("a control character in its name", "이름에 제어 문자가 있습니다"))
	}
	f, fi, err := p.openFile(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := fi.Size()
	if size > MaxDebSize {
		return nil, skipf(i18n.T("larger than %d bytes", "%d 바이트보다 큽니다").F(int64(MaxDebSize)))
	}
	h5, h256 := md5.New(), sha256.New()
	n, err := io.Copy(io.MultiWriter(h5, h256), io.LimitReader(f, size+1))
	if err != nil {
		return nil, err
	}
	if n != size {
		return nil, skipf(i18n.T("it changed while it was read", "읽는 동안 바뀌었습니다"))
	}
	ctl, err := ReadControl(f, size)
	if err != nil {
		return nil, notDeb(err)
	}
	para, err := ParseControl(ctl)
	if err != nil {
		return nil, notDeb(err)
	}
	fn, err := poolPath(para)
	if err != nil {
		return nil, notDeb(err)
	}
	return &PoolDeb{File: name, Filename: fn, Size: size, MD5: hex.EncodeToString(h5.Sum(nil)),
		SHA256: hex.EncodeToString(h256.Sum(nil)), Control: indexFields(para), ModTime: fi.ModTime()}, nil
}

// openFile opens name in the pool: inside its root, not through a
// symbolic link, a regular file only (a FIFO or a device is refused
// before it is read).
func (p *Pool) openFile(name string) (*os.File, fs.FileInfo, error) {
	if strings.ContainsRune(name, '/') || name == "." || name == ".." {
		return nil, nil, skipf(i18n.T("not a file name", "파일 이름이 아닙니다"))
	}
	symlink := skipf(i18n.T("a symbolic link (only the pool's own regular files are served)", "심볼릭 링크입니다 (풀 안의 일반 파일만 제공합니다)"))
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
		return nil, nil, skipf(i18n.T("not a regular file", "일반 파일이 아닙니다"))
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
