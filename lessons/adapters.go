package lessons

// Adapters: the only places this package calls the area packages (perm,
// link, apt, apt/rank, container). When one of their APIs changes, only
// this file changes.

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/sysdojo/sysdojo/apt"
	"github.com/sysdojo/sysdojo/apt/rank"
	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/link"
	"github.com/sysdojo/sysdojo/perm"
)

// node is what the checks need to know about one name.
type node struct {
	Type     string // stat's %F words
	Dev      uint64
	Inode    uint64
	Nlink    uint64
	Mode     perm.Mode
	UID, GID uint32
	Owner    string
	Group    string
	IsLink   bool
	Target   string // symlink text
	Dangling bool
	Resolved string
	Missing  string // first missing path when dangling
	ToType   string // type of what the link leads to
}

// inspect lstats path through the link and perm packages.
func inspect(path string, db *perm.DB) (node, error) {
	li, err := link.Inspect(path)
	if err != nil {
		return node{}, err
	}
	n := node{Type: li.Type, Dev: li.Dev, Inode: li.Inode, Nlink: li.Nlink,
		UID: li.UID, GID: li.GID, Owner: li.Owner, Group: li.Group}
	n.Mode, _ = parseMode(li.Mode) // 4-digit octal
	if db != nil {
		n.Owner, n.Group = db.UserName(li.UID), db.GroupName(li.GID)
	}
	if li.Symlink != nil {
		n.IsLink = true
		n.Target, n.Dangling, n.Resolved = li.Target, li.Dangling || li.Loop, li.Resolved
		n.Missing, n.ToType = li.Missing, li.TargetType
	}
	return n, nil
}

// loadUsers reads the user database for owner checks.
func loadUsers(passwd, group string) (*perm.DB, error) {
	if passwd == "" {
		passwd = "/etc/passwd"
	}
	if group == "" {
		group = "/etc/group"
	}
	return perm.LoadDB(passwd, group)
}

// parseMode reads an octal mode as lessons write it ("640", "0640").
func parseMode(s string) (perm.Mode, bool) {
	p, err := perm.ParseAny(s)
	if err != nil || p.Form != "octal" {
		return 0, false
	}
	return p.Mode, true
}

// lsBits is the mode as ls -l shows it, without the type letter.
func lsBits(m perm.Mode) string { return perm.LsString(m, perm.TypeRegular)[1:] }

// classes is who may do what under m.
func classes(m perm.Mode) []perm.Access { return perm.Classes(m) }

// source is one enabled entry of a sources file: its URI and suite.
type source struct{ URI, Suite string }

// aptSources returns the enabled entries of the sources files under root
// (a sandbox directory treated as "/"), through the apt package.
func aptSources(root string) ([]source, error) {
	if err := sourcesAreFiles(root); err != nil {
		return nil, err
	}
	sys, err := apt.Load(root)
	if err != nil {
		return nil, err
	}
	var out []source
	for _, e := range sys.Entries() {
		if e.Enabled && !e.Commented {
			out = append(out, source{URI: e.URI, Suite: e.Suite})
		}
	}
	return out, nil
}

// securitySuite reports whether suite is a security suite (jammy-security,
// bookworm-security, the older Debian buster/updates).
func securitySuite(suite string) bool {
	return strings.HasSuffix(suite, "-security") || strings.HasSuffix(suite, "/updates")
}

// sourcesAreFiles refuses, before the apt package reads them, sources
// files that are not regular files of a sane size (a FIFO would hang the
// grader, a link to /dev/zero would eat its memory).
func sourcesAreFiles(root string) error {
	names := []string{filepath.Join(root, "etc/apt/sources.list")}
	more, _ := filepath.Glob(filepath.Join(root, "etc/apt/sources.list.d/*"))
	for _, n := range append(names, more...) {
		st, err := os.Stat(n)
		if err != nil {
			continue // missing or dangling: the apt package says so
		}
		if st.IsDir() {
			continue
		}
		if !st.Mode().IsRegular() {
			return &os.PathError{Op: "open", Path: n, Err: notRegular{fileKind(st.Mode())}}
		}
		if st.Size() > MaxCheckedFileSize {
			return &os.PathError{Op: "read", Path: n, Err: ErrTooBig}
		}
	}
	return nil
}

// sameMirror reports whether uri is the mirror want: equal URLs, or the
// same host when want is a bare host name.
func sameMirror(uri, want string) bool {
	norm := func(s string) string { return strings.TrimRight(strings.TrimSpace(s), "/") }
	if norm(uri) == norm(want) {
		return true
	}
	u, err := url.Parse(uri)
	if err != nil {
		return false
	}
	return !strings.Contains(want, "/") && strings.EqualFold(u.Hostname(), want)
}

