package lessons

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/google/renameio/v2"
	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// A workspace holds what sysdojo made for a lesson and whatever the
// student adds. sysdojo records each name it makes, when it makes it, in a
// record kept beside the progress file (not in the workspace, where the
// student could edit it): `lesson start` sets up only an empty or new
// directory, or the lesson's own recorded workspace, and `lesson reset`
// removes only what the record names and the workspace still holds (same
// place, same type, and, unless the record is one only this user could
// have written, the same inode), keeping the rest.

// Made is one name sysdojo made in a workspace.
type Made struct {
	Path string `json:"path"` // slash-separated, relative to the workspace
	Type string `json:"type"` // "file", "dir" or "symlink"
	Dev  uint64 `json:"dev"`
	Ino  uint64 `json:"ino"`
}

// Workspace is the record of one workspace: the lesson it is for, the
// directory's identity and what sysdojo made in it.
type Workspace struct {
	Lesson string `json:"lesson"`
	Dev    uint64 `json:"dev"`
	Ino    uint64 `json:"ino"`
	Made   []Made `json:"made"`
}

// Workspaces is the record of every workspace set up for one progress
// file, by absolute directory.
type Workspaces struct {
	Path string                `json:"-"`
	Dirs map[string]*Workspace `json:"workspaces"`
	// trusted: the record file belongs to this user and nobody else may
	// write it. An untrusted record (or none) must also match inodes.
	trusted bool
}

// Prepared is what Start or Reset did to a workspace.
type Prepared struct {
	Dir string
	// Kept are the names sysdojo did not make and left alone ("notes/"
	// for a directory, not looked into).
	Kept []string
}

// maxRecord bounds the record file read.
const maxRecord = 4 << 20

// WorkspacesPath is the workspace record kept with the progress file at
// progress: progress.json -> progress.workspaces.json.
func WorkspacesPath(progress string) string {
	return strings.TrimSuffix(progress, ".json") + ".workspaces.json"
}

// LoadWorkspaces reads the workspace record at path. A missing record is
// an empty one; so is one that cannot be read as a record (then nothing is
// taken to be sysdojo's). The file is never followed through a link,
// and must be a regular file of bounded size.
func LoadWorkspaces(path string) (*Workspaces, error) {
	w := &Workspaces{Path: path, Dirs: map[string]*Workspace{}, trusted: true}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ENOENT) {
		return w, nil
	}
	w.trusted = false
	if err != nil {
		return w, nil
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG || st.Size > maxRecord {
		return w, nil
	}
	data, err := io.ReadAll(io.LimitReader(f, maxRecord))
	if err != nil {
		return nil, i18n.Failed(i18n.T("reading the workspace record %s", "작업 디렉터리 기록(%s)을 읽는 중").F(path), err)
	}
	var in Workspaces
	if json.Unmarshal(data, &in) != nil {
		return w, nil
	}
	for dir, ws := range in.Dirs {
		if ws != nil && filepath.IsAbs(dir) {
			w.Dirs[filepath.Clean(dir)] = ws
		}
	}
	w.trusted = int(st.Uid) == os.Geteuid() && st.Mode&0o022 == 0
	return w, nil
}

// Save writes the record atomically, readable by its owner only.
func (w *Workspaces) Save() error {
	fail := func(err error) error {
		return i18n.Failed(i18n.T("saving the workspace record %s", "작업 디렉터리 기록(%s)을 저장하는 중").F(w.Path), err)
	}
	if err := os.MkdirAll(filepath.Dir(w.Path), 0o755); err != nil {
		return fail(err)
	}
	data, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		return fail(err)
	}
	if err := renameio.WriteFile(w.Path, append(data, '\n'), 0o600); err != nil {
		return fail(err)
	}
	return nil
}

// find returns the record of dir when it is lesson id's workspace and
// still the same directory.
func (w *Workspaces) find(id, dir string, st unix.Stat_t) *Workspace {
	ws := w.Dirs[dir]
	if ws == nil || ws.Lesson != id || ws.Dev != st.Dev || ws.Ino != st.Ino {
		return nil
	}
	return ws
}

