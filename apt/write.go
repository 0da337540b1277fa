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
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/google/renameio/v2"

	"sysdojo/internal/i18n"
)

// BackupDir is where switch keeps its backups, under the root: outside
// /etc/apt, so apt never reads them.
const BackupDir = "/var/backups/sysdojo/apt"

// Backup is one saved state: the files a switch was about to change.
type Backup struct {
	Dir     string            `json:"-"` // host path of the backup directory
	ID      string            `json:"id"`
	Created time.Time         `json:"created"`
	Mirror  string            `json:"mirror"`
	URLs    map[string]string `json:"urls"` // what the switch pointed archives at, by distro (ports as distro+"-ports")
	Files   []BackupFile      `json:"files"`
}

// BackupFile is one saved file with its mode and owner.
type BackupFile struct {
	Path   string `json:"path"` // apt path, e.g. /etc/apt/sources.list
	Mode   string `json:"mode"` // "0644"
	UID    int    `json:"uid"`
	GID    int    `json:"gid"`
	SHA256 string `json:"sha256"`
	Copy   string `json:"copy"` // file name inside the backup directory
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
	e := i18n.Failed(i18n.T("cannot write %s", "%s를 쓸 수 없습니다").F(path), err)
	if errors.Is(err, fs.ErrPermission) {
		e = e.WithHint(i18n.T("run it with sudo", "sudo로 실행하세요"))
	}
	return e
}

// Apply backs up every file the plan changes, then replaces each one
// atomically (a temporary file in the same directory, fsync, rename, fsync
// of the directory), keeping its mode and owner. It refuses, writing
// nothing, when a file changed since it was read. It returns the backup.
func (p *Plan) Apply(now time.Time) (*Backup, error) {
	if !p.Changed() {
		return nil, nil
	}
	if err := needPrivilege(p.Root); err != nil {
		return nil, err
	}
	type current struct {
		host string
		info os.FileInfo
	}
	cur := make([]current, len(p.Files))
	for i, f := range p.Files {
		host := HostPath(p.Root, f.Path)
		info, err := os.Lstat(host)
		if err != nil {
			return nil, writeFailed(f.Path, err)
		}
		if !info.Mode().IsRegular() {
			return nil, i18n.Failed(i18n.T("%s is not a regular file (a symbolic link?); nothing was written",
				"%s는 일반 파일이 아닙니다 (심볼릭 링크?). 아무것도 쓰지 않았습니다").F(f.Path), nil)
		}
		if err := unchanged(host, f); err != nil {
			return nil, err
		}
		cur[i] = current{host, info}
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
		sum := sha256.Sum256(f.Old)
		b.Files = append(b.Files, BackupFile{
			Path: f.Path, Mode: fmt.Sprintf("%04o", uint32(cur[i].info.Mode().Perm())),
			UID: int(st.Uid), GID: int(st.Gid), SHA256: hex.EncodeToString(sum[:]), Copy: fmt.Sprintf("%d-%s", i, filepath.Base(f.Path)),
		})
	}
	if err := b.save(p.Root, p.Files); err != nil {
		return nil, err
	}
	for i, f := range p.Files {
		st := cur[i].info.Sys().(*syscall.Stat_t)
		if err := replaceFile(cur[i].host, f.New, cur[i].info.Mode().Perm(), int(st.Uid), int(st.Gid), func() error { return unchanged(cur[i].host, f) }); err != nil {
			return b, err
		}
	}
	return b, nil
}

func unchanged(host string, f FilePlan) error {
	now, err := os.ReadFile(host)
	if err != nil {
		return writeFailed(f.Path, err)
	}
	if !bytes.Equal(now, f.Old) {
		return i18n.Failed(i18n.T("%s changed since it was read; nothing was written to it (run the command again)",
			"%s가 읽은 뒤에 바뀌었습니다. 이 파일에는 아무것도 쓰지 않았습니다 (명령을 다시 실행하세요)").F(f.Path), nil)
	}
	return nil
}

