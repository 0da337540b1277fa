package lessons

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
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
		if isFileKind(c.Kind) {
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
	return i18n.Text{En: fmt.Sprintf(en, enArgs...), Ko: i18n.SprintfKo(ko, koArgs...)}
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
	if k, ok := registry[c.Kind]; ok {
		return k.Run(c, env, db)
	}
	abs := func(p string) string { return filepath.Join(env.Dir, p) }
	p := c.Path
	switch c.Kind {
	case KindExists:
		n, err := inspect(abs(p), db)
		if err != nil {
			cr := missing(p, err)
			cr.Want = or(c.Want, "exists")
			if c.Want != "" {
				cr.Line = join(cr.Line, bi("the task asks for a %s", "과제에 필요한 것: %s", []any{c.Want}, []any{typeText(c.Want).Ko}))
			}
			return cr
		}
		if c.Want != "" && !sameType(n.Type, c.Want) {
			tt, wt := typeText(n.Type), typeText(c.Want)
			return Criterion{Saw: n.Type, Want: c.Want,
				Line: bi("%s is a %s; the task asks for a %s", "%s: 지금은 %s입니다. 과제에 필요한 것: %s", []any{p, tt.En, wt.En}, []any{p, tt.Ko, wt.Ko})}
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
			Line: t("%s is still there; the task asks for it to be gone from here", "%s: 아직 그 자리에 있습니다. 과제대로라면 이 자리에서 없어져야 합니다").F(p)}

	case KindMode:
		want, ok := parseMode(c.Want)
		if !ok {
			return Criterion{Saw: "?", Want: c.Want, Line: t("bad mode %q in the lesson", "레슨에 적힌 권한 값이 잘못되었습니다: %q").F(c.Want)}
		}
		n, err := inspect(abs(p), db)
		if err != nil {
			cr := missing(p, err)
			cr.Want = want.String()
			return cr
		}
		if n.Mode == want {
			return Criterion{OK: true, Saw: n.Mode.String(), Want: want.String(),
				Line: t("%s is %s (%s)", "%s: 권한 %s (%s), 맞습니다").F(p, n.Mode, lsBits(n.Mode))}
		}
		// What is missing, in words; never the mode the task wants,
		// which would give the answer away.
		d := modeDiff(n.Mode, want, n.Type == "directory")
		return Criterion{Saw: n.Mode.String(), Want: "?",
			Line: bi("%s is %s (%s): %s", "%s: 지금 권한은 %s (%s). %s",
				[]any{p, n.Mode, lsBits(n.Mode), d.En}, []any{p, n.Mode, lsBits(n.Mode), d.Ko})}

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
			return Criterion{Saw: saw, Want: c.Want, Line: t("%s belongs to %s, not to the owner the task names", "%s: 소유자가 %s입니다. 과제에서 말한 소유자가 아닙니다").F(p, saw)}
		case ok:
			return Criterion{OK: true, Saw: saw, Want: c.Want, Line: t("%s has group %s", "%s: 그룹이 %s입니다").F(p, saw)}
		default:
			return Criterion{Saw: saw, Want: c.Want, Line: t("%s has group %s, not the group the task names", "%s: 그룹이 %s입니다. 과제에서 말한 그룹이 아닙니다").F(p, saw)}
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
					Line: t("%s share inode %d: one file, several names", "%s: 같은 아이노드(%d번)를 가리킵니다. 파일 하나에 이름이 여럿입니다").F(names, ns[0].Inode)}
			}
			return Criterion{Saw: saw, Want: "same inode",
				Line: t("inodes differ (%s); the task asks for one inode under these names (a hard link)", "아이노드가 다릅니다 (%s). 이 이름들이 모두 한 아이노드를 가리켜야 합니다(하드 링크)").F(saw)}
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
			Line: t("some of %s share an inode (%s); the task asks for separate inodes", "%s 가운데 아이노드를 같이 쓰는 것이 있습니다 (%s). 모두 서로 다른 아이노드여야 합니다").F(names, saw)}

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
				Line: t("%s: not the target text the task asks for", "%s: 과제에서 말한 대상 텍스트가 아닙니다").F(arrow)}
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
			return Criterion{Saw: "?", Want: c.Want, Line: t("bad link count %q in the lesson", "레슨에 적힌 링크 수가 잘못되었습니다: %q").F(c.Want)}
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
		more := t("more than the task asks for", "과제보다 많습니다")
		if n.Nlink < want {
			more = t("fewer than the task asks for", "과제보다 적습니다")
		}
		return Criterion{Saw: saw, Want: "?",
			Line: t("%s has %d links: %s", "%s: 링크 수 %d, %s").F(p, n.Nlink, more)}

	case KindContains:
		data, err := ReadUserFile(abs(p), MaxCheckedFileSize, false)
		if err != nil {
			cr := missing(p, err)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				cr.Line = t("%s cannot be read: it (or what it points to) does not exist", "%s: 읽을 수 없습니다. 파일(또는 링크가 가리키는 곳)이 없습니다").F(p)
			case errors.Is(err, ErrNotRegular), errors.Is(err, ErrTooBig):
				cr.Line = t("%s: %s; the task asks for a regular file", "%s: %s. 일반 파일이어야 합니다").F(p, readWhy(err))
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
				Line: t("no answer yet: give one with 'sysdojo lesson answer VALUE'", "아직 답하지 않았습니다. 'sysdojo lesson answer 값'으로 답하세요")}
		}
		for _, w := range accept {
			if normAnswer(a) == normAnswer(w) {
				return Criterion{OK: true, Saw: a, Want: a, Line: t("your answer %q is right", "답 %q: 맞았습니다").F(a)}
			}
		}
		return Criterion{Saw: a, Want: "?", Line: t("your answer %q is not right: think again, or ask for a hint", "답 %q: 맞지 않습니다. 다시 생각해 보거나 힌트를 보세요").F(a)}

	case KindMirror:
		srcs, err := aptSources(abs(p))
		if err != nil {
			return Criterion{Saw: "error", Want: c.Want, Line: t("cannot read the sources under %s: %v", "%s 아래의 소스 파일을 읽을 수 없습니다: %v").F(p, err)}
		}
		return mirrorVerdict(p, c.Want, srcs, true, i18n.Text{})
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
	// whoKo are the classes as a Korean sentence's subject.
	whoText = map[string]i18n.Text{"user": t("the owner", "소유자"), "group": t("the group", "그룹"), "other": t("others", "그 외 사용자")}
	// opText names what each bit allows: for a file, read/write/execute;
	// for a directory, list/create-or-delete/enter (search).
	opText    = []i18n.Text{t("read", "읽기"), t("write", "쓰기"), t("execute", "실행")}
	opTextDir = []i18n.Text{t("list it", "목록 보기(r)"), t("create or delete names in it", "안에 만들고 지우기(w)"), t("enter or search it", "들어가기·찾아보기(x)")}
)

