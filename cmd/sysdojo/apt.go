package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/apt"
	"github.com/sysdojo/sysdojo/apt/mirrors"
	"github.com/sysdojo/sysdojo/apt/rank"
	"github.com/sysdojo/sysdojo/apt/serve"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/term"
)

func newAptCommand(e *env) *cli.Command {
	rootFlag := &cli.StringFlag{Name: "root", Value: "/", Usage: e.t("treat DIR as / (read and write DIR/etc/apt/...)", "DIR을 /로 여김 (DIR/etc/apt/...를 읽고 씀)")}
	return &cli.Command{
		Name:  "apt",
		Usage: e.t("APT sources and mirrors: list, switch safely, explain, rank, serve", "APT 소스와 미러: 목록, 안전한 미러 바꾸기, 설명, 순위, 로컬 미러"),
		Subcommands: []*cli.Command{
			{
				Name:   "list",
				Usage:  e.t("the entries apt sees in sources.list, *.list and *.sources", "sources.list, *.list, *.sources에서 apt가 보는 항목"),
				Flags:  []cli.Flag{jsonFlag, rootFlag},
				Action: e.aptList,
			},
			{
				Name:  "mirrors",
				Usage: e.t("the mirror catalogue, with the history of Korean mirrors", "미러 카탈로그와 국내 미러의 내력"),
				Flags: []cli.Flag{jsonFlag,
					&cli.StringFlag{Name: "country", Usage: e.t("country code, e.g. KR", "국가 코드 (예: KR)")},
					&cli.StringFlag{Name: "distro", Usage: e.t("ubuntu or debian", "ubuntu 또는 debian")},
				},
				Action: e.aptMirrors,
			},
			{
				Name:      "switch",
				Usage:     e.t("point the distribution's archive at MIRROR (a catalogue name or a URL), safely", "배포판 저장소를 MIRROR(카탈로그 이름이나 URL)로 안전하게 바꿈"),
				ArgsUsage: "MIRROR",
				Flags: []cli.Flag{jsonFlag, rootFlag,
					&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: e.t("show the diff, write nothing", "바뀔 내용만 보여 주고 쓰지 않음")},
					&cli.StringFlag{Name: "security", Usage: e.t("move the security archive to MIRROR too (a name or URL; it stays on the security host without this)", "보안 저장소도 MIRROR(이름이나 URL)로 옮김 (주지 않으면 보안 저장소는 그대로)"), Value: ""},
					&cli.BoolFlag{Name: "allow-http", Usage: e.t("let an https source move to a mirror that serves only http", "https 소스를 http만 내주는 미러로 옮기는 것을 허용")},
				},
				Action: e.aptSwitch,
			},
			{
				Name:   "restore",
				Usage:  e.t("put back the files saved by the last switch (bytes, mode, owner); a file edited since is kept as FILE.sysdojo-old.bak", "마지막 switch가 저장한 파일을 되돌림 (내용, 모드, 소유자). 그 뒤에 고친 파일은 FILE.sysdojo-old.bak으로 남겨 둠"),
				Flags:  []cli.Flag{jsonFlag, rootFlag},
				Action: e.aptRestore,
			},
			{
				Name:  "explain",
				Usage: e.t("the URLs apt-get update fetches for each entry, and the update -> install story", "apt-get update가 항목마다 받는 URL과 update -> install 흐름"),
				Flags: []cli.Flag{jsonFlag, rootFlag,
					&cli.StringFlag{Name: "arch", Usage: e.t("architectures, comma-separated (default: this machine's)", "아키텍처, 쉼표로 구분 (기본값: 이 컴퓨터)")},
				},
				Action: e.aptExplain,
			},
			{
				Name:  "rank",
				Usage: e.t("probe mirrors at once: speed and freshness", "여러 미러를 동시에 재 봄: 속도와 최신 여부"),
				Flags: []cli.Flag{jsonFlag, rootFlag,
					&cli.StringFlag{Name: "country", Usage: e.t("rank the catalogue's mirrors of this country (default KR)", "이 나라의 카탈로그 미러를 잼 (기본값 KR)")},
					&cli.StringFlag{Name: "distro", Usage: e.t("ubuntu or debian (default: from os-release)", "ubuntu 또는 debian (기본값: os-release에서)")},
					&cli.StringSliceFlag{Name: "mirror", Usage: e.t("a mirror URL to probe (repeatable; replaces the catalogue)", "잴 미러 URL (여러 번 쓸 수 있음; 카탈로그 대신 씀)")},
					&cli.StringFlag{Name: "suite", Usage: e.t("suite to probe (default: the release's codename)", "잴 배포판 이름 (기본값: 설치된 릴리스의 코드네임)")},
					&cli.DurationFlag{Name: "timeout", Value: rank.DefaultTimeout, Usage: e.t("per mirror", "미러 하나당")},
					&cli.IntFlag{Name: "concurrency", Value: rank.DefaultConcurrency, Usage: e.t("probes at once", "동시에 재는 개수")},
					&cli.StringFlag{Name: "reference", Usage: e.t("the official archive to judge freshness by (default: the distribution's, when ranking the catalogue)", "최신 여부를 견줄 공식 저장소 (기본값: 카탈로그를 잴 때 배포판의 공식 저장소)")},
					&cli.BoolFlag{Name: "apply", Usage: e.t("switch to the winner, through the same safe switch (diff, backup, atomic write)", "1위 미러로 바꿈 (switch와 같은 안전한 방법: diff, 백업, 원자적 쓰기)")},
					&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: e.t("with --apply: show the diff, write nothing", "--apply와 함께: 바뀔 내용만 보여 주고 쓰지 않음")},
					&cli.BoolFlag{Name: "allow-http", Usage: e.t("with --apply: let an https source move to an http-only winner", "--apply와 함께: https 소스를 http만 내주는 미러로 옮기는 것을 허용")},
				},
				Action: e.aptRank,
			},
			{
				Name:  "serve",
				Usage: e.t("a small real mirror on loopback, for class and tests", "수업과 테스트용 작은 로컬 미러 (루프백)"),
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8000", Usage: e.t("listen address (port 0: any free port)", "들을 주소 (포트 0: 빈 포트 아무거나)")},
					&cli.IntFlag{Name: "mirrors", Value: 1, Usage: e.t("how many mirrors (ports addr, addr+1, ...)", "미러 개수 (포트 addr, addr+1, ...)")},
					&cli.StringFlag{Name: "delay", Usage: e.t("delay before each response: D or MIN..MAX spread over the mirrors", "응답마다 지연: D 또는 MIN..MAX (미러마다 고르게 나눔)")},
					&cli.StringFlag{Name: "rate", Usage: e.t("bandwidth of each mirror in bytes/s: R or MIN..MAX spread over the mirrors (k = 1000, m = 1000000), e.g. 200k..5m", "미러마다 대역폭 (바이트/초): R 또는 MIN..MAX (미러마다 고르게 나눔, k = 1000, m = 1000000), 예: 200k..5m")},
					&cli.BoolFlag{Name: "stale", Usage: e.t("the last mirror is 3 days behind", "마지막 미러를 3일 뒤처지게 함")},
					&cli.StringFlag{Name: "keyring", Usage: e.t("also write the signing key (binary keyring) to this file", "서명 키(바이너리 키링)를 이 파일에도 씀")},
					&cli.BoolFlag{Name: "force", Usage: e.t("let --keyring replace an existing file that is not sysdojo's key", "--keyring이 sysdojo 키가 아닌 기존 파일도 바꾸게 함")},
					&cli.DurationFlag{Name: "for", Usage: e.t("stop after this long (default: until Ctrl-C)", "이 시간이 지나면 멈춤 (기본값: Ctrl-C까지)")},
					&cli.StringFlag{Name: "pool", Usage: e.t("also serve the .deb files in this directory (e.g. /var/cache/apt/archives) in every suite's main",
						"이 디렉터리의 .deb 파일도 모든 suite의 main에 넣어 제공 (예: /var/cache/apt/archives)")},
				},
				Action: e.aptServe,
			},
		},
	}
}

