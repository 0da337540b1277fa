package lessons

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/perm"
)

// Env is what a check looks at: the workspace and the student's answer.
type Env struct {
	// Dir is the lesson's workspace; check paths are relative to it.
	Dir string
	// Answer is the student's answer to this step ("" when none).
	Answer string
	// Passwd and Group are the user database files (default /etc/...).
	Passwd, Group string
	// ContainerRoot is where the container checks find containers
	// (default: the container package's state root, /run/sysdojo/...).
	ContainerRoot string
	// As, when set, are the rights every look at the workspace is made
	// with (the workspace owner's, when root grades a student's work).
	As *Creds
}

// readFile reads a file a check looks at: followed like cat would, but
// only a regular file, at most MaxCheckedFileSize bytes, with env.As's
// rights.
func (env Env) readFile(p string) (data []byte, err error) {
	if aerr := env.As.Do(func() { data, err = ReadUserFile(p, MaxCheckedFileSize, false) }); aerr != nil {
		return nil, aerr
	}
	return data, err
}

// Criterion is the outcome of one check: what it saw against what the
// task wants, and one line saying so in the lesson's terms.
type Criterion struct {
	OK   bool      `json:"ok"`
	Saw  string    `json:"saw"`
	Want string    `json:"want"`
	Line i18n.Text `json:"text"`
}

// StepResult is the outcome of all the checks of one step.
type StepResult struct {
	Step     int         `json:"step"` // from 1
	Passed   bool        `json:"passed"`
	Criteria []Criterion `json:"criteria"`
}

// CheckStep runs every check of step number n (from 1) of the bound
// lesson l against env, one criterion per check.
func (l *Lesson) CheckStep(n int, env Env) StepResult {
	r := StepResult{Step: n, Passed: true}
	s := &l.Steps[n-1]
	var db *perm.DB
	for _, c := range s.Checks {
		if db == nil && (c.Kind == KindOwner || c.Kind == KindGroup) {
			var err error
			if db, err = loadUsers(env.Passwd, env.Group); err != nil {
				db = &perm.DB{}
			}
		}
		var cr Criterion
		if fileKinds[c.Kind] {
			// Everything a file kind looks at is in the workspace: look
			// with the owner's rights.
			if err := env.As.Do(func() { cr = runCheck(c, env, db) }); err != nil {
				cr = Criterion{Saw: "error", Want: c.Want, Line: t("cannot look at the workspace with its owner's rights: %v", "작업 디렉터리를 주인의 권한으로 살펴볼 수 없습니다: %v").F(err)}
			}
		} else {
			cr = runCheck(c, env, db)
		}
		if !cr.OK && !c.Why.IsZero() {
			cr.Line = join(cr.Line, c.Why)
		}
		r.Passed = r.Passed && cr.OK
		r.Criteria = append(r.Criteria, cr)
	}
	return r
}

var t = i18n.T

// fileKinds are the kinds that only look at files under the workspace.
var fileKinds = map[string]bool{
	KindExists: true, KindAbsent: true, KindMode: true, KindOwner: true, KindGroup: true,
	KindSameInode: true, KindDiffInode: true, KindTarget: true, KindDangles: true,
	KindResolves: true, KindNlink: true, KindContains: true, KindAnswer: true,
	KindAnswerInode: true, KindMirror: true,
}

// bi formats each language with its own arguments.
func bi(en, ko string, enArgs, koArgs []any) i18n.Text {
	return i18n.Text{En: fmt.Sprintf(en, enArgs...), Ko: fmt.Sprintf(ko, koArgs...)}
}

func join(a, b i18n.Text) i18n.Text {
	return i18n.Text{En: a.En + ": " + b.En, Ko: a.Ko + ": " + b.Ko}
}

var typeKo = map[string]string{
	"regular file": "일반 파일", "regular empty file": "빈 일반 파일", "directory": "디렉터리",
	"symbolic link": "심볼릭 링크", "fifo": "FIFO(이름 있는 파이프)", "socket": "소켓",
	"character special file": "문자 장치 파일", "block special file": "블록 장치 파일",
}

// typeText names a file type in both languages.
func typeText(typ string) i18n.Text {
	ko := typeKo[typ]
	if ko == "" {
		ko = typ
	}
	return t(typ, ko)
}

