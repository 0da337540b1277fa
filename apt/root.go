package apt

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Paths apt reads, relative to the root.
const (
	SourceList  = "/etc/apt/sources.list"
	SourceParts = "/etc/apt/sources.list.d"
	OSRelease   = "/etc/os-release"
)

// System is a machine's APT configuration as read under a root directory.
type System struct {
	Root  string // the directory treated as "/"
	Files []*File
	OS    OS
	// Ignored are files in sources.list.d that apt does not read.
	Ignored []string
}

// Entries returns the entries of every file, in the order apt reads them.
func (s *System) Entries() []Entry {
	var out []Entry
	for _, f := range s.Files {
		out = append(out, f.Entries...)
	}
	return out
}

// HostPath returns where the apt path p (like /etc/apt/sources.list) is on
// this machine.
func (s *System) HostPath(p string) string { return HostPath(s.Root, p) }

// HostPath joins root and the absolute path p.
func HostPath(root, p string) string {
	if root == "" {
		root = "/"
	}
	return filepath.Join(root, filepath.FromSlash(p))
}

// OS is what /etc/os-release says about the distribution.
type OS struct {
	ID       string   `json:"id"`       // ubuntu, debian, linuxmint...
	Like     []string `json:"id_like"`  // ID_LIKE
	Version  string   `json:"version"`  // VERSION_ID
	Codename string   `json:"codename"` // VERSION_CODENAME (UBUNTU_CODENAME when set)
	Pretty   string   `json:"pretty"`   // PRETTY_NAME
	Found    bool     `json:"found"`    // the file was there
}

// Family returns "ubuntu" or "debian" (or "" when unknown): the archive
// the system's distribution uses.
func (o OS) Family() string {
	for _, id := range append([]string{o.ID}, o.Like...) {
		if id == "ubuntu" || id == "debian" {
			return id
		}
	}
	return ""
}

// ParseOSRelease reads an os-release file's content.
func ParseOSRelease(data []byte) OS {
	o := OS{Found: true}
	kv := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		kv[k] = v
	}
	o.ID = strings.ToLower(kv["ID"])
	o.Like = strings.Fields(strings.ToLower(kv["ID_LIKE"]))
	o.Version = kv["VERSION_ID"]
	o.Codename = kv["VERSION_CODENAME"]
	if c := kv["UBUNTU_CODENAME"]; c != "" {
		o.Codename = c
	}
	o.Pretty = kv["PRETTY_NAME"]
	return o
}

// ReadSourcesName reports whether apt reads a file of this name in
// sources.list.d: only [A-Za-z0-9_.-] names ending in .list or .sources.
func ReadSourcesName(name string) bool {
	if strings.HasPrefix(name, ".") {
		return false
	}
	if !strings.HasSuffix(name, ".list") && !strings.HasSuffix(name, ".sources") {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// Load reads the sources files and os-release under root, never
// following a link out of it (see tree). A missing sources.list or
// sources.list.d is not an error; a malformed file is a *ParseError; a
// sources file that is not a regular file, or is too large, is refused.
func Load(root string) (*System, error) {
	t, err := openTree(root)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	s := &System{Root: root}
	if b, _, err := t.readFile(OSRelease); err == nil {
		s.OS = ParseOSRelease(b)
	} else if b, _, err := t.readFile("/usr/lib/os-release"); err == nil {
		s.OS = ParseOSRelease(b)
	}
	paths := []string{SourceList}
	des, err := t.readDir(SourceParts)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, readErr(i18n.T("cannot read the sources directory", "소스 목록 디렉터리를 읽을 수 없습니다"), err)
	}
	var names []string
	for _, d := range des {
		if d.IsDir() {
			continue
		}
		if ReadSourcesName(d.Name()) {
			names = append(names, d.Name())
		} else {
			s.Ignored = append(s.Ignored, SourceParts+"/"+d.Name())
		}
	}
	sort.Strings(names)
	for _, n := range names {
		paths = append(paths, SourceParts+"/"+n)
	}
	for _, p := range paths {
		b, _, err := t.readFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, readErr(i18n.T("cannot read a sources file", "소스 파일을 읽을 수 없습니다"), err)
		}
		f, err := Parse(p, b)
		if err != nil {
			return nil, err
		}
		s.Files = append(s.Files, f)
	}
	return s, nil
}

// readErr passes on an error already said for the user, and wraps others.
func readErr(what i18n.Text, err error) error {
	var le *i18n.Error
	if errors.As(err, &le) {
		return err
	}
	return i18n.Failed(what, err)
}
