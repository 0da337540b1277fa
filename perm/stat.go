package perm

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// FileInfo is what ls -l shows of one path, without following a final
// symbolic link.
type FileInfo struct {
	Path     string    `json:"path"`
	Type     string    `json:"type"` // stat's %F words
	TypeChar string    `json:"type_letter"`
	Mode     Mode      `json:"mode"`
	Symbolic string    `json:"symbolic"`
	Nlink    uint64    `json:"nlink"`
	UID      uint32    `json:"uid"`
	GID      uint32    `json:"gid"`
	Owner    string    `json:"owner"`
	Group    string    `json:"group"`
	Size     int64     `json:"size"`
	ModTime  time.Time `json:"mtime"`
	Target   string    `json:"target,omitempty"`
}

// Stat lstats path and names its owner and group from db.
func Stat(path string, db *DB) (FileInfo, error) {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return FileInfo{}, &os.PathError{Op: "lstat", Path: path, Err: err}
	}
	typ := TypeLetterStat(st.Mode)
	m := FromStatMode(st.Mode)
	fi := FileInfo{
		Path: path, Type: TypeNameSize(typ, st.Size), TypeChar: string(typ), Mode: m,
		Symbolic: LsString(m, typ), Nlink: uint64(st.Nlink), UID: st.Uid, GID: st.Gid,
		Owner: fmt.Sprint(st.Uid), Group: fmt.Sprint(st.Gid), Size: st.Size,
		ModTime: time.Unix(st.Mtim.Unix()),
	}
	if db != nil {
		fi.Owner, fi.Group = db.UserName(st.Uid), db.GroupName(st.Gid)
	}
	if typ == TypeSymlink {
		t, err := os.Readlink(path)
		if err != nil {
			return FileInfo{}, fmt.Errorf("reading link %s: %w", path, err)
		}
		fi.Target = t
	}
	return fi, nil
}

// LsLine formats fi as ls -l does (with an ISO date, as ls --time-style=long-iso).
func (fi FileInfo) LsLine() string {
	s := fmt.Sprintf("%s %d %s %s %d %s %s", fi.Symbolic, fi.Nlink, fi.Owner, fi.Group, fi.Size,
		fi.ModTime.Format("2006-01-02 15:04"), fi.Path)
	if fi.Target != "" {
		s += " -> " + fi.Target
	}
	return s
}
