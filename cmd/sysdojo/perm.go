package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/term"
	"github.com/sysdojo/sysdojo/perm"
)

func newPermCommand(e *env) *cli.Command {
	dbFlags := []cli.Flag{
		&cli.StringFlag{Name: "passwd", Value: "/etc/passwd", Usage: e.t("user database file", "사용자 정보 파일")},
		&cli.StringFlag{Name: "group", Value: "/etc/group", Usage: e.t("group database file", "그룹 정보 파일")},
	}
	return &cli.Command{
		Name:  "perm",
		Usage: e.t("permission math: chmod, umask, chown, and who may do what", "권한 계산: chmod, umask, chown, 누가 무엇을 할 수 있는지"),
		Subcommands: []*cli.Command{
			{
				Name:  "explain",
				Usage: e.t("explain a mode: 754, 0o755, rwxr-xr--, -rwsr-xr-x, u=rwx,go=rx", "모드를 풀어서 설명: 754, 0o755, rwxr-xr--, -rwsr-xr-x, u=rwx,go=rx"),
				Description: e.t("Prints the mode in octal, as ls -l shows it, and as the symbolic mode chmod takes (u=rwx,g=rx,o=rx), then who can do what.",
					"모드를 8진수, ls -l 표기, chmod가 받는 기호 표기(u=rwx,g=rx,o=rx)로 보여 주고, 누가 무엇을 할 수 있는지 설명합니다."),
				ArgsUsage: "MODE",
				Flags:     []cli.Flag{jsonFlag, &cli.BoolFlag{Name: "dir", Usage: e.t("explain for a directory", "디렉터리 기준으로 설명")}},
				Action:    e.permExplain,
			},
			{
				Name:      "calc",
				Usage:     e.t("what chmod MODE does, step by step", "chmod MODE가 하는 일을 한 단계씩"),
				ArgsUsage: "MODE",
				Flags: []cli.Flag{
					jsonFlag,
					&cli.StringFlag{Name: "from", Usage: e.t("starting mode (default 0644, 0755 with --dir)", "시작 모드 (기본 0644, --dir이면 0755)")},
					&cli.BoolFlag{Name: "dir", Usage: e.t("the file is a directory", "대상이 디렉터리")},
					&cli.StringFlag{Name: "umask", Usage: e.t("umask in octal (default: this process's)", "8진수 umask (기본값: 현재 프로세스의 umask)")},
				},
				Action: e.permCalc,
			},
			{
				Name:      "umask",
				Usage:     e.t("default modes of new files and directories", "새 파일과 디렉터리의 기본 모드"),
				ArgsUsage: "[OCT]",
				Flags:     []cli.Flag{jsonFlag},
				Action:    e.permUmask,
			},
			{
				Name:      "stat",
				Usage:     e.t("ls -l line, octal, owner and group, explained", "ls -l 줄, 8진수, 소유자와 그룹을 설명"),
				ArgsUsage: "PATH...",
				Flags:     append([]cli.Flag{jsonFlag}, dbFlags...),
				Action:    e.permStat,
			},
			{
				Name:      "can",
				Usage:     e.t("can USER read|write|execute|list|enter|create|delete PATH? walked as the kernel does", "사용자가 PATH에 read|write|execute|list|enter|create|delete 할 수 있는지 커널처럼 따져 봄"),
				ArgsUsage: "OP PATH",
				Flags: append([]cli.Flag{jsonFlag,
					&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: e.t("user name or uid (default: you)", "사용자 이름이나 uid (기본값: 나)")},
				}, dbFlags...),
				Action: e.permCan,
			},
			{
				Name:      "chown",
				Usage:     e.t("what chown SPEC means (user:group, user:, :group, user.group)", "chown SPEC의 뜻 (user:group, user:, :group, user.group)"),
				ArgsUsage: "SPEC [PATH]",
				Flags:     append([]cli.Flag{jsonFlag}, dbFlags...),
				Action:    e.permChown,
			},
		},
	}
}

// modeErr turns a perm parse error into a localized one.
func modeErr(err error) error {
	var me *perm.ModeError
	if errors.As(err, &me) {
		return me.Localized()
	}
	return err
}

