package main

import (
	"fmt"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/term"
	"github.com/sysdojo/sysdojo/perm"
)

// The `perm can` report: a namei-like table, one row per decision on the
// way, and under each row the rule that decided it.
//
//	Can nobody (uid 65534, gid 65534) read /root/x?
//	✗ no — EACCES: permission denied
//
//	     mode        owner:group  need   path
//	  ✓  drwxr-xr-x  root:root    x      /
//	       nobody is neither the owner (root) nor in group root, so the
//	       other bits r-x count: x (search: look a name up) allowed
//	  ✗  drwx------  root:root    x      /root
//	       ...

// credWords says who asks: "nobody (uid 65534, gid 65534, groups 65534,4242)".
func credWords(c perm.Cred, db *perm.DB) string {
	name := c.Name
	if name == "" {
		name = fmt.Sprintf("uid %d", c.UID)
	}
	s := fmt.Sprintf("%s (uid %d, gid %d", name, c.UID, c.GID)
	var extra []string
	for _, g := range c.Groups {
		if g == c.GID {
			continue
		}
		if db != nil {
			extra = append(extra, db.GroupName(g))
		} else {
			extra = append(extra, fmt.Sprint(g))
		}
	}
	if len(extra) > 0 {
		s += ", +" + strings.Join(extra, ",")
	}
	return s + ")"
}

// errnoWords returns "EACCES: permission denied" in the display language.
func (e *env) errnoWords(name string) string {
	for v := syscall.Errno(1); v < 256; v++ {
		if unix.ErrnoName(v) == name {
			return name + ": " + i18n.Cause(v, e.io.Lang)
		}
	}
	return name
}

// wrapPath breaks a long path after slashes into pieces of at most width
// columns; a component longer than width is cut.
func wrapPath(p string, width int) []string {
	if term.Width(p) <= width || width < 8 {
		return []string{p}
	}
	var out []string
	line := ""
	for _, c := range strings.SplitAfter(p, "/") {
		for term.Width(c) > width {
			if line != "" {
				out = append(out, line)
				line = ""
			}
			r := []rune(c)
			n := 0
			for w := 0; n < len(r) && w+term.Width(string(r[n])) <= width; n++ {
				w += term.Width(string(r[n]))
			}
			out = append(out, string(r[:n]))
			c = string(r[n:])
		}
		if line != "" && term.Width(line)+term.Width(c) > width {
			out = append(out, line)
			line = ""
		}
		line += c
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

func (e *env) renderCan(d perm.Decision, db *perm.DB) {
	io := e.io
	who := credWords(d.User, db)
	op := io.T(d.Op.Words())
	q := i18n.T("Can %[1]s %[2]s %[3]s?", "%[1]s 사용자가 %[3]s에 '%[2]s'를 할 수 있나요?").F(who, op, d.Path)
	fmt.Fprint(io.Out, term.WrapPrefix(io.T(q), "", "  ", io.Width()))
	if d.Allowed {
		fmt.Fprintf(io.Out, "%s %s\n", io.Mark(true), io.OK(e.t("yes", "예")))
	} else {
		fmt.Fprintf(io.Out, "%s %s — %s\n", io.Mark(false), io.Bad(e.t("no", "아니요")), e.errnoWords(d.Errno))
	}
	if len(d.Steps) > 0 {
		fmt.Fprintln(io.Out)
		e.canTable(d.Steps)
	}
	last := len(d.Steps) == 0 || d.Steps[len(d.Steps)-1].Rule != d.Reason
	if !d.Allowed && !d.Reason.IsZero() && last {
		fmt.Fprintln(io.Out)
		s := term.WrapPrefix(io.T(d.Reason), "✗ ", "  ", io.Width())
		fmt.Fprint(io.Out, strings.Replace(s, "✗", io.Mark(false), 1))
	}
	for _, s := range d.Steps {
		if s.ACL {
			fmt.Fprintln(io.Out)
			e.note("", i18n.T("%s has a POSIX ACL (see getfacl %s): the kernel checks its entries too, and sysdojo does not, so the answer may differ",
				"%s에는 POSIX ACL이 있습니다 (getfacl %s로 보세요). 커널은 ACL 항목도 검사하지만 sysdojo는 보지 않으므로 답이 다를 수 있습니다").F(s.Path, s.Path))
			break
		}
	}
}

// canTable prints the steps: mark, mode, owner:group, need, path, and the
// rule wrapped under each row.
func (e *env) canTable(steps []perm.AccessStep) {
	io := e.io
	ownW := term.Width(e.t("owner:group", "소유자:그룹"))
	for _, s := range steps {
		if n := term.Width(s.Owner + ":" + s.Group); n > ownW && s.Type != "missing" {
			ownW = n
		}
	}
	if ownW > 24 {
		ownW = 24
	}
	needW := 5
	lead := "     " // mark column: "  ✓  "
	head := lead + term.Pad(e.t("mode", "모드"), 10) + "  " + term.Pad(e.t("owner:group", "소유자:그룹"), ownW) + "  " +
		term.Pad(e.t("need", "필요"), needW) + "  " + e.t("path", "경로")
	fmt.Fprintln(io.Out, io.Dim(head))
	pathCol := 5 + 10 + 2 + ownW + 2 + needW + 2
	for i, s := range steps {
		// A symlink loop makes dozens of rows: keep the start and the end.
		const head, tail = 12, 8
		if len(steps) > head+tail+4 && i >= head && i < len(steps)-tail {
			if i == head {
				fmt.Fprintln(io.Out, io.Dim(fmt.Sprintf("     ... "+e.t("%d more steps", "%d단계 생략")+" ...", len(steps)-head-tail)))
			}
			continue
		}
		og := s.Owner + ":" + s.Group
		mode := s.Ls
		if s.Type == "missing" {
			og, mode = "", e.t("(none)", "(없음)")
		}
		need := s.Need
		path := s.Path
		if s.Type == "symbolic link" {
			need = "→"
			path += " → " + s.Target
		}
		pieces := wrapPath(path, io.Width()-pathCol)
		fmt.Fprintf(io.Out, "  %s  %s  %s  %s  %s\n", io.Mark(s.Allowed), term.Pad(mode, 10), term.Pad(og, ownW), term.Pad(need, needW), pieces[0])
		for _, p := range pieces[1:] {
			fmt.Fprintf(io.Out, "%s%s\n", strings.Repeat(" ", pathCol), p)
		}
		rule := term.WrapPrefix(io.T(s.Rule), "       ", "       ", io.Width())
		for _, l := range strings.Split(strings.TrimSuffix(rule, "\n"), "\n") {
			fmt.Fprintln(io.Out, io.Dim(l))
		}
	}
}
