// Package outfile writes the files that output flags name (-o, --output):
// atomically, and never over a file sysdojo did not write unless forced.
//
// sysdojo keeps a record of the files it wrote (path, device, inode, size
// and SHA-256), so that writing the same output again replaces its own
// earlier file, while a file that someone else made, or that was changed
// since sysdojo wrote it, is refused with one line naming --force.
package outfile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"

	"github.com/google/renameio/v2"
	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Options says how Write treats an existing file.
type Options struct {
	// Force replaces any existing file that is not a directory.
	Force bool
	// Record is the file that remembers what sysdojo wrote; "" keeps no
	// record (then only a new name, or Force, is written).
	Record string
	// Perm is the new file's mode (default 0644).
	Perm os.FileMode
}

// RecordPath is the record of outputs kept in sysdojo's state directory
// stateDir.
func RecordPath(stateDir string) string { return filepath.Join(stateDir, "outputs.json") }

type entry struct {
	Path   string `json:"path"`
	Dev    uint64 `json:"dev"`
	Ino    uint64 `json:"ino"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

type record struct {
	Files []entry `json:"files"`
}

// most is how many outputs the record remembers (the newest).
const most = 256

// maxRecord bounds the record file read.
const maxRecord = 1 << 20

// Write writes data to name atomically (a temporary file renamed over
// it: a link at name is replaced, never followed). An existing name is
// replaced only when it is the file sysdojo last wrote there, unchanged,
// or when opt.Force is set; otherwise Write returns an i18n.Invalid error
// and changes nothing. A failure to write is an i18n.Failed error.
func Write(name string, data []byte, opt Options) error {
	abs, err := filepath.Abs(name)
	if err != nil {
		return i18n.Failed(i18n.T("writing %s", "%s 파일을 쓰는 중").F(name), err)
	}
	if opt.Perm == 0 {
		opt.Perm = 0o644
	}
	rec := load(opt.Record)
	var st unix.Stat_t
	switch err := unix.Lstat(abs, &st); {
	case errors.Is(err, unix.ENOENT):
	case err != nil:
		return i18n.Failed(i18n.T("writing %s", "%s 파일을 쓰는 중").F(name), err)
	case st.Mode&unix.S_IFMT == unix.S_IFDIR:
		return i18n.Invalid(i18n.T("%s is a directory: give a file name", "%s 경로는 디렉터리입니다. 파일 이름을 주세요").F(name))
	case opt.Force:
	default:
		switch rec.match(abs, st) {
		case same:
		case changed:
			return i18n.Invalid(i18n.T("%s was changed since sysdojo wrote it: not overwriting it",
				"%s 파일은 sysdojo가 쓴 뒤에 바뀌어서 덮어쓰지 않았습니다").F(name)).
				WithHint(i18n.T("give another name, or add --force to replace it", "다른 이름을 주거나, 바꾸려면 --force를 붙이세요"))
		default:
			return i18n.Invalid(i18n.T("%s already exists and sysdojo did not write it: not overwriting it",
				"%s 파일이 이미 있는데 sysdojo가 쓴 파일이 아니라서 덮어쓰지 않았습니다").F(name)).
				WithHint(i18n.T("give another name, or add --force to replace it", "다른 이름을 주거나, 바꾸려면 --force를 붙이세요"))
		}
	}
	if err := renameio.WriteFile(abs, data, opt.Perm); err != nil {
		return i18n.Failed(i18n.T("writing %s", "%s 파일을 쓰는 중").F(name), err)
	}
	if opt.Record != "" {
		// A record that cannot be saved only means that the next write
		// over this file asks for --force.
		if err := unix.Lstat(abs, &st); err == nil {
			sum := sha256.Sum256(data)
			rec.add(entry{Path: abs, Dev: st.Dev, Ino: st.Ino, Size: st.Size, SHA256: hex.EncodeToString(sum[:])})
			rec.save(opt.Record)
		}
	}
	return nil
}

type verdict int

const (
	unknown verdict = iota
	same
	changed
)

// match says whether the file at abs (status st) is the one recorded
// there, unchanged.
func (r *record) match(abs string, st unix.Stat_t) verdict {
	for _, e := range r.Files {
		if e.Path != abs {
			continue
		}
		if st.Mode&unix.S_IFMT != unix.S_IFREG || e.Dev != st.Dev || e.Ino != st.Ino {
			return unknown
		}
		if e.Size != st.Size || sum(abs, e.Size) != e.SHA256 {
			return changed
		}
		return same
	}
	return unknown
}

// sum is the SHA-256 of the regular file abs, read without following a
// link and no further than size.
func sum(abs string, size int64) string {
	fd, err := unix.Open(abs, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return ""
	}
	f := os.NewFile(uintptr(fd), abs)
	defer f.Close()
	h := sha256.New()
	if n, err := io.Copy(h, io.LimitReader(f, size+1)); err != nil || n != size {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// load reads the record at path. A record that is missing, not a
// regular file, too large, not this user's or writable by others, or
// not JSON is an empty one: then no existing file counts as sysdojo's.
func load(path string) *record {
	r := &record{}
	if path == "" {
		return r
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return r
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG || st.Size > maxRecord ||
		int(st.Uid) != os.Geteuid() || st.Mode&0o022 != 0 {
		return r
	}
	data, err := io.ReadAll(io.LimitReader(f, maxRecord))
	if err != nil || json.Unmarshal(data, r) != nil {
		return &record{}
	}
	return r
}

// add records e, replacing an older entry for its path and keeping the
// newest entries.
func (r *record) add(e entry) {
	out := r.Files[:0]
	for _, o := range r.Files {
		if o.Path != e.Path {
			out = append(out, o)
		}
	}
	out = append(out, e)
	if len(out) > most {
		out = out[len(out)-most:]
	}
	r.Files = out
}

func (r *record) save(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return renameio.WriteFile(path, append(data, '\n'), 0o600)
}