func (e *env) lsBits(m perm.Mode, typ byte) string {
	return e.io.Code(m.String()) + " " + e.io.Code(perm.LsString(m, typ))
}

// ---- explain

func (e *env) permExplain(c *cli.Context) error {
	a, err := args(c, 1, 1, "MODE")
	if err != nil {
		return err
	}
	p, err := perm.ParseAny(a[0])
	if err != nil {
		return modeErr(err)
	}
	dir := c.Bool("dir") || p.Type == perm.TypeDir
	typ := p.Type
	if dir {
		typ = perm.TypeDir
	}
	classes := perm.Classes(p.Mode)
	specials := perm.Specials(p.Mode, dir)
	if c.Bool("json") {
		var sp []string
		for _, s := range specials {
			sp = append(sp, s.In(e.io.Lang))
		}
		return e.writeJSON(map[string]any{
			"input": a[0], "form": p.Form, "mode": p.Mode, "symbolic": perm.LsString(p.Mode, typ), "chmod": perm.Symbolic(p.Mode),
			"dir": dir, "classes": classes, "setuid": p.Mode&perm.SetUID != 0, "setgid": p.Mode&perm.SetGID != 0,
			"sticky": p.Mode&perm.Sticky != 0, "special": sp,
		})
	}
	io := e.io
	// The three forms: octal, ls -l, and the symbolic mode chmod takes.
	fmt.Fprintf(io.Out, "%s %s   %s\n", e.lsBits(p.Mode, typ), io.Code(perm.Symbolic(p.Mode)), io.Dim(e.formDesc(p.Form, a[0])))
	fmt.Fprintln(io.Out)
	// The bit grid.
	fmt.Fprintf(io.Out, "  %s %s %s %s\n", term.Pad(e.t("special", "특수"), 9), term.Pad(e.t("user", "소유자"), 7), term.Pad(e.t("group", "그룹"), 7), e.t("other", "기타"))
	fmt.Fprintf(io.Out, "  %-9s %-7s %-7s %s\n", "s s t", "r w x", "r w x", "r w x")
	bit := func(b perm.Mode) string {
		if p.Mode&b != 0 {
			return "1"
		}
		return "0"
	}
	row := func(hi perm.Mode) string { return bit(hi) + " " + bit(hi>>1) + " " + bit(hi>>2) }
	fmt.Fprintf(io.Out, "  %-9s %-7s %-7s %s\n", row(perm.SetUID), row(0400), row(0040), row(0004))
	fmt.Fprintf(io.Out, "  %-9d %-7d %-7d %d\n", p.Mode>>9&7, p.Mode>>6&7, p.Mode>>3&7, p.Mode&7)
	fmt.Fprintln(io.Out)
	if dir {
		io.Println(i18n.T("Who can do what (a directory):", "누가 무엇을 할 수 있나 (디렉터리):"))
	} else {
		io.Println(i18n.T("Who can do what (a regular file):", "누가 무엇을 할 수 있나 (일반 파일):"))
	}
	for _, cl := range classes {
		fmt.Fprintf(io.Out, "  %s %s  %s\n", term.Pad(e.whoWord(cl.Who), 7), io.Code(cl.Bits), e.canWords(cl, dir))
	}
	fmt.Fprintln(io.Out)
	m := perm.Meaning(dir)
	other := perm.Meaning(!dir)
	if dir {
		io.Println(i18n.T("On a directory:", "디렉터리에서:"))
	} else {
		io.Println(i18n.T("On a file:", "파일에서:"))
	}
	for _, t := range m {
		fmt.Fprint(io.Out, term.WrapPrefix(io.T(t), "  ", "     ", io.Width()))
	}
	if dir {
		io.Println(i18n.T("(On a regular file the same bits mean:", "(일반 파일이라면 같은 비트가 이런 뜻입니다:"))
	} else {
		io.Println(i18n.T("(On a directory the same bits mean:", "(디렉터리라면 같은 비트가 이런 뜻입니다:"))
	}
	for i, t := range other {
		end := ""
		if i == 2 {
			end = ")"
		}
		fmt.Fprint(io.Out, term.WrapPrefix(io.T(t)+end, "  ", "     ", io.Width()))
	}
	fmt.Fprintln(io.Out)
	if len(specials) == 0 {
		io.Println(i18n.T("Special bits: none.", "특수 비트: 없음."))
	} else {
		io.Println(i18n.T("Special bits:", "특수 비트:"))
		for _, s := range specials {
			fmt.Fprint(io.Out, term.WrapPrefix(io.T(s), "  ", "    ", io.Width()))
		}
	}
	return nil
}

