package apt

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// BackupDir is where switch keeps its backups, under the root: outside
// /etc/apt, so apt never reads them.
const BackupDir = "/var/backups/sysdojo/apt"

// Backup is one saved state: the files a switch was about to change.
type Backup struct {
	Dir     string            `json:"-"` // the backup directory, as a path inside the root
	ID      string            `json:"id"`
	Created time.Time         `json:"created"`
	Mirror  string            `json:"mirror"`
	URLs    map[string]string `json:"urls"` // what the switch pointed archives at, by distro (ports as distro+"-ports")
	Files   []BackupFile      `json:"files"`

	copies [][]byte // the saved bytes, checked (loadBackup)
}

// BackupFile is one saved file with its mode and owner.
type BackupFile struct {
	Path   string `json:"path"` // apt path, e.g. /etc/apt/sources.list
	Mode   string `json:"mode"` // "0644"
	UID    int    `json:"uid"`
	GID    int    `json:"gid"`
	SHA256 string `json:"sha256"` // of the copy: the file before the switch
	// Written is the SHA-256 of the file as the switch wrote it: a file
	// that has another one at restore time was edited since.
	Written string `json:"written_sha256,omitempty"`
	Copy    string `json:"copy"` // file name inside the backup directory
}

// geteuid is os.Geteuid, replaceable by tests.
var geteuid = os.Geteuid

// needPrivilege fails when root is the real "/" and we are not root.
func needPrivilege(root string) error {
	abs, err := filepath.Abs(HostPath(root, "/"))
	if err == nil && filepath.Clean(abs) == "/" && geteuid() != 0 {
		return i18n.Failed(i18n.T("changing the real /etc/apt needs root; nothing was written",
			"실제 /etc/apt를 고치려면 root 권한이 필요합니다. 아무것도 쓰지 않았습니다"), syscall.EACCES).
			WithHint(i18n.T("run it with sudo, or try it on a copy with --root DIR", "sudo로 실행하거나 --root DIR로 복사본에서 먼저 해 보세요"))
	}
	return nil
}

func writeFailed(path string, err error) error {
	var le *i18n.Error
	if errors.As(err, &le) {
		return err
	}
	e := i18n.Failed(i18n.T("cannot write %s", "%s를 쓸 수 없습니다").F(path), err)
	if errors.Is(err, fs.ErrPermission) {
		e = e.WithHint(i18n.T("run it with sudo", "sudo로 실행하세요"))
	}
	return e
}

// Apply backs up every file the plan changes, then replaces each one
// atomically (a temporary file in the same directory, fsync, rename, fsync
// of the directory), keeping its mode and owner. Every path is resolved
// inside the root (see tree). It refuses, writing nothing, when a file
// changed since it was read or is not a regular file. It returns the
// backup.
func (p *Plan) Apply(now time.Time) (*Backup, error) {
	if !p.Changed() {
		return nil, nil
	}
	if err := needPrivilege(p.Root); err != nil {
		return nil, err
	}
	t, err := openTree(p.Root)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	type current struct {
		name string
		info fs.FileInfo
	}
	cur := make([]current, len(p.Files))
	for i, f := range p.Files {
		name, err := t.parentName(f.Path)
		if err != nil {
			return nil, err
		}
		info, err := t.r.Lstat(name)
		if err != nil {
			return nil, writeFailed(f.Path, err)
		}
		if !info.Mode().IsRegular() {
			return nil, i18n.Failed(i18n.T("%s is not a regular file (a symbolic link?); nothing was written",
				"%s는 일반 파일이 아닙니다 (심볼릭 링크?). 아무것도 쓰지 않았습니다").F(f.Path), nil)
		}
		if err := t.unchanged(name, f); err != nil {
			return nil, err
		}
		cur[i] = current{name, info}
	}
	b := &Backup{ID: now.UTC().Format("20060102T150405.000000000Z"), Created: now.UTC(), Mirror: p.Target.Name, URLs: map[string]string{}}
	for d, u := range p.Target.Archive {
		b.URLs[d] = u
	}
	for d, u := range p.Target.Ports {
		b.URLs[d+"-ports"] = u
	}
	for i, f := range p.Files {
		st := cur[i].info.Sys().(*syscall.Stat_t)
		b.Files = append(b.Files, BackupFile{
			Path: f.Path, Mode: fmt.Sprintf("%04o", uint32(cur[i].info.Mode().Perm())),
			UID: int(st.Uid), GID: int(st.Gid), SHA256: sha(f.Old), Written: sha(f.New),
			Copy: fmt.Sprintf("%d-%s", i, path.Base(f.Path)),
		})
	}
	if err := b.save(t, p.Files); err != nil {
		return nil, err
	}
	for i, f := range p.Files {
		st := cur[i].info.Sys().(*syscall.Stat_t)
		if err := t.replace(cur[i].name, f.New, cur[i].info.Mode().Perm(), int(st.Uid), int(st.Gid), func() error { return t.unchanged(cur[i].name, f) }); err != nil {
			return b, writeFailed(f.Path, err)
		}
	}
	return b, nil
}

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func (t *tree) unchanged(name string, f FilePlan) error {
	now, _, err := t.readOpen(f.Path, name)
	if err != nil {
		return writeFailed(f.Path, err)
	}
	if !bytes.Equal(now, f.Old) {
		return i18n.Failed(i18n.T("%s changed since it was read; nothing was written to it (run the command again)",
			"%s가 읽은 뒤에 바뀌었습니다. 이 파일에는 아무것도 쓰지 않았습니다 (명령을 다시 실행하세요)").F(f.Path), nil)
	}
	return nil
}

