package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/apt/mirrors"
	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/lessons"
)

// complete answers the shell's completion request: words are the words
// typed so far, the last one the word under the cursor (maybe empty); it
// prints the candidates that start with it, one a line. It knows the command tree, and the values that
// depend on the machine: mirror names after 'apt switch', lesson IDs after
// 'lesson start' and the like, container names after exec, stop, rm,
// logs, kill and inspect, and a flag's values (--lang, --color,
// --network, kill -s). Nothing printed: the shell completes file names.
func complete(app *cli.App, words []string, w io.Writer) {
	partial := ""
	if n := len(words); n > 0 {
		partial, words = words[n-1], words[:n-1]
	}
	path := "sysdojo"
	cmds, flags := app.Commands, app.Flags
	npos := 0
	dashdash := false
	var valueOf cli.Flag // the flag whose value is being completed
	for i := 0; i < len(words); i++ {
		a := words[i]
		switch {
		case dashdash:
			npos++
		case a == "--":
			dashdash = true
		case len(a) > 1 && a[0] == '-':
			name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			f := findFlag(flags, name)
			if f == nil {
				f = findFlag(app.Flags, name) // global flags go anywhere
			}
			if dg, ok := f.(cli.DocGenerationFlag); ok && dg.TakesValue() && !hasValue {
				if i+1 == len(words) {
					valueOf = f
				}
				i++
			}
		case npos == 0 && findCommand(cmds, a) != nil:
			c := findCommand(cmds, a)
			path += " " + c.Name
			cmds, flags = c.Subcommands, c.Flags
		default:
			npos++
		}
	}
	var out []string
	switch {
	case valueOf != nil:
		out = flagValues[valueOf.Names()[0]]
	case strings.HasPrefix(partial, "-"):
		if dashdash {
			return
		}
		for _, f := range visibleFlags(flags) {
			for _, n := range f.Names() {
				if len(n) == 1 {
					out = append(out, "-"+n)
				} else {
					out = append(out, "--"+n)
				}
			}
		}
		out = append(out, "--help")
		if path == "sysdojo" {
			out = slices.DeleteFunc(out, func(s string) bool { return s == "--no-color" })
		}
	case len(cmds) > 0 && npos == 0:
		for _, c := range cmds {
			if !c.Hidden && c.Name != "help" {
				out = append(out, c.Name)
			}
		}
	default:
		out = argValues(path, npos)
	}
	for _, s := range out {
		if strings.HasPrefix(s, partial) {
			fmt.Fprintln(w, s)
		}
	}
}

// flagValues are the values of flags that take one of a few words.
var flagValues = map[string][]string{
	"lang": {"en", "ko"}, "color": {"auto", "always", "never"}, "net": {"none", "host", "bridge"},
	"signal": {"KILL", "TERM", "INT", "HUP", "QUIT", "USR1", "USR2"}, "from": {"auto", "busybox", "host"},
	"distro": {"ubuntu", "debian"}, "security-opt": {"seccomp=unconfined", "no-new-privileges"},
}

// argValues are the candidates for the positional argument number n of
// the command at path.
func argValues(path string, n int) []string {
	switch path {
	case "sysdojo apt switch":
		if n == 0 {
			var names []string
			for _, m := range mirrors.Default().Mirrors {
				if m.Name != "" && !slices.Contains(names, m.Name) {
					names = append(names, m.Name)
				}
			}
			return names
		}
	case "sysdojo lesson start", "sysdojo lesson show", "sysdojo lesson reset", "sysdojo lesson handout", "sysdojo demo":
		if n == 0 {
			return lessonIDs()
		}
	case "sysdojo lesson check":
		return lessonIDs()
	case "sysdojo container exec":
		if n == 0 {
			return containerNames()
		}
	case "sysdojo container stop", "sysdojo container rm", "sysdojo container logs":
		if n == 0 {
			return containerNames()
		}
	case "sysdojo container kill", "sysdojo container inspect":
		return containerNames()
	case "sysdojo completion":
		if n == 0 {
			return []string{"bash", "zsh", "fish"}
		}
	case "sysdojo quiz":
		if n == 0 {
			return append(slices.Clone(lessons.QuizTopics), "all")
		}
	case "sysdojo perm can":
		if n == 0 {
			return []string{"read", "write", "execute", "list", "enter", "create", "delete"}
		}
	}
	return nil
}

func lessonIDs() []string {
	all, _ := lessons.All()
	var ids []string
	for _, l := range all {
		ids = append(ids, l.ID)
	}
	return ids
}

// containerNames are the names of this user's containers, the exited
// ones too (they can be removed and their logs read).
func containerNames() []string {
	all, _ := container.Containers("", true)
	var names []string
	for _, in := range all {
		names = append(names, in.Name)
	}
	return names
}
