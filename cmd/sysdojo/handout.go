package main

import (
	"bytes"
	"fmt"

	"github.com/google/renameio/v2"
	"github.com/urfave/cli/v2"

	"sysdojo/internal/i18n"
	"sysdojo/lessons"
)

func handoutFlags(e *env) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "format", Value: "md", Usage: "md | html"},
		&cli.BoolFlag{Name: "solutions", Usage: e.t("include the solutions and quiz answers (an instructor's copy)", "풀이와 퀴즈 답 포함 (강사용)")},
		&cli.StringFlag{Name: "seed", Value: demoSeed, Usage: e.t("student seed for the lesson's values (default: the demo's)", "레슨 값을 정하는 학생 시드 (기본값: 데모와 같은 값)")},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: e.t("write to this file instead of stdout", "stdout 대신 이 파일에 쓰기")},
	}
}

func (e *env) lessonHandout(c *cli.Context) error {
	a, err := args(c, 1, 1, "ID")
	if err != nil {
		return err
	}
	l, err := lessons.Get(a[0])
	if err != nil {
		return err
	}
	seed := c.String("seed")
	l = l.Bind(seed, map[string]string{"user": "student", "group": "student"})
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
		if err := renameio.WriteFile(out, b.Bytes(), 0o644); err != nil {
			return i18n.Failed(i18n.T("writing %s", "%s를 쓰는 중").F(out), err)
		}
		fmt.Fprintln(e.io.Err, e.t("Handout written to ", "유인물을 썼습니다: ")+out)
		return nil
	}
	_, err = e.io.Out.Write(b.Bytes())
	return err
}