func (b *Backup) save(t *tree, files []FilePlan) error {
	parent, err := t.mkdirAll(BackupDir, 0o700)
	if err != nil {
		return writeFailed(BackupDir, err)
	}
	dir := path.Join(parent, b.ID)
	b.Dir = "/" + dir
	if err := t.r.Mkdir(dir, 0o700); err != nil {
		return writeFailed(BackupDir, err)
	}
	for i, f := range files {
		if err := t.createExcl(path.Join(dir, b.Files[i].Copy), f.Old, 0o600, -1, -1); err != nil {
			return writeFailed(BackupDir, err)
		}
	}
	// The manifest last, and atomically: a backup with a manifest is whole.
	js, _ := json.MarshalIndent(b, "", "  ")
	if err := t.replace(path.Join(dir, manifestName), append(js, '\n'), 0o600, -1, -1, nil); err != nil {
		return writeFailed(BackupDir, err)
	}
	if err := t.syncDir(dir); err != nil {
		return writeFailed(BackupDir, err)
	}
	return t.syncDir(parent)
}

const manifestName = "manifest.json"

// Backups returns the backups under root that sysdojo wrote (see
// Restore), newest first. Restored ones are left out unless all is set.
func Backups(root string, all bool) ([]*Backup, error) {
	t, err := openTree(root)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	bs, names, err := backupDirs(t, all)
	if err != nil || bs == nil {
		return nil, err
	}
	defer bs.Close()
	var out []*Backup
	for _, n := range names {
		if b, err := bs.load(n, false); err == nil {
			out = append(out, b)
		}
	}
	return out, nil
}

// backups is the backup directory, opened as a root of its own.
type backups struct {
	*tree
	parent string // its name inside the --root
}

// backupDirs opens the backup directory and lists the backups in it that
// hold a manifest, newest first (a backup interrupted before its manifest
// is never used). With no backup directory it returns nil.
func backupDirs(t *tree, all bool) (*backups, []string, error) {
	parent, err := t.resolve(BackupDir, true)
	if err != nil {
		return nil, nil, localize(err)
	}
	r, err := t.r.OpenRoot(parent)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, i18n.Failed(i18n.T("cannot read the backups", "백업을 읽을 수 없습니다"), err)
	}
	bs := &backups{tree: &tree{dir: BackupDir, r: r}, parent: parent}
	des, err := bs.readDirName(".")
	if err != nil {
		bs.Close()
		return nil, nil, i18n.Failed(i18n.T("cannot read the backups", "백업을 읽을 수 없습니다"), err)
	}
	var out []string
	for _, d := range des {
		if !d.IsDir() || (!all && strings.HasSuffix(d.Name(), restoredSuffix)) {
			continue
		}
		if _, err := r.Lstat(path.Join(d.Name(), manifestName)); err != nil {
			continue
		}
		out = append(out, d.Name())
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	return bs, out, nil
}

const restoredSuffix = ".restored"

