// Package perm does Linux permission math exactly as GNU chmod and the
// kernel do it: mode strings (octal, symbolic, ls -l), chmod's clause by
// clause arithmetic, umask defaults, chown specs, and the kernel's access
// check walked path component by path component.
package perm

import (
	"fmt"
	"io/fs"
	"strings"
)

// Mode is the 12 permission bits of an inode: setuid, setgid, sticky and
// the rwx triplets of user, group and other (07777).
type Mode uint32

// Bits of a Mode, with the values the kernel uses.
const (
	SetUID    Mode = 04000
	SetGID    Mode = 02000
	Sticky    Mode = 01000
	UserRWX   Mode = 0700
	GroupRWX  Mode = 0070
	OtherRWX  Mode = 0007
	AllBits   Mode = 07777
	readBits  Mode = 0444
	writeBits Mode = 0222
	execBits  Mode = 0111
)

// String returns the mode as four octal digits, e.g. "0755".
func (m Mode) String() string { return fmt.Sprintf("%04o", uint32(m&AllBits)) }

// MarshalText makes a Mode a JSON string such as "0755".
func (m Mode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// Type letters as ls -l shows them.
const (
	TypeRegular = '-'
	TypeDir     = 'd'
	TypeSymlink = 'l'
	TypeBlock   = 'b'
	TypeChar    = 'c'
	TypeFIFO    = 'p'
	TypeSocket  = 's'
)

// TypeLetter returns ls -l's type letter for a Go file mode.
func TypeLetter(m fs.FileMode) byte {
	switch {
	case m.IsDir():
		return TypeDir
	case m&fs.ModeSymlink != 0:
		return TypeSymlink
	case m&fs.ModeDevice != 0 && m&fs.ModeCharDevice != 0:
		return TypeChar
	case m&fs.ModeDevice != 0:
		return TypeBlock
	case m&fs.ModeNamedPipe != 0:
		return TypeFIFO
	case m&fs.ModeSocket != 0:
		return TypeSocket
	}
	return TypeRegular
}

// FromFileMode returns the 12 permission bits of a Go file mode.
func FromFileMode(m fs.FileMode) Mode {
	p := Mode(m.Perm())
	if m&fs.ModeSetuid != 0 {
		p |= SetUID
	}
	if m&fs.ModeSetgid != 0 {
		p |= SetGID
	}
	if m&fs.ModeSticky != 0 {
		p |= Sticky
	}
	return p
}

// FromStatMode returns the 12 permission bits of a raw st_mode.
func FromStatMode(stMode uint32) Mode { return Mode(stMode) & AllBits }

// TypeLetterStat returns ls -l's type letter for a raw st_mode.
func TypeLetterStat(stMode uint32) byte {
	switch stMode & 0o170000 {
	case 0o040000:
		return TypeDir
	case 0o120000:
		return TypeSymlink
	case 0o020000:
		return TypeChar
	case 0o060000:
		return TypeBlock
	case 0o010000:
		return TypeFIFO
	case 0o140000:
		return TypeSocket
	}
	return TypeRegular
}

// TypeName returns stat's %F words for a type letter ("regular file",
// "directory", ...). Size 0 regular files are "regular empty file" in stat;
// use TypeNameSize for that.
func TypeName(t byte) string {
	switch t {
	case TypeDir:
		return "directory"
	case TypeSymlink:
		return "symbolic link"
	case TypeChar:
		return "character special file"
	case TypeBlock:
		return "block special file"
	case TypeFIFO:
		return "fifo"
	case TypeSocket:
		return "socket"
	}
	return "regular file"
}

// TypeNameSize is TypeName with stat's "regular empty file" for size 0.
func TypeNameSize(t byte, size int64) string {
	if t == TypeRegular && size == 0 {
		return "regular empty file"
	}
	return TypeName(t)
}

// LsString returns the ten-character ls -l mode string, e.g. "-rwsr-xr-x"
// for TypeRegular and 04755. (Go's fs.FileMode.String is not this format.)
func LsString(m Mode, typ byte) string {
	b := []byte{typ, '-', '-', '-', '-', '-', '-', '-', '-', '-'}
	const rwx = "rwx"
	for i := 0; i < 9; i++ {
		if m&(0400>>uint(i)) != 0 {
			b[1+i] = rwx[i%3]
		}
	}
	special := func(pos int, bit Mode, set, unset byte) {
		if m&bit == 0 {
			return
		}
		if b[pos] == 'x' {
			b[pos] = set
		} else {
			b[pos] = unset
		}
	}
	special(3, SetUID, 's', 'S')
	special(6, SetGID, 's', 'S')
	special(9, Sticky, 't', 'T')
	return string(b)
}

// ParseLs parses an ls -l mode string: ten characters with a type letter
// ("drwxr-xr-x") or the nine permission characters alone ("rwxr-xr--").
// It returns the bits and the type letter ('-' when none was given).
func ParseLs(s string) (Mode, byte, error) {
	typ := byte(TypeRegular)
	switch len(s) {
	case 10:
		typ = s[0]
		if !strings.ContainsRune("-dlbcps", rune(typ)) {
			return 0, 0, fmt.Errorf("unknown file type letter %q", s[0])
		}
		s = s[1:]
	case 9:
	default:
		return 0, 0, fmt.Errorf("an ls -l mode string has 9 or 10 characters, not %d", len(s))
	}
	var m Mode
	for i := 0; i < 9; i++ {
		c := s[i]
		want := "rwx"[i%3]
		bit := Mode(0400) >> uint(i)
		switch {
		case c == '-':
		case c == want:
			m |= bit
		case i%3 == 2 && (i < 6 && (c == 's' || c == 'S') || i == 8 && (c == 't' || c == 'T')):
			special := map[int]Mode{2: SetUID, 5: SetGID, 8: Sticky}[i]
			m |= special
			if c == 's' || c == 't' {
				m |= bit
			}
		default:
			return 0, 0, fmt.Errorf("character %d is %q; expected %q or '-'", i+1, c, want)
		}
	}
	return m, typ, nil
}
