package main

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/lessons"
	"github.com/sysdojo/sysdojo/link"
)

func newLinkCommand(e *env) *cli.Command {
	// -x stays on one filesystem, as in du, cp, rsync (find -xdev); by
	// default the walk goes into filesystems mounted below DIR, as find.
	oneFSFlag := &cli.BoolFlag{Name: "one-file-system", Aliases: []string{"x"}, Usage: e.t(
		"stay on DIR's filesystem: skip filesystems mounted below it (as du -x, find -xdev)",
		"DIR의 파일시스템 안에서만 찾음: 그 아래에 마운트된 다른 파일시스템은 건너뜀 (du -x, find -xdev처럼)")}
	// --cross-devices was the old name of the default; still accepted.
	crossFlag := &cli.BoolFlag{Name: "cross-devices", Hidden: true}
	return &cli.Command{
		Name:  "link",
		Usage: e.t("inodes, hard links and symbolic links", "inode, 하드 링크, 심볼릭 링크"),
		Subcommands: []*cli.Command{
			{
				Name:      "inspect",
				Usage:     e.t("inode, link count, type, device and symlink chain of each PATH", "각 PATH의 inode, 링크 수, 종류, 장치, 심볼릭 링크 경로"),
				ArgsUsage: "PATH...",
				Flags:     []cli.Flag{jsonFlag},
				Action:    e.linkInspect,
			},
			{
				Name:      "same",
				Usage:     e.t("every name of PATH's inode under DIR (default .): find -samefile", "DIR(기본값 .) 아래에서 PATH의 inode를 가리키는 모든 이름"),
				ArgsUsage: "PATH [DIR]",
				Description: e.t(
					"Symbolic links are not followed, neither PATH (unless --follow) nor any below DIR.\n"+
						"Exit status: 0 done, 1 some directories could not be read, 2 bad PATH or DIR.",
					"심볼릭 링크는 따라가지 않습니다 (PATH는 --follow를 주면 따라감).\n"+
						"종료 코드: 0 완료, 1 읽지 못한 디렉터리가 있음, 2 잘못된 PATH나 DIR."),
				Flags: []cli.Flag{jsonFlag, oneFSFlag, crossFlag,
					&cli.BoolFlag{Name: "follow", Aliases: []string{"L"}, Usage: e.t(
						"when PATH is a symbolic link, look for what it points to", "PATH가 심볼릭 링크이면 그것이 가리키는 대상을 찾음")},
				},
				Action: e.linkSame,
			},
			{
				Name:      "broken",
				Usage:     e.t("dangling symbolic links and loops under DIR", "DIR 아래의 끊어진 심볼릭 링크와 순환 링크"),
				ArgsUsage: "DIR",
				Description: e.t("Exit status, as a linter's: 0 none found, 1 broken links found (or a directory could not be read), 2 bad DIR.",
					"종료 코드는 린터처럼: 0 없음, 1 끊어진 링크를 찾음 (또는 읽지 못한 디렉터리가 있음), 2 잘못된 DIR."),
				Flags:  []cli.Flag{jsonFlag, oneFSFlag, crossFlag},
				Action: e.linkBroken,
			},
			{
				Name:      "demo",
				Usage:     e.t("the hard-vs-soft link experiment, run for real and narrated", "하드 링크와 심볼릭 링크 실험을 실제로 해 보며 설명"),
				ArgsUsage: " ",
				Description: e.t("The links-experiment lesson, run as 'sysdojo demo links-experiment' runs it; the directory is kept.\n"+
					"Exit status: 0 every step passed, 1 a step failed, 2 bad usage (a --dir that is not empty).",
					"links-experiment 레슨을 'sysdojo demo links-experiment'처럼 실행합니다. 디렉터리는 지우지 않고 남깁니다.\n"+
						"종료 코드: 0 모든 단계 통과, 1 실패한 단계가 있음, 2 잘못된 사용법 (비어 있지 않은 --dir)."),
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "dir", Usage: e.t("where to run it: an empty or new directory (default: a new temporary directory, kept)", "실험할 디렉터리: 비어 있거나 새 디렉터리 (기본값: 새 임시 디렉터리, 지우지 않고 남김)")},
					&cli.DurationFlag{Name: "auto", Usage: e.t("advance after this delay instead of waiting for Enter (e.g. 2s)", "Enter를 기다리지 않고 이 시간이 지나면 넘어감 (예: 2s)")},
					&cli.BoolFlag{Name: "wait", Usage: e.t("wait for Enter (a line on stdin) between steps even when stdin is not a terminal", "stdin이 터미널이 아니어도 단계 사이에서 Enter(stdin의 한 줄)를 기다림")},
				},
				Action: e.linkDemo,
			},
		},
	}
}