// isSecurity reports whether uri is a security archive, which switching
// the main mirror leaves alone.
func isSecurity(uri string) bool {
	u, err := url.Parse(uri)
	return err == nil && (strings.HasPrefix(u.Hostname(), "security.") || strings.Contains(u.Path, "-security"))
}

// aptCodename is the release codename of the sandbox root (from its
// os-release), "" when unknown.
func aptCodename(root string) string {
	sys, err := apt.Load(root)
	if err != nil {
		return ""
	}
	return sys.OS.Codename
}

// mirrorRank is one probed mirror, as the fastest_mirror check needs it.
type mirrorRank struct {
	URL    string
	OK     bool
	Fresh  bool
	TTFBms float64
	Behind string
	// BehindKo is Behind in Korean ("3일").
	BehindKo string
	Error    string
}

// rankMirrors probes the mirrors at once through apt/rank: working and
// fresh first, then by time to the first byte.
func rankMirrors(mirrors []string, suite string) []mirrorRank {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out []mirrorRank
	for _, r := range rank.Rank(ctx, mirrors, rank.Options{Suite: suite, Timeout: 5 * time.Second}).Results {
		out = append(out, mirrorRank{URL: r.Mirror, OK: r.OK, Fresh: r.Fresh, TTFBms: r.TTFBms, Behind: r.Behind, BehindKo: r.BehindKo, Error: r.Error})
	}
	// The lesson's "fastest" is the first to answer (its class mirrors
	// differ by delay, not bandwidth): order each group by latency.
	grp := func(m mirrorRank) int {
		switch {
		case m.OK && m.Fresh:
			return 0
		case m.OK:
			return 1
		}
		return 2
	}
	sort.SliceStable(out, func(i, j int) bool {
		if gi, gj := grp(out[i]), grp(out[j]); gi != gj {
			return gi < gj
		}
		return out[i].TTFBms < out[j].TTFBms
	})
	return out
}

// ctr is what the container checks need to know about one container.
type ctr struct {
	Name     string
	Running  bool
	PID      int
	ExitCode *int
	Volumes  []container.Volume
	Ports    []container.Port
	Limits   container.Limits
}

// findContainer returns the container called name under the state root
// (container.DefaultStateRoot when ""), nil when there is none.
func findContainer(stateRoot, name string) (*ctr, error) {
	all, err := container.Containers(stateRoot, true)
	if err != nil {
		return nil, err
	}
	for _, in := range all {
		if in.Name == name {
			return &ctr{Name: in.Name, Running: in.Running(), PID: in.PID, ExitCode: in.ExitCode,
				Volumes: in.Volumes, Ports: in.Ports, Limits: in.Limits}, nil
		}
	}
	return nil, nil
}

// execIn runs args inside the running container name and returns what it
// printed and its exit status.
//
// What runs in there is the student's (they can replace any program of
// their container), so a look inside is bounded: it may print at most
// MaxInsideOutput bytes and run InsideTimeout, or the check says so and
// fails; the checker (a grader, the class server) goes on.
func execIn(stateRoot, name string, args ...string) (string, int, error) {
	out, errb := &cappedBuffer{max: MaxInsideOutput}, &cappedBuffer{max: MaxInsideOutput}
	code, err := container.Exec(name, container.ExecOptions{Args: args, Stdout: out, Stderr: errb,
		Stdin: bytes.NewReader(nil), StateRoot: stateRoot, Timeout: InsideTimeout})
	switch {
	case errors.Is(err, container.ErrExecTimeout):
		return "", code, i18n.Failed(i18n.T("what ran inside container %s to look did not end within %s",
			"컨테이너 %s 안을 살펴보려고 실행한 명령이 %s 안에 끝나지 않았습니다").F(name, InsideTimeout), err)
	case err == nil && (out.over || errb.over):
		return "", code, i18n.Failed(i18n.T("what ran inside container %s to look printed more than %d bytes",
			"컨테이너 %s 안을 살펴보려고 실행한 명령이 %d바이트 넘게 출력했습니다").F(name, MaxInsideOutput), nil)
	}
	return out.b.String(), code, err
}

// Bounds of a look inside a container (see execIn).
var (
	InsideTimeout       = 10 * time.Second
	MaxInsideOutput int = 1 << 20
)

// cappedBuffer keeps at most max bytes; a write past them fails, which
// stops the copy and closes the pipe: the writer inside gets EPIPE.
type cappedBuffer struct {
	b    bytes.Buffer
	max  int
	over bool
}

func (w *cappedBuffer) Write(p []byte) (int, error) {
	if w.b.Len()+len(p) > w.max {
		w.over = true
		return 0, errors.New("output over the limit")
	}
	return w.b.Write(p)
}

// parseSize reads a memory size as container run takes it ("64m").
func parseSize(s string) (int64, error) { return container.ParseSize(s) }

// isRoot reports whether this process may look inside containers.
func isRoot() bool { return os.Geteuid() == 0 }