func (e *env) formDesc(form, input string) string {
	switch form {
	case "octal":
		return e.t("octal "+input, "8진수 "+input)
	case "ls":
		return e.t("ls -l string "+input, "ls -l 문자열 "+input)
	}
	return e.t("symbolic "+input+", applied to 0000", "기호 표기 "+input+": 0000에 적용한 결과")
}

// typeWords is stat's %F words in the display language.
func (e *env) typeWords(typ string) string {
	ko := map[string]string{"regular file": "일반 파일", "regular empty file": "빈 일반 파일", "directory": "디렉터리",
		"symbolic link": "심볼릭 링크", "fifo": "FIFO(이름 있는 파이프)", "socket": "소켓",
		"character special file": "문자 장치 파일", "block special file": "블록 장치 파일"}[typ]
	if e.io.Lang == i18n.KO && ko != "" {
		return ko
	}
	return typ
}

func (e *env) whoWord(who string) string {
	switch who {
	case "user":
		return e.t("user", "소유자")
	case "group":
		return e.t("group", "그룹")
	}
	return e.t("other", "기타")
}

func (e *env) canWords(a perm.Access, dir bool) string {
	var w []string
	if dir {
		if a.Read {
			w = append(w, e.t("list names", "목록 보기"))
		}
		if a.Write && a.Exec {
			w = append(w, e.t("create/delete entries", "항목 만들기/지우기"))
		} else if a.Write {
			w = append(w, e.t("(w without x: cannot create or delete)", "(x 없는 w: 만들기/지우기 불가)"))
		}
		if a.Exec {
			w = append(w, e.t("enter (cd)", "들어가기(cd)"))
		}
	} else {
		if a.Read {
			w = append(w, e.t("read", "읽기"))
		}
		if a.Write {
			w = append(w, e.t("change", "쓰기"))
		}
		if a.Exec {
			w = append(w, e.t("run", "실행"))
		}
	}
	if len(w) == 0 {
		return e.t("nothing", "아무 권한 없음")
	}
	return strings.Join(w, ", ")
}

// ---- calc

func processUmask() perm.Mode {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "Umask:"); ok {
				if m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
					return perm.Mode(m)
				}
			}
		}
	}
	old := unix.Umask(022)
	unix.Umask(old)
	return perm.Mode(old)
}

func (e *env) umaskFlag(c *cli.Context) (perm.Mode, error) {
	if !c.IsSet("umask") {
		return processUmask(), nil
	}
	u, err := perm.ParseUmask(c.String("umask"))
	if err != nil {
		return 0, i18n.Invalid(i18n.T("invalid umask: %s (octal, 000 to 777)", "잘못된 umask: %s (000부터 777까지의 8진수)").F("'" + c.String("umask") + "'"))
	}
	return u, nil
}

