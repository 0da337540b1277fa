package lessons

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

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