var (
	backupID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{8}T[0-9]{6}\.[0-9]{9}Z$`) })
	copyName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]+-[A-Za-z0-9_.-]+$`) })
	sha256re = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{64}$`) })
	modeRe   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^0?[0-7]{3}$`) })
)

// SourcesPath reports whether p is a file apt reads its sources from:
// /etc/apt/sources.list or a .list or .sources file in sources.list.d.
func SourcesPath(p string) bool {
	if p == SourceList {
		return true
	}
	dir, base := path.Split(p)
	return dir == SourceParts+"/" && ReadSourcesName(base)
}

func notOurs(dir string, why i18n.Text) error {
	return i18n.Failed(tf(i18n.T("the backup %s is not one sysdojo wrote for this root: %s; nothing was restored",
		"백업 %s는 sysdojo가 이 루트에 남긴 백업이 아닙니다: %s. 아무것도 되돌리지 않았습니다"), dir, why), nil)
}

// ours reports whether fi is what sysdojo makes in a backup: owned by the
// effective user, writable by no one else, and (for a file) with no other
// name.
func ours(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid() && fi.Mode().Perm()&0o022 == 0 && (fi.IsDir() || st.Nlink == 1)
}

// load reads and checks the backup in directory name of the backup
// directory: only a manifest sysdojo wrote is accepted. Its directory,
// manifest and copies are regular files (no links) owned by the effective
// user and writable by no one else; it names only APT sources files; its
// copies are plain names inside it whose SHA-256 is the recorded one; its
// modes are plain permissions.
// The copies are read only when copies is set.
func (bs *backups) load(name string, copies bool) (*Backup, error) {
	t, dir := bs.tree, name
	shown := path.Join(BackupDir, name)
	fi, err := t.r.Lstat(dir)
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot read the backup %s", "백업 %s를 읽을 수 없습니다").F(shown), err)
	}
	owner := func(fi fs.FileInfo) i18n.Text {
		st := fi.Sys().(*syscall.Stat_t)
		return i18n.T("%s is owned by uid %d with mode %04o (sysdojo makes it yours, uid %d, writable by you alone)",
			"%s의 소유자가 uid %d, 권한이 %04o입니다 (sysdojo는 실행한 사용자 uid %d 소유로, 그 사용자만 쓸 수 있게 만듭니다)").
			F(fi.Name(), st.Uid, uint32(fi.Mode().Perm()), os.Geteuid())
	}
	if !fi.IsDir() {
		return nil, notOurs(shown, i18n.T("it is not a directory", "디렉터리가 아닙니다"))
	}
	if !ours(fi) {
		return nil, notOurs(shown, owner(fi))
	}
	readOurs := func(file, what string) ([]byte, error) {
		fi, err := t.r.Lstat(path.Join(dir, file))
		if err != nil {
			return nil, i18n.Failed(i18n.T("cannot read the backup %s", "백업 %s를 읽을 수 없습니다").F(shown), err)
		}
		if !fi.Mode().IsRegular() {
			k := kindOf(fi.Mode())
			return nil, notOurs(shown, tf(i18n.T("%s is %s, not a regular file", "%s가 일반 파일이 아니라 %s입니다"), what, k))
		}
		if !ours(fi) {
			return nil, notOurs(shown, owner(fi))
		}
		data, _, err := t.readOpen(path.Join(shown, file), path.Join(dir, file))
		if err != nil {
			return nil, readErr(i18n.T("cannot read the backup %s", "백업 %s를 읽을 수 없습니다").F(shown), err)
		}
		return data, nil
	}
	js, err := readOurs(manifestName, manifestName)
	if err != nil {
		return nil, err
	}
	var b Backup
	if err := json.Unmarshal(js, &b); err != nil {
		return nil, notOurs(shown, i18n.T("its manifest.json does not parse", "manifest.json을 해석할 수 없습니다"))
	}
	if !backupID().MatchString(b.ID) || (name != b.ID && name != b.ID+restoredSuffix) {
		return nil, notOurs(shown, i18n.T("its id %q is not its directory's name", "id %q가 디렉터리 이름과 다릅니다").F(b.ID))
	}
	if len(b.Files) == 0 || len(b.Files) > 256 {
		return nil, notOurs(shown, i18n.T("it lists %d files", "파일 %d개를 적고 있습니다").F(len(b.Files)))
	}
	seen := map[string]bool{}
	for _, f := range b.Files {
		switch {
		case !SourcesPath(f.Path):
			return nil, notOurs(shown, i18n.T("it names %q, which is not an APT sources file (/etc/apt/sources.list, sources.list.d/*.list or *.sources)",
				"APT 소스 파일(/etc/apt/sources.list, sources.list.d/*.list, *.sources)이 아닌 %q를 적고 있습니다").F(f.Path))
		case seen[f.Path]:
			return nil, notOurs(shown, i18n.T("it names %s twice", "%s를 두 번 적고 있습니다").F(f.Path))
		case !copyName().MatchString(f.Copy):
			return nil, notOurs(shown, i18n.T("its copy %q is not a file name inside the backup", "사본 %q가 백업 안의 파일 이름이 아닙니다").F(f.Copy))
		case !modeRe().MatchString(f.Mode):
			return nil, notOurs(shown, i18n.T("mode %q is not a plain permission (000 to 777)", "모드 %q는 평범한 권한(000~777)이 아닙니다").F(f.Mode))
		case f.UID < 0 || f.GID < 0 || f.UID > 1<<31 || f.GID > 1<<31:
			return nil, notOurs(shown, i18n.T("owner %d:%d is not a user and group id", "소유자 %d:%d는 사용자/그룹 번호가 아닙니다").F(f.UID, f.GID))
		case !sha256re().MatchString(f.SHA256) || (f.Written != "" && !sha256re().MatchString(f.Written)):
			return nil, notOurs(shown, i18n.T("a checksum is not a SHA-256", "체크섬이 SHA-256 값이 아닙니다"))
		}
		seen[f.Path] = true
	}
	b.Dir = "/" + path.Join(bs.parent, name)
	if !copies {
		return &b, nil
	}
	b.copies = make([][]byte, len(b.Files))
	for i, f := range b.Files {
		data, err := readOurs(f.Copy, f.Copy)
		if err != nil {
			return nil, err
		}
		if sha(data) != f.SHA256 {
			return nil, i18n.Failed(i18n.T("the backup of %s is damaged (checksum mismatch); nothing was restored",
				"%s의 백업이 손상되었습니다 (체크섬 불일치). 아무것도 되돌리지 않았습니다").F(f.Path), nil)
		}
		b.copies[i] = data
	}
	return &b, nil
}

