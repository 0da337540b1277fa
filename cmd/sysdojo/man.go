package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// The manual is written at build time (gendocs.go) and installed with the
// package or found in the release tarball; `sysdojo man` finds it and shows
// it with man(1).

func newManCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "man",
		Usage: e.t("show the installed manual page (in Korean with --lang ko), or say where it is", "설치된 매뉴얼 페이지를 보여 주거나 (--lang ko면 한국어) 어디 있는지 알려 줌"),
		Description: e.t(
			"Looks in $MANPATH, else beside the binary (the release tarball's man/),\n"+
				"/usr/local/share/man and /usr/share/man, and shows the page with man.\n"+
				"The .deb installs it, so `man sysdojo` works too (`man -L ko sysdojo` in Korean).",
			"$MANPATH, 없으면 실행 파일 옆(릴리스 tarball의 man/), /usr/local/share/man,\n"+
				"/usr/share/man에서 찾아 man으로 보여 줍니다. .deb로 설치했다면\n"+
				"`man sysdojo`도 됩니다 (한국어는 `man -L ko sysdojo`)."),
		Action: func(c *cli.Context) error {
			if _, err := args(c, 0, 0, ""); err != nil {
				return err
			}
			page := findManPage(e.io.Lang, manDirs(e.getenv))
			if page == "" {
				return i18n.Failed(i18n.T(
					"no manual page for sysdojo is installed: it comes with the .deb and the release tarball (man/); in a clone, `make man` writes it under dist/man",
					"설치된 sysdojo 매뉴얼 페이지가 없습니다. .deb와 릴리스 tarball(man/)에 들어 있고, 소스에서는 `make man`이 dist/man 아래에 만듭니다"), nil)
			}
			manExe, err := exec.LookPath("man")
			if err != nil {
				e.io.Printf(i18n.T("The manual page is %s; man is not installed (apt-get install man-db).",
					"매뉴얼 페이지는 %s에 있습니다. man이 설치되어 있지 않습니다 (apt-get install man-db)."), page)
				return nil
			}
			cmd := exec.Command(manExe, "-l", page)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, e.io.Out, e.io.Err
			cmd.Env = manEnv(os.Environ())
			if err := cmd.Run(); err != nil {
				return i18n.Failed(i18n.T("man -l %s failed", "man -l %s 실행에 실패했습니다").F(page), err)
			}
			return nil
		},
	}
}

// manDirs are the man directories searched, in order.
func manDirs(getenv func(string) string) []string {
	defaults := []string{}
	if exe, err := os.Executable(); err == nil {
		d := filepath.Dir(exe)
		defaults = append(defaults, filepath.Join(d, "man"), filepath.Join(d, "..", "share", "man"))
	}
	defaults = append(defaults, "/usr/local/share/man", "/usr/share/man")
	mp := getenv("MANPATH")
	if mp == "" {
		return defaults
	}
	var dirs []string
	for _, d := range strings.Split(mp, ":") {
		if d == "" { // an empty entry stands for the default path, as in man-db
			dirs = append(dirs, defaults...)
			continue
		}
		dirs = append(dirs, d)
	}
	return dirs
}

// findManPage returns the first sysdojo.1 (or .1.gz) in dirs, the Korean
// one first when lang is Korean.
func findManPage(lang i18n.Lang, dirs []string) string {
	subs := []string{"man1"}
	if lang == i18n.KO {
		subs = []string{"ko/man1", "man1"}
	}
	for _, sub := range subs {
		for _, d := range dirs {
			for _, name := range []string{"sysdojo.1.gz", "sysdojo.1"} {
				p := filepath.Join(d, sub, name)
				if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
					return p
				}
			}
		}
	}
	return ""
}

// manEnv makes sure man renders UTF-8 (the Korean page, the ✓ marks)
// when the environment names no UTF-8 locale.
func manEnv(env []string) []string {
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if (k == "LC_ALL" || k == "LC_CTYPE" || k == "LANG") && strings.Contains(strings.ToLower(v), "utf") {
			return env
		}
	}
	return append(env, "LC_CTYPE=C.UTF-8")
}