func (e *env) permCalc(c *cli.Context) error {
	a, err := args(c, 1, 1, "MODE")
	if err != nil {
		return err
	}
	dir := c.Bool("dir")
	from := perm.Mode(0644)
	if dir {
		from = 0755
	}
	if c.IsSet("from") {
		p, err := perm.ParseAny(c.String("from"))
		if err != nil {
			var me *perm.ModeError
			if errors.As(err, &me) {
				return i18n.Invalid(i18n.T("invalid --from mode: %s", "잘못된 --from 모드: %s").F("'" + me.Mode + "'"))
			}
			return err
		}
		from = p.Mode
		if p.Type == perm.TypeDir {
			dir = true
		}
	}
	umask, err := e.umaskFlag(c)
	if err != nil {
		return err
	}
	ch, err := perm.Compile(a[0])
	if err != nil {
		return modeErr(err)
	}
	r := ch.Explain(from, dir, umask)
	typ := byte(perm.TypeRegular)
	if dir {
		typ = perm.TypeDir
	}
	if c.Bool("json") {
		return e.writeJSON(calcJSON{Input: a[0], Result: r, Symbolic: perm.LsString(r.Mode, typ),
			FromSymbolic: perm.LsString(r.From, typ), Steps: e.localizeSteps(r.Steps), Notes: e.localize(r.Notes)})
	}
	io := e.io
	what := e.t("a regular file", "일반 파일")
	if dir {
		what = e.t("a directory", "디렉터리")
	}
	io.Printf(i18n.T("chmod %s on %s with mode %s, umask %s\n", "chmod %[1]s: %[2]s, 시작 모드 %[3]s, umask %[4]s\n"),
		io.Code(a[0]), what, e.lsBits(r.From, typ), io.Code(r.Umask.String()))
	fmt.Fprintln(io.Out)
	for i, s := range r.Steps {
		change := e.changeWords(s)
		fmt.Fprintf(io.Out, "  %d. %-8s %s  →  %s   %s\n", i+1, s.Clause, perm.LsString(s.Before, typ), perm.LsString(s.After, typ), change)
		for _, n := range s.Notes {
			e.note("     ", n)
		}
	}
	fmt.Fprintln(io.Out)
	io.Printf(i18n.T("Result: %s\n", "결과: %s\n"), e.lsBits(r.Mode, typ))
	for _, n := range r.Notes {
		e.note("", n)
	}
	return nil
}

type calcJSON struct {
	Input string `json:"input"`
	perm.Result
	Symbolic     string     `json:"symbolic"`
	FromSymbolic string     `json:"from_symbolic"`
	Steps        []stepJSON `json:"steps"`
	Notes        []string   `json:"notes"`
}

type stepJSON struct {
	perm.Step
	Notes []string `json:"notes"`
}

func (e *env) localize(ts []i18n.Text) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, t.In(e.io.Lang))
	}
	return out
}

func (e *env) localizeSteps(steps []perm.Step) []stepJSON {
	out := []stepJSON{}
	for _, s := range steps {
		out = append(out, stepJSON{Step: s, Notes: e.localize(s.Notes)})
	}
	return out
}

func (e *env) changeWords(s perm.Step) string {
	if s.Added == 0 && s.Removed == 0 {
		return e.io.Dim(e.t("(no change)", "(변화 없음)"))
	}
	var parts []string
	if s.Added != 0 {
		parts = append(parts, e.io.OK(e.t("added ", "추가 ")+perm.BitNames(s.Added)))
	}
	if s.Removed != 0 {
		parts = append(parts, e.io.Bad(e.t("removed ", "제거 ")+perm.BitNames(s.Removed)))
	}
	return strings.Join(parts, "; ")
}

// ---- umask

func (e *env) permUmask(c *cli.Context) error {
	a, err := args(c, 0, 1, "[OCT]")
	if err != nil {
		return err
	}
	u := processUmask()
	given := len(a) == 1
	if given {
		if u, err = perm.ParseUmask(a[0]); err != nil {
			return i18n.Invalid(i18n.T("invalid umask: %s (octal, 000 to 777)", "잘못된 umask: %s (000부터 777까지의 8진수)").F("'" + a[0] + "'"))
		}
	}
	x := perm.ExplainUmask(u)
	if c.Bool("json") {
		return e.writeJSON(map[string]any{"umask": x.Umask, "symbolic": x.Symbolic, "file": x.File, "dir": x.Dir,
			"file_symbolic": perm.LsString(x.File, perm.TypeRegular), "dir_symbolic": perm.LsString(x.Dir, perm.TypeDir)})
	}
	io := e.io
	src := e.t("this shell's umask", "지금 셸의 umask")
	if given {
		src = e.t("umask", "umask")
	}
	fmt.Fprintf(io.Out, "%s %s   (umask -S: %s)\n\n", src, io.Code(x.Umask.String()), io.Code(x.Symbolic))
	fmt.Fprintf(io.Out, "  %s 0666 & ~%s = %s\n", term.Pad(e.t("new files", "새 파일"), 14), x.Umask, e.lsBits(x.File, perm.TypeRegular))
	fmt.Fprintf(io.Out, "  %s 0777 & ~%s = %s\n\n", term.Pad(e.t("new dirs", "새 디렉터리"), 14), x.Umask, e.lsBits(x.Dir, perm.TypeDir))
	io.Println(i18n.T(
		"Why: programs ask for 0666 for files and 0777 for directories, and the kernel\n"+
			"takes away every bit set in the umask. A umask only removes bits; it never\n"+
			"adds x, which is why new files are not executable. umask -S lists the bits\n"+
			"that remain allowed, not the ones removed.",
		"왜 이렇게 되나: 프로그램은 파일을 0666, 디렉터리를 0777로 만들어 달라고 하고,\n"+
			"커널이 거기서 umask에 켜진 비트를 뺍니다. umask는 비트를 빼기만 할 뿐 x를\n"+
			"더해 주지 않으므로 새 파일에는 실행 권한이 없습니다. umask -S는 빼는 비트가\n"+
			"아니라 남아서 허용되는 비트를 보여 줍니다."))
	return nil
}