// switchedTo returns the mirror URLs earlier switches under the root
// pointed archives at, so that a later switch recognises them as archives.
func switchedTo(t *tree) map[string][]string {
	out := map[string][]string{}
	bs, names, _ := backupDirs(t, true)
	if bs == nil {
		return out
	}
	defer bs.Close()
	for _, n := range names {
		b, err := bs.load(n, false)
		if err != nil {
			continue
		}
		for d, u := range b.URLs {
			d = strings.TrimSuffix(d, "-ports")
			out[d] = append(out[d], u)
		}
	}
	return out
}

// Edited is a sources file the admin changed after the switch: restore
// saved it beside the file before putting the backup back.
type Edited struct {
	Path  string `json:"path"`  // the apt path, e.g. /etc/apt/sources.list
	Saved string `json:"saved"` // where the edited version is now, e.g. /etc/apt/sources.list.sysdojo-old.bak
	Diff  string `json:"diff"`  // from the edited version to the restored one
}

// Restored is what Restore did.
type Restored struct {
	*Backup
	Edited []Edited `json:"edited"`
}

// KeptSuffix ends the name of an edited file restore keeps: apt ignores
// names ending in .bak without a notice, as it does dpkg's .dpkg-old.
const KeptSuffix = ".sysdojo-old.bak"