// aptErr turns a parse error into a localized one (exit 2).
func aptErr(err error) error {
	var pe *apt.ParseError
	if errors.As(err, &pe) {
		return pe.Localized()
	}
	return err
}

func (e *env) loadSystem(c *cli.Context) (*apt.System, error) {
	root := c.String("root")
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return nil, usagef(helpHint(c.Command.HelpName), i18n.T("--root %s is not a directory", "--root %s는 디렉터리가 아닙니다"), root)
	}
	sys, err := apt.Load(root)
	return sys, aptErr(err)
}

// ---- list

func (e *env) aptList(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	sys, err := e.loadSystem(c)
	if err != nil {
		return err
	}
	entries := sys.Entries()
	if c.Bool("json") {
		if entries == nil {
			entries = []apt.Entry{}
		}
		return e.writeJSON(entries)
	}
	io := e.io
	if sys.OS.Pretty != "" {
		fmt.Fprintf(io.Out, "%s %s\n", e.t("System:", "시스템:"), sys.OS.Pretty)
	}
	if len(entries) == 0 {
		io.Println(i18n.T("No entries: apt has no sources here.", "항목이 없습니다: 여기에는 apt 소스가 없습니다."))
	}
	for _, f := range sys.Files {
		fmt.Fprintf(io.Out, "\n%s  %s\n", io.Heading(f.Path), io.Dim("("+f.Format.String()+")"))
		// One row per source line (a deb822 stanza's suites share it), in
		// two lines so that it fits 80 columns.
		for i := 0; i < len(f.Entries); {
			en := f.Entries[i]
			suites := []string{en.Suite}
			j := i + 1
			for j < len(f.Entries) && sameRow(f.Entries[j], en) {
				if !aptHas(suites, f.Entries[j].Suite) {
					suites = append(suites, f.Entries[j].Suite)
				}
				j++
			}
			i = j
			word := e.t("on", "켜짐")
			state := io.OK("✓") + " " + word
			if en.Commented {
				word = e.t("commented", "주석")
				state = io.Dim("# " + word)
			} else if !en.Enabled {
				word = e.t("off", "꺼짐")
				state = io.Bad("✗") + " " + word
			}
			state += strings.Repeat(" ", max(0, 11-2-term.Width(word)))
			fmt.Fprintf(io.Out, "  %-5s %s  %-7s %s\n", fmt.Sprintf(":%d", en.Line), state, en.Type, io.Code(en.URI))
			fmt.Fprintf(io.Out, "        %s  %s\n", strings.Join(suites, " "), strings.Join(en.Components, " "))
			if len(en.Options) > 0 {
				fmt.Fprintf(io.Out, "        %s\n", io.Dim(aptOptionsText(en.Options)))
			}
		}
	}
	if len(sys.Ignored) > 0 {
		fmt.Fprintf(io.Out, "\n%s\n", e.t("Ignored by apt (name does not end in .list or .sources):", "apt가 읽지 않는 파일 (이름이 .list나 .sources로 끝나지 않음):"))
		for _, p := range sys.Ignored {
			fmt.Fprintf(io.Out, "  %s\n", p)
		}
	}
	return nil
}

