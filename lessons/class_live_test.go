package lessons

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

// TestThreeStudentsAtOnce runs the container lesson for three students
// on one server at the same time, as root (sudo): each gets a container
// name and host ports of their own, so nobody's `run --name` or `-p`
// collides with a classmate's. (Before issue 16, names and ports came from
// a handful of rows: two of three students often shared one.)
func TestThreeStudentsAtOnce(t *testing.T) {
	testenv.NeedRoot(t)
	needSysdojo(t)
	src, err := Get("containers-run")
	if err != nil {
		t.Fatal(err)
	}
	// Three students: their seeds share every parameter row (the worst
	// case), their uids differ.
	seeds := []string{"0000000000000001", "0000000000000001", "0000000000000001"}
	names, ports := map[string]bool{}, map[string]bool{}
	var students []*Lesson
	for i, seed := range seeds {
		vars := machine(t)
		vars["uid"] = fmt.Sprint(1001 + i)
		// Different seeds in real life; the same here would make one sid.
		l := src.Bind(seed+fmt.Sprint(i), vars)
		names[l.Value("name")], ports[l.Value("port")] = true, true
		students = append(students, l)
	}
	if len(names) != 3 || len(ports) != 3 {
		t.Fatalf("three students share names %v or ports %v", names, ports)
	}
	n := stepTitled(t, students[0], "Through the host's port")
	t.Run("class", func(t *testing.T) {
		for i, l := range students {
			t.Run(fmt.Sprint("student", i+1), func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				if err := l.Setup(dir); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { cleanLive(t, l, dir) })
				for k := 1; k <= n; k++ {
					var out bytes.Buffer
					answer, err := l.Solve(context.Background(), k, dir, &out)
					if err != nil {
						t.Fatalf("step %d: %v\n%s", k, err, out.String())
					}
					r := l.CheckStep(k, Env{Dir: dir, Answer: answer})
					for deadline := time.Now().Add(15 * time.Second); !r.Passed && time.Now().Before(deadline); {
						time.Sleep(200 * time.Millisecond)
						r = l.CheckStep(k, Env{Dir: dir, Answer: answer})
					}
					if !r.Passed {
						t.Fatalf("step %d fails with classmates running: %+v", k, r.Criteria)
					}
				}
			})
		}
	})
}
