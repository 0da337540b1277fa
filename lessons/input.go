package lessons

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Size limits of the files sysdojo reads from users.
const (
	// MaxProgressSize bounds a progress file or export (a full course
	// with every answer is a few tens of KiB).
	MaxProgressSize = 4 << 20
	// MaxCheckedFileSize bounds a workspace file a check reads.
	MaxCheckedFileSize = 1 << 20
)

// ErrTooBig, ErrNotRegular and ErrSymlink say why ReadUserFile refused a
// file; test with errors.Is.
var (
	ErrTooBig     = errors.New("file too big")
	ErrNotRegular = errors.New("not a regular file")
	ErrSymlink    = errors.New("a symbolic link")
)

// ReadUserFile reads a file a user named: it must be a regular file (a
// FIFO, device, socket or directory is refused at once, without blocking
// on it), at most limit bytes. With noFollow a final symbolic link is
// refused too. Errors are *os.PathError wrapping ErrNotRegular, ErrTooBig,
// ErrSymlink or the system's error.
func ReadUserFile(path string, limit int64, noFollow bool) ([]byte, error) {
	flags := unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NONBLOCK | unix.O_NOCTTY
	if noFollow {
		flags |= unix.O_NOFOLLOW
	}
	fd, err := unix.Open(path, flags, 0)
	if err != nil {
		if noFollow && errors.Is(err, unix.ELOOP) {
			err = ErrSymlink
		}
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &os.PathError{Op: "open", Path: path, Err: notRegular{fileKind(st.Mode())}}
	}
	if st.Size() > limit {
		return nil, &os.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooBig, st.Size(), limit)}
	}
	// The file may grow while read: never more than limit+1 bytes.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, &os.PathError{Op: "read", Path: path, Err: err}
	}
	if int64(len(data)) > limit {
		return nil, &os.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w: more than %d bytes", ErrTooBig, limit)}
	}
	return data, nil
}

// notRegular is ErrNotRegular with the kind of file met.
type notRegular struct{ kind i18n.Text }

func (e notRegular) Error() string        { return "not a regular file (" + e.kind.En + ")" }
func (e notRegular) Is(target error) bool { return target == ErrNotRegular }

func fileKind(m os.FileMode) i18n.Text {
	switch {
	case m.IsDir():
		return t("a directory", "디렉터리")
	case m&os.ModeNamedPipe != 0:
		return t("a FIFO", "FIFO")
	case m&os.ModeCharDevice != 0:
		return t("a character device", "문자 장치")
	case m&os.ModeDevice != 0:
		return t("a block device", "블록 장치")
	case m&os.ModeSocket != 0:
		return t("a socket", "소켓")
	}
	return t("something else", "다른 종류")
}

// readWhy is why a user's file could not be read, in both languages,
// without the file's content.
func readWhy(err error) i18n.Text {
	var pe *os.PathError
	cause := err
	if errors.As(err, &pe) {
		cause = pe.Err
	}
	switch {
	case errors.Is(err, ErrTooBig):
		return t("too big (%s)", "너무 큽니다 (%s)").F(Printable(cause.Error()))
	case errors.Is(err, ErrNotRegular):
		var nr notRegular
		if errors.As(err, &nr) {
			return t("not a regular file (%s)", "일반 파일이 아닙니다 (%s)").F(nr.kind)
		}
		return t("not a regular file", "일반 파일이 아닙니다")
	case errors.Is(err, ErrSymlink):
		return t("a symbolic link: give the file itself", "심볼릭 링크입니다: 파일 자체를 주세요")
	case errors.Is(err, os.ErrNotExist):
		return t("no such file", "그런 파일이 없습니다")
	case errors.Is(err, os.ErrPermission):
		return t("permission denied", "권한이 없습니다")
	}
	return t("cannot read it: %s", "읽을 수 없습니다: %s").F(Printable(cause.Error()))
}

// ReadWhy says in both languages why ReadUserFile failed.
func ReadWhy(err error) i18n.Text { return readWhy(err) }

// Printable returns s with every control or format character (terminal
// escape sequences, bidirectional overrides, NUL, newlines) and every
// invalid UTF-8 byte written as a visible escape (\x1b, \u202e), so that
// student-supplied text shown to an instructor is only text. Printable
// text, Korean included, is kept as it is.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || r == '\\' || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r < 0x80 && unicode.IsControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += n
	}
	return b.String()
}

// CSVCell neutralises a cell a spreadsheet would read as a formula, as
// OWASP recommends: a cell starting with = + - @ tab or CR gets a leading
// single quote.
func CSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
