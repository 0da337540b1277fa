package lessons

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// Runner runs a bound lesson's solution commands the way a demo, a test or
// a handout's "solutions" section needs them: one command line at a time,
// in a workspace, with extra environment variables (a PATH on which the
// running sysdojo is found, the demo's language).
type Runner struct {
	// Dir is the workspace the commands run in.
	Dir string
	// Env is added to the process environment (KEY=VALUE entries; later
	// entries win).
	Env []string
	// Root says whether steps that need root may run; when false they are
	// left out (a demo explains them instead).
	Root bool
}

// Run runs one command line with /bin/sh -c in r.Dir, its standard output
// and error both written to out. The error is the command's failure
// (an *exec.ExitError for a non-zero exit status).
func (r *Runner) Run(ctx context.Context, line string, out io.Writer) error {
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", line)
	cmd.Dir = r.Dir
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Stdin = nil
	if len(r.Env) > 0 {
		cmd.Env = append(os.Environ(), r.Env...)
	}
	return cmd.Run()
}

// Answer returns the answer a quiz step n (from 1) gives: its answer, or
// what its answer_cmd prints (trimmed). Other steps give "".
func (r *Runner) Answer(ctx context.Context, l *Lesson, n int) (string, error) {
	s := &l.Steps[n-1]
	if s.AnswerCmd == "" {
		return s.Answer, nil
	}
	var b strings.Builder
	if err := r.Run(ctx, s.AnswerCmd, &b); err != nil {
		return "", fmt.Errorf("step %d: %q: %w: %s", n, s.AnswerCmd, err, strings.TrimSpace(b.String()))
	}
	return strings.TrimSpace(b.String()), nil
}

// CanRun reports whether step n may run here: it does not need root, or
// r.Root is set.
func (r *Runner) CanRun(l *Lesson, n int) bool { return !l.Steps[n-1].NeedsRoot || r.Root }

// FastForward brings a fresh workspace to the state before step from: it
// sets the workspace up and runs the solutions of steps 1..from-1 (those
// that may run here) quietly. Used by `demo --from`.
func (r *Runner) FastForward(ctx context.Context, l *Lesson, from int) error {
	if err := l.Setup(r.Dir); err != nil {
		return err
	}
	return r.Quietly(ctx, l, 1, from)
}

// Quietly runs the solutions of steps from..to-1 (those that may run
// here) of the bound lesson l in r.Dir, showing nothing: how a demo
// starting at a later step, or a tour stop, gets the state its step
// starts from.
func (r *Runner) Quietly(ctx context.Context, l *Lesson, from, to int) error {
	for n := from; n < to && n <= len(l.Steps); n++ {
		if !r.CanRun(l, n) {
			continue
		}
		for _, line := range l.Steps[n-1].Solution {
			var b strings.Builder
			if err := r.Run(ctx, line, &b); err != nil {
				return fmt.Errorf("%s step %d: %q: %w: %s", l.ID, n, line, err, strings.TrimSpace(b.String()))
			}
		}
	}
	return nil
}
