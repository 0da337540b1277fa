package lessons

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
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
		if db == nil && registry[c.Kind].Users {
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
