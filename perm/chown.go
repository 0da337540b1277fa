package perm

import (
	"strconv"
	"strings"
)

// OwnerSpec is a parsed chown OWNER[:GROUP] argument (gnulib parse_user_spec).
type OwnerSpec struct {
	Spec string `json:"spec"`
	// SetUser / SetGroup say whether chown would change the owner / group.
	SetUser  bool   `json:"set_user"`
	SetGroup bool   `json:"set_group"`
	UID      uint32 `json:"uid"`
	GID      uint32 `json:"gid"`
	User     string `json:"user,omitempty"`  // name, when one was looked up
	Group    string `json:"group,omitempty"` // name, when one was given or looked up
	// LoginGroup: "OWNER:" took OWNER's login group.
	LoginGroup bool `json:"login_group"`
	// Dot: the old "owner.group" form was used; chown warns '.' should be ':'.
	Dot bool `json:"dot"`
}

// SpecError is a spec chown rejects. Reason is chown's words: "invalid
// user", "invalid group" or "invalid spec".
type SpecError struct {
	Reason string
	Spec   string
}

func (e *SpecError) Error() string { return e.Reason + ": " + quote(e.Spec) }

const maxID = 1<<32 - 2 // (uid_t)-1 is not an id

// ParseOwnerSpec parses a chown spec exactly as GNU chown does, looking
// names up in db: OWNER, OWNER:, :GROUP, OWNER:GROUP, and when there is no
// colon and the whole string is not a user name, the old OWNER.GROUP form.
// Names are tried before numbers; a leading '+' skips the name look-up.
func ParseOwnerSpec(spec string, db *DB) (OwnerSpec, error) {
	sep := strings.IndexByte(spec, ':')
	r, err := parseWithSeparator(spec, sep, db)
	if sep < 0 && err != nil {
		if dot := strings.IndexByte(spec, '.'); dot >= 0 {
			if r2, err2 := parseWithSeparator(spec, dot, db); err2 == nil {
				r2.Dot = true
				return r2, nil
			}
		}
	}
	return r, err
}

func parseWithSeparator(spec string, sep int, db *DB) (OwnerSpec, error) {
	r := OwnerSpec{Spec: spec}
	var u, g string
	hasU, hasG := false, false
	if sep < 0 {
		u, hasU = spec, spec != ""
	} else {
		u, hasU = spec[:sep], sep > 0
		g, hasG = spec[sep+1:], sep+1 < len(spec)
	}
	if hasU {
		r.SetUser = true
		var pw User
		found := false
		if u[0] != '+' {
			pw, found = db.UserByName(u)
		}
		if !found {
			if sep >= 0 && !hasG {
				return OwnerSpec{Spec: spec}, &SpecError{Reason: "invalid spec", Spec: spec}
			}
			id, ok := parseUnsigned(u)
			if !ok {
				return OwnerSpec{Spec: spec}, &SpecError{Reason: "invalid user", Spec: spec}
			}
			r.UID = id
		} else {
			r.UID, r.User = pw.UID, pw.Name
			if !hasG && sep >= 0 {
				r.SetGroup, r.LoginGroup, r.GID = true, true, pw.GID
				r.Group = db.GroupName(pw.GID)
			}
		}
	}
	if hasG {
		r.SetGroup = true
		var gr Group
		found := false
		if g[0] != '+' {
			gr, found = db.GroupByName(g)
		}
		if found {
			r.GID = gr.GID
		} else {
			id, ok := parseUnsigned(g)
			if !ok {
				return OwnerSpec{Spec: spec}, &SpecError{Reason: "invalid group", Spec: spec}
			}
			r.GID = id
		}
		r.Group = g
	}
	return r, nil
}

// parseUnsigned is gnulib's xstrtoul(s, base 10) with no suffixes, limited
// to valid ids: leading white space and one '+' are allowed (strtoul's
// rules), a '-' is not.
func parseUnsigned(s string) (uint32, bool) {
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	if strings.HasPrefix(t, "-") {
		return 0, false
	}
	t = strings.TrimPrefix(t, "+")
	if t == "" || t[0] < '0' || t[0] > '9' {
		return 0, false
	}
	v, err := strconv.ParseUint(t, 10, 64)
	if err != nil || v > maxID {
		return 0, false
	}
	return uint32(v), true
}

// ParseGroupSpec parses a chgrp argument: a group name or number.
func ParseGroupSpec(spec string, db *DB) (uint32, error) {
	if spec != "" && spec[0] != '+' {
		if g, ok := db.GroupByName(spec); ok {
			return g.GID, nil
		}
	}
	if id, ok := parseUnsigned(spec); ok && spec != "" {
		return id, nil
	}
	return 0, &SpecError{Reason: "invalid group", Spec: spec}
}

// ChownEffect is what chown would do to a file: owner and group before and
// after, and the special bits the kernel clears.
type ChownEffect struct {
	UIDBefore, UIDAfter uint32
	GIDBefore, GIDAfter uint32
	ModeBefore          Mode
	ModeAfter           Mode
	Changes             bool
}

// Effect returns what `chown SPEC FILE`, run by root, does to a file with
// this owner, group and mode.
//
// GNU chown always calls chown(2), with -1 for an id the spec does not set,
// even when the spec sets nothing ("" and ":"), and for a non-directory the
// kernel then clears setuid, and setgid when group-x is set, even if no id
// changes and even for root: `chown : f` turns 6755 into 0755 and 6745 into
// 2745. (For a caller without CAP_FSETID who is not in the file's group,
// Linux also clears a setgid without group-x.) Directories keep their bits.
func (r OwnerSpec) Effect(uid, gid uint32, mode Mode, dir bool) ChownEffect {
	mode &= AllBits
	e := ChownEffect{UIDBefore: uid, UIDAfter: uid, GIDBefore: gid, GIDAfter: gid, ModeBefore: mode, ModeAfter: mode}
	if r.SetUser {
		e.UIDAfter = r.UID
	}
	if r.SetGroup {
		e.GIDAfter = r.GID
	}
	if !dir {
		e.ModeAfter = mode &^ SetUID
		if mode&0o010 != 0 {
			e.ModeAfter &^= SetGID
		}
	}
	e.Changes = e.UIDAfter != uid || e.GIDAfter != gid || e.ModeAfter != mode
	return e
}