// Restore puts back the files of the newest backup not yet restored:
// their bytes, mode and owner, each atomically, every path resolved inside
// the root. Only a backup sysdojo wrote is used (see loadBackup); any
// doubt refuses the whole restore before anything is written. A file
// edited after the switch (its SHA-256 is neither the one the switch wrote
// nor the backup's) is first saved beside it under a new name ending in
// KeptSuffix, with its mode and owner. The backup is then marked restored,
// so a second restore goes one switch further back.
func Restore(root string) (*Restored, error) {
	t, err := openTree(root)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	bs, names, err := backupDirs(t, false)
	if err != nil {
		return nil, err
	}
	if bs != nil {
		defer bs.Close()
	}
	if len(names) == 0 {
		return nil, i18n.Failed(i18n.T("there is no backup to restore", "되돌릴 백업이 없습니다"), nil).
			WithHint(i18n.T("a backup is made by 'sysdojo apt switch'", "백업은 'sysdojo apt switch'가 만듭니다"))
	}
	if err := needPrivilege(root); err != nil {
		return nil, err
	}
	b, err := bs.load(names[0], true)
	if err != nil {
		return nil, err
	}
	type step struct {
		name string
		cur  []byte
		info fs.FileInfo // nil when the file is gone
		edit *Edited
	}
	steps := make([]step, len(b.Files))
	for i, f := range b.Files {
		name, err := t.parentName(f.Path)
		if err != nil {
			return nil, err
		}
		s := step{name: name}
		fi, err := t.r.Lstat(name)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, writeFailed(f.Path, err)
		case !fi.Mode().IsRegular():
			k := kindOf(fi.Mode())
			return nil, i18n.Failed(tf(i18n.T("%s is now %s, not a regular file; nothing was restored",
				"%s가 지금은 일반 파일이 아니라 %s입니다. 아무것도 되돌리지 않았습니다"), f.Path, k), nil)
		default:
			s.info = fi
			if s.cur, _, err = t.readOpen(f.Path, name); err != nil {
				return nil, readErr(i18n.T("cannot read %s", "%s를 읽을 수 없습니다").F(f.Path), err)
			}
			if h := sha(s.cur); h != f.SHA256 && h != f.Written {
				d := string(diff.Diff(f.Path+" (edited)", s.cur, f.Path+" (restored)", b.copies[i]))
				if strings.HasPrefix(d, "diff ") {
					_, d, _ = strings.Cut(d, "\n")
				}
				s.edit = &Edited{Path: f.Path, Diff: d}
			}
		}
		steps[i] = s
	}
	for i, f := range b.Files {
		s := steps[i]
		if s.edit != nil {
			saved, err := t.keep(s.name, s.cur, s.info)
			if err != nil {
				return nil, writeFailed(f.Path+KeptSuffix, err)
			}
			s.edit.Saved = path.Join(path.Dir(f.Path), path.Base(saved))
		}
		mode, _ := strconv.ParseUint(f.Mode, 8, 32)
		if err := t.r.MkdirAll(path.Dir(s.name), 0o755); err != nil {
			return nil, writeFailed(f.Path, err)
		}
		// The file must still be what was checked above: an edit made in
		// between is not lost either.
		check := func() error {
			now, _, err := t.readOpen(f.Path, s.name)
			if (s.info == nil && !errors.Is(err, fs.ErrNotExist)) || (s.info != nil && (err != nil || !bytes.Equal(now, s.cur))) {
				return i18n.Failed(i18n.T("%s changed while it was being restored; it was left as it is (run the command again)",
					"%s가 되돌리는 사이에 바뀌어서 그대로 두었습니다 (명령을 다시 실행하세요)").F(f.Path), nil)
			}
			return nil
		}
		if err := t.replace(s.name, b.copies[i], fs.FileMode(mode), f.UID, f.GID, check); err != nil {
			return nil, writeFailed(f.Path, err)
		}
	}
	if err := bs.r.Rename(names[0], names[0]+restoredSuffix); err != nil {
		return nil, writeFailed(BackupDir, err)
	}
	if err := bs.syncDir("."); err != nil {
		return nil, writeFailed(BackupDir, err)
	}
	r := &Restored{Backup: b}
	for _, s := range steps {
		if s.edit != nil {
			r.Edited = append(r.Edited, *s.edit)
		}
	}
	return r, nil
}

// keep saves data, the current content of name, beside it under a new
// name ending in KeptSuffix (never over an existing file), with the
// file's mode and owner. It returns the name used.
func (t *tree) keep(name string, data []byte, fi fs.FileInfo) (string, error) {
	st := fi.Sys().(*syscall.Stat_t)
	for i := 0; i < 1000; i++ {
		n := name + KeptSuffix
		if i > 0 {
			n = fmt.Sprintf("%s.sysdojo-old.%d.bak", name, i)
		}
		err := t.createExcl(n, data, fi.Mode().Perm(), int(st.Uid), int(st.Gid))
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		return n, t.syncDir(path.Dir(n))
	}
	return "", &fs.PathError{Op: "create", Path: name + KeptSuffix, Err: fs.ErrExist}
}
