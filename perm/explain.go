package perm

import (
	"strings"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Parsed is a mode given in any of the forms people write.
type Parsed struct {
	Mode Mode `json:"mode"`
	// Type is the file type letter: from an ls string, else '-'.
	Type byte `json:"-"`
	// Form is "octal", "ls" or "symbolic".
	Form string `json:"form"`
}

// ParseAny reads a mode the way a person writes it: octal (754, 0754,
// 4755, and 0o755 as Go and Python write it), an ls -l string (rwxr-xr--, -rwsr-xr-x, drwxrwxrwt) or a
// symbolic chmod mode (u=rwx,g=rx,o=r), which is applied to 0000 with
// umask 000.
func ParseAny(s string) (Parsed, error) {
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		oct := s
		if rest, ok := strings.CutPrefix(strings.ToLower(s), "0o"); ok && rest != "" && rest[0] != '-' && rest[0] != '+' {
			oct = rest
		}
		c, err := Compile(oct)
		if err != nil && oct != s {
			return Parsed{}, &ModeError{Mode: s}
		} else if err != nil {
			return Parsed{}, err
		}
		return Parsed{Mode: c.Apply(0, false, 0), Type: TypeRegular, Form: "octal"}, nil
	}
	if len(s) == 9 || len(s) == 10 {
		if m, t, err := ParseLs(s); err == nil {
			return Parsed{Mode: m, Type: t, Form: "ls"}, nil
		}
	}
	c, err := Compile(s)
	if err != nil {
		return Parsed{}, err
	}
	return Parsed{Mode: c.Apply(0, false, 0), Type: TypeRegular, Form: "symbolic"}, nil
}

// Access is what one class (user, group, other) may do.
type Access struct {
	Who   string `json:"who"` // "user", "group", "other"
	Bits  string `json:"bits"`
	Read  bool   `json:"read"`
	Write bool   `json:"write"`
	Exec  bool   `json:"execute"`
}

// Classes returns the rwx of user, group and other in m.
func Classes(m Mode) []Access {
	var out []Access
	for i, who := range []string{"user", "group", "other"} {
		v := m >> uint(6-3*i) & 7
		out = append(out, Access{Who: who, Bits: rwxOf(Mode(7)<<uint(6-3*i), m),
			Read: v&4 != 0, Write: v&2 != 0, Exec: v&1 != 0})
	}
	return out
}

// Meaning explains r, w and x for a regular file or for a directory.
func Meaning(dir bool) [3]i18n.Text {
	if dir {
		return [3]i18n.Text{
			i18n.T("r: list the names inside (ls)", "r: 안에 있는 이름 목록을 볼 수 있음 (ls)"),
			i18n.T("w: create, delete and rename entries (needs x too)", "w: 안의 항목을 만들고 지우고 이름을 바꿀 수 있음 (x도 있어야 함)"),
			i18n.T("x: enter it (cd) and reach the files inside by name", "x: 들어갈 수 있고(cd) 안의 파일에 이름으로 접근할 수 있음"),
		}
	}
	return [3]i18n.Text{
		i18n.T("r: read the contents", "r: 내용을 읽을 수 있음"),
		i18n.T("w: change the contents", "w: 내용을 고칠 수 있음"),
		i18n.T("x: run it as a program", "x: 프로그램으로 실행할 수 있음"),
	}
}

// Specials explains the special bits set in m, for a file or a directory.
func Specials(m Mode, dir bool) []i18n.Text {
	var out []i18n.Text
	if m&SetUID != 0 {
		if dir {
			out = append(out, i18n.T("setuid (4000): ignored on directories by Linux",
				"setuid (4000): 리눅스는 디렉터리의 setuid를 무시합니다"))
		} else {
			out = append(out, i18n.T("setuid (4000): the program runs with its owner's user ID (passwd does this)",
				"setuid (4000): 누가 실행하든 파일 소유자의 권한으로 실행됩니다 (passwd 명령이 대표적인 예)"))
		}
	}
	if m&SetGID != 0 {
		if dir {
			out = append(out, i18n.T("setgid (2000): new entries inside take this directory's group",
				"setgid (2000): 안에서 새로 만든 파일은 이 디렉터리의 그룹을 물려받습니다"))
		} else {
			out = append(out, i18n.T("setgid (2000): the program runs with the file's group ID",
				"setgid (2000): 누가 실행하든 파일 그룹의 권한으로 실행됩니다"))
		}
	}
	if m&Sticky != 0 {
		if dir {
			out = append(out, i18n.T("sticky (1000): only an entry's owner (or the directory's owner, or root) may delete or rename it, as in /tmp",
				"sticky (1000): 안의 파일은 그 파일의 소유자(또는 디렉터리 소유자나 root)만 지우거나 이름을 바꿀 수 있습니다. /tmp가 대표적인 예입니다"))
		} else {
			out = append(out, i18n.T("sticky (1000): no effect on regular files in Linux",
				"sticky (1000): 리눅스에서 일반 파일에는 효과가 없습니다"))
		}
	}
	if m&SetUID != 0 && m&0100 == 0 && !dir || m&SetGID != 0 && m&0010 == 0 && !dir {
		out = append(out, i18n.T("a capital S means the special bit is set without the x under it: it does nothing until x is added",
			"대문자 S는 x 없이 특수 비트만 켜져 있다는 뜻입니다. x를 주기 전에는 아무 효과가 없습니다"))
	}
	return out
}

// Symbolic returns m as the symbolic mode chmod takes to set it exactly:
// "u=rwx,g=rx,o=rx" for 0755, with s and t for the special bits
// ("u=rwxs,g=rx,o=rx" for 4755, "u=rwx,g=rwx,o=rwxt" for 1777).
func Symbolic(m Mode) string {
	var b strings.Builder
	for i, who := range []string{"u", "g", "o"} {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(who + "=")
		v := m >> uint(6-3*i) & 7
		for j, c := range "rwx" {
			if v&(4>>uint(j)) != 0 {
				b.WriteRune(c)
			}
		}
		if special := []Mode{SetUID, SetGID, Sticky}[i]; m&special != 0 {
			b.WriteString(map[int]string{0: "s", 1: "s", 2: "t"}[i])
		}
	}
	return b.String()
}
