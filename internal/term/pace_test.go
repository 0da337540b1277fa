package term

import (
	"strings"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		in    string
		width int
		want  string
	}{
		{"one two three", 7, "one two\nthree"},
		{"one two three", 80, "one two three"},
		{"- a bullet that wraps", 12, "- a bullet\n  that wraps"},
		{"  indented text here", 10, "  indented\n  text\n  here"},
		{"para one\npara two", 80, "para one\npara two"},
		{"한글 두 칸씩 셉니다", 10, "한글 두\n칸씩\n셉니다"},
		{"", 10, ""},
	} {
		if got := Wrap(c.in, c.width); got != c.want {
			t.Errorf("Wrap(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
	}
}

func TestWidth(t *testing.T) {
	for s, w := range map[string]int{"abc": 3, "한글": 4, "inode 번호": 10, "✓": 1} {
		if got := Width(s); got != w {
			t.Errorf("Width(%q) = %d, want %d", s, got, w)
		}
	}
}

func TestPacer(t *testing.T) {
	// Not a terminal, no --auto: no waiting, no prompt.
	io, out, errb := Test("")
	p := io.NewPacer(0, false)
	p.Step(1, 2, "Title")
	p.Say("Some words")
	p.Command("ln a b")
	p.Output("line")
	if !p.Wait() {
		t.Error("Wait = false without a terminal")
	}
	if got := out.String(); got != "\n[1/2] Title\nSome words\n$ ln a b\n  line\n" {
		t.Errorf("output %q", got)
	}
	if errb.Len() != 0 {
		t.Errorf("stderr %q", errb.String())
	}
	// A terminal: Enter goes on, q stops; the prompt is on stderr, in
	// the display language.
	io, _, errb = Test("\nq\n")
	io.InTTY, io.Lang = true, i18n.KO
	p = io.NewPacer(0, false)
	if !p.Wait() || p.Wait() {
		t.Error("Enter then q: want true then false")
	}
	if !strings.Contains(errb.String(), "Enter: 다음") {
		t.Errorf("prompt %q", errb.String())
	}
	// --auto on a terminal does not read stdin.
	io, _, _ = Test("q\n")
	io.InTTY = true
	p = io.NewPacer(time.Millisecond, true)
	if !p.Wait() {
		t.Error("auto: Wait = false")
	}
}
