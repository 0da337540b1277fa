package lessons

import (
	"bytes"
	"context"
	"errors"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sysdojo/sysdojo/perm"
)

// KindScript: Want is a shell script (/bin/sh -c) run in the workspace as
// the student, Killercoda's verify-script convention: exit status 0
// passes, and what it prints (the first lines, at most 4 KiB, escaped)
// is the check's message. A lesson from an instructor's file is
// untrusted input, so a script never runs as anyone but the workspace's
// owner: when sysdojo runs as root (a grader, sudo) and the workspace
// belongs to a student, the script runs with the student's user and
// groups; its environment is a fixed minimal one; it is killed, with its
// whole process group, after ScriptTimeout.
const KindScript = "script"

// ScriptTimeout bounds one script check.
const ScriptTimeout = 10 * time.Second

// maxScript bounds a script's text; maxScriptOutput what is kept of its
// output.
const (
	maxScript       = 16 << 10
	maxScriptOutput = 4 << 10
)

var scriptKind = kindSpec{
	Doc: "want is a shell script run in the workspace as the student: exit 0 passes; its output is the message",
	// Not a file kind: it runs as the owner through its own process, not
	// through Env.As on a thread.
	File: false,
	Validate: func(c Check) string {
		if strings.TrimSpace(c.Want) == "" {
			return "script needs want: the script"
		}
		if len(c.Want) > maxScript {
			return "script: want is longer than 16 KiB"
		}
		if strings.ContainsRune(c.Want, 0) {
			return "script: want holds a NUL byte"
		}
		return ""
	},
	Describe: func(Check) i18n.Text {
		return t("the lesson's check script passes", "레슨의 확인 스크립트 통과")
	},
	Run: runScript,
}

// scriptCreds are the user and groups a script runs as in dir: Env.As
// when set, else, for a root process, the owner of the workspace when
// that is not root; nil means as this process.
func scriptCreds(env Env) (*syscall.Credential, error) {
	if env.As != nil {
		return credOf(env.As), nil
	}
	if os.Geteuid() != 0 {
		return nil, nil
	}
	st, err := os.Lstat(env.Dir)
	if err != nil {
		return nil, err
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok || sys.Uid == 0 {
		return nil, nil
	}
	return credOf(OwnerCreds(sys.Uid, sys.Gid)), nil
}

func credOf(c *Creds) *syscall.Credential {
	cr := &syscall.Credential{Uid: uint32(c.UID), Gid: uint32(c.GID)}
	for _, g := range c.Groups {
		cr.Groups = append(cr.Groups, uint32(g))
	}
	if cr.Groups == nil {
		cr.Groups = []uint32{} // drop root's supplementary groups
	}
	return cr
}

// limited keeps the first n bytes written to it.
type limited struct {
	b bytes.Buffer
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	if room := l.n - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func runScript(c Check, env Env, _ *perm.DB) Criterion {
	cred, err := scriptCreds(env)
	if err != nil {
		return Criterion{Saw: "error", Want: "exit 0", Line: t("cannot run the lesson's script: %s", "레슨의 스크립트를 실행할 수 없습니다: %s").F(Printable(err.Error()))}
	}
	ctx, cancel := context.WithTimeout(context.Background(), ScriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", c.Want)
	cmd.Dir = env.Dir
	cmd.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=" + env.Dir, "LANG=C.UTF-8", "SYSDOJO_WORKSPACE=" + env.Dir, "SYSDOJO_ANSWER=" + env.Answer}
	out := &limited{n: maxScriptOutput}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Stdin = nil
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: cred}
	// On timeout the whole group goes: a script cannot leave a
	// background process behind to outlive the check.
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	msg := scriptMessage(out.b.String())
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return Criterion{Saw: "timeout", Want: "exit 0", Line: t("the lesson's script did not finish within %s", "레슨의 스크립트가 %s 안에 끝나지 않았습니다").F(ScriptTimeout)}
	case err == nil:
		if msg == "" {
			return Criterion{OK: true, Saw: "exit 0", Want: "exit 0", Line: t("the lesson's check passed", "레슨의 확인을 통과했습니다")}
		}
		return Criterion{OK: true, Saw: "exit 0", Want: "exit 0", Line: t("%s", "%s").F(msg)}
	case errors.As(err, &ee):
		if msg == "" {
			return Criterion{Saw: "exit " + strconv.Itoa(ee.ExitCode()), Want: "exit 0", Line: t("the lesson's check does not pass yet", "레슨의 확인을 아직 통과하지 못했습니다")}
		}
		return Criterion{Saw: "exit " + strconv.Itoa(ee.ExitCode()), Want: "exit 0", Line: t("%s", "%s").F(msg)}
	}
	return Criterion{Saw: "error", Want: "exit 0", Line: t("cannot run the lesson's script: %s", "레슨의 스크립트를 실행할 수 없습니다: %s").F(Printable(err.Error()))}
}

// scriptMessage is a script's output as one line for a terminal: its
// non-empty lines joined, escaped.
func scriptMessage(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, Printable(l))
		}
		if len(lines) == 3 {
			break
		}
	}
	return strings.Join(lines, "; ")
}
