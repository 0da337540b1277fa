//go:build !urfave_cli_no_docs

package main

import (
	"strings"
	"testing"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/term"
)

// TestManExamples runs every command of the man page's EXAMPLES section
// (both languages list the same commands) as a user would type it.
func TestManExamples(t *testing.T) {
	if raceEnabled {
		// .ci/run runs every test twice, the second time with -race: the
		// examples are run once, without it (each is a fresh process of
		// this binary; there is no concurrency of ours for -race to see).
		t.Skip("the examples run once, without -race")
	}
	// Exit status 1 is the answer itself for these: the access is denied,
	// broken links were found.
	status1 := map[string]bool{
		"sysdojo perm can --user nobody read /etc/shadow": true,
		"sysdojo link broken /etc":                        true,
	}
	// Covered by their own scripts, and not for a unit test: an
	// interactive container shell, a narrated tour with pauses.
	elsewhere := map[string]string{
		"sysdojo container run -- /bin/sh": "container_run.txtar",
		"sysdojo tour --auto 2s":           "tour.txtar",
	}
	dir := t.TempDir()
	env := map[string]string{"HOME": dir, "XDG_STATE_HOME": dir + "/state", "XDG_CACHE_HOME": dir + "/cache", "LANG": "C.UTF-8"}
	var en, ko []string
	for _, s := range manSections {
		if s.title.En != "EXAMPLES" {
			continue
		}
		en, ko = exampleLines(s.body.In(i18n.EN)), exampleLines(s.body.In(i18n.KO))
	}
	if len(en) == 0 || strings.Join(en, "\n") != strings.Join(ko, "\n") {
		t.Fatalf("the examples differ between the languages:\n%q\n%q", en, ko)
	}
	for _, line := range en {
		if script, ok := elsewhere[line]; ok {
			t.Logf("%s: covered by %s", line, script)
			continue
		}
		io, out, errb := term.Test("")
		code := run(strings.Fields(line), io, func(k string) string { return env[k] })
		if code != 0 && !(code == 1 && status1[line]) {
			t.Errorf("%s: exit status %d\n%s%s", line, code, out, errb)
		} else if out.Len() == 0 {
			t.Errorf("%s: printed nothing", line)
		}
	}
}

func exampleLines(body string) []string {
	var lines []string
	for _, l := range strings.Split(body, "\n") {
		if c, ok := strings.CutPrefix(l, "    "); ok && strings.HasPrefix(c, "sysdojo ") {
			lines = append(lines, c)
		}
	}
	return lines
}