// ---- stat

func (e *env) loadDB(c *cli.Context) (*perm.DB, error) {
	db, err := perm.LoadDB(c.String("passwd"), c.String("group"))
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot read the user database", "사용자 정보를 읽을 수 없습니다"), err)
	}
	return db, nil
}

func pathErr(err error) error {
	return &i18n.Error{Kind: i18n.KindInvalid, Text: i18n.T("cannot inspect", "확인할 수 없습니다"), Err: err}
}

func (e *env) permStat(c *cli.Context) error {
	a, err := args(c, 1, -1, "PATH...")
	if err != nil {
		return err
	}
	db, err := e.loadDB(c)
	if err != nil {
		return err
	}
	var infos []perm.FileInfo
	for _, p := range a {
		fi, err := perm.Stat(p, db)
		if err != nil {
			return pathErr(err)
		}
		infos = append(infos, fi)
	}
	if c.Bool("json") {
		return e.writeJSON(infos)
	}
	io := e.io
	for i, fi := range infos {
		if i > 0 {
			fmt.Fprintln(io.Out)
		}
		fmt.Fprintln(io.Out, io.Code(fi.LsLine()))
		typ := fi.TypeChar[0]
		io.Printf(i18n.T("  %s, mode %s, %d link(s)\n", "  %s, 모드 %s, 링크 %d개\n"),
			e.typeWords(fi.Type), io.Code(fi.Mode.String()), fi.Nlink)
		io.Printf(i18n.T("  owner %s (uid %d), group %s (gid %d)\n", "  소유자 %s (uid %d), 그룹 %s (gid %d)\n"),
			fi.Owner, fi.UID, fi.Group, fi.GID)
		if typ == perm.TypeSymlink {
			fmt.Fprint(io.Out, term.WrapPrefix(io.T(i18n.T("a symbolic link's own bits are always rwxrwxrwx and never checked; it points to %q",
				"심볼릭 링크 자체의 권한은 늘 rwxrwxrwx이고 검사하지도 않습니다. 가리키는 곳: %q").F(fi.Target)), "  ", "  ", io.Width()))
			continue
		}
		dir := typ == perm.TypeDir
		for _, cl := range perm.Classes(fi.Mode) {
			who := map[string]string{"user": e.t("owner ", "소유자 ") + fi.Owner, "group": e.t("group ", "그룹 ") + fi.Group, "other": e.t("everyone else", "그 밖의 사용자")}[cl.Who]
			fmt.Fprintf(io.Out, "  %s %s  %s\n", term.Pad(who, 22), io.Code(cl.Bits), e.canWords(cl, dir))
		}
		for _, s := range perm.Specials(fi.Mode, dir) {
			e.note("  ", s)
		}
	}
	return nil
}

// ---- can