// sameRow: entries shown on one row (a stanza's suites, or a one-line
// entry's components, which share a line, type, URI and options).
func sameRow(a, b apt.Entry) bool {
	return a.Line == b.Line && a.Type == b.Type && a.URI == b.URI && a.Enabled == b.Enabled &&
		strings.Join(a.Components, " ") == strings.Join(b.Components, " ") && aptOptionsText(a.Options) == aptOptionsText(b.Options)
}

func aptOptionsText(o map[string]string) string {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		v := o[k]
		if strings.Contains(v, "BEGIN PGP") {
			v = "(embedded key)"
		}
		parts = append(parts, k+"="+v)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// ---- mirrors

func (e *env) aptMirrors(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	distro := strings.ToLower(c.String("distro"))
	if distro != "" && distro != "ubuntu" && distro != "debian" {
		return usagef(helpHint(c.Command.HelpName), i18n.T("--distro must be ubuntu or debian, not '%s'", "--distro는 ubuntu나 debian이어야 합니다 ('%s'는 안 됩니다)"), distro)
	}
	country := strings.ToUpper(c.String("country"))
	cat := mirrors.Default()
	if country != "" && !aptHas(cat.Countries(), country) {
		return usagef(i18n.T("countries: "+strings.Join(cat.Countries(), " "), "국가 코드: "+strings.Join(cat.Countries(), " ")),
			i18n.T("no mirrors for country '%s'", "국가 '%s'의 미러가 없습니다"), country)
	}
	list := cat.Filter(country, distro)
	if c.Bool("json") {
		if list == nil {
			list = []mirrors.Mirror{}
		}
		return e.writeJSON(list)
	}
	io := e.io
	var named, rest []mirrors.Mirror
	for _, m := range list {
		if m.Name != "" {
			named = append(named, m)
		} else {
			rest = append(rest, m)
		}
	}
	if len(named) > 0 {
		io.Println(i18n.T("Named mirrors (use the name with 'sysdojo apt switch NAME'):", "이름 있는 미러 ('sysdojo apt switch 이름'으로 씁니다):"))
		var wn, ws int
		for _, m := range named {
			wn = max(wn, term.Width(m.Name))
			ws = max(ws, term.Width(e.statusWord(m.Status)))
		}
		for _, m := range named {
			fmt.Fprintf(io.Out, "  %s  %-6s  %s  %s\n", term.Pad(m.Name, wn), m.Distro, term.Pad(e.statusWord(m.Status), ws), io.Code(m.URL))
			carries := strings.Join(m.Carries, " ")
			if carries == "" {
				carries = e.t("no Debian or Ubuntu archive", "데비안·우분투 저장소 없음")
			}
			fmt.Fprintf(io.Out, "      %s\n", io.Dim(strings.Join(m.Schemes, "+")+" · "+carries))
			fmt.Fprint(io.Out, io.Dim(strings.TrimSuffix(term.WrapPrefix(io.T(m.Note), "      ", "      ", 80), "\n"))+"\n")
		}
	}
	if country == "" {
		counts := map[string]int{}
		for _, m := range rest {
			counts[m.Country]++
		}
		fmt.Fprintf(io.Out, "\n%s\n", e.t(
			fmt.Sprintf("And %d more mirrors in %d countries (python-apt's lists, 2020): add --country CC to see them, e.g. --country KR.", len(rest), len(counts)),
			fmt.Sprintf("그 밖에 %d개 나라의 미러 %d개가 있습니다 (python-apt 목록, 2020년). --country KR처럼 국가를 주면 보여 줍니다.", len(counts), len(rest))))
		return nil
	}
	if len(rest) > 0 {
		fmt.Fprintf(io.Out, "\n%s\n", e.t("From the 2020 per-country lists (check with 'sysdojo apt rank' before trusting):",
			"2020년 국가별 목록에서 ('sysdojo apt rank'로 확인하고 쓰세요):"))
		for _, m := range rest {
			fmt.Fprintf(io.Out, "  %-7s %s\n", m.Distro, m.URL)
		}
	}
	return nil
}

func (e *env) statusWord(s string) string {
	switch s {
	case mirrors.Active:
		return e.io.OK("✓") + " " + e.t("active", "운영 중")
	case mirrors.Retired:
		return e.io.Bad("✗") + " " + e.t("retired", "운영 종료")
	case mirrors.Renamed:
		return "→ " + e.t("renamed", "이름 바뀜")
	case mirrors.NoArchive:
		return e.io.Bad("✗") + " " + e.t("no archive", "저장소 없음")
	}
	return "? " + e.t("unlisted", "목록에서 빠짐")
}

func aptHas(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ---- switch

func (e *env) aptSwitch(c *cli.Context) error {
	a, err := args(c, 1, 1, "MIRROR")
	if err != nil {
		return err
	}
	sys, err := e.loadSystem(c)
	if err != nil {
		return err
	}
	return e.runSwitch(c, sys, a[0], c.Bool("dry-run"))
}

// runSwitch resolves the mirror (and --security's), plans, writes unless
// dry, and reports: the diff, why each URI changed, what was left alone,
// the backup and the next command. apt rank --apply uses it too.
func (e *env) runSwitch(c *cli.Context, sys *apt.System, mirror string, dry bool) error {
	cat := mirrors.Default()
	target, err := apt.ResolveTarget(cat, mirror, sys.OS.Family())
	if err != nil {
		return err
	}
	opt := apt.SwitchOptions{AllowHTTP: c.Bool("allow-http")}
	if s := c.String("security"); s != "" {
		st, err := apt.ResolveTarget(cat, s, sys.OS.Family())
		if err != nil {
			return err
		}
		opt.Security = &st
	}
	plan, err := apt.PlanSwitch(sys, cat, target, opt)
	if err != nil {
		return err
	}
	var backup *apt.Backup
	if !dry {
		backup, err = plan.Apply(time.Now())
		if err != nil {
			return err
		}
	}
	root := sys.Root
	host := aptIsHostRoot(root)
	backupPath := ""
	if backup != nil {
		backupPath = apt.HostPath(root, filepath.Join(apt.BackupDir, backup.ID))
	}
	if c.Bool("json") {
		out := map[string]any{"target": plan.Target, "files": plan.Files, "kept": plan.Kept, "warnings": plan.Warnings, "changed": plan.Changed(), "written": !dry && plan.Changed()}
		if plan.Files == nil {
			out["files"] = []apt.FilePlan{}
		}
		if plan.Kept == nil {
			out["kept"] = []apt.Kept{}
		}
		if backup != nil {
			out["backup"] = backupPath
		}
		return e.writeJSON(out)
	}
	io := e.io
	for _, n := range target.Notes {
		fmt.Fprintf(io.Out, "%s %s\n", io.Warn("!"), io.T(n))
	}
	if !plan.Changed() {
		fmt.Fprintf(io.Out, "%s %s\n", io.OK("✓"), e.t("Nothing to change: the archives already point at "+mirror+".",
			"바꿀 것이 없습니다: 저장소가 이미 "+mirror+"를 가리킵니다."))
		e.printKept(plan)
		return nil
	}
	for _, f := range plan.Files {
		fmt.Fprintln(io.Out)
		e.printDiff(f.Diff)
		for _, ch := range f.Changes {
			fmt.Fprintf(io.Out, "  %s %s\n", io.Dim(fmt.Sprintf(":%d", ch.Line)), io.T(ch.Why))
		}
		if f.CloudInit {
			fmt.Fprintf(io.Out, "%s %s\n", io.Warn("!"), e.t(
				"cloud-init may rewrite "+f.Path+" from its template on the next boot: set 'apt_preserve_sources_list: true' in /etc/cloud/cloud.cfg to keep this change.",
				"cloud-init이 다음 부팅 때 템플릿으로 "+f.Path+"를 다시 쓸 수 있습니다. 이 변경을 지키려면 /etc/cloud/cloud.cfg에 'apt_preserve_sources_list: true'를 넣으세요."))
		}
	}
	e.printKept(plan)
	for _, w := range plan.Warnings {
		fmt.Fprintf(io.Out, "%s %s\n", io.Warn("!"), io.T(w))
	}
	fmt.Fprintln(io.Out)
	if dry {
		io.Println(i18n.T("Dry run: nothing was written.", "연습 실행(--dry-run): 아무것도 쓰지 않았습니다."))
		return nil
	}
	n := 0
	for _, f := range plan.Files {
		n += len(f.Changes)
	}
	fmt.Fprintf(io.Out, "%s %s\n", io.OK("✓"), e.t(
		fmt.Sprintf("Switched: %d URI(s) in %d file(s), written atomically; mode and owner kept.", n, len(plan.Files)),
		fmt.Sprintf("바꿨습니다: 파일 %d개에서 URI %d개를 원자적으로 썼고, 모드와 소유자는 그대로입니다.", len(plan.Files), n)))
	fmt.Fprintf(io.Out, "%s %s\n", e.t("Backup:", "백업:"), backupPath)
	if host {
		fmt.Fprintf(io.Out, "%s\n", e.t("Next: sudo apt-get update. To undo: sysdojo apt restore",
			"다음 할 일: sudo apt-get update. 되돌리려면: sysdojo apt restore"))
	} else {
		fmt.Fprintf(io.Out, "%s\n", e.t(
			"This root is not the running system: its apt runs inside it (e.g. sudo chroot "+root+" apt-get update). To undo: sysdojo apt restore --root "+root,
			"이 루트는 지금 돌아가는 시스템이 아닙니다. apt는 그 안에서 실행하세요 (예: sudo chroot "+root+" apt-get update). 되돌리려면: sysdojo apt restore --root "+root))
	}
	return nil
}

// aptIsHostRoot reports whether root is this machine's "/".
func aptIsHostRoot(root string) bool {
	abs, err := filepath.Abs(root)
	if err != nil {
		return false
	}
	fi, err1 := os.Stat(abs)
	rfi, err2 := os.Stat("/")
	return err1 == nil && err2 == nil && os.SameFile(fi, rfi)
}

// printDiff shows a unified diff, coloured.
func (e *env) printDiff(d string) {
	io := e.io
	for _, l := range strings.SplitAfter(d, "\n") {
		switch {
		case strings.HasPrefix(l, "+++") || strings.HasPrefix(l, "---") || strings.HasPrefix(l, "diff "):
			fmt.Fprint(io.Out, io.Heading(strings.TrimSuffix(l, "\n"))+"\n")
		case strings.HasPrefix(l, "+"):
			fmt.Fprint(io.Out, io.OK(strings.TrimSuffix(l, "\n"))+"\n")
		case strings.HasPrefix(l, "-"):
			fmt.Fprint(io.Out, io.Bad(strings.TrimSuffix(l, "\n"))+"\n")
		default:
			fmt.Fprint(io.Out, l)
		}
	}
}

// printKept summarises what a switch left alone, one line per reason.
func (e *env) printKept(p *apt.Plan) {
	if len(p.Kept) == 0 {
		return
	}
	type group struct {
		reason i18n.Text
		uris   []string
	}
	var groups []*group
	idx := map[string]*group{}
	for _, k := range p.Kept {
		g, ok := idx[k.Reason.En]
		if !ok {
			g = &group{reason: k.Reason}
			idx[k.Reason.En] = g
			groups = append(groups, g)
		}
		if !aptHas(g.uris, k.URI) {
			g.uris = append(g.uris, k.URI)
		}
	}
	fmt.Fprintf(e.io.Out, "\n%s\n", e.t("Left alone:", "그대로 둔 것:"))
	for _, g := range groups {
		fmt.Fprintf(e.io.Out, "  %s %s\n", e.io.Dim("="), e.io.T(g.reason))
		for _, u := range g.uris {
			fmt.Fprintf(e.io.Out, "      %s\n", u)
		}
	}
}

// ---- restore

func (e *env) aptRestore(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	root := c.String("root")
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return usagef(helpHint(c.Command.HelpName), i18n.T("--root %s is not a directory", "--root %s는 디렉터리가 아닙니다"), root)
	}
	b, err := apt.Restore(root)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		edited := b.Edited
		if edited == nil {
			edited = []apt.Edited{}
		}
		return e.writeJSON(map[string]any{"backup": b.ID, "mirror": b.Mirror, "files": b.Files, "edited": edited})
	}
	for _, ed := range b.Edited {
		fmt.Fprintf(e.io.Out, "%s %s\n", e.io.Warn("!"), e.t(
			ed.Path+" was edited after the switch: your version is kept in "+ed.Saved+". What restore changed in it:",
			ed.Path+"는 switch 뒤에 고쳐졌습니다. 고친 파일은 "+ed.Saved+"에 남겨 두었습니다. 되돌리면서 바뀐 내용:"))
		e.printDiff(ed.Diff)
		fmt.Fprintln(e.io.Out)
	}
	for _, f := range b.Files {
		fmt.Fprintf(e.io.Out, "%s %s  %s %s:%d:%d\n", e.io.OK("✓"), f.Path, e.t("restored,", "되돌림,"), f.Mode, f.UID, f.GID)
	}
	fmt.Fprintf(e.io.Out, "%s\n", e.t("Restored the state from before the switch to "+b.Mirror+" ("+b.Created.Format(time.RFC3339)+").",
		b.Mirror+"로 바꾸기 전 상태("+b.Created.Format(time.RFC3339)+")로 되돌렸습니다."))
	return nil
}

