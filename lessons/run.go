package lessons

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"sysdojo/internal/i18n"
)

// Setup creates the workspace dir with the bound lesson's starting files.
// An existing dir is kept; its starting files are written afresh.
func (l *Lesson) Setup(dir string) error {
	fail := func(err error) error {
		return i18n.Failed(i18n.T("creating the workspace %s", "작업 디렉터리 %s를 만드는 중").F(dir), err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fail(err)
	}
	for _, f := range l.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fail(err)
		}
		mode := os.FileMode(0o644)
		if f.Type == "dir" {
			mode = 0o755
		}
		if f.Mode != "" {
			m, err := strconv.ParseUint(f.Mode, 8, 32)
			if err != nil {
				return fail(fmt.Errorf("file %s: bad mode %q", f.Path, f.Mode))
			}
			mode = os.FileMode(m)
		}
		switch f.Type {
		case "dir":
			if err := os.MkdirAll(p, 0o755); err != nil {
				return fail(err)
			}
		case "symlink":
			os.Remove(p)
			if err := os.Symlink(f.Target, p); err != nil {
				return fail(err)
			}
			continue
		default:
			os.Remove(p)
			if err := os.WriteFile(p, []byte(f.Content), 0o600); err != nil {
				return fail(err)
			}
		}
		// chmod, not the create mode: the umask must not change it.
		if err := os.Chmod(p, mode|specialBits(mode)); err != nil {
			return fail(err)
		}
	}
	return nil
}

func specialBits(m os.FileMode) os.FileMode {
	var out os.FileMode
	if m&0o4000 != 0 {
		out |= os.ModeSetuid
	}
	if m&0o2000 != 0 {
		out |= os.ModeSetgid
	}
	if m&0o1000 != 0 {
		out |= os.ModeSticky
	}
	return out
}

// Solve runs step n's solution commands with /bin/sh -c in dir, writing
// their output to out, and returns the answer a quiz step gives (its
// answer, or the output of its answer_cmd), "" for other steps.
func (l *Lesson) Solve(ctx context.Context, n int, dir string, out io.Writer) (string, error) {
	s := &l.Steps[n-1]
	for _, c := range s.Solution {
		if err := sh(ctx, dir, c, out, out); err != nil {
			return "", fmt.Errorf("step %d: %q: %w", n, c, err)
		}
	}
	if s.AnswerCmd != "" {
		var b strings.Builder
		if err := sh(ctx, dir, s.AnswerCmd, &b, out); err != nil {
			return "", fmt.Errorf("step %d: %q: %w", n, s.AnswerCmd, err)
		}
		return strings.TrimSpace(b.String()), nil
	}
	return s.Answer, nil
}

func sh(ctx context.Context, dir, line string, out, errw io.Writer) error {
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", line)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = out, errw
	return cmd.Run()
}
