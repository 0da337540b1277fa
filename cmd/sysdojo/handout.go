package main

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/outfile"
	"github.com/sysdojo/sysdojo/lessons"
)

func handoutFlags(e *env) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "format", Value: "md", Usage: "md | html"},
		&cli.BoolFlag{Name: "solutions", Usage: e.t("include the solutions and quiz answers (an instructor's copy)", "풀이와 퀴즈 답 포함 (강사용)")},
		&cli.StringFlag{Name: "seed", Value: demoSeed, Usage: e.t("student seed for the lesson's values (default: the demo's)", "레슨 값을 정하는 학생 시드 (기본값: 데모와 같은 값)")},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: e.t("write to this file instead of stdout (a new file, or one sysdojo wrote)", "stdout 대신 이 파일에 쓰기 (새 파일이나 sysdojo가 쓴 파일)")},
		forceFlag(e),
	}
}

// forceFlag lets an output flag replace a file sysdojo did not write.
func forceFlag(e *env) cli.Flag {
	return &cli.BoolFlag{Name: "force", Usage: e.t("replace the output file even if sysdojo did not write it", "sysdojo가 쓴 파일이 아니어도 출력 파일을 바꾸기")}
}

// writeOutput writes an output flag's file: atomically, and over an
// existing file only when sysdojo wrote it or --force is given.
func (e *env) writeOutput(c *cli.Context, name string, data []byte) error {
	return outfile.Write(name, data, outfile.Options{Force: c.Bool("force"),
		Record: outfile.RecordPath(filepath.Dir(lessons.DefaultPath(e.getenv)))})
}

func (e *env) lessonHandout(c *cli.Context) error {
	a, err := args(c, 1, 1, "ID")
	if err != nil {
		return err
	}
	seed := c.String("seed")
	machine := map[string]string{"user": "student", "group": "student"}
	l, err := lessons.Get(a[0])
	if err != nil && a[0] == "tour" {
		// The tour's stops, from the same lesson data `sysdojo tour` runs.
		t, terr := lessons.TheTour()
		if terr != nil {
			return terr
		}
		l, err = t.Flat(seed, machine), nil
	} else if err == nil {
		l = l.Bind(seed, machine)
	}
	if err != nil {
		return err
	}
	opt := lessons.HandoutOptions{Lang: e.io.Lang, Solutions: c.Bool("solutions")}
	var b bytes.Buffer
	switch c.String("format") {
	case "md", "markdown":
		err = lessons.WriteMarkdown(&b, l, seed, opt)
	case "html":
		err = lessons.WriteHTML(&b, l, seed, opt)
	default:
		return usagef(helpHint("sysdojo lesson handout"), i18n.T("unknown format %q (use md or html)", "모르는 형식입니다: %q (md 또는 html)"), c.String("format"))
	}
	if err != nil {
		return err
	}
	if out := c.String("output"); out != "" {
		if err := e.writeOutput(c, out, b.Bytes()); err != nil {
			return err
		}
		fmt.Fprintln(e.io.Err, e.t("Handout written to ", "유인물을 썼습니다: ")+out)
		return nil
	}
	_, err = e.io.Out.Write(b.Bytes())
	return err
}