func (e *env) permCan(c *cli.Context) error {
	a, err := args(c, 2, 2, "OP PATH")
	if err != nil {
		return err
	}
	op, err := perm.ParseOp(a[0])
	if err != nil {
		return usagef(i18n.T("operations: read, write, execute, list, enter, create, delete", "가능한 동작: read, write, execute, list, enter, create, delete"),
			i18n.T("unknown operation '%s'", "알 수 없는 동작입니다: '%s'"), a[0])
	}
	db, err := e.loadDB(c)
	if err != nil {
		return err
	}
	var cred perm.Cred
	if u := c.String("user"); u != "" {
		if cred, err = db.Cred(u); err != nil {
			return i18n.Invalid(i18n.T("unknown user '%s'", "없는 사용자입니다: '%s'").F(u)).
				WithHint(i18n.T("give a name from /etc/passwd or a number", "/etc/passwd에 있는 이름이나 숫자 uid를 쓰세요"))
		}
	} else {
		cred = perm.Cred{UID: uint32(unix.Geteuid()), GID: uint32(unix.Getegid())}
		cred.Name = db.UserName(cred.UID)
		groups, _ := unix.Getgroups()
		for _, g := range groups {
			cred.Groups = append(cred.Groups, uint32(g))
		}
	}
	ck := &perm.Checker{DB: db, ProtectedSymlinks: perm.ReadProtectedSymlinks()}
	d, err := ck.Can(cred, op, a[1])
	if err != nil {
		return pathErr(err)
	}
	if c.Bool("json") {
		if err := e.writeJSON(canJSON{Decision: d, Reason: d.Reason.In(e.io.Lang), Steps: e.canSteps(d.Steps)}); err != nil {
			return err
		}
	} else {
		e.printCan(d, db)
	}
	if !d.Allowed {
		return silentError{}
	}
	return nil
}

type canJSON struct {
	perm.Decision
	Reason string        `json:"reason"`
	Steps  []canStepJSON `json:"steps"`
}

type canStepJSON struct {
	perm.AccessStep
	Rule string `json:"rule"`
}

func (e *env) canSteps(steps []perm.AccessStep) []canStepJSON {
	out := []canStepJSON{}
	for _, s := range steps {
		out = append(out, canStepJSON{AccessStep: s, Rule: s.Rule.In(e.io.Lang)})
	}
	return out
}

func (e *env) printCan(d perm.Decision, db *perm.DB) { e.renderCan(d, db) }

// ---- chown

