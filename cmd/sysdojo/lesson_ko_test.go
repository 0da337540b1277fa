package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"

	"github.com/sysdojo/sysdojo/internal/term"
	"github.com/sysdojo/sysdojo/lessons"
)

// lessonRun runs one sysdojo command line in-process with env and returns
// its standard output and error together.
func lessonRun(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	io, out, errb := term.Test("")
	run(append([]string{"sysdojo"}, args...), io, func(k string) string { return env[k] })
	return out.String() + errb.String()
}

// koAllowed are English names a Korean teacher writes as they are.
var koAllowed = regexp.MustCompile(`Unix Time-sharing System|VMware Workstation|No such file or directory|Invalid cross-device link|Operation not permitted|Permission denied|control groups|hard link not allowed for directory|Release|still alive|hello from|Hello from`)

// englishIn returns the English sentences left in a line of Korean
// output once commands, paths, quoted text and names are taken out.
func englishIn(line string) string {
	trim := strings.TrimSpace(line)
	// A handout's table of starting files shows what the files hold:
	// data, the same in every language.
	if strings.HasPrefix(trim, "| `") {
		return ""
	}
	if strings.HasPrefix(trim, "$ ") || strings.HasPrefix(trim, "sysdojo ") && !strings.Contains(trim, ":") {
		return ""
	}
	s := koAllowed.ReplaceAllString(trim, " ")
	for _, re := range koreanCode {
		s = re.ReplaceAllString(s, " ")
	}
	return englishSentence.FindString(s)
}

// TestLessonKoreanHasNoEnglish: every lesson command, run in Korean on
// every step of every lesson (list, start, show, check, the hint ladder,
// solution, answer, skip, progress, handout, validate, new), prints no English
// sentence.
func TestLessonKoreanHasNoEnglish(t *testing.T) {
	all, err := lessons.All()
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	env := map[string]string{"HOME": home, "SYSDOJO_PROGRESS": filepath.Join(home, "progress.json")}
	ko := func(args ...string) {
		t.Helper()
		out := lessonRun(t, env, append([]string{"--lang", "ko", "--no-color"}, args...)...)
		for _, line := range strings.Split(out, "\n") {
			if m := englishIn(line); m != "" {
				t.Errorf("sysdojo --lang ko %s: English %q in %q", strings.Join(args, " "), m, line)
			}
		}
	}
	ko("lesson", "list")
	for _, l := range all {
		ko("lesson", "start", l.ID)
		for range l.Steps {
			ko("lesson", "show")
			ko("lesson", "check")
			ko("lesson", "hint")
			ko("lesson", "hint")
			ko("lesson", "solution")
			ko("lesson", "answer", "zzz")
			ko("lesson", "skip")
		}
		ko("lesson", "handout", l.ID)
	}
	ko("lesson", "progress")
	ko("lesson", "list")
	ko("lesson", "handout", "tour")
	dir := t.TempDir()
	ko("lesson", "new", "--dir", dir, "my-lesson")
	ko("lesson", "validate", dir)
}

// TestLessonListAligned: lesson list, with a lesson of a long id from an
// instructor's directory, starts every title at the same display column,
// in both languages.
func TestLessonListAligned(t *testing.T) {
	home := t.TempDir()
	dir := t.TempDir()
	env := map[string]string{"HOME": home, "SYSDOJO_PROGRESS": filepath.Join(home, "progress.json"), "SYSDOJO_LESSONS": dir}
	const id = "a-rather-long-lesson-id-from-an-instructor"
	if out := lessonRun(t, env, "lesson", "new", "--dir", dir, id); strings.Contains(out, "sysdojo:") {
		t.Fatalf("lesson new: %s", out)
	}
	for _, lang := range []string{"en", "ko"} {
		out := lessonRun(t, env, "--lang", lang, "--no-color", "lesson", "list")
		col := -1
		rows := 0
		for _, line := range strings.Split(out, "\n") {
			f := regexp.MustCompile(`^(..)(\S+)( +)(\d+/\d+)( +)`).FindStringSubmatch(line)
			if f == nil {
				continue
			}
			rows++
			c := runewidth.StringWidth(f[0])
			if col == -1 {
				col = c
			} else if c != col {
				t.Errorf("%s: the title starts at column %d, not %d: %q", lang, c, col, line)
			}
		}
		if rows < 10 || !strings.Contains(out, id) {
			t.Errorf("%s: %d rows, long id shown: %v\n%s", lang, rows, strings.Contains(out, id), out)
		}
		t.Logf("%s:\n%s", lang, out)
	}
}
