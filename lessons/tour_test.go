package lessons

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

// TestTourStops is the verdict property for the tour, run as `sysdojo
// tour` runs it: every stop's check fails on the state just before it
// (its lesson's workspace after the lesson's earlier steps) and passes
// after the stop's own solution.
func TestTourStops(t *testing.T) {
	tour, err := TheTour()
	if err != nil {
		t.Fatal(err)
	}
	needSysdojo(t)
	for _, seed := range []string{"0000000000000001", "00000000000000ff"} {
		t.Run(seed, func(t *testing.T) {
			stops := tour.Bind(seed, machine(t))
			root := t.TempDir()
			runners := map[*Lesson]*Runner{}
			done := map[*Lesson]int{}
			ctx := context.Background()
			for i, s := range stops {
				l := s.Lesson
				r := runners[l]
				if r == nil {
					if l.NeedsRoot() {
						testenv.NeedRoot(t)
					}
					r = &Runner{Dir: filepath.Join(root, l.ID), Root: isRoot()}
					if err := l.Setup(r.Dir); err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { cleanLive(t, l, r.Dir) })
					runners[l] = r
				}
				if err := r.Quietly(ctx, l, done[l]+1, s.N); err != nil {
					t.Fatalf("stop %d: %v", i+1, err)
				}
				answer, err := r.Answer(ctx, l, s.N)
				if err != nil {
					t.Fatal(err)
				}
				if before := l.CheckStep(s.N, Env{Dir: r.Dir}); before.Passed {
					t.Errorf("stop %d (%s step %d): passes before its solution", i+1, l.ID, s.N)
				}
				var out bytes.Buffer
				for _, line := range s.Step().Solution {
					if err := r.Run(ctx, line, &out); err != nil {
						t.Fatalf("stop %d: %q: %v\n%s", i+1, line, err, out.String())
					}
				}
				if after := l.CheckStep(s.N, Env{Dir: r.Dir, Answer: answer}); !after.Passed {
					var lines []string
					for _, c := range after.Criteria {
						lines = append(lines, c.Line.En)
					}
					t.Errorf("stop %d (%s step %d): fails after its solution:\n  %s", i+1, l.ID, s.N, strings.Join(lines, "\n  "))
				}
				done[l] = s.N
			}
		})
	}
}

func TestParseTourRejects(t *testing.T) {
	head := "id: t\ntitle: {en: T, ko: T}\nintro: {en: I, ko: I}\noutro: {en: O, ko: O}\n"
	for name, steps := range map[string]string{
		"no such lesson":    "steps: [{from: no-such/1}]",
		"no such step":      "steps: [{from: perm-octal/99}]",
		"not ID/N":          "steps: [{from: perm-octal}]",
		"out of order":      "steps: [{from: perm-octal/3}, {from: perm-octal/2}]",
		"twice":             "steps: [{from: perm-octal/2}, {from: perm-octal/2}]",
		"a step of its own": "steps: [{from: perm-octal/2, task: {en: x, ko: x}}]",
		"no steps":          "steps: []",
		"unknown field":     "steps: [{from: perm-octal/2, say: x}]",
	} {
		if _, err := ParseTour(name, []byte(head+steps+"\n"), Get); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := ParseTour("ok", []byte(head+"steps: [{from: perm-octal/2}, {from: links-experiment/3}]\n"), Get); err != nil {
		t.Errorf("a good tour: %v", err)
	}
	// A lesson may not take steps from others.
	if _, err := Parse("l.yaml", []byte("id: l\ntitle: {en: T, ko: T}\nintro: {en: I, ko: I}\nsteps: [{from: perm-octal/2}]\n")); err == nil {
		t.Error("a lesson with from: accepted")
	}
}

// The tour's handout is made from the same steps.
func TestTourHandout(t *testing.T) {
	tour, err := TheTour()
	if err != nil {
		t.Fatal(err)
	}
	l := tour.Flat("0000000000000001", nil)
	var b bytes.Buffer
	if err := WriteMarkdown(&b, l, "0000000000000001", HandoutOptions{Lang: "en", Solutions: true}); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{"`sysdojo tour`", "754 for a script", "chmod 754 script.sh", "Its own host name"} {
		if !strings.Contains(md, want) {
			t.Errorf("the tour's handout lacks %q", want)
		}
	}
	if len(l.Steps) != len(tour.Stops) {
		t.Errorf("%d steps for %d stops", len(l.Steps), len(tour.Stops))
	}
}