// Start sets up dir (absolute) as the bound lesson l's workspace. dir may
// be missing, empty, or already l's recorded workspace (which is then
// reset, see Reset); a directory with anything else in it is refused with
// an i18n.Invalid error and left as it is.
func (w *Workspaces) Start(l *Lesson, dir string) (*Prepared, error) {
	t, fresh, st, err := openStatWorkspace(dir)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	if ws := w.find(l.ID, dir, st); ws != nil {
		return w.reset(l, t, ws)
	}
	if !fresh {
		if names, err := t.names("."); err != nil {
			return nil, err
		} else if len(names) > 0 {
			return nil, i18n.Invalid(i18n.T("%s is not empty and is not a workspace of lesson %s: nothing in it was changed",
				"%s 디렉터리는 비어 있지 않고 레슨 %s의 작업 디렉터리도 아닙니다. 안의 파일은 하나도 바꾸지 않았습니다").F(shown(dir), l.ID)).
				WithHint(i18n.T("use an empty or new directory: 'sysdojo lesson start %s --dir NEW-DIR'",
					"비어 있거나 새 디렉터리를 주세요: 'sysdojo lesson start %s --dir 새-디렉터리'").F(l.ID))
		}
	}
	return w.reset(l, t, &Workspace{Lesson: l.ID, Dev: st.Dev, Ino: st.Ino})
}

// Reset removes from dir (absolute), l's recorded workspace, what sysdojo
// made there and sets the starting files up afresh; everything else is
// kept and listed. A name of the student's where a starting file goes
// stops it before anything is removed. A missing dir is made; a
// directory that is not l's recorded workspace is refused unless empty.
func (w *Workspaces) Reset(l *Lesson, dir string) (*Prepared, error) {
	t, fresh, st, err := openStatWorkspace(dir)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	ws := w.find(l.ID, dir, st)
	if ws == nil {
		if names, err := t.names("."); err != nil {
			return nil, err
		} else if len(names) > 0 && !fresh {
			return nil, i18n.Invalid(i18n.T("%s is not a workspace sysdojo made for lesson %s: nothing was removed",
				"%s 디렉터리는 sysdojo가 만든 레슨 %s의 작업 디렉터리가 아닙니다. 아무것도 지우지 않았습니다").F(shown(dir), l.ID)).
				WithHint(i18n.T("start the lesson in an empty or new directory: 'sysdojo lesson start %s --dir NEW-DIR'",
					"비어 있거나 새 디렉터리에서 레슨을 시작하세요: 'sysdojo lesson start %s --dir 새-디렉터리'").F(l.ID))
		}
		ws = &Workspace{Lesson: l.ID, Dev: st.Dev, Ino: st.Ino}
	}
	return w.reset(l, t, ws)
}

// openStatWorkspace is openWorkspace, with the directory's own stat.
func openStatWorkspace(dir string) (*tree, bool, unix.Stat_t, error) {
	t, fresh, err := openWorkspace(dir)
	if err != nil {
		return nil, false, unix.Stat_t{}, err
	}
	st, err := t.stat()
	if err != nil {
		t.Close()
		return nil, false, unix.Stat_t{}, err
	}
	return t, fresh, st, nil
}

// openWorkspace opens dir, making it (and its parents) when missing;
// fresh says it was made now.
func openWorkspace(dir string) (*tree, bool, error) {
	fail := func(err error) error {
		return i18n.Failed(i18n.T("setting up the workspace %s", "작업 디렉터리(%s)를 준비하는 중").F(dir), err)
	}
	fresh := false
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, false, fail(err)
		}
		fresh = true
	case err != nil:
		return nil, false, fail(err)
	case !st.IsDir():
		return nil, false, i18n.Invalid(i18n.T("%s is not a directory", "%s 경로는 디렉터리가 아닙니다").F(shown(dir)))
	}
	t, err := openTree(dir)
	if err != nil {
		return nil, false, fail(err)
	}
	return t, fresh, nil
}

// shown is dir as the student gave it when it is under the current
// directory, else in full.
func shown(dir string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, dir); err == nil && filepath.IsLocal(rel) {
			return rel
		}
	}
	return dir
}

