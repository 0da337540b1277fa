package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// A tour part: a heading, what to notice, and sysdojo commands run live,
// shown on the same stage as a lesson demo (see demo.go).
type tourPart struct {
	title i18n.Text
	say   i18n.Text
	cmds  [][]string
}

func newTourCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "tour",
		Usage: e.t("a short narrated tour: permissions, links, APT mirrors, containers", "짧은 둘러보기: 권한, 링크, APT 미러, 컨테이너"),
		Flags: []cli.Flag{
			&cli.DurationFlag{Name: "auto", Usage: e.t("advance after this delay instead of waiting for Enter (e.g. 2s)", "Enter를 기다리지 않고 이 시간이 지나면 넘어감 (예: 2s)")},
			&cli.BoolFlag{Name: "wait", Usage: e.t("wait for Enter (a line on stdin) between parts even when stdin is not a terminal", "stdin이 터미널이 아니어도 부분 사이에서 Enter(stdin의 한 줄)를 기다림")},
		},
		Action: func(c *cli.Context) error {
			if _, err := args(c, 0, 0, ""); err != nil {
				return err
			}
			return e.tour(c.Duration("auto"), c.IsSet("auto"), c.Bool("wait"))
		},
	}
}

func (e *env) tour(delay time.Duration, auto, wait bool) error {
	dir, err := os.MkdirTemp("", "sysdojo-tour-")
	if err != nil {
		return i18n.Failed(i18n.T("cannot make a workspace for the tour", "둘러보기용 작업 디렉터리를 만들 수 없습니다"), err)
	}
	defer os.RemoveAll(dir)
	// Searchable by everyone, so that the last part is decided by the
	// file's own bits.
	if err := os.Chmod(dir, 0o755); err != nil {
		return i18n.Failed(i18n.T("cannot prepare the tour workspace", "둘러보기 작업 디렉터리를 준비할 수 없습니다"), err)
	}
	report := filepath.Join(dir, "report.txt")
	if err := os.WriteFile(report, []byte("quarterly numbers\n"), 0o600); err != nil {
		return i18n.Failed(i18n.T("cannot prepare the tour workspace", "둘러보기 작업 디렉터리를 준비할 수 없습니다"), err)
	}
	if err := os.Chmod(report, 0o640); err != nil {
		return i18n.Failed(i18n.T("cannot prepare the tour workspace", "둘러보기 작업 디렉터리를 준비할 수 없습니다"), err)
	}
	parts := []tourPart{
		{
			title: i18n.T("Reading a mode", "모드 읽기"),
			say: i18n.T("Every file has three sets of rwx: for its owner, its group, and everyone else.\n754 means rwx for the owner (7=4+2+1), r-x for the group (5=4+1), r-- for others (4).",
				"모든 파일에는 rwx가 세 벌 있습니다. 소유자, 그룹, 그 외 사용자 몫입니다.\n754는 소유자 rwx(7=4+2+1), 그룹 r-x(5=4+1), 그 외 사용자 r--(4)라는 뜻입니다."),
			cmds: [][]string{{"perm", "explain", "754"}},
		},
		{
			title: i18n.T("What chmod really does", "chmod가 실제로 하는 일"),
			say: i18n.T("Symbolic modes apply clause by clause, left to right. g=u copies the owner's rwx to the group.",
				"기호 표기 모드는 왼쪽에서 오른쪽으로 한 구절씩 적용됩니다. g=u는 소유자의 rwx를 그룹에 복사합니다."),
			cmds: [][]string{{"perm", "calc", "--from", "0644", "--umask", "022", "u+x,g=u"}},
		},
		{
			title: i18n.T("The umask surprise", "umask의 함정"),
			say: i18n.T("Without u, g, o or a, chmod respects the umask: -w with umask 022 leaves group and other write alone.",
				"u, g, o, a를 쓰지 않으면 chmod도 umask를 따릅니다. umask가 022일 때 -w는 그룹과 그 외 사용자의 쓰기 권한을 건드리지 않습니다."),
			cmds: [][]string{{"perm", "calc", "--from", "0777", "--umask", "022", "--", "-w"}, {"perm", "umask", "022"}},
		},
		{
			title: i18n.T("A real file, and who may read it", "실제 파일과, 누가 읽을 수 있는지"),
			say: i18n.T("report.txt is 0640: its owner reads and writes, its group reads, others get nothing.\nThe kernel checks owner, then group, then others, and the first class that matches decides.",
				"report.txt는 0640입니다. 소유자는 읽고 쓰고, 그룹은 읽기만, 나머지는 아무것도 못 합니다.\n커널은 소유자, 그룹, 그 외 사용자 순서로 보고 처음 해당하는 분류 하나로 결정합니다."),
			cmds: [][]string{{"perm", "stat", report}, {"perm", "can", "--user", "nobody", "read", report}},
		},
		{
			title: i18n.T("Hard links and symbolic links", "하드 링크와 심볼릭 링크"),
			say: i18n.T("A file is an inode; a name is only a directory entry pointing at it. ln adds a name, ln -s makes a small file holding a path.\nWatch what happens to each when the original is moved.",
				"파일의 실체는 아이노드(inode)이고, 이름은 그 아이노드를 가리키는 디렉터리 항목일 뿐입니다. ln은 이름을 하나 더 붙이고, ln -s는 경로를 담은 작은 파일을 만듭니다.\n원본을 옮기면 각각 어떻게 되는지 보세요."),
			cmds: linkTourCmds(dir, delay, auto),
		},
		aptTourPart(dir),
		containerTourPart(),
	}
	io := e.io
	st := e.newStage(delay, auto, wait)
	for i, p := range parts {
		st.banner(i+1, len(parts), io.T(p.title))
		st.say(io.T(p.say))
		for _, args := range p.cmds {
			fmt.Fprintln(io.Out)
			st.typeLine("sysdojo " + strings.Join(quoteArgs(args), " "))
			e.sub(args...)
		}
		if i < len(parts)-1 && !st.wait() {
			fmt.Fprintf(io.Out, "\n%s\n", e.t("Tour stopped. Run 'sysdojo tour' again any time.", "둘러보기를 멈췄습니다. 언제든 'sysdojo tour'로 다시 볼 수 있습니다."))
			return nil
		}
	}
	fmt.Fprintf(io.Out, "\n%s\n", e.t("That was the tour. Try: sysdojo perm explain --help", "둘러보기를 마쳤습니다. 다음으로 sysdojo perm explain --help 를 해 보세요"))
	return nil
}

// sub runs a sysdojo command line on the same streams; a failing command
// (a denied access) is part of the story, so its status is not an error.
func (e *env) sub(args ...string) int {
	full := []string{"sysdojo", "--lang", string(e.io.Lang)}
	if !e.io.Color {
		full = append(full, "--no-color")
	}
	return run(append(full, args...), e.io, e.getenv)
}

func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t'\"$\\") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return out
}
