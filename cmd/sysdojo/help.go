package main

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/term"
)

// Help is rendered here, not by urfave/cli's templates: in the display
// language throughout (headings, the help flag, placeholders), wrapped to
// the terminal's width without breaking a command or a path, with a
// table aligned by display width, and with each command's EXAMPLES
// (examples.go).

// helpFor maps each command (and the app) of every app built to what
// renders its help. urfave/cli calls one package-level HelpPrinter with
// the command or app; the map finds its app's settings.
var (
	helpFor  sync.Map // *cli.Command or *cli.App -> *helpTarget
	helpOnce sync.Once
)

type helpTarget struct {
	e    *env
	path string
	cmd  *cli.Command // nil for the app
	app  *cli.App
	acts bool // the command does something itself (not only show its subcommands)
}

// installHelp makes urfave/cli print app's help (and its commands') with
// render. It is called before prepare gives groups their groupAction.
func installHelp(e *env, app *cli.App) {
	helpOnce.Do(func() {
		prev := cli.HelpPrinter
		cli.HelpPrinter = func(w io.Writer, templ string, data any) {
			if h, ok := helpFor.Load(data); ok {
				h.(*helpTarget).write(w)
				return
			}
			prev(w, templ, data)
		}
	})
	helpFor.Store(app, &helpTarget{e: e, path: "sysdojo", app: app})
	var walk func(cmds []*cli.Command, parent string)
	walk = func(cmds []*cli.Command, parent string) {
		for _, c := range cmds {
			path := parent + " " + c.Name
			helpFor.Store(c, &helpTarget{e: e, path: path, cmd: c, app: app, acts: c.Action != nil})
			walk(c.Subcommands, path)
		}
	}
	walk(app.Commands, "sysdojo")
}

// helpCommand is "help [COMMAND...]" of the app or of the group at path
// (git help's habit: 'sysdojo help perm calc'), in place of urfave/cli's,
// which reads only the first word.
func helpCommand(path string, subs func() []*cli.Command) *cli.Command {
	return &cli.Command{
		Name:      "help",
		Aliases:   []string{"h"},
		ArgsUsage: "[COMMAND...]",
		Hidden:    true,
		Action: func(c *cli.Context) error {
			var key any = c.App
			at, cmds := path, subs()
			for _, w := range c.Args().Slice() {
				sub := findCommand(cmds, w)
				if sub == nil || sub.Name == "help" {
					return unknownHelpTopic(cmds, at, w)
				}
				key, at, cmds = sub, at+" "+sub.Name, sub.Subcommands
			}
			if key == any(c.App) && path != "sysdojo" {
				key = findCommandPath(c.App.Commands, strings.Fields(path)[1:])
			}
			if h, ok := helpFor.Load(key); ok {
				h.(*helpTarget).write(c.App.Writer)
			}
			return nil
		},
	}
}

func findCommandPath(cmds []*cli.Command, names []string) *cli.Command {
	var c *cli.Command
	for _, n := range names {
		if c = findCommand(cmds, n); c == nil {
			return nil
		}
		cmds = c.Subcommands
	}
	return c
}

// showHelp prints the help of the command c runs (the app's at the top).
func showHelp(c *cli.Context, path string) error {
	var key any = c.Command
	if path == "sysdojo" {
		key = c.App
	}
	if h, ok := helpFor.Load(key); ok {
		h.(*helpTarget).write(c.App.Writer)
		return nil
	}
	return cli.ShowSubcommandHelp(c)
}

func (h *helpTarget) write(w io.Writer) {
	fmt.Fprint(w, h.render())
}