// modeDiff says in words how saw differs from want ("the group may still
// write. others cannot read yet"), without naming want itself: the
// student learns which property is missing, not the number to type.
func modeDiff(saw, want perm.Mode, dir bool) i18n.Text {
	var en, ko []string
	ops := opText
	if dir {
		ops = opTextDir
	}
	sc, wc := classes(saw), classes(want)
	for i := range sc {
		who := whoText[sc[i].Who]
		sb := []bool{sc[i].Read, sc[i].Write, sc[i].Exec}
		wb := []bool{wc[i].Read, wc[i].Write, wc[i].Exec}
		var extraEn, extraKo, lackEn, lackKo []string
		for j := range sb {
			switch {
			case sb[j] && !wb[j]:
				extraEn, extraKo = append(extraEn, ops[j].En), append(extraKo, ops[j].Ko)
			case !sb[j] && wb[j]:
				lackEn, lackKo = append(lackEn, ops[j].En), append(lackKo, ops[j].Ko)
			}
		}
		if len(extraEn) > 0 {
			en = append(en, who.En+" may still "+strings.Join(extraEn, " and "))
			ko = append(ko, who.Ko+"에게 아직 "+strings.Join(extraKo, "·")+" 권한이 남아 있습니다")
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
	}{{perm.SetUID, "setuid", "setuid 비트"}, {perm.SetGID, "setgid", "setgid 비트"}, {perm.Sticky, "the sticky bit", "스티키 비트"}} {
		switch {
		case saw&sp.bit != 0 && want&sp.bit == 0:
			en = append(en, sp.en+" is still set")
			ko = append(ko, sp.ko+"가 아직 켜져 있습니다")
		case saw&sp.bit == 0 && want&sp.bit != 0:
			en = append(en, sp.en+" is not set yet")
			ko = append(ko, sp.ko+"가 아직 꺼져 있습니다")
		}
	}
	// Korean sentences end with a full stop each, never spliced with
	// commas.
	return t(strings.Join(en, "; "), strings.Join(ko, ". "))
}

// mirrorVerdict judges the sources under p (a sandbox root) against the
// mirror want: every main entry uses want, and the security entries stay
// with the security archive (security updates come from the source, not
// from a mirror that may lag), and, with needSecurity, are still there.
// more is added to the passing line.
func mirrorVerdict(p, want string, srcs []source, needSecurity bool, more i18n.Text) Criterion {
	var bad, good, sec, secMoved []string
	for _, s := range srcs {
		switch {
		case securitySuite(s.Suite):
			if isSecurity(s.URI) {
				sec = append(sec, s.URI)
			} else {
				secMoved = append(secMoved, s.URI)
			}
		case sameMirror(s.URI, want):
			good = append(good, s.URI)
		case isSecurity(s.URI):
			sec = append(sec, s.URI)
		default:
			bad = append(bad, s.URI)
		}
	}
	switch {
	case len(srcs) == 0:
		return Criterion{Saw: "none", Want: want, Line: t("no enabled sources under %s", "%s 아래에 켜진 소스가 없습니다").F(p)}
	case len(secMoved) > 0:
		saw := strings.Join(uniq(secMoved), ", ")
		return Criterion{Saw: saw, Want: "security archive",
			Line: t("the security line under %s now uses %s: security updates must keep coming from the security archive",
				"%s 아래의 security 줄이 %s 쪽으로 바뀌었습니다. 보안 업데이트는 원래의 보안 저장소에서 받아야 합니다").F(p, saw)}
	case len(sec) == 0 && needSecurity:
		return Criterion{Saw: "no security line", Want: "security archive",
			Line: t("the security line under %s is gone: without it, this machine gets no security updates",
				"%s 아래에서 security 줄이 사라졌습니다. 이 줄이 없으면 보안 업데이트를 받지 못합니다").F(p)}
	case len(good) > 0 && len(bad) == 0:
		line := t("the sources under %s use %s", "%s 아래의 소스가 %s 미러를 씁니다").F(p, want)
		if len(sec) > 0 {
			line = t("the sources under %s use %s; security updates still come from %s", "%s 아래의 소스가 %s 미러를 씁니다. 보안 업데이트는 그대로 %s에서 받습니다").F(p, want, hostOf(sec[0]))
		}
		if !more.IsZero() {
			line = join(line, more)
		}
		return Criterion{OK: true, Saw: want, Want: want, Line: line}
	case len(good) == 0 && len(bad) == 0:
		return Criterion{Saw: "security only", Want: want, Line: t("under %s only the security line is left", "%s 아래에 security 줄만 남았습니다").F(p)}
	}
	saw := strings.Join(uniq(bad), ", ")
	return Criterion{Saw: saw, Want: want,
		Line: t("the sources under %s still use %s", "%s 아래의 소스가 아직 %s 쪽을 씁니다").F(p, saw)}
}

func hostOf(uri string) string {
	if u, err := url.Parse(uri); err == nil && u.Host != "" {
		return u.Host
	}
	return uri
}
