package main

import (
	"strings"
	"testing"

	"sysdojo/internal/term"
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
	}
	for _, tt := range tests {
		io, out, errb := term.Test("")
		code := run(append([]string{"sysdojo"}, tt.args...), io, func(string) string { return "" })
		if code != tt.code || !strings.Contains(out.String(), tt.out) || !strings.Contains(errb.String(), tt.err) {
			t.Errorf("%v: code %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, code, out, errb, tt.code, tt.out, tt.err)
		}
		if tt.code != 0 && (out.Len() != 0 || strings.Count(errb.String(), "\n") != 1) {
			t.Errorf("%v: an error must be one line on stderr and nothing on stdout; got %q / %q", tt.args, out, errb)
		}
	}
}
