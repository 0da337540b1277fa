// Command sysdojo teaches Linux system administration by doing it for real:
// permission math, links and inodes, APT mirrors, containers, and lessons
// that check the student's real work.
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/term"
)

func main() {
	// A container's --init reaper is this binary executed afresh inside
	// the container (as "sysdojo-init -- CMD"); it takes over here, before
	// anything else.
	if status, ok := container.Init(); ok {
		os.Exit(status)
	}
	os.Exit(run(os.Args, term.System(), os.Getenv))
}

// run builds the app, runs it on args and turns the result into an exit
// status. It is the only place that prints an error.
func run(args []string, io *term.IO, getenv func(string) string) int {
	io.Lang = i18n.FromEnv(getenv)
	if l, ok := langArg(args); ok {
		if parsed, err := i18n.Parse(l); err == nil {
			io.Lang = parsed
		}
	}
	if io.Cols == 0 {
		io.Cols = term.Columns(getenv, io.Out)
	}
	io.Color, _ = useColor(io, colorWhen(args), getenv) // (a bad value: Before says so)
	app := newApp(io, getenv)
	app.Metadata = map[string]any{"args": args} // usage.go: the flags as typed
	if completing(args) {                       // complete.go
		complete(app, args[1:len(args)-1], io.Out)
		return 0
	}
	args = reorder(app, args)
	err := app.Run(args)
	return report(io, err)
}

// usageError is a mistake in how a command was called (exit status 2).
type usageError struct {
	text i18n.Text
	hint i18n.Text
}

func (e *usageError) Error() string { return e.text.En }

func usagef(hint i18n.Text, t i18n.Text, args ...any) error {
	return &usageError{text: t.F(args...), hint: hint}
}

// exitStatus ends the program with this status and no message: the
// container's init and monitor, whose status is their command's.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// silentError is a failure whose explanation the command already printed
// (a check that did not pass, a denied access): exit status 1, no message.
type silentError struct{}

func (silentError) Error() string { return "failed" }

// report prints err once, as one line, and returns the exit status.
func report(io *term.IO, err error) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, silentError{}) {
		return 1
	}
	var es exitStatus
	if errors.As(err, &es) {
		return int(es)
	}
	code := 1
	var msg string
	var hint i18n.Text
	var ue *usageError
	var le *i18n.Error
	var ec cli.ExitCoder
	switch {
	case errors.As(err, &ue):
		code, msg, hint = 2, ue.text.In(io.Lang), ue.hint
	case errors.As(err, &le):
		code, msg, hint = int(le.Kind), i18n.Message(err, io.Lang), le.Hint
	case errors.As(err, &ec):
		// urfave/cli's own errors ("No help topic for 'x'") are usage errors.
		code, msg = 2, ec.Error()
		if topic, ok := strings.CutPrefix(msg, "No help topic for "); ok {
			topic, _, _ = strings.Cut(topic, ". ")
			msg = i18n.T("no help topic %s", "%s에 대한 도움말이 없습니다").F(topic).In(io.Lang)
			hint = helpHint("sysdojo")
		}
	default:
		msg = err.Error()
	}
	line := "sysdojo: " + msg
	if !hint.IsZero() {
		line += " (" + hint.In(io.Lang) + ")"
	}
	fmt.Fprintln(io.Err, oneLine(line))
	return code
}

func oneLine(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", " ") }

// langArg finds a --lang value in args, so that even errors in parsing the
// rest of the command line are reported in the language asked for.
func langArg(args []string) (string, bool) {
	for i, a := range args {
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			return v, true
		}
		if (a == "--lang" || a == "-lang") && i+1 < len(args) {
			return args[i+1], true
		}
	}
	return "", false
}

// reorder moves flags given after positional arguments in front of them,
// so `sysdojo perm calc u+x --json` works like `sysdojo perm calc --json
// u+x` (urfave/cli v2 stops at the first argument). Global flags given
// after a command go back to the app. Everything after "--" stays a
// positional argument, and so does the command line given to container
// run or exec (`container run sh -c 'echo hi'`, as with docker).
func reorder(app *cli.App, args []string) []string {
	if len(args) == 0 {
		return args
	}
	type level struct {
		flags []cli.Flag
		args  []string
		name  string
	}
	levels := []*level{{flags: app.Flags}}
	subs := app.Commands
	var positional []string
	dashdash := false
	cmdAt := -1
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if dashdash {
			positional = append(positional, a)
			continue
		}
		if a == "--" {
			dashdash = true
			continue
		}
		if len(a) > 1 && a[0] == '-' {
			name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			at := levels[len(levels)-1]
			takes := false
			for j := len(levels) - 1; j >= 0; j-- {
				if f := findFlag(levels[j].flags, name); f != nil {
					at = levels[j]
					if tv, ok := f.(cli.DocGenerationFlag); ok {
						takes = tv.TakesValue()
					}
					break
				}
			}
			at.args = append(at.args, a)
			if takes && !hasValue && i+1 < len(rest) {
				i++
				at.args = append(at.args, rest[i])
			}
			continue
		}
		if len(positional) == 0 {
			if c := findCommand(subs, a); c != nil {
				levels = append(levels, &level{flags: c.Flags, name: a})
				subs = c.Subcommands
				cmdAt = commandLineAt(c)
				continue
			}
		}
		if len(positional) == cmdAt {
			// A command line to run (container run/exec): its flags are
			// its own, as if after "--".
			dashdash = true
		}
		positional = append(positional, a)
	}
	out := []string{args[0]}
	for i, l := range levels {
		if i > 0 {
			out = append(out, l.name)
		}
		out = append(out, l.args...)
	}
	if dashdash || hasDash(positional) {
		out = append(out, "--")
	}
	return append(out, positional...)
}

// commandLineAt is where a command's arguments become a command line to
// run ("[--] CMD [ARG...]" in its usage): after that many arguments, or -1.
func commandLineAt(c *cli.Command) int {
	for i, w := range strings.Fields(c.ArgsUsage) {
		if w == "[--]" {
			return i
		}
	}
	return -1
}

func hasDash(args []string) bool {
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			return true
		}
	}
	return false
}

func findFlag(flags []cli.Flag, name string) cli.Flag {
	if name == "help" || name == "h" {
		return cli.HelpFlag
	}
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return f
			}
		}
	}
	return nil
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}
