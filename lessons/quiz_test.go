package lessons

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// TestQuizAgainstRealTools checks every generated answer against the
// real tools: GNU chmod and stat for modes, the shell's umask with touch
// and mkdir, and for link questions the commands re-run in a fresh
// directory, then stat -c %h, find -samefile and test -e.
func TestQuizAgainstRealTools(t *testing.T) {
	for _, tool := range []string{"chmod", "stat", "find"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found", tool)
		}
	}
	seen := map[string]int{}
	for seed := uint64(1); seed <= 40; seed++ {
		qs, err := NewQuiz("all", 8, seed, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			seen[q.Topic+"/"+q.Kind]++
			got := oracle(t, q)
			if got == "" {
				continue
			}
			if !q.Grade(got) {
				t.Errorf("seed %d: %q: the quiz says %q, the real tools say %q", seed, q.Text.En, q.Answer, got)
			}
		}
	}
	for _, k := range []string{"perm/octal", "perm/symbolic", "links/number", "links/names", "links/yesno", "apt/choice", "containers/choice"} {
		if seen[k] == 0 {
			t.Errorf("no %s question in 40 quizzes", k)
		}
	}
}

var (
	reLs    = regexp.MustCompile(`^What does mode (\d+) look like`)
	reToOct = regexp.MustCompile(`^ls -l shows -(\S{9})\.`)
	reChmod = regexp.MustCompile("has mode (\\d+) and the umask is 022\\. What is its mode after `chmod (\\S+) file`")
	reUmask = regexp.MustCompile(`^The umask is (\d+)\. What mode does a new (file|directory)`)
	reCmds  = regexp.MustCompile(`(?m)^  \$ (.*)$`)
	reCount = regexp.MustCompile(`What link count does ls -l show for (\S+)\?`)
	reShare = regexp.MustCompile(`Which names share the inode of (\S+)\?`)
	reStill = regexp.MustCompile("Does `cat (\\S+)` still print hello")
)

