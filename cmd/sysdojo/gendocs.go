//go:build !urfave_cli_no_docs

package main

// The man pages and completion scripts are written at build time (make
// dist runs `go run ./cmd/sysdojo gen-docs`), by a build without the
// urfave_cli_no_docs tag. The shipped binary is built with that tag, so
// it carries neither the markdown-to-roff converter nor its start-up cost.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cpuguy83/go-md2man/v2/md2man"
	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// addDocs adds the hidden gen-docs command.
func addDocs(e *env, app *cli.App) {
	app.Commands = append(app.Commands, &cli.Command{
		Name:      "gen-docs",
		Hidden:    true,
		Usage:     "write the man pages (en, ko) and the completion scripts under OUTDIR (used by make dist)",
		ArgsUsage: "OUTDIR",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "version", Usage: "version for the man page's header"},
			&cli.StringFlag{Name: "date", Usage: "date for the man page's header (YYYY-MM-DD)"},
		},
		Action: func(c *cli.Context) error {
			a, err := args(c, 1, 1, "[--version V] [--date D] OUTDIR")
			if err != nil {
				return err
			}
			return genDocs(e, a[0], c.String("version"), c.String("date"))
		},
	})
}

// genDocs writes, under out:
//
//	man/man1/sysdojo.1       the English manual
//	man/ko/man1/sysdojo.1    the Korean manual
//	completions/sysdojo      bash (/usr/share/bash-completion/completions/sysdojo)
//	completions/_sysdojo     zsh (/usr/share/zsh/vendor-completions/_sysdojo)
//	completions/sysdojo.fish fish (/usr/share/fish/vendor_completions.d/sysdojo.fish)
//
// The output depends only on the command definitions and the arguments,
// so two builds of the same source write the same bytes.
func genDocs(e *env, out, version, date string) error {
	files := map[string]string{}
	for _, lang := range []i18n.Lang{i18n.EN, i18n.KO} {
		page, err := manPage(e, lang, version, date)
		if err != nil {
			return err
		}
		dir := "man/man1"
		if lang == i18n.KO {
			dir = "man/ko/man1"
		}
		files[filepath.Join(dir, "sysdojo.1")] = page
	}
	fish, err := docsApp(e, i18n.EN).ToFishCompletion()
	if err != nil {
		return fmt.Errorf("writing the fish completion: %w", err)
	}
	files["completions/sysdojo"] = bashCompletion
	files["completions/_sysdojo"] = zshCompletion
	files["completions/sysdojo.fish"] = fish
	for name, text := range files {
		p := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// docsApp is the app as a user in lang sees it, with no terminal and an
// empty environment, so that nothing of the machine that builds the
// release (its terminal's width, its locale) shows in the pages.
func docsApp(e *env, lang i18n.Lang) *cli.App {
	io := *e.io
	io.Lang = lang
	io.Color = false
	io.InTTY, io.OutTTY, io.ErrTTY = false, false, false
	return newApp(&io, func(string) string { return "" })
}

// manPage renders the manual in lang: urfave/cli's markdown of the
// commands, with the sections a manual needs added, through md2man.
func manPage(e *env, lang i18n.Lang, version, date string) (string, error) {
	app := docsApp(e, lang)
	md, err := app.ToMarkdown()
	if err != nil {
		return "", fmt.Errorf("writing the manual: %w", err)
	}
	source := "sysdojo"
	if version != "" {
		source += " " + version
	}
	manual := i18n.T("sysdojo manual", "sysdojo 설명서").In(lang)
	head := fmt.Sprintf("%% sysdojo 1 %q %q %q\n\n", date, source, manual)
	if lang == i18n.KO {
		md = koHeadings.Replace("\n" + md)[1:]
	}
	var b strings.Builder
	b.WriteString(head)
	b.WriteString(md)
	for _, s := range manSections {
		fmt.Fprintf(&b, "\n# %s\n\n%s\n", s.title.In(lang), strings.TrimSpace(s.body.In(lang)))
	}
	return string(md2man.Render([]byte(b.String()))), nil
}

// koHeadings turns urfave/cli's English headings into the Korean ones
// Korean manual pages use.
var koHeadings = strings.NewReplacer(
	"\n# NAME\n", "\n# 이름\n",
	"\n# SYNOPSIS\n", "\n# 개요\n",
	"\n# DESCRIPTION\n", "\n# 설명\n",
	"\n**Usage**:\n", "\n**사용법**:\n",
	"\n# GLOBAL OPTIONS\n", "\n# 전역 옵션\n",
	"\n# COMMANDS\n", "\n# 명령\n",
)

// manSections are the sections urfave/cli does not write. Each example
// works on a fresh machine (TestManExamples runs them).
var manSections = []struct{ title, body i18n.Text }{
	{i18n.T("EXAMPLES", "예제"), i18n.T(`
What mode 754 means, and the ls -l form:

    sysdojo perm explain 754

What chmod -w does to a file of mode 0777 under your umask, clause by clause:

    sysdojo perm calc --from 0777 -- -w

May nobody read /etc/shadow? Walked component by component, as the kernel decides:

    sysdojo perm can --user nobody read /etc/shadow

Every name of an inode, and dangling symbolic links:

    sysdojo link same /etc/hostname /etc
    sysdojo link broken /etc

Which APT mirror would a switch to Kakao write, without writing it:

    sysdojo apt switch --dry-run kakao

An isolated shell in a small container (as root, or rootless):

    sysdojo container run -- /bin/sh

The course, and the narrated tour of all four areas:

    sysdojo lesson list
    sysdojo tour --auto 2s
`, `
모드 754의 뜻과 ls -l 표기:

    sysdojo perm explain 754

umask를 적용했을 때 chmod -w가 모드 0777 파일에 하는 일을 절 단위로:

    sysdojo perm calc --from 0777 -- -w

nobody 사용자가 /etc/shadow를 읽을 수 있는지, 커널처럼 경로 구성 요소마다 따져 보기:

    sysdojo perm can --user nobody read /etc/shadow

한 아이노드의 모든 이름과 끊어진 심볼릭 링크 찾기:

    sysdojo link same /etc/hostname /etc
    sysdojo link broken /etc

카카오 미러로 바꾸면 무엇이 바뀌는지 실제로 쓰지 않고 보기:

    sysdojo apt switch --dry-run kakao

작은 컨테이너 안의 격리된 셸 (root로, 또는 rootless로):

    sysdojo container run -- /bin/sh

과정 목록과 네 영역을 안내하는 둘러보기:

    sysdojo lesson list
    sysdojo tour --auto 2s
`)},
	{i18n.T("EXIT STATUS", "종료 상태"), i18n.T(`
**0**
: success.

**1**
: a check or an operation failed: a lesson check not yet passed, an access denied, a failed switch, broken links found, no mirror answered.

**2**
: bad usage or invalid input: an unknown command or flag, an invalid mode, an unknown user, a malformed file.
`, `
**0**
: 성공.

**1**
: 확인이나 작업이 실패함: 아직 통과하지 못한 레슨 확인, 거부된 접근, 실패한 미러 전환, 끊어진 링크 발견, 응답한 미러 없음.

**2**
: 사용법이나 입력이 잘못됨: 없는 명령이나 옵션, 잘못된 모드, 없는 사용자, 형식이 틀린 파일.
`)},
	{i18n.T("ENVIRONMENT", "환경 변수"), i18n.T(`
**LC_ALL**, **LC_MESSAGES**, **LANG**
: the language when --lang is not given: Korean when the first one set starts with ko, English otherwise.

**NO_COLOR**
: when set to anything, no colour.

**SYSDOJO_PROGRESS**
: the progress file (default $XDG_STATE_HOME/sysdojo/progress.json).

**XDG_STATE_HOME**
: where progress is kept (default ~/.local/state).

**XDG_CACHE_HOME**
: where the default container root filesystem is built once (default ~/.cache).

**XDG_RUNTIME_DIR**
: where a rootless user's containers keep their state.
`, `
**LC_ALL**, **LC_MESSAGES**, **LANG**
: --lang를 주지 않았을 때의 언어. 처음으로 값이 있는 변수가 ko로 시작하면 한국어, 아니면 영어.

**NO_COLOR**
: 값이 있으면 색을 쓰지 않습니다.

**SYSDOJO_PROGRESS**
: 진행 기록 파일 (기본값 $XDG_STATE_HOME/sysdojo/progress.json).

**XDG_STATE_HOME**
: 진행 기록을 두는 곳 (기본값 ~/.local/state).

**XDG_CACHE_HOME**
: 기본 컨테이너 루트 파일 시스템을 한 번 만들어 두는 곳 (기본값 ~/.cache).

**XDG_RUNTIME_DIR**
: root가 아닌 사용자의 컨테이너 상태를 두는 곳.
`)},
	{i18n.T("FILES", "파일"), i18n.T(`
**~/.local/state/sysdojo/progress.json**
: lesson progress; **progress.workspaces.json** beside it records what sysdojo made in each workspace.

**~/sysdojo-lab/ID**
: the default workspace of lesson ID.

**~/.cache/sysdojo**
: the default container root filesystem (busybox).

**/run/sysdojo/containers**
: the state of root's containers (a rootless user's is under $XDG_RUNTIME_DIR/sysdojo).

**/etc/apt/sources.list**, **/etc/apt/sources.list.d/**
: the APT sources that apt list, explain, switch and restore read and write (under --root DIR when given).

**/var/backups/sysdojo/apt**
: the backups apt switch keeps and apt restore puts back.
`, `
**~/.local/state/sysdojo/progress.json**
: 레슨 진행 기록. 옆의 **progress.workspaces.json**에는 sysdojo가 각 작업 디렉터리에 만든 것이 기록됩니다.

**~/sysdojo-lab/ID**
: 레슨 ID의 기본 작업 디렉터리.

**~/.cache/sysdojo**
: 기본 컨테이너 루트 파일 시스템 (busybox).

**/run/sysdojo/containers**
: root가 띄운 컨테이너의 상태 (root가 아닌 사용자는 $XDG_RUNTIME_DIR/sysdojo 아래).

**/etc/apt/sources.list**, **/etc/apt/sources.list.d/**
: apt list, explain, switch, restore가 읽고 쓰는 APT 소스 (--root DIR를 주면 그 아래).

**/var/backups/sysdojo/apt**
: apt switch가 남기고 apt restore가 되돌리는 백업.
`)},
}
