package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/lessons"
)

// Lessons instructors write, from files: `sysdojo lesson --lessons DIR`,
// $SYSDOJO_LESSONS, or /etc/sysdojo/lessons when it exists.

func (e *env) lessonsFlag() cli.Flag {
	return &cli.StringFlag{Name: "lessons", Usage: e.t(
		"a directory of lessons written as YAML files, besides the built-in course (default $SYSDOJO_LESSONS, else /etc/sysdojo/lessons when it exists)",
		"기본 과정 말고도 YAML 파일로 쓴 레슨이 있는 디렉터리 (기본값 $SYSDOJO_LESSONS, 없으면 /etc/sysdojo/lessons가 있을 때 그것)")}
}

// loadFileLessons adds the instructors' lessons to the course before a
// lesson command runs.
func (e *env) loadFileLessons(c *cli.Context) error {
	dir := c.String("lessons")
	if dir == "" {
		dir = e.getenv("SYSDOJO_LESSONS")
	}
	if dir == "" {
		if _, err := os.Stat(lessons.DefaultLessonDir); err != nil {
			return nil
		}
		dir = lessons.DefaultLessonDir
	}
	ls, err := lessons.LoadDir(dir)
	if err != nil {
		return err
	}
	lessons.UseFileLessons(ls)
	return nil
}

func (e *env) lessonFileCommands() []*cli.Command {
	return []*cli.Command{
		{Name: "validate", Usage: e.t("check a directory of lesson files: the format, and that every step's check fails before its solution and passes after it",
			"레슨 파일 디렉터리를 검사: 형식, 그리고 모든 단계의 확인이 풀이 전에는 실패하고 풀이 후에는 통과하는지"),
			ArgsUsage: "DIR", Action: e.lessonValidate},
		{Name: "new", Usage: e.t("write the skeleton of a lesson file, ID.yaml, to fill in", "채워 넣을 레슨 파일의 뼈대 ID.yaml을 만들기"),
			ArgsUsage: "ID", Flags: []cli.Flag{&cli.StringFlag{Name: "dir", Value: ".", Usage: e.t("where to write it", "만들 곳")}},
			Action: e.lessonNew},
	}
}

func (e *env) lessonValidate(c *cli.Context) error {
	a, err := args(c, 1, 1, "DIR")
	if err != nil {
		return err
	}
	ls, err := lessons.LoadDir(a[0])
	if err != nil {
		return err
	}
	io := e.io
	if len(ls) == 0 {
		io.Println(i18n.T("No lesson files (*.yaml) in %s.", "%s에 레슨 파일(*.yaml)이 없습니다.").F(lessons.Printable(a[0])))
		return silentError{}
	}
	tmp, err := os.MkdirTemp("", "sysdojo-validate-")
	if err != nil {
		return i18n.Failed(i18n.T("making a directory to prove the lessons in", "레슨을 확인할 디렉터리를 만드는 중"), err)
	}
	defer os.RemoveAll(tmp)
	failed := false
	for _, l := range ls {
		var all []lessons.Problem
		skipped := 0
		for _, seed := range []string{"0000000000000001", "00000000000000ff"} {
			ps, sk := lessons.Prove(context.Background(), l, seed, machineVars(), tmp, isRoot())
			all, skipped = append(all, ps...), sk
		}
		if len(all) == 0 {
			line := fmt.Sprintf(e.t("✓ %s (%s): %d steps proved", "✓ %s (%s): %d단계 모두 확인"), l.ID, filepath.Base(l.Source()), len(l.Steps)-skipped)
			if skipped > 0 {
				line += fmt.Sprintf(e.t(", %d need root and were left out", ", root가 필요한 %d단계는 건너뜀"), skipped)
			}
			fmt.Fprintln(io.Out, io.OK(line))
			continue
		}
		failed = true
		fmt.Fprintln(io.Out, io.Bad(fmt.Sprintf("✗ %s (%s)", l.ID, filepath.Base(l.Source()))))
		for _, p := range all {
			fmt.Fprintln(io.Out, "    "+lessons.Printable(p.String()))
		}
	}
	if failed {
		return silentError{}
	}
	return nil
}

