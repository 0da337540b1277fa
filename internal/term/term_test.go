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
