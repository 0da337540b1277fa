package lessons

import (
	"strings"
	"testing"
)

// TestHintsDoNotGiveTheSolution: the hint ladder is idea, then the shape
// of the command; the full answer comes only from `lesson solution`
// (which is recorded). A hint that holds a whole solution command, or a
// quiz's answer, gives it away.
func TestHintsDoNotGiveTheSolution(t *testing.T) {
	for _, src := range mustAll(t) {
		l := src.Bind("0000000000000001", map[string]string{"user": "alice", "group": "alice"})
		for i, s := range l.Steps {
			for j, h := range s.Ladder() {
				for _, lang := range []string{h.En, h.Ko} {
					for _, sol := range s.Solution {
						if len(sol) > 8 && strings.Contains(lang, sol) {
							t.Errorf("%s step %d hint %d holds the solution %q", l.ID, i+1, j+1, sol)
						}
					}
				}
			}
		}
	}
}

func TestShape(t *testing.T) {
	for in, want := range map[string]string{
		"chmod 644 notes.txt":                                  "chmod … …",
		"sysdojo apt switch --root sandbox-tool kakao":         "sysdojo apt switch --root … …",
		"sed -i 's|a b|c|' sandbox/etc/apt/sources.list":       "sed -i … …",
		"sysdojo container run --rootfs rootfs -- ps > ps.txt": "sysdojo container run --rootfs … -- ps > …",
		"cd x && ln -s a b":                                    "cd … && ln -s … …",
	} {
		if got := Shape(in); got != want {
			t.Errorf("Shape(%q) = %q, want %q", in, got, want)
		}
	}
}