// linkPathErr turns a failed lstat/stat/open of a path the user gave into
// bad input (exit 2) in the user's language.
func linkPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(err, unix.ENOENT):
			return i18n.Invalid(i18n.T("no such file or directory: %s", "그런 파일이나 디렉터리가 없습니다: %s").F(quotePath(pe.Path)))
		case errors.Is(err, unix.ENOTDIR):
			return i18n.Invalid(i18n.T("not a directory (or a path goes through a file): %s", "디렉터리가 아닙니다 (또는 경로 중간에 파일이 있습니다): %s").F(quotePath(pe.Path)))
		case errors.Is(err, unix.ELOOP):
			return i18n.Invalid(i18n.T("too many levels of symbolic links (a loop?): %s", "심볼릭 링크가 너무 많이 이어집니다 (순환 링크?): %s").F(quotePath(pe.Path)))
		case errors.Is(err, unix.EACCES):
			return i18n.Failed(i18n.T("permission denied: %s", "권한이 없습니다: %s").F(quotePath(pe.Path)), nil)
		}
	}
	return &i18n.Error{Kind: i18n.KindInvalid, Text: i18n.T("cannot inspect", "확인할 수 없습니다"), Err: err}
}

// quotePath shows a path on one line: as it is when it is plain, quoted
// in Go/shell-like $'...' style when it has spaces at the ends, control
// characters (a newline) or invalid UTF-8.
func quotePath(p string) string {
	plain := p != "" && strings.TrimSpace(p) == p
	for _, r := range p {
		if r == unicode.ReplacementChar || !unicode.IsPrint(r) && r != ' ' {
			plain = false
			break
		}
	}
	if plain {
		return p
	}
	q := strconv.Quote(p)
	return "$'" + strings.ReplaceAll(q[1:len(q)-1], `'`, `\'`) + "'"
}

// ---- inspect

func (e *env) linkInspect(c *cli.Context) error {
	a, err := args(c, 1, -1, "PATH...")
	if err != nil {
		return err
	}
	var infos []link.Info
	var errs []error
	for _, p := range a {
		in, err := link.Inspect(p)
		if err != nil {
			errs = append(errs, linkPathErr(err))
			continue
		}
		infos = append(infos, in)
	}
	if c.Bool("json") {
		if infos == nil {
			infos = []link.Info{}
		}
		if err := e.writeJSON(infos); err != nil {
			return err
		}
	} else {
		e.printInspect(infos)
	}
	return e.lastOf(errs)
}

// lastOf prints all but the last error (as main would) and returns the
// last one for main to print, so every failed path gets one line.
func (e *env) lastOf(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	for _, err := range errs[:len(errs)-1] {
		fmt.Fprintln(e.io.Err, oneLine("sysdojo: "+i18n.Message(err, e.io.Lang)))
	}
	return errs[len(errs)-1]
}

func (e *env) printInspect(infos []link.Info) {
	io := e.io
	for i, in := range infos {
		if i > 0 {
			fmt.Fprintln(io.Out)
		}
		fmt.Fprintln(io.Out, io.Heading(quotePath(in.Path)))
		io.Printf(i18n.T("  inode %s on device %d:%d (st_dev %d), %s\n", "  inode %s, 장치 %d:%d (st_dev %d), %s\n"),
			io.Code(strconv.FormatUint(in.Inode, 10)), in.DevMajor, in.DevMinor, in.Dev, e.typeWord(in.Type))
		io.Printf(i18n.T("  link count %d, mode %s, owner %s:%s, size %d bytes\n", "  링크 수 %d, 모드 %s, 소유자 %s:%s, 크기 %d바이트\n"),
			in.Nlink, io.Code(in.Mode), in.Owner, in.Group, in.Size)
		switch {
		case in.Symlink != nil:
			e.printSymlink(in)
		case in.Type == "directory":
			io.Printf(i18n.T("  a directory's link count is 2 + its subdirectories (its name, its own '.', each child's '..')\n",
				"  디렉터리의 링크 수는 2 + 하위 디렉터리 수입니다 (자기 이름, 자신의 '.', 각 하위 디렉터리의 '..')\n"))
		case in.Nlink > 1:
			io.Printf(i18n.T("  %d names share this inode; list them with: sysdojo link same %s /\n",
				"  이름 %d개가 이 inode를 함께 씁니다. 모두 보려면: sysdojo link same %s /\n"), in.Nlink, quotePath(in.Path))
		}
	}
	if len(infos) > 0 {
		fmt.Fprintln(io.Out)
		io.Println(i18n.T("Names and inodes:", "이름과 inode:"))
		for _, l := range e.diagram(infos) {
			fmt.Fprintln(io.Out, "  "+l)
		}
	}
}