// reset is Reset on an open workspace with its record ws (possibly
// empty); the record is saved with what was made, also after a failure
// half-way.
func (w *Workspaces) reset(l *Lesson, t *tree, ws *Workspace) (*Prepared, error) {
	// What of the record the workspace still holds, unchanged in kind.
	ours := map[string]Made{}
	for _, m := range ws.Made {
		c, err := cleanRel(m.Path)
		if err != nil || c != m.Path {
			continue
		}
		st, err := t.lstat(c)
		if err != nil || typeOf(st) != m.Type {
			continue
		}
		if !w.trusted && (st.Dev != m.Dev || st.Ino != m.Ino) {
			continue
		}
		m.Dev, m.Ino = st.Dev, st.Ino
		ours[c] = m
	}
	wants, err := l.wants()
	if err != nil {
		return nil, err
	}
	// Anything of the student's where a starting file goes stops the
	// reset before anything is removed.
	var blocked []string
	for _, wt := range wants {
		_, err := t.lstat(wt.rel)
		switch {
		case err == nil:
			if _, ok := ours[wt.rel]; !ok {
				blocked = append(blocked, wt.rel)
			}
		case isNotExist(err), errors.Is(err, unix.ENOTDIR), errors.Is(err, unix.ELOOP), errors.Is(err, unix.EXDEV):
			// Not there, or a file or link on the way to it: then that
			// parent, which comes first in wants, is named already.
		default:
			return nil, i18n.Failed(i18n.T("looking at %s", "%s 경로를 살펴보는 중").F(wt.rel), err)
		}
	}
	if len(blocked) > 0 {
		return nil, i18n.Invalid(i18n.T("%s is in the way: sysdojo did not make it, so it is kept and nothing was reset",
			"%s 자리에 sysdojo가 만들지 않은 것이 있어 그대로 두었고, 아무것도 되돌리지 않았습니다").F(strings.Join(blocked, ", "))).
			WithHint(i18n.T("move it away, then reset again", "옮기거나 지운 뒤 다시 해 보세요"))
	}
	// Remove what is ours, deepest first; a directory that holds the
	// student's files stays (and stays ours).
	paths := make([]string, 0, len(ours))
	for p := range ours {
		paths = append(paths, p)
	}
	sort.Slice(paths, func(i, j int) bool {
		di, dj := strings.Count(paths[i], "/"), strings.Count(paths[j], "/")
		if di != dj {
			return di > dj
		}
		return paths[i] > paths[j]
	})
	kept := map[string]Made{}
	for _, p := range paths {
		m := ours[p]
		err := t.remove(p, m.Type == "dir")
		switch {
		case err == nil:
		case m.Type == "dir" && (errors.Is(err, unix.ENOTEMPTY) || errors.Is(err, unix.EEXIST)):
			kept[p] = m
		default:
			return nil, i18n.Failed(i18n.T("removing %s from the workspace", "작업 디렉터리에서 %s 항목을 지우는 중").F(p), err)
		}
	}
	made, serr := l.setup(t, wants, kept)
	// Directories of ours that stayed and the lesson no longer names
	// are still ours.
	inMade := map[string]bool{}
	for _, m := range made {
		inMade[m.Path] = true
	}
	for p, m := range kept {
		if !inMade[p] {
			made = append(made, m)
			inMade[p] = true
		}
	}
	ws.Made = made
	w.Dirs[t.dir] = ws
	if err := w.Save(); err != nil {
		return nil, err
	}
	if serr != nil {
		return nil, serr
	}
	return &Prepared{Dir: t.dir, Kept: t.kept(inMade)}, nil
}

// kept lists what is in the workspace and not in made; a directory not
// made is listed as "name/" and not looked into.
func (t *tree) kept(made map[string]bool) []string {
	var out []string
	var walk func(rel string)
	walk = func(rel string) {
		names, err := t.names(rel)
		if err != nil {
			return
		}
		for _, n := range names {
			p := n
			if rel != "." {
				p = rel + "/" + n
			}
			st, err := t.lstat(p)
			if err != nil {
				continue
			}
			isDir := typeOf(st) == "dir"
			switch {
			case made[p] && isDir:
				walk(p)
			case made[p]:
			case isDir:
				out = append(out, p+"/")
			default:
				out = append(out, p)
			}
		}
	}
	walk(".")
	return out
}

