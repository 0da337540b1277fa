package perm

import (
	"slices"
	"strings"
	"testing"
)

// noteKinds names each explanation note by a phrase of its English text.
var noteKinds = map[string]string{
	"umask":   "so the umask",
	"who":     "does nothing for",
	"keepdir": "a directory keeps its",
	"X+":      "X adds x here",
	"X0":      "X adds nothing",
	"copy":    "copies ",
	"warn":    "GNU chmod would warn",
}

func kindsOf(t *testing.T, r Result) []string {
	t.Helper()
	var out []string
	add := func(text string) {
		for k, phrase := range noteKinds {
			if strings.Contains(text, phrase) {
				out = append(out, k)
				return
			}
		}
		t.Errorf("note with no known kind: %q", text)
	}
	for _, s := range r.Steps {
		for _, n := range s.Notes {
			add(n.En)
			if n.Ko == "" || n.Ko == n.En {
				t.Errorf("note without Korean: %q", n.En)
			}
		}
	}
	for _, n := range r.Notes {
		add(n.En)
	}
	slices.Sort(out)
	return out
}

// Each note appears exactly when it should, and only then.
func TestExplainNotes(t *testing.T) {
	tests := []struct {
		mode  string
		dir   bool
		from  Mode
		umask Mode
		want  string // note kinds, sorted, comma-separated
	}{
		// umask: only with no who letter and when the umask hides a bit.
		{"+x", false, 0o644, 0o022, ""},
		{"+x", false, 0o644, 0o077, "umask"},
		{"a+x", false, 0o644, 0o077, ""},
		{"-w", false, 0o777, 0o022, "umask,warn"},
		{"a-w", false, 0o777, 0o022, ""},
		{"=r", false, 0o666, 0o022, ""},
		{"=rw", false, 0o666, 0o077, "umask"},
		{"+w", false, 0o444, 0o022, "umask"}, // 0644: chmod does not warn (got fewer bits)
		{"+s", false, 0o755, 0o777, ""},      // s and t are never umasked
		// who mask: s for o, t for u or g.
		{"o+s", false, 0o755, 0o022, "who"},
		{"u+t", false, 0o755, 0o022, "who"},
		{"g+t", false, 0o755, 0o022, "who"},
		{"u+s", false, 0o755, 0o022, ""},
		{"g+s", false, 0o755, 0o022, ""},
		{"ug+s", false, 0o644, 0o022, ""},
		{"o+t", false, 0o755, 0o022, ""},
		{"go+s", false, 0o755, 0o022, ""},
		{"u+st", false, 0o755, 0o022, "who"},
		{"a+st", false, 0o755, 0o022, ""},
		{"o-s", false, 0o6755, 0o022, "who"},
		// directories keep setuid/setgid the mode does not name.
		{"755", true, 0o2755, 0o022, "keepdir"},
		{"0755", true, 0o2755, 0o022, "keepdir"},
		{"755", false, 0o2755, 0o022, ""},
		{"00755", true, 0o2755, 0o022, ""},
		{"=755", true, 0o6755, 0o022, ""},
		{"755", true, 0o0755, 0o022, ""},
		{"2755", true, 0o2755, 0o022, ""},
		{"g=", true, 0o2775, 0o022, "keepdir"},
		{"g=", false, 0o2775, 0o022, ""},
		{"g=u", true, 0o6755, 0o022, "copy,keepdir"},
		{"=", true, 0o2755, 0o022, "keepdir"},
		{"u-s", true, 0o6755, 0o022, ""},
		{"a-s", true, 0o6755, 0o022, ""},
		{"o=rx", true, 0o2755, 0o022, ""},
		{"+r", true, 0o2700, 0o022, ""},
		// X
		{"a+X", false, 0o644, 0o022, "X0"},
		{"a+X", false, 0o744, 0o022, "X+"},
		{"a+X", true, 0o644, 0o022, "X+"},
		{"a-x,a+X", false, 0o755, 0o022, "X0"},
		// copy
		{"g=u", false, 0o640, 0o022, "copy"},
		{"go=u-w", false, 0o754, 0o022, "copy"},
		{"u+x,g=u", false, 0o644, 0o022, "copy"},
		// the warning of `chmod -w f`
		{"-x", false, 0o777, 0o022, ""},
		{"-x", false, 0o777, 0o077, "umask,warn"},
		{"=", false, 0o777, 0o022, ""},
		{"u+x,-w", false, 0o777, 0o022, "umask"}, // not an option: chmod does not check
		{"-w,u+x", false, 0o777, 0o022, "umask,warn"},
		{"=w", false, 0o777, 0o022, "umask"}, // gives 0200: fewer bits than 0222, no warning
		{"u=rwx,g=rx,o=r", false, 0o000, 0o077, ""},
	}
	for _, tt := range tests {
		c, err := Compile(tt.mode)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tt.mode, err)
		}
		r := c.Explain(tt.from, tt.dir, tt.umask)
		if got := strings.Join(kindsOf(t, r), ","); got != tt.want {
			t.Errorf("chmod %s on %04o (dir %v, umask %03o): notes %q, want %q\n\t%+v", tt.mode, tt.from, tt.dir, tt.umask, got, tt.want, r)
		}
	}
}
