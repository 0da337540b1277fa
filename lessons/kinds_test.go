package lessons

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// kindCase is one row of a kind's table test: a workspace made by setup
// (a shell script), one check of the kind, and the verdict it must give.
type kindCase struct {
	name   string
	setup  string
	check  Check
	answer string
	ok     bool
	// line is a part of the English line; hide must not be in either
	// language (the answer a failing check must not give away).
	line, hide string
}

// testKind checks that every check in bad is refused by the kind's
// Validate, and runs the cases.
func testKind(t *testing.T, kind string, bad []Check, cases []kindCase) {
	t.Helper()
	spec, ok := registry[kind]
	if !ok {
		t.Fatalf("kind %q is not registered", kind)
	}
	for _, c := range bad {
		c.Kind = kind
		if spec.Validate(c) == "" {
			t.Errorf("Validate accepts %+v", c)
		}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.setup != "" {
				shell(t, dir, tc.setup)
			}
			c := tc.check
			c.Kind = kind
			if msg := spec.Validate(c); msg != "" {
				t.Fatalf("Validate: %s", msg)
			}
			l := &Lesson{ID: "kinds", Steps: []Step{{Checks: []Check{c}}}}
			r := l.CheckStep(1, Env{Dir: dir, Answer: tc.answer, ContainerRoot: filepath.Join(dir, ".no-containers")})
			cr := r.Criteria[0]
			if cr.OK != tc.ok || r.Passed != tc.ok {
				t.Errorf("ok = %v, want %v: %s", cr.OK, tc.ok, cr.Line.En)
			}
			if !strings.Contains(cr.Line.En, tc.line) {
				t.Errorf("line %q does not say %q", cr.Line.En, tc.line)
			}
			if cr.Line.En == "" || cr.Line.Ko == "" {
				t.Errorf("a language is missing: %+v", cr.Line)
			}
			if tc.hide != "" && (strings.Contains(cr.Line.En, tc.hide) || strings.Contains(cr.Line.Ko, tc.hide)) {
				t.Errorf("the line gives away %q: %+v", tc.hide, cr.Line)
			}
		})
	}
}

// TestEveryKindHasItsFileAndTest: each registered kind has its file,
// check_<kind>.go, with a doc comment on its constant, and a table test,
// check_<kind>_test.go, that calls testKind for it.
func TestEveryKindHasItsFileAndTest(t *testing.T) {
	for _, k := range Kinds() {
		src, err := os.ReadFile("check_" + k + ".go")
		if err != nil {
			t.Errorf("kind %s: %v", k, err)
			continue
		}
		if !regexp.MustCompile(`(?m)^// Kind\w+: `).Match(src) {
			t.Errorf("check_%s.go: no doc comment on the kind's constant", k)
		}
		test, err := os.ReadFile("check_" + k + "_test.go")
		if err != nil {
			t.Errorf("kind %s has no table test: %v", k, err)
			continue
		}
		if !strings.Contains(string(test), "testKind(t, Kind") {
			t.Errorf("check_%s_test.go does not call testKind", k)
		}
		if registry[k].Doc == "" || registry[k].Validate == nil || registry[k].Run == nil {
			t.Errorf("kind %s: Doc, Validate and Run are all needed", k)
		}
	}
}

// TestFormatListsEveryKind: the kinds table of FORMAT.md lists exactly
// the registered kinds.
func TestFormatListsEveryKind(t *testing.T) {
	doc, err := os.ReadFile("FORMAT.md")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z_]+)` +\\|").FindAllStringSubmatch(string(doc), -1) {
		listed = append(listed, m[1])
	}
	slices.Sort(listed)
	if !slices.Equal(listed, Kinds()) {
		t.Errorf("FORMAT.md lists %v;\nthe registry has %v", listed, Kinds())
	}
}