// render returns the help text.
func (h *helpTarget) render() string {
	e, io := h.e, h.e.io
	width := io.Width()
	var b strings.Builder
	section := func(en, ko string) {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(io.Heading(e.t(en, ko)) + "\n")
	}
	para := func(text string) {
		for _, line := range joinBroken(strings.Split(strings.TrimRight(text, "\n"), "\n")) {
			b.WriteString(term.WrapPrefix(line, "  ", "  ", width))
		}
	}
	var usage, desc, argsUsage string
	var flags []cli.Flag
	var subs []*cli.Command
	if h.cmd == nil {
		usage, desc, flags, subs = h.app.Usage, h.app.Description, h.app.Flags, h.app.Commands
	} else {
		usage, desc, flags, subs, argsUsage = h.cmd.Usage, h.cmd.Description, h.cmd.Flags, h.cmd.Subcommands, h.cmd.ArgsUsage
	}
	subs = slices.DeleteFunc(slices.Clone(subs), func(c *cli.Command) bool { return c.Hidden || c.Name == "help" })
	flags = visibleFlags(flags)

	b.WriteString(term.WrapPrefix(h.path+" - "+usage, "", strings.Repeat(" ", 2), width))

	section("USAGE", "사용법")
	var forms []string
	opt := ""
	if len(flags) > 0 {
		opt = " " + e.t("[options]", "[옵션]")
	}
	if len(subs) > 0 {
		forms = append(forms, h.path+" "+e.t("COMMAND", "명령")+" ...")
	}
	if len(subs) == 0 || h.acts {
		forms = append(forms, strings.TrimRight(h.path+opt+" "+strings.TrimSpace(argsUsage), " "))
	}
	for _, f := range forms {
		b.WriteString(term.WrapPrefix(f, "  ", "      ", width))
	}

	if desc != "" {
		section("DESCRIPTION", "설명")
		para(desc)
	}

	if len(subs) > 0 {
		section("COMMANDS", "명령")
		t := term.NewTable("  ")
		t.Width, t.Max = width, 18
		for _, c := range subs {
			t.Row(strings.Join(c.Names(), ", "), c.Usage)
		}
		b.WriteString(t.String())
	}

	section("OPTIONS", "옵션")
	t := term.NewTable("  ")
	t.Width, t.Max = width, 24
	for _, f := range flags {
		names, text := h.flagCell(f)
		t.Row(names, text)
	}
	t.Row("-h, --help", e.t("show this help", "이 도움말을 보여 줌"))
	b.WriteString(t.String())
	if h.cmd == nil {
		para(e.t("Colour is off when NO_COLOR is set, when TERM is dumb and when the output is not a terminal.",
			"NO_COLOR가 설정되어 있거나, TERM이 dumb이거나, 출력이 터미널이 아니면 색을 쓰지 않습니다."))
	}

	if ex := examplesFor(h.path); len(ex) > 0 {
		section("EXAMPLES", "예시")
		for i, x := range ex {
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString(term.WrapPrefix(e.t(x.what.En, x.what.Ko), "  # ", "  # ", width))
			b.WriteString(shellLines(x.cmd, "  $ ", "      ", width))
		}
	}
	if len(subs) > 0 {
		b.WriteString("\n")
		para(fmt.Sprintf(e.t("Run '%s COMMAND --help' for a command's options and examples.",
			"명령마다의 옵션과 예시는 '%s 명령 --help'로 봅니다."), h.path))
	}
	return b.String()
}

// visibleFlags are the flags help lists: not hidden, not the help flag
// (listed last, in the display language).
func visibleFlags(flags []cli.Flag) []cli.Flag {
	var out []cli.Flag
	for _, f := range flags {
		if vf, ok := f.(cli.VisibleFlag); ok && !vf.IsVisible() {
			continue
		}
		if slices.Contains(f.Names(), "help") {
			continue
		}
		out = append(out, f)
	}
	return out
}

// placeholders name the value a flag takes, where "VALUE" would say less.
var placeholders = map[string]string{
	"rootfs": "DIR", "dir": "DIR", "root": "DIR", "workdir": "DIR", "progress": "FILE", "passwd": "FILE", "group": "FILE",
	"output": "FILE", "env-file": "FILE", "memory": "SIZE", "cpus": "N", "pids": "N", "count": "N", "seed": "N",
	"concurrency": "N", "env": "K=V", "user": "USER", "name": "NAME", "hostname": "NAME", "volume": "HOST:CTR[:ro]",
	"publish": "HOST:CTR", "net": "MODE", "network": "MODE", "umask": "OCT", "from": "MODE", "lang": "ko|en",
	"color": "WHEN", "cap-add": "CAP", "cap-drop": "CAP", "security-opt": "OPT", "entrypoint": "CMD", "format": "TEMPLATE",
	"subnet": "CIDR", "addr": "ADDR", "mirror": "URL", "country": "CC", "distro": "NAME", "arch": "ARCH",
	"time": "DURATION", "timeout": "DURATION", "delay": "DURATION", "auto": "DURATION", "signal": "SIGNAL",
}