// oracle answers q with the real tools ("" for concept questions).
func oracle(t *testing.T, q Question) string {
	t.Helper()
	dir := t.TempDir()
	sh := func(script string) string {
		cmd := exec.Command("/bin/sh", "-c", script)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v: %s", script, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	text := q.Text.En
	switch {
	case reLs.MatchString(text):
		m := reLs.FindStringSubmatch(text)
		return sh("touch f && chmod " + m[1] + " f && stat -c %A f")
	case reToOct.MatchString(text):
		// Build the mode from its letters with chmod's symbolic form.
		ls := reToOct.FindStringSubmatch(text)[1]
		return sh("touch f && chmod " + lsToChmod(ls) + " f && stat -c %a f")
	case reChmod.MatchString(text):
		m := reChmod.FindStringSubmatch(text)
		return sh("umask 022 && touch f && chmod " + m[1] + " f && chmod " + m[2] + " f && stat -c %a f")
	case reUmask.MatchString(text):
		m := reUmask.FindStringSubmatch(text)
		if m[2] == "file" {
			return sh("umask " + m[1] + " && touch f && stat -c %a f")
		}
		return sh("umask " + m[1] + " && mkdir d && stat -c %a d")
	case q.Topic == "links":
		var cmds []string
		for _, m := range reCmds.FindAllStringSubmatch(text, -1) {
			cmds = append(cmds, m[1])
		}
		sh(strings.Join(cmds, " && "))
		switch {
		case reCount.MatchString(text):
			return sh("stat -c %h " + reCount.FindStringSubmatch(text)[1])
		case reShare.MatchString(text):
			out := sh("find . -samefile " + reShare.FindStringSubmatch(text)[1])
			return strings.ReplaceAll(strings.ReplaceAll(out, "./", ""), "\n", " ")
		case reStill.MatchString(text):
			if _, err := os.Stat(filepath.Join(dir, reStill.FindStringSubmatch(text)[1])); err != nil {
				return "no"
			}
			return "yes"
		}
		t.Fatalf("unknown link question %q", text)
	case q.Kind == AnsChoice:
		return ""
	}
	t.Fatalf("no oracle for %q", text)
	return ""
}

// lsToChmod turns rwsr-x--T into u=rws,g=rx,o=t style clauses chmod
// understands (S and T: the special bit without x).
func lsToChmod(ls string) string {
	var parts []string
	for i, who := range []string{"u", "g", "o"} {
		p := who + "="
		for _, c := range ls[3*i : 3*i+3] {
			switch c {
			case 'r', 'w', 'x':
				p += string(c)
			case 's':
				p += "xs"
			case 'S':
				p += "s"
			case 't':
				p += "xt"
			case 'T':
				p += "t"
			}
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ",")
}

func TestQuizGrade(t *testing.T) {
	ch := []i18n.Text{{En: "x", Ko: "엑스"}, {En: "UTS", Ko: "UTS"}}
	tests := []struct {
		q     Question
		given string
		ok    bool
	}{
		{Question{Kind: AnsOctal, Answer: "0754"}, "754", true},
		{Question{Kind: AnsOctal, Answer: "0754"}, "0754", true},
		{Question{Kind: AnsOctal, Answer: "754"}, " 00754 ", true},
		{Question{Kind: AnsOctal, Answer: "0754"}, "755", false},
		{Question{Kind: AnsOctal, Answer: "0754"}, "rwxr-xr--", false},
		{Question{Kind: AnsOctal, Answer: "0754"}, "", false},
		{Question{Kind: AnsSymbolic, Answer: "rwxr-xr--"}, "-rwxr-xr--", true},
		{Question{Kind: AnsSymbolic, Answer: "rwxr-xr--"}, "RWXR-XR--", true},
		{Question{Kind: AnsSymbolic, Answer: "rwxr-xr--"}, "rwxr-x---", false},
		{Question{Kind: AnsYesNo, Answer: "no"}, "아니요", true},
		{Question{Kind: AnsYesNo, Answer: "no"}, "N", true},
		{Question{Kind: AnsYesNo, Answer: "yes"}, "네", true},
		{Question{Kind: AnsYesNo, Answer: "yes"}, "maybe", false},
		{Question{Kind: AnsNames, Answer: "a b c"}, "c, a b", true},
		{Question{Kind: AnsNames, Answer: "a b c"}, "a b", false},
		{Question{Kind: AnsNumber, Answer: "3"}, " 3", true},
		{Question{Kind: AnsNumber, Answer: "3"}, "three", false},
		{Question{Kind: AnsChoice, Answer: "b", Choices: ch}, "B", true},
		{Question{Kind: AnsChoice, Answer: "b", Choices: ch}, "2", true},
		{Question{Kind: AnsChoice, Answer: "b", Choices: ch}, "b)", true},
		{Question{Kind: AnsChoice, Answer: "b", Choices: ch}, "uts", true},
		{Question{Kind: AnsChoice, Answer: "b", Choices: ch}, "a", false},
		{Question{Kind: AnsChoice, Answer: "b", Choices: ch}, "엑스", false},
	}
	for _, tt := range tests {
		if got := tt.q.Grade(tt.given); got != tt.ok {
			t.Errorf("%s %q: Grade(%q) = %v, want %v", tt.q.Kind, tt.q.Answer, tt.given, got, tt.ok)
		}
	}
}

func TestQuizSameSeedSameQuestions(t *testing.T) {
	a, err := NewQuiz("all", 10, 99, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewQuiz("all", 10, 99, t.TempDir())
	for i := range a {
		if a[i].Text != b[i].Text || a[i].Answer != b[i].Answer {
			t.Errorf("question %d differs: %q vs %q", i, a[i].Text.En, b[i].Text.En)
		}
	}
	if _, err := NewQuiz("cooking", 3, 1, t.TempDir()); err == nil {
		t.Error("unknown topic accepted")
	}
	if _, err := NewQuiz("perm", 0, 1, t.TempDir()); err == nil {
		t.Error("count 0 accepted")
	}
}

// TestQuizNoTemplateTwice: while a topic has templates not asked yet, a
// quiz does not ask one twice (the old quiz could ask "what does mode X
// look like" twice in four questions).
func TestQuizNoTemplateTwice(t *testing.T) {
	for seed := uint64(0); seed < 25; seed++ {
		for topic, n := range map[string]int{"perm": 4, "links": 3, "apt": len(aptBank), "containers": len(containerBank)} {
			qs, err := NewQuiz(topic, n, seed, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, q := range qs {
				if q.Template == "" {
					t.Fatalf("%s: a question without a template: %s", topic, q.Text.En)
				}
				if seen[q.Template] {
					t.Errorf("seed %d, %s: template %s asked twice in %d questions", seed, topic, q.Template, n)
				}
				seen[q.Template] = true
			}
		}
	}
}

func TestQuizFeedback(t *testing.T) {
	q := Question{Kind: AnsOctal, Answer: "0750"}
	if fb := q.Feedback("644"); !strings.Contains(fb.En, "rw-r--r--") {
		t.Errorf("feedback for 644: %q", fb.En)
	}
	if fb := q.Feedback("banana"); !fb.IsZero() {
		t.Errorf("feedback for nonsense: %q", fb.En)
	}
}
