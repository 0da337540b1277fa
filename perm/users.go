package perm

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// User is one line of /etc/passwd.
type User struct {
	Name string
	UID  uint32
	GID  uint32
}

// Group is one line of /etc/group.
type Group struct {
	Name    string
	GID     uint32
	Members []string
}

// DB is a user and group database read from passwd and group files. sysdojo
// reads the files rather than NSS so that tests (and lessons) can supply
// their own.
type DB struct {
	Users  []User
	Groups []Group
}

// LoadDB reads a passwd and a group file (normally /etc/passwd and /etc/group).
func LoadDB(passwdPath, groupPath string) (*DB, error) {
	db := &DB{}
	if err := readColonFile(passwdPath, func(f []string) error {
		if len(f) < 4 {
			return fmt.Errorf("want at least 4 fields, got %d", len(f))
		}
		uid, err1 := parseID(f[2])
		gid, err2 := parseID(f[3])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("bad uid or gid")
		}
		db.Users = append(db.Users, User{Name: f[0], UID: uid, GID: gid})
		return nil
	}); err != nil {
		return nil, err
	}
	if err := readColonFile(groupPath, func(f []string) error {
		if len(f) < 3 {
			return fmt.Errorf("want at least 3 fields, got %d", len(f))
		}
		gid, err := parseID(f[2])
		if err != nil {
			return fmt.Errorf("bad gid")
		}
		g := Group{Name: f[0], GID: gid}
		if len(f) > 3 && f[3] != "" {
			g.Members = strings.Split(f[3], ",")
		}
		db.Groups = append(db.Groups, g)
		return nil
	}); err != nil {
		return nil, err
	}
	return db, nil
}

func parseID(s string) (uint32, error) {
	v, err := strconv.ParseUint(s, 10, 32)
	return uint32(v), err
}

func readColonFile(path string, line func([]string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading user database: %w", err)
	}
	defer f.Close()
	return scanColon(f, path, line)
}

func scanColon(r io.Reader, path string, line func([]string) error) error {
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		t := sc.Text()
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "+") || strings.HasPrefix(t, "-") {
			continue
		}
		if err := line(strings.Split(t, ":")); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return sc.Err()
}

// UserByName returns the first user called name.
func (db *DB) UserByName(name string) (User, bool) {
	for _, u := range db.Users {
		if u.Name == name {
			return u, true
		}
	}
	return User{}, false
}

// UserByID returns the first user with uid.
func (db *DB) UserByID(uid uint32) (User, bool) {
	for _, u := range db.Users {
		if u.UID == uid {
			return u, true
		}
	}
	return User{}, false
}

// GroupByName returns the first group called name.
func (db *DB) GroupByName(name string) (Group, bool) {
	for _, g := range db.Groups {
		if g.Name == name {
			return g, true
		}
	}
	return Group{}, false
}

// GroupByID returns the first group with gid.
func (db *DB) GroupByID(gid uint32) (Group, bool) {
	for _, g := range db.Groups {
		if g.GID == gid {
			return g, true
		}
	}
	return Group{}, false
}

// UserName returns the name of uid, or the number when it has none.
func (db *DB) UserName(uid uint32) string {
	if u, ok := db.UserByID(uid); ok {
		return u.Name
	}
	return strconv.FormatUint(uint64(uid), 10)
}

// GroupName returns the name of gid, or the number when it has none.
func (db *DB) GroupName(gid uint32) string {
	if g, ok := db.GroupByID(gid); ok {
		return g.Name
	}
	return strconv.FormatUint(uint64(gid), 10)
}

// Cred is who asks the kernel: a uid, a gid and the supplementary groups.
type Cred struct {
	Name   string   `json:"name"`
	UID    uint32   `json:"uid"`
	GID    uint32   `json:"gid"`
	Groups []uint32 `json:"groups"`
}

// InGroup reports whether gid is c's group or one of its supplementary groups.
func (c Cred) InGroup(gid uint32) bool {
	if c.GID == gid {
		return true
	}
	for _, g := range c.Groups {
		if g == gid {
			return true
		}
	}
	return false
}

// Cred returns the credentials a login of user would have: its uid, its
// login group, and every group that lists it as a member (as initgroups).
// user is a name or a decimal uid.
func (db *DB) Cred(user string) (Cred, error) {
	u, ok := db.UserByName(user)
	if !ok {
		id, err := strconv.ParseUint(user, 10, 32)
		if err != nil {
			return Cred{}, &UnknownError{What: "user", Name: user}
		}
		if u, ok = db.UserByID(uint32(id)); !ok {
			// A uid without a passwd line: no groups but its own number.
			return Cred{Name: user, UID: uint32(id), GID: uint32(id)}, nil
		}
	}
	c := Cred{Name: u.Name, UID: u.UID, GID: u.GID, Groups: []uint32{u.GID}}
	for _, g := range db.Groups {
		for _, m := range g.Members {
			if m == u.Name && g.GID != u.GID {
				c.Groups = append(c.Groups, g.GID)
			}
		}
	}
	return c, nil
}

// UnknownError is a user or group name that is not in the database.
type UnknownError struct {
	What string // "user" or "group"
	Name string
}

func (e *UnknownError) Error() string { return "unknown " + e.What + " " + quote(e.Name) }