func (e *env) permChown(c *cli.Context) error {
	a, err := args(c, 1, 2, "SPEC [PATH]")
	if err != nil {
		return err
	}
	db, err := e.loadDB(c)
	if err != nil {
		return err
	}
	spec, err := perm.ParseOwnerSpec(a[0], db)
	if err != nil {
		var se *perm.SpecError
		if errors.As(err, &se) {
			ko := map[string]string{"invalid user": "없는 사용자", "invalid group": "없는 그룹", "invalid spec": "잘못된 지정 형식"}[se.Reason]
			hint := i18n.T("forms: USER, USER:, :GROUP, USER:GROUP", "쓰는 법: 사용자, 사용자:, :그룹, 사용자:그룹")
			if se.Reason == "invalid spec" {
				hint = i18n.T("USER: means USER's login group, which needs a user name; give the group too, e.g. 1000:1000",
					"사용자: 는 그 사용자의 기본 그룹이라는 뜻이라 사용자 이름이 필요합니다. 1000:1000처럼 그룹도 적으세요")
			}
			return i18n.Invalid(i18n.Text{En: se.Error(), Ko: ko + ": '" + se.Spec + "' (" + se.Reason + ")"}).WithHint(hint)
		}
		return err
	}
	var effect *perm.ChownEffect
	var fi perm.FileInfo
	if len(a) == 2 {
		fi, err = perm.Stat(a[1], db)
		if err != nil {
			return pathErr(err)
		}
		ef := spec.Effect(fi.UID, fi.GID, fi.Mode, fi.TypeChar == string(perm.TypeDir))
		effect = &ef
	}
	if c.Bool("json") {
		out := map[string]any{"spec": spec}
		if effect != nil {
			out["path"] = fi.Path
			out["effect"] = map[string]any{
				"owner_before": db.UserName(effect.UIDBefore), "owner_after": db.UserName(effect.UIDAfter),
				"group_before": db.GroupName(effect.GIDBefore), "group_after": db.GroupName(effect.GIDAfter),
				"uid_before": effect.UIDBefore, "uid_after": effect.UIDAfter, "gid_before": effect.GIDBefore, "gid_after": effect.GIDAfter,
				"mode_before": effect.ModeBefore, "mode_after": effect.ModeAfter, "changes": effect.Changes,
			}
		}
		return e.writeJSON(out)
	}
	io := e.io
	fmt.Fprintf(io.Out, "chown %s\n", io.Code(a[0]))
	switch {
	case spec.SetUser:
		name := spec.User
		if name == "" {
			name = e.t("(no such name: taken as a number)", "(그런 이름이 없어 숫자로 봅니다)")
		}
		io.Printf(i18n.T("  owner → uid %d %s\n", "  소유자 → uid %d %s\n"), spec.UID, name)
	default:
		io.Println(i18n.T("  owner: unchanged", "  소유자: 그대로"))
	}
	switch {
	case spec.LoginGroup:
		io.Printf(i18n.T("  group → gid %d %s (the owner's login group: that is what a trailing ':' means)\n",
			"  그룹 → gid %d %s (끝의 ':'는 소유자의 기본 그룹이라는 뜻입니다)\n"), spec.GID, spec.Group)
	case spec.SetGroup:
		io.Printf(i18n.T("  group → gid %d %s\n", "  그룹 → gid %d %s\n"), spec.GID, spec.Group)
	default:
		io.Println(i18n.T("  group: unchanged", "  그룹: 그대로"))
	}
	if spec.Dot {
		e.note("  ", i18n.T(
			"the old USER.GROUP form: GNU chown accepts it but warns \"'.' should be ':'\"; write USER:GROUP",
			"예전 방식인 사용자.그룹 표기입니다. GNU chown은 받아 주긴 하지만 \"'.' should be ':'\"라고 경고합니다. 사용자:그룹으로 쓰세요"))
	}
	if !spec.SetUser && !spec.SetGroup {
		e.note("  ", i18n.T("this spec changes neither owner nor group, but chown still calls chown(2), which clears setuid (and setgid with group x) on a file that is not a directory",
			"이 지정은 소유자도 그룹도 바꾸지 않지만, chown은 그래도 chown(2)를 호출하므로 디렉터리가 아닌 파일에서는 setuid가 (그룹 x가 있으면 setgid도) 지워집니다"))
	}
	if effect != nil {
		fmt.Fprintln(io.Out)
		io.Printf(i18n.T("On %s (nothing is changed; this is what chown would do):\n", "%s에 적용하면 (실제로 바꾸지는 않습니다):\n"), fi.Path)
		io.Printf(i18n.T("  owner %s → %s\n", "  소유자 %s → %s\n"), db.UserName(effect.UIDBefore), db.UserName(effect.UIDAfter))
		io.Printf(i18n.T("  group %s → %s\n", "  그룹 %s → %s\n"), db.GroupName(effect.GIDBefore), db.GroupName(effect.GIDAfter))
		typ := fi.TypeChar[0]
		if effect.ModeAfter != effect.ModeBefore {
			io.Printf(i18n.T("  mode  %s → %s\n", "  모드  %s → %s\n"),
				perm.LsString(effect.ModeBefore, typ), perm.LsString(effect.ModeAfter, typ))
			e.note("  ", i18n.T("chown on a file that is not a directory makes the kernel clear setuid, and setgid when group x is set, even for root and even when the owner stays the same",
				"디렉터리가 아닌 파일에 chown을 하면 커널이 setuid를 지우고, 그룹 x가 있으면 setgid도 지웁니다. root가 해도, 소유자가 그대로여도 마찬가지입니다"))
		}
		if os.Geteuid() != 0 && effect.UIDAfter != effect.UIDBefore {
			e.note("  ", i18n.T(
				"only root may give a file to another user (EPERM otherwise)",
				"파일을 다른 사용자에게 넘기는 일은 root만 할 수 있습니다 (아니면 EPERM)"))
		}
	}
	return nil
}

// ---- layout

// note prints a "!" note wrapped to 80 columns under indent.
func (e *env) note(indent string, t i18n.Text) {
	pad := strings.Repeat(" ", term.Width(indent)+2)
	s := term.WrapPrefix(e.io.T(t), indent+"! ", pad, e.io.Width())
	fmt.Fprint(e.io.Out, strings.Replace(s, indent+"! ", indent+e.io.Warn("!")+" ", 1))
}