// want is one name a lesson's starting files need, in the order they are
// made: each file's parent directories come before it.
type want struct {
	rel      string
	typ      string // "file", "dir", "symlink"
	mode     uint32
	explicit bool // a dir listed in files (its mode is set), not only a parent
	content  string
	target   string
}

func (l *Lesson) wants() ([]want, error) {
	var out []want
	seen := map[string]bool{}
	for _, f := range l.Files {
		rel, err := cleanRel(f.Path)
		if err != nil {
			return nil, fmt.Errorf("lesson %s: file %w", l.ID, err)
		}
		parts := strings.Split(rel, "/")
		for i := 1; i < len(parts); i++ {
			p := strings.Join(parts[:i], "/")
			if !seen[p] {
				seen[p] = true
				out = append(out, want{rel: p, typ: "dir", mode: 0o755})
			}
		}
		typ := f.Type
		if typ == "" {
			typ = "file"
		}
		mode := uint32(0o644)
		if typ == "dir" {
			mode = 0o755
		}
		if f.Mode != "" {
			m, err := strconv.ParseUint(f.Mode, 8, 32)
			if err != nil || m > 0o7777 {
				return nil, fmt.Errorf("lesson %s: file %s: bad mode %q", l.ID, f.Path, f.Mode)
			}
			mode = uint32(m)
		}
		if seen[rel] && typ == "dir" {
			// Already made as a parent: now it gets its mode, in order.
			out = append(out, want{rel: rel, typ: "dir", mode: mode, explicit: true})
			continue
		}
		seen[rel] = true
		out = append(out, want{rel: rel, typ: typ, mode: mode, explicit: typ == "dir", content: f.Content, target: f.Target})
	}
	return out, nil
}

// Setup creates dir (and its parents) when missing and sets the bound
// lesson's starting files up in it. Nothing is overwritten and no link is
// followed: a name already where a starting file goes is an
// i18n.Invalid error. Lessons set up for a student go through
// Workspaces.Start, which also records what it made.
func (l *Lesson) Setup(dir string) error {
	t, _, err := openWorkspace(dir)
	if err != nil {
		return err
	}
	defer t.Close()
	wants, err := l.wants()
	if err != nil {
		return err
	}
	_, err = l.setup(t, wants, nil)
	return err
}

// setup makes wants in t. kept are directories of ours already there,
// used as they are (with the mode the lesson gives when explicit). It
// returns what it made, also on error.
func (l *Lesson) setup(t *tree, wants []want, kept map[string]Made) ([]Made, error) {
	var made []Made
	have := map[string]bool{}
	inTheWay := func(rel string) error {
		return i18n.Invalid(i18n.T("%s is in the way: sysdojo did not make it, so it is kept",
			"%s 자리에 sysdojo가 만들지 않은 것이 있어 그대로 두었습니다").F(rel)).
			WithHint(i18n.T("move it away, then try again", "옮기거나 지운 뒤 다시 해 보세요"))
	}
	fail := func(rel string, err error) error {
		if errors.Is(err, unix.EEXIST) || errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) || errors.Is(err, unix.EXDEV) {
			return inTheWay(rel)
		}
		return i18n.Failed(i18n.T("setting up %s in the workspace", "작업 디렉터리에 %s 항목을 만드는 중").F(rel), err)
	}
	for _, wt := range wants {
		var m Made
		var err error
		switch {
		case wt.typ == "dir" && have[wt.rel]:
			if wt.explicit {
				err = t.chmodDir(wt.rel, wt.mode)
			}
			if err != nil {
				return made, fail(wt.rel, err)
			}
			continue
		case wt.typ == "dir" && kept[wt.rel].Path != "":
			m = kept[wt.rel]
			if wt.explicit {
				err = t.chmodDir(wt.rel, wt.mode)
			}
		case wt.typ == "dir":
			m, err = t.mkdir(wt.rel, wt.mode)
		case wt.typ == "symlink":
			m, err = t.symlink(wt.target, wt.rel)
		default:
			m, err = t.writeFile(wt.rel, wt.content, wt.mode)
		}
		if err != nil {
			return made, fail(wt.rel, err)
		}
		have[wt.rel] = true
		made = append(made, m)
	}
	return made, nil
}
