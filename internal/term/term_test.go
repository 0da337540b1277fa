package term

import (
	"strings"
	"testing"

	"sysdojo/internal/i18n"
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