func (b *Backup) save(root string, files []FilePlan) error {
	parent := HostPath(root, BackupDir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return writeFailed(BackupDir, err)
	}
	b.Dir = filepath.Join(parent, b.ID)
	if err := os.Mkdir(b.Dir, 0o700); err != nil {
		return writeFailed(BackupDir, err)
	}
	for i, f := range files {
		if err := writeSynced(filepath.Join(b.Dir, b.Files[i].Copy), f.Old); err != nil {
			return writeFailed(BackupDir, err)
		}
	}
	js, _ := json.MarshalIndent(b, "", "  ")
	if err := writeSynced(filepath.Join(b.Dir, "manifest.json"), append(js, '\n')); err != nil {
		return writeFailed(BackupDir, err)
	}
	if err := syncDir(b.Dir); err != nil {
		return writeFailed(BackupDir, err)
	}
	return syncDir(parent)
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// leftover matches the temporary files renameio makes: "." + name + digits.
func leftovers(dir, base string) []string {
	re := regexp.MustCompile(`^\.` + regexp.QuoteMeta(base) + `-?[0-9]+$`)
	des, _ := os.ReadDir(dir)
	var out []string
	for _, d := range des {
		if re.MatchString(d.Name()) {
			out = append(out, filepath.Join(dir, d.Name()))
		}
	}
	return out
}

// replaceFile atomically replaces host with data, with the given mode and
// owner. check runs just before the rename; an error from it leaves the
// file as it was.
func replaceFile(host string, data []byte, mode os.FileMode, uid, gid int, check func() error) error {
	dir := filepath.Dir(host)
	// Temporary files left by an earlier run that was killed: apt never
	// reads them (they start with a dot), but they are litter.
	for _, l := range leftovers(dir, filepath.Base(host)) {
		os.Remove(l)
	}
	pf, err := renameio.NewPendingFile(host, renameio.WithTempDir(dir), renameio.WithStaticPermissions(mode))
	if err != nil {
		return writeFailed(host, err)
	}
	defer pf.Cleanup()
	if os.Geteuid() == 0 || uid != os.Geteuid() || gid != os.Getegid() {
		if err := pf.Chown(uid, gid); err != nil {
			return writeFailed(host, err)
		}
	}
	if _, err := pf.Write(data); err != nil {
		return writeFailed(host, err)
	}
	if check != nil {
		if err := check(); err != nil {
			return err
		}
	}
	if err := pf.CloseAtomicallyReplace(); err != nil {
		return writeFailed(host, err)
	}
	if err := syncDir(dir); err != nil {
		return writeFailed(host, err)
	}
	return nil
}

// Backups returns the backups under root, newest first. Restored ones are
// left out unless all is set.
func Backups(root string, all bool) ([]*Backup, error) {
	parent := HostPath(root, BackupDir)
	des, err := os.ReadDir(parent)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot read the backups", "백업을 읽을 수 없습니다"), err)
	}
	var out []*Backup
	for _, d := range des {
		if !d.IsDir() || (!all && strings.HasSuffix(d.Name(), ".restored")) {
			continue
		}
		dir := filepath.Join(parent, d.Name())
		js, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
		if err != nil {
			continue // a backup interrupted before its manifest: never used
		}
		var b Backup
		if json.Unmarshal(js, &b) != nil {
			continue
		}
		b.Dir = dir
		out = append(out, &b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, nil
}

// switchedTo returns the mirror URLs earlier switches under root pointed
// archives at, so that a later switch recognises them as archives.
func switchedTo(root string) map[string][]string {
	bs, _ := Backups(root, true)
	out := map[string][]string{}
	for _, b := range bs {
		for d, u := range b.URLs {
			d = strings.TrimSuffix(d, "-ports")
			out[d] = append(out[d], u)
		}
	}
	return out
}

// Restore puts back the files of the newest backup not yet restored:
// their bytes, mode and owner, each atomically. The backup is then marked
// restored, so a second restore goes one switch further back.
func Restore(root string) (*Backup, error) {
	bs, err := Backups(root, false)
	if err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		return nil, i18n.Failed(i18n.T("there is no backup to restore", "되돌릴 백업이 없습니다"), nil).
			WithHint(i18n.T("a backup is made by 'sysdojo apt switch'", "백업은 'sysdojo apt switch'가 만듭니다"))
	}
	if err := needPrivilege(root); err != nil {
		return nil, err
	}
	b := bs[0]
	datas := make([][]byte, len(b.Files))
	for i, f := range b.Files {
		data, err := os.ReadFile(filepath.Join(b.Dir, f.Copy))
		if err != nil {
			return nil, i18n.Failed(i18n.T("cannot read the backup of %s", "%s의 백업을 읽을 수 없습니다").F(f.Path), err)
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != f.SHA256 {
			return nil, i18n.Failed(i18n.T("the backup of %s is damaged (checksum mismatch); nothing was restored",
				"%s의 백업이 손상되었습니다 (체크섬 불일치). 아무것도 되돌리지 않았습니다").F(f.Path), nil)
		}
		datas[i] = data
	}
	for i, f := range b.Files {
		var mode uint32
		fmt.Sscanf(f.Mode, "%o", &mode)
		host := HostPath(root, f.Path)
		if err := os.MkdirAll(filepath.Dir(host), 0o755); err != nil {
			return nil, writeFailed(f.Path, err)
		}
		if err := replaceFile(host, datas[i], os.FileMode(mode), f.UID, f.GID, nil); err != nil {
			return nil, err
		}
	}
	if err := os.Rename(b.Dir, b.Dir+".restored"); err != nil {
		return nil, writeFailed(BackupDir, err)
	}
	return b, nil
}