// ---- explain

func (e *env) aptExplain(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	sys, err := e.loadSystem(c)
	if err != nil {
		return err
	}
	var archs []string
	if a := c.String("arch"); a != "" {
		for _, x := range strings.Split(a, ",") {
			x = strings.TrimSpace(x)
			if x == "" || strings.ContainsAny(x, "/ ") {
				return usagef(helpHint(c.Command.HelpName), i18n.T("bad --arch '%s' (e.g. amd64,arm64)", "잘못된 --arch '%s' (예: amd64,arm64)"), a)
			}
			archs = append(archs, x)
		}
	}
	xs := apt.Explain(sys.Entries(), apt.ExplainOptions{Archs: archs})
	if c.Bool("json") {
		if xs == nil {
			xs = []apt.Explained{}
		}
		return e.writeJSON(xs)
	}
	io := e.io
	if len(xs) == 0 {
		io.Println(i18n.T("No enabled entries: apt-get update would fetch nothing.", "켜진 항목이 없습니다: apt-get update는 아무것도 받지 않습니다."))
	}
	for _, x := range xs {
		fmt.Fprintf(io.Out, "\n%s  %s %s %s %s\n", io.Dim(fmt.Sprintf("%s:%d", x.File, x.Line)), x.Type, io.Code(x.URI), x.Suite, strings.Join(x.Components, " "))
		for _, f := range x.Fetches {
			fmt.Fprintf(io.Out, "  GET %s\n", f.URL)
		}
		fmt.Fprintf(io.Out, "  %s %s\n", io.Dim(e.t("(no InRelease? then", "(InRelease가 없으면")), io.Dim(strings.Join(x.Fallback, " , ")+")"))
	}
	fmt.Fprintf(io.Out, "\n%s\n", e.t(fmt.Sprintf("%d distinct URLs in all (a suite's InRelease is fetched once, whatever the number of entries).", len(apt.UniqueURLs(xs))),
		fmt.Sprintf("모두 %d개의 서로 다른 URL (배포판의 InRelease는 항목이 여럿이어도 한 번만 받습니다).", len(apt.UniqueURLs(xs)))))
	fmt.Fprintf(io.Out, "\n%s\n", io.Heading(e.t("What apt-get update and install do", "apt-get update와 install이 하는 일")))
	for i, s := range apt.Story {
		fmt.Fprintf(io.Out, "%d. %s\n", i+1, io.T(s))
	}
	return nil
}

