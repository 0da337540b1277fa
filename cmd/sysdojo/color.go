package main

import (
	"strings"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/term"
)

// Colour, as gh and git: --color auto (the default) paints only a
// terminal, and not when NO_COLOR is set or TERM is dumb; always and
// never decide alone. --no-color is --color never.

// colorWhen returns the --color value in args ("auto" when not given;
// "never" for --no-color), before the app parses them, so that help and
// parse errors follow it too.
func colorWhen(args []string) string {
	when := "auto"
	for i, a := range args {
		if a == "--" {
			break
		}
		switch {
		case a == "--no-color" || a == "-no-color":
			when = "never"
		case strings.HasPrefix(a, "--color="):
			when = strings.TrimPrefix(a, "--color=")
		case a == "--color" && i+1 < len(args):
			when = args[i+1]
		}
	}
	return when
}

// useColor decides whether io's output is painted.
func useColor(io *term.IO, when string, getenv func(string) string) (bool, error) {
	switch when {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto", "":
		return io.OutTTY && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb", nil
	}
	return false, usagef(helpHint("sysdojo"), i18n.T("--color takes auto, always or never, not %q", "--color에는 auto, always, never 중 하나를 줍니다 (받은 값: %q)"), when)
}
