package main

import (
	"strings"
	"testing"

	"github.com/sysdojo/sysdojo/internal/term"
)

// TestColorDecision: on a terminal, auto paints unless NO_COLOR is set or
// TERM is dumb; always and never decide alone; not a terminal, auto does
// not paint.
func TestColorDecision(t *testing.T) {
	tests := []struct {
		tty  bool
		when string
		env  map[string]string
		want bool
	}{
		{true, "auto", nil, true},
		{true, "auto", map[string]string{"TERM": "dumb"}, false},
		{true, "auto", map[string]string{"NO_COLOR": "1"}, false},
		{false, "auto", nil, false},
		{true, "never", nil, false},
		{false, "always", map[string]string{"TERM": "dumb", "NO_COLOR": "1"}, true},
	}
	for _, tt := range tests {
		io, _, _ := term.Test("")
		io.OutTTY = tt.tty
		got, err := useColor(io, tt.when, func(k string) string { return tt.env[k] })
		if err != nil || got != tt.want {
			t.Errorf("tty=%v --color %s env %v: %v, %v; want %v", tt.tty, tt.when, tt.env, got, err, tt.want)
		}
	}
	for args, want := range map[string]string{"x --no-color": "never", "x --color always": "always", "x --color=never y": "never", "x -- --color always": "auto"} {
		if got := colorWhen(strings.Fields(args)); got != want {
			t.Errorf("colorWhen(%s) = %s, want %s", args, got, want)
		}
	}
}
