package main

import (
	"strings"
	"testing"

	"github.com/sysdojo/sysdojo/internal/term"
)

// TestDockerFlagTable: every Docker flag in the table, given to container
// run (and exec), is refused in one line that names it and says why, with
// exit status 2, in English and in Korean; none of them is a flag sysdojo
// has (the table would hide it).
func TestDockerFlagTable(t *testing.T) {
	io, _, _ := term.Test("")
	app := newApp(io, func(string) string { return "" })
	real := map[string]bool{}
	for _, path := range [][]string{{"container", "run"}, {"container", "exec"}} {
		c := findCommand(app.Commands, path[0])
		c = findCommand(c.Subcommands, path[1])
		for _, f := range c.Flags {
			for _, n := range f.Names() {
				real[n] = true
			}
		}
	}
	for _, d := range dockerFlags {
		for _, name := range d.names {
			if real[name] {
				t.Errorf("--%s is in the Docker table but is a flag of container run or exec", name)
			}
			flag := "--" + name
			if len(name) == 1 {
				flag = "-" + name
			}
			for _, cmd := range []string{"run", "exec"} {
				for _, lang := range []string{"en", "ko"} {
					io, out, errb := term.Test("")
					code := run([]string{"sysdojo", "--lang", lang, "container", cmd, flag + "=x", "box", "true"}, io, func(string) string { return "" })
					msg := errb.String()
					want := flag + " is a Docker flag sysdojo does not support: " + d.why.En
					if lang == "ko" {
						want = "sysdojo가 지원하지 않는 Docker 옵션: " + flag + ". " + d.why.Ko
					}
					if code != 2 || out.Len() != 0 || strings.Count(msg, "\n") != 1 || !strings.Contains(msg, want) {
						t.Errorf("container %s %s (%s): exit %d, stderr %q; want exit 2 and %q", cmd, flag, lang, code, msg, want)
					}
				}
			}
		}
	}
	// Docker's flags that sysdojo has are real flags, not refused.
	for _, name := range []string{"rm", "i", "t", "u", "m", "memory", "cpus", "network", "init", "entrypoint", "read-only",
		"env-file", "cap-add", "cap-drop", "security-opt", "e", "w", "v", "p", "d", "name", "hostname", "user", "workdir"} {
		if !real[name] {
			t.Errorf("docker run's %s is not a flag of container run", name)
		}
	}
}
