package main

import (
	"encoding/json"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/class"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/term"
)

// env is what every command gets: the streams and settings, and the
// process environment (a function, so tests can give their own).
type env struct {
	io     *term.IO
	getenv func(string) string
}

func (e *env) t(en, ko string) string { return i18n.T(en, ko).In(e.io.Lang) }

func newApp(io *term.IO, getenv func(string) string) *cli.App {
	e := &env{io: io, getenv: getenv}
	app := &cli.App{
		Name:  "sysdojo",
		Usage: e.t("learn Linux system administration by doing it", "리눅스 시스템 관리를 직접 해 보며 배웁니다"),
		Description: e.t(
			"Permissions, links, APT mirrors and containers, explained step by step and checked for real.\n"+
				"Exit status: 0 success, 1 a check or an operation failed, 2 bad usage or input.",
			"권한, 링크, APT 미러, 컨테이너를 한 단계씩 설명하고 실제로 확인합니다.\n"+
				"종료 코드: 0 성공, 1 확인이나 작업 실패, 2 잘못된 사용법이나 입력."),
		Writer:         io.Out,
		ErrWriter:      io.Err,
		HideVersion:    true,
		ExitErrHandler: func(*cli.Context, error) {}, // main reports errors, once
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "lang", Usage: e.t("language: en or ko (default from LC_ALL, LC_MESSAGES, LANG)", "언어: en 또는 ko (기본값은 LC_ALL, LC_MESSAGES, LANG에서)")},
			&cli.StringFlag{Name: "color", Value: "auto", Usage: e.t("colour: auto (a terminal only), always or never",
				"색: auto (터미널일 때만), always, never")},
			&cli.BoolFlag{Name: "no-color", Usage: e.t("no colour: --color never", "색을 쓰지 않음: --color never와 같음")},
			&cli.StringFlag{Name: "class-socket", Usage: e.t("the class server's socket (default $SYSDOJO_CLASS, else "+class.DefaultSocket+" when there; off: none)", "수업 서버의 소켓 (기본값 $SYSDOJO_CLASS, 없으면 "+class.DefaultSocket+"가 있을 때 그것. off: 쓰지 않음)")},
		},
		Before: func(c *cli.Context) error {
			if l := c.String("lang"); l != "" {
				lang, err := i18n.Parse(l)
				if err != nil {
					return err
				}
				io.Lang = lang
			}
			when := c.String("color")
			if c.Bool("no-color") {
				when = "never"
			}
			var err error
			io.Color, err = useColor(io, when, getenv) // color.go
			return err
		},
		Commands: []*cli.Command{
			newPermCommand(e),
			newLinkCommand(e),
			newAptCommand(e),
			newContainerCommand(e),
			newLessonCommand(e),
			newProgressCommand(e),
			newTourCommand(e),
			newDemoCommand(e),
			newQuizCommand(e),
			newClassCommand(e),
			newDoctorCommand(e),
			newCompletionCommand(e),
			newManCommand(e),
		},
	}
	installHelp(e, app) // help.go
	app.Commands = append(app.Commands, helpCommand("sysdojo", func() []*cli.Command { return app.Commands }))
	app.Flags = append(app.Flags, cli.HelpFlag) // (urfave/cli adds it only with its own help command)
	app.Action = groupAction(e, "sysdojo")
	addVersion(e, app) // version.go
	addDocs(e, app)    // gendocs.go
	for _, c := range app.Commands {
		prepare(e, c, "sysdojo")
	}
	app.EnableBashCompletion = true                          // completion.go
	app.OnUsageError = onUsageError(e, "sysdojo", app.Flags) // usage.go
	return app
}

// prepare gives every command main's error handling: usage errors are
// returned (not printed) and unknown subcommands are usage errors.
func prepare(e *env, c *cli.Command, parent string) {
	path := parent + " " + c.Name
	c.OnUsageError = onUsageError(e, path, c.Flags)
	if len(c.Subcommands) > 0 && c.Action == nil {
		c.Action = groupAction(e, path)
	}
	if len(c.Subcommands) > 0 && findCommand(c.Subcommands, "help") == nil {
		c.Subcommands = append(c.Subcommands, helpCommand(path, func() []*cli.Command { return c.Subcommands }))
	}
	for _, s := range c.Subcommands {
		prepare(e, s, path)
	}
}

func helpHint(path string) i18n.Text {
	return i18n.T("see '%s --help'", "'%s --help'를 참고하세요").F(path)
}

// groupAction shows a group's help, or rejects an unknown subcommand.
func groupAction(e *env, path string) cli.ActionFunc {
	return func(c *cli.Context) error {
		if c.NArg() > 0 {
			return unknownCommand(c, path, c.Args().First())
		}
		return showHelp(c, path)
	}
}

// args checks the number of positional arguments.
func args(c *cli.Context, min, max int, usage string) ([]string, error) {
	n := c.NArg()
	path := c.Command.HelpName
	if n < min || (max >= 0 && n > max) {
		return nil, usagef(helpHint(path), i18n.T("usage: %s %s", "사용법: %s %s"), path, usage)
	}
	return c.Args().Slice(), nil
}

var jsonFlag = &cli.BoolFlag{Name: "json", Usage: "print one JSON document on stdout"}

// writeJSON prints v as indented JSON.
func (e *env) writeJSON(v any) error {
	enc := json.NewEncoder(e.io.Out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
