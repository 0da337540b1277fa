package term

import (
	"strings"
	"testing"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

func TestColourFollowsSetting(t *testing.T) {
	io, out, _ := Test("")
	if got := io.OK("ok"); got != "ok" {
		t.Errorf("colour off: %q", got)
	}
	io.Color = true
	if got := io.OK("ok"); !strings.Contains(got, "\x1b[") || !strings.Contains(got, "ok") {
		t.Errorf("colour on: %q", got)
	}
	io.Lang = i18n.KO
	io.Printf(i18n.T("%d files\n", "파일 %d개\n"), 2)
	if out.String() != "파일 2개\n" {
		t.Errorf("Printf in Korean: %q", out)
	}
}

func TestMarkHasWords(t *testing.T) {
	io, _, _ := Test("")
	if io.Mark(true) != "✓" || io.Mark(false) != "✗" {
		t.Errorf("marks: %q %q", io.Mark(true), io.Mark(false))
	}
}

func TestWidthPadWrap(t *testing.T) {
	for s, want := range map[string]int{"abc": 3, "권한": 4, "\x1b[32;1m✓\x1b[0m ok": 4, "": 0} {
		if got := Width(s); got != want {
			t.Errorf("Width(%q) = %d, want %d", s, got, want)
		}
	}
	if got := Pad("권한", 6); got != "권한  " {
		t.Errorf("Pad: %q", got)
	}
	if got := WrapPrefix("aaa bbb ccc", "> ", "  ", 9); got != "> aaa bbb\n  ccc\n" {
		t.Errorf("WrapPrefix: %q", got)
	}
}

func TestTableAlignsKoreanAndColour(t *testing.T) {
	tb := NewTable("  ")
	tb.Row("이름", "상태", "x")
	tb.Row("\x1b[1mweb\x1b[0m", "실행 중", "y")
	tb.Row("db", "ok", "z")
	lines := strings.Split(strings.TrimRight(StripANSI(tb.String()), "\n"), "\n")
	want := []string{"  이름  상태     x", "  web   실행 중  y", "  db    ok       z"}
	if strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Errorf("table:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	// each column starts at the same display column on every line
	for _, l := range lines {
		if Width(l[:strings.LastIndex(l, " ")+1]) != 17 {
			t.Errorf("last column of %q does not start at column 17", l)
		}
	}
}

func TestTableWrapsLastColumn(t *testing.T) {
	tb := NewTable("  ")
	tb.Width = 30
	tb.Row("--json", "print one JSON document on stdout and nothing else")
	got := tb.String()
	for _, l := range strings.Split(strings.TrimRight(got, "\n"), "\n") {
		if Width(l) > 30 {
			t.Errorf("line over 30 columns: %q", l)
		}
		if !strings.HasPrefix(l, "  --json  ") && !strings.HasPrefix(l, "          ") {
			t.Errorf("continuation not under its column: %q", l)
		}
	}
}

func TestWrapKeepsQuotedCommands(t *testing.T) {
	got := Wrap("then run 'sysdojo perm calc u+x' and see /usr/share/doc/sysdojo/copyright", 24)
	if !strings.Contains(got, "'sysdojo perm calc u+x'") {
		t.Errorf("quoted command split:\n%s", got)
	}
	if !strings.Contains(got, "/usr/share/doc/sysdojo/copyright") {
		t.Errorf("path split:\n%s", got)
	}
	for s, want := range map[string]int{"·": 1, "→": 1, "✓": 1, "한글": 4} {
		if Width(s) != want {
			t.Errorf("Width(%q) = %d, want %d", s, Width(s), want)
		}
	}
}