// ---- rank

func (e *env) aptRank(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	if c.Int("concurrency") < 1 {
		return usagef(helpHint(c.Command.HelpName), i18n.T("--concurrency must be at least 1", "--concurrency는 1 이상이어야 합니다"))
	}
	if c.Duration("timeout") <= 0 {
		return usagef(helpHint(c.Command.HelpName), i18n.T("--timeout must be positive (e.g. 3s)", "--timeout은 0보다 커야 합니다 (예: 3s)"))
	}
	if (c.Bool("dry-run") || c.Bool("allow-http")) && !c.Bool("apply") {
		return usagef(helpHint(c.Command.HelpName), i18n.T("--dry-run and --allow-http go with --apply", "--dry-run과 --allow-http는 --apply와 함께 씁니다"))
	}
	var osinfo apt.OS
	sys, sysErr := apt.Load(c.String("root"))
	if sysErr == nil {
		osinfo = sys.OS
	}
	if c.Bool("apply") {
		if _, err := e.loadSystem(c); err != nil {
			return err
		}
	}
	distro := strings.ToLower(c.String("distro"))
	if distro == "" {
		distro = osinfo.Family()
	}
	if distro == "" {
		distro = "ubuntu"
	}
	if distro != "ubuntu" && distro != "debian" {
		return usagef(helpHint(c.Command.HelpName), i18n.T("--distro must be ubuntu or debian, not '%s'", "--distro는 ubuntu나 debian이어야 합니다 ('%s'는 안 됩니다)"), distro)
	}
	suite := c.String("suite")
	if suite == "" {
		suite = osinfo.Codename
	}
	if suite == "" {
		suite = map[string]string{"ubuntu": "noble", "debian": "bookworm"}[distro]
	}
	isURL := func(u string) bool { return strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") }
	urls := c.StringSlice("mirror")
	for _, u := range urls {
		if !isURL(u) {
			return usagef(helpHint(c.Command.HelpName), i18n.T("--mirror %s is not an http:// or https:// URL", "--mirror %s는 http://나 https:// 주소가 아닙니다"), u)
		}
	}
	reference := c.String("reference")
	if reference != "" && !isURL(reference) {
		return usagef(helpHint(c.Command.HelpName), i18n.T("--reference %s is not an http:// or https:// URL", "--reference %s는 http://나 https:// 주소가 아닙니다"), reference)
	}
	names := map[string]string{} // URL -> catalogue name, for --apply
	if len(urls) == 0 {
		country := strings.ToUpper(c.String("country"))
		if country == "" {
			country = "KR"
		}
		seen := map[string]bool{}
		for _, m := range mirrors.Default().Filter(country, distro) {
			if m.Status == mirrors.Retired || m.Status == mirrors.Renamed || m.Status == mirrors.NoArchive || seen[mirrors.Key(m.URL)] || !isURL(m.URL) {
				continue
			}
			seen[mirrors.Key(m.URL)] = true
			urls = append(urls, m.URL)
			if m.Name != "" {
				names[m.URL] = m.Name
			} else {
				names[m.URL] = m.Host
			}
		}
		if len(urls) == 0 {
			return usagef(helpHint(c.Command.HelpName), i18n.T("no %s mirrors for country '%s'", "국가 '%[2]s'의 %[1]s 미러가 없습니다"), distro, country)
		}
		if reference == "" {
			reference = map[string]string{"ubuntu": "http://archive.ubuntu.com/ubuntu/", "debian": "http://deb.debian.org/debian/"}[distro]
		}
	}
	arch := apt.NativeArch()
	sample := "Contents-" + arch + ".gz"
	if distro == "debian" {
		sample = "main/" + sample
	}
	opt := rank.Options{Suite: suite, Timeout: c.Duration("timeout"), Concurrency: c.Int("concurrency"), Sample: sample, Reference: reference}
	var pmu sync.Mutex
	if e.io.ErrTTY {
		answered := 0
		opt.Progress = func(done, total int, r rank.Result) {
			pmu.Lock()
			defer pmu.Unlock()
			if r.OK {
				answered++
			}
			const w = 30
			n := done * w / total
			fmt.Fprintf(e.io.Err, "\r\033[K%s [%s%s] %d/%d, %d %s  %s", e.t("probing", "재는 중"), strings.Repeat("█", n), strings.Repeat("·", w-n), done, total,
				answered, e.t("answered", "응답"), aptShort(r.Mirror, 30))
			if done == total {
				fmt.Fprint(e.io.Err, "\r\033[K")
			}
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	rk := rank.Rank(ctx, urls, opt)
	took := time.Since(start)
	noneErr := i18n.Failed(i18n.T("no mirror answered", "응답한 미러가 없습니다"), nil).
		WithHint(i18n.T("check the network, or raise --timeout", "네트워크를 확인하거나 --timeout을 늘려 보세요"))
	if c.Bool("json") {
		if err := e.writeJSON(rk.Results); err != nil {
			return err
		}
		if !rk.Answered() {
			return noneErr
		}
	} else {
		e.printRank(rk, suite, sample, took)
		if !rk.Answered() {
			return noneErr
		}
	}
	best := rk.Results[0]
	if !c.Bool("apply") {
		return nil
	}
	if !best.Fresh {
		return i18n.Failed(i18n.T("not applying: no mirror is both answering and up to date", "적용하지 않았습니다: 응답하면서 최신인 미러가 없습니다"), nil)
	}
	arg := best.Mirror
	if n, ok := names[best.Mirror]; ok {
		arg = n
	}
	fmt.Fprintf(e.io.Out, "\n%s\n", e.io.Heading(e.t("Applying: sysdojo apt switch "+arg, "적용: sysdojo apt switch "+arg)))
	sys, err := e.loadSystem(c)
	if err != nil {
		return err
	}
	return e.runSwitch(c, sys, arg, c.Bool("dry-run"))
}

func (e *env) printRank(rk rank.Ranking, suite, sample string, took time.Duration) {
	io := e.io
	rs := rk.Results
	fmt.Fprintf(io.Out, "%s\n", e.t(
		fmt.Sprintf("%d mirrors probed at once in %s: latency = connect + first byte of dists/%s/InRelease; speed = up to 1 MB of %s (or the largest file InRelease lists).",
			len(rs), took.Round(time.Millisecond), suite, sample),
		fmt.Sprintf("미러 %d개를 동시에 재 봤습니다 (걸린 시간 %s). 지연 = dists/%s/InRelease의 연결과 첫 바이트까지, 속도 = %s(없으면 InRelease에 적힌 가장 큰 파일)를 최대 1 MB 받아 잰 값.",
			len(rs), took.Round(time.Millisecond), suite, sample)))
	if rk.ReferenceUsed == "official" {
		fmt.Fprintf(io.Out, "%s\n\n", io.Dim(e.t("Freshness: against the official archive's InRelease Date.", "최신 여부: 공식 저장소 InRelease의 Date와 견줌.")))
	} else {
		fmt.Fprintf(io.Out, "%s\n\n", io.Dim(e.t("Freshness: against the newest mirror seen (no official archive to compare with).",
			"최신 여부: 잰 미러 중 가장 새로운 것과 견줌 (견줄 공식 저장소 없음).")))
	}
	maxR := 0.0
	for _, r := range rs {
		if r.OK && r.BytesPerS > maxR {
			maxR = r.BytesPerS
		}
	}
	tw := term.NewTable("") // aligned by display width: Korean words and colour codes
	tw.Gap = 1
	tw.Row(" #", e.t("mirror", "미러"), e.t("state", "상태"), e.t("latency", "지연"), e.t("speed", "속도"), "")
	for i, r := range rs {
		var verdict, lat, speed, bar string
		switch {
		case !r.OK:
			verdict = io.Bad("✗") + " " + e.t("failed", "실패")
			lat, speed = "-", "-"
			bar = io.Dim(r.Error)
		default:
			switch {
			case r.Syncing:
				verdict = io.Warn("~") + " " + e.t("syncing", "동기화 중")
			case r.Fresh && r.Behind == "":
				verdict = io.OK("✓") + " " + e.t("up to date", "최신")
			case r.Fresh:
				verdict = io.OK("✓") + " " + e.t(r.Behind+" behind (ok)", r.BehindKo+" 늦음 (괜찮음)")
			default:
				verdict = io.Warn("!") + " " + e.t(r.Behind+" behind", r.BehindKo+" 뒤처짐")
			}
			lat = fmt.Sprintf("%.0f ms", r.TTFBms)
			speed = fmt.Sprintf("%.1f MB/s", r.BytesPerS/1e6)
			n := 1
			if maxR > 0 {
				n = max(1, int(r.BytesPerS/maxR*20+0.5))
			}
			bar = strings.Repeat("█", n)
		}
		tw.Row(fmt.Sprintf("%2d", i+1), r.Mirror, verdict, fmt.Sprintf("%8s", lat), fmt.Sprintf("%11s", speed), bar)
	}
	tw.Write(io.Out)
	if len(rs) == 0 || !rs[0].OK {
		return
	}
	// Say why when the nearest mirror is not the winner.
	nearest := rs[0]
	for _, r := range rs {
		if r.OK && r.Fresh && r.TTFBms < nearest.TTFBms {
			nearest = r
		}
	}
	if nearest.Mirror != rs[0].Mirror {
		fmt.Fprintf(io.Out, "\n%s\n", e.t(
			fmt.Sprintf("Ranked by download speed: %s answers first (%.0f ms) but downloads at %.1f MB/s; %s downloads at %.1f MB/s.",
				nearest.Mirror, nearest.TTFBms, nearest.BytesPerS/1e6, rs[0].Mirror, rs[0].BytesPerS/1e6),
			fmt.Sprintf("받는 속도로 순위를 매겼습니다. 가장 먼저 응답한 미러: %s (%.0f ms, 받는 속도 %.1f MB/s). 1위: %s (%.1f MB/s).",
				nearest.Mirror, nearest.TTFBms, nearest.BytesPerS/1e6, rs[0].Mirror, rs[0].BytesPerS/1e6)))
	}
	if rs[0].Fresh {
		fmt.Fprintf(io.Out, "\n%s\n", e.t("Best: "+rs[0].Mirror+"  (apply it: add --apply, or try sysdojo apt switch --dry-run "+rs[0].Mirror+")",
			"가장 좋은 미러: "+rs[0].Mirror+"  (적용하려면 --apply를 붙이거나, sysdojo apt switch --dry-run "+rs[0].Mirror+"로 먼저 보세요)"))
	}
}

// aptShort cuts s to at most n bytes for the progress line.
func aptShort(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

// ---- serve

func aptParseDelay(s string) (time.Duration, time.Duration, error) {
	if s == "" {
		return 0, 0, nil
	}
	lo, hi, isRange := strings.Cut(s, "..")
	min, err := time.ParseDuration(lo)
	if err != nil || min < 0 {
		return 0, 0, fmt.Errorf("bad delay")
	}
	if !isRange {
		return min, min, nil
	}
	max, err := time.ParseDuration(hi)
	if err != nil || max < min {
		return 0, 0, fmt.Errorf("bad delay")
	}
	return min, max, nil
}

// aptParseRate reads R or MIN..MAX in bytes per second, with k (1000)
// and m (1000000) suffixes. Zero means no limit.
func aptParseRate(s string) (int64, int64, error) {
	if s == "" {
		return 0, 0, nil
	}
	one := func(v string) (int64, error) {
		v = strings.ToLower(strings.TrimSpace(v))
		mul := int64(1)
		switch {
		case strings.HasSuffix(v, "k"):
			mul, v = 1000, strings.TrimSuffix(v, "k")
		case strings.HasSuffix(v, "m"):
			mul, v = 1000000, strings.TrimSuffix(v, "m")
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 || f*float64(mul) < 1000 || f*float64(mul) > 1e10 {
			return 0, fmt.Errorf("bad rate")
		}
		return int64(f * float64(mul)), nil
	}
	lo, hi, isRange := strings.Cut(s, "..")
	a, err := one(lo)
	if err != nil || !isRange {
		return a, a, err
	}
	b, err := one(hi)
	if err != nil || b < a {
		return 0, 0, fmt.Errorf("bad rate")
	}
	return a, b, nil
}

func (e *env) aptServe(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	n := c.Int("mirrors")
	if n < 1 || n > 200 {
		return usagef(helpHint(c.Command.HelpName), i18n.T("--mirrors must be 1 to 200", "--mirrors는 1에서 200 사이여야 합니다"))
	}
	lo, hi, err := aptParseDelay(c.String("delay"))
	if err != nil {
		return usagef(helpHint(c.Command.HelpName), i18n.T("bad --delay '%s' (e.g. 50ms or 20ms..400ms)", "잘못된 --delay '%s' (예: 50ms 또는 20ms..400ms)"), c.String("delay"))
	}
	rlo, rhi, err := aptParseRate(c.String("rate"))
	if err != nil {
		return usagef(helpHint(c.Command.HelpName), i18n.T("bad --rate '%s' (e.g. 500k or 200k..5m)", "잘못된 --rate '%s' (예: 500k 또는 200k..5m)"), c.String("rate"))
	}
	configs := make([]serve.MirrorConfig, n)
	for i, d := range serve.Spread(n, lo, hi) {
		configs[i].Delay = d
	}
	if rlo > 0 {
		for i := range configs {
			// Spread from the fastest down, so that with --delay the
			// nearest mirror is the slowest to download.
			if n > 1 {
				configs[i].Rate = rhi - (rhi-rlo)*int64(i)/int64(n-1)
			} else {
				configs[i].Rate = rlo
			}
		}
		if lo < hi {
			for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
				configs[i].Rate, configs[j].Rate = configs[j].Rate, configs[i].Rate
			}
		}
	}
	if c.Bool("stale") {
		configs[n-1].Stale = true
	}
	if kr := c.String("keyring"); kr != "" {
		if err := serve.WriteKeyring(kr, c.Bool("force")); err != nil {
			return err
		}
	}
	pool, err := e.aptOpenPool(c.String("pool"))
	if err != nil {
		return err
	}
	defer pool.Close()
	srv, err := serve.StartWith(c.String("addr"), configs, time.Now().Add(-time.Hour), pool)
	if err != nil {
		return i18n.Failed(i18n.T("cannot start the mirror", "미러를 시작할 수 없습니다"), err).
			WithHint(i18n.T("try another port, e.g. --addr 127.0.0.1:0", "다른 포트를 써 보세요 (예: --addr 127.0.0.1:0)"))
	}
	defer srv.Close()
	io := e.io
	for i, m := range srv.Mirrors {
		extra := ""
		if m.Config.Delay > 0 {
			extra += " " + e.t("delay", "지연") + " " + m.Config.Delay.String()
		}
		if m.Config.Rate > 0 {
			extra += " " + e.t("rate", "대역폭") + " " + fmt.Sprintf("%.2f MB/s", float64(m.Config.Rate)/1e6)
		}
		if m.Config.Stale {
			extra += " " + e.t("stale (3 days behind)", "뒤처짐 (3일 전 상태)")
		}
		fmt.Fprintf(io.Out, "%s %d: %s%s\n", e.t("mirror", "미러"), i+1, m.URL, io.Dim(extra))
		if i == 0 || n <= 3 {
			for _, a := range serve.Archives {
				fmt.Fprintf(io.Out, "  %-16s %s\n", a.Path, m.Archive(a.Path))
			}
		}
	}
	e.aptPoolSummary(pool)
	fmt.Fprintf(io.Out, "%s\n", e.t(
		"Release files are signed with sysdojo's test key (--keyring FILE writes it). Try: sysdojo apt switch --root DIR --dry-run "+srv.Mirrors[0].Archive("ubuntu"),
		"Release 파일은 sysdojo 테스트 키로 서명되어 있습니다 (--keyring FILE로 키를 저장). 해 보기: sysdojo apt switch --root DIR --dry-run "+srv.Mirrors[0].Archive("ubuntu")))
	fmt.Fprintf(io.Out, "%s\n", io.Dim(e.t("Ctrl-C stops.", "Ctrl-C로 멈춥니다.")))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if d := c.Duration("for"); d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	srv.Shutdown(sctx)
	fmt.Fprintf(io.Out, "%s\n", e.t("Stopped.", "멈췄습니다."))
	return nil
}