func (e *env) typeWord(t string) string {
	ko := map[string]string{
		"regular file": "일반 파일", "regular empty file": "빈 일반 파일", "directory": "디렉터리",
		"symbolic link": "심볼릭 링크", "fifo": "FIFO(이름 있는 파이프)", "socket": "소켓",
		"character special file": "문자 장치 파일", "block special file": "블록 장치 파일",
	}[t]
	if e.io.Lang == i18n.KO && ko != "" {
		return ko + " (" + t + ")"
	}
	return t
}

func (e *env) printSymlink(in link.Info) {
	io := e.io
	sl := in.Symlink
	io.Printf(i18n.T("  stored target text: %s (length %d: a link's size is the length of its text)\n",
		"  저장된 대상 문자열: %s (길이 %d: 링크의 크기는 이 문자열의 길이입니다)\n"), io.Code(strconv.Quote(sl.Target)), len(sl.Target))
	if len(sl.Steps) > 0 {
		io.Println(i18n.T("  resolution, one link at a time (relative text starts from the link's own directory):",
			"  한 링크씩 따라가기 (상대 경로는 링크가 들어 있는 디렉터리에서 시작합니다):"))
		for i, s := range sl.Steps {
			if i >= 5 && i < len(sl.Steps)-2 {
				if i == 5 {
					io.Printf(i18n.T("     ... %d more ...\n", "     ... %d개 더 ...\n"), len(sl.Steps)-7)
				}
				continue
			}
			fmt.Fprintf(io.Out, "  %2d. %s -> %s   = %s\n", i+1, quotePath(s.Link), strconv.Quote(s.Target), quotePath(s.Via))
		}
	}
	switch {
	case sl.Loop:
		io.Printf(i18n.T("  %s loop: the kernel gives up after %d symbolic links (ELOOP, \"Too many levels of symbolic links\")\n",
			"  %s 순환: 커널은 심볼릭 링크를 %d번 따라간 뒤 포기합니다 (ELOOP, \"Too many levels of symbolic links\")\n"), io.Mark(false), link.MaxSymlinks)
	case sl.Dangling:
		io.Printf(i18n.T("  %s dangling: %s does not exist (test -L is true, test -e is false; reading gives ENOENT)\n",
			"  %s 끊어진 링크: 없는 경로 %s (test -L은 참, test -e는 거짓, 읽으면 ENOENT)\n"), io.Mark(false), quotePath(sl.Missing))
	case sl.Err != "":
		io.Printf(i18n.T("  %s could not follow it: %s\n", "  %s 따라갈 수 없습니다: %s\n"), io.Mark(false), sl.Err)
	default:
		io.Printf(i18n.T("  %s final target: %s (%s, inode %d)\n", "  %s 최종 대상: %s (%s, inode %d)\n"),
			io.Mark(true), quotePath(sl.Resolved), e.typeWord(sl.TargetType), sl.TargetInode)
	}
}

// diagram draws names (directory entries) pointing at inodes, and
// symbolic links pointing at a path string:
//
//	basefile ──┐
//	hardlink ──┴──▶ [inode 131 · regular file · 2 links]
//	softlink ─────▶ [inode 140 · symbolic link] ──▶ "basefile" ✗ missing
func (e *env) diagram(infos []link.Info) []string {
	type key struct{ dev, ino uint64 }
	var order []key
	groups := map[key][]link.Info{}
	width := 0
	for _, in := range infos {
		k := key{in.Dev, in.Inode}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], in)
		width = max(width, len([]rune(quotePath(in.Path))))
	}
	var lines []string
	for _, k := range order {
		g := groups[k]
		in := g[0]
		box := fmt.Sprintf("[inode %d · %s · %s]", in.Inode, e.shortType(in.Type), e.linksWord(in.Nlink))
		tail := ""
		if sl := in.Symlink; sl != nil {
			tail = " ──▶ " + strconv.Quote(sl.Target)
			switch {
			case sl.Loop:
				tail += " " + e.io.Bad("✗ "+e.t("loop", "순환"))
			case sl.Dangling:
				tail += " " + e.io.Bad("✗ "+e.t("missing", "없음"))
			case sl.Err == "":
				tail += " = " + quotePath(sl.Resolved)
			}
		}
		for i, n := range g {
			name := quotePath(n.Path)
			pad := strings.Repeat(" ", width-len([]rune(name)))
			switch {
			case len(g) == 1:
				lines = append(lines, name+" "+strings.Repeat("─", width-len([]rune(name))+4)+"▶ "+box+tail)
			case i < len(g)-1:
				conn := "┤"
				if i == 0 {
					conn = "┐"
				}
				lines = append(lines, name+" "+strings.Repeat("─", len(pad)+2)+conn)
			default:
				lines = append(lines, name+" "+strings.Repeat("─", len(pad)+2)+"┴─▶ "+box+tail)
			}
		}
	}
	return lines
}

