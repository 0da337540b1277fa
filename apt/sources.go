// Package apt reads and writes APT's source files losslessly (the one-line
// .list format and the deb822 .sources format), lists the entries apt would
// see, switches a distribution's archive to another mirror atomically with a
// backup, and predicts the URLs apt-get update fetches.
//
// Everything works under a root directory treated as "/", so tests and
// lessons never touch the real /etc/apt.
//
// Parsing keeps every byte: field names of deb822 files are matched in any
// case, as apt matches them; values and URIs are kept as written, whatever
// their transport (http, https, ftp, file, cdrom, copy, mirror+..., tor+...
// or an unknown X+Y, which stays opaque).
//
// The switch policy (PlanSwitch):
//   - an entry moves when it points at its distribution's official archive
//     (archive.ubuntu.com and its country names, deb.debian.org...) or at
//     any catalogue mirror of that archive, or at a mirror sysdojo switched
//     to before; enabled, disabled and commented-out entries alike;
//   - ports (ubuntu-ports, for arm64 and other ports) move only to a mirror
//     the catalogue shows carrying ubuntu-ports; security stays on its host
//     unless --security MIRROR names where it goes;
//   - the scheme is kept: https stays https, and a mirror without https is
//     refused for an https source (nothing is written) unless --allow-http;
//   - a tor+ wrapper is kept around the new URI; mirror+ lists and unknown
//     X+Y transports are left as they are: a wrapper is never dropped;
//   - cdrom:, file:, copy: and third-party repositories are never touched;
//     every entry left alone is reported with the reason (Plan.Kept), and
//     every change with what was kept (Change.Why).
package apt

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Format is the syntax of a sources file.
type Format int

// The two formats apt reads.
const (
	OneLine Format = iota // sources.list, *.list: "deb [opts] URI SUITE COMP..."
	Deb822                // *.sources: stanzas of "Field: value"
)

func (f Format) String() string {
	if f == Deb822 {
		return "deb822"
	}
	return "one-line"
}

// FormatOf returns the format apt uses for a file name: deb822 for names
// ending in .sources, one-line otherwise.
func FormatOf(name string) Format {
	if strings.HasSuffix(name, ".sources") {
		return Deb822
	}
	return OneLine
}

// Line is one line of a file: its text and the line ending that followed it
// ("\n", "\r\n", or "" for a last line without one).
type Line struct {
	Text string
	EOL  string
}

// Span is where a token sits: a 0-based line index and byte columns
// [Start, End) in that line's Text.
type Span struct {
	Line, Start, End int
}

// File is a parsed sources file. Its Lines are the file's exact bytes, so
// Bytes always gives back what was read until something is changed.
type File struct {
	Path    string // the path apt knows it by, e.g. /etc/apt/sources.list
	Format  Format
	Lines   []Line
	Entries []Entry
}

// Entry is one source apt would see: a type, URI, suite and its components.
// A deb822 stanza gives Types × URIs × Suites entries; a commented-out
// one-line entry ("# deb http://...") is listed too, disabled.
type Entry struct {
	File       string            `json:"file"`
	Line       int               `json:"line"` // 1-based
	Type       string            `json:"type"`
	URI        string            `json:"uri"`
	Suite      string            `json:"suite"`
	Components []string          `json:"components"`
	Enabled    bool              `json:"enabled"`
	Options    map[string]string `json:"options"`
	// Commented is true for a one-line entry that sits in a comment.
	Commented bool `json:"commented,omitempty"`
	// Stanza is the 0-based stanza index in a deb822 file, -1 otherwise.
	Stanza int `json:"-"`
	// URISpan is where the URI text is, for rewriting it.
	URISpan Span `json:"-"`
}

// Flat reports whether the entry is a flat repository (a suite ending in
// "/", no components).
func (e Entry) Flat() bool { return strings.HasSuffix(e.Suite, "/") }

// Where is "file:line".
func (e Entry) Where() string { return fmt.Sprintf("%s:%d", e.File, e.Line) }

// ParseError is malformed input: the file, the 1-based line, and what is
// wrong, in both languages.
type ParseError struct {
	File string
	Line int
	What i18n.Text
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.What.En) }

// Localized returns the error as sysdojo shows it (bad input, exit 2).
func (e *ParseError) Localized() *i18n.Error {
	return i18n.Invalid(i18n.Text{
		En: fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.What.En),
		Ko: fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.What.Ko),
	})
}

// SplitLines splits data into lines, keeping each line ending, so that
// joining Text+EOL of every line gives data back exactly.
func SplitLines(data []byte) []Line {
	s := string(data)
	var lines []Line
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, Line{Text: s})
			break
		}
		text, eol := s[:i], "\n"
		if strings.HasSuffix(text, "\r") {
			text, eol = text[:len(text)-1], "\r\n"
		}
		lines = append(lines, Line{Text: text, EOL: eol})
		s = s[i+1:]
	}
	return lines
}

// Parse reads data as the sources file at path (its format chosen by the
// name, as apt does). A malformed file gives a *ParseError.
func Parse(path string, data []byte) (*File, error) {
	return ParseFormat(path, FormatOf(filepath.Base(path)), data)
}

// ParseFormat reads data in the given format.
func ParseFormat(path string, format Format, data []byte) (*File, error) {
	f := &File{Path: path, Format: format, Lines: SplitLines(data)}
	if err := f.reparse(); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *File) reparse() error {
	var (
		entries []Entry
		err     error
	)
	if f.Format == Deb822 {
		entries, err = parseDeb822(f.Path, f.Lines)
	} else {
		entries, err = parseOneLine(f.Path, f.Lines)
	}
	if err != nil {
		return err
	}
	f.Entries = entries
	return nil
}

// Bytes returns the file's content.
func (f *File) Bytes() []byte {
	n := 0
	for _, l := range f.Lines {
		n += len(l.Text) + len(l.EOL)
	}
	b := make([]byte, 0, n)
	for _, l := range f.Lines {
		b = append(b, l.Text...)
		b = append(b, l.EOL...)
	}
	return b
}

// Clone returns a deep copy of f.
func (f *File) Clone() *File {
	g := *f
	g.Lines = append([]Line(nil), f.Lines...)
	g.Entries = append([]Entry(nil), f.Entries...)
	return &g
}

// isSpace is C's isspace.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}
