package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/term"
	"github.com/sysdojo/sysdojo/lessons"
)

func TestReorder(t *testing.T) {
	io, _, _ := term.Test("")
	app := newApp(io, func(string) string { return "" })
	tests := []struct{ in, want string }{
		{"perm calc u+x --json", "perm calc --json u+x"},
		{"perm calc u+x --from 0600 --json", "perm calc --from 0600 --json u+x"},
		{"perm calc --from=0600 u+x", "perm calc --from=0600 u+x"},
		{"perm calc -- -w", "perm calc -- -w"},
		{"perm calc -- -w --json", "perm calc -- -w --json"},
		{"perm calc --json -- u+x", "perm calc --json -- u+x"},
		{"perm explain 754 --lang ko", "--lang ko perm explain 754"},
		{"perm --no-color explain 754", "--no-color perm explain 754"},
		{"perm calc -w", "perm calc -w"},
		{"perm explain help", "perm explain help"},
		// a command line to run keeps its own flags
		{"container run sh -c true", "container run -- sh -c true"},
		{"container run --memory 64m sh -c true", "container run --memory 64m -- sh -c true"},
		{"container run ls -l --memory 64m", "container run -- ls -l --memory 64m"},
		{"container run -- ls -l", "container run -- ls -l"},
		{"container exec box sh -c true", "container exec -- box sh -c true"},
		{"container exec box -w /tmp ls -l", "container exec -w /tmp -- box ls -l"},
		{"container run echo hi", "container run -- echo hi"},
	}
	for _, tt := range tests {
		got := strings.Join(reorder(app, append([]string{"sysdojo"}, strings.Fields(tt.in)...))[1:], " ")
		if got != tt.want {
			t.Errorf("reorder(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRunExitCodes(t *testing.T) {
	// Hostile input files: a FIFO (reading it would block forever), a
	// symbolic link to /dev/zero (endless), a file past the size limit,
	// and student-supplied text with terminal escape sequences.
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.json")
	if err := unix.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.json")
	must(t, os.Symlink("/dev/zero", zero))
	big := filepath.Join(dir, "big.json")
	must(t, os.WriteFile(big, append([]byte(`{"seed":"`), bytes.Repeat([]byte("a"), lessons.MaxProgressSize)...), 0o644))
	escStudent := filepath.Join(dir, "esc-student.json")
	must(t, os.WriteFile(escStudent, []byte(`{"version":1,"seed":"ab","student":"=1+1\u001b[2J\u001b]0;pwned\u0007","lessons":{"perm-ls":{"dir":"/tmp/\u001b[2J","step":1}}}`), 0o644))
	escCurrent := filepath.Join(dir, "esc-current.json")
	must(t, os.WriteFile(escCurrent, []byte(`{"version":1,"seed":"ab","current":"\u001b[2J","lessons":{}}`), 0o644))
	step0 := filepath.Join(dir, "step0.json")
	must(t, os.WriteFile(step0, []byte(`{"version":1,"seed":"ab","current":"perm-ls","lessons":{"perm-ls":{"dir":"/tmp","step":0}}}`), 0o644))
	classDir := filepath.Join(dir, "class")
	must(t, os.Mkdir(classDir, 0o755))
	must(t, os.Symlink("/dev/zero", filepath.Join(classDir, "zero.json")))
	must(t, unix.Mkfifo(filepath.Join(classDir, "fifo.json"), 0o644))
	data, _ := os.ReadFile(escStudent)
	must(t, os.WriteFile(filepath.Join(classDir, "kim.json"), data, 0o644))
	own := filepath.Join(dir, "own.json") // a progress file for commands that write

	tests := []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"perm", "calc", "--from", "644", "u+x", "--json"}, 0, `"mode": "0744"`, ""},
		{[]string{"perm", "calc", "u+z"}, 2, "", "sysdojo: invalid mode: 'u+z'"},
		{[]string{"perm", "explain"}, 2, "", "usage: sysdojo perm explain MODE"},
		{[]string{"nope"}, 2, "", "unknown command 'nope'"},
		{[]string{"perm", "umask", "999"}, 2, "", "invalid umask: '999'"},

		{[]string{"progress", "import", "--progress", own, fifo}, 2, "", "not a regular file (a FIFO)"},
		{[]string{"progress", "import", "--progress", own, zero}, 2, "", "not a regular file (a character device)"},
		{[]string{"progress", "import", "--progress", own, big}, 2, "", "too big"},
		{[]string{"progress", "import", "--progress", own, step0}, 2, "", "a step out of range"},
		{[]string{"progress", "import", "--progress", own, escCurrent}, 2, "", `unknown current lesson "\\x1b[2J"`},
		{[]string{"progress", "import", "--progress", own, dir + "/\x1b[2Jmissing"}, 2, "", `\x1b[2Jmissing: no such file`},
		{[]string{"lesson", "list", "--progress", fifo}, 2, "", "not a regular file (a FIFO)"},
		{[]string{"lesson", "list", "--progress", zero}, 2, "", "not a regular file (a character device)"},
		{[]string{"lesson", "show", "--progress", big}, 2, "", "too big"},
		{[]string{"lesson", "show", "--progress", step0}, 2, "", "a step out of range"},
		{[]string{"lesson", "show", "--progress", escCurrent}, 2, "", "unknown current lesson"},
		{[]string{"lesson", "check", "--all", "--progress", fifo}, 2, "", "not a regular file (a FIFO)"},
		{[]string{"lesson", "check", "--progress", zero}, 2, "", "not a regular file"},
		{[]string{"progress", "--progress", fifo}, 2, "", "not a regular file (a FIFO)"},
		{[]string{"progress", "export", "--progress", zero}, 2, "", "not a regular file"},
		{[]string{"class", "report", fifo}, 2, "", "not a regular file (a FIFO)"},
		{[]string{"class", "report", zero}, 2, "", "not a regular file (a character device)"},
		{[]string{"class", "report", big}, 2, "", "too big"},
		// A directory of hand-ins: the FIFO and the link are skipped (the
		// link not followed), the student's name is shown escaped, and
		// the CSV cell cannot be a formula.
		{[]string{"class", "report", classDir}, 0, `=1+1\x1b[2J`, "zero.json: a symbolic link"},
		{[]string{"class", "report", "--csv", classDir}, 0, "\ufeffstudent,file,", "fifo.json: not a regular file (a FIFO)"},
		{[]string{"class", "report", "--csv", classDir}, 0, `'=1+1\x1b[2J\x1b]0;pwned\x07,`, ""},
		{[]string{"lesson", "show", "--progress", escStudent, "perm-ls"}, 0, `/tmp/\x1b[2J`, ""},
	}
	for _, tt := range tests {
		io, out, errb := term.Test("")
		done := make(chan int)
		go func() { done <- run(append([]string{"sysdojo"}, tt.args...), io, func(string) string { return "" }) }()
		var code int
		select {
		case code = <-done:
		case <-time.After(time.Minute): // a guard against a hang, not a timing assertion
			t.Fatalf("%v hangs", tt.args)
		}
		if code != tt.code || !strings.Contains(out.String(), tt.out) || !strings.Contains(errb.String(), tt.err) {
			t.Errorf("%v: code %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, code, out, errb, tt.code, tt.out, tt.err)
		}
		if tt.code != 0 && (out.Len() != 0 || strings.Count(errb.String(), "\n") != 1) {
			t.Errorf("%v: an error must be one line on stderr and nothing on stdout; got %q / %q", tt.args, out, errb)
		}
		if strings.ContainsAny(out.String()+errb.String(), "\x1b\x07") {
			t.Errorf("%v: a raw escape sequence reached the terminal: %q / %q", tt.args, out, errb)
		}
	}
	// A grade of a progress file whose workspace path holds escape
	// sequences: the report shows them escaped, in every format.
	for _, format := range []string{"text", "tap", "junit", "json"} {
		code, out, errs := sysdojo(t, nil, "", "lesson", "check", "--all", "--format", format, "--progress", escStudent)
		if code != 1 || !strings.Contains(out+errs, "x1b[2J") || strings.ContainsAny(out+errs, "\x1b\x07") {
			t.Errorf("check --all --format %s: exit %d, a raw escape or none at all:\n%q\n%q", format, code, out, errs)
		}
	}
	// Nothing was moved, renamed or created beside the inputs.
	for _, p := range []string{fifo, zero, big, step0, escCurrent} {
		if m, _ := filepath.Glob(p + "?*"); len(m) != 0 {
			t.Errorf("files made beside %s: %v", p, m)
		}
	}
}