func (e *env) lessonNew(c *cli.Context) error {
	a, err := args(c, 1, 1, "ID")
	if err != nil {
		return err
	}
	id := a[0]
	data := strings.ReplaceAll(lessonSkeleton, "ID", id)
	if _, err := lessons.Parse(id+".yaml", []byte(data)); err != nil {
		return i18n.Invalid(i18n.T("%q cannot be a lesson id: lower-case letters, digits and dashes, starting with a letter",
			"%q: 레슨 ID로 쓸 수 없습니다. 영어 소문자, 숫자, 대시만 쓰고 소문자로 시작해야 합니다").F(id))
	}
	path := filepath.Join(c.String("dir"), id+".yaml")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if os.IsExist(err) {
			return i18n.Invalid(i18n.T("%s already exists: nothing was written", "%s 파일이 이미 있습니다. 아무것도 쓰지 않았습니다").F(lessons.Printable(path)))
		}
		return i18n.Failed(i18n.T("writing %s", "%s 파일을 쓰는 중").F(lessons.Printable(path)), err)
	}
	if _, err := f.WriteString(data); err != nil {
		f.Close()
		return i18n.Failed(i18n.T("writing %s", "%s 파일을 쓰는 중").F(lessons.Printable(path)), err)
	}
	if err := f.Close(); err != nil {
		return i18n.Failed(i18n.T("writing %s", "%s 파일을 쓰는 중").F(lessons.Printable(path)), err)
	}
	e.io.Println(i18n.T("Wrote %s. Fill it in (lessons/FORMAT.md is the reference), then: sysdojo lesson validate %s",
		"%s 파일을 만들었습니다. 내용을 채운 뒤(형식은 lessons/FORMAT.md) 확인하세요: sysdojo lesson validate %s").F(lessons.Printable(path), lessons.Printable(c.String("dir"))))
	return nil
}

// lessonSkeleton is what `lesson new` writes: a complete lesson that
// validates, with a file check and a script check to copy.
const lessonSkeleton = `# A sysdojo lesson: see lessons/FORMAT.md for every field.
# Check it with: sysdojo lesson validate DIR
id: ID
order: 1000
topic: perm
title: {en: "Title in English", ko: "한국어 제목"}
intro:
  en: "What this lesson teaches, in a few sentences."
  ko: "이 레슨에서 배우는 것을 몇 문장으로."
outro: {en: "Done.", ko: "끝났습니다."}
files:
  - {path: notes.txt, content: "notes\n", mode: "0666"}
steps:
  - title: {en: "Nobody else writes", ko: "다른 사람은 쓰지 못하게"}
    text: {en: "Why this matters.", ko: "왜 중요한지."}
    task: {en: "Take write permission away from the group and others on notes.txt.", ko: "notes.txt에서 그룹과 그 외 사용자의 쓰기 권한을 빼세요."}
    solution: ["chmod go-w notes.txt"]
    checks:
      - {kind: mode, path: notes.txt, want: "0644"}
    hints:
      - {en: "The idea, not the command.", ko: "명령이 아니라 생각할 거리."}
      - {en: "The shape: chmod WHO-PERM FILE", ko: "명령의 모양: chmod 누구-권한 파일"}
  - title: {en: "A script check", ko: "스크립트로 확인하기"}
    text: {en: "A script check runs in the workspace as the student: exit 0 passes, what it prints is the message.", ko: "스크립트 확인은 작업 디렉터리에서 학생 권한으로 실행됩니다. 종료 코드 0이면 통과이고, 출력이 메시지가 됩니다."}
    task: {en: "Write the word done into done.txt.", ko: "done.txt에 done이라는 낱말을 쓰세요."}
    solution: ["echo done > done.txt"]
    checks:
      - kind: script
        want: |
          grep -qx done done.txt 2>/dev/null || { echo "done.txt does not say done yet"; exit 1; }
          echo "done.txt says done"
    hints:
      - {en: "The shell's > writes a command's output to a file.", ko: "셸의 >는 명령의 출력을 파일에 씁니다."}
      - {en: "The shape: echo WORD > FILE", ko: "명령의 모양: echo 낱말 > 파일"}
`