// flagCell returns a flag's names ("-e, --env K=V") and its help text.
func (h *helpTarget) flagCell(f cli.Flag) (string, string) {
	e := h.e
	names := slices.Clone(f.Names())
	slices.SortStableFunc(names, func(a, b string) int { return len(a) - len(b) })
	var parts []string
	for _, n := range names {
		if len(n) == 1 {
			parts = append(parts, "-"+n)
		} else {
			parts = append(parts, "--"+n)
		}
	}
	cell := strings.Join(parts, ", ")
	dg, _ := f.(cli.DocGenerationFlag)
	if dg != nil && dg.TakesValue() {
		ph, ok := placeholders[f.Names()[0]]
		if !ok {
			ph = "VALUE"
		}
		cell += " " + ph
	}
	usage := ""
	if dg != nil {
		usage = dg.GetUsage()
	}
	if t, ok := sharedFlagUsage[f.Names()[0]]; ok && (usage == t.En || usage == "") {
		usage = e.t(t.En, t.Ko)
	}
	if dg != nil && dg.TakesValue() {
		v := dg.GetValue()
		if v != "" && v != "0" && v != `""` && !strings.Contains(usage, "default") && !strings.Contains(usage, "기본") {
			usage += " " + fmt.Sprintf(e.t("(default: %s)", "(기본값: %s)"), strings.Trim(v, `"`))
		}
	}
	return cell, usage
}

// sharedFlagUsage are the help texts of flags shared by many commands,
// whose definition has the English only.
var sharedFlagUsage = map[string]i18n.Text{
	"json": i18n.T("print one JSON document on stdout", "표준 출력에 JSON 문서 하나를 출력"),
}

// shellLines lays out a shell command line to fit width: first before it,
// and where it is too long, a backslash-newline continuation (which the
// shell reads as a space) between words outside quotes, the next line
// starting with rest. A command is never broken inside a word or a
// quoted string, so the lines copied together still run.
func shellLines(cmd, first, rest string, width int) string {
	words := term.ShellWords(cmd)
	var b strings.Builder
	line, col := first, term.Width(first)
	empty := true
	for i, w := range words {
		ww := term.Width(w)
		more := 0
		if i < len(words)-1 {
			more = 2 // " \"
		}
		if !empty && col+1+ww+more > width {
			b.WriteString(line + " \\\n")
			line, col, empty = rest, term.Width(rest), true
		}
		if !empty {
			line += " "
			col++
		}
		line += w
		col += ww
		empty = false
	}
	b.WriteString(line + "\n")
	return b.String()
}

// labelled is a line that starts with a label ("zsh: ...", "TOPIC is").
var labelled = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]+:`) })

// joinBroken joins the lines of a text that were broken only to fit 80
// columns (a line ending in a comma or a semicolon, or one whose next line
// goes on in lower case), so that the text wraps again to the terminal's
// width; lines that stand alone (a label, a new sentence) stay.
func joinBroken(lines []string) []string {
	var out []string
	for _, l := range lines {
		if n := len(out); n > 0 && l != "" && out[n-1] != "" && !labelled().MatchString(l) {
			prev := strings.TrimRight(out[n-1], " ")
			r := []rune(l)[0]
			if strings.HasSuffix(prev, ",") || strings.HasSuffix(prev, ";") ||
				(unicode.IsLower(r) || unicode.IsDigit(r)) && !strings.HasSuffix(prev, ".") && !strings.HasSuffix(prev, ":") {
				out[n-1] = prev + " " + strings.TrimLeft(l, " ")
				continue
			}
		}
		out = append(out, l)
	}
	return out
}