// shortType is a type for the diagram, where space is short.
func (e *env) shortType(t string) string {
	en := map[string]string{"regular file": "file", "regular empty file": "empty file", "directory": "dir", "symbolic link": "symlink"}[t]
	ko := map[string]string{"regular file": "파일", "regular empty file": "빈 파일", "directory": "디렉터리", "symbolic link": "심볼릭 링크"}[t]
	if en == "" {
		return e.typeWord(t)
	}
	return e.t(en, ko)
}

func (e *env) linksWord(n uint64) string {
	if n == 1 {
		return e.t("1 link", "링크 1개")
	}
	return fmt.Sprintf(e.t("%d links", "링크 %d개"), n)
}

// ---- same

// progress shows a long walk's progress on stderr when stderr is a
// terminal: nothing for the first second, then a line updated in place.
func (e *env) progress(p *link.Progress) (stop func()) {
	if !e.io.ErrTTY {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTimer(time.Second)
		defer t.Stop()
		shown := false
		for {
			select {
			case <-done:
				if shown {
					fmt.Fprint(e.io.Err, "\r\033[K")
				}
				return
			case <-t.C:
				shown = true
				fmt.Fprintf(e.io.Err, "\r\033[K"+e.t("searching: %d directories, %d entries...", "찾는 중: 디렉터리 %d개, 항목 %d개..."),
					p.Dirs.Load(), p.Entries.Load())
				t.Reset(250 * time.Millisecond)
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func (e *env) reportSkipped(skipped []link.Skipped) error {
	for _, s := range skipped {
		fmt.Fprintln(e.io.Err, oneLine(fmt.Sprintf(e.t("sysdojo: skipped %s: %s", "sysdojo: 건너뜀 %s: %s"), quotePath(s.Path), errnoText(s.Err, e.io.Lang))))
	}
	if len(skipped) > 0 {
		fmt.Fprintln(e.io.Err, oneLine(fmt.Sprintf(e.t("sysdojo: could not read every directory (%d skipped); names in them are not listed",
			"sysdojo: 디렉터리 %d개를 읽지 못했습니다. 그 안의 이름은 목록에 없습니다"), len(skipped))))
		return silentError{}
	}
	return nil
}

// errnoText is the bare reason of a path error, in l.
func errnoText(err error, l i18n.Lang) string {
	var errno unix.Errno
	if errors.As(err, &errno) {
		return i18n.Cause(errno, l)
	}
	return err.Error()
}

func (e *env) linkSame(c *cli.Context) error {
	a, err := args(c, 1, 2, "PATH [DIR]")
	if err != nil {
		return err
	}
	dir := "."
	if len(a) == 2 {
		dir = a[1]
	}
	opts := link.SameOptions{Follow: c.Bool("follow")}
	opts.OneFileSystem = c.Bool("one-file-system")
	opts.Progress = &link.Progress{}
	if opts.Follow {
		// A dangling link cannot be followed: say so plainly.
		if in, err := link.Inspect(a[0]); err == nil && in.Symlink != nil && (in.Symlink.Dangling || in.Symlink.Loop) {
			if in.Symlink.Loop {
				return i18n.Invalid(i18n.T("%s is a symbolic link caught in a loop; there is no file to look for",
					"%s: 순환하는 심볼릭 링크라서 찾을 파일이 없습니다").F(quotePath(a[0])))
			}
			return i18n.Invalid(i18n.T("%s is a dangling symbolic link: %s does not exist, so there is no inode to look for",
				"%s: 끊어진 심볼릭 링크라서 찾을 inode가 없습니다 (없는 경로: %s)").F(quotePath(a[0]), quotePath(in.Symlink.Missing))).
				WithHint(i18n.T("drop --follow to find the names of the link itself", "링크 자체의 이름을 찾으려면 --follow를 빼세요"))
		}
	}
	stop := e.progress(opts.Progress)
	r, err := link.Same(a[0], dir, opts)
	stop()
	if err != nil {
		return linkPathErr(err)
	}
	if !opts.Follow && r.Type == "symbolic link" {
		if in, err := link.Inspect(a[0]); err == nil && in.Symlink != nil {
			msg := i18n.T("note: %s is a symbolic link; these are the names of the link itself (add --follow for its target)",
				"참고: %s 자체가 심볼릭 링크이므로 링크 자체의 이름을 보여 줍니다 (대상을 찾으려면 --follow)")
			if in.Symlink.Dangling {
				msg = i18n.T("note: %s is a dangling symbolic link (its target is missing); these are the names of the link itself",
					"참고: %s 자체가 끊어진 심볼릭 링크(대상이 없음)이므로 링크 자체의 이름을 보여 줍니다")
			}
			fmt.Fprintln(e.io.Err, oneLine(msg.F(quotePath(a[0])).In(e.io.Lang)))
		}
	}
	if c.Bool("json") {
		if err := e.writeJSON(r); err != nil {
			return err
		}
	} else {
		for _, p := range r.Paths {
			fmt.Fprintln(e.io.Out, quotePath(p))
		}
		if e.io.OutTTY {
			fmt.Fprintln(e.io.Out, e.io.Dim(fmt.Sprintf(e.t("%d of %d names of inode %d found under %s", "inode %[3]d의 이름 %[2]d개 중 %[1]d개를 %[4]s 아래에서 찾았습니다"),
				len(r.Paths), r.Nlink, r.Inode, quotePath(dir))))
		}
	}
	return e.reportSkipped(r.Skipped)
}

// ---- broken

func (e *env) linkBroken(c *cli.Context) error {
	a, err := args(c, 1, 1, "DIR")
	if err != nil {
		return err
	}
	p := &link.Progress{}
	stop := e.progress(p)
	r, err := link.FindBroken(a[0], link.WalkOptions{OneFileSystem: c.Bool("one-file-system"), Progress: p})
	stop()
	if err != nil {
		return linkPathErr(err)
	}
	if c.Bool("json") {
		if err := e.writeJSON(r.Links); err != nil {
			return err
		}
		return brokenStatus(len(r.Links), e.reportSkipped(r.Skipped))
	}
	io := e.io
	for _, b := range r.Links {
		if b.Loop {
			fmt.Fprintf(io.Out, "%s %s -> %s   %s\n", io.Mark(false), quotePath(b.Path), strconv.Quote(b.Target),
				io.Bad(fmt.Sprintf(e.t("loop (ELOOP after %d links)", "순환 (링크 %d개 뒤 ELOOP)"), link.MaxSymlinks)))
			continue
		}
		fmt.Fprintf(io.Out, "%s %s -> %s   %s\n", io.Mark(false), quotePath(b.Path), strconv.Quote(b.Target),
			io.Bad(fmt.Sprintf(e.t("missing: %s", "없음: %s"), quotePath(b.Missing))))
	}
	if len(r.Links) == 0 {
		io.Println(i18n.T("No broken symbolic links.", "끊어진 심볼릭 링크가 없습니다."))
	} else {
		io.Printf(i18n.T("%d broken symbolic link(s).\n", "끊어진 심볼릭 링크 %d개.\n"), len(r.Links))
	}
	return brokenStatus(len(r.Links), e.reportSkipped(r.Skipped))
}

// brokenStatus is link broken's exit status, as a linter's: 1 when it
// found broken links (or could not read every directory), else 0.
func brokenStatus(found int, skipped error) error {
	if skipped != nil {
		return skipped
	}
	if found > 0 {
		return silentError{}
	}
	return nil
}

// ---- demo

// linkDemo is the links-experiment lesson run as a demo: the same steps,
// checks and text as `sysdojo lesson start links-experiment` and `sysdojo
// demo links-experiment`, in a directory that is kept.
func (e *env) linkDemo(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	l, err := lessons.Get("links-experiment")
	if err != nil {
		return err
	}
	return e.runDemo(demoOptions{lesson: l, seed: demoSeed, dir: c.String("dir"), keep: true,
		delay: c.Duration("auto"), auto: c.IsSet("auto"), wait: c.Bool("wait"), commandLine: "sysdojo demo links-experiment"})
}