func sameType(saw, want string) bool {
	return saw == want || (want == "regular file" && saw == "regular empty file")
}

// missing is the line for a path that is not there.
func missing(p string, err error) Criterion {
	if errors.Is(err, fs.ErrNotExist) {
		return Criterion{Saw: "missing", Line: t("%s does not exist yet", "%s: 아직 없습니다").F(p)}
	}
	// The error names the workspace path, which a progress file gives:
	// shown escaped.
	return Criterion{Saw: "error", Line: t("%s: cannot look at it: %s", "%s: 살펴볼 수 없습니다: %s").F(p, Printable(err.Error()))}
}

func runCheck(c Check, env Env, db *perm.DB) Criterion {
	abs := func(p string) string { return filepath.Join(env.Dir, p) }
	p := c.Path
	switch c.Kind {
	case KindExists:
		n, err := inspect(abs(p), db)
		if err != nil {
			cr := missing(p, err)
			cr.Want = or(c.Want, "exists")
			if c.Want != "" {
				cr.Line = join(cr.Line, bi("the task asks for a %s", "과제에서 원하는 것은 %s입니다", []any{c.Want}, []any{typeText(c.Want).Ko}))
			}
			return cr
		}
		if c.Want != "" && !sameType(n.Type, c.Want) {
			tt, wt := typeText(n.Type), typeText(c.Want)
			return Criterion{Saw: n.Type, Want: c.Want,
				Line: bi("%s is a %s; the task asks for a %s", "%s: %s입니다. 과제에서 원하는 것은 %s입니다", []any{p, tt.En, wt.En}, []any{p, tt.Ko, wt.Ko})}
		}
		tt := typeText(n.Type)
		return Criterion{OK: true, Saw: n.Type, Want: or(c.Want, "exists"),
			Line: bi("%s exists (%s)", "%s: 있습니다 (%s)", []any{p, tt.En}, []any{p, tt.Ko})}

	case KindAbsent:
		if _, err := os.Lstat(abs(p)); errors.Is(err, fs.ErrNotExist) {
			return Criterion{OK: true, Saw: "missing", Want: "missing",
				Line: t("%s is no longer there", "%s: 이제 없습니다").F(p)}
		}
		return Criterion{Saw: "exists", Want: "missing",
			Line: t("%s is still there; the task asks for it to be gone from here", "%s: 아직 있습니다. 과제는 이 자리에서 없애는 것입니다").F(p)}

	case KindMode:
		want, ok := parseMode(c.Want)
		if !ok {
			return Criterion{Saw: "?", Want: c.Want, Line: t("bad mode %q in the lesson", "레슨의 모드 %q가 잘못되었습니다").F(c.Want)}
		}
		n, err := inspect(abs(p), db)
		if err != nil {
			cr := missing(p, err)
			cr.Want = want.String()
			return cr
		}
		if n.Mode == want {
			return Criterion{OK: true, Saw: n.Mode.String(), Want: want.String(),
				Line: t("%s is %s (%s)", "%s: %s (%s)입니다").F(p, n.Mode, lsBits(n.Mode))}
		}
		d := modeDiff(n.Mode, want)
		return Criterion{Saw: n.Mode.String(), Want: want.String(),
			Line: bi("%s is %s (%s); the task asks for %s (%s): %s", "%s: %s (%s)입니다. 과제는 %s (%s)입니다: %s",
				[]any{p, n.Mode, lsBits(n.Mode), want, lsBits(want), d.En}, []any{p, n.Mode, lsBits(n.Mode), want, lsBits(want), d.Ko})}

	case KindOwner, KindGroup:
		n, err := inspect(abs(p), db)
		if err != nil {
			cr := missing(p, err)
			cr.Want = c.Want
			return cr
		}
		saw := n.Owner
		if c.Kind == KindGroup {
			saw = n.Group
		}
		ok := saw == c.Want
		switch {
		case c.Kind == KindOwner && ok:
			return Criterion{OK: true, Saw: saw, Want: c.Want, Line: t("%s belongs to %s", "%s: 소유자가 %s입니다").F(p, saw)}
		case c.Kind == KindOwner:
			return Criterion{Saw: saw, Want: c.Want, Line: t("%s belongs to %s; the task asks for owner %s", "%s: 소유자가 %s입니다. 과제는 소유자 %s입니다").F(p, saw, c.Want)}
		case ok:
			return Criterion{OK: true, Saw: saw, Want: c.Want, Line: t("%s has group %s", "%s: 그룹이 %s입니다").F(p, saw)}
		default:
			return Criterion{Saw: saw, Want: c.Want, Line: t("%s has group %s; the task asks for group %s", "%s: 그룹이 %s입니다. 과제는 그룹 %s입니다").F(p, saw, c.Want)}
		}

	case KindSameInode, KindDiffInode:
		var ns []node
		var desc []string
		for _, q := range c.Paths {
			n, err := inspect(abs(q), db)
			if err != nil {
				cr := missing(q, err)
				cr.Want = c.Kind
				return cr
			}
			ns = append(ns, n)
			desc = append(desc, fmt.Sprintf("%s=%d", q, n.Inode))
		}
		same := true
		for _, n := range ns[1:] {
			same = same && n.Inode == ns[0].Inode && n.Dev == ns[0].Dev
		}
		saw := strings.Join(desc, " ")
		names := strings.Join(c.Paths, ", ")
		if c.Kind == KindSameInode {
			if same {
				return Criterion{OK: true, Saw: saw, Want: "same inode",
					Line: t("%s share inode %d: one file, several names", "%s: 같은 아이노드 %d번입니다. 파일 하나에 이름이 여럿").F(names, ns[0].Inode)}
			}
			return Criterion{Saw: saw, Want: "same inode",
				Line: t("inodes differ (%s); the task asks for one inode under these names (a hard link)", "아이노드가 다릅니다 (%s). 과제는 이 이름들이 한 아이노드를 가리키는 것(하드 링크)입니다").F(saw)}
		}
		distinct := map[uint64]bool{}
		for _, n := range ns {
			distinct[n.Inode] = true
		}
		if len(distinct) == len(ns) {
			return Criterion{OK: true, Saw: saw, Want: "different inodes",
				Line: t("%s are different inodes (%s)", "%s: 서로 다른 아이노드입니다 (%s)").F(names, saw)}
		}
		return Criterion{Saw: saw, Want: "different inodes",
			Line: t("some of %s share an inode (%s); the task asks for separate inodes", "%s 중에 아이노드를 같이 쓰는 것이 있습니다 (%s). 과제는 서로 다른 아이노드입니다").F(names, saw)}

	case KindTarget, KindDangles, KindResolves:
		n, err := inspect(abs(p), db)
		want := c.Want
		if c.Kind != KindTarget {
			want = c.Kind
		}
		if err != nil {
			cr := missing(p, err)
			cr.Want = want
			return cr
		}
		if !n.IsLink {
			tt := typeText(n.Type)
			return Criterion{Saw: n.Type, Want: want,
				Line: bi("%s is a %s, not a symbolic link", "%s: 심볼릭 링크가 아니라 %s입니다", []any{p, tt.En}, []any{p, tt.Ko})}
		}
		arrow := p + " -> " + n.Target
		switch c.Kind {
		case KindTarget:
			if n.Target == c.Want {
				return Criterion{OK: true, Saw: n.Target, Want: c.Want, Line: t("%s", "%s").F(arrow)}
			}
			return Criterion{Saw: n.Target, Want: c.Want,
				Line: t("%s; the task asks for the target text %q", "%s 입니다. 과제는 대상 텍스트 %q입니다").F(arrow, c.Want)}
		case KindDangles:
			if n.Dangling {
				return Criterion{OK: true, Saw: "dangling", Want: "dangling",
					Line: t("%s leads nowhere now (a dangling link)", "%s: 이제 가리키는 곳이 없습니다 (끊어진 링크)").F(arrow)}
			}
			tt := typeText(n.ToType)
			return Criterion{Saw: "resolves", Want: "dangling",
				Line: bi("%s still leads to a %s (%s)", "%s: 아직 %s(%s)로 이어집니다", []any{arrow, tt.En, n.Resolved}, []any{arrow, tt.Ko, n.Resolved})}
		default:
			if !n.Dangling {
				tt := typeText(n.ToType)
				return Criterion{OK: true, Saw: "resolves", Want: "resolves",
					Line: bi("%s leads to a %s", "%s: %s로 이어집니다", []any{arrow, tt.En}, []any{arrow, tt.Ko})}
			}
			return Criterion{Saw: "dangling", Want: "resolves",
				Line: t("%s dangles: %s does not exist", "%s: 끊어진 링크입니다. 없는 경로: %s").F(arrow, n.Missing)}
		}

	case KindNlink:
		want, err := strconv.ParseUint(c.Want, 10, 64)
		if err != nil {
			return Criterion{Saw: "?", Want: c.Want, Line: t("bad link count %q in the lesson", "레슨의 링크 수 %q가 잘못되었습니다").F(c.Want)}
		}
		n, err := inspect(abs(p), db)
		if err != nil {
			cr := missing(p, err)
			cr.Want = c.Want
			return cr
		}
		saw := strconv.FormatUint(n.Nlink, 10)
		if n.Nlink == want {
			return Criterion{OK: true, Saw: saw, Want: c.Want, Line: t("%s has %d links", "%s: 링크 수가 %d입니다").F(p, n.Nlink)}
		}
		return Criterion{Saw: saw, Want: c.Want,
			Line: t("%s has %d links; the task asks for %d", "%s: 링크 수가 %d입니다. 과제는 %d입니다").F(p, n.Nlink, want)}

	case KindContains:
		data, err := ReadUserFile(abs(p), MaxCheckedFileSize, false)
		if err != nil {
			cr := missing(p, err)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				cr.Line = t("%s cannot be read: it (or what it points to) does not exist", "%s: 읽을 수 없습니다. 파일(또는 링크가 가리키는 곳)이 없습니다").F(p)
			case errors.Is(err, ErrNotRegular), errors.Is(err, ErrTooBig):
				cr.Line = t("%s: %s; the task asks for a regular file", "%s: %s. 과제는 일반 파일입니다").F(p, readWhy(err))
			case errors.Is(err, fs.ErrPermission):
				cr.Line = t("%s cannot be read (permission denied)", "%s: 읽을 수 없습니다 (권한 없음)").F(p)
			}
			cr.Want = c.Want
			return cr
		}
		if strings.Contains(string(data), c.Want) {
			return Criterion{OK: true, Saw: "contains", Want: c.Want, Line: t("%s reads %q", "%s: %q 내용이 보입니다").F(p, c.Want)}
		}
		// What the file holds is not shown: only the checked property.
		return Criterion{Saw: "does not contain", Want: c.Want,
			Line: t("%s does not contain %q yet", "%s: 아직 %q 내용이 없습니다").F(p, c.Want)}

	case KindAnswer, KindAnswerInode:
		accept := append([]string{c.Want}, c.Accept...)
		if c.Kind == KindAnswerInode {
			n, err := inspect(abs(p), db)
			if err != nil {
				cr := missing(p, err)
				cr.Want = "?"
				return cr
			}
			accept = []string{strconv.FormatUint(n.Inode, 10)}
		}
		a := strings.TrimSpace(env.Answer)
		if a == "" {
			return Criterion{Saw: "", Want: "?",
				Line: t("no answer yet: give one with 'sysdojo lesson answer VALUE'", "아직 답이 없습니다: 'sysdojo lesson answer 값'으로 답하세요")}
		}
		for _, w := range accept {
			if normAnswer(a) == normAnswer(w) {
				return Criterion{OK: true, Saw: a, Want: a, Line: t("your answer %q is right", "답 %q: 맞았습니다").F(a)}
			}
		}
		return Criterion{Saw: a, Want: "?", Line: t("your answer %q is not right yet", "답 %q: 아직 틀렸습니다").F(a)}

	case KindMirror:
		root := abs(p)
		srcs, err := aptSources(root)
		if err != nil {
			return Criterion{Saw: "error", Want: c.Want, Line: t("cannot read the sources under %s: %v", "%s 아래의 소스 파일을 읽을 수 없습니다: %v").F(p, err)}
		}
		// Every line counts: the archive lines must use the mirror, and
		// the security lines (suite -security) must stay on a security
		// archive, whatever their URI now says.
		var bad, good, moved []string
		for _, s := range srcs {
			sec := strings.HasSuffix(s.Suite, "-security")
			switch {
			case sec && !isSecurity(s.URI):
				moved = append(moved, s.URI)
			case sec:
			case sameMirror(s.URI, c.Want):
				good = append(good, s.URI)
			default:
				bad = append(bad, s.URI)
			}
		}
		uris := srcs
		if len(moved) > 0 {
			saw := strings.Join(uniq(moved), ", ")
			return Criterion{Saw: saw, Want: c.Want,
				Line: t("the security line under %s now uses %s: security updates stay on the security archive (security.ubuntu.com)",
					"%s 아래의 보안(security) 줄이 %s 미러를 쓰게 되었습니다. 보안 업데이트는 보안 저장소(security.ubuntu.com)에 그대로 두세요").F(p, saw)}
		}
		switch {
		case len(good) > 0 && len(bad) == 0:
			return Criterion{OK: true, Saw: c.Want, Want: c.Want, Line: t("the sources under %s use %s", "%s 아래의 소스가 %s 미러를 씁니다").F(p, c.Want)}
		case len(uris) == 0:
			return Criterion{Saw: "none", Want: c.Want, Line: t("no enabled sources under %s", "%s 아래에 켜진 소스가 없습니다").F(p)}
		default:
			saw := strings.Join(uniq(bad), ", ")
			return Criterion{Saw: saw, Want: c.Want,
				Line: t("the sources under %s still use %s; the task asks for %s", "%s 아래의 소스가 아직 %s 미러를 씁니다. 과제는 %s 미러입니다").F(p, saw, c.Want)}
		}
	}
	if cr, ok := runMoreCheck(c, env); ok {
		return cr
	}
	return Criterion{Saw: "?", Want: c.Kind, Line: t("unknown check %q", "모르는 확인 종류: %q").F(c.Kind)}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func uniq(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// normAnswer compares answers loosely where it is safe: case, spaces and
// a leading "0" of an octal mode do not matter.
func normAnswer(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	if len(s) == 4 && s[0] == '0' && strings.Trim(s, "01234567") == "" {
		s = s[1:]
	}
	return s
}

var (
	whoText = map[string]i18n.Text{"user": t("the owner", "소유자"), "group": t("group", "그룹"), "other": t("others", "기타 사용자")}
	opText  = []i18n.Text{t("read", "읽기"), t("write", "쓰기"), t("execute", "실행")}
)

// modeDiff says in words how saw differs from want: "group may still
// read; others cannot execute yet".
func modeDiff(saw, want perm.Mode) i18n.Text {
	var en, ko []string
	sc, wc := classes(saw), classes(want)
	for i := range sc {
		who := whoText[sc[i].Who]
		sb := []bool{sc[i].Read, sc[i].Write, sc[i].Exec}
		wb := []bool{wc[i].Read, wc[i].Write, wc[i].Exec}
		var extraEn, extraKo, lackEn, lackKo []string
		for j := range sb {
			switch {
			case sb[j] && !wb[j]:
				extraEn, extraKo = append(extraEn, opText[j].En), append(extraKo, opText[j].Ko)
			case !sb[j] && wb[j]:
				lackEn, lackKo = append(lackEn, opText[j].En), append(lackKo, opText[j].Ko)
			}
		}
		if len(extraEn) > 0 {
			en = append(en, who.En+" may still "+strings.Join(extraEn, " and "))
			ko = append(ko, who.Ko+"에게 아직 "+strings.Join(extraKo, "·")+" 권한이 있습니다")
		}
		if len(lackEn) > 0 {
			en = append(en, who.En+" cannot "+strings.Join(lackEn, " or ")+" yet")
			ko = append(ko, who.Ko+"에게 아직 "+strings.Join(lackKo, "·")+" 권한이 없습니다")
		}
	}
	for _, sp := range []struct {
		bit perm.Mode
		en  string
		ko  string
	}{{perm.SetUID, "setuid", "setuid"}, {perm.SetGID, "setgid", "setgid"}, {perm.Sticky, "the sticky bit", "스티키 비트"}} {
		switch {
		case saw&sp.bit != 0 && want&sp.bit == 0:
			en = append(en, sp.en+" is still set")
			ko = append(ko, sp.ko+"가 아직 켜져 있습니다")
		case saw&sp.bit == 0 && want&sp.bit != 0:
			en = append(en, sp.en+" is not set yet")
			ko = append(ko, sp.ko+"가 아직 꺼져 있습니다")
		}
	}
	return t(strings.Join(en, "; "), strings.Join(ko, ", "))
}
